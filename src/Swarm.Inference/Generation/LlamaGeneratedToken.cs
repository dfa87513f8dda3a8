namespace Swarm.Inference;

/// <summary>One generated token.</summary>
/// <param name="Token">The token id.</param>
/// <param name="Text">The text it completes: empty while a multi-byte UTF-8 character is still incomplete.</param>
/// <param name="Position">Its position in the sequence.</param>
public readonly record struct LlamaGeneratedToken(int Token, string Text, int Position);
