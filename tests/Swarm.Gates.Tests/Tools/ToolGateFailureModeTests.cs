namespace Swarm.Gates.Tests.Tools;

/// <summary>What every built-in tool gate does when its tool is missing or hangs.</summary>
public sealed class ToolGateFailureModeTests : IDisposable
{
    private readonly TestWorkspace workspace = new();
    private readonly ProcessRunner runner = new();

    public ToolGateFailureModeTests()
    {
        workspace.Write("a.sh", "#!/bin/sh\necho hi\n");
        workspace.Write("a.yaml", "---\na: 1\n");
        workspace.Write("a.json", "{}");
        workspace.Write("schema.json", "{\"type\": \"object\"}");
        workspace.Write("p.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        workspace.Write("C.cs", "class C { }\n");
    }

    public static TheoryData<string, string> Gates => new()
    {
        { SchemaGate.GateName, "apt-get install python3 python3-jsonschema" },
        { ShellCheckGate.GateName, "apt-get install shellcheck" },
        { ShfmtGate.GateName, "apt-get install shfmt" },
        { YamlLintGate.GateName, "apt-get install yamllint" },
        { DotnetFormatGate.GateName, ".NET SDK" },
    };

    public void Dispose()
    {
        runner.Dispose();
        workspace.Dispose();
    }

    [Theory]
    [MemberData(nameof(Gates))]
    public async Task EvaluateAsync_MissingTool_FailsAsInfraNamingToolAndInstall(string gate, string install)
    {
        var result = await Create(gate, new GateToolOptions { Executable = "/nonexistent/bin/" + gate }).EvaluateAsync(Context());

        Assert.False(result.Passed);
        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("/nonexistent/bin/" + gate, result.Summary, StringComparison.Ordinal);
        Assert.Contains("not installed", result.Summary, StringComparison.Ordinal);
        Assert.Contains(install, result.RawOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Gates))]
    public async Task EvaluateAsync_MissingToolConfiguredToSkip_PassesWithReason(string gate, string install)
    {
        var result = await Create(gate, new GateToolOptions { Executable = "/nonexistent/bin/" + gate, OnMissingTool = MissingToolBehavior.Skip }).EvaluateAsync(Context());

        Assert.True(result.Passed);
        Assert.Equal(FailureCategory.None, result.Category);
        Assert.Contains(install, result.SkippedReason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Gates))]
    public async Task EvaluateAsync_HangingTool_IsKilledAsTimeout(string gate, string install)
    {
        _ = install;
        var hang = workspace.WriteTool("tools/hang-" + gate, "#!/bin/sh\n(sleep 2; touch late-" + gate + ") &\nsleep 30\n");

        var result = await Create(gate, new GateToolOptions { Executable = hang, Timeout = TimeSpan.FromMilliseconds(300) }).EvaluateAsync(Context());

        Assert.False(result.Passed);
        Assert.Equal(FailureCategory.Timeout, result.Category);
        Assert.Contains(result.Diagnostics, d => d.RuleId == "timeout");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(workspace.Exists("late-" + gate), "the hanging tool's child survived the timeout");
    }

    [Fact]
    public void Constructor_NonPositiveTimeout_ThrowsNamingTheGate()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ShfmtGate(runner, new GateToolOptions { Timeout = TimeSpan.Zero }));

        Assert.Contains("shfmt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout", ex.Message, StringComparison.Ordinal);
    }

    private GateContext Context() => new("step", workspace.Path)
    {
        Files = ["a.sh", "a.yaml", "a.json", "C.cs"],
        Arguments = new Dictionary<string, string> { [SchemaGate.SchemaArgument] = "schema.json" },
    };

    private IGate Create(string gate, GateToolOptions options) => gate switch
    {
        SchemaGate.GateName => new SchemaGate(runner, options),
        ShellCheckGate.GateName => new ShellCheckGate(runner, options),
        ShfmtGate.GateName => new ShfmtGate(runner, options),
        YamlLintGate.GateName => new YamlLintGate(runner, options),
        DotnetFormatGate.GateName => new DotnetFormatGate(runner, options),
        _ => throw new ArgumentOutOfRangeException(nameof(gate)),
    };
}
