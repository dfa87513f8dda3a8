namespace Swarm.Gates.Tests;

/// <summary>Fails (never skips) a test whose tool is not installed, saying how to install it.</summary>
public static class RequiredTool
{
    public static void Check(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var found = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, name)));
        Assert.True(found, $"'{name}' is not installed: run `bash eng/setup.sh` (Debian packages shellcheck, shfmt, yamllint, python3-jsonschema).");
    }
}
