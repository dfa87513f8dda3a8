namespace Swarm.Gates.Tests.Tools;

public sealed class SchemaGateTests : IDisposable
{
    private const string Schema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "required": ["name", "steps"],
          "properties": {
            "name": { "type": "string", "minLength": 1 },
            "steps": { "type": "array", "items": { "type": "object", "required": ["id"], "properties": { "id": { "type": "string" }, "retries": { "type": "integer", "maximum": 3 } } }, "minItems": 1 }
          },
          "additionalProperties": false
        }
        """;

    private readonly TestWorkspace workspace = new();
    private readonly ProcessRunner runner = new();

    public SchemaGateTests()
    {
        RequiredTool.Check("python3");
        workspace.Write("schemas/plan.schema.json", Schema);
    }

    public void Dispose()
    {
        runner.Dispose();
        workspace.Dispose();
    }

    [Fact]
    public async Task EvaluateAsync_ValidDocument_Passes()
    {
        workspace.Write("plan.json", """{"name": "p", "steps": [{"id": "a", "retries": 2}]}""");

        var result = await Gate().EvaluateAsync(Context("plan.json"));

        Assert.True(result.Passed, result.Summary + result.RawOutput);
    }

    [Fact]
    public async Task EvaluateAsync_Violations_FailAsSchemaWithPointersAndKeywords()
    {
        workspace.Write("plan.json", """{"name": "", "steps": [{"retries": 9}, {"id": 4}], "extra": true}""");

        var result = await Gate().EvaluateAsync(Context("plan.json"));

        Assert.False(result.Passed);
        Assert.Equal(FailureCategory.Schema, result.Category);
        Assert.All(result.Diagnostics, d => Assert.Equal("plan.json", d.File));
        Assert.Contains(result.Diagnostics, d => d.RuleId == "additionalProperties");
        Assert.Contains(result.Diagnostics, d => d.RuleId == "minLength" && d.Message.StartsWith("/name:", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.RuleId == "required" && d.Message.StartsWith("/steps/0:", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.RuleId == "maximum" && d.Message.StartsWith("/steps/0/retries:", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.RuleId == "type" && d.Message.StartsWith("/steps/1/id:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EvaluateAsync_InvalidJson_FailsAsSchemaWithLineAndColumn()
    {
        workspace.Write("plan.json", "{\n  \"name\": \"p\",\n  \"steps\": [}\n");

        var result = await Gate().EvaluateAsync(Context("plan.json"));

        Assert.Equal(FailureCategory.Schema, result.Category);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(("json", 3, 13), (error.RuleId, error.Line ?? 0, error.Column ?? 0));
    }

    [Fact]
    public async Task EvaluateAsync_StepOutput_IsValidatedThroughStandardInput()
    {
        var context = new GateContext("s", workspace.Path)
        {
            Output = """{"name": "p"}""",
            Arguments = new Dictionary<string, string> { [SchemaGate.SchemaArgument] = "schemas/plan.schema.json" },
        };

        var result = await Gate().EvaluateAsync(context);

        Assert.Equal(FailureCategory.Schema, result.Category);
        var error = Assert.Single(result.Diagnostics);
        Assert.Null(error.File);
        Assert.StartsWith("(root): 'steps' is a required property", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_NoSchemaArgument_FailsAsInfra()
    {
        workspace.Write("plan.json", "{}");

        var result = await Gate().EvaluateAsync(workspace.Context("plan.json"));

        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("'schema'", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_InvalidSchema_FailsAsInfra()
    {
        workspace.Write("bad.schema.json", """{"type": "no-such-type"}""");
        workspace.Write("plan.json", "{}");
        var context = new GateContext("s", workspace.Path)
        {
            Files = ["plan.json"],
            Arguments = new Dictionary<string, string> { [SchemaGate.SchemaArgument] = "bad.schema.json" },
        };

        var result = await Gate().EvaluateAsync(context);

        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("invalid schema", result.Summary, StringComparison.Ordinal);
    }

    private SchemaGate Gate() => new(runner);

    private GateContext Context(params string[] files) => new("s", workspace.Path)
    {
        Files = files,
        Arguments = new Dictionary<string, string> { [SchemaGate.SchemaArgument] = "schemas/plan.schema.json" },
    };
}
