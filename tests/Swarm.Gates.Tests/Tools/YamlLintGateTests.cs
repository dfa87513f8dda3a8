namespace Swarm.Gates.Tests.Tools;

public sealed class YamlLintGateTests : IDisposable
{
    private readonly TestWorkspace workspace = new();
    private readonly ProcessRunner runner = new();

    public YamlLintGateTests() => RequiredTool.Check("yamllint");

    public void Dispose()
    {
        runner.Dispose();
        workspace.Dispose();
    }

    [Fact]
    public async Task EvaluateAsync_CleanYaml_Passes()
    {
        workspace.Write("ci.yml", "---\nname: build\non:\n  push: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n");

        var result = await new YamlLintGate(runner).EvaluateAsync(workspace.Context("ci.yml"));

        Assert.True(result.Passed, result.Summary + result.RawOutput);
    }

    [Fact]
    public async Task EvaluateAsync_StyleErrors_FailAsFormatWithRules()
    {
        workspace.Write("conf.yaml", "---\na:  1\nb: [1,2]\nc: x   \n");

        var result = await new YamlLintGate(runner).EvaluateAsync(workspace.Context("conf.yaml"));

        Assert.Equal(FailureCategory.Format, result.Category);
        Assert.Equal(["colons", "commas", "trailing-spaces"], result.Diagnostics.Select(d => d.RuleId));
        var trailing = result.Diagnostics[2];
        Assert.Equal(("conf.yaml", 4, 5, GateSeverity.Error), (trailing.File, trailing.Line, trailing.Column, trailing.Severity));
    }

    [Fact]
    public async Task EvaluateAsync_SyntaxError_FailsAsCode()
    {
        workspace.Write("broken.yaml", "---\na: [1, 2\nb: 3\n");

        var result = await new YamlLintGate(runner).EvaluateAsync(workspace.Context("broken.yaml"));

        Assert.Equal(FailureCategory.Code, result.Category);
        Assert.Contains(result.Diagnostics, d => d.RuleId == "syntax");
    }

    [Fact]
    public async Task EvaluateAsync_WarningsOnly_PassesWithDiagnostics()
    {
        workspace.Write("w.yaml", "a: 1\n");

        var result = await new YamlLintGate(runner).EvaluateAsync(workspace.Context("w.yaml"));

        Assert.True(result.Passed);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(("document-start", GateSeverity.Warning), (warning.RuleId, warning.Severity));
    }

    [Fact]
    public async Task EvaluateAsync_WarningsWithStrict_Fail()
    {
        workspace.Write("w.yaml", "a: 1\n");
        var options = new GateToolOptions();
        options.ExtraArguments.Add("--strict");

        var result = await new YamlLintGate(runner, options).EvaluateAsync(workspace.Context("w.yaml"));

        Assert.Equal(FailureCategory.Format, result.Category);
    }

    [Fact]
    public async Task EvaluateAsync_Output_IsCheckedThroughStandardInput()
    {
        var result = await new YamlLintGate(runner).EvaluateAsync(new GateContext("s", workspace.Path) { Output = "---\nkey: [unclosed\n" });

        Assert.Equal(FailureCategory.Code, result.Category);
    }
}
