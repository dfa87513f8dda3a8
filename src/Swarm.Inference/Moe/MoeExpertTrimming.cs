using System.Globalization;
using Swarm.Inference.Gguf;

namespace Swarm.Inference;

/// <summary>Loads a mixture-of-experts model with fewer experts per token, through llama.cpp's metadata override of
/// <c>&lt;arch&gt;.expert_used_count</c>, after validating the value in managed code.</summary>
/// <remarks>
/// <para>llama.cpp aborts the whole process when the override is 0 or above the expert count, and silently ignores an
/// override of the wrong type, so every path that loads with such an override (including
/// <see cref="LlamaModel.Load(string, LlamaModelOptions?)"/> with <see cref="LlamaModelOptions.MetadataOverrides"/>) checks it
/// against the GGUF metadata first.</para>
/// <para>Thread-safe (stateless).</para>
/// </remarks>
public static class MoeExpertTrimming
{
    private const string ExpertUsedSuffix = ".expert_used_count";

    /// <summary>Reads the expert counts of the GGUF file at <paramref name="path"/> without loading its weights.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <returns>The architecture and its expert counts.</returns>
    /// <exception cref="ArgumentException">The model is not a mixture of experts (no positive expert count).</exception>
    /// <exception cref="GgufFormatException">The file is not a readable GGUF file.</exception>
    public static MoeModelInfo ReadModelInfo(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var file = GgufFile.Open(path);
        var arch = file.Architecture ?? throw new ArgumentException($"'{path}' has no general.architecture metadata.", nameof(path));
        var expertCount = ReadInt(file, arch + ".expert_count");
        if (expertCount is not > 0)
        {
            throw new ArgumentException($"'{Path.GetFileName(path)}' is not a mixture-of-experts model: it has no positive {arch}.expert_count.", nameof(path));
        }

        var used = ReadInt(file, arch + ExpertUsedSuffix) ?? 0;
        return new MoeModelInfo(arch, expertCount.Value, used);
    }

    /// <summary>Creates the validated integer override that makes <paramref name="path"/> route each token to
    /// <paramref name="expertsUsed"/> experts.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="expertsUsed">Experts per token, 1 to the model's expert count.</param>
    /// <returns>The override to add to <see cref="LlamaModelOptions.MetadataOverrides"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expertsUsed"/> is below 1 or above the expert count.</exception>
    /// <exception cref="ArgumentException">The model is not a mixture of experts.</exception>
    public static LlamaKvOverride CreateOverride(string path, int expertsUsed)
    {
        var info = ReadModelInfo(path);
        CheckRange(info, expertsUsed);
        return LlamaKvOverride.FromInteger(info.ExpertUsedCountKey, expertsUsed);
    }

    /// <summary>Loads <paramref name="path"/> routing each token to <paramref name="expertsUsed"/> experts.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="expertsUsed">Experts per token, 1 to the model's expert count.</param>
    /// <param name="options">Further load options; their overrides are kept (one for the same key is rejected).</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expertsUsed"/> is below 1 or above the expert count (nothing is loaded).</exception>
    /// <exception cref="ArgumentException">The model is not a mixture of experts, or <paramref name="options"/> already overrides the key.</exception>
    public static LlamaModel LoadWithExpertsUsed(string path, int expertsUsed, LlamaModelOptions? options = null)
    {
        var expertOverride = CreateOverride(path, expertsUsed);
        var effective = new LlamaModelOptions
        {
            GpuLayerCount = options?.GpuLayerCount ?? 0,
            UseMemoryMap = options?.UseMemoryMap ?? true,
            VocabularyOnly = options?.VocabularyOnly ?? false,
            CheckTensors = options?.CheckTensors ?? false,
            Backend = options?.Backend,
        };
        foreach (var o in options?.MetadataOverrides ?? [])
        {
            if (string.Equals(o.Key, expertOverride.Key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The options already override {o.Key} ({o}); pass the experts-used value once.", nameof(options));
            }

            effective.MetadataOverrides.Add(o);
        }

        effective.MetadataOverrides.Add(expertOverride);
        return LlamaModel.Load(path, effective);
    }

    /// <summary>Checks every <c>*.expert_used_count</c> override in <paramref name="overrides"/> against the GGUF file
    /// before llama.cpp sees it.</summary>
    /// <param name="path">The GGUF file about to be loaded.</param>
    /// <param name="overrides">The overrides about to be applied.</param>
    /// <exception cref="ArgumentException">An override is not an integer, or the model is not a mixture of experts.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An override value is below 1 or above the expert count.</exception>
    public static void ValidateOverrides(string path, IEnumerable<LlamaKvOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        MoeModelInfo? info = null;
        foreach (var o in overrides)
        {
            if (!o.Key.EndsWith(ExpertUsedSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            if (o.Type != LlamaKvOverrideType.Integer)
            {
                throw new ArgumentException($"The override {o} must be an integer (int:N); llama.cpp ignores an override of another type without a word.", nameof(overrides));
            }

            info ??= ReadModelInfo(path);
            if (!string.Equals(o.Key, info.ExpertUsedCountKey, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The override {o} names another architecture than the model's '{info.Architecture}' (expected {info.ExpertUsedCountKey}).", nameof(overrides));
            }

            CheckRange(info, o.IntValue);
        }
    }

    private static void CheckRange(MoeModelInfo info, long expertsUsed)
    {
        if (expertsUsed < 1 || expertsUsed > info.ExpertCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(expertsUsed),
                expertsUsed,
                string.Create(CultureInfo.InvariantCulture, $"{info.ExpertUsedCountKey} must be between 1 and the model's {info.Architecture}.expert_count ({info.ExpertCount}); llama.cpp would abort the process on {expertsUsed}."));
        }
    }

    private static int? ReadInt(GgufFile file, string key)
    {
        if (!file.Metadata.TryGetValue(key, out var value))
        {
            return null;
        }

        return value.Type is GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.UInt16 or GgufValueType.Int16 or GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.UInt64 or GgufValueType.Int64
            ? (int)Math.Clamp(value.ToInt64(), int.MinValue, int.MaxValue)
            : null;
    }
}
