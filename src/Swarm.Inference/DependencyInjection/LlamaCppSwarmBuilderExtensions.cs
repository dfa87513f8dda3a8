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
    /// <summary>The service key of the draft <see cref="LlamaModel"/> loaded for <see cref="LlamaSpeculationMode.DraftModel"/>.</summary>
    public const string DraftModelServiceKey = "Swarm.Inference.DraftModel";

    /// <summary>
    /// Adds <see cref="LlamaModel"/>, <see cref="LlamaBatchedDecoder"/>, <see cref="IChatClient"/> (<see cref="LlamaChatClient"/>)
    /// and <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (<see cref="LlamaEmbeddingGenerator"/>) as singletons, each only if
    /// not registered yet; options are validated when the host starts.
    /// </summary>
    /// <remarks>With <see cref="LlamaCppOptions.Speculation"/> on, it also adds a <see cref="SpeculativeDecoder"/> (and, for
    /// <see cref="LlamaSpeculationMode.DraftModel"/>, the draft <see cref="LlamaModel"/> under <see cref="DraftModelServiceKey"/>),
    /// and the chat client generates through it: up to <see cref="LlamaCppOptions.MaxConcurrentSequences"/> requests share
    /// each draft and verify decode, the rest wait for a free sequence. The validator checks the speculation settings,
    /// the draft file and that its vocabulary (GGUF tokenizer metadata) equals the target's.</remarks>
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlamaCppOptions>, LlamaSpeculationOptionsValidator>());
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

        services.TryAddKeyedSingleton(DraftModelServiceKey, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptions<LlamaCppOptions>>().Value;
            if (o.Speculation.Mode != LlamaSpeculationMode.DraftModel || string.IsNullOrEmpty(o.Speculation.DraftModelPath))
            {
                throw new InvalidOperationException("No draft model is configured: set LlamaCppOptions.Speculation.Mode to DraftModel and Speculation.DraftModelPath.");
            }

            return LlamaModel.Load(o.Speculation.DraftModelPath, new LlamaModelOptions
            {
                GpuLayerCount = o.GpuLayerCount,
                UseMemoryMap = o.UseMemoryMap,
                Backend = new LlamaBackendOptions { NativeLibraryDirectory = o.NativeLibraryDirectory, LoggerFactory = sp.GetService<ILoggerFactory>() },
            });
        });

        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LlamaCppOptions>>().Value;
            var s = o.Speculation;
            if (s.Mode == LlamaSpeculationMode.None)
            {
                throw new InvalidOperationException("Speculation is off: set LlamaCppOptions.Speculation.Mode to PromptLookup or DraftModel.");
            }

            var target = sp.GetRequiredService<LlamaModel>();
            var curve = s.MeasureVerifyCost ? VerifyCostCurve.Measure(target, s.MaxDraftLength + 1, repetitions: 3, threadCount: o.ThreadCount) : null;
            var decoding = s.ToDecodingOptions(o, curve);
            return s.Mode == LlamaSpeculationMode.DraftModel
                ? SpeculativeDecoder.Create(target, sp.GetRequiredKeyedService<LlamaModel>(DraftModelServiceKey), decoding)
                : SpeculativeDecoder.CreatePromptLookup(target, s.ToLookupOptions(), decoding);
        });

        services.TryAddSingleton<IChatClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LlamaCppOptions>>().Value;
            var chatOptions = new LlamaChatClientOptions { ModelId = o.ModelId, DefaultMaxOutputTokens = o.DefaultMaxOutputTokens, TimeProvider = sp.GetRequiredService<TimeProvider>() };
            return o.Speculation.Mode == LlamaSpeculationMode.None
                ? new LlamaChatClient(sp.GetRequiredService<LlamaBatchedDecoder>(), chatOptions, sp.GetService<IMeterFactory>())
                : LlamaChatClient.CreateSpeculative(sp.GetRequiredService<SpeculativeDecoder>(), chatOptions, sp.GetService<IMeterFactory>());
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
