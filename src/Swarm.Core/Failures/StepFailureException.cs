namespace Swarm;

/// <summary>Thrown by a step handler or tool to fail an attempt with a known category and diagnostics, so the failure router can route it.</summary>
/// <remarks>Any other exception fails the attempt as <see cref="FailureCategory.Infra"/>; a step that runs past its timeout fails as <see cref="FailureCategory.Timeout"/>.</remarks>
public sealed class StepFailureException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="StepFailureException"/> class.</summary>
    public StepFailureException()
        : this(FailureCategory.Logic, "The step failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StepFailureException"/> class.</summary>
    /// <param name="message">The message.</param>
    public StepFailureException(string message)
        : this(FailureCategory.Logic, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StepFailureException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StepFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
        Category = FailureCategory.Infra;
        Diagnostics = [];
    }

    /// <summary>Initializes a new instance of the <see cref="StepFailureException"/> class.</summary>
    /// <param name="category">The failure category.</param>
    /// <param name="message">The message.</param>
    /// <param name="diagnostics">Structured diagnostics, if any.</param>
    public StepFailureException(FailureCategory category, string message, IReadOnlyList<GateDiagnostic>? diagnostics = null)
        : base(message)
    {
        Category = category;
        Diagnostics = diagnostics ?? [];
    }

    /// <summary>Gets the failure category.</summary>
    public FailureCategory Category { get; }

    /// <summary>Gets the structured diagnostics.</summary>
    public IReadOnlyList<GateDiagnostic> Diagnostics { get; }
}
