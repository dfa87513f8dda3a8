using Swarm.Inference.Gguf;
using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Models;

/// <summary>Checks the successor construction offline: with ResidualScale 0 the layers add nothing, so the logits are
/// output · rmsnorm(embedding) and their argmax must be the successor in the printable cycle.</summary>
public sealed class SyntheticWeightsTests
{
    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q8_0)]
    public void Successor_NextTokenArgmaxIsTheSuccessor(GgmlType type)
    {
        var spec = SyntheticModelSpec.Tiny with { Weights = SyntheticWeights.Successor, ResidualScale = 0f, WeightType = type, VocabularySize = 300 };
        var ms = new MemoryStream();
        SyntheticModelBuilder.Write(spec, ms);
        ms.Position = 0;
        using var file = GgufFile.Read(ms);
        var e = spec.EmbeddingLength;
        var embd = file.ReadTensorAsFloat32(file.FindTensor("token_embd.weight")!);
        var output = file.ReadTensorAsFloat32(file.FindTensor("output.weight")!);
        var tokens = file.Metadata["tokenizer.ggml.tokens"].GetArray<string>();

        var text = new System.Text.StringBuilder();
        var token = SyntheticVocabulary.FirstByteId + 'a';
        for (var step = 0; step < 100; step++)
        {
            var x = embd.AsSpan(token * e, e);
            var rms = MathF.Sqrt(x.ToArray().Select(v => v * v).Average() + spec.RmsNormEpsilon);
            var best = -1;
            var bestLogit = float.NegativeInfinity;
            for (var u = 0; u < spec.VocabularySize; u++)
            {
                var logit = 0f;
                for (var i = 0; i < e; i++)
                {
                    logit += output[(u * e) + i] * x[i] / rms;
                }

                if (logit > bestLogit)
                {
                    bestLogit = logit;
                    best = u;
                }
            }

            token = best;
            text.Append(tokens[token] == "\u2581" ? " " : ((char)(token - SyntheticVocabulary.FirstByteId)).ToString());
        }

        const string Cycle = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        Assert.Equal(Cycle, SyntheticModels.SuccessorCycleText);
        var expected = string.Concat(Enumerable.Repeat(Cycle, 3));
        var start = expected.IndexOf('b', StringComparison.Ordinal);
        Assert.Equal(expected.Substring(start, 100), text.ToString());
    }

    [Fact]
    public void Vocabulary_AboveBytes_AddsLowercaseTokens()
    {
        var (tokens, scores, types) = SyntheticVocabulary.Build(260 + 26 * 26 + 2);

        Assert.Equal("aa", tokens[260]);
        Assert.Equal("zz", tokens[260 + (26 * 26) - 1]);
        Assert.Equal("aaa", tokens[260 + (26 * 26)]);
        Assert.All(types.Skip(259), t => Assert.Equal(1, t));
        Assert.True(scores[260] > scores[261]);
        Assert.Equal(tokens.Length, tokens.Distinct().Count());
    }
}
