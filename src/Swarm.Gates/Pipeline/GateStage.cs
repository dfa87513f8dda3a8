namespace Swarm.Gates;

/// <summary>The stages of the gate pipeline, in the order they run (the seeds' order).</summary>
public enum GateStage
{
    /// <summary>JSON against its JSON Schema.</summary>
    Schema = 0,

    /// <summary>Static analysis of shell scripts.</summary>
    ShellCheck = 1,

    /// <summary>Formatters (shfmt, dotnet format).</summary>
    Format = 2,

    /// <summary>Linters (yamllint).</summary>
    Lint = 3,

    /// <summary>Gates that declare no stage run after the linters and before the tests.</summary>
    Custom = 4,

    /// <summary>Unit test commands.</summary>
    Unit = 5,

    /// <summary>Integration test commands.</summary>
    Integration = 6,
}
