namespace Swarm.Gates.Tests.Tools;

public sealed class CommandGateTests : IDisposable
{
    private readonly TestWorkspace workspace = new();
    private readonly ProcessRunner runner = new();

    public void Dispose()
    {
        runner.Dispose();
        workspace.Dispose();
    }

    [Fact]
    public async Task EvaluateAsync_SucceedingCommand_Passes()
    {
        var result = await Gate(o => Fill(o, "sh", "-c", "echo all tests passed")).EvaluateAsync(workspace.Context());

        Assert.True(result.Passed);
        Assert.Equal("unit", result.GateName);
    }

    [Fact]
    public async Task EvaluateAsync_FailingTests_FailAsLogicWithOutputAndParsedErrors()
    {
        workspace.WriteTool("run-tests.sh", """
            #!/bin/sh
            echo "Running 3 tests"
            echo "tests/CalcTests.cs(12,9): error CS0103: The name 'Sum' does not exist in the current context [/ws/tests/Calc.csproj]"
            echo "calc.py:7: AssertionError: expected 4, got 5"
            echo "FAILED: 1 of 3" >&2
            exit 1
            """);

        var result = await Gate(o => Fill(o, "./run-tests.sh")).EvaluateAsync(workspace.Context());

        Assert.False(result.Passed);
        Assert.Equal(FailureCategory.Logic, result.Category);
        Assert.Contains("FAILED: 1 of 3", result.RawOutput, StringComparison.Ordinal);
        Assert.Equal("exit-code", result.Diagnostics[0].RuleId);
        Assert.Contains("exited with code 1", result.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Contains(result.Diagnostics, d => d is { File: "tests/CalcTests.cs", Line: 12, Column: 9, RuleId: "CS0103" });
        Assert.Contains(result.Diagnostics, d => d is { File: "calc.py", Line: 7 });
    }

    [Fact]
    public async Task EvaluateAsync_ConfiguredAsCode_FailsAsCode()
    {
        var result = await Gate(o =>
        {
            Fill(o, "sh", "-c", "exit 3");
            o.FailureCategory = FailureCategory.Code;
        }).EvaluateAsync(workspace.Context());

        Assert.Equal(FailureCategory.Code, result.Category);
    }

    [Fact]
    public async Task EvaluateAsync_WorkingDirectory_IsInsideWorkspace()
    {
        Directory.CreateDirectory(Path.Combine(workspace.Path, "tests"));
        var result = await Gate(o =>
        {
            Fill(o, "sh", "-c", "test \"$(basename \"$(pwd)\")\" = tests");
            o.WorkingDirectory = "tests";
        }).EvaluateAsync(workspace.Context());

        Assert.True(result.Passed, result.RawOutput);
    }

    [Fact]
    public async Task EvaluateAsync_MissingExecutable_FailsAsInfraWithHint()
    {
        var result = await Gate(o =>
        {
            Fill(o, "/nonexistent/pytest");
            o.InstallHint = "apt-get install python3-pytest";
        }).EvaluateAsync(workspace.Context());

        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("apt-get install python3-pytest", result.RawOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_HangingCommand_FailsAsTimeout()
    {
        var result = await Gate(o =>
        {
            Fill(o, "sleep", "30");
            o.Timeout = TimeSpan.FromMilliseconds(200);
        }).EvaluateAsync(workspace.Context());

        Assert.Equal(FailureCategory.Timeout, result.Category);
    }

    [Theory]
    [InlineData(FailureCategory.Schema)]
    [InlineData(FailureCategory.Timeout)]
    public void Constructor_CategoryOtherThanCodeOrLogic_Throws(FailureCategory category)
    {
        var ex = Assert.Throws<ArgumentException>(() => Gate(o =>
        {
            Fill(o, "true");
            o.FailureCategory = category;
        }));

        Assert.Contains("Code or Logic", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptyCommand_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gate(_ => { }));

        Assert.Contains("executable", ex.Message, StringComparison.Ordinal);
    }

    private static void Fill(CommandGateOptions options, params string[] command)
    {
        foreach (var part in command)
        {
            options.Command.Add(part);
        }
    }

    private CommandGate Gate(Action<CommandGateOptions> configure)
    {
        var options = new CommandGateOptions();
        configure(options);
        return new CommandGate(runner, options);
    }
}
