namespace Swarm.Inference;

/// <summary>The state of one generation inside a <see cref="SpeculativeDecoder"/>.</summary>
/// <remarks>Owned by the decoder's thread once it joined.</remarks>
internal sealed class SpeculativeSequence
{
    private bool stopRequested;

    public SpeculativeSequence(int[] prompt, LlamaGenerationOptions options, int vocabularySize, bool keepDraftDistributions, CancellationToken cancellationToken)
    {
        Prompt = prompt;
        Options = options;
        CancellationToken = cancellationToken;
        var sampling = options.Sampling ?? LlamaSamplerOptions.Greedy;
        Greedy = sampling.IsGreedy;
        Distribution = new TokenDistribution(sampling);
        Random = new Random(MixSeed(sampling.Seed ?? (uint)System.Random.Shared.Next()));
        Tokens = new List<int>(prompt.Length + Math.Min(options.MaxTokens, 4096) + SpeculativeDecodingOptions.MaxSupportedDraftLength + 1);
        Tokens.AddRange(prompt);
        TargetProbabilities = new float[vocabularySize];
        Scratch = new float[vocabularySize];
        if (keepDraftDistributions && !Greedy)
        {
            DraftDistributions = new float[SpeculativeDecodingOptions.MaxSupportedDraftLength][];
            for (var i = 0; i < DraftDistributions.Length; i++)
            {
                DraftDistributions[i] = new float[vocabularySize];
            }
        }
    }

    public int[] Prompt { get; }

    /// <summary>SplitMix64 finalizer: consecutive user seeds (1, 2, 3…) give unrelated streams (the seeded
    /// <see cref="System.Random"/> is correlated across neighbouring seeds).</summary>
    internal static int MixSeed(uint seed)
    {
        var z = seed + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((int)(z ^ (z >> 31)));
    }

    public LlamaGenerationOptions Options { get; }

    public CancellationToken CancellationToken { get; }

    public TaskCompletionSource<SpeculativeGeneration> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationTokenRegistration Registration { get; set; }

    public bool Greedy { get; }

    public TokenDistribution Distribution { get; }

    public Random Random { get; }

    public List<int> Tokens { get; }

    public int GeneratedCount => Tokens.Count - Prompt.Length;

    public int SequenceId { get; set; } = -1;

    public int TargetKv { get; set; }

    public int DraftKv { get; set; }

    public DraftLengthController? Controller { get; set; }

    /// <summary>Gets or sets the prompt-lookup back-off (prompt-lookup decoders only).</summary>
    public PromptLookupBackoff? LookupBackoff { get; set; }

    public int[] Draft { get; } = new int[SpeculativeDecodingOptions.MaxSupportedDraftLength];

    public int DraftCount { get; set; }

    public int DraftLimit { get; set; }

    public bool Drafting { get; set; }

    public int BatchIndex { get; set; }

    public float[][]? DraftDistributions { get; }

    public float[] TargetProbabilities { get; }

    public float[] Scratch { get; }

    public int[] DraftedByPosition { get; } = new int[SpeculativeDecodingOptions.MaxSupportedDraftLength];

    public int[] AcceptedByPosition { get; } = new int[SpeculativeDecodingOptions.MaxSupportedDraftLength];

    public int VerifySteps { get; set; }

    public long StartTimestamp { get; set; }

    public double PromptSeconds { get; set; }

    public double DraftSeconds { get; set; }

    public double VerifySeconds { get; set; }

    public LlamaFinishReason? FinishReason { get; set; }

    /// <summary>Gets or sets where accepted tokens are written as they are produced (streaming), if anywhere.</summary>
    public System.Threading.Channels.ChannelWriter<int>? TokenWriter { get; init; }

    /// <summary>Gets or sets the decoder that runs this sequence.</summary>
    public SpeculativeDecoder? Owner { get; init; }

    /// <summary>Gets a value indicating whether the reader asked to end the generation early.</summary>
    public bool StopRequested => Volatile.Read(ref stopRequested);

    /// <summary>Ends the generation after the current step with <see cref="LlamaFinishReason.Stopped"/>; a no-op once it ended.</summary>
    public void RequestStop()
    {
        Volatile.Write(ref stopRequested, true);
        Owner?.Wake();
    }
}
