namespace Swarm;

/// <summary>The category of a failed step attempt or gate, which decides how the failure is routed.</summary>
public enum FailureCategory
{
    /// <summary>No failure.</summary>
    None = 0,

    /// <summary>The artifact does not compile, lint or pass its tests (a code defect).</summary>
    Code,

    /// <summary>The artifact is well formed but wrong: it does not do what the step asked.</summary>
    Logic,

    /// <summary>The step or tool did not finish within its time limit.</summary>
    Timeout,

    /// <summary>The output does not match its declared schema.</summary>
    Schema,

    /// <summary>The output is correct but badly formatted.</summary>
    Format,

    /// <summary>A tool, process or infrastructure fault (missing tool, crash, unparsable tool output).</summary>
    Infra,

    /// <summary>
    /// The action was not allowed to run: an <see cref="IAutonomyGate"/> denied it, or its approval was refused, expired, or could
    /// not be asked. Retrying does not change the verdict, so the default failure policy fails the step at once.
    /// </summary>
    Policy,
}
