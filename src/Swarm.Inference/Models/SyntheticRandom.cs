using System.Text;

namespace Swarm.Inference.Models;

/// <summary>A fast deterministic generator (SplitMix64) for synthetic weights; two floats per 64-bit draw.</summary>
internal struct SyntheticRandom
{
    private const float Int32Scale = 1f / 2147483648f;
    private ulong _state;

    public SyntheticRandom(ulong seed) => _state = seed;

    /// <summary>A seed that depends only on the model seed and a tensor (and optional row) name, stable across processes.</summary>
    public static ulong SeedFor(ulong seed, string name, long row = -1)
    {
        var h = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            h = (h ^ b) * 1099511628211UL;
        }

        var s = new SyntheticRandom(seed ^ h ^ ((ulong)row * 0x9E3779B97F4A7C15UL));
        return s.NextUInt64();
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Fills <paramref name="destination"/> with values uniform in [-scale, scale).</summary>
    public void FillUniform(Span<float> destination, float scale)
    {
        var k = scale * Int32Scale;
        var i = 0;
        for (; i + 1 < destination.Length; i += 2)
        {
            var r = NextUInt64();
            destination[i] = (int)(uint)r * k;
            destination[i + 1] = (int)(uint)(r >> 32) * k;
        }

        if (i < destination.Length)
        {
            destination[i] = (int)(uint)NextUInt64() * k;
        }
    }
}
