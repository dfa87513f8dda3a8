namespace Swarm.Inference;

/// <summary>The value type of a <see cref="LlamaKvOverride"/> (<c>llama_model_kv_override_type</c>).</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Mirrors llama_model_kv_override_type.")]
public enum LlamaKvOverrideType
{
    /// <summary>A 64-bit integer; llama.cpp converts it to the key's integer type.</summary>
    Integer = 0,

    /// <summary>A 64-bit float.</summary>
    FloatingPoint = 1,

    /// <summary>A boolean.</summary>
    Boolean = 2,

    /// <summary>A string of at most 127 UTF-8 bytes.</summary>
    Text = 3,
}
