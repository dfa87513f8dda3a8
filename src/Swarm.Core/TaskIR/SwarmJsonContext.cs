using System.Text.Json;
using System.Text.Json.Serialization;

namespace Swarm;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    Converters = [typeof(CamelCaseEnumConverter<StepKind>), typeof(CamelCaseEnumConverter<RiskLevel>), typeof(CamelCaseEnumConverter<FailureCategory>), typeof(CamelCaseEnumConverter<FailureAction>), typeof(CamelCaseEnumConverter<StepStatus>), typeof(CamelCaseEnumConverter<SwarmRunStatus>), typeof(CamelCaseEnumConverter<SwarmEventKind>), typeof(CamelCaseEnumConverter<GateSeverity>)])]
[JsonSerializable(typeof(TaskGraph))]
[JsonSerializable(typeof(SwarmRunState))]
[JsonSerializable(typeof(SwarmRunResult))]
[JsonSerializable(typeof(SwarmEvent))]
internal sealed partial class SwarmJsonContext : JsonSerializerContext
{
}

internal sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    {
    }
}
