using System.Collections.Concurrent;

namespace Swarm.Inference.Models;

/// <summary>Generates synthetic models on demand and caches them on disk by a hash of their spec, and builds the
/// draft/target family used for speculative decoding.</summary>
/// <remarks>Thread-safe: concurrent callers asking for the same spec wait for one generation; files are written to a
/// temporary name and moved into place, so another process never sees a partial file.</remarks>
public static class SyntheticModels
{
    /// <summary>The environment variable that overrides <see cref="DefaultDirectory"/>.</summary>
    public const string DirectoryEnvironmentVariable = "SWARM_MODELS_DIR";

    private static readonly ConcurrentDictionary<string, object> Locks = new(StringComparer.Ordinal);

    /// <summary>Gets the text cycle a <see cref="SyntheticWeights.Successor"/> model continues: space, then '!' to '~'.
    /// After any character of it, greedy decoding writes the characters that follow it here, wrapping around; text made
    /// of runs of this cycle is text such a model reproduces (a known-acceptance control for prompt lookup).</summary>
    public static string SuccessorCycleText { get; } = " " + new string([.. Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(c => (char)c)]);

    /// <summary>Gets the cache directory used when none is given: <c>$SWARM_MODELS_DIR</c>, else <c>swarm-models</c> in the temp directory.</summary>
    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable(DirectoryEnvironmentVariable) is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "swarm-models");

    /// <summary>Returns the cache path of <paramref name="spec"/> in <paramref name="directory"/>: <c>{name}-{hash16}.gguf</c>.</summary>
    /// <param name="spec">The model description.</param>
    /// <param name="directory">The cache directory, or <see langword="null"/> for <see cref="DefaultDirectory"/>.</param>
    /// <returns>The full path (the file may not exist yet).</returns>
    public static string GetPath(SyntheticModelSpec spec, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        return Path.GetFullPath(Path.Combine(directory ?? DefaultDirectory, $"{spec.Name}-{spec.ComputeHash()[..16]}.gguf"));
    }

    /// <summary>Returns the path of the model file for <paramref name="spec"/>, generating it first if it is not cached.</summary>
    /// <param name="spec">The model description.</param>
    /// <param name="directory">The cache directory (created if missing), or <see langword="null"/> for <see cref="DefaultDirectory"/>.</param>
    /// <param name="cancellationToken">Cancels a generation in progress.</param>
    /// <returns>The full path of a complete GGUF file.</returns>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    public static string GetOrCreate(SyntheticModelSpec spec, string? directory = null, CancellationToken cancellationToken = default)
    {
        var path = GetPath(spec, directory);
        if (File.Exists(path))
        {
            return path;
        }

        lock (Locks.GetOrAdd(path, _ => new object()))
        {
            if (File.Exists(path))
            {
                return path;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            try
            {
                SyntheticModelBuilder.WriteFile(spec, temp, cancellationToken);
                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        return path;
    }

    /// <summary>Creates a draft/target pair sharing a vocabulary: the target is <paramref name="draft"/> plus
    /// <paramref name="extraTargetLayers"/> more layers whose output projections are multiplied by <paramref name="divergence"/>.</summary>
    /// <param name="draft">The draft model (its first layers are the target's first layers, weight for weight).</param>
    /// <param name="extraTargetLayers">How many layers the target adds (they make it slower, i.e. a bigger model).</param>
    /// <param name="divergence">0 makes the target compute exactly what the draft computes (greedy agreement 1);
    /// larger values make it disagree more often. The agreement rate for a value must be measured by running both.</param>
    /// <returns>The pair of specs; pass each to <see cref="GetOrCreate"/>.</returns>
    /// <exception cref="ArgumentException">The draft already scales tail layers, or the values are out of range.</exception>
    public static SyntheticModelPair CreateDraftTargetPair(SyntheticModelSpec draft, int extraTargetLayers, float divergence)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(extraTargetLayers);
        if (!float.IsFinite(divergence) || divergence < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(divergence), divergence, "The divergence must be finite and not negative.");
        }

        if (draft.ScaledTailLayerCount != 0)
        {
            throw new ArgumentException("The draft must not scale tail layers itself (ScaledTailLayerCount must be 0).", nameof(draft));
        }

        draft.Validate();
        var target = draft with
        {
            Name = draft.Name + "-target",
            LayerCount = draft.LayerCount + extraTargetLayers,
            ScaledTailLayerCount = extraTargetLayers,
            TailResidualScale = divergence,
        };
        target.Validate();
        return new SyntheticModelPair(draft, target);
    }
}
