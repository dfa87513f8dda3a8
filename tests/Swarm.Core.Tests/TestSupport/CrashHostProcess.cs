using System.Diagnostics;

namespace Swarm.Core.Tests;

/// <summary>Starts the crash host (tests/Swarm.Core.CrashHost) as a real child process.</summary>
public sealed class CrashHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private CrashHostProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_lines)
                {
                    _lines.Add(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_lines)
                {
                    _lines.Add("stderr: " + e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string HostPath
    {
        get
        {
            // Artifacts layout: artifacts/bin/<project>/<configuration>/; the test project references the host, so it is built.
            var configuration = Path.GetFileName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "Swarm.Core.CrashHost", configuration, "Swarm.Core.CrashHost.dll"));
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The crash host is not built at '{path}'. Build it: dotnet build tests/Swarm.Core.CrashHost (bash eng/setup.sh builds everything).", path);
            }

            return path;
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static CrashHostProcess Start(string workDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new CrashHostProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>SIGKILL: the process gets no chance to flush, dispose or finish anything.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task<string> WaitForExitAsync(TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"The crash host did not finish within {limit}; output:\n{string.Join('\n', Lines)}");
        }

        _process.WaitForExit();
        return string.Join('\n', Lines);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
