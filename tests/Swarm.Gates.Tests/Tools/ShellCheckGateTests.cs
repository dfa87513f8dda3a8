namespace Swarm.Gates.Tests.Tools;

public sealed class ShellCheckGateTests : IDisposable
{
    private const string Good = "#!/bin/sh\nname=\"$1\"\nprintf '%s\\n' \"hello $name\"\n";
    private const string Bad = "#!/bin/sh\nfor f in $(ls *.txt); do\n  echo $f\ndone\n";

    private readonly TestWorkspace workspace = new();
    private readonly ProcessRunner runner = new();

    public ShellCheckGateTests() => RequiredTool.Check("shellcheck");

    public void Dispose()
    {
        runner.Dispose();
        workspace.Dispose();
    }

    [Fact]
    public async Task EvaluateAsync_CleanScript_Passes()
    {
        workspace.Write("good.sh", Good);

        var result = await new ShellCheckGate(runner).EvaluateAsync(workspace.Context("good.sh"));

        Assert.True(result.Passed, result.Summary + result.RawOutput);
        Assert.Equal(FailureCategory.None, result.Category);
        Assert.Equal("shellcheck", result.GateName);
    }

    [Fact]
    public async Task EvaluateAsync_BadScript_FailsAsCodeWithDiagnostics()
    {
        workspace.Write("scripts/bad.sh", Bad);

        var result = await new ShellCheckGate(runner).EvaluateAsync(workspace.Context("scripts/bad.sh"));

        Assert.False(result.Passed);
        Assert.Equal(FailureCategory.Code, result.Category);
        var quote = Assert.Single(result.Diagnostics, d => d.RuleId == "SC2086");
        Assert.Equal("scripts/bad.sh", quote.File);
        Assert.Equal(3, quote.Line);
        Assert.Equal(8, quote.Column);
        Assert.Equal(GateSeverity.Info, quote.Severity);
        Assert.Contains(result.Diagnostics, d => d.RuleId == "SC2045" && d.Line == 2 && d.Severity == GateSeverity.Error);
    }

    [Fact]
    public async Task EvaluateAsync_OutputWithoutFiles_ChecksStandardInput()
    {
        var context = new GateContext("s", workspace.Path) { Output = Bad };

        var result = await new ShellCheckGate(runner).EvaluateAsync(context);

        Assert.Equal(FailureCategory.Code, result.Category);
        Assert.All(result.Diagnostics, d => Assert.Null(d.File));
    }

    [Fact]
    public async Task EvaluateAsync_FileNameWithShellMetacharacters_ReachesToolVerbatim()
    {
        const string name = "x; touch pwned $(touch pwned2) `touch pwned3`.sh";
        workspace.Write(name, Bad);
        workspace.Write("-rf.sh", Good);

        var result = await new ShellCheckGate(runner).EvaluateAsync(workspace.Context(name, "-rf.sh"));

        Assert.Equal(FailureCategory.Code, result.Category);
        Assert.All(result.Diagnostics, d => Assert.Equal(name, d.File));
        Assert.Empty(Directory.EnumerateFiles(workspace.Path, "pwned*"));
    }

    [Fact]
    public async Task EvaluateAsync_NoShellFiles_IsSkipped()
    {
        workspace.Write("a.yaml", "a: 1\n");

        var result = await new ShellCheckGate(runner).EvaluateAsync(workspace.Context("a.yaml"));

        Assert.True(result.Passed);
        Assert.NotNull(result.SkippedReason);
    }

    [Fact]
    public async Task EvaluateAsync_FileEscapingWorkspace_FailsAsInfra()
    {
        var result = await new ShellCheckGate(runner).EvaluateAsync(workspace.Context("../../etc/profile.sh"));

        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("outside the workspace", result.RawOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_UnparsableOutput_FailsAsInfraWithRawOutput()
    {
        var fake = workspace.WriteTool("tools/fake-shellcheck", "#!/bin/sh\necho 'this is not json'\nexit 1\n");
        workspace.Write("a.sh", Good);

        var result = await new ShellCheckGate(runner, new GateToolOptions { Executable = fake }).EvaluateAsync(workspace.Context("a.sh"));

        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("cannot parse", result.Summary, StringComparison.Ordinal);
        Assert.Contains("this is not json", result.RawOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_ToolCrash_FailsAsInfra()
    {
        workspace.Write("a.sh", Good);

        // shellcheck exits 3 on a bad option.
        var options = new GateToolOptions();
        options.ExtraArguments.Add("--no-such-option");
        var result = await new ShellCheckGate(runner, options).EvaluateAsync(workspace.Context("a.sh"));

        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("exit code", result.Summary, StringComparison.Ordinal);
    }
}
