using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Swarm.Inference;

/// <summary>The ActivitySource and instruments of Swarm.Inference.</summary>
internal sealed class InferenceTelemetry : IDisposable
{
    public static readonly ActivitySource ActivitySource = new(InferenceDiagnostics.ActivitySourceName);

    private readonly Meter meter;
    private readonly bool ownsMeter;

    public InferenceTelemetry(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            meter = new Meter(InferenceDiagnostics.MeterName);
            ownsMeter = true;
        }
        else
        {
            meter = meterFactory.Create(InferenceDiagnostics.MeterName);
        }

        TokenUsage = meter.CreateHistogram<int>(InferenceDiagnostics.TokenUsageInstrument, "{token}", "Tokens used per model call.");
        Duration = meter.CreateHistogram<double>(InferenceDiagnostics.OperationDurationInstrument, "s", "Duration of model calls.");
        Rate = meter.CreateHistogram<double>(InferenceDiagnostics.GenerationRateInstrument, "{token}/s", "Generated tokens per second of a call.");
    }

    public Histogram<int> TokenUsage { get; }

    public Histogram<double> Duration { get; }

    public Histogram<double> Rate { get; }

    public void Record(string operation, string model, int inputTokens, int outputTokens, TimeSpan elapsed)
    {
        var op = new KeyValuePair<string, object?>("gen_ai.operation.name", operation);
        var provider = new KeyValuePair<string, object?>("gen_ai.provider.name", InferenceDiagnostics.ProviderName);
        var m = new KeyValuePair<string, object?>("gen_ai.request.model", model);
        TokenUsage.Record(inputTokens, op, provider, m, new KeyValuePair<string, object?>("gen_ai.token.type", "input"));
        if (outputTokens > 0 || operation == "chat")
        {
            TokenUsage.Record(outputTokens, op, provider, m, new KeyValuePair<string, object?>("gen_ai.token.type", "output"));
        }

        Duration.Record(elapsed.TotalSeconds, op, provider, m);
        if (outputTokens > 0 && elapsed > TimeSpan.Zero)
        {
            Rate.Record(outputTokens / elapsed.TotalSeconds, op, provider, m);
        }
    }

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
