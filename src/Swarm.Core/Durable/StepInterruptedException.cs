namespace Swarm;

/// <summary>Thrown out of <see cref="StepContextInterruptExtensions.InterruptAsync"/> when a step's question is not answered in the process: the step suspends, the run is checkpointed, and <see cref="ISwarmRunManager.ResumeAsync"/> continues it once answered.</summary>
/// <remarks>Step handlers must let it propagate (it derives from <see cref="OperationCanceledException"/>, which handlers usually do not swallow).</remarks>
public sealed class StepInterruptedException : OperationCanceledException
{
    /// <summary>Initializes a new instance of the <see cref="StepInterruptedException"/> class.</summary>
    public StepInterruptedException()
        : this("The step is waiting for an answer to its interrupt.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StepInterruptedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public StepInterruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StepInterruptedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public StepInterruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the id of the run.</summary>
    public string? RunId { get; init; }

    /// <summary>Gets the id of the interrupt that waits for an answer.</summary>
    public string? InterruptId { get; init; }
}
