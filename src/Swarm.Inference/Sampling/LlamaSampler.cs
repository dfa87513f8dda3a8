using Swarm.Inference.Native;

namespace Swarm.Inference;

/// <summary>A native llama.cpp sampler chain that picks the next token from a context's logits.</summary>
/// <remarks>Not thread-safe: use one per sequence. Stateful (repetition history, random state); <see cref="Reset"/> clears it.</remarks>
public sealed class LlamaSampler : IDisposable
{
    private readonly SafeLlamaSamplerHandle handle;

    /// <summary>Initializes a new instance of the <see cref="LlamaSampler"/> class.</summary>
    /// <param name="options">The chain; <see langword="null"/> for <see cref="LlamaSamplerOptions.Greedy"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="LlamaNativeLibraryException">The native libraries are missing.</exception>
    public LlamaSampler(LlamaSamplerOptions? options = null)
    {
        options ??= LlamaSamplerOptions.Greedy;
        ArgumentOutOfRangeException.ThrowIfNegative(options.TopK);
        ArgumentOutOfRangeException.ThrowIfNegative(options.TopP);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.TopP, 1f);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinP);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MinP, 1f);
        ArgumentOutOfRangeException.ThrowIfNegative(options.RepeatLastCount);
        LlamaBackend.Initialize();
        Options = options;

        var chainParams = LlamaNative.llama_sampler_chain_default_params();
        chainParams.NoPerf = 1;
        handle = LlamaNative.llama_sampler_chain_init(chainParams);
        if (options.RepeatPenalty != 1f)
        {
            Add(LlamaNative.llama_sampler_init_penalties(options.RepeatLastCount, options.RepeatPenalty, 0f, 0f));
        }

        if (options.IsGreedy)
        {
            Add(LlamaNative.llama_sampler_init_greedy());
            return;
        }

        if (options.TopK > 0)
        {
            Add(LlamaNative.llama_sampler_init_top_k(options.TopK));
        }

        if (options.TopP < 1f)
        {
            Add(LlamaNative.llama_sampler_init_top_p(options.TopP, 1));
        }

        if (options.MinP > 0f)
        {
            Add(LlamaNative.llama_sampler_init_min_p(options.MinP, 1));
        }

        Add(LlamaNative.llama_sampler_init_temp(options.Temperature));
        Add(LlamaNative.llama_sampler_init_dist(options.Seed ?? (uint)Random.Shared.Next()));
    }

    /// <summary>Gets the configuration of this chain.</summary>
    public LlamaSamplerOptions Options { get; }

    /// <summary>Samples a token from the logits of batch index <paramref name="batchIndex"/> of the last decode, and records it in the chain's history.</summary>
    /// <param name="context">The context that decoded.</param>
    /// <param name="batchIndex">The index in the last batch of a token whose logits were requested; -1 for the last one.</param>
    /// <returns>The token id.</returns>
    /// <exception cref="ObjectDisposedException">The sampler or the context is disposed.</exception>
    public int Sample(LlamaContext context, int batchIndex = -1)
    {
        ArgumentNullException.ThrowIfNull(context);
        return LlamaNative.llama_sampler_sample(handle, context.Handle, batchIndex);
    }

    /// <summary>Records a token chosen elsewhere (for example a verified draft token) in the chain's history.</summary>
    /// <param name="token">The token id.</param>
    public void Accept(int token) => LlamaNative.llama_sampler_accept(handle, token);

    /// <summary>Clears the history and random state.</summary>
    public void Reset() => LlamaNative.llama_sampler_reset(handle);

    /// <summary>Frees the native chain.</summary>
    public void Dispose() => handle.Dispose();

    internal SafeLlamaSamplerHandle HandleForContext => handle;

    private void Add(nint sampler) => LlamaNative.llama_sampler_chain_add(handle, sampler);
}
