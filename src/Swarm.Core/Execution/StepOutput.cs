namespace Swarm;

/// <summary>What a step handler produced: text and files, checked next by the step's gates.</summary>
public sealed class StepOutput
{
    /// <summary>Gets an output with no text and no files.</summary>
    public static StepOutput Empty { get; } = new(null);

    /// <summary>Initializes a new instance of the <see cref="StepOutput"/> class.</summary>
    /// <param name="text">The textual output.</param>
    public StepOutput(string? text)
    {
        Text = text;
    }

    /// <summary>Gets the textual output, which flows to dependent steps by step id.</summary>
    public string? Text { get; }

    /// <summary>Gets the files produced, relative to the workspace.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets the metrics of a nested run that produced this output, if any.</summary>
    public SwarmRunMetrics? SubRun { get; init; }
}
