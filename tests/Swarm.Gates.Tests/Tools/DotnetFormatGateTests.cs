namespace Swarm.Gates.Tests.Tools;

public sealed class DotnetFormatGateTests(DotnetFormatFixture fixture) : IClassFixture<DotnetFormatFixture>
{
    [Fact]
    public void EvaluateAsync_FormattingError_FailsAsFormatWithLocatedDiagnostics()
    {
        var result = fixture.BadResult;

        Assert.False(result.Passed, result.Summary);
        Assert.Equal(FailureCategory.Format, result.Category);
        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.Equal("Greeter.cs", d.File));
        Assert.True(result.Diagnostics.Any(d => d.RuleId == "WHITESPACE" && d.Line == 5 && d.Column == 5 && d.Message.Contains("Delete 4 characters", StringComparison.Ordinal)), string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void EvaluateAsync_FormattedProject_Passes()
    {
        Assert.True(fixture.GoodResult.Passed, fixture.GoodResult.Summary + fixture.GoodResult.RawOutput);
    }

    [Fact]
    public async Task EvaluateAsync_NoProjectInWorkspace_FailsAsInfraNamingTheArgument()
    {
        using var empty = new TestWorkspace();
        using var runner = new ProcessRunner();

        var result = await new DotnetFormatGate(runner).EvaluateAsync(new GateContext("s", empty.Path));

        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("'project'", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseReport_Report_MapsChangesToDiagnostics()
    {
        const string json = """
            [{"FileName": "A.cs", "FilePath": "/ws/src/A.cs", "FileChanges": [
              {"LineNumber": 3, "CharNumber": 5, "DiagnosticId": "IDE0055", "FormatDescription": "Fix formatting"}]}]
            """;

        var diagnostic = Assert.Single(DotnetFormatGate.ParseReport(json, "/ws"));

        Assert.Equal(("src/A.cs", 3, 5, "IDE0055", "Fix formatting"), (diagnostic.File, diagnostic.Line ?? 0, diagnostic.Column ?? 0, diagnostic.RuleId, diagnostic.Message));
    }
}
