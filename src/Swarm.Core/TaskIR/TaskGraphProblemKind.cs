namespace Swarm;

/// <summary>What is wrong with a task graph.</summary>
public enum TaskGraphProblemKind
{
    /// <summary>The graph has no steps.</summary>
    EmptyGraph = 0,

    /// <summary>A step has no id.</summary>
    MissingStepId,

    /// <summary>Two or more steps share an id.</summary>
    DuplicateStepId,

    /// <summary>A step depends on a step that does not exist.</summary>
    UnknownDependency,

    /// <summary>Steps depend on each other in a cycle (a step depending on itself included).</summary>
    Cycle,

    /// <summary>A step names a role that is not registered.</summary>
    UnknownRole,

    /// <summary>A step names a tool that is not registered, or a tool step names none.</summary>
    UnknownTool,

    /// <summary>A step names a gate that is not registered.</summary>
    UnknownGate,

    /// <summary>No step handler is registered for a step's kind.</summary>
    UnsupportedKind,

    /// <summary>A graph step has no nested graph.</summary>
    MissingSubgraph,

    /// <summary>A budget limit is zero or negative.</summary>
    NonPositiveBudget,

    /// <summary>A step's timeout is zero or negative.</summary>
    NonPositiveTimeout,

    /// <summary>A step's maximum attempts is zero or negative.</summary>
    NonPositiveMaxAttempts,
}
