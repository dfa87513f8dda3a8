using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace Swarm.Inference;

/// <summary>An <see cref="IChatClient"/> over a local llama.cpp model; every call is a sequence of a shared
/// <see cref="LlamaBatchedDecoder"/>, or of a shared <see cref="SpeculativeDecoder"/> when speculation is on.</summary>
/// <remarks>
/// Thread-safe: concurrent <see cref="GetResponseAsync"/> and <see cref="GetStreamingResponseAsync"/> calls decode
/// together, one <c>llama_decode</c> per step (with speculation: one verify decode per step serves every request, and
/// each request keeps its own draft length and acceptance statistics). Messages are formatted with the model's chat
/// template (or <c>chatml</c>); text content only. Honors <see cref="ChatOptions.MaxOutputTokens"/>,
/// <see cref="ChatOptions.Temperature"/>, <see cref="ChatOptions.TopP"/>, <see cref="ChatOptions.TopK"/>,
/// <see cref="ChatOptions.Seed"/> and <see cref="ChatOptions.StopSequences"/>. With speculation, greedy answers are
/// token for token those of plain decoding, sampled answers follow the same distribution (rejection sampling, with the
/// decoder's own seeded generator, so a seed gives other text than the plain path), and the acceptance figures are
/// reported under <see cref="LlamaSpeculationProperties"/>. The client does not own the decoder.
/// </remarks>
public sealed class LlamaChatClient : IChatClient
{
    private readonly LlamaBatchedDecoder? decoder;
    private readonly SpeculativeDecoder? speculative;
    private readonly LlamaChatClientOptions options;
    private readonly InferenceTelemetry telemetry;
    private readonly string modelId;

    /// <summary>Initializes a new instance of the <see cref="LlamaChatClient"/> class.</summary>
    /// <param name="decoder">The batched decoder that serves the calls.</param>
    /// <param name="options">Defaults; <see langword="null"/> for greedy, 512 tokens.</param>
    /// <param name="meterFactory">Creates the <c>Swarm.Inference</c> meter; <see langword="null"/> for a private one.</param>
    public LlamaChatClient(LlamaBatchedDecoder decoder, LlamaChatClientOptions? options = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
        : this(decoder, null, decoder?.Model, options, meterFactory)
    {
    }

    /// <summary>Creates a chat client that generates through speculative or prompt-lookup decoding.</summary>
    /// <param name="decoder">The speculative decoder that serves the calls (its <see cref="SpeculativeDecoder.MaxSequenceCount"/>
    /// requests decode together; more wait for a free sequence).</param>
    /// <param name="options">Defaults; <see langword="null"/> for greedy, 512 tokens.</param>
    /// <param name="meterFactory">Creates the <c>Swarm.Inference</c> meter; <see langword="null"/> for a private one.</param>
    /// <returns>The client; it does not own the decoder.</returns>
    /// <exception cref="ArgumentException"><see cref="LlamaChatClientOptions.DefaultSampling"/> uses a repeat penalty,
    /// which speculative decoding cannot reproduce.</exception>
    public static LlamaChatClient CreateSpeculative(SpeculativeDecoder decoder, LlamaChatClientOptions? options = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        if (options?.DefaultSampling is { RepeatPenalty: not 1f })
        {
            throw new ArgumentException("Speculative decoding does not support a repeat penalty (the drafted tokens would change the penalized distribution); set DefaultSampling.RepeatPenalty to 1 or use a LlamaBatchedDecoder.", nameof(options));
        }

        return new LlamaChatClient(null, decoder, decoder.TargetModel, options, meterFactory);
    }

    private LlamaChatClient(LlamaBatchedDecoder? decoder, SpeculativeDecoder? speculative, LlamaModel? model, LlamaChatClientOptions? options, System.Diagnostics.Metrics.IMeterFactory? meterFactory)
    {
        if (decoder is null && speculative is null)
        {
            throw new ArgumentNullException(nameof(decoder));
        }

        this.decoder = decoder;
        this.speculative = speculative;
        Model = model!;
        this.options = options ?? new LlamaChatClientOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(this.options.DefaultMaxOutputTokens);
        modelId = this.options.ModelId ?? Path.GetFileNameWithoutExtension(Model.Path);
        telemetry = new InferenceTelemetry(meterFactory);
        Metadata = new ChatClientMetadata(InferenceDiagnostics.ProviderName, null, modelId);
    }

    /// <summary>Gets the provider name (<c>llama.cpp</c>) and model id.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <summary>Gets the model that answers (the target model when speculation is on).</summary>
    public LlamaModel Model { get; }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        string? responseId = null;
        AdditionalPropertiesDictionary? properties = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            responseId ??= update.ResponseId;
            finish = update.FinishReason ?? finish;
            if (update.AdditionalProperties is { Count: > 0 } extra)
            {
                properties ??= [];
                foreach (var (key, value) in extra)
                {
                    properties[key] = value;
                }
            }

            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case UsageContent u:
                        usage = u.Details;
                        break;
                }
            }
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()) { MessageId = responseId })
        {
            FinishReason = finish,
            Usage = usage,
            ModelId = modelId,
            ResponseId = responseId,
            CreatedAt = this.options.TimeProvider.GetUtcNow(),
            AdditionalProperties = properties,
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = Model;
        var prompt = model.ApplyChatTemplate(
            messages.Select(m => new LlamaChatMessage(m.Role.Value, m.Text)),
            addAssistantPrompt: true,
            template: this.options.ChatTemplate);
        var tokens = model.Vocab.Tokenize(prompt, addSpecial: true, parseSpecial: true);
        var generation = new LlamaGenerationOptions
        {
            MaxTokens = options?.MaxOutputTokens ?? this.options.DefaultMaxOutputTokens,
            Sampling = ToSampling(options),
        };
        var stops = options?.StopSequences?.Where(s => s.Length > 0).ToArray() ?? [];
        var responseId = Guid.NewGuid().ToString("N");
        var time = this.options.TimeProvider;
        var started = time.GetTimestamp();

        using var activity = InferenceTelemetry.ActivitySource.StartActivity($"chat {modelId}", ActivityKind.Client);
        activity?.SetTag("gen_ai.operation.name", "chat");
        activity?.SetTag("gen_ai.provider.name", InferenceDiagnostics.ProviderName);
        activity?.SetTag("gen_ai.request.model", modelId);
        activity?.SetTag("gen_ai.request.max_tokens", generation.MaxTokens);
        activity?.SetTag("gen_ai.usage.input_tokens", tokens.Length);

        var matcher = new StopSequenceMatcher(stops);
        var stopped = false;
        var generated = 0;
        LlamaFinishReason reason;
        SpeculativeGenerationReport? report = null;
        if (speculative is null)
        {
            var sequence = decoder!.Submit(tokens, generation, cancellationToken);
            try
            {
                await foreach (var token in sequence.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    generated++;
                    var emit = matcher.Push(token.Text, out stopped);
                    if (emit.Length > 0)
                    {
                        yield return Update(new TextContent(emit));
                    }

                    if (stopped)
                    {
                        break;
                    }
                }
            }
            finally
            {
                // Ends the sequence when a stop sequence matched or the caller stopped reading early; a no-op once it ended.
                sequence.Stop();
            }

#pragma warning disable VSTHRD003 // the decoder thread completes this task; it captures no context
            reason = await OutcomeAsync(sequence.Completion, activity).ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        else
        {
            var channel = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var sequence = speculative.Submit(tokens, generation, channel.Writer, cancellationToken);
            var text = new TokenTextDecoder(model.Vocab);
            try
            {
                await foreach (var token in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    generated++;
                    var emit = matcher.Push(text.Append(token), out stopped);
                    if (emit.Length > 0)
                    {
                        yield return Update(new TextContent(emit));
                    }

                    if (stopped)
                    {
                        break;
                    }
                }
            }
            finally
            {
                sequence.RequestStop();
            }

#pragma warning disable VSTHRD003 // the decoder thread completes this task; it captures no context
            var result = await OutcomeAsync(sequence.Completion.Task, activity).ConfigureAwait(false);
#pragma warning restore VSTHRD003
            reason = result.FinishReason;
            report = result.Report;
        }

        if (!stopped)
        {
            var rest = matcher.Flush();
            if (rest.Length > 0)
            {
                yield return Update(new TextContent(rest));
            }
        }

        var finish = stopped ? ChatFinishReason.Stop : reason switch
        {
            LlamaFinishReason.MaxTokens or LlamaFinishReason.ContextFull => ChatFinishReason.Length,
            _ => ChatFinishReason.Stop,
        };
        var elapsed = time.GetElapsedTime(started);
        activity?.SetTag("gen_ai.usage.output_tokens", generated);
        activity?.SetTag("gen_ai.response.finish_reasons", new[] { finish.Value });
        activity?.SetTag("gen_ai.response.id", responseId);
        telemetry.Record("chat", modelId, tokens.Length, generated, elapsed);

        var usage = new UsageDetails
        {
            InputTokenCount = tokens.Length,
            OutputTokenCount = generated,
            TotalTokenCount = tokens.Length + generated,
        };
        var final = Update(new UsageContent(usage));
        final.FinishReason = finish;
        if (report is not null)
        {
            usage.AdditionalCounts = new()
            {
                [LlamaSpeculationProperties.DraftedTokens] = report.DraftedTokens,
                [LlamaSpeculationProperties.AcceptedTokens] = report.AcceptedTokens,
                [LlamaSpeculationProperties.VerifySteps] = report.VerifySteps,
            };
            final.AdditionalProperties = new()
            {
                [LlamaSpeculationProperties.Mode] = speculative!.DraftModel is null ? "prompt-lookup" : "draft-model",
                [LlamaSpeculationProperties.DraftedTokens] = report.DraftedTokens,
                [LlamaSpeculationProperties.AcceptedTokens] = report.AcceptedTokens,
                [LlamaSpeculationProperties.VerifySteps] = report.VerifySteps,
                [LlamaSpeculationProperties.AcceptanceRate] = report.AcceptanceRate,
                [LlamaSpeculationProperties.MeanAcceptedPerVerify] = report.MeanAcceptedPerVerify,
                [LlamaSpeculationProperties.TokensPerSecond] = report.TokensPerSecond,
            };
            activity?.SetTag(LlamaSpeculationProperties.AcceptanceRate, report.AcceptanceRate);
            activity?.SetTag(LlamaSpeculationProperties.DraftedTokens, report.DraftedTokens);
            activity?.SetTag(LlamaSpeculationProperties.VerifySteps, report.VerifySteps);
        }

        yield return final;

        ChatResponseUpdate Update(AIContent content) => new(ChatRole.Assistant, [content])
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = modelId,
            CreatedAt = time.GetUtcNow(),
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return Metadata;
        }

        if (serviceType == typeof(LlamaBatchedDecoder))
        {
            return decoder;
        }

        if (serviceType == typeof(SpeculativeDecoder))
        {
            return speculative;
        }

        if (serviceType == typeof(LlamaModel))
        {
            return Model;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Releases the client's meter; the decoder is not disposed.</summary>
    public void Dispose() => telemetry.Dispose();

    private static async Task<T> OutcomeAsync<T>(Task<T> completion, Activity? activity)
    {
        try
        {
#pragma warning disable VSTHRD003 // the decoder thread completes this task; it captures no context
            return await completion.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", ex.GetType().FullName);
            throw;
        }
    }

    private LlamaSamplerOptions? ToSampling(ChatOptions? chat)
    {
        if (chat?.Temperature is null && chat?.TopP is null && chat?.TopK is null && chat?.Seed is null)
        {
            return options.DefaultSampling;
        }

        var baseline = options.DefaultSampling ?? new LlamaSamplerOptions();
        return new LlamaSamplerOptions
        {
            Temperature = chat.Temperature ?? baseline.Temperature,
            TopP = chat.TopP ?? baseline.TopP,
            TopK = chat.TopK ?? baseline.TopK,
            MinP = baseline.MinP,
            RepeatPenalty = baseline.RepeatPenalty,
            RepeatLastCount = baseline.RepeatLastCount,
            Seed = chat.Seed is long seed ? unchecked((uint)seed) : baseline.Seed,
        };
    }
}
