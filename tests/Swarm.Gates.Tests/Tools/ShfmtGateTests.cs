namespace Swarm.Gates.Tests.Tools;

public sealed class ShfmtGateTests : IDisposable
{
    private readonly TestWorkspace workspace = new();
    private readonly ProcessRunner runner = new();

    public ShfmtGateTests() => RequiredTool.Check("shfmt");

    public void Dispose()
    {
        runner.Dispose();
        workspace.Dispose();
    }

    [Fact]
    public async Task EvaluateAsync_FormattedScript_Passes()
    {
        workspace.Write("ok.sh", "#!/bin/sh\nif [ -n \"$1\" ]; then\n\techo \"$1\"\nfi\n");

        var result = await new ShfmtGate(runner).EvaluateAsync(workspace.Context("ok.sh"));

        Assert.True(result.Passed, result.Summary + result.RawOutput);
    }

    [Fact]
    public async Task EvaluateAsync_BadlyFormattedScript_FailsAsFormatWithHunks()
    {
        workspace.Write("a.sh", "#!/bin/sh\nif [ -n \"$1\" ]; then\necho \"$1\"\n   fi\n");

        var result = await new ShfmtGate(runner).EvaluateAsync(workspace.Context("a.sh"));

        Assert.False(result.Passed);
        Assert.Equal(FailureCategory.Format, result.Category);
        var hunk = Assert.Single(result.Diagnostics);
        Assert.Equal("a.sh", hunk.File);
        Assert.Equal(1, hunk.Line);
        Assert.Equal("shfmt", hunk.RuleId);
        Assert.Contains("+\techo \"$1\"", hunk.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_IndentOption_IsPassedToTool()
    {
        workspace.Write("a.sh", "#!/bin/sh\nif true; then\n  echo x\nfi\n");
        var options = new GateToolOptions();
        options.ExtraArguments.Add("-i");
        options.ExtraArguments.Add("2");

        var result = await new ShfmtGate(runner, options).EvaluateAsync(workspace.Context("a.sh"));

        Assert.True(result.Passed, result.RawOutput);
    }

    [Fact]
    public async Task EvaluateAsync_SyntaxError_FailsAsCodeWithPosition()
    {
        workspace.Write("broken.sh", "#!/bin/sh\nif then\n");

        var result = await new ShfmtGate(runner).EvaluateAsync(workspace.Context("broken.sh"));

        Assert.Equal(FailureCategory.Code, result.Category);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("broken.sh", error.File);
        Assert.Equal(2, error.Line);
        Assert.Equal(1, error.Column);
    }

    [Fact]
    public async Task EvaluateAsync_Output_IsCheckedThroughStandardInput()
    {
        var result = await new ShfmtGate(runner).EvaluateAsync(new GateContext("s", workspace.Path) { Output = "x=1;   y=2\n" });

        Assert.Equal(FailureCategory.Format, result.Category);
        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.Null(d.File));
    }

    [Fact]
    public void ParseDiff_TwoFiles_OneDiagnosticPerHunk()
    {
        const string diff = "--- a.sh.orig\n+++ a.sh\n@@ -1,2 +1,2 @@\n-x\n+y\n@@ -10 +10 @@\n-a\n+b\n--- b.sh.orig\n+++ b.sh\n@@ -3,1 +3,1 @@\n-c\n+d\n";

        var hunks = ShfmtGate.ParseDiff(diff);

        Assert.Equal([("a.sh", 1), ("a.sh", 10), ("b.sh", 3)], hunks.Select(h => (h.File, h.Line ?? 0)));
    }
}
