using System.Text.Json;
using System.Text.Json.Serialization;

namespace Swarm;

/// <summary>Compact (not indented) source-generated JSON for what the SQLite checkpoint store writes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false,
    Converters = [typeof(CamelCaseEnumConverter<StepKind>), typeof(CamelCaseEnumConverter<RiskLevel>), typeof(CamelCaseEnumConverter<FailureCategory>), typeof(CamelCaseEnumConverter<FailureAction>), typeof(CamelCaseEnumConverter<StepStatus>), typeof(CamelCaseEnumConverter<SwarmRunStatus>), typeof(CamelCaseEnumConverter<GateSeverity>), typeof(DurableTimeSpanConverter)])]
[JsonSerializable(typeof(StepRecord))]
[JsonSerializable(typeof(List<StepRecord>))]
[JsonSerializable(typeof(TaskGraph))]
[JsonSerializable(typeof(ToolResult))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(IDictionary<string, string>))]
internal sealed partial class DurableJsonContext : JsonSerializerContext
{
}
