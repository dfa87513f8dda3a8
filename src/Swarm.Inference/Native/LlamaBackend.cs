using Microsoft.Extensions.Logging;
using Swarm.Inference.Native;

namespace Swarm.Inference;

/// <summary>Loads and checks the llama.cpp native libraries once per process.</summary>
/// <remarks>
/// Thread-safe. <see cref="LlamaModel.Load"/> calls <see cref="Initialize(LlamaBackendOptions?)"/> itself; call it earlier
/// to choose the library folder or the logger. The libraries are pinned to llama.cpp v0.5.0
/// (<c>llama_version()</c> <c>0.5.0-dev</c>, <c>ggml_version()</c> <c>0.25.1</c>).
/// </remarks>
public static class LlamaBackend
{
    private static readonly Lock Gate = new();
    private static bool initialized;

    /// <summary>Gets a value indicating whether the native libraries are loaded and checked.</summary>
    public static bool IsInitialized => Volatile.Read(ref initialized);

    /// <summary>Gets the folder the native libraries were loaded from, or <see langword="null"/> before initialization.</summary>
    public static string? LibraryDirectory => NativeLibraryLoader.LoadedDirectory;

    /// <summary>Gets the version string <c>llama_version()</c> reported, or <see langword="null"/> before initialization.</summary>
    public static string? LlamaVersion { get; private set; }

    /// <summary>Gets the version string <c>ggml_version()</c> reported, or <see langword="null"/> before initialization.</summary>
    public static string? GgmlVersion { get; private set; }

    /// <summary>Gets the CPU features and backends the native library reports, or <see langword="null"/> before initialization.</summary>
    public static string? SystemInfo { get; private set; }

    /// <summary>Loads the native libraries (once), checks version and struct layout, and loads the CPU backend variants.</summary>
    /// <param name="options">Library folder and logger; <see langword="null"/> for the defaults.</param>
    /// <exception cref="LlamaNativeLibraryException">A library is missing, cannot be loaded, or is not llama.cpp v0.5.0; the message says how to install it.</exception>
    public static void Initialize(LlamaBackendOptions? options = null)
    {
        var logger = options?.LoggerFactory?.CreateLogger("Swarm.Inference.LlamaCpp");
        if (IsInitialized && options?.NativeLibraryDirectory is null)
        {
            // Already loaded, and no folder asked for: nothing to search (this is the path of every later call).
            if (logger is not null)
            {
                NativeLog.SetLogger(logger);
            }

            return;
        }

        // Validate the requested folder first, so that a wrong folder is reported even after a successful load.
        var directory = NativeLibraryLoader.LocateDirectory(options?.NativeLibraryDirectory);
        lock (Gate)
        {
            if (initialized)
            {
                NativeLibraryLoader.Load(directory); // throws when a different folder is asked for
                if (logger is not null)
                {
                    NativeLog.SetLogger(logger);
                }

                return;
            }

            NativeLibraryLoader.Load(directory);
            string? llama;
            string? ggml;
            try
            {
                llama = LlamaNative.PtrToString(LlamaNative.llama_version());
                ggml = LlamaNative.PtrToString(LlamaNative.ggml_version());
            }
            catch (EntryPointNotFoundException ex)
            {
                throw new LlamaNativeLibraryException($"The native libraries in '{directory}' lack llama_version/ggml_version; they are older than llama.cpp v0.5.0. {NativeLibraryLoader.InstallHint}", ex);
            }

            NativeLibraryLoader.VerifyVersion(llama, ggml);
            NativeLibraryLoader.VerifyAbi(LlamaNative.llama_model_default_params(), LlamaNative.llama_context_default_params());

            NativeLog.Install(logger);
            LlamaNative.llama_backend_init();

            // The CPU backend lives in libggml-cpu-<variant>.so; ggml picks the best variant for this CPU from the folder.
            LlamaNative.ggml_backend_load_all_from_path(directory);
            var devices = (int)LlamaNative.ggml_backend_dev_count();
            if (devices == 0)
            {
                throw new LlamaNativeLibraryException($"ggml found no usable backend (libggml-cpu-*.so) in '{directory}' for this CPU. {NativeLibraryLoader.InstallHint}");
            }

            LlamaVersion = llama;
            GgmlVersion = ggml;
            SystemInfo = LlamaNative.PtrToString(LlamaNative.llama_print_system_info());
            if (logger is not null)
            {
                Log.BackendLoaded(logger, llama!, ggml!, directory, devices);
            }

            Volatile.Write(ref initialized, true);
        }
    }
}
