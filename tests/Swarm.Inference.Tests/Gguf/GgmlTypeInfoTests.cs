using Swarm.Inference.Gguf;

namespace Swarm.Inference.Tests.Gguf;

public sealed class GgmlTypeInfoTests
{
    [Theory]
    [InlineData(GgmlType.F32, 1, 4)]
    [InlineData(GgmlType.F16, 1, 2)]
    [InlineData(GgmlType.BF16, 1, 2)]
    [InlineData(GgmlType.Q4_0, 32, 18)]
    [InlineData(GgmlType.Q4_1, 32, 20)]
    [InlineData(GgmlType.Q5_0, 32, 22)]
    [InlineData(GgmlType.Q5_1, 32, 24)]
    [InlineData(GgmlType.Q8_0, 32, 34)]
    [InlineData(GgmlType.Q2_K, 256, 84)]
    [InlineData(GgmlType.Q3_K, 256, 110)]
    [InlineData(GgmlType.Q4_K, 256, 144)]
    [InlineData(GgmlType.Q5_K, 256, 176)]
    [InlineData(GgmlType.Q6_K, 256, 210)]
    [InlineData(GgmlType.IQ4_NL, 32, 18)]
    [InlineData(GgmlType.IQ4_XS, 256, 136)]
    [InlineData(GgmlType.MXFP4, 32, 17)]
    public void Layout_MatchesGgml(GgmlType type, int blockSize, int blockBytes)
    {
        Assert.True(GgmlTypeInfo.IsKnown(type));
        Assert.Equal(blockSize, GgmlTypeInfo.GetBlockSize(type));
        Assert.Equal(blockBytes, GgmlTypeInfo.GetBlockByteCount(type));
        Assert.Equal(3L * blockBytes, GgmlTypeInfo.GetByteCount(type, 3L * blockSize));
    }

    [Fact]
    public void GetByteCount_NotWholeBlocks_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GgmlTypeInfo.GetByteCount(GgmlType.Q8_0, 33));
    }

    [Fact]
    public void Unknown_Type_IsReported()
    {
        Assert.False(GgmlTypeInfo.IsKnown((GgmlType)4));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GgmlTypeInfo.GetBlockSize((GgmlType)4));
        Assert.Contains("ggml type 4", ex.Message, StringComparison.Ordinal);
    }
}
