using System.Security.Cryptography;
using System.Text;

namespace Swarm;

/// <summary>Computes the cache key of a step: a SHA-256 of what determines its output.</summary>
internal static class StepCacheKey
{
    public static string Compute(TaskStep step, string role, IReadOnlyDictionary<string, string?> inputs, StepCachePolicy policy)
    {
        var builder = new StringBuilder(256);
        Append(builder, "v1");
        Append(builder, policy.Version);
        Append(builder, role);
        Append(builder, step.Kind.ToString());
        Append(builder, step.Instruction);
        Append(builder, step.Tool);
        if (step.Args is { } args)
        {
            foreach (var pair in args.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Append(builder, pair.Key);
                Append(builder, pair.Value);
            }
        }

        Append(builder, "inputs");
        foreach (var pair in inputs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Append(builder, pair.Key);
            Append(builder, pair.Value);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private static void Append(StringBuilder builder, string? value)
    {
        // Length-prefixed, so no two different field lists give the same text.
        if (value is null)
        {
            builder.Append("-1:");
            return;
        }

        builder.Append(value.Length).Append(':').Append(value);
    }
}
