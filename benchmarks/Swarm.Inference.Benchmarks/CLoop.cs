using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Swarm.Inference.Benchmarks;

/// <summary>The C baseline (benchmarks/native/llama_loop.c), loaded in-process from libswarm_llama_loop.so.</summary>
/// <remarks>It links the same libllama.v0.5.0.so the binding loaded (same soname, so the same instance) and reads the same GGUF.</remarks>
public sealed unsafe class CLoop : IDisposable
{
    private static nint library;
    private static delegate* unmanaged<byte*, int, int, int, nint> create;
    private static delegate* unmanaged<nint, int*, int, int> prefill;
    private static delegate* unmanaged<nint, int*, int, int, int*, int> generate;
    private static delegate* unmanaged<nint, void> free;
    private nint loop;

    public CLoop(string modelPath, int contextSize, int batchSize)
    {
        EnsureLoaded();
        var path = System.Text.Encoding.UTF8.GetBytes(modelPath + "\0");
        fixed (byte* p = path)
        {
            loop = create(p, contextSize, batchSize, 1);
        }

        if (loop == 0)
        {
            throw new InvalidOperationException($"The C loop could not load {modelPath}.");
        }
    }

    public int Prefill(int[] prompt)
    {
        fixed (int* p = prompt)
        {
            return prefill(loop, p, prompt.Length);
        }
    }

    public int Generate(int[] prompt, int count, int[]? output = null)
    {
        fixed (int* p = prompt)
        fixed (int* o = output)
        {
            return generate(loop, p, prompt.Length, count, o);
        }
    }

    public void Dispose()
    {
        if (loop != 0)
        {
            free(loop);
            loop = 0;
        }
    }

    private static void EnsureLoaded()
    {
        if (library != 0)
        {
            return;
        }

        var root = Paths.RepositoryRoot;
        var lib = Path.Combine(root, "benchmarks", "native", "build", "libswarm_llama_loop.so");
        if (!File.Exists(lib))
        {
            using var build = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "benchmarks", "native", "build.sh")]) { UseShellExecute = false })!;
            build.WaitForExit();
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException("benchmarks/native/build.sh failed (it needs gcc, npm and `bash eng/setup.sh`).");
            }
        }

        library = NativeLibrary.Load(lib);
        create = (delegate* unmanaged<byte*, int, int, int, nint>)NativeLibrary.GetExport(library, "swarm_loop_create");
        prefill = (delegate* unmanaged<nint, int*, int, int>)NativeLibrary.GetExport(library, "swarm_loop_prefill");
        generate = (delegate* unmanaged<nint, int*, int, int, int*, int>)NativeLibrary.GetExport(library, "swarm_loop_generate");
        free = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "swarm_loop_free");
    }
}
