using System.Diagnostics;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>Plain greedy decoding, the baseline: the prompt in one batch, then one single-token llama_decode per token.</summary>
public sealed class PlainGreedy : IDisposable
{
    private readonly LlamaContext context;
    private readonly LlamaBatch batch = new(512);

    public PlainGreedy(LlamaModel model)
        => context = model.CreateContext(new LlamaContextOptions { ContextSize = 1024, BatchSize = 512, ThreadCount = AccelerationModels.Threads });

    /// <summary>Gets the seconds of the generation phase (prompt excluded) of the last run.</summary>
    public double LastGenerationSeconds { get; private set; }

    /// <summary>Gets the seconds of the whole last run, prompt included.</summary>
    public double LastTotalSeconds { get; private set; }

    /// <summary>Gets the last run as the baseline of an adjacent invocation: its time per generated token (the generation phase
    /// over its single-token decodes) and its whole time.</summary>
    public (double SecondsPerToken, double TotalSeconds) LastTiming { get; private set; }

    /// <summary>Generates on a cleared KV cache and returns the tokens.</summary>
    public int[] Generate(int[] prompt, int tokens)
    {
        var begin = Stopwatch.GetTimestamp();
        context.ClearMemory();
        batch.Clear();
        batch.AddRange(prompt, 0, 0, LlamaBatchLogits.Last);
        context.Decode(batch);
        var index = prompt.Length - 1;
        var output = new int[tokens];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < tokens; i++)
        {
            output[i] = ArgMax(context.GetLogits(index));
            if (i + 1 == tokens)
            {
                break;
            }

            batch.Clear();
            index = batch.Add(output[i], prompt.Length + i, 0, logits: true);
            context.Decode(batch);
        }

        LastGenerationSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        LastTotalSeconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        LastTiming = (LastGenerationSeconds / Math.Max(1, tokens - 1), LastTotalSeconds);
        return output;
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    public void Dispose()
    {
        batch.Dispose();
        context.Dispose();
    }
}
