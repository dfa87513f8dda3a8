using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Swarm.Inference.Native;

namespace Swarm.Inference;

/// <summary>Serves many generations (agents) from one model and one context: each step is ONE <c>llama_decode</c> over every active sequence.</summary>
/// <remarks>
/// Thread-safe. Continuous batching: a sequence joins at the next step (its prompt is prefilled in chunks beside the
/// generating sequences' next tokens) and leaves as soon as it ends, when its KV cache is removed and its sequence id freed.
/// At most <see cref="LlamaBatchedDecoderOptions.MaxSequenceCount"/> sequences run at once; the others wait in line.
/// A dedicated thread runs the loop; under greedy sampling each sequence's output equals decoding it alone.
/// </remarks>
public sealed class LlamaBatchedDecoder : IAsyncDisposable, IDisposable
{
    private readonly object gate = new();
    private readonly Queue<LlamaSequence> pending = new();
    private readonly SortedSet<int> freeIds = [];
    private readonly List<LlamaSequence> active = [];
    private readonly LlamaContext context;
    private readonly ILogger logger;
    private readonly Thread thread;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long decodeCount;
    private bool stopping;

    /// <summary>Initializes a new instance of the <see cref="LlamaBatchedDecoder"/> class and starts its decode thread.</summary>
    /// <param name="model">The model; it must outlive the decoder.</param>
    /// <param name="options">Context sizes; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="LlamaDecodeException">llama.cpp could not create the context.</exception>
    public LlamaBatchedDecoder(LlamaModel model, LlamaBatchedDecoderOptions? options = null, ILogger<LlamaBatchedDecoder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new LlamaBatchedDecoderOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSequenceCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SequenceContextSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, options.MaxSequenceCount);
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        Model = model;
        context = model.CreateContext(new LlamaContextOptions
        {
            ContextSize = options.SequenceContextSize * options.MaxSequenceCount,
            MaxSequenceCount = options.MaxSequenceCount,
            BatchSize = options.BatchSize,
            ThreadCount = options.ThreadCount,
            UnifiedKvCache = false,
        });
        for (var id = 0; id < context.MaxSequenceCount; id++)
        {
            freeIds.Add(id);
        }

        thread = new Thread(Run) { IsBackground = true, Name = "Swarm.Inference batched decoder" };
        thread.Start();
    }

    /// <summary>Gets the model.</summary>
    public LlamaModel Model { get; }

    /// <summary>Gets how many sequences decode together.</summary>
    public int MaxSequenceCount => context.MaxSequenceCount;

    /// <summary>Gets the positions one sequence may use.</summary>
    public int SequenceContextSize => context.SequenceContextSize;

    /// <summary>Gets the number of sequences decoding now.</summary>
    public int ActiveSequenceCount
    {
        get
        {
            lock (gate)
            {
                return MaxSequenceCount - freeIds.Count;
            }
        }
    }

    /// <summary>Gets the number of sequences waiting for a free slot.</summary>
    public int PendingSequenceCount
    {
        get
        {
            lock (gate)
            {
                return pending.Count;
            }
        }
    }

    /// <summary>Gets the number of <c>llama_decode</c> calls made so far (one per step, whatever the number of sequences).</summary>
    public long DecodeCount => Interlocked.Read(ref decodeCount);

    /// <summary>Queues a generation; it joins the running batch at the next step a sequence slot is free.</summary>
    /// <param name="promptTokens">The prompt tokens (at least one).</param>
    /// <param name="options">Limits and sampling; <see langword="null"/> for greedy, 256 tokens.</param>
    /// <param name="cancellationToken">Ends the sequence (its reader then throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>The sequence, to read tokens from.</returns>
    /// <exception cref="LlamaContextOverflowException">The prompt does not fit in <see cref="SequenceContextSize"/>.</exception>
    /// <exception cref="ObjectDisposedException">The decoder is disposed.</exception>
    public LlamaSequence Submit(IReadOnlyList<int> promptTokens, LlamaGenerationOptions? options = null, CancellationToken cancellationToken = default)
        => SubmitAll([promptTokens], options, cancellationToken)[0];

    /// <summary>Queues several generations at once, so that they join the same step (a fan-out of agents).</summary>
    /// <param name="prompts">The prompts' tokens (each at least one token).</param>
    /// <param name="options">Limits and sampling shared by all; <see langword="null"/> for greedy, 256 tokens.</param>
    /// <param name="cancellationToken">Ends the sequences.</param>
    /// <returns>The sequences, in the order of <paramref name="prompts"/>.</returns>
    /// <exception cref="LlamaContextOverflowException">A prompt does not fit in <see cref="SequenceContextSize"/>; nothing is queued.</exception>
    /// <exception cref="ObjectDisposedException">The decoder is disposed.</exception>
    public IReadOnlyList<LlamaSequence> SubmitAll(IEnumerable<IReadOnlyList<int>> prompts, LlamaGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var sequences = prompts.Select(p => Create(p, options, cancellationToken)).ToList();
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            foreach (var sequence in sequences)
            {
                pending.Enqueue(sequence);
            }

            Monitor.PulseAll(gate);
        }

        if (cancellationToken.CanBeCanceled)
        {
            foreach (var sequence in sequences)
            {
                sequence.Registration = cancellationToken.Register(static s => ((LlamaBatchedDecoder)s!).Wake(), this);
            }
        }

        return sequences;
    }

    private LlamaSequence Create(IReadOnlyList<int> promptTokens, LlamaGenerationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promptTokens);
        ArgumentOutOfRangeException.ThrowIfZero(promptTokens.Count);
        options ??= new LlamaGenerationOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTokens);
        if (promptTokens.Count >= SequenceContextSize)
        {
            throw context.Overflow(-1, promptTokens.Count + 1);
        }

        var vocabSize = Model.Vocab.Count;
        var prompt = promptTokens.ToArray();
        foreach (var t in prompt)
        {
            if ((uint)t >= (uint)vocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(promptTokens), t, $"Token {t} is not in the vocabulary of {vocabSize} tokens.");
            }
        }

        var sequence = new LlamaSequence(prompt, options, cancellationToken)
        {
            Sampler = new LlamaSampler(options.Sampling),
            TextDecoder = new TokenTextDecoder(Model.Vocab),
            StartTimestamp = Stopwatch.GetTimestamp(),
        };
        sequence.StopCallback = Wake;
        return sequence;
    }

    /// <summary>Generates from a prompt text, streaming tokens; the sequence shares each decode step with the others.</summary>
    /// <param name="prompt">The prompt (BOS added as the model asks).</param>
    /// <param name="options">Limits and sampling; <see langword="null"/> for greedy, 256 tokens.</param>
    /// <param name="cancellationToken">Ends the sequence.</param>
    /// <returns>The generated tokens.</returns>
    /// <exception cref="LlamaContextOverflowException">The prompt does not fit.</exception>
    public IAsyncEnumerable<LlamaGeneratedToken> GenerateAsync(string prompt, LlamaGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var sequence = Submit(Model.Vocab.Tokenize(prompt), options, cancellationToken);
        return ReadAsync(sequence, cancellationToken);
    }

    /// <summary>Stops the decode thread, ends every sequence with <see cref="ObjectDisposedException"/> and frees the context.</summary>
    /// <returns>A task that completes when the thread has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        SignalStop();
#pragma warning disable VSTHRD003 // the decode thread completes this task; it captures no context
        await stopped.Task.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        context.Dispose();
    }

    /// <summary>Stops the decode thread, ends every sequence with <see cref="ObjectDisposedException"/> and frees the context.</summary>
    public void Dispose()
    {
        SignalStop();
        if (Thread.CurrentThread != thread)
        {
            thread.Join();
        }

        context.Dispose();
    }

    private static async IAsyncEnumerable<LlamaGeneratedToken> ReadAsync(LlamaSequence sequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var token in sequence.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return token;
            }
        }
        finally
        {
            // A reader that leaves early ends the sequence.
            sequence.Stop();
        }

        _ = cancellationToken;
    }

    private void SignalStop()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.PulseAll(gate);
        }
    }

    private void Wake()
    {
        lock (gate)
        {
            Monitor.PulseAll(gate);
        }
    }

    private void Run()
    {
        using var batch = new LlamaBatch(context.BatchSize);
        var outputs = new List<(LlamaSequence Sequence, int Index, bool Generating)>(context.MaxSequenceCount);
        try
        {
            while (true)
            {
                lock (gate)
                {
                    while (!stopping && pending.Count > 0 && freeIds.Count > 0)
                    {
                        var joining = pending.Dequeue();
                        // The lowest free id: llama.cpp splits a multi-stream batch into one micro-batch per run of
                        // consecutive, increasing sequence ids, so compact ids keep a step in one micro-batch.
                        joining.SequenceId = freeIds.Min;
                        freeIds.Remove(joining.SequenceId);
                        active.Add(joining);
                        Log.SequenceJoined(logger, joining.SequenceId, joining.PromptTokenCount);
                    }

                    if (stopping)
                    {
                        break;
                    }

                    if (active.Count == 0)
                    {
                        Monitor.Wait(gate);
                        continue;
                    }
                }

                RetireStopped();
                if (active.Count == 0)
                {
                    continue;
                }

                Step(batch, outputs);
            }
        }
        catch (Exception ex)
        {
            Log.DecoderLoopFailed(logger, ex);
            FailAll(ex);
        }
        finally
        {
            FailAll(new ObjectDisposedException(nameof(LlamaBatchedDecoder), "The batched decoder was disposed before the sequence ended."));
            stopped.TrySetResult();
        }
    }

    private void Step(LlamaBatch batch, List<(LlamaSequence Sequence, int Index, bool Generating)> outputs)
    {
        batch.Clear();
        outputs.Clear();

        // Tokens in increasing sequence-id order (see the admission comment). Each generating sequence gets its next
        // token; prompt chunks of joining sequences share the room the generating ones leave.
        active.Sort(static (a, b) => a.SequenceId.CompareTo(b.SequenceId));
        var room = batch.Capacity;
        foreach (var s in active)
        {
            room -= s.PrefillOffset == s.Prompt.Length ? 1 : 0;
        }

        foreach (var s in active)
        {
            if (s.PrefillOffset == s.Prompt.Length)
            {
                outputs.Add((s, batch.Add(s.LastToken, s.Position, s.SequenceId, logits: true), true));
                continue;
            }

            if (room == 0)
            {
                continue;
            }

            var n = Math.Min(room, s.Prompt.Length - s.PrefillOffset);
            room -= n;
            var last = s.PrefillOffset + n == s.Prompt.Length;
            var first = batch.AddRange(s.Prompt.AsSpan(s.PrefillOffset, n), s.PrefillOffset, s.SequenceId, last ? LlamaBatchLogits.Last : LlamaBatchLogits.None);
            s.PrefillOffset += n;
            s.Position = s.PrefillOffset;
            if (last)
            {
                outputs.Add((s, first + n - 1, false));
            }
        }

        context.Enter();
        try
        {
            context.DecodeCore(batch);
            Interlocked.Increment(ref decodeCount);
        }
        catch (Exception ex) when (ex is LlamaDecodeException or LlamaContextOverflowException or ArgumentException)
        {
            // Every sequence in this step shares the failure; the others go on.
            foreach (var s in active.ToArray())
            {
                Retire(s, null, ex);
            }

            return;
        }
        finally
        {
            context.Exit();
        }

        foreach (var (s, index, generating) in outputs)
        {
            if (generating)
            {
                s.Position++;
            }

            if (s.Options.MaxTokens == 0)
            {
                Retire(s, LlamaFinishReason.MaxTokens, null);
                continue;
            }

            var token = LlamaNative.llama_sampler_sample(s.Sampler!.HandleForContext, context.Handle, index);
            if (s.Options.StopAtEndOfGeneration && Model.Vocab.IsEndOfGeneration(token))
            {
                Retire(s, LlamaFinishReason.EndOfGeneration, null);
                continue;
            }

            s.Write(new LlamaGeneratedToken(token, s.TextDecoder!.Append(token), s.Position));
            s.LastToken = token;
            if (s.GeneratedTokenCount >= s.Options.MaxTokens)
            {
                Retire(s, LlamaFinishReason.MaxTokens, null);
            }
            else if (s.Position >= context.SequenceContextSize)
            {
                Retire(s, LlamaFinishReason.ContextFull, null);
            }
        }
    }

    private void RetireStopped()
    {
        for (var i = active.Count - 1; i >= 0; i--)
        {
            var s = active[i];
            if (s.CancellationToken.IsCancellationRequested)
            {
                Retire(s, null, new OperationCanceledException("The generation was canceled.", s.CancellationToken));
            }
            else if (s.StopRequested)
            {
                Retire(s, LlamaFinishReason.Stopped, null);
            }
        }
    }

    private void Retire(LlamaSequence s, LlamaFinishReason? reason, Exception? error)
    {
        active.Remove(s);
        if (s.SequenceId >= 0)
        {
            context.RemoveTokens(s.SequenceId);
            lock (gate)
            {
                freeIds.Add(s.SequenceId);
            }
        }

        Finish(s, reason, error);
    }

    private void Finish(LlamaSequence s, LlamaFinishReason? reason, Exception? error)
    {
        s.Registration.Dispose();
        s.Sampler?.Dispose();
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var why = reason?.ToString() ?? error?.GetType().Name ?? "unknown";
            Log.SequenceLeft(logger, s.SequenceId, s.GeneratedTokenCount, why);
        }
        if (error is null)
        {
            s.Complete(reason!.Value);
        }
        else
        {
            s.Fail(error);
        }
    }

    private void FailAll(Exception error)
    {
        foreach (var s in active.ToArray())
        {
            try
            {
                Retire(s, null, error);
            }
            catch (ObjectDisposedException)
            {
                Finish(s, null, error);
            }
        }

        active.Clear();
        List<LlamaSequence> waiting;
        lock (gate)
        {
            stopping = true;
            waiting = [.. pending];
            pending.Clear();
        }

        foreach (var s in waiting)
        {
            Finish(s, null, error);
        }
    }

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"LlamaBatchedDecoder({Model}, {MaxSequenceCount} sequences × {SequenceContextSize} positions)");
}
