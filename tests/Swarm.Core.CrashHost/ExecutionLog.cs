using System.Text;

namespace Swarm.Core.CrashHost;

/// <summary>An append-only file of tool executions, one line each, flushed to the disk before the tool returns.</summary>
internal sealed class ExecutionLog(string path, int epoch) : IDisposable
{
    private readonly FileStream _stream = new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 4096, FileOptions.WriteThrough);
    private readonly Lock _gate = new();

    public void Append(string stepId, string tool)
    {
        var line = Encoding.UTF8.GetBytes($"{stepId}\t{tool}\t{epoch}\n");
        lock (_gate)
        {
            _stream.Write(line);
            _stream.Flush(flushToDisk: true);
        }
    }

    public void Dispose() => _stream.Dispose();
}
