using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Swarm.Inference.Models;
using Swarm.Inference.Tests.Speculative;

namespace Swarm.Inference.Tests.Chat;

/// <summary><c>AddLlamaCpp</c> with <see cref="LlamaCppOptions.Speculation"/>: registration, equality with plain decoding, validation.</summary>
[Collection(SpeculativeCollection.Name)]
public sealed class LlamaCppSpeculationRegistrationTests(SpeculativeFixture fixture)
{
    private string TargetPath => SyntheticModels.GetOrCreate(fixture.Pair.Target);

    private string DraftPath => SyntheticModels.GetOrCreate(fixture.Pair.Draft);

    [Theory]
    [InlineData(LlamaSpeculationMode.PromptLookup)]
    [InlineData(LlamaSpeculationMode.DraftModel)]
    public async Task AddLlamaCpp_Speculation_ChatClientGeneratesSpeculativelyAndEqualsPlain(LlamaSpeculationMode mode)
    {
        await using var plain = Provider(_ => { });
        await using var speculative = Provider(o =>
        {
            o.Speculation.Mode = mode;
            o.Speculation.DraftModelPath = mode == LlamaSpeculationMode.DraftModel ? DraftPath : null;
            o.Speculation.MaxDraftLength = 6;
            o.Speculation.MinNgramSize = 1;
        });
        var options = new ChatOptions { MaxOutputTokens = 24 };
        var questions = new[] { "abc abc abc", "Plan the swarm", "one two one two" };

        var expected = await Task.WhenAll(questions.Select(q => plain.GetRequiredService<IChatClient>().GetResponseAsync(q, options)));
        var actual = await Task.WhenAll(questions.Select(q => speculative.GetRequiredService<IChatClient>().GetResponseAsync(q, options)));

        var client = speculative.GetRequiredService<IChatClient>();
        var decoder = client.GetService<SpeculativeDecoder>();
        Assert.NotNull(decoder);
        Assert.Same(decoder, speculative.GetRequiredService<SpeculativeDecoder>());
        Assert.Equal(2, decoder.MaxSequenceCount);
        Assert.Equal(mode == LlamaSpeculationMode.DraftModel, decoder.DraftModel is not null);
        Assert.Null(plain.GetRequiredService<IChatClient>().GetService<SpeculativeDecoder>());
        Assert.Equal(expected.Select(r => r.Text), actual.Select(r => r.Text));
        Assert.All(actual, r => Assert.True(r.AdditionalProperties!.ContainsKey(LlamaSpeculationProperties.AcceptanceRate)));
        Assert.True(decoder.VerifyDecodeCount > 0);
    }

    [Fact]
    public async Task AddLlamaCpp_MeasureVerifyCost_CreatesDecoder()
    {
        await using var provider = Provider(o =>
        {
            o.Speculation.Mode = LlamaSpeculationMode.PromptLookup;
            o.Speculation.MaxDraftLength = 3;
            o.Speculation.MeasureVerifyCost = true;
        });

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("abc abc", new ChatOptions { MaxOutputTokens = 8 });

        Assert.Equal(8, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public void AddLlamaCpp_DraftModeWithoutPath_FailsValidationNamingThePath()
        => AssertInvalid(o => o.Speculation.Mode = LlamaSpeculationMode.DraftModel, "Speculation.DraftModelPath is required");

    [Fact]
    public void AddLlamaCpp_DraftFileMissing_FailsValidationNamingTheFile()
        => AssertInvalid(
            o =>
            {
                o.Speculation.Mode = LlamaSpeculationMode.DraftModel;
                o.Speculation.DraftModelPath = "/nonexistent/draft.gguf";
            },
            "'/nonexistent/draft.gguf' does not exist");

    [Fact]
    public void AddLlamaCpp_DraftWithOtherVocabulary_FailsValidationNamingTheDifference()
    {
        var other = SyntheticModels.GetOrCreate(SyntheticModelSpec.Tiny with { Name = "spec-bigvocab", VocabularySize = 300 });

        AssertInvalid(
            o =>
            {
                o.Speculation.Mode = LlamaSpeculationMode.DraftModel;
                o.Speculation.DraftModelPath = other;
            },
            "cannot draft for");
    }

    [Fact]
    public void AddLlamaCpp_DraftPathWithoutDraftMode_FailsValidation()
        => AssertInvalid(
            o =>
            {
                o.Speculation.Mode = LlamaSpeculationMode.PromptLookup;
                o.Speculation.DraftModelPath = DraftPath;
            },
            "set the mode to DraftModel or clear the path");

    [Theory]
    [InlineData(25, 1, 2, 4, "MaxDraftLength")]
    [InlineData(4, 6, 2, 4, "MinDraftLength (6) is greater than MaxDraftLength (4)")]
    [InlineData(4, 1, 5, 4, "MinNgramSize (5) is greater than MaxNgramSize (4)")]
    [InlineData(4, 1, 0, 4, "MinNgramSize")]
    public void AddLlamaCpp_SpeculationOutOfRange_FailsValidation(int maxDraft, int minDraft, int minNgram, int maxNgram, string expected)
        => AssertInvalid(
            o =>
            {
                o.Speculation.Mode = LlamaSpeculationMode.PromptLookup;
                o.Speculation.MaxDraftLength = maxDraft;
                o.Speculation.MinDraftLength = minDraft;
                o.Speculation.MinNgramSize = minNgram;
                o.Speculation.MaxNgramSize = maxNgram;
            },
            expected);

    [Fact]
    public void AddLlamaCpp_CompatibleDraft_PassesValidation()
    {
        using var provider = Provider(o =>
        {
            o.Speculation.Mode = LlamaSpeculationMode.DraftModel;
            o.Speculation.DraftModelPath = DraftPath;
        });

        Assert.Equal(LlamaSpeculationMode.DraftModel, provider.GetRequiredService<IOptions<LlamaCppOptions>>().Value.Speculation.Mode);
    }

    [Fact]
    public void FirstVocabularyDifference_SameFile_IsNull()
    {
        using var a = Swarm.Inference.Gguf.GgufFile.Open(TargetPath);
        using var b = Swarm.Inference.Gguf.GgufFile.Open(DraftPath);

        Assert.Null(LlamaSpeculationOptionsValidator.FirstVocabularyDifference(a.Metadata, b.Metadata));
    }

    private void AssertInvalid(Action<LlamaCppOptions> configure, string expected)
    {
        using var provider = Provider(configure);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LlamaCppOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    private ServiceProvider Provider(Action<LlamaCppOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSwarm().AddLlamaCpp(o =>
        {
            o.ModelPath = TargetPath;
            o.MaxConcurrentSequences = 2;
            o.SequenceContextSize = 256;
            o.BatchSize = 64;
            configure(o);
        });
        return services.BuildServiceProvider(validateScopes: true);
    }
}
