using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Swarm.Inference.Native;

namespace Swarm.Inference.Tests.Native;

/// <summary>
/// The native log's line assembly. Its state is process-wide, and a model loaded by a test running in parallel logs into it,
/// so these tests run alone (<see cref="NativeLogCollection"/>).
/// </summary>
[Collection(NativeLogCollection.Name)]
public sealed class NativeLogTests
{
    [Fact]
    public void NativeLog_ContinuationLine_KeepsPreviousLevel()
    {
        var logger = new FakeLogger();
        NativeLog.SetLogger(logger);
        try
        {
            NativeLog.Handle(3, "first part ");
            NativeLog.Handle(5, "continued\n");
            NativeLog.Handle(2, "info line\n");
        }
        finally
        {
            NativeLog.SetLogger(null);
        }

        var records = logger.Collector.GetSnapshot();
        Assert.Equal(2, records.Count);
        Assert.Equal(LogLevel.Warning, records[0].Level);
        Assert.Equal("llama.cpp: first part continued", records[0].Message);
        Assert.Equal(LogLevel.Information, records[1].Level);
    }
}
