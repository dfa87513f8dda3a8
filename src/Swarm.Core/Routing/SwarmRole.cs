using System.ComponentModel.DataAnnotations;

namespace Swarm;

/// <summary>A role (persona): a prompt specialization that performs steps.</summary>
public sealed class SwarmRole
{
    /// <summary>Initializes a new instance of the <see cref="SwarmRole"/> class.</summary>
    public SwarmRole()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SwarmRole"/> class.</summary>
    /// <param name="name">The role's name, as steps name it.</param>
    /// <param name="systemPrompt">The system prompt of its model calls.</param>
    public SwarmRole(string name, string systemPrompt)
    {
        Name = name;
        SystemPrompt = systemPrompt;
    }

    /// <summary>Gets or sets the role's name, as steps name it.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the system prompt of the role's model calls.</summary>
    public string SystemPrompt { get; set; } = string.Empty;

    /// <summary>Gets or sets the model id passed to the chat client, or <see langword="null"/> for the client's default.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the sampling temperature of the role's model calls, or <see langword="null"/> for the client's default.</summary>
    public float? Temperature { get; set; }
}
