using System.Text;

namespace Swarm.Inference.Tests.Generation;

[Collection(LlamaCollection.Name)]
public sealed class LlamaVocabTests(LlamaFixture fixture)
{
    [Theory]
    [InlineData("Hello, swarm!")]
    [InlineData(" leading and  double  spaces ")]
    [InlineData("line one\nline two\r\n\ttab")]
    [InlineData("unicode: héllo wörld — 日本語 🐝🐝")]
    [InlineData("")]
    public void TokenizeDetokenize_ByteVocabulary_RoundTripsExactly(string text)
    {
        var vocab = fixture.Model.Vocab;

        var tokens = vocab.Tokenize(text, addSpecial: false);
        var bytes = vocab.DetokenizeToBytes(tokens);

        Assert.Equal(Encoding.UTF8.GetBytes(text), bytes);
        Assert.Equal(text, vocab.Detokenize(tokens));
    }

    [Fact]
    public void Tokenize_AddSpecial_PrependsBos()
    {
        var vocab = fixture.Model.Vocab;

        var tokens = vocab.Tokenize("abc");

        Assert.Equal(vocab.BeginningOfSequence, tokens[0]);
        Assert.Equal(vocab.Tokenize("abc", addSpecial: false), tokens[1..]);
        Assert.Equal("abc", vocab.Detokenize(tokens, removeSpecial: true));
    }

    [Fact]
    public void TokenPieces_ConcatenatedPerToken_RebuildTheText()
    {
        var vocab = fixture.Model.Vocab;
        var text = "naïve 🐝 bytes";
        var tokens = vocab.Tokenize(text, addSpecial: false);

        var bytes = tokens.SelectMany(t => vocab.GetTokenBytes(t)).ToArray();

        Assert.Equal(text, Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void GetTokenText_ByteToken_IsHexForm()
    {
        var vocab = fixture.Model.Vocab;
        var token = vocab.Tokenize("A", addSpecial: false).Single();

        Assert.Equal("<0x41>", vocab.GetTokenText(token));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100_000)]
    public void GetTokenBytes_OutOfRange_Throws(int token)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Model.Vocab.GetTokenBytes(token));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Model.Vocab.Detokenize([token]));
    }
}
