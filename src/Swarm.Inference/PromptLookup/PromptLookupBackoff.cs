namespace Swarm.Inference;

/// <summary>Decides, per sequence, whether prompt lookup drafts this step: after
/// <see cref="PromptLookupOptions.MaxConsecutiveRejections"/> verify steps in a row whose first drafted token was rejected
/// it pauses for <see cref="PromptLookupOptions.BackoffSteps"/> steps, then probes once; a rejected probe doubles the pause
/// (up to <see cref="PromptLookupOptions.MaxBackoffSteps"/>), an accepted draft resets it.</summary>
/// <remarks>On text without repeats, short n-grams still recur with other continuations; drafting them costs a verify
/// batch of K + 1 tokens for one token of output. Backing off bounds that waste to a few probes. Not thread-safe.</remarks>
internal sealed class PromptLookupBackoff(PromptLookupOptions options)
{
    private int rejectionsInARow;
    private int pause = options.BackoffSteps;
    private int waiting;

    /// <summary>Gets the steps left before the next probe.</summary>
    public int Waiting => waiting;

    /// <summary>Returns whether this step may draft; counts a paused step.</summary>
    public bool TryDraft()
    {
        if (waiting == 0)
        {
            return true;
        }

        waiting--;
        return false;
    }

    /// <summary>Records the outcome of a verify step.</summary>
    public void Update(int drafted, int accepted)
    {
        if (drafted == 0 || options.MaxConsecutiveRejections == 0)
        {
            return;
        }

        if (accepted > 0)
        {
            rejectionsInARow = 0;
            pause = options.BackoffSteps;
            return;
        }

        if (++rejectionsInARow < options.MaxConsecutiveRejections)
        {
            return;
        }

        waiting = pause;
        pause = Math.Min(options.MaxBackoffSteps, pause * 2);
        rejectionsInARow = options.MaxConsecutiveRejections - 1; // the probe after the pause backs off again if rejected
    }
}
