using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Swarm.Inference.Native;

/// <summary>Finds the llama.cpp libraries, resolves the logical <c>DllImport</c> names to full paths, and checks version and ABI.</summary>
internal static class NativeLibraryLoader
{
    /// <summary>The environment variable that points at the native library folder.</summary>
    public const string EnvironmentVariable = "SWARM_LLAMA_NATIVE_DIR";

    public const string LlamaFileName = "libllama.v0.5.0.so";
    public const string GgmlFileName = "libggml.v0.5.0.so";
    public const string GgmlBaseFileName = "libggml-base.so";
    public const string ExpectedLlamaVersion = "0.5.0-dev";
    public const string ExpectedGgmlVersion = "0.25.1";

    public const string InstallHint =
        "Install them with `bash eng/setup.sh` (it extracts llama.cpp v0.5.0 from the npm package @node-llama-cpp/linux-x64@3.22.1 into .native/llama), "
        + "or point SWARM_LLAMA_NATIVE_DIR or LlamaBackendOptions.NativeLibraryDirectory at a folder holding "
        + LlamaFileName + ", " + GgmlFileName + ", " + GgmlBaseFileName + " and libggml-cpu-*.so.";

    // Expected sizes on x86-64 for llama.cpp v0.5.0 (checked with a C program compiled against llama.h).
    public const int ModelParamsSize = 80;
    public const int ContextParamsSize = 160;
    public const int BatchSize = 56;
    public const int KvOverrideSize = 264;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, nint> Handles = new(StringComparer.Ordinal);
    private static bool resolverSet;

    /// <summary>Gets the folder the libraries were loaded from, once loaded.</summary>
    public static string? LoadedDirectory { get; private set; }

    /// <summary>Returns the candidate folders in search order.</summary>
    public static IEnumerable<(string Directory, string Source)> CandidateDirectories(string? optionsDirectory)
    {
        if (!string.IsNullOrWhiteSpace(optionsDirectory))
        {
            yield return (Path.GetFullPath(optionsDirectory), "LlamaBackendOptions.NativeLibraryDirectory");
            yield break;
        }

        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            yield return (Path.GetFullPath(env), EnvironmentVariable);
            yield break;
        }

        var baseDirectory = AppContext.BaseDirectory;
        yield return (Path.Combine(baseDirectory, "runtimes", "linux-x64", "native"), "runtimes/linux-x64/native");

        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".native", "llama");
            if (Directory.Exists(candidate))
            {
                yield return (candidate, ".native/llama");
                yield break;
            }
        }
    }

    /// <summary>Returns the files missing from <paramref name="directory"/>; empty when it is complete.</summary>
    public static IReadOnlyList<string> MissingFiles(string directory)
    {
        var missing = new List<string>();
        foreach (var file in new[] { LlamaFileName, GgmlFileName, GgmlBaseFileName })
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                missing.Add(file);
            }
        }

        if (!Directory.Exists(directory) || Directory.GetFiles(directory, "libggml-cpu-*.so").Length == 0)
        {
            missing.Add("libggml-cpu-*.so");
        }

        return missing;
    }

    /// <summary>Picks the first complete folder or throws a <see cref="LlamaNativeLibraryException"/> that lists what was searched.</summary>
    public static string LocateDirectory(string? optionsDirectory)
    {
        var searched = new List<string>();
        foreach (var (directory, source) in CandidateDirectories(optionsDirectory))
        {
            var missing = MissingFiles(directory);
            if (missing.Count == 0)
            {
                return directory;
            }

            searched.Add(string.Create(CultureInfo.InvariantCulture, $"'{directory}' ({source}): missing {string.Join(", ", missing)}"));
        }

        var where = searched.Count == 0 ? "no candidate folder exists" : string.Join("; ", searched);
        throw new LlamaNativeLibraryException($"The llama.cpp native libraries were not found ({where}). {InstallHint}");
    }

    /// <summary>Loads the libraries from <paramref name="directory"/> once and installs the import resolver.</summary>
    public static void Load(string directory)
    {
        lock (Gate)
        {
            if (LoadedDirectory is not null)
            {
                if (!string.Equals(LoadedDirectory, directory, StringComparison.Ordinal))
                {
                    throw new LlamaNativeLibraryException(
                        $"The llama.cpp native libraries are already loaded from '{LoadedDirectory}'; a process can load them from one folder only (asked for '{directory}').");
                }

                return;
            }

            try
            {
                // Dependencies first, by full path: the file names carry a version suffix the default probing never tries.
                Handles[LlamaNative.GgmlBaseLibrary] = NativeLibrary.Load(Path.Combine(directory, GgmlBaseFileName));
                Handles[LlamaNative.GgmlLibrary] = NativeLibrary.Load(Path.Combine(directory, GgmlFileName));
                Handles[LlamaNative.LlamaLibrary] = NativeLibrary.Load(Path.Combine(directory, LlamaFileName));
            }
            catch (DllNotFoundException ex)
            {
                throw new LlamaNativeLibraryException($"The llama.cpp native libraries in '{directory}' could not be loaded: {ex.Message}. {InstallHint}", ex);
            }
            catch (BadImageFormatException ex)
            {
                throw new LlamaNativeLibraryException($"The llama.cpp native libraries in '{directory}' are not x86-64 Linux shared libraries: {ex.Message}. {InstallHint}", ex);
            }

            if (!resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
                resolverSet = true;
            }

            LoadedDirectory = directory;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        lock (Gate)
        {
            return Handles.TryGetValue(libraryName, out var handle) ? handle : IntPtr.Zero;
        }
    }

    /// <summary>Checks the reported versions against the pinned ones.</summary>
    public static void VerifyVersion(string? llamaVersion, string? ggmlVersion)
    {
        if (!string.Equals(llamaVersion, ExpectedLlamaVersion, StringComparison.Ordinal)
            || !string.Equals(ggmlVersion, ExpectedGgmlVersion, StringComparison.Ordinal))
        {
            throw new LlamaNativeLibraryException(
                $"The llama.cpp native libraries report llama {llamaVersion ?? "(none)"} / ggml {ggmlVersion ?? "(none)"}, but this binding is built for llama {ExpectedLlamaVersion} / ggml {ExpectedGgmlVersion} (llama.cpp tag v0.5.0); struct layouts differ between versions. {InstallHint}");
        }
    }

    /// <summary>Checks the managed struct sizes and the native default parameters against what this binding assumes.</summary>
    public static void VerifyAbi(LlamaModelParams modelDefaults, LlamaContextParams contextDefaults)
    {
        Check(nameof(LlamaModelParams), LlamaNative.SizeOf<LlamaModelParams>(), ModelParamsSize);
        Check(nameof(LlamaContextParams), LlamaNative.SizeOf<LlamaContextParams>(), ContextParamsSize);
        Check(nameof(LlamaBatchNative), LlamaNative.SizeOf<LlamaBatchNative>(), BatchSize);
        Check(nameof(LlamaModelKvOverrideNative), LlamaNative.SizeOf<LlamaModelKvOverrideNative>(), KvOverrideSize);

        // The defaults of v0.5.0: n_ctx 512, n_batch 2048, n_ubatch 512, n_seq_max 1, one-byte bools 0/1.
        var sane = contextDefaults.NCtx == 512 && contextDefaults.NBatch == 2048 && contextDefaults.NUbatch == 512
            && contextDefaults.NSeqMax == 1 && contextDefaults.Embeddings == 0 && contextDefaults.OffloadKqv <= 1
            && contextDefaults.KvUnified <= 1 && modelDefaults.VocabOnly == 0 && modelDefaults.UseExtraBufts <= 1
            && modelDefaults.KvOverrides == IntPtr.Zero && modelDefaults.MainGpu == 0;
        if (!sane)
        {
            throw new LlamaNativeLibraryException(
                string.Create(CultureInfo.InvariantCulture, $"The default parameters returned by the native library do not match the struct layout of llama.cpp v0.5.0 (n_ctx {contextDefaults.NCtx}, n_batch {contextDefaults.NBatch}, n_ubatch {contextDefaults.NUbatch}, n_seq_max {contextDefaults.NSeqMax}). {InstallHint}"));
        }

        static void Check(string name, int actual, int expected)
        {
            if (actual != expected)
            {
                throw new LlamaNativeLibraryException(
                    string.Create(CultureInfo.InvariantCulture, $"Struct {name} is {actual} bytes in this binding but {expected} bytes in llama.cpp v0.5.0 on x86-64; the binding does not match this platform. {InstallHint}"));
            }
        }
    }
}
