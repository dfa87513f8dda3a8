namespace Swarm.Inference.Models;

/// <summary>How a synthetic model's weights are made.</summary>
public enum SyntheticWeights
{
    /// <summary>Every weight uniform in ±<see cref="SyntheticModelSpec.WeightScale"/> from the seed; norms are 1.
    /// Around ±0.3 greedy output is varied text; around ±0.08 it tends to repeat one token.</summary>
    Random = 0,

    /// <summary>Constructed so the next token is the successor of the current one in the printable cycle
    /// ' ' (the <c>▁</c> token), '!', '"', ..., '~', then ' ' again: the token embeddings are random, and the output row of
    /// each token is the embedding of its predecessor. Layers still run (their weights are random), but their
    /// contribution is multiplied by <see cref="SyntheticModelSpec.ResidualScale"/>; at 0 greedy decoding reproduces the
    /// cycle exactly, so prompt-lookup and speculative tests have text the model is known to continue.</summary>
    Successor = 1,
}
