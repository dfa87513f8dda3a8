namespace Swarm.Inference.Tests.Native;

public sealed class LlamaKvOverrideTests
{
    [Theory]
    [InlineData("llama.expert_used_count=int:1", LlamaKvOverrideType.Integer)]
    [InlineData("llama.rope.freq_base=float:10000.5", LlamaKvOverrideType.FloatingPoint)]
    [InlineData("tokenizer.ggml.add_bos_token=bool:false", LlamaKvOverrideType.Boolean)]
    [InlineData("general.name=str:renamed", LlamaKvOverrideType.Text)]
    public void Parse_EachType_RoundTripsThroughToString(string text, LlamaKvOverrideType type)
    {
        var parsed = LlamaKvOverride.Parse(text);

        Assert.Equal(type, parsed.Type);
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData("no-equals")]
    [InlineData("key=noColon")]
    [InlineData("key=double:1")]
    [InlineData("=int:1")]
    public void Parse_Malformed_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => LlamaKvOverride.Parse(text));
    }

    [Fact]
    public void FromString_TooLong_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => LlamaKvOverride.FromString("general.name", new string('x', 128)));
        Assert.Throws<ArgumentException>(() => LlamaKvOverride.FromInteger(new string('k', 128), 1));
    }
}
