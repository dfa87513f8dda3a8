using System.Buffers;
using System.Globalization;
using Swarm.Inference.Gguf;

namespace Swarm.Inference.Models;

/// <summary>Writes synthetic <c>llama</c>-architecture GGUF models that llama.cpp loads: the metadata keys and types it
/// requires, a byte-level tokenizer that round-trips text exactly, and seeded random or constructed weights.</summary>
/// <remarks>Streams tensor data chunk by chunk: memory use stays at a few megabytes whatever the model size.
/// Thread-safe (no shared state).</remarks>
public static class SyntheticModelBuilder
{
    private const int ChunkElements = 1 << 20;

    private enum Fill
    {
        Ones,
        Random,
        Embedding,
        SuccessorOutput,
    }

    /// <summary>Writes the model described by <paramref name="spec"/> to a new file (replacing any existing file).</summary>
    /// <param name="spec">The model description.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="cancellationToken">Cancels between chunks; the partial file is deleted.</param>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static void WriteFile(SyntheticModelSpec spec, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(path);
        spec.Validate();
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
            Write(spec, stream, cancellationToken);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Writes the model described by <paramref name="spec"/> to <paramref name="destination"/>.</summary>
    /// <param name="spec">The model description.</param>
    /// <param name="destination">A writable stream (left open).</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static void Write(SyntheticModelSpec spec, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(destination);
        spec.Validate();
        using var writer = new GgufWriter(destination, leaveOpen: true);
        AddMetadata(writer, spec);
        var plan = Plan(spec);
        foreach (var t in plan)
        {
            writer.AddTensor(t.Name, t.Type, t.Dims);
        }

        writer.WriteHeader();
        var buffer = ArrayPool<float>.Shared.Rent(Math.Max(ChunkElements, spec.EmbeddingLength));
        try
        {
            foreach (var t in plan)
            {
                cancellationToken.ThrowIfCancellationRequested();
                WriteTensor(writer, spec, t, buffer, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        writer.Complete();
    }

    /// <summary>Returns the names, types and shapes of the tensors a spec produces, in file order.</summary>
    /// <param name="spec">The model description.</param>
    /// <returns>(name, type, dimensions in ggml order).</returns>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    public static IReadOnlyList<(string Name, GgmlType Type, long[] Dimensions)> GetTensorLayout(SyntheticModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        return [.. Plan(spec).Select(t => (t.Name, t.Type, t.Dims))];
    }

    private static void AddMetadata(GgufWriter w, SyntheticModelSpec s)
    {
        var (tokens, scores, types) = SyntheticVocabulary.Build(s.VocabularySize);
        w.AddMetadata("general.architecture", GgufValue.FromString("llama"));
        w.AddMetadata("general.name", GgufValue.FromString(s.Name));
        w.AddMetadata("general.file_type", GgufValue.FromUInt32(s.WeightType switch
        {
            GgmlType.F16 => 1u,
            GgmlType.Q8_0 => 7u,
            GgmlType.BF16 => 32u,
            _ => 0u,
        }));
        if (s.WeightType == GgmlType.Q8_0)
        {
            w.AddMetadata("general.quantization_version", GgufValue.FromUInt32(2));
        }

        w.AddMetadata("llama.vocab_size", GgufValue.FromUInt32((uint)s.VocabularySize));
        w.AddMetadata("llama.context_length", GgufValue.FromUInt32((uint)s.ContextLength));
        w.AddMetadata("llama.embedding_length", GgufValue.FromUInt32((uint)s.EmbeddingLength));
        w.AddMetadata("llama.block_count", GgufValue.FromUInt32((uint)s.LayerCount));
        w.AddMetadata("llama.feed_forward_length", GgufValue.FromUInt32((uint)s.FeedForwardLength));
        w.AddMetadata("llama.attention.head_count", GgufValue.FromUInt32((uint)s.HeadCount));
        w.AddMetadata("llama.attention.head_count_kv", GgufValue.FromUInt32((uint)s.KvHeadCount));
        w.AddMetadata("llama.attention.layer_norm_rms_epsilon", GgufValue.FromFloat32(s.RmsNormEpsilon));
        w.AddMetadata("llama.rope.freq_base", GgufValue.FromFloat32(s.RopeFrequencyBase));
        w.AddMetadata("llama.rope.dimension_count", GgufValue.FromUInt32((uint)s.HeadLength));
        if (s.ExpertCount > 0)
        {
            w.AddMetadata("llama.expert_count", GgufValue.FromUInt32((uint)s.ExpertCount));
            w.AddMetadata("llama.expert_used_count", GgufValue.FromUInt32((uint)s.ExpertUsedCount));
        }

        w.AddMetadata("tokenizer.ggml.model", GgufValue.FromString("llama"));
        w.AddMetadata("tokenizer.ggml.tokens", GgufValue.FromArray(tokens));
        w.AddMetadata("tokenizer.ggml.scores", GgufValue.FromArray(scores));
        w.AddMetadata("tokenizer.ggml.token_type", GgufValue.FromArray(types));
        w.AddMetadata("tokenizer.ggml.bos_token_id", GgufValue.FromUInt32(SyntheticVocabulary.BosId));
        w.AddMetadata("tokenizer.ggml.eos_token_id", GgufValue.FromUInt32(SyntheticVocabulary.EosId));
        w.AddMetadata("tokenizer.ggml.unknown_token_id", GgufValue.FromUInt32(SyntheticVocabulary.UnknownId));
        w.AddMetadata("tokenizer.ggml.add_bos_token", GgufValue.FromBool(true));
        w.AddMetadata("tokenizer.ggml.add_eos_token", GgufValue.FromBool(false));
        w.AddMetadata("tokenizer.ggml.add_space_prefix", GgufValue.FromBool(false));
        if (s.ChatTemplate is not null)
        {
            w.AddMetadata("tokenizer.chat_template", GgufValue.FromString(s.ChatTemplate));
        }
    }

    private static List<TensorPlan> Plan(SyntheticModelSpec s)
    {
        long e = s.EmbeddingLength, v = s.VocabularySize, f = s.FeedForwardLength, kv = (long)s.HeadLength * s.KvHeadCount, x = s.ExpertCount;
        var wt = s.WeightType;
        var embeddingFill = s.Weights == SyntheticWeights.Successor ? Fill.Embedding : Fill.Random;
        var outputFill = s.Weights == SyntheticWeights.Successor ? Fill.SuccessorOutput : Fill.Random;
        var plan = new List<TensorPlan>
        {
            new("token_embd.weight", wt, [e, v], embeddingFill, 1f),
            new("output_norm.weight", GgmlType.F32, [e], Fill.Ones, 1f),
            new("output.weight", wt, [e, v], outputFill, 1f),
        };
        for (var i = 0; i < s.LayerCount; i++)
        {
            var residual = s.ResidualScale * (i >= s.LayerCount - s.ScaledTailLayerCount ? s.TailResidualScale : 1f);
            var p = string.Create(CultureInfo.InvariantCulture, $"blk.{i}.");
            plan.Add(new(p + "attn_norm.weight", GgmlType.F32, [e], Fill.Ones, 1f));
            plan.Add(new(p + "attn_q.weight", wt, [e, e], Fill.Random, 1f));
            plan.Add(new(p + "attn_k.weight", wt, [e, kv], Fill.Random, 1f));
            plan.Add(new(p + "attn_v.weight", wt, [e, kv], Fill.Random, 1f));
            plan.Add(new(p + "attn_output.weight", wt, [e, e], Fill.Random, residual));
            plan.Add(new(p + "ffn_norm.weight", GgmlType.F32, [e], Fill.Ones, 1f));
            if (x == 0)
            {
                plan.Add(new(p + "ffn_gate.weight", wt, [e, f], Fill.Random, 1f));
                plan.Add(new(p + "ffn_down.weight", wt, [f, e], Fill.Random, residual));
                plan.Add(new(p + "ffn_up.weight", wt, [e, f], Fill.Random, 1f));
            }
            else
            {
                plan.Add(new(p + "ffn_gate_inp.weight", GgmlType.F32, [e, x], Fill.Random, 1f));
                plan.Add(new(p + "ffn_gate_exps.weight", wt, [e, f, x], Fill.Random, 1f));
                plan.Add(new(p + "ffn_down_exps.weight", wt, [f, e, x], Fill.Random, residual));
                plan.Add(new(p + "ffn_up_exps.weight", wt, [e, f, x], Fill.Random, 1f));
            }
        }

        return plan;
    }

    private static void WriteTensor(GgufWriter writer, SyntheticModelSpec s, TensorPlan t, float[] buffer, CancellationToken cancellationToken)
    {
        var total = t.Dims.Aggregate(1L, (a, b) => a * b);
        switch (t.Fill)
        {
            case Fill.Ones:
                buffer.AsSpan(0, (int)total).Fill(1f);
                writer.WriteTensorValues(buffer.AsSpan(0, (int)total));
                break;
            case Fill.Random:
                {
                    var rng = new SyntheticRandom(SyntheticRandom.SeedFor(s.Seed, t.Name));
                    var scale = s.WeightScale * t.Scale;
                    for (long done = 0; done < total; done += ChunkElements)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var chunk = buffer.AsSpan(0, (int)Math.Min(ChunkElements, total - done));
                        rng.FillUniform(chunk, scale);
                        if (s.PrintableOutput && t.Name == "output.weight")
                        {
                            MaskUnprintableRows(chunk, done, s.EmbeddingLength);
                        }

                        writer.WriteTensorValues(chunk);
                    }

                    break;
                }

            default:
                {
                    // Row-wise constructions: one row per token, EmbeddingLength values each.
                    var e = s.EmbeddingLength;
                    var predecessor = new Dictionary<int, int>();
                    var cycle = SyntheticVocabulary.SuccessorCycle;
                    for (var i = 0; i < cycle.Length; i++)
                    {
                        predecessor[cycle[(i + 1) % cycle.Length]] = cycle[i];
                    }

                    var rowsPerChunk = Math.Max(1, ChunkElements / e);
                    for (var row = 0; row < s.VocabularySize; row += rowsPerChunk)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var rows = Math.Min(rowsPerChunk, s.VocabularySize - row);
                        for (var r = 0; r < rows; r++)
                        {
                            var token = row + r;
                            var dest = buffer.AsSpan(r * e, e);
                            if (t.Fill == Fill.Embedding)
                            {
                                EmbeddingRow(s, token, dest);
                            }
                            else if (predecessor.TryGetValue(token, out var pred))
                            {
                                EmbeddingRow(s, pred, dest);
                            }
                            else
                            {
                                dest.Clear();
                            }
                        }

                        writer.WriteTensorValues(buffer.AsSpan(0, rows * e));
                    }

                    break;
                }
        }
    }

    /// <summary>Zeroes the output rows of tokens that are not printable ASCII or '\n' (control tokens, other bytes), so their
    /// logit is 0 while the printable tokens' random logits win.</summary>
    private static void MaskUnprintableRows(Span<float> chunk, long firstElement, int rowLength)
    {
        var firstRow = (int)(firstElement / rowLength);
        var rows = chunk.Length / rowLength;
        for (var r = 0; r < rows; r++)
        {
            var token = firstRow + r;
            var isByte = token >= SyntheticVocabulary.FirstByteId && token < SyntheticVocabulary.FirstByteId + 256;
            var b = token - SyntheticVocabulary.FirstByteId;
            var printable = token >= SyntheticVocabulary.SpaceId || (isByte && ((b > 0x20 && b < 0x7F) || b == '\n'));
            if (!printable)
            {
                chunk.Slice(r * rowLength, rowLength).Clear();
            }
        }
    }

    private static void EmbeddingRow(SyntheticModelSpec s, int token, Span<float> destination) =>
        new SyntheticRandom(SyntheticRandom.SeedFor(s.Seed, "token_embd.weight", token)).FillUniform(destination, 1f);

    private sealed record TensorPlan(string Name, GgmlType Type, long[] Dims, Fill Fill, float Scale);
}
