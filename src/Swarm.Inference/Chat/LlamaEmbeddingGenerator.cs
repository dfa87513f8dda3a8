using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace Swarm.Inference;

/// <summary>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local llama.cpp model: the mean of the last hidden states, L2-normalized.</summary>
/// <remarks>
/// Thread-safe: calls are served one at a time by a dedicated embeddings context (inputs of one call are decoded one per step).
/// Each input must fit in one batch (<c>batchSize</c> tokens). The generator owns its context, not the model.
/// </remarks>
public sealed class LlamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly LlamaContext context;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly InferenceTelemetry telemetry;
    private readonly TimeProvider timeProvider;
    private readonly string modelId;

    /// <summary>Initializes a new instance of the <see cref="LlamaEmbeddingGenerator"/> class.</summary>
    /// <param name="model">The model; it must outlive the generator.</param>
    /// <param name="batchSize">The most tokens one input may have.</param>
    /// <param name="modelId">The model id reported in metadata; <see langword="null"/> uses the file name.</param>
    /// <param name="meterFactory">Creates the <c>Swarm.Inference</c> meter; <see langword="null"/> for a private one.</param>
    /// <param name="timeProvider">The time source; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public LlamaEmbeddingGenerator(LlamaModel model, int batchSize = 512, string? modelId = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        context = model.CreateContext(new LlamaContextOptions { ContextSize = batchSize, BatchSize = batchSize, Embeddings = true });
        this.modelId = modelId ?? Path.GetFileNameWithoutExtension(model.Path);
        telemetry = new InferenceTelemetry(meterFactory);
        this.timeProvider = timeProvider ?? TimeProvider.System;
        Metadata = new EmbeddingGeneratorMetadata(InferenceDiagnostics.ProviderName, null, this.modelId, model.EmbeddingLength);
    }

    /// <summary>Gets the provider name, model id and dimensions.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToList();
        var started = timeProvider.GetTimestamp();
        using var activity = InferenceTelemetry.ActivitySource.StartActivity($"embeddings {modelId}", ActivityKind.Client);
        activity?.SetTag("gen_ai.operation.name", "embeddings");
        activity?.SetTag("gen_ai.provider.name", InferenceDiagnostics.ProviderName);
        activity?.SetTag("gen_ai.request.model", modelId);

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (embeddings, tokenCount) = await Task.Run(() => Embed(inputs, cancellationToken), cancellationToken).ConfigureAwait(false);
            activity?.SetTag("gen_ai.usage.input_tokens", tokenCount);
            telemetry.Record("embeddings", modelId, tokenCount, 0, timeProvider.GetElapsedTime(started));
            var result = new GeneratedEmbeddings<Embedding<float>>(embeddings) { Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount } };
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Frees the embeddings context.</summary>
    public void Dispose()
    {
        context.Dispose();
        telemetry.Dispose();
        gate.Dispose();
    }

    private (List<Embedding<float>> Embeddings, int Tokens) Embed(List<string> inputs, CancellationToken cancellationToken)
    {
        var result = new List<Embedding<float>>(inputs.Count);
        var total = 0;
        using var batch = new LlamaBatch(context.BatchSize);
        context.Enter();
        try
        {
            foreach (var input in inputs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tokens = context.Model.Vocab.Tokenize(input ?? string.Empty);
                if (tokens.Length == 0)
                {
                    throw new ArgumentException("An input produced no tokens.", nameof(inputs));
                }

                if (tokens.Length > context.BatchSize)
                {
                    throw new LlamaContextOverflowException(string.Create(CultureInfo.InvariantCulture, $"An input of {tokens.Length} tokens exceeds the embedding batch of {context.BatchSize} tokens."));
                }

                total += tokens.Length;
                context.ClearMemory();
                batch.Clear();
                batch.AddRange(tokens, 0, 0, LlamaBatchLogits.All);
                context.DecodeCore(batch);
                var vector = context.GetEmbeddings(0).ToArray();
                Normalize(vector);
                result.Add(new Embedding<float>(vector) { ModelId = modelId, CreatedAt = timeProvider.GetUtcNow() });
            }
        }
        finally
        {
            context.Exit();
        }

        return (result, total);
    }

    private static void Normalize(float[] vector)
    {
        double sum = 0;
        foreach (var v in vector)
        {
            sum += v * (double)v;
        }

        if (sum > 0)
        {
            var scale = (float)(1 / Math.Sqrt(sum));
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] *= scale;
            }
        }
    }
}
