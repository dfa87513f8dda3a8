using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Native;

[Collection(LlamaCollection.Name)]
public sealed class LlamaModelTests(LlamaFixture fixture)
{
    [Fact]
    public void Load_TinyModel_ExposesMetadataAndVocabulary()
    {
        var model = fixture.Model;

        Assert.Equal("llama", model.Architecture);
        Assert.Equal(2, model.LayerCount);
        Assert.Equal(64, model.EmbeddingLength);
        Assert.Equal(4, model.HeadCount);
        Assert.Equal("2", model.GetMetadata("llama.block_count"));
        Assert.Null(model.GetMetadata("no.such.key"));
        Assert.True(model.ParameterCount > 0);
        Assert.NotNull(model.ChatTemplate);
        Assert.Equal(LlamaVocabType.SentencePiece, model.Vocab.Type);
        Assert.Equal(SyntheticModelSpec.Tiny.VocabularySize, model.Vocab.Count);
        Assert.True(model.Vocab.BeginningOfSequence >= 0);
        Assert.True(model.Vocab.IsEndOfGeneration(model.Vocab.EndOfSequence));
    }

    [Fact]
    public void Load_MissingFile_ThrowsModelLoadException()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.gguf");

        var ex = Assert.Throws<LlamaModelLoadException>(() => LlamaModel.Load(path));

        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotGguf_ThrowsModelLoadException()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not a model file at all");

            var ex = Assert.Throws<LlamaModelLoadException>(() => LlamaModel.Load(path));

            Assert.Contains("not a GGUF file", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(-200)]
    public void Load_TruncatedFile_ThrowsModelLoadExceptionWithoutCrashing(int length)
    {
        var bytes = File.ReadAllBytes(fixture.ModelPath);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, bytes.AsSpan(0, length > 0 ? length : bytes.Length + length).ToArray());

            var ex = Assert.Throws<LlamaModelLoadException>(() => LlamaModel.Load(path));

            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_ContextLengthOverride_ChangesHyperParameter()
    {
        var options = new LlamaModelOptions { MetadataOverrides = { LlamaKvOverride.FromInteger("llama.context_length", 96) } };

        using var model = LlamaModel.Load(fixture.ModelPath, options);

        Assert.Equal(96, model.TrainingContextLength);
        Assert.Equal(SyntheticModelSpec.Tiny.ContextLength, fixture.Model.TrainingContextLength);
    }

    [Fact]
    public void Load_ExpertUsedCountOverride_ChangesMoeOutput()
    {
        var path = SyntheticModels.GetOrCreate(SyntheticModelSpec.TinyMoe);
        using var full = LlamaModel.Load(path);
        using var trimmed = LlamaModel.Load(path, new LlamaModelOptions { MetadataOverrides = { LlamaKvOverride.Parse("llama.expert_used_count=int:1") } });
        using var a = full.CreateContext(new LlamaContextOptions { ContextSize = 128 });
        using var b = trimmed.CreateContext(new LlamaContextOptions { ContextSize = 128 });
        var prompt = full.Vocab.Tokenize("mixture of experts");

        var logitsFull = Logits(a, prompt);
        var logitsTrimmed = Logits(b, prompt);

        Assert.Equal("2", full.GetMetadata("llama.expert_used_count"));
        Assert.NotEqual(logitsFull, logitsTrimmed);
    }

    [Fact]
    public void Load_OverrideOfWrongType_IsIgnoredByLlamaCpp()
    {
        var options = new LlamaModelOptions { MetadataOverrides = { LlamaKvOverride.FromString("llama.block_count", "two") } };

        using var model = LlamaModel.Load(fixture.ModelPath, options);

        Assert.Equal(2, model.LayerCount);
    }

    [Fact]
    public void Load_VocabularyOnly_Tokenizes()
    {
        using var model = LlamaModel.Load(fixture.ModelPath, new LlamaModelOptions { VocabularyOnly = true });

        Assert.True(model.IsVocabularyOnly);
        Assert.Equal(fixture.Model.Vocab.Tokenize("abc"), model.Vocab.Tokenize("abc"));
        Assert.Throws<InvalidOperationException>(() => model.CreateContext());
    }

    [Fact]
    public void ApplyChatTemplate_ChatMl_FormatsTurns()
    {
        var prompt = fixture.Model.ApplyChatTemplate([new("system", "Be brief."), new("user", "Hi")]);

        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void ApplyChatTemplate_UnknownTemplate_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => fixture.Model.ApplyChatTemplate([new("user", "Hi")], template: "{{ no template llama.cpp knows }}"));
    }

    [Fact]
    public void CreateContext_AfterDispose_ThrowsObjectDisposed()
    {
        var model = LlamaModel.Load(fixture.ModelPath);
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.CreateContext());
    }

    [Fact]
    public async Task Dispose_ModelBeforeContext_ContextKeepsWorking()
    {
        var model = LlamaModel.Load(fixture.ModelPath);
        using var context = model.CreateContext(new LlamaContextOptions { ContextSize = 128 });
        model.Dispose();

        var tokens = await Generation.LlamaContextGenerationTests.Collect(context.GenerateFromTokensAsync([1, 70, 71], new LlamaGenerationOptions { MaxTokens = 4, StopAtEndOfGeneration = false }));

        Assert.Equal(4, tokens.Count);
    }

    private static float[] Logits(LlamaContext context, int[] prompt)
    {
        using var batch = new LlamaBatch(64);
        batch.AddRange(prompt, 0, 0);
        context.Decode(batch);
        return context.GetLogits(batch.Count - 1).ToArray();
    }
}
