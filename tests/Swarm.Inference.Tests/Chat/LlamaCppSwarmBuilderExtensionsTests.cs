using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Swarm.Inference.Tests.Chat;

[Collection(LlamaCollection.Name)]
public sealed class LlamaCppSwarmBuilderExtensionsTests(LlamaFixture fixture)
{
    [Fact]
    public async Task AddLlamaCpp_ResolvesChatClientAndEmbeddingGenerator()
    {
        var services = new ServiceCollection();
        services.AddSwarm().AddLlamaCpp(o =>
        {
            o.ModelPath = fixture.ModelPath;
            o.ModelId = "tiny-di";
            o.MaxConcurrentSequences = 2;
            o.SequenceContextSize = 256;
            o.BatchSize = 64;
            o.MetadataOverrides.Add("llama.context_length=int:512");
        });
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var chat = provider.GetRequiredService<IChatClient>();
        var embeddings = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var response = await chat.GetResponseAsync("Hello", new ChatOptions { MaxOutputTokens = 4 });

        Assert.IsType<LlamaChatClient>(chat);
        Assert.Equal("tiny-di", response.ModelId);
        Assert.Equal(4, response.Usage!.OutputTokenCount);
        Assert.Equal(512, provider.GetRequiredService<LlamaModel>().TrainingContextLength);
        Assert.Single(await embeddings.GenerateAsync(["x"]));
    }

    [Fact]
    public void AddLlamaCpp_MissingModelPath_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddSwarm().AddLlamaCpp(o => o.ThreadCount = 0);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LlamaCppOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains(nameof(LlamaCppOptions.ModelPath), StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains(nameof(LlamaCppOptions.ThreadCount), StringComparison.Ordinal));
    }

    [Fact]
    public void AddLlamaCpp_ExistingChatClient_IsKept()
    {
        var services = new ServiceCollection();
        var existing = new ScriptedChatClient();
        services.AddSingleton<IChatClient>(existing);
        services.AddSwarm().AddLlamaCpp(o => o.ModelPath = fixture.ModelPath);
        using var provider = services.BuildServiceProvider();

        Assert.Same(existing, provider.GetRequiredService<IChatClient>());
    }

    [Fact]
    public void AddLlamaCpp_CorruptModel_ThrowsModelLoadExceptionOnResolve()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, File.ReadAllBytes(fixture.ModelPath).AsSpan(0, 1000).ToArray());
            var services = new ServiceCollection();
            services.AddSwarm().AddLlamaCpp(o => o.ModelPath = path);
            using var provider = services.BuildServiceProvider();

            Assert.Throws<LlamaModelLoadException>(() => provider.GetRequiredService<IChatClient>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class ScriptedChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "scripted")));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
