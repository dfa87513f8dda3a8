using System.ComponentModel.DataAnnotations;

namespace Swarm;

/// <summary>The table of <see cref="RuleRouter"/>: task type → role.</summary>
public sealed class RuleRouterOptions
{
    /// <summary>Gets or sets the role per task type (case-insensitive).</summary>
    [Required]
    public IDictionary<string, string> Rules { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the role for task types the table does not name.</summary>
    /// <value>The default value is <c>worker</c>.</value>
    [Required(AllowEmptyStrings = false)]
    public string DefaultRole { get; set; } = "worker";

    /// <summary>Gets or sets the confidence reported for the default role.</summary>
    /// <value>The default value is 0.5.</value>
    [Range(0.0, 1.0)]
    public double DefaultConfidence { get; set; } = 0.5;
}
