#:project ../../src/Swarm.Inference/Swarm.Inference.csproj
// Writes the F32 source models that eng/make-quantized-fixture.sh quantizes with llama.cpp.
using Swarm.Inference.Models;

var dir = args.Length > 0 ? args[0] : ".";
SyntheticModelBuilder.WriteFile(QuantizeSources.Tiny, Path.Combine(dir, "tiny-f32.gguf"));
SyntheticModelBuilder.WriteFile(QuantizeSources.Wide, Path.Combine(dir, "wide-f32.gguf"));
Console.WriteLine($"wrote sources to {dir}");

internal static class QuantizeSources
{
    // Keep in step with LlamaQuantizedFixtureTests.
    public static SyntheticModelSpec Tiny => SyntheticModelSpec.Tiny;

    public static SyntheticModelSpec Wide => SyntheticModelSpec.Tiny with { Name = "wide", LayerCount = 1, EmbeddingLength = 256, FeedForwardLength = 256 };
}
