using Swarm.Inference.Gguf;

namespace Swarm.Inference.Tests.Models;

/// <summary>A plain float reference forward pass of the llama architecture (RMS norm, RoPE on consecutive pairs, grouped
/// causal attention, SwiGLU or softmax-routed top-k experts), used to check synthetic model constructions offline.
/// It follows llama.cpp's graph but computes everything in F32, so logits match llama.cpp only approximately.</summary>
internal sealed class ReferenceLlama
{
    private readonly int _e, _heads, _kvHeads, _d, _f, _vocab, _experts, _used;
    private readonly float _eps, _base;
    private readonly float[] _embd, _outNorm, _out;
    private readonly Layer[] _layers;
    private readonly List<float[]>[] _keys, _values;

    public ReferenceLlama(GgufFile file)
    {
        var m = file.Metadata;
        _e = (int)m["llama.embedding_length"].AsUInt32();
        _heads = (int)m["llama.attention.head_count"].AsUInt32();
        _kvHeads = (int)m["llama.attention.head_count_kv"].AsUInt32();
        _d = _e / _heads;
        _f = (int)m["llama.feed_forward_length"].AsUInt32();
        _experts = m.TryGetValue("llama.expert_count", out var x) ? (int)x.AsUInt32() : 0;
        _used = m.TryGetValue("llama.expert_used_count", out var u) ? (int)u.AsUInt32() : 0;
        _eps = m["llama.attention.layer_norm_rms_epsilon"].AsFloat32();
        _base = m["llama.rope.freq_base"].AsFloat32();
        float[] T(string name) => file.ReadTensorAsFloat32(file.FindTensor(name)!);
        _embd = T("token_embd.weight");
        _vocab = _embd.Length / _e;
        _outNorm = T("output_norm.weight");
        _out = T("output.weight");
        var n = (int)m["llama.block_count"].AsUInt32();
        _layers = new Layer[n];
        _keys = new List<float[]>[n];
        _values = new List<float[]>[n];
        for (var i = 0; i < n; i++)
        {
            var p = $"blk.{i}.";
            _layers[i] = _experts == 0
                ? new Layer(T(p + "attn_norm.weight"), T(p + "attn_q.weight"), T(p + "attn_k.weight"), T(p + "attn_v.weight"), T(p + "attn_output.weight"), T(p + "ffn_norm.weight"), T(p + "ffn_gate.weight"), T(p + "ffn_up.weight"), T(p + "ffn_down.weight"), null)
                : new Layer(T(p + "attn_norm.weight"), T(p + "attn_q.weight"), T(p + "attn_k.weight"), T(p + "attn_v.weight"), T(p + "attn_output.weight"), T(p + "ffn_norm.weight"), T(p + "ffn_gate_exps.weight"), T(p + "ffn_up_exps.weight"), T(p + "ffn_down_exps.weight"), T(p + "ffn_gate_inp.weight"));
            _keys[i] = [];
            _values[i] = [];
        }
    }

    public int Position => _keys[0].Count;

    public static int ArgMax(float[] logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Feeds one token at the next position and returns the next-token logits.</summary>
    public float[] Step(int token)
    {
        var pos = Position;
        var x = _embd.AsSpan(token * _e, _e).ToArray();
        for (var l = 0; l < _layers.Length; l++)
        {
            var L = _layers[l];
            var h = RmsNorm(x, L.AttnNorm);
            var q = MatVec(L.Q, h, _heads * _d);
            var k = MatVec(L.K, h, _kvHeads * _d);
            var v = MatVec(L.V, h, _kvHeads * _d);
            Rope(q, _heads, pos);
            Rope(k, _kvHeads, pos);
            _keys[l].Add(k);
            _values[l].Add(v);
            var attn = new float[_heads * _d];
            var scale = 1f / MathF.Sqrt(_d);
            for (var hd = 0; hd < _heads; hd++)
            {
                var kvh = hd / (_heads / _kvHeads);
                var scores = new float[pos + 1];
                for (var t = 0; t <= pos; t++)
                {
                    var s = 0f;
                    for (var i = 0; i < _d; i++)
                    {
                        s += q[(hd * _d) + i] * _keys[l][t][(kvh * _d) + i];
                    }

                    scores[t] = s * scale;
                }

                Softmax(scores);
                for (var t = 0; t <= pos; t++)
                {
                    for (var i = 0; i < _d; i++)
                    {
                        attn[(hd * _d) + i] += scores[t] * _values[l][t][(kvh * _d) + i];
                    }
                }
            }

            Add(x, MatVec(L.O, attn, _e));
            var g = RmsNorm(x, L.FfnNorm);
            if (L.Router is null)
            {
                Add(x, Ffn(L.Gate, L.Up, L.Down, g, 0, 1f));
            }
            else
            {
                var router = MatVec(L.Router, g, _experts);
                Softmax(router);
                var chosen = Enumerable.Range(0, _experts).OrderByDescending(i => router[i]).Take(_used).ToArray();
                var sum = chosen.Sum(i => router[i]);
                foreach (var ex in chosen)
                {
                    Add(x, Ffn(L.Gate, L.Up, L.Down, g, ex, router[ex] / sum));
                }
            }
        }

        return MatVec(_out, RmsNorm(x, _outNorm), _vocab);
    }

    private float[] Ffn(float[] gate, float[] up, float[] down, float[] h, int expert, float weight)
    {
        var a = MatVec(gate, h, _f, expert * _f * _e);
        var b = MatVec(up, h, _f, expert * _f * _e);
        for (var i = 0; i < _f; i++)
        {
            a[i] = a[i] / (1f + MathF.Exp(-a[i])) * b[i];
        }

        var y = MatVec(down, a, _e, expert * _f * _e);
        for (var i = 0; i < _e; i++)
        {
            y[i] *= weight;
        }

        return y;
    }

    private static float[] MatVec(float[] w, float[] x, int rows, int offset = 0)
    {
        // ggml order: a weight [in, out] stores each output row's inputs contiguously.
        var y = new float[rows];
        var n = x.Length;
        for (var r = 0; r < rows; r++)
        {
            y[r] = System.Numerics.Tensors.TensorPrimitives.Dot(w.AsSpan(offset + (r * n), n), x);
        }

        return y;
    }

    private float[] RmsNorm(float[] x, float[] weight)
    {
        var ms = 0f;
        foreach (var v in x)
        {
            ms += v * v;
        }

        var k = 1f / MathF.Sqrt((ms / x.Length) + _eps);
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = x[i] * k * weight[i];
        }

        return y;
    }

    private void Rope(float[] v, int heads, int pos)
    {
        for (var h = 0; h < heads; h++)
        {
            for (var i = 0; i < _d; i += 2)
            {
                var theta = pos * MathF.Pow(_base, -(float)i / _d);
                var (sin, cos) = MathF.SinCos(theta);
                var a = v[(h * _d) + i];
                var b = v[(h * _d) + i + 1];
                v[(h * _d) + i] = (a * cos) - (b * sin);
                v[(h * _d) + i + 1] = (a * sin) + (b * cos);
            }
        }
    }

    private static void Softmax(float[] v)
    {
        var max = v.Max();
        var sum = 0f;
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = MathF.Exp(v[i] - max);
            sum += v[i];
        }

        for (var i = 0; i < v.Length; i++)
        {
            v[i] /= sum;
        }
    }

    private static void Add(float[] x, float[] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += y[i];
        }
    }

    private sealed record Layer(float[] AttnNorm, float[] Q, float[] K, float[] V, float[] O, float[] FfnNorm, float[] Gate, float[] Up, float[] Down, float[]? Router);
}
