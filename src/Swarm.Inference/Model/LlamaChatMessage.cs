namespace Swarm.Inference;

/// <summary>One message given to a chat template.</summary>
/// <param name="Role">The role (<c>system</c>, <c>user</c>, <c>assistant</c>, ...).</param>
/// <param name="Content">The text.</param>
public readonly record struct LlamaChatMessage(string Role, string Content);
