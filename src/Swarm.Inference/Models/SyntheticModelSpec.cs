using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Swarm.Inference.Gguf;

namespace Swarm.Inference.Models;

/// <summary>The shape, weight type and weight construction of a synthetic <c>llama</c>-architecture model
/// (dense, or mixture-of-experts when <see cref="ExpertCount"/> is set). Write one with
/// <see cref="SyntheticModelBuilder"/>, or get a cached file with <see cref="SyntheticModels.GetOrCreate"/>.</summary>
/// <remarks>Immutable; use <c>with</c> to derive variants. Weights depend only on the spec: the same spec always
/// yields byte-identical files, and each tensor's values depend only on <see cref="Seed"/>, its name and its shape,
/// so two specs that differ in <see cref="LayerCount"/> share their common layers exactly.</remarks>
public sealed record SyntheticModelSpec
{
    /// <summary>The version of the generator's output; part of <see cref="ComputeHash"/> so cached files are rebuilt when it changes.</summary>
    public const int GeneratorVersion = 1;

    /// <summary>Gets a tiny model: 2 layers × 64 wide, 4 heads, feed-forward 128, byte vocabulary (about 0.5 MB at F32).</summary>
    public static SyntheticModelSpec Tiny { get; } = new() { Name = "tiny" };

    /// <summary>Gets a small model of about 104 MB at F32: 8 layers × 512 wide, 8 heads, feed-forward 1408.</summary>
    public static SyntheticModelSpec Small { get; } = new()
    {
        Name = "small", LayerCount = 8, EmbeddingLength = 512, HeadCount = 8, KvHeadCount = 8, FeedForwardLength = 1408,
    };

    /// <summary>Gets a large, memory-bound model of about 1.24 GB at F16: 12 layers × 2048 wide, 16 heads, feed-forward 5632.
    /// (At Q8_0 it is about 0.66 GB; use <c>LayerCount = 20</c> for ≥ 1 GB at Q8_0.)</summary>
    public static SyntheticModelSpec Large { get; } = new()
    {
        Name = "large", LayerCount = 12, EmbeddingLength = 2048, HeadCount = 16, KvHeadCount = 16, FeedForwardLength = 5632, WeightType = GgmlType.F16,
    };

    /// <summary>Gets a tiny mixture-of-experts model: 2 layers × 64 wide, 4 experts of feed-forward 128, 2 used per token.</summary>
    public static SyntheticModelSpec TinyMoe { get; } = new() { Name = "tiny-moe", ExpertCount = 4, ExpertUsedCount = 2 };

    /// <summary>Gets the model name written to <c>general.name</c> and used in cache file names.</summary>
    /// <value>The default value is <c>"synthetic"</c>.</value>
    public string Name { get; init; } = "synthetic";

    /// <summary>Gets the number of transformer blocks (<c>llama.block_count</c>).</summary>
    /// <value>The default value is 2.</value>
    public int LayerCount { get; init; } = 2;

    /// <summary>Gets the embedding width (<c>llama.embedding_length</c>).</summary>
    /// <value>The default value is 64.</value>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary>Gets the number of attention heads; the head size is <see cref="EmbeddingLength"/> / heads and must be even.</summary>
    /// <value>The default value is 4.</value>
    public int HeadCount { get; init; } = 4;

    /// <summary>Gets the number of key/value heads (fewer than <see cref="HeadCount"/> gives grouped-query attention).</summary>
    /// <value>The default value is 4.</value>
    public int KvHeadCount { get; init; } = 4;

    /// <summary>Gets the feed-forward width (per expert for MoE models).</summary>
    /// <value>The default value is 128.</value>
    public int FeedForwardLength { get; init; } = 128;

    /// <summary>Gets the vocabulary size: the 260 byte-level tokens (<c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>,
    /// 256 byte tokens, <c>▁</c>) plus, above 260, normal tokens for lowercase letter strings ("aa", "ab", ...).</summary>
    /// <value>The default value is 260.</value>
    public int VocabularySize { get; init; } = SyntheticVocabulary.ByteVocabularySize;

    /// <summary>Gets the training context length written to <c>llama.context_length</c>.</summary>
    /// <value>The default value is 2048.</value>
    public int ContextLength { get; init; } = 2048;

    /// <summary>Gets the number of experts; 0 for a dense model.</summary>
    /// <value>The default value is 0.</value>
    public int ExpertCount { get; init; }

    /// <summary>Gets the number of experts used per token (1 to <see cref="ExpertCount"/>; 0 for a dense model).</summary>
    /// <value>The default value is 0.</value>
    public int ExpertUsedCount { get; init; }

    /// <summary>Gets the type of the weight matrices: <see cref="GgmlType.F32"/>, <see cref="GgmlType.F16"/>,
    /// <see cref="GgmlType.BF16"/> or <see cref="GgmlType.Q8_0"/> (widths must then be multiples of 32). Norms are always F32.</summary>
    /// <value>The default value is <see cref="GgmlType.F32"/>.</value>
    public GgmlType WeightType { get; init; } = GgmlType.F32;

    /// <summary>Gets how the weights are made.</summary>
    /// <value>The default value is <see cref="SyntheticWeights.Random"/>.</value>
    public SyntheticWeights Weights { get; init; } = SyntheticWeights.Random;

    /// <summary>Gets the half-width of the uniform distribution of random weights.</summary>
    /// <value>The default value is 0.3.</value>
    public float WeightScale { get; init; } = 0.3f;

    /// <summary>Gets the factor applied to every layer's output projections (<c>attn_output</c>, <c>ffn_down</c>,
    /// <c>ffn_down_exps</c>), i.e. how much each layer adds to the residual stream.</summary>
    /// <value>The default value is 1.</value>
    public float ResidualScale { get; init; } = 1f;

    /// <summary>Gets the number of final layers whose output projections are further multiplied by <see cref="TailResidualScale"/>
    /// (the extra layers of a draft/target pair's target).</summary>
    /// <value>The default value is 0.</value>
    public int ScaledTailLayerCount { get; init; }

    /// <summary>Gets the extra factor on the output projections of the last <see cref="ScaledTailLayerCount"/> layers; 0 makes those
    /// layers contribute nothing, so the model computes exactly what the model without them computes.</summary>
    /// <value>The default value is 1.</value>
    public float TailResidualScale { get; init; } = 1f;

    /// <summary>Gets a value indicating whether a <see cref="SyntheticWeights.Random"/> model writes only readable text: the output rows
    /// of control tokens and of bytes other than printable ASCII and '\n' are zero, so those tokens are (almost) never chosen.
    /// Useful for samples and chat demos; the rest of the model is unchanged.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool PrintableOutput { get; init; }

    /// <summary>Gets the seed of all random weights.</summary>
    /// <value>The default value is 42.</value>
    public ulong Seed { get; init; } = 42;

    /// <summary>Gets the RMS-norm epsilon (<c>llama.attention.layer_norm_rms_epsilon</c>).</summary>
    /// <value>The default value is 1e-5.</value>
    public float RmsNormEpsilon { get; init; } = 1e-5f;

    /// <summary>Gets the RoPE frequency base (<c>llama.rope.freq_base</c>).</summary>
    /// <value>The default value is 10000.</value>
    public float RopeFrequencyBase { get; init; } = 10000f;

    /// <summary>Gets the chat template written to <c>tokenizer.chat_template</c>, or <see langword="null"/> for none.</summary>
    /// <value>The default value is a ChatML template (<c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c>), which llama.cpp recognizes.</value>
    public string? ChatTemplate { get; init; } = DefaultChatTemplate;

    /// <summary>Gets the ChatML chat template used by default.</summary>
    public static string DefaultChatTemplate =>
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /// <summary>Gets the size of one attention head.</summary>
    public int HeadLength => HeadCount > 0 ? EmbeddingLength / HeadCount : 0;

    /// <summary>Gets the total number of weights in the model.</summary>
    public long ParameterCount
    {
        get
        {
            long e = EmbeddingLength, f = FeedForwardLength, v = VocabularySize, kv = (long)HeadLength * KvHeadCount;
            var attention = (e * e) + (2 * e * kv) + (e * e) + (2 * e);
            var ffn = ExpertCount == 0 ? 3 * e * f : (3 * e * f * ExpertCount) + (e * ExpertCount);
            return (2 * e * v) + e + (LayerCount * (attention + ffn));
        }
    }

    /// <summary>Checks the spec and names the first problem.</summary>
    /// <exception cref="ArgumentException">A value is out of range or inconsistent with another.</exception>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException($"Invalid synthetic model spec: {message}");
            }
        }

        Require(!string.IsNullOrWhiteSpace(Name) && Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'), $"Name '{Name}' must be non-empty ASCII letters, digits, '-', '_' or '.'.");
        Require(LayerCount > 0, $"LayerCount {LayerCount} must be positive.");
        Require(EmbeddingLength > 0 && HeadCount > 0 && EmbeddingLength % HeadCount == 0, $"EmbeddingLength {EmbeddingLength} must be a positive multiple of HeadCount {HeadCount}.");
        Require(HeadLength % 2 == 0, $"The head size {HeadLength} (EmbeddingLength / HeadCount) must be even for RoPE.");
        Require(KvHeadCount > 0 && HeadCount % KvHeadCount == 0, $"HeadCount {HeadCount} must be a multiple of KvHeadCount {KvHeadCount}.");
        Require(FeedForwardLength > 0, $"FeedForwardLength {FeedForwardLength} must be positive.");
        Require(VocabularySize >= SyntheticVocabulary.ByteVocabularySize, $"VocabularySize {VocabularySize} must be at least {SyntheticVocabulary.ByteVocabularySize} (the byte vocabulary).");
        Require(VocabularySize <= SyntheticVocabulary.MaxVocabularySize, $"VocabularySize {VocabularySize} must be at most {SyntheticVocabulary.MaxVocabularySize}.");
        Require(ContextLength > 0, $"ContextLength {ContextLength} must be positive.");
        Require(ExpertCount >= 0, $"ExpertCount {ExpertCount} must not be negative.");
        Require(ExpertCount == 0 ? ExpertUsedCount == 0 : ExpertUsedCount >= 1 && ExpertUsedCount <= ExpertCount, $"ExpertUsedCount {ExpertUsedCount} must be between 1 and ExpertCount {ExpertCount} (0 for a dense model).");
        Require(WeightType is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0, $"WeightType {WeightType} must be F32, F16, BF16 or Q8_0.");
        Require(WeightType != GgmlType.Q8_0 || (EmbeddingLength % 32 == 0 && FeedForwardLength % 32 == 0), $"Q8_0 weights need EmbeddingLength ({EmbeddingLength}) and FeedForwardLength ({FeedForwardLength}) to be multiples of 32.");
        Require(float.IsFinite(WeightScale) && WeightScale >= 0, $"WeightScale {WeightScale} must be finite and not negative.");
        Require(float.IsFinite(ResidualScale) && float.IsFinite(TailResidualScale), "ResidualScale and TailResidualScale must be finite.");
        Require(ScaledTailLayerCount >= 0 && ScaledTailLayerCount <= LayerCount, $"ScaledTailLayerCount {ScaledTailLayerCount} must be between 0 and LayerCount {LayerCount}.");
        Require(float.IsFinite(RmsNormEpsilon) && RmsNormEpsilon > 0, $"RmsNormEpsilon {RmsNormEpsilon} must be positive.");
        Require(float.IsFinite(RopeFrequencyBase) && RopeFrequencyBase > 0, $"RopeFrequencyBase {RopeFrequencyBase} must be positive.");
        Require(Enum.IsDefined(Weights), $"Weights {Weights} is not a known construction.");
    }

    /// <summary>Returns a stable hash of everything that determines the file's bytes (and the generator version).</summary>
    /// <returns>Lowercase hexadecimal SHA-256.</returns>
    public string ComputeHash()
    {
        var c = CultureInfo.InvariantCulture;
        var canonical = string.Join(
            '|',
            GeneratorVersion.ToString(c),
            Name,
            LayerCount.ToString(c),
            EmbeddingLength.ToString(c),
            HeadCount.ToString(c),
            KvHeadCount.ToString(c),
            FeedForwardLength.ToString(c),
            VocabularySize.ToString(c),
            ContextLength.ToString(c),
            ExpertCount.ToString(c),
            ExpertUsedCount.ToString(c),
            ((int)WeightType).ToString(c),
            ((int)Weights).ToString(c),
            BitConverter.SingleToInt32Bits(WeightScale).ToString(c),
            BitConverter.SingleToInt32Bits(ResidualScale).ToString(c),
            ScaledTailLayerCount.ToString(c),
            BitConverter.SingleToInt32Bits(TailResidualScale).ToString(c),
            Seed.ToString(c),
            BitConverter.SingleToInt32Bits(RmsNormEpsilon).ToString(c),
            BitConverter.SingleToInt32Bits(RopeFrequencyBase).ToString(c),
            ChatTemplate ?? "\0",
            PrintableOutput ? "printable" : "all");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
