namespace Swarm.Inference.Gguf;

/// <summary>The type tag of a GGUF metadata value, as stored in the file (<c>gguf_type</c>).</summary>
/// <remarks>The numeric values are the on-disk codes; llama.cpp checks them exactly, so a hyper-parameter
/// written as <see cref="Int32"/> where <see cref="UInt32"/> is expected is rejected.</remarks>
#pragma warning disable CA1720 // The member names are the GGUF type names.
public enum GgufValueType
{
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 0,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 1,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 2,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 3,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 4,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 5,

    /// <summary>IEEE 754 single-precision float.</summary>
    Float32 = 6,

    /// <summary>Boolean stored as one byte (0 or 1).</summary>
    Bool = 7,

    /// <summary>UTF-8 string prefixed by its byte length as an unsigned 64-bit integer.</summary>
    String = 8,

    /// <summary>Array: element type, unsigned 64-bit count, then the elements (arrays may nest).</summary>
    Array = 9,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 10,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 11,

    /// <summary>IEEE 754 double-precision float.</summary>
    Float64 = 12,
}
#pragma warning restore CA1720
