namespace Swarm;

/// <summary>What kind of work a step does; selects the <see cref="IStepHandler"/> that runs it.</summary>
public enum StepKind
{
    /// <summary>A language-model call through an <c>IChatClient</c>, with the role's system prompt.</summary>
    Llm = 0,

    /// <summary>A call of a registered <see cref="ITool"/>.</summary>
    Tool,

    /// <summary>A named deterministic procedure (for example one with rollback, supplied by Swarm.Audit).</summary>
    Procedure,

    /// <summary>A nested <see cref="TaskGraph"/> run by the same executor as a sub-workflow.</summary>
    Graph,
}
