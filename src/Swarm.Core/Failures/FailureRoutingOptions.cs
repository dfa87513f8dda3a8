using System.ComponentModel.DataAnnotations;

namespace Swarm;

/// <summary>The default failure router's policy, as data (DESIGN §5).</summary>
/// <remarks>
/// Defaults: FORMAT retries 3 times, never escalates; SCHEMA retries 3 times with the schema errors; CODE retries twice,
/// then escalates; LOGIC and TIMEOUT escalate at once; INFRA retries twice, then fails; POLICY (an action the autonomy gate
/// did not allow) fails at once; at most 3 retries per step;
/// escalation chain worker → coder → architect; when the chain is exhausted the step fails. Validated at start.
/// </remarks>
public sealed class FailureRoutingOptions
{
    /// <summary>Gets or sets the most same-role retries one step may take in total, over all categories.</summary>
    /// <value>The default value is 3.</value>
    [Range(0, 100)]
    public int MaxRetriesPerStep { get; set; } = 3;

    /// <summary>Gets or sets the escalation chain, from the cheapest role to the strongest.</summary>
    /// <value>The default value is <c>worker, coder, architect</c>.</value>
    [Required]
    public IList<string> EscalationChain { get; set; } = ["worker", "coder", "architect"];

    /// <summary>Gets or sets the policy per failure category; a category missing here fails at once.</summary>
    [Required]
    public IDictionary<FailureCategory, FailureCategoryPolicy> Policies { get; set; } = CreateDefaultPolicies();

    /// <summary>Creates the default per-category policies.</summary>
    /// <returns>A new dictionary with the default policy of every category.</returns>
    public static IDictionary<FailureCategory, FailureCategoryPolicy> CreateDefaultPolicies() => new Dictionary<FailureCategory, FailureCategoryPolicy>
    {
        [FailureCategory.Format] = new() { MaxRetries = 3, Escalate = false },
        [FailureCategory.Schema] = new() { MaxRetries = 3, Escalate = false },
        [FailureCategory.Code] = new() { MaxRetries = 2, Escalate = true },
        [FailureCategory.Logic] = new() { MaxRetries = 0, Escalate = true },
        [FailureCategory.Timeout] = new() { MaxRetries = 0, Escalate = true },
        [FailureCategory.Infra] = new() { MaxRetries = 2, Escalate = false },
        [FailureCategory.Policy] = new() { MaxRetries = 0, Escalate = false },
    };
}
