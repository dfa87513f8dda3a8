using Microsoft.Extensions.DependencyInjection;

namespace Swarm.Gates.Tests.Tools;

public sealed class ProcessToolTests : IDisposable
{
    private readonly TestWorkspace workspace = new();
    private readonly ProcessRunner runner = new();

    public void Dispose()
    {
        runner.Dispose();
        workspace.Dispose();
    }

    [Fact]
    public async Task InvokeAsync_Succeeds_OutputIsStandardOutput()
    {
        var tool = Tool("greet", ["sh", "-c", "printf 'hello %s' \"$1\"", "sh", "{who}"]);

        var result = await tool.InvokeAsync(Invocation(("who", "swarm")));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("hello swarm", result.Output);
    }

    [Theory]
    [InlineData("; touch injected")]
    [InlineData("$(touch injected)")]
    [InlineData("`touch injected`")]
    [InlineData("a b \"c\" 'd'\nnext line")]
    public async Task InvokeAsync_ShellMetacharactersInArguments_ReachTheToolVerbatim(string value)
    {
        var tool = Tool("echo", ["printf", "%s", "{text}"]);

        var result = await tool.InvokeAsync(Invocation(("text", value)));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(value, result.Output);
        Assert.False(workspace.Exists("injected"));
    }

    [Fact]
    public async Task InvokeAsync_StandardInputArgument_IsWrittenToStdin()
    {
        var tool = Tool("upper", ["tr", "a-z", "A-Z"], o => o.StandardInputArgument = "text");

        var result = await tool.InvokeAsync(Invocation(("text", "swarm")));

        Assert.Equal("SWARM", result.Output);
    }

    [Fact]
    public async Task InvokeAsync_MissingArgument_IsSchemaFailureNamingIt()
    {
        var tool = Tool("copy", ["cp", "{source}", "{target}"]);

        var result = await tool.InvokeAsync(Invocation(("source", "a.txt")));

        Assert.False(result.Succeeded);
        Assert.Equal(FailureCategory.Schema, result.Category);
        Assert.Contains("'target'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_NonZeroExit_IsConfiguredCategoryWithParsedDiagnostics()
    {
        workspace.WriteTool("build.sh", "#!/bin/sh\necho 'src/App.cs(3,5): error CS1002: ; expected'\nexit 2\n");
        var tool = Tool("build", ["./build.sh"]);

        var result = await tool.InvokeAsync(Invocation());

        Assert.False(result.Succeeded);
        Assert.Equal(FailureCategory.Code, result.Category);
        Assert.Contains("exited with code 2", result.Error, StringComparison.Ordinal);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("CS1002", diagnostic.RuleId);
        Assert.Equal(3, diagnostic.Line);
    }

    [Fact]
    public async Task InvokeAsync_MissingExecutable_IsInfraNamingTheTool()
    {
        var tool = Tool("ghost", ["/nonexistent/swarm-ghost-tool"]);

        var result = await tool.InvokeAsync(Invocation());

        Assert.False(result.Succeeded);
        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("swarm-ghost-tool", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_Hang_IsTimeoutAndTreeIsKilled()
    {
        var tool = Tool("hang", ["sh", "-c", "sleep 30; touch late"], o => o.Timeout = TimeSpan.FromMilliseconds(300));

        var result = await tool.InvokeAsync(Invocation());

        Assert.False(result.Succeeded);
        Assert.Equal(FailureCategory.Timeout, result.Category);
        Assert.False(workspace.Exists("late"));
    }

    [Fact]
    public async Task InvokeAsync_NoWorkspace_IsInfra()
    {
        var tool = Tool("echo", ["echo", "x"]);

        var result = await tool.InvokeAsync(new ToolInvocation("step-1", "echo"));

        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("workspace", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheProblem()
    {
        var options = new ProcessToolOptions { Name = "bad" };

        var ex = Assert.Throws<ArgumentException>(() => new ProcessTool(runner, options));

        Assert.Contains("must name an executable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executor_ToolStepsRunThroughProcessTool_OutputsFlowToDependents()
    {
        var services = new ServiceCollection();
        services.AddSwarm(o => o.WorkspaceDirectory = workspace.Path)
            .AddProcessTool("write", ["sh", "-c", "printf '%s' \"$1\" > \"$2\" && cat \"$2\"", "sh", "{text}", "{file}"], o => o.IsIdempotent = true)
            .AddProcessTool("count", ["wc", "-c", "{file}"], o => o.IsIdempotent = true);
        await using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<ISwarmExecutor>();
        var graph = new TaskGraph
        {
            Id = "tools",
            Goal = "write a file, then count its bytes",
            Steps =
            [
                new TaskStep { Id = "write", Kind = StepKind.Tool, Tool = "write", Args = new Dictionary<string, string> { ["text"] = "swarm; $(date)", ["file"] = "out.txt" } },
                new TaskStep { Id = "count", Kind = StepKind.Tool, Tool = "count", DependsOn = ["write"], Args = new Dictionary<string, string> { ["file"] = "out.txt" } },
            ],
        };

        var result = await executor.RunAsync(graph);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures.Select(f => f.Message)));
        Assert.Equal("swarm; $(date)", result.GetOutput("write"));
        Assert.StartsWith("14 out.txt", result.GetOutput("count"), StringComparison.Ordinal);
    }

    private ProcessTool Tool(string name, string[] command, Action<ProcessToolOptions>? configure = null)
    {
        var options = new ProcessToolOptions { Name = name };
        foreach (var part in command)
        {
            options.Command.Add(part);
        }

        configure?.Invoke(options);
        return new ProcessTool(runner, options);
    }

    private ToolInvocation Invocation(params (string Key, string Value)[] arguments) =>
        new("step-1", "tool")
        {
            WorkspaceDirectory = workspace.Path,
            Arguments = arguments.ToDictionary(a => a.Key, a => a.Value),
        };
}
