using System.Globalization;

namespace Swarm.Inference.Models;

/// <summary>The byte-level SentencePiece-style vocabulary of synthetic models, laid out so llama.cpp's "llama"
/// tokenizer round-trips any text exactly: <c>&lt;unk&gt;</c> (0), <c>&lt;s&gt;</c> (1), <c>&lt;/s&gt;</c> (2),
/// <c>&lt;0x00&gt;</c>…<c>&lt;0xFF&gt;</c> (3–258, byte tokens), <c>▁</c> (259, the space), then optional lowercase strings.</summary>
internal static class SyntheticVocabulary
{
    public const int ByteVocabularySize = 260;
    public const int MaxVocabularySize = 1 << 18;
    public const int UnknownId = 0;
    public const int BosId = 1;
    public const int EosId = 2;
    public const int FirstByteId = 3;
    public const int SpaceId = 259;

    // llama.cpp token attribute types (llama_token_type).
    public const int TypeNormal = 1;
    public const int TypeUnknown = 2;
    public const int TypeControl = 3;
    public const int TypeByte = 6;

    /// <summary>The successor cycle used by <see cref="SyntheticWeights.Successor"/>: space, then '!' to '~'.</summary>
    public static int[] SuccessorCycle { get; } = [SpaceId, .. Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(b => FirstByteId + b)];

    public static (string[] Tokens, float[] Scores, int[] Types) Build(int size)
    {
        var tokens = new string[size];
        var scores = new float[size];
        var types = new int[size];
        tokens[UnknownId] = "<unk>";
        types[UnknownId] = TypeUnknown;
        tokens[BosId] = "<s>";
        types[BosId] = TypeControl;
        tokens[EosId] = "</s>";
        types[EosId] = TypeControl;
        for (var b = 0; b < 256; b++)
        {
            tokens[FirstByteId + b] = string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>");
            types[FirstByteId + b] = TypeByte;
        }

        tokens[SpaceId] = "\u2581";
        types[SpaceId] = TypeNormal;
        scores[SpaceId] = -1f;
        var extra = 0;
        for (var length = 2; ByteVocabularySize + extra < size; length++)
        {
            var combos = (long)Math.Pow(26, length);
            for (long k = 0; k < combos && ByteVocabularySize + extra < size; k++)
            {
                var chars = new char[length];
                var v = k;
                for (var p = length - 1; p >= 0; p--)
                {
                    chars[p] = (char)('a' + (int)(v % 26));
                    v /= 26;
                }

                var id = ByteVocabularySize + extra;
                tokens[id] = new string(chars);
                types[id] = TypeNormal;
                scores[id] = -2f - extra;
                extra++;
            }
        }

        return (tokens, scores, types);
    }
}
