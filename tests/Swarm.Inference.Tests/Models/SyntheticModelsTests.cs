using Swarm.Inference.Gguf;
using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Models;

public sealed class SyntheticModelsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "swarm-models-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void GetOrCreate_WritesOnceAndReusesTheFile()
    {
        var path = SyntheticModels.GetOrCreate(SyntheticModelSpec.Tiny, _dir);
        var written = File.GetLastWriteTimeUtc(path);
        var again = SyntheticModels.GetOrCreate(SyntheticModelSpec.Tiny, _dir);

        Assert.Equal(path, again);
        Assert.Equal(written, File.GetLastWriteTimeUtc(again));
        Assert.StartsWith("tiny-", Path.GetFileName(path), StringComparison.Ordinal);
        Assert.Equal(SyntheticModels.GetPath(SyntheticModelSpec.Tiny, _dir), path);
        Assert.Single(Directory.GetFiles(_dir));
        using var file = GgufFile.Open(path);
        Assert.Equal("llama", file.Architecture);
    }

    [Fact]
    public void GetOrCreate_Concurrent_ProducesOneCompleteFile()
    {
        var spec = SyntheticModelSpec.Tiny with { Seed = 5 };

        var paths = Enumerable.Range(0, 8).AsParallel().Select(_ => SyntheticModels.GetOrCreate(spec, _dir)).Distinct().ToList();

        Assert.Single(paths);
        Assert.Single(Directory.GetFiles(_dir));
        using var file = GgufFile.Open(paths[0]);
        Assert.Equal(21, file.Tensors.Count);
    }

    [Fact]
    public void GetOrCreate_InvalidSpec_Throws()
    {
        Assert.Throws<ArgumentException>(() => SyntheticModels.GetOrCreate(SyntheticModelSpec.Tiny with { LayerCount = -1 }, _dir));
    }

    [Fact]
    public void CreateDraftTargetPair_TargetSharesDraftLayersAndScalesItsTail()
    {
        var pair = SyntheticModels.CreateDraftTargetPair(SyntheticModelSpec.Tiny, extraTargetLayers: 2, divergence: 0.25f);
        using var draft = GgufFile.Open(SyntheticModels.GetOrCreate(pair.Draft, _dir));
        using var target = GgufFile.Open(SyntheticModels.GetOrCreate(pair.Target, _dir));

        Assert.Equal(4u, target.Metadata["llama.block_count"].AsUInt32());
        Assert.Equal(draft.Metadata["tokenizer.ggml.tokens"], target.Metadata["tokenizer.ggml.tokens"]);
        foreach (var t in draft.Tensors)
        {
            Assert.Equal(draft.ReadTensorData(t), target.ReadTensorData(target.FindTensor(t.Name)!));
        }

        // The tail's output projections are the unscaled random weights times the divergence.
        var unscaled = SyntheticModels.GetOrCreate(pair.Target with { TailResidualScale = 1f }, _dir);
        using var reference = GgufFile.Open(unscaled);
        var scaled = target.ReadTensorAsFloat32(target.FindTensor("blk.3.ffn_down.weight")!);
        var full = reference.ReadTensorAsFloat32(reference.FindTensor("blk.3.ffn_down.weight")!);
        for (var i = 0; i < scaled.Length; i++)
        {
            Assert.Equal(full[i] * 0.25f, scaled[i], 1e-6f);
        }

        Assert.Equal(reference.ReadTensorData(reference.FindTensor("blk.3.ffn_up.weight")!), target.ReadTensorData(target.FindTensor("blk.3.ffn_up.weight")!));
    }

    [Fact]
    public void CreateDraftTargetPair_ZeroDivergence_MakesTailContributeNothing()
    {
        var pair = SyntheticModels.CreateDraftTargetPair(SyntheticModelSpec.TinyMoe, 1, 0f);
        using var target = GgufFile.Open(SyntheticModels.GetOrCreate(pair.Target, _dir));

        Assert.All(target.ReadTensorAsFloat32(target.FindTensor("blk.2.attn_output.weight")!), v => Assert.Equal(0f, v));
        Assert.All(target.ReadTensorAsFloat32(target.FindTensor("blk.2.ffn_down_exps.weight")!), v => Assert.Equal(0f, v));
        Assert.Contains(target.ReadTensorAsFloat32(target.FindTensor("blk.1.ffn_down_exps.weight")!), v => v != 0f);
    }

    [Fact]
    public void CreateDraftTargetPair_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticModels.CreateDraftTargetPair(SyntheticModelSpec.Tiny, 0, 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticModels.CreateDraftTargetPair(SyntheticModelSpec.Tiny, 1, -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticModels.CreateDraftTargetPair(SyntheticModelSpec.Tiny, 1, float.NaN));
        Assert.Throws<ArgumentException>(() => SyntheticModels.CreateDraftTargetPair(SyntheticModelSpec.Tiny with { ScaledTailLayerCount = 1 }, 1, 0.1f));
    }
}
