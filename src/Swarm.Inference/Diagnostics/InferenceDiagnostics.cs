namespace Swarm.Inference;

/// <summary>Names of the traces and metrics Swarm.Inference emits (OpenTelemetry GenAI conventions for model calls).</summary>
public static class InferenceDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: <c>Swarm.Inference</c>.</summary>
    public const string ActivitySourceName = "Swarm.Inference";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name: <c>Swarm.Inference</c>.</summary>
    public const string MeterName = "Swarm.Inference";

    /// <summary>Histogram of tokens per call, tagged <c>gen_ai.token.type</c> = <c>input</c> | <c>output</c> (unit <c>{token}</c>).</summary>
    public const string TokenUsageInstrument = "gen_ai.client.token.usage";

    /// <summary>Histogram of call durations (unit <c>s</c>).</summary>
    public const string OperationDurationInstrument = "gen_ai.client.operation.duration";

    /// <summary>Histogram of generation throughput per call (unit <c>{token}/s</c>).</summary>
    public const string GenerationRateInstrument = "swarm.inference.generation.rate";

    /// <summary>The <c>gen_ai.provider.name</c> value: <c>llama.cpp</c>.</summary>
    public const string ProviderName = "llama.cpp";
}
