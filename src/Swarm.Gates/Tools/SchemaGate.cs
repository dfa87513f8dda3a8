using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Swarm.Gates;

/// <summary>
/// Validates JSON against a JSON Schema (draft 2020-12 by default, or the draft its <c>$schema</c> names) with
/// the Python <c>jsonschema</c> validator run as a process; every violation is a <see cref="FailureCategory.Schema"/>
/// diagnostic carrying the JSON Pointer of the offending value and the failed keyword.
/// </summary>
/// <remarks>
/// Thread-safe. The schema path comes from the context argument <c>schema</c> (relative to the workspace or absolute).
/// The instances are the artifact's <c>.json</c> files, or the step's output when it has none. JSON that does not
/// parse is a <see cref="FailureCategory.Schema"/> failure with its line and column.
/// </remarks>
public sealed class SchemaGate : IStagedGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "schema";

    /// <summary>The context argument naming the schema file.</summary>
    public const string SchemaArgument = "schema";

    private const string Driver = """
        import json, sys
        try:
            import jsonschema
            from jsonschema.validators import validator_for
        except ImportError as e:
            print(json.dumps({"error": "missing-module", "message": str(e)}))
            sys.exit(3)
        def load(path):
            if path == "-":
                return sys.stdin.read()
            with open(path, encoding="utf-8") as f:
                return f.read()
        def pointer(parts):
            return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
        try:
            schema = json.loads(load(sys.argv[1]))
        except (OSError, ValueError) as e:
            print(json.dumps({"error": "bad-schema", "message": "cannot read the schema: " + str(e)}))
            sys.exit(4)
        cls = validator_for(schema, default=jsonschema.Draft202012Validator)
        try:
            cls.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            print(json.dumps({"error": "bad-schema", "message": "invalid schema: " + e.message}))
            sys.exit(4)
        checker = getattr(cls, "FORMAT_CHECKER", None)
        validator = cls(schema, format_checker=checker) if checker is not None else cls(schema)
        results = []
        for path in sys.argv[2:]:
            entry = {"file": path, "errors": []}
            try:
                instance = json.loads(load(path))
            except json.JSONDecodeError as e:
                entry["errors"].append({"pointer": "", "keyword": "json", "message": "not valid JSON: " + e.msg, "line": e.lineno, "column": e.colno})
                results.append(entry)
                continue
            for err in sorted(validator.iter_errors(instance), key=lambda x: [str(p) for p in x.absolute_path]):
                entry["errors"].append({"pointer": pointer(err.absolute_path), "keyword": str(err.validator), "message": err.message, "schemaPointer": pointer(err.absolute_schema_path)})
            results.append(entry)
        print(json.dumps({"results": results}))
        sys.exit(1 if any(r["errors"] for r in results) else 0)
        """;

    private static readonly string[] DefaultExtensions = [".json"];
    private readonly IProcessRunner runner;
    private readonly GateHost host;

    /// <summary>Initializes a new instance of the <see cref="SchemaGate"/> class.</summary>
    /// <param name="runner">The process runner.</param>
    /// <param name="options">The tool settings (<see cref="GateToolOptions.Executable"/> is the Python interpreter); <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> uses the system clock.</param>
    /// <param name="loggerFactory">The logger factory, if any.</param>
    /// <param name="meterFactory">The meter factory, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="runner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public SchemaGate(IProcessRunner runner, GateToolOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        this.runner = runner;
        host = new GateHost(GateName, "python3", "bash eng/setup.sh, or apt-get install python3 python3-jsonschema", options, timeProvider, loggerFactory, meterFactory, typeof(SchemaGate).FullName!);
    }

    /// <inheritdoc />
    public string Name => GateName;

    /// <inheritdoc />
    public GateStage Stage => GateStage.Schema;

    /// <inheritdoc />
    public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default) =>
        host.RunAsync(context, ct => EvaluateCoreAsync(context, ct), cancellationToken);

    private async Task<GateResult> EvaluateCoreAsync(GateContext context, CancellationToken cancellationToken)
    {
        if (!context.Arguments.TryGetValue(SchemaArgument, out var schema) || string.IsNullOrWhiteSpace(schema))
        {
            return host.Infra($"the schema gate needs the context argument '{SchemaArgument}' (the JSON Schema file)", null);
        }

        var schemaPath = Path.GetFullPath(schema, context.WorkspaceDirectory);
        if (!File.Exists(schemaPath))
        {
            return host.Infra($"schema file '{schema}' does not exist", null);
        }

        var files = host.SelectFiles(context, DefaultExtensions);
        string? input = null;
        if (files.Count == 0)
        {
            if (context.Files.Count > 0 || context.Output is null)
            {
                return host.Skipped("the artifact has no JSON");
            }

            input = context.Output;
            files.Add("-");
        }

        var process = await runner.RunAsync(host.Request(context, ["-I", "-c", Driver, .. host.Options.ExtraArguments, schemaPath, .. files], input), cancellationToken).ConfigureAwait(false);
        if (process.TimedOut)
        {
            return host.TimedOut(process);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(process.StandardOutput);
        }
        catch (JsonException ex)
        {
            return host.Unparsable(process, ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var error))
            {
                var message = root.GetProperty("message").GetString();
                return error.GetString() == "missing-module"
                    ? host.Infra($"the Python module jsonschema is missing ({message}); install it: bash eng/setup.sh, or apt-get install python3-jsonschema", process.CombinedOutput())
                    : host.Infra($"schema '{schema}' is unusable: {message}", process.CombinedOutput());
            }

            if (process.ExitCode is not (0 or 1))
            {
                return host.Infra($"the schema validator failed with exit code {process.ExitCode}", process.CombinedOutput());
            }

            List<GateDiagnostic> diagnostics;
            try
            {
                diagnostics = Parse(root);
            }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException)
            {
                return host.Unparsable(process, ex.Message);
            }

            if (diagnostics.Count == 0)
            {
                return process.ExitCode == 0
                    ? host.Passed($"schema: {files.Count} document(s) valid against {Path.GetFileName(schemaPath)}")
                    : host.Unparsable(process, "exit code 1 without violations");
            }

            return host.Failed(FailureCategory.Schema, diagnostics, $"schema: {diagnostics.Count} violation(s) of {Path.GetFileName(schemaPath)}", process);
        }
    }

    private static List<GateDiagnostic> Parse(JsonElement root)
    {
        var result = new List<GateDiagnostic>();
        foreach (var entry in root.GetProperty("results").EnumerateArray())
        {
            var file = entry.GetProperty("file").GetString();
            foreach (var error in entry.GetProperty("errors").EnumerateArray())
            {
                var pointer = error.GetProperty("pointer").GetString();
                var message = error.GetProperty("message").GetString() ?? string.Empty;
                result.Add(new GateDiagnostic((string.IsNullOrEmpty(pointer) ? "(root)" : pointer) + ": " + message)
                {
                    File = file == "-" ? null : file,
                    Line = error.TryGetProperty("line", out var line) ? line.GetInt32() : null,
                    Column = error.TryGetProperty("column", out var column) ? column.GetInt32() : null,
                    RuleId = error.GetProperty("keyword").GetString(),
                    Severity = GateSeverity.Error,
                });
            }
        }

        return result;
    }
}
