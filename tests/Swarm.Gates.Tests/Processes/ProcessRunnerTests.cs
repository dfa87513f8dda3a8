using Microsoft.Extensions.Logging.Testing;

namespace Swarm.Gates.Tests.Processes;

public sealed class ProcessRunnerTests : IDisposable
{
    private readonly TestWorkspace workspace = new();
    private readonly ProcessRunner runner = new();

    public void Dispose()
    {
        runner.Dispose();
        workspace.Dispose();
    }

    [Fact]
    public async Task RunAsync_ShellMetacharacterArguments_ReachToolVerbatim()
    {
        string[] arguments =
        [
            "; rm -rf ./victim", "$(touch pwned1)", "`touch pwned2`", "a b  c", "it's \"quoted\"", "line1\nline2",
            "*", "&& touch pwned3 ||", "| tee pwned4", "> pwned5", "-n", "--", "${HOME}", "'", "\\",
        ];
        workspace.Write("victim/keep", "x");

        var result = await runner.RunAsync(new ProcessRequest("printf", workspace.Path) { Arguments = ["%s\\0", .. arguments] });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(arguments, result.StandardOutput.Split('\0')[..^1]);
        Assert.True(workspace.Exists("victim/keep"));
        Assert.Empty(Directory.EnumerateFiles(workspace.Path, "pwned*"));
    }

    [Fact]
    public async Task RunAsync_FileNameWithMetacharacters_ReachesToolAsOneArgument()
    {
        const string name = "a; touch pwned $(touch pwned2) `x` 'q' \"dq\".txt";
        workspace.Write(name, "content\n");

        var result = await runner.RunAsync(new ProcessRequest("cat", workspace.Path) { Arguments = ["--", name] });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("content\n", result.StandardOutput);
        Assert.Empty(Directory.EnumerateFiles(workspace.Path, "pwned*"));
    }

    [Fact]
    public async Task RunAsync_ExitCodeAndStandardInput_AreReported()
    {
        var result = await runner.RunAsync(new ProcessRequest("sh", workspace.Path)
        {
            Arguments = ["-c", "cat; echo oops >&2; exit 7"],
            StandardInput = "from stdin",
        });

        Assert.Equal(7, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Equal("from stdin", result.StandardOutput);
        Assert.Equal("oops\n", result.StandardError);
    }

    [Fact]
    public async Task RunAsync_Hang_IsKilledAtTimeout()
    {
        var result = await runner.RunAsync(new ProcessRequest("sleep", workspace.Path) { Arguments = ["30"], Timeout = TimeSpan.FromMilliseconds(200) });

        Assert.True(result.TimedOut);
        Assert.Empty(ProcessTree.SessionMembers(result.ProcessId));
    }

    [Fact]
    public async Task RunAsync_TimeoutWithBackgroundGrandchild_KillsWholeTree()
    {
        // The parent sleeps; a background subshell would write the marker after the timeout.
        var result = await runner.RunAsync(new ProcessRequest("sh", workspace.Path)
        {
            Arguments = ["-c", "(sleep 2; echo late > marker) & sh -c '(sleep 2; echo late > marker2) &' ; sleep 30"],
            Timeout = TimeSpan.FromMilliseconds(300),
        });

        Assert.True(result.TimedOut);
        Assert.Empty(ProcessTree.SessionMembers(result.ProcessId));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(workspace.Exists("marker"), "a grandchild survived the kill and wrote its marker");
        Assert.False(workspace.Exists("marker2"), "a double-forked grandchild survived the kill and wrote its marker");
    }

    [Fact]
    public async Task RunAsync_ParentExitsLeavingOrphan_OrphanIsKilled()
    {
        // The parent exits at once; its double-forked child outlives it and would write the marker later.
        var result = await runner.RunAsync(new ProcessRequest("sh", workspace.Path)
        {
            Arguments = ["-c", "sh -c '(sleep 2; echo late > marker) &' & exit 0"],
        });

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(ProcessTree.SessionMembers(result.ProcessId));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(workspace.Exists("marker"), "an orphaned grandchild survived and wrote its marker");
    }

    [Fact]
    public async Task RunAsync_ForkBomb_EveryDescendantIsKilled()
    {
        // A bounded fork bomb: each process forks two children that fork again (63 processes), then all would
        // write the marker later; plus a loop that keeps forking while the runner kills.
        const string script = """
            spawn() { [ "$1" -gt 0 ] || return 0; (spawn $(($1 - 1)); spawn $(($1 - 1)); sleep 2; touch marker) & }
            spawn 5
            while :; do (sleep 2; touch marker-loop) & sleep 0.01; done
            """;

        var result = await runner.RunAsync(new ProcessRequest("sh", workspace.Path) { Arguments = ["-c", script], Timeout = TimeSpan.FromMilliseconds(500) });

        Assert.True(result.TimedOut);
        Assert.Empty(ProcessTree.SessionMembers(result.ProcessId));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty(Directory.EnumerateFiles(workspace.Path, "marker*"));
    }

    [Fact]
    public async Task RunAsync_LeftoverKillDisabled_OrphanSurvives()
    {
        // Control for the test above: the same orphan does write its marker when nothing kills it.
        using var lenient = new ProcessRunner(new ProcessRunnerOptions { KillLeftoversOnExit = false });

        var result = await lenient.RunAsync(new ProcessRequest("sh", workspace.Path)
        {
            Arguments = ["-c", "sh -c '(sleep 0.3; echo late > marker) >/dev/null 2>&1 &' & exit 0"],
        });

        Assert.Equal(0, result.ExitCode);
        for (var i = 0; i < 100 && !workspace.Exists("marker"); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        Assert.True(workspace.Exists("marker"));
    }

    [Fact]
    public async Task RunAsync_Canceled_KillsTreeAndThrows()
    {
        using var cts = new CancellationTokenSource();
        var run = runner.RunAsync(
            new ProcessRequest("sh", workspace.Path) { Arguments = ["-c", "(sleep 1; echo late > marker) & echo started; sleep 30"] },
            cts.Token);
        await WaitForFileOrTimeoutAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(workspace.Exists("marker"));

        static Task WaitForFileOrTimeoutAsync() => Task.Delay(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task RunAsync_OutputFlood_IsCappedAndTruncationNoted()
    {
        using var capped = new ProcessRunner(new ProcessRunnerOptions { MaxOutputChars = 10_000 });

        var result = await capped.RunAsync(new ProcessRequest("sh", workspace.Path)
        {
            Arguments = ["-c", "head -c 5000000 /dev/zero | tr '\\0' a; head -c 30000 /dev/zero | tr '\\0' b >&2"],
        });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(10_000, result.StandardOutput.Length);
        Assert.Equal(5_000_000 - 10_000, result.StandardOutputDroppedChars);
        Assert.Equal(10_000, result.StandardError.Length);
        Assert.Equal(20_000, result.StandardErrorDroppedChars);
        Assert.True(result.Truncated);
        Assert.Contains("[output truncated: 4990000 stdout and 20000 stderr characters dropped]", result.CombinedOutput(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EndlessFlood_IsCappedAndKilledAtTimeout()
    {
        using var capped = new ProcessRunner(new ProcessRunnerOptions { MaxOutputChars = 1_000 });

        var result = await capped.RunAsync(new ProcessRequest("yes", workspace.Path) { Arguments = ["flood"], Timeout = TimeSpan.FromMilliseconds(300) });

        Assert.True(result.TimedOut);
        Assert.Equal(1_000, result.StandardOutput.Length);
        Assert.True(result.StandardOutputDroppedChars > 0);
        Assert.Empty(ProcessTree.SessionMembers(result.ProcessId));
    }

    [Fact]
    public async Task RunAsync_SecretsInOutputAndArguments_AreRedactedEverywhere()
    {
        var options = new ProcessRunnerOptions();
        options.SecretPatterns.Add("swarm-[0-9]{6}");
        var logger = new FakeLogger<ProcessRunner>();
        using var redacting = new ProcessRunner(options, logger: logger);
        const string token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

        var result = await redacting.RunAsync(new ProcessRequest("sh", workspace.Path)
        {
            Arguments = ["-c", "echo \"$1\"; echo password=hunter2 >&2; echo custom swarm-123456", "sh", "api_key=" + token],
        });

        var all = result.StandardOutput + result.StandardError + string.Join('\n', logger.Collector.GetSnapshot().Select(r => r.Message));
        Assert.DoesNotContain(token, all, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", all, StringComparison.Ordinal);
        Assert.DoesNotContain("swarm-123456", all, StringComparison.Ordinal);
        Assert.Contains("password=***", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("custom ***", result.StandardOutput, StringComparison.Ordinal);
        Assert.NotEmpty(logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task RunAsync_Environment_ComesFromAllowlistOnly()
    {
        Environment.SetEnvironmentVariable("SWARM_GATES_TEST_HIDDEN", "should-not-leak");
        try
        {
            var result = await runner.RunAsync(new ProcessRequest("env", workspace.Path)
            {
                Environment = new Dictionary<string, string> { ["SWARM_EXPLICIT"] = "given" },
            });

            var names = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')[0]).ToList();
            Assert.DoesNotContain("SWARM_GATES_TEST_HIDDEN", names);
            Assert.Contains("PATH", names);
            Assert.Contains("SWARM_EXPLICIT=given", result.StandardOutput, StringComparison.Ordinal);
            var allowed = new ProcessRunnerOptions().EnvironmentAllowlist;
            Assert.All(names.Where(n => n != "SWARM_EXPLICIT" && n != "PWD" && n != "SHLVL" && n != "_"), n =>
                Assert.Contains(allowed, a => a.EndsWith('*') ? n.StartsWith(a[..^1], StringComparison.Ordinal) : a == n));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SWARM_GATES_TEST_HIDDEN", null);
        }
    }

    [Fact]
    public async Task RunAsync_WorkingDirectoryInsideWorkspace_IsUsed()
    {
        Directory.CreateDirectory(Path.Combine(workspace.Path, "sub dir"));

        var result = await runner.RunAsync(new ProcessRequest("pwd", workspace.Path) { WorkingDirectory = "sub dir", Arguments = ["-P"] });

        Assert.Equal(Path.Combine(new DirectoryInfo(workspace.Path).FullName, "sub dir"), result.StandardOutput.TrimEnd('\n'));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../..")]
    [InlineData("/etc")]
    [InlineData("sub/../../")]
    public async Task RunAsync_WorkingDirectoryOutsideWorkspace_Throws(string directory)
    {
        Directory.CreateDirectory(Path.Combine(workspace.Path, "sub"));

        var ex = await Assert.ThrowsAsync<WorkspaceEscapeException>(() => runner.RunAsync(new ProcessRequest("pwd", workspace.Path) { WorkingDirectory = directory }));

        Assert.Contains("outside the workspace", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SymlinkEscapingWorkspace_Throws()
    {
        using var outside = new TestWorkspace();
        Directory.CreateSymbolicLink(Path.Combine(workspace.Path, "link"), outside.Path);
        Directory.CreateDirectory(Path.Combine(outside.Path, "inner"));

        await Assert.ThrowsAsync<WorkspaceEscapeException>(() => runner.RunAsync(new ProcessRequest("pwd", workspace.Path) { WorkingDirectory = "link" }));
        await Assert.ThrowsAsync<WorkspaceEscapeException>(() => runner.RunAsync(new ProcessRequest("pwd", workspace.Path) { WorkingDirectory = "link/inner" }));
    }

    [Fact]
    public async Task RunAsync_SymlinkInsideWorkspace_IsAllowed()
    {
        Directory.CreateDirectory(Path.Combine(workspace.Path, "real"));
        Directory.CreateSymbolicLink(Path.Combine(workspace.Path, "alias"), "real");

        var result = await runner.RunAsync(new ProcessRequest("pwd", workspace.Path) { WorkingDirectory = "alias", Arguments = ["-P"] });

        Assert.EndsWith("/real", result.StandardOutput.TrimEnd('\n'), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nonexistent/tool-xyz")]
    [InlineData("swarm-no-such-tool-xyz")]
    public async Task RunAsync_MissingTool_ThrowsToolNotFound(string tool)
    {
        var ex = await Assert.ThrowsAsync<ToolNotFoundException>(() => runner.RunAsync(new ProcessRequest(tool, workspace.Path)));

        Assert.Equal(tool, ex.ToolName);
        Assert.Contains(tool, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NonExecutableFile_ThrowsToolNotFound()
    {
        var path = workspace.Write("not-executable", "#!/bin/sh\n");

        await Assert.ThrowsAsync<ToolNotFoundException>(() => runner.RunAsync(new ProcessRequest(path, workspace.Path)));
    }

    [Fact]
    public async Task RunAsync_MissingWorkspace_ThrowsDirectoryNotFound()
    {
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => runner.RunAsync(new ProcessRequest("true", Path.Combine(workspace.Path, "missing"))));
    }

    [Fact]
    public async Task RunAsync_GuardrailOfOne_RunsProcessesOneAtATime()
    {
        using var serial = new ProcessRunner(new ProcessRunnerOptions { MaxConcurrentProcesses = 1 });
        using var parallel = new ProcessRunner(new ProcessRunnerOptions { MaxConcurrentProcesses = 2 });

        Assert.True(await WaiterTimesOutAsync(serial, "go1", TimeSpan.FromSeconds(1)), "with one slot the waiter must block the process it waits for");
        Assert.False(await WaiterTimesOutAsync(parallel, "go2", TimeSpan.FromSeconds(20)), "with two slots both processes must run at once");

        async Task<bool> WaiterTimesOutAsync(ProcessRunner r, string flag, TimeSpan timeout)
        {
            var waiter = r.RunAsync(new ProcessRequest("sh", workspace.Path)
            {
                Arguments = ["-c", $"while [ ! -f {flag} ]; do sleep 0.02; done"],
                Timeout = timeout,
            });
            var toucher = r.RunAsync(new ProcessRequest("touch", workspace.Path) { Arguments = [flag] });
            var results = await Task.WhenAll(waiter, toucher);
            return results[0].TimedOut;
        }
    }
}
