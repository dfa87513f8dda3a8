using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Swarm;
using Swarm.Inference;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a local llama.cpp model as the Swarm's chat client and embedding generator.</summary>
public static class LlamaCppSwarmBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="LlamaModel"/>, <see cref="LlamaBatchedDecoder"/>, <see cref="IChatClient"/> (<see cref="LlamaChatClient"/>)
    /// and <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (<see cref="LlamaEmbeddingGenerator"/>) as singletons, each only if
    /// not registered yet; options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="configure">Configures <see cref="LlamaCppOptions"/> (at least <see cref="LlamaCppOptions.ModelPath"/>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ISwarmBuilder AddLlamaCpp(this ISwarmBuilder builder, Action<LlamaCppOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<LlamaCppOptions, LlamaCppOptionsValidator>().Configure(configure);
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LlamaCppOptions>>().Value;
            var modelOptions = new LlamaModelOptions
            {
                GpuLayerCount = o.GpuLayerCount,
                UseMemoryMap = o.UseMemoryMap,
                Backend = new LlamaBackendOptions { NativeLibraryDirectory = o.NativeLibraryDirectory, LoggerFactory = sp.GetService<ILoggerFactory>() },
            };
            foreach (var text in o.MetadataOverrides)
            {
                modelOptions.MetadataOverrides.Add(LlamaKvOverride.Parse(text));
            }

            return LlamaModel.Load(o.ModelPath, modelOptions);
        });

        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LlamaCppOptions>>().Value;
            return new LlamaBatchedDecoder(
                sp.GetRequiredService<LlamaModel>(),
                new LlamaBatchedDecoderOptions
                {
                    MaxSequenceCount = o.MaxConcurrentSequences,
                    SequenceContextSize = o.SequenceContextSize,
                    BatchSize = Math.Max(o.BatchSize, o.MaxConcurrentSequences),
                    ThreadCount = o.ThreadCount,
                },
                sp.GetService<ILogger<LlamaBatchedDecoder>>());
        });

        services.TryAddSingleton<IChatClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LlamaCppOptions>>().Value;
            return new LlamaChatClient(
                sp.GetRequiredService<LlamaBatchedDecoder>(),
                new LlamaChatClientOptions { ModelId = o.ModelId, DefaultMaxOutputTokens = o.DefaultMaxOutputTokens, TimeProvider = sp.GetRequiredService<TimeProvider>() },
                sp.GetService<IMeterFactory>());
        });

        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LlamaCppOptions>>().Value;
            return new LlamaEmbeddingGenerator(
                sp.GetRequiredService<LlamaModel>(),
                o.BatchSize,
                o.ModelId,
                sp.GetService<IMeterFactory>(),
                sp.GetRequiredService<TimeProvider>());
        });

        return builder;
    }
}
