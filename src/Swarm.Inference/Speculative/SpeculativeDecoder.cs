using System.Globalization;

namespace Swarm.Inference;

/// <summary>Speculative decoding on llama.cpp: a draft source (a small draft model, or n-gram lookup in the
/// sequence itself) proposes up to K tokens, the target verifies them all in one batched decode with logits at every
/// position, the rejected tail is removed from the KV caches, and the target's own token at the first mismatch (or
/// after the last accepted draft) is kept. Under greedy sampling the output is token for token the target's plain greedy
/// output; under stochastic sampling rejection sampling keeps it distributed exactly as the target's.</summary>
/// <remarks>
/// <para>Several generations (agents) run at once: each is a sequence of one target context (and one draft context),
/// every step drafts for all of them with one draft decode per draft position and verifies all their drafts with one
/// target decode. Generations join and leave between steps.</para>
/// <para>Thread-safe: <see cref="GenerateAsync(IReadOnlyList{int}, LlamaGenerationOptions?, CancellationToken)"/> may be
/// called concurrently; the decodes run on the decoder's own thread.</para>
/// </remarks>
public sealed class SpeculativeDecoder : IDisposable
{
    private readonly object gate = new();
    private readonly Queue<SpeculativeSequence> pending = new();
    private readonly Stack<int> freeIds = new();
    private readonly List<SpeculativeSequence> active = [];
    private readonly SpeculativeDecodingOptions options;
    private readonly LlamaContext targetContext;
    private readonly LlamaContext? draftContext;
    private readonly LlamaBatch targetBatch;
    private readonly LlamaBatch? draftBatch;
    private readonly PromptLookupProposer? lookup;
    private readonly PromptLookupOptions? lookupOptions;
    private readonly OnlineVerifyCost? onlineCost;
    private readonly Func<int, double?>? relativeVerifyCost;
    private readonly double draftStepCost;
    private readonly TimeProvider time;
    private readonly Thread thread;
    private bool stopping;
    private long verifyDecodes;
    private long draftDecodes;

    private SpeculativeDecoder(LlamaModel target, LlamaModel? draft, PromptLookupOptions? lookupOptions, SpeculativeDecodingOptions? options)
    {
        ArgumentNullException.ThrowIfNull(target);
        options ??= new SpeculativeDecodingOptions();
        options.Validate();
        lookupOptions?.Validate();
        if (draft is not null)
        {
            DraftModelCompatibility.Check(target, draft);
        }

        this.options = options;
        time = options.TimeProvider;
        TargetModel = target;
        DraftModel = draft;
        var batchCapacity = Math.Max(512, options.MaxSequenceCount * (options.MaxDraftLength + 1));
        var contextOptions = new LlamaContextOptions
        {
            ContextSize = options.SequenceContextSize * options.MaxSequenceCount,
            MaxSequenceCount = options.MaxSequenceCount,
            BatchSize = batchCapacity,
            ThreadCount = options.ThreadCount,
        };
        targetContext = target.CreateContext(contextOptions);
        targetBatch = new LlamaBatch(batchCapacity);
        if (draft is not null)
        {
            draftContext = draft.CreateContext(contextOptions);
            draftBatch = new LlamaBatch(batchCapacity);
            draftStepCost = options.DraftStepCost ?? ((double)draft.SizeInBytes / Math.Max(1UL, target.SizeInBytes));
        }
        else
        {
            this.lookupOptions = lookupOptions ?? new PromptLookupOptions();
            lookup = new PromptLookupProposer(this.lookupOptions);
            if (options.VerifyCostCurve is { } curve)
            {
                relativeVerifyCost = n => curve.GetRelativeCost(n);
            }
            else
            {
                onlineCost = new OnlineVerifyCost(batchCapacity);
                relativeVerifyCost = onlineCost.GetRelativeCost;
            }
            draftStepCost = options.DraftStepCost ?? 0;
        }

        for (var id = options.MaxSequenceCount - 1; id >= 0; id--)
        {
            freeIds.Push(id);
        }

        thread = new Thread(Run) { IsBackground = true, Name = "Swarm.Inference speculative decoder" };
        thread.Start();
    }

    /// <summary>Gets the target model, whose output the decoder reproduces.</summary>
    public LlamaModel TargetModel { get; }

    /// <summary>Gets the draft model, or <see langword="null"/> for prompt-lookup decoding.</summary>
    public LlamaModel? DraftModel { get; }

    /// <summary>Gets the most generations decoded at once.</summary>
    public int MaxSequenceCount => options.MaxSequenceCount;

    /// <summary>Gets the target decodes that verified drafts so far; one decode serves every active sequence.</summary>
    public long VerifyDecodeCount => Interlocked.Read(ref verifyDecodes);

    /// <summary>Gets the draft-model decodes so far; one decode serves every sequence still drafting.</summary>
    public long DraftDecodeCount => Interlocked.Read(ref draftDecodes);

    /// <summary>Creates a decoder whose drafts come from a small draft model sharing the target's vocabulary.</summary>
    /// <param name="target">The model whose output is produced.</param>
    /// <param name="draft">The draft model; it must have the target's vocabulary.</param>
    /// <param name="options">Draft length and context options.</param>
    /// <returns>The decoder; dispose it before the models.</returns>
    /// <exception cref="IncompatibleDraftModelException">The vocabularies differ (type, size, BOS/EOS or a token text).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (for example a draft length above 24).</exception>
    public static SpeculativeDecoder Create(LlamaModel target, LlamaModel draft, SpeculativeDecodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return new SpeculativeDecoder(target, draft, null, options);
    }

    /// <summary>Creates a prompt-lookup decoder: drafts are n-gram continuations found in the prompt and the generated
    /// text, no draft model. Where nothing recurs it drafts nothing and costs what plain decoding costs; where short
    /// n-grams recur with other continuations it backs off after rejected drafts (<see cref="PromptLookupOptions.MaxConsecutiveRejections"/>).</summary>
    /// <param name="target">The model whose output is produced.</param>
    /// <param name="lookup">The n-gram sizes and the longest draft.</param>
    /// <param name="options">Draft length and context options.</param>
    /// <returns>The decoder; dispose it before the model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static SpeculativeDecoder CreatePromptLookup(LlamaModel target, PromptLookupOptions? lookup = null, SpeculativeDecodingOptions? options = null)
        => new(target, null, lookup ?? new PromptLookupOptions(), options);

    /// <summary>Generates a continuation of <paramref name="promptTokens"/>.</summary>
    /// <param name="promptTokens">The prompt tokens (at least one).</param>
    /// <param name="options">Token limit, sampling and stop behaviour; <see langword="null"/> is greedy with 256 tokens.</param>
    /// <param name="cancellationToken">Cancels the generation.</param>
    /// <returns>The tokens, text and speculation report.</returns>
    /// <exception cref="ArgumentException">The prompt is empty or holds a token outside the vocabulary, or the sampling uses a repeat penalty.</exception>
    /// <exception cref="LlamaContextOverflowException">The prompt does not fit in <see cref="SpeculativeDecodingOptions.SequenceContextSize"/>.</exception>
    public Task<SpeculativeGeneration> GenerateAsync(IReadOnlyList<int> promptTokens, LlamaGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
#pragma warning disable VSTHRD003 // the decoder thread completes this task; it captures no context
        return Submit(promptTokens, options, null, cancellationToken).Completion.Task;
#pragma warning restore VSTHRD003
    }

    /// <summary>Starts a generation whose tokens are also written to <paramref name="tokens"/> as they are accepted
    /// (completed when the generation ends however it ends: the completion task carries the outcome); <see cref="SpeculativeSequence.RequestStop"/>
    /// ends it early with <see cref="LlamaFinishReason.Stopped"/>.</summary>
    internal SpeculativeSequence Submit(IReadOnlyList<int> promptTokens, LlamaGenerationOptions? options, System.Threading.Channels.ChannelWriter<int>? tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promptTokens);
        ArgumentOutOfRangeException.ThrowIfZero(promptTokens.Count);
        options ??= new LlamaGenerationOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTokens);
        if (options.Sampling is { RepeatPenalty: not 1f })
        {
            throw new ArgumentException("Speculative decoding does not support a repeat penalty: the drafted tokens would change the penalized distribution of the target. Set RepeatPenalty to 1.", nameof(options));
        }

        if (promptTokens.Count >= targetContext.SequenceContextSize)
        {
            throw targetContext.Overflow(-1, promptTokens.Count + 1);
        }

        var prompt = promptTokens.ToArray();
        var vocabularySize = TargetModel.Vocab.Count;
        foreach (var t in prompt)
        {
            if ((uint)t >= (uint)vocabularySize)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Token {t} is not in the vocabulary of {vocabularySize} tokens."), nameof(promptTokens));
            }
        }

        var sequence = new SpeculativeSequence(prompt, options, vocabularySize, draftContext is not null, cancellationToken)
        {
            StartTimestamp = time.GetTimestamp(),
            TokenWriter = tokens,
            Owner = this,
        };
        if (options.MaxTokens == 0)
        {
            tokens?.TryComplete();
            sequence.Completion.TrySetResult(Result(sequence, LlamaFinishReason.MaxTokens));
            return sequence;
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            pending.Enqueue(sequence);
            Monitor.PulseAll(gate);
        }

        if (cancellationToken.CanBeCanceled)
        {
            sequence.Registration = cancellationToken.Register(static s => ((SpeculativeDecoder)s!).Wake(), this);
        }

        return sequence;
    }

    /// <summary>Generates continuations of several prompts at once, each a sequence of the shared contexts.</summary>
    /// <param name="prompts">The prompts (at most <see cref="MaxSequenceCount"/> run at a time; the rest wait).</param>
    /// <param name="options">Options for every generation.</param>
    /// <param name="cancellationToken">Cancels every generation.</param>
    /// <returns>The results in prompt order.</returns>
    public async Task<IReadOnlyList<SpeculativeGeneration>> GenerateBatchAsync(IReadOnlyList<IReadOnlyList<int>> prompts, LlamaGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        Task<SpeculativeGeneration>[] tasks;
        lock (gate)
        {
            // Enqueue under the lock so all prompts join the same first step.
            tasks = prompts.Select(p => GenerateAsync(p, options, cancellationToken)).ToArray();
        }

#pragma warning disable VSTHRD003 // the decoder thread completes these tasks; they capture no context
        return await Task.WhenAll(tasks).ConfigureAwait(false);
#pragma warning restore VSTHRD003
    }

    /// <summary>Stops the decoder (pending generations are cancelled) and frees its contexts.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (stopping)
            {
                return;
            }

            stopping = true;
            Monitor.PulseAll(gate);
        }

        if (Thread.CurrentThread != thread)
        {
            thread.Join();
        }

        targetBatch.Dispose();
        draftBatch?.Dispose();
        targetContext.Dispose();
        draftContext?.Dispose();
    }

    private static bool IsCancelled(SpeculativeSequence s) => s.CancellationToken.IsCancellationRequested;

    internal void Wake()
    {
        lock (gate)
        {
            Monitor.PulseAll(gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            List<SpeculativeSequence>? joining = null;
            lock (gate)
            {
                while (!stopping && active.Count == 0 && pending.Count == 0)
                {
                    Monitor.Wait(gate);
                }

                if (stopping)
                {
                    break;
                }

                while (pending.Count > 0 && freeIds.Count > 0)
                {
                    var s = pending.Dequeue();
                    s.SequenceId = freeIds.Pop();
                    (joining ??= []).Add(s);
                }
            }

            try
            {
                if (joining is not null)
                {
                    foreach (var s in joining)
                    {
                        active.Add(s);
                        Join(s);
                    }
                }

                foreach (var s in active.Where(IsCancelled).ToList())
                {
                    Leave(s, null, cancelled: true);
                }

                foreach (var s in active.Where(s => s.StopRequested).ToList())
                {
                    Leave(s, null, cancelled: false, LlamaFinishReason.Stopped);
                }

                if (active.Count > 0)
                {
                    Step();
                }
            }
#pragma warning disable CA1031 // a failed decode fails the generations in it, not the decoder thread
            catch (Exception ex)
#pragma warning restore CA1031
            {
                foreach (var s in active.ToList())
                {
                    Leave(s, ex, cancelled: false);
                }
            }
        }

        lock (gate)
        {
            foreach (var s in active.Concat(pending))
            {
                s.Registration.Dispose();
                var disposed = new ObjectDisposedException(nameof(SpeculativeDecoder), "The speculative decoder was disposed during the generation.");
                s.TokenWriter?.TryComplete();
                s.Completion.TrySetException(disposed);
            }

            active.Clear();
            pending.Clear();
        }
    }

    private void Join(SpeculativeSequence s)
    {
        var start = time.GetTimestamp();
        s.Controller = new DraftLengthController(options, draftStepCost);
        s.LookupBackoff = lookupOptions is null ? null : new PromptLookupBackoff(lookupOptions, options.MinDraftLength);
        targetContext.RemoveTokens(s.SequenceId);
        DecodePrefix(targetContext, targetBatch, s);
        s.TargetKv = s.Prompt.Length - 1;
        if (draftContext is not null)
        {
            draftContext.RemoveTokens(s.SequenceId);
            DecodePrefix(draftContext, draftBatch!, s);
            s.DraftKv = s.Prompt.Length - 1;
        }

        s.PromptSeconds = time.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Decodes all prompt tokens but the last (which opens the first verify batch), without logits.</summary>
    private static void DecodePrefix(LlamaContext context, LlamaBatch batch, SpeculativeSequence s)
    {
        var prefix = s.Prompt.Length - 1;
        for (var from = 0; from < prefix; from += batch.Capacity)
        {
            var n = Math.Min(batch.Capacity, prefix - from);
            batch.Clear();
            batch.AddRange(s.Prompt.AsSpan(from, n), from, s.SequenceId, LlamaBatchLogits.None);
            context.DecodeCore(batch);
        }
    }

    private void Step()
    {
        var ctx = targetContext.SequenceContextSize;
        foreach (var s in active)
        {
            var length = s.Tokens.Count;
            var remaining = s.Options.MaxTokens - s.GeneratedCount;
            s.DraftLimit = Math.Max(0, Math.Min(s.Controller!.Current, Math.Min(ctx - length, remaining - 1)));
            s.DraftCount = 0;
        }

        var draftStart = time.GetTimestamp();
        if (lookup is not null)
        {
            foreach (var s in active)
            {
                var limit = s.DraftLimit > 0 ? s.LookupBackoff!.Next(s.DraftLimit, relativeVerifyCost) : 0;
                if (limit > 0)
                {
                    s.DraftCount = lookup.Propose(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(s.Tokens), limit, s.Draft);
                }
            }

            var seconds = time.GetElapsedTime(draftStart).TotalSeconds;
            foreach (var s in active)
            {
                s.DraftSeconds += seconds;
            }
        }
        else
        {
            DraftWithModel();
        }

        Verify();
    }

    private void DraftWithModel()
    {
        var context = draftContext!;
        var batch = draftBatch!;
        foreach (var s in active)
        {
            s.Drafting = s.DraftLimit > 0;
        }

        for (var round = 0; ; round++)
        {
            batch.Clear();
            var any = false;
            foreach (var s in active)
            {
                if (!s.Drafting)
                {
                    continue;
                }

                any = true;
                if (round == 0)
                {
                    // Catch up with the tokens the draft has not seen (the target's last token, and the last accepted draft).
                    for (var p = s.DraftKv; p < s.Tokens.Count; p++)
                    {
                        s.BatchIndex = batch.Add(s.Tokens[p], p, s.SequenceId, logits: p == s.Tokens.Count - 1);
                    }

                    s.DraftKv = s.Tokens.Count;
                }
                else
                {
                    s.BatchIndex = batch.Add(s.Draft[round - 1], s.DraftKv, s.SequenceId, logits: true);
                    s.DraftKv++;
                }
            }

            if (!any)
            {
                return;
            }

            var start = time.GetTimestamp();
            context.DecodeCore(batch);
            Interlocked.Increment(ref draftDecodes);
            foreach (var s in active)
            {
                if (!s.Drafting)
                {
                    continue;
                }

                var logits = context.GetLogits(s.BatchIndex);
                int token;
                float confidence;
                if (s.Greedy)
                {
                    token = TokenDistribution.ArgMax(logits);
                    confidence = options.DraftConfidenceThreshold > 0 ? TokenDistribution.MaxProbability(logits, token) : 1f;
                }
                else
                {
                    var q = s.DraftDistributions![round];
                    s.Distribution.Compute(logits, q);
                    token = TokenDistribution.Sample(q, s.Random);
                    confidence = q[token];
                }

                if (confidence < options.DraftConfidenceThreshold)
                {
                    s.Drafting = false;
                    continue;
                }

                s.Draft[s.DraftCount++] = token;
                if (s.DraftCount >= s.DraftLimit)
                {
                    s.Drafting = false;
                }
            }

            var seconds = time.GetElapsedTime(start).TotalSeconds;
            foreach (var s in active)
            {
                if (s.DraftCount > 0 || s.Drafting)
                {
                    s.DraftSeconds += seconds;
                }
            }
        }
    }

    private void Verify()
    {
        targetBatch.Clear();
        foreach (var s in active)
        {
            var last = s.Tokens.Count - 1;
            s.BatchIndex = targetBatch.Add(s.Tokens[last], last, s.SequenceId, logits: true);
            for (var j = 0; j < s.DraftCount; j++)
            {
                targetBatch.Add(s.Draft[j], last + 1 + j, s.SequenceId, logits: true);
            }
        }

        var start = time.GetTimestamp();
        targetContext.DecodeCore(targetBatch);
        Interlocked.Increment(ref verifyDecodes);
        var seconds = time.GetElapsedTime(start).TotalSeconds;
        onlineCost?.Record(targetBatch.Count, seconds);
        var vocab = TargetModel.Vocab;
        foreach (var s in active.ToList())
        {
            s.VerifySeconds += seconds;
            s.VerifySteps++;
            var length = s.Tokens.Count;
            var accepted = 0;
            int next;
            while (true)
            {
                var logits = targetContext.GetLogits(s.BatchIndex + accepted);
                if (s.Greedy)
                {
                    next = TokenDistribution.ArgMax(logits);
                    if (accepted < s.DraftCount && s.Draft[accepted] == next)
                    {
                        accepted++;
                        continue;
                    }

                    break;
                }

                var p = s.TargetProbabilities;
                s.Distribution.Compute(logits, p);
                if (accepted == s.DraftCount)
                {
                    next = TokenDistribution.Sample(p, s.Random);
                    break;
                }

                var drafted = s.Draft[accepted];
                if (s.DraftDistributions is { } q)
                {
                    if (RejectionSampler.Accept(p[drafted], q[accepted][drafted], s.Random))
                    {
                        accepted++;
                        continue;
                    }

                    next = RejectionSampler.SampleResidual(p, q[accepted], s.Scratch, s.Random);
                }
                else
                {
                    if (RejectionSampler.Accept(p[drafted], 1f, s.Random))
                    {
                        accepted++;
                        continue;
                    }

                    next = RejectionSampler.SampleResidualOneHot(p, drafted, s.Scratch, s.Random);
                }

                break;
            }

            for (var j = 0; j < s.DraftCount; j++)
            {
                s.DraftedByPosition[j]++;
                if (j < accepted)
                {
                    s.AcceptedByPosition[j]++;
                }
            }

            s.Controller!.Update(s.DraftCount, accepted);
            s.LookupBackoff?.Update(s.DraftCount, accepted);

            // Keep the accepted drafts and the target's own token; drop the rejected tail from both caches.
            LlamaFinishReason? finish = null;
            for (var j = 0; j <= accepted && finish is null; j++)
            {
                var token = j < accepted ? s.Draft[j] : next;
                if (s.Options.StopAtEndOfGeneration && vocab.IsEndOfGeneration(token))
                {
                    finish = LlamaFinishReason.EndOfGeneration;
                    break;
                }

                s.Tokens.Add(token);
                s.TokenWriter?.TryWrite(token);
                if (s.GeneratedCount >= s.Options.MaxTokens)
                {
                    finish = LlamaFinishReason.MaxTokens;
                }
                else if (s.Tokens.Count >= targetContext.SequenceContextSize)
                {
                    finish = LlamaFinishReason.ContextFull;
                }
            }

            if (finish is { } reason)
            {
                Leave(s, null, cancelled: false, reason);
                continue;
            }

            s.TargetKv = length + accepted;
            if (s.DraftCount > accepted)
            {
                targetContext.RemoveTokens(s.SequenceId, s.TargetKv, -1); // only a rejected tail needs removing
            }

            if (draftContext is not null && s.DraftKv > length + accepted)
            {
                s.DraftKv = length + accepted;
                draftContext.RemoveTokens(s.SequenceId, s.DraftKv, -1);
            }
        }
    }

    private void Leave(SpeculativeSequence s, Exception? error, bool cancelled, LlamaFinishReason reason = LlamaFinishReason.Stopped)
    {
        active.Remove(s);
        targetContext.RemoveTokens(s.SequenceId);
        draftContext?.RemoveTokens(s.SequenceId);
        lock (gate)
        {
            freeIds.Push(s.SequenceId);
        }

        s.Registration.Dispose();
        if (error is not null)
        {
            s.TokenWriter?.TryComplete();
            s.Completion.TrySetException(error);
        }
        else if (cancelled)
        {
            s.TokenWriter?.TryComplete();
            s.Completion.TrySetCanceled(s.CancellationToken);
        }
        else
        {
            s.TokenWriter?.TryComplete();
            s.Completion.TrySetResult(Result(s, reason));
        }
    }

    private SpeculativeGeneration Result(SpeculativeSequence s, LlamaFinishReason reason)
    {
        var generated = s.Tokens.Skip(s.Prompt.Length).ToArray();
        var report = new SpeculativeGenerationReport(
            generated.Length,
            s.VerifySteps,
            s.DraftedByPosition.AsSpan(0, LastNonZero(s.DraftedByPosition)).ToArray(),
            s.AcceptedByPosition.AsSpan(0, LastNonZero(s.DraftedByPosition)).ToArray(),
            s.PromptSeconds,
            s.DraftSeconds,
            s.VerifySeconds,
            time.GetElapsedTime(s.StartTimestamp).TotalSeconds);
        return new SpeculativeGeneration(generated, TargetModel.Vocab.Detokenize(generated), reason, report);
    }

    private static int LastNonZero(int[] values)
    {
        var n = values.Length;
        while (n > 0 && values[n - 1] == 0)
        {
            n--;
        }

        return n;
    }
}
