namespace Swarm.Inference.Models;

/// <summary>A draft model and a target model that share a vocabulary and their first layers (see
/// <see cref="SyntheticModels.CreateDraftTargetPair"/>).</summary>
/// <param name="Draft">The small model that proposes tokens.</param>
/// <param name="Target">The draft plus extra layers whose contribution is scaled by the divergence.</param>
public sealed record SyntheticModelPair(SyntheticModelSpec Draft, SyntheticModelSpec Target);
