namespace Swarm.Gates.Tests;

/// <summary>A throw-away workspace directory under the temp folder.</summary>
public sealed class TestWorkspace : IDisposable
{
    public TestWorkspace()
    {
        Path = Directory.CreateTempSubdirectory("swarm-gates-test-").FullName;
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Writes an executable script (a fake tool).</summary>
    public string WriteTool(string relative, string script)
    {
        var full = Write(relative, script);
        File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return full;
    }

    public bool Exists(string relative) => File.Exists(System.IO.Path.Combine(Path, relative));

    public GateContext Context(params string[] files) => new("step-1", Path) { Files = files };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
