namespace Swarm;

/// <summary>A cached step output.</summary>
/// <param name="Output">The step's text output.</param>
/// <param name="Files">The files the step produced.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="ExpiresAt">When it expires, or <see langword="null"/>.</param>
internal sealed record CachedStepOutput(string? Output, IReadOnlyList<string> Files, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);
