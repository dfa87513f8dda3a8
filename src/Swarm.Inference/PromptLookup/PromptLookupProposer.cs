namespace Swarm.Inference;

/// <summary>Finds drafts by n-gram matching in a sequence's own tokens.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal sealed class PromptLookupProposer(PromptLookupOptions options)
{
    /// <summary>Writes up to <paramref name="maxDraft"/> drafted tokens for the continuation of <paramref name="tokens"/>
    /// into <paramref name="draft"/>; returns how many (0 when no n-gram of the configured sizes recurs).</summary>
    public int Propose(ReadOnlySpan<int> tokens, int maxDraft, Span<int> draft)
    {
        var length = tokens.Length;
        maxDraft = Math.Min(maxDraft, options.MaxDraftLength);
        for (var n = Math.Min(options.MaxNgramSize, length - 1); n >= options.MinNgramSize; n--)
        {
            var suffix = tokens[(length - n)..];

            // Most recent earlier occurrence: its continuation starts at start + n and must lie before the suffix.
            for (var start = length - n - 1; start >= 0; start--)
            {
                if (tokens[start] != suffix[0] || !tokens.Slice(start, n).SequenceEqual(suffix))
                {
                    continue;
                }

                var from = start + n;
                var count = Math.Min(maxDraft, length - from);
                tokens.Slice(from, count).CopyTo(draft);
                return count;
            }
        }

        return 0;
    }
}
