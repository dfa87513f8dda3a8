using Swarm.Inference.Gguf;
using Swarm.Inference.Models;

namespace Swarm.Inference.Benchmarks;

/// <summary>Locates the repository and the synthetic models the benchmarks use.</summary>
public static class Paths
{
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "benchmarks", "native", "build.sh")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Run the benchmarks from the Swarm repository (benchmarks/native/build.sh not found above " + AppContext.BaseDirectory + ").");
        }
    }

    /// <summary>tiny: 2 layers × 64 (≈0.5 MB F32); small: 8 × 512 (≈104 MB F32); large: 12 × 2048 (≈1.24 GB F16);
    /// large-q8: 20 × 2048 (≈1.1 GB Q8_0); large-f32: 8 × 2048 (≈1.7 GB F32); wide-f32: 2 × 4096, FFN 11008 (≈1.6 GB F32:
    /// the same bytes in four times fewer, wider matrices).</summary>
    public static string Model(string name) => SyntheticModels.GetOrCreate(name switch
    {
        "tiny" => SyntheticModelSpec.Tiny,
        "small" => SyntheticModelSpec.Small,
        "large" => SyntheticModelSpec.Large,
        "large-q8" => SyntheticModelSpec.Large with { Name = "large-q8", LayerCount = 20, WeightType = GgmlType.Q8_0 },
        "large-f32" => SyntheticModelSpec.Large with { Name = "large-f32", LayerCount = 8, WeightType = GgmlType.F32 },
        "wide-f32" => SyntheticModelSpec.Large with { Name = "wide-f32", LayerCount = 2, EmbeddingLength = 4096, HeadCount = 32, KvHeadCount = 32, FeedForwardLength = 11008, WeightType = GgmlType.F32 },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "tiny, small, large, large-q8, large-f32 or wide-f32"),
    });

    public static int[] Prompt(int length) => Enumerable.Range(0, length).Select(i => 3 + (i * 7 % 250)).ToArray();
}
