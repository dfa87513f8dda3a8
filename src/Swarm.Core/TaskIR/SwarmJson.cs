using System.Text.Json;

namespace Swarm;

/// <summary>The JSON settings Swarm uses for its data (task graphs, run state, events): camelCase, source-generated, trim- and AOT-safe.</summary>
/// <remarks>Use <see cref="Options"/> with <see cref="JsonSerializer"/> to store <see cref="SwarmRunState"/> or <see cref="TaskGraph"/> values (for example in a checkpoint store).</remarks>
public static class SwarmJson
{
    /// <summary>Gets read-only serializer options whose type-info resolver covers every Swarm data type.</summary>
    public static JsonSerializerOptions Options => SwarmJsonContext.Default.Options;
}
