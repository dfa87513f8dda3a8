using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Swarm.Inference.Tests.Generation;

namespace Swarm.Inference.Tests.Chat;

[Collection(LlamaCollection.Name)]
public sealed class LlamaChatClientTests(LlamaFixture fixture)
{
    [Fact]
    public async Task GetResponseAsync_Greedy_EqualsDecodingTheTemplatedPrompt()
    {
        await using var decoder = NewDecoder(2);
        using var client = new LlamaChatClient(decoder, new LlamaChatClientOptions { ModelId = "tiny" });
        ChatMessage[] messages = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Plan the work")];

        var response = await client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 20 });

        var prompt = fixture.Model.ApplyChatTemplate([new("system", "You are terse."), new("user", "Plan the work")]);
        var tokens = fixture.Model.Vocab.Tokenize(prompt, addSpecial: true, parseSpecial: true);
        using var context = fixture.CreateContext();
        var expected = await LlamaContextGenerationTests.Collect(context.GenerateFromTokensAsync(tokens, new LlamaGenerationOptions { MaxTokens = 20 }));
        Assert.Equal(string.Concat(expected.Select(t => t.Text)), response.Text);
        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
        Assert.Equal("tiny", response.ModelId);
        Assert.Equal(tokens.Length, response.Usage!.InputTokenCount);
        Assert.Equal(expected.Count, response.Usage.OutputTokenCount);
        Assert.Equal(expected.Count == 20 ? ChatFinishReason.Length : ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_ManyConcurrentCalls_EachEqualsSequentialAnswer()
    {
        await using var decoder = NewDecoder(4);
        using var client = new LlamaChatClient(decoder);
        var questions = Enumerable.Range(0, 8).Select(i => $"Question number {i}?").ToArray();
        var options = new ChatOptions { MaxOutputTokens = 16 };
        var sequential = new List<string>();
        foreach (var q in questions)
        {
            sequential.Add((await client.GetResponseAsync(q, options)).Text);
        }

        var concurrent = await Task.WhenAll(questions.Select(q => client.GetResponseAsync(q, options)));

        Assert.Equal(sequential, concurrent.Select(r => r.Text));
        Assert.True(sequential.Distinct().Count() > 1);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Updates_ConcatenateToTheResponse()
    {
        await using var decoder = NewDecoder(2);
        using var client = new LlamaChatClient(decoder);
        var options = new ChatOptions { MaxOutputTokens = 24 };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Stream this", options))
        {
            updates.Add(update);
        }

        var response = await client.GetResponseAsync("Stream this", options);
        Assert.Equal(response.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.NotNull(updates[^1].FinishReason);
        Assert.Single(updates[^1].Contents.OfType<UsageContent>());
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
    }

    [Fact]
    public async Task GetResponseAsync_StopSequence_TruncatesBeforeIt()
    {
        await using var decoder = NewDecoder(1);
        using var client = new LlamaChatClient(decoder);
        var full = (await client.GetResponseAsync("Stop somewhere", new ChatOptions { MaxOutputTokens = 40 })).Text;
        Assert.True(full.Length >= 12, full);
        var stop = full.Substring(8, 3);

        var response = await client.GetResponseAsync("Stop somewhere", new ChatOptions { MaxOutputTokens = 40, StopSequences = [stop] });

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_Canceled_ThrowsAndFreesTheSlot()
    {
        await using var decoder = NewDecoder(1);
        using var client = new LlamaChatClient(decoder);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("cancel", new ChatOptions { MaxOutputTokens = 100_000 }, cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        var after = await client.GetResponseAsync("after", new ChatOptions { MaxOutputTokens = 3 });
        Assert.Equal(3, after.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReaderLeavesEarly_EndsTheSequence()
    {
        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 1, SequenceContextSize = 2048, BatchSize = 128 });
        using var client = new LlamaChatClient(decoder);

        await foreach (var _ in client.GetStreamingResponseAsync("leave", new ChatOptions { MaxOutputTokens = 1_000_000 }))
        {
            break;
        }

        // The only slot is free again long before the abandoned answer could have filled its 2048 positions.
        var next = await client.GetResponseAsync("next", new ChatOptions { MaxOutputTokens = 2 });
        Assert.Equal(2, next.Usage!.OutputTokenCount);
        Assert.True(decoder.DecodeCount < 1500, $"{decoder.DecodeCount} decode steps");
    }

    [Fact]
    public async Task GetResponseAsync_SeededTemperature_IsReproducible()
    {
        await using var decoder = NewDecoder(2);
        using var client = new LlamaChatClient(decoder);
        var options = new ChatOptions { MaxOutputTokens = 16, Temperature = 1.5f, TopK = 0, TopP = 1, Seed = 11 };

        var a = await client.GetResponseAsync("random", options);
        var b = await client.GetResponseAsync("random", options);

        Assert.Equal(a.Text, b.Text);
    }

    [Fact]
    public async Task GetResponseAsync_EmitsGenAiActivityAndMetrics()
    {
        await using var decoder = NewDecoder(1);
        var time = new FakeTimeProvider();
        // A meter factory of its own: other test collections' clients publish instruments of the same names meanwhile.
        using var meterFactory = new ScopedMeterFactory();
        using var client = new LlamaChatClient(decoder, new LlamaChatClientOptions { ModelId = "tiny-otel", TimeProvider = time }, meterFactory);
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == InferenceDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            // Other test collections emit chat activities on other threads at the same time: keep only this test's.
            ActivityStopped = a =>
            {
                if (a.DisplayName == "chat tiny-otel")
                {
                    lock (activities)
                    {
                        activities.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var usage = new MetricCollector<int>(meterFactory, InferenceDiagnostics.MeterName, InferenceDiagnostics.TokenUsageInstrument);

        var response = await client.GetResponseAsync("trace me", new ChatOptions { MaxOutputTokens = 5 });

        var activity = Assert.Single(activities, a => a.DisplayName == "chat tiny-otel");
        Assert.Equal("chat", activity.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("llama.cpp", activity.GetTagItem("gen_ai.provider.name"));
        Assert.Equal((int)response.Usage!.InputTokenCount!, activity.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(5, activity.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(time.GetUtcNow(), response.CreatedAt);
        var measurements = usage.GetMeasurementSnapshot().Where(m => Equals(m.Tags["gen_ai.request.model"], "tiny-otel")).ToList();
        Assert.Contains(measurements, m => Equals(m.Tags["gen_ai.token.type"], "output") && m.Value == 5);
        Assert.Contains(measurements, m => Equals(m.Tags["gen_ai.token.type"], "input") && m.Value == response.Usage.InputTokenCount);
    }

    [Fact]
    public async Task GetService_ReturnsMetadataDecoderAndModel()
    {
        await using var decoder = NewDecoder(1);
        using var client = new LlamaChatClient(decoder, new LlamaChatClientOptions { ModelId = "m" });

        Assert.Equal("llama.cpp", client.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Equal("m", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Same(decoder, client.GetService<LlamaBatchedDecoder>());
        Assert.Same(fixture.Model, client.GetService<LlamaModel>());
        Assert.Same(client, client.GetService<IChatClient>());
        Assert.Null(client.GetService<IChatClient>("key"));
    }

    [Theory]
    [InlineData(new[] { "abc", "d", "ef" }, "STOP", "abcdef", false)]
    [InlineData(new[] { "ab", "cST", "OPxyz" }, "STOP", "abc", true)]
    [InlineData(new[] { "S", "T", "O", "P" }, "STOP", "", true)]
    [InlineData(new[] { "xS", "Ty" }, "STOP", "xSTy", false)]
    public void StopSequenceMatcher_StreamedPieces_EmitTextBeforeTheStop(string[] pieces, string stop, string expected, bool expectStop)
    {
        var matcher = new StopSequenceMatcher([stop]);
        var text = string.Empty;
        var stopped = false;
        foreach (var piece in pieces)
        {
            text += matcher.Push(piece, out stopped);
            if (stopped)
            {
                break;
            }
        }

        if (!stopped)
        {
            text += matcher.Flush();
        }

        Assert.Equal(expected, text);
        Assert.Equal(expectStop, stopped);
    }

    private LlamaBatchedDecoder NewDecoder(int sequences)
        => new(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = sequences, SequenceContextSize = 256, BatchSize = 128 });

    /// <summary>Creates meters scoped to itself, so a <see cref="MetricCollector{T}"/> on this scope sees only this client's instruments.</summary>
    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
            meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in meters)
            {
                meter.Dispose();
            }
        }
    }
}
