using System.ComponentModel.DataAnnotations;

namespace Swarm;

/// <summary>How the default failure router treats one failure category.</summary>
public sealed class FailureCategoryPolicy
{
    /// <summary>Gets or sets how many times a failure of this category is retried with the same role before escalating or failing.</summary>
    /// <value>The default value is 0.</value>
    [Range(0, 100)]
    public int MaxRetries { get; set; }

    /// <summary>Gets or sets a value indicating whether the step escalates to the next role once retries are spent.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Escalate { get; set; }

    /// <summary>Gets or sets a value indicating whether the retry feedback lists the failure's structured diagnostics.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeDiagnostics { get; set; } = true;
}
