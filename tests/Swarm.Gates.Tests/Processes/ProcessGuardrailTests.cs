namespace Swarm.Gates.Tests.Processes;

public sealed class ProcessGuardrailTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(16, 64L * 1024, 256, 16)]
    [InlineData(16, 1024L, 256, 4)]
    [InlineData(2, 24L * 1024, 256, 2)]
    [InlineData(8, 100L, 256, 1)]
    public void Derive_CoresAndMemory_TakesTheSmaller(int cores, long availableMiB, int perProcessMiB, int expected)
    {
        Assert.Equal(expected, ProcessGuardrail.Derive(cores, availableMiB * MiB, perProcessMiB));
    }

    [Fact]
    public void Derive_UnknownMemory_UsesCores()
    {
        Assert.Equal(6, ProcessGuardrail.Derive(6, null, 256));
    }

    [Fact]
    public void ReadAvailableMemory_OnLinux_ReadsProcMeminfo()
    {
        Assert.True(ProcessGuardrail.ReadAvailableMemory() > 0);
    }

    [Fact]
    public void MaxConcurrentProcesses_Configured_IsUsed()
    {
        using var runner = new ProcessRunner(new ProcessRunnerOptions { MaxConcurrentProcesses = 3 });

        Assert.Equal(3, runner.MaxConcurrentProcesses);
    }

    [Fact]
    public async Task AcquireAsync_MemoryBelowFloorWhileAnotherRuns_WaitsUntilItEnds()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        long available = 100 * MiB;
        using var guardrail = new ProcessGuardrail(new ProcessRunnerOptions { MaxConcurrentProcesses = 4, MinAvailableMemoryMiB = 512 }, time, () => Interlocked.Read(ref available));

        var first = await guardrail.AcquireAsync(CancellationToken.None);
        var second = guardrail.AcquireAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(second.IsCompleted);

        Interlocked.Exchange(ref available, 4096 * MiB);
        time.Advance(TimeSpan.FromSeconds(1));
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        first.Dispose();
    }
}
