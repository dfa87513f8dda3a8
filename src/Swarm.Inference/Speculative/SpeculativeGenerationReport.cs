using System.Globalization;

namespace Swarm.Inference;

/// <summary>What speculation did during one generation: drafts, acceptance (overall and per draft position),
/// verify steps and throughput.</summary>
/// <remarks>Immutable and thread-safe. When several sequences share decodes, every sequence counts the full time of
/// each decode it took part in, so <see cref="DraftSeconds"/> and <see cref="VerifySeconds"/> are per-sequence
/// wall-clock time, not a share.</remarks>
public sealed class SpeculativeGenerationReport
{
    internal SpeculativeGenerationReport(int generated, int verifySteps, int[] draftedByPosition, int[] acceptedByPosition, double promptSeconds, double draftSeconds, double verifySeconds, double elapsedSeconds)
    {
        GeneratedTokens = generated;
        VerifySteps = verifySteps;
        DraftedByPosition = draftedByPosition;
        AcceptedByPosition = acceptedByPosition;
        DraftedTokens = draftedByPosition.Sum();
        AcceptedTokens = acceptedByPosition.Sum();
        PromptSeconds = promptSeconds;
        DraftSeconds = draftSeconds;
        VerifySeconds = verifySeconds;
        ElapsedSeconds = elapsedSeconds;
    }

    /// <summary>Gets the tokens generated.</summary>
    public int GeneratedTokens { get; }

    /// <summary>Gets the target decodes that verified drafts (one per step, each also yields one token of the target's own).</summary>
    public int VerifySteps { get; }

    /// <summary>Gets the tokens proposed by the draft source.</summary>
    public int DraftedTokens { get; }

    /// <summary>Gets the drafted tokens the target accepted.</summary>
    public int AcceptedTokens { get; }

    /// <summary>Gets the accepted share of drafted tokens (0 when nothing was drafted).</summary>
    public double AcceptanceRate => DraftedTokens == 0 ? 0 : (double)AcceptedTokens / DraftedTokens;

    /// <summary>Gets how many verify steps drafted a token at each draft position (index 0 is the first drafted token).</summary>
    public IReadOnlyList<int> DraftedByPosition { get; }

    /// <summary>Gets how many drafted tokens were accepted at each draft position.</summary>
    public IReadOnlyList<int> AcceptedByPosition { get; }

    /// <summary>Gets the acceptance rate at each draft position (accepted / drafted there; 0 where nothing was drafted).</summary>
    public IReadOnlyList<double> AcceptanceByPosition
        => DraftedByPosition.Select((d, i) => d == 0 ? 0 : (double)AcceptedByPosition[i] / d).ToArray();

    /// <summary>Gets the mean drafted tokens accepted per verify step.</summary>
    public double MeanAcceptedPerVerify => VerifySteps == 0 ? 0 : (double)AcceptedTokens / VerifySteps;

    /// <summary>Gets the mean draft length per verify step.</summary>
    public double MeanDraftLength => VerifySteps == 0 ? 0 : (double)DraftedTokens / VerifySteps;

    /// <summary>Gets the seconds spent decoding the prompt (target and draft).</summary>
    public double PromptSeconds { get; }

    /// <summary>Gets the seconds spent drafting (draft-model decodes or n-gram lookups).</summary>
    public double DraftSeconds { get; }

    /// <summary>Gets the seconds spent in the target's verify decodes.</summary>
    public double VerifySeconds { get; }

    /// <summary>Gets the seconds from the start of the generation to its end, prompt included.</summary>
    public double ElapsedSeconds { get; }

    /// <summary>Gets the generated tokens per second of generation time (prompt time excluded).</summary>
    public double TokensPerSecond
    {
        get
        {
            var seconds = ElapsedSeconds - PromptSeconds;
            return seconds <= 0 ? 0 : GeneratedTokens / seconds;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{GeneratedTokens} tokens in {VerifySteps} verify steps, drafted {DraftedTokens}, accepted {AcceptedTokens} ({AcceptanceRate:P1}), {MeanAcceptedPerVerify:0.00} accepted per verify, {TokensPerSecond:0.0} tokens/s");
}
