using BenchmarkDotNet.Attributes;
using Swarm.Inference.Gguf;
using Swarm.Inference.Models;

namespace Swarm.Inference.Benchmarks.Gguf;

/// <summary>Cost of generating a synthetic model (random fill + encoding + GGUF framing) per weight type, relative to F32.
/// Writes 2 layers of the 104 MB "Small" shape (6.6 M weights) to <see cref="Stream.Null"/>, so disk speed is excluded.</summary>
[MemoryDiagnoser]
public class SyntheticModelWriteBenchmarks
{
    private static readonly SyntheticModelSpec Spec = SyntheticModelSpec.Small with { LayerCount = 2 };

    [Benchmark(Baseline = true)]
    public void WriteF32() => SyntheticModelBuilder.Write(Spec, Stream.Null);

    [Benchmark]
    public void WriteF16() => SyntheticModelBuilder.Write(Spec with { WeightType = GgmlType.F16 }, Stream.Null);

    [Benchmark]
    public void WriteBF16() => SyntheticModelBuilder.Write(Spec with { WeightType = GgmlType.BF16 }, Stream.Null);

    [Benchmark]
    public void WriteQ8_0() => SyntheticModelBuilder.Write(Spec with { WeightType = GgmlType.Q8_0 }, Stream.Null);
}
