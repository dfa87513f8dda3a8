using Swarm.Inference.Gguf;
using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Models;

public sealed class SyntheticModelBuilderTests
{
    private static GgufFile WriteAndOpen(SyntheticModelSpec spec)
    {
        var ms = new MemoryStream();
        SyntheticModelBuilder.Write(spec, ms);
        ms.Position = 0;
        return GgufFile.Read(ms);
    }

    [Fact]
    public void Write_Tiny_HasLlamaKeysWithExactTypes()
    {
        using var file = WriteAndOpen(SyntheticModelSpec.Tiny);
        var m = file.Metadata;

        Assert.Equal("llama", file.Architecture);
        Assert.Equal(GgufValue.FromUInt32(2048), m["llama.context_length"]);
        Assert.Equal(GgufValue.FromUInt32(64), m["llama.embedding_length"]);
        Assert.Equal(GgufValue.FromUInt32(2), m["llama.block_count"]);
        Assert.Equal(GgufValue.FromUInt32(128), m["llama.feed_forward_length"]);
        Assert.Equal(GgufValue.FromUInt32(4), m["llama.attention.head_count"]);
        Assert.Equal(GgufValue.FromUInt32(4), m["llama.attention.head_count_kv"]);
        Assert.Equal(GgufValueType.Float32, m["llama.attention.layer_norm_rms_epsilon"].Type);
        Assert.Equal("llama", m["tokenizer.ggml.model"].AsString());
        Assert.Equal(GgufValueType.Int32, m["tokenizer.ggml.token_type"].ArrayElementType);
        Assert.False(m["tokenizer.ggml.add_space_prefix"].AsBool());
        Assert.Equal(GgufValue.FromUInt32(1), m["tokenizer.ggml.bos_token_id"]);
        Assert.Equal(GgufValue.FromUInt32(2), m["tokenizer.ggml.eos_token_id"]);
        Assert.Contains("<|im_start|>", m["tokenizer.chat_template"].AsString(), StringComparison.Ordinal);

        var tokens = m["tokenizer.ggml.tokens"].GetArray<string>();
        var types = m["tokenizer.ggml.token_type"].GetArray<int>();
        Assert.Equal(260, tokens.Count);
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], tokens.Take(4));
        Assert.Equal("<0xFF>", tokens[258]);
        Assert.Equal("\u2581", tokens[259]);
        Assert.Equal([2, 3, 3, 6], types.Take(4));
        Assert.All(types.Skip(3).Take(256), t => Assert.Equal(6, t));
    }

    [Fact]
    public void Write_Tiny_TensorNamesAndShapesMatchLlama()
    {
        using var file = WriteAndOpen(SyntheticModelSpec.Tiny);

        Assert.Equal(3 + (2 * 9), file.Tensors.Count);
        Assert.Equal([64L, 260], file.FindTensor("token_embd.weight")!.Dimensions);
        Assert.Equal([64L], file.FindTensor("output_norm.weight")!.Dimensions);
        Assert.Equal([64L, 260], file.FindTensor("output.weight")!.Dimensions);
        Assert.Equal([64L, 64], file.FindTensor("blk.1.attn_q.weight")!.Dimensions);
        Assert.Equal([64L, 64], file.FindTensor("blk.1.attn_k.weight")!.Dimensions);
        Assert.Equal([64L, 128], file.FindTensor("blk.1.ffn_gate.weight")!.Dimensions);
        Assert.Equal([128L, 64], file.FindTensor("blk.1.ffn_down.weight")!.Dimensions);
        Assert.All(file.ReadTensorAsFloat32(file.FindTensor("blk.0.attn_norm.weight")!), v => Assert.Equal(1f, v));
        var q = file.ReadTensorAsFloat32(file.FindTensor("blk.0.attn_q.weight")!);
        Assert.All(q, v => Assert.InRange(v, -0.3f, 0.3f));
        Assert.True(q.Max() > 0.25f && q.Min() < -0.25f);
        var written = file.Tensors.Sum(t => t.ByteCount);
        Assert.Equal(SyntheticModelSpec.Tiny.ParameterCount * 4, written);
    }

    [Fact]
    public void Write_StreamsWithoutHoldingTheModelInMemory()
    {
        var spec = SyntheticModelSpec.Small with { LayerCount = 2, WeightType = GgmlType.Q8_0 };
        SyntheticModelBuilder.Write(spec with { LayerCount = 1 }, Stream.Null); // warm the buffer pool

        var before = GC.GetAllocatedBytesForCurrentThread();
        SyntheticModelBuilder.Write(spec, Stream.Null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(spec.ParameterCount > 6_000_000);
        Assert.InRange(allocated, 0, 2_000_000);
    }

    [Fact]
    public void Write_SameSpec_IsByteIdentical()
    {
        var a = new MemoryStream();
        var b = new MemoryStream();
        SyntheticModelBuilder.Write(SyntheticModelSpec.Tiny, a);
        SyntheticModelBuilder.Write(SyntheticModelSpec.Tiny, b);

        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Theory]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.BF16)]
    public void Write_WeightType_AppliesToMatricesNotNorms(GgmlType type)
    {
        using var file = WriteAndOpen(SyntheticModelSpec.Tiny with { WeightType = type });

        Assert.Equal(type, file.FindTensor("blk.0.attn_q.weight")!.Type);
        Assert.Equal(type, file.FindTensor("token_embd.weight")!.Type);
        Assert.Equal(GgmlType.F32, file.FindTensor("blk.0.ffn_norm.weight")!.Type);
        var q = file.ReadTensorAsFloat32(file.FindTensor("blk.0.attn_q.weight")!);
        Assert.All(q, v => Assert.InRange(v, -0.302f, 0.302f));
    }

    [Fact]
    public void Write_Moe_HasExpertKeysAndTensors()
    {
        using var file = WriteAndOpen(SyntheticModelSpec.TinyMoe);

        Assert.Equal(GgufValue.FromUInt32(4), file.Metadata["llama.expert_count"]);
        Assert.Equal(GgufValue.FromUInt32(2), file.Metadata["llama.expert_used_count"]);
        Assert.Equal([64L, 4], file.FindTensor("blk.0.ffn_gate_inp.weight")!.Dimensions);
        Assert.Equal([64L, 128, 4], file.FindTensor("blk.0.ffn_gate_exps.weight")!.Dimensions);
        Assert.Equal([128L, 64, 4], file.FindTensor("blk.0.ffn_down_exps.weight")!.Dimensions);
        Assert.Equal([64L, 128, 4], file.FindTensor("blk.1.ffn_up_exps.weight")!.Dimensions);
        Assert.Null(file.FindTensor("blk.0.ffn_gate.weight"));
    }
}
