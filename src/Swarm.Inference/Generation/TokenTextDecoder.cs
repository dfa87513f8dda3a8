using System.Text;

namespace Swarm.Inference;

/// <summary>Turns a stream of tokens into text, holding back bytes of a UTF-8 character split across tokens.</summary>
internal sealed class TokenTextDecoder(LlamaVocab vocab)
{
    private readonly Decoder decoder = new UTF8Encoding(false, false).GetDecoder();
    private readonly byte[] bytes = new byte[256];
    private readonly char[] chars = new char[258];

    public string Append(int token)
    {
        var n = vocab.CopyTokenBytes(token, bytes);
        if (n > bytes.Length)
        {
            var large = vocab.GetTokenBytes(token);
            var buffer = new char[large.Length + 2];
            var c = decoder.GetChars(large, 0, large.Length, buffer, 0, flush: false);
            return new string(buffer, 0, c);
        }

        var count = decoder.GetChars(bytes, 0, n, chars, 0, flush: false);
        return count == 0 ? string.Empty : new string(chars, 0, count);
    }

    public string Flush()
    {
        var count = decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
        return count == 0 ? string.Empty : new string(chars, 0, count);
    }
}
