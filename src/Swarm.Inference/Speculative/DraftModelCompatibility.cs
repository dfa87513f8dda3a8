using System.Globalization;

namespace Swarm.Inference;

/// <summary>Checks that a draft model shares the target's vocabulary.</summary>
internal static class DraftModelCompatibility
{
    public static void Check(LlamaModel target, LlamaModel draft)
    {
        var t = target.Vocab;
        var d = draft.Vocab;
        static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        var prefix = F($"The draft model '{Path.GetFileName(draft.Path)}' cannot draft for '{Path.GetFileName(target.Path)}': ");
        if (t.Type != d.Type)
        {
            throw new IncompatibleDraftModelException(prefix + F($"vocabulary type {d.Type} differs from the target's {t.Type}."));
        }

        if (t.Count != d.Count)
        {
            throw new IncompatibleDraftModelException(prefix + F($"it has {d.Count} tokens, the target {t.Count}."));
        }

        if (t.BeginningOfSequence != d.BeginningOfSequence || t.AddsBeginningOfSequence != d.AddsBeginningOfSequence)
        {
            throw new IncompatibleDraftModelException(prefix + F($"BOS token {d.BeginningOfSequence} (added: {d.AddsBeginningOfSequence}) differs from the target's {t.BeginningOfSequence} (added: {t.AddsBeginningOfSequence})."));
        }

        if (t.EndOfSequence != d.EndOfSequence || t.AddsEndOfSequence != d.AddsEndOfSequence)
        {
            throw new IncompatibleDraftModelException(prefix + F($"EOS token {d.EndOfSequence} (added: {d.AddsEndOfSequence}) differs from the target's {t.EndOfSequence} (added: {t.AddsEndOfSequence})."));
        }

        for (var i = 0; i < t.Count; i++)
        {
            var a = t.GetTokenText(i);
            var b = d.GetTokenText(i);
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                throw new IncompatibleDraftModelException(prefix + F($"token {i} is '{b}' in the draft but '{a}' in the target."));
            }
        }
    }
}
