using System.Threading.Channels;

namespace Swarm.Inference;

/// <summary>One generation served by a <see cref="LlamaBatchedDecoder"/>: its tokens as they come, and how it ended.</summary>
/// <remarks>Thread-safe. Tokens are buffered, so a slow reader never holds up the other sequences.</remarks>
public sealed class LlamaSequence
{
    private readonly Channel<LlamaGeneratedToken> channel = Channel.CreateUnbounded<LlamaGeneratedToken>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource<LlamaFinishReason> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int generated;
    private int stopRequested;

    internal LlamaSequence(int[] prompt, LlamaGenerationOptions options, CancellationToken cancellationToken)
    {
        Prompt = prompt;
        Options = options;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the number of prompt tokens.</summary>
    public int PromptTokenCount => Prompt.Length;

    /// <summary>Gets the number of tokens generated so far.</summary>
    public int GeneratedTokenCount => Volatile.Read(ref generated);

    /// <summary>Gets a task that completes with the finish reason, or faults (cancellation, context overflow, decoder disposed, native failure).</summary>
#pragma warning disable VSTHRD003 // completed by the decode thread
    public Task<LlamaFinishReason> Completion => completion.Task;
#pragma warning restore VSTHRD003

    internal int[] Prompt { get; }

    internal LlamaGenerationOptions Options { get; }

    internal CancellationToken CancellationToken { get; }

    internal CancellationTokenRegistration Registration { get; set; }

    internal LlamaSampler? Sampler { get; set; }

    internal TokenTextDecoder? TextDecoder { get; set; }

    internal int SequenceId { get; set; } = -1;

    internal int PrefillOffset { get; set; }

    internal int Position { get; set; }

    internal int LastToken { get; set; }

    internal bool StopRequested => Volatile.Read(ref stopRequested) != 0;

    internal long StartTimestamp { get; set; }

    /// <summary>Reads the generated tokens until the sequence ends; throws what ended it abnormally.</summary>
    /// <param name="cancellationToken">Stops reading (the sequence goes on; cancel the token given at submission to stop it).</param>
    /// <returns>The tokens.</returns>
    public IAsyncEnumerable<LlamaGeneratedToken> ReadAllAsync(CancellationToken cancellationToken = default)
        => channel.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Asks the decoder to end this sequence after the current step with <see cref="LlamaFinishReason.Stopped"/>.</summary>
    public void Stop()
    {
        Interlocked.Exchange(ref stopRequested, 1);
        StopCallback?.Invoke();
    }

    internal Action? StopCallback { get; set; }

    internal void Write(LlamaGeneratedToken token)
    {
        Interlocked.Increment(ref generated);
        channel.Writer.TryWrite(token);
    }

    internal void Complete(LlamaFinishReason reason)
    {
        channel.Writer.TryComplete();
        completion.TrySetResult(reason);
    }

    internal void Fail(Exception exception)
    {
        channel.Writer.TryComplete(exception);
        if (exception is OperationCanceledException oce)
        {
            completion.TrySetCanceled(oce.CancellationToken);
        }
        else
        {
            completion.TrySetException(exception);
        }
    }
}
