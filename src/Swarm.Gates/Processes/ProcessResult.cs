namespace Swarm.Gates;

/// <summary>The outcome of one process run: exit code and captured output, capped and with secrets redacted.</summary>
public sealed class ProcessResult
{
    /// <summary>Gets the resolved path of the executable that ran.</summary>
    public required string FileName { get; init; }

    /// <summary>Gets the exit code; meaningless when <see cref="TimedOut"/> is <see langword="true"/>.</summary>
    public required int ExitCode { get; init; }

    /// <summary>Gets the process id, which is also the id of the session and process group the tool ran in.</summary>
    public int ProcessId { get; init; }

    /// <summary>Gets a value indicating whether the process tree was killed at its timeout.</summary>
    public bool TimedOut { get; init; }

    /// <summary>Gets the captured standard output, at most <see cref="ProcessRunnerOptions.MaxOutputChars"/> characters, secrets redacted.</summary>
    public string StandardOutput { get; init; } = string.Empty;

    /// <summary>Gets the captured standard error, at most <see cref="ProcessRunnerOptions.MaxOutputChars"/> characters, secrets redacted.</summary>
    public string StandardError { get; init; } = string.Empty;

    /// <summary>Gets how many characters of standard output were dropped by the cap (0 when nothing was).</summary>
    public long StandardOutputDroppedChars { get; init; }

    /// <summary>Gets how many characters of standard error were dropped by the cap (0 when nothing was).</summary>
    public long StandardErrorDroppedChars { get; init; }

    /// <summary>Gets a value indicating whether any output was dropped by the cap.</summary>
    public bool Truncated => StandardOutputDroppedChars > 0 || StandardErrorDroppedChars > 0;

    /// <summary>Gets how long the process ran.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets standard output and standard error together, with a note when output was truncated.</summary>
    /// <returns>The combined output.</returns>
    public string CombinedOutput()
    {
        var text = StandardError.Length == 0 ? StandardOutput
            : StandardOutput.Length == 0 ? StandardError
            : StandardOutput + Environment.NewLine + StandardError;
        if (Truncated)
        {
            text += string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{Environment.NewLine}[output truncated: {StandardOutputDroppedChars} stdout and {StandardErrorDroppedChars} stderr characters dropped]");
        }

        return text;
    }
}
