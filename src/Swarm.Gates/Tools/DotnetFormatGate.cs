using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Swarm.Gates;

/// <summary>
/// Runs <c>dotnet format --verify-no-changes</c> on the workspace's project or solution and reads its JSON
/// report: every change it would make is a <see cref="FailureCategory.Format"/> diagnostic (file, line, column,
/// diagnostic id such as <c>WHITESPACE</c> or <c>IDE0055</c>).
/// </summary>
/// <remarks>
/// Thread-safe. The target is the context argument <c>project</c>, or else the single solution or project file
/// at the workspace root. When the artifact lists <c>.cs</c> files, only those are checked (<c>--include</c>).
/// </remarks>
public sealed class DotnetFormatGate : IStagedGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "dotnet-format";

    /// <summary>The context argument naming the project or solution to check.</summary>
    public const string ProjectArgument = "project";

    private static readonly string[] DefaultExtensions = [".cs"];
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    private readonly IProcessRunner runner;
    private readonly GateHost host;

    /// <summary>Initializes a new instance of the <see cref="DotnetFormatGate"/> class.</summary>
    /// <param name="runner">The process runner.</param>
    /// <param name="options">The tool settings (<see cref="GateToolOptions.Executable"/> is the <c>dotnet</c> host); <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> uses the system clock.</param>
    /// <param name="loggerFactory">The logger factory, if any.</param>
    /// <param name="meterFactory">The meter factory, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="runner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public DotnetFormatGate(IProcessRunner runner, GateToolOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        this.runner = runner;
        host = new GateHost(GateName, "dotnet", "install the .NET SDK (https://dot.net)", options, timeProvider, loggerFactory, meterFactory, typeof(DotnetFormatGate).FullName!);
    }

    /// <inheritdoc />
    public string Name => GateName;

    /// <inheritdoc />
    public GateStage Stage => GateStage.Format;

    /// <inheritdoc />
    public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default) =>
        host.RunAsync(context, ct => EvaluateCoreAsync(context, ct), cancellationToken);

    private async Task<GateResult> EvaluateCoreAsync(GateContext context, CancellationToken cancellationToken)
    {
        var target = FindTarget(context, out var problem);
        if (target is null)
        {
            return context.Files.Count > 0 && !context.Files.Any(f => f.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
                ? host.Skipped("the artifact has no C# file")
                : host.Infra(problem!, null);
        }

        var files = host.SelectFiles(context, DefaultExtensions);
        if (context.Files.Count > 0 && files.Count == 0)
        {
            return host.Skipped("the artifact has no C# file");
        }

        var reportDirectory = Path.Combine(Path.GetTempPath(), "swarm-gates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(reportDirectory);
        try
        {
            var arguments = new List<string> { "format", target, "--verify-no-changes", "--report", reportDirectory, "--verbosity", "quiet" };
            arguments.AddRange(host.Options.ExtraArguments);
            if (files.Count > 0)
            {
                arguments.Add("--include");
                arguments.AddRange(files);
            }

            var process = await runner.RunAsync(host.Request(context, arguments, environment: Environment), cancellationToken).ConfigureAwait(false);
            if (process.TimedOut)
            {
                return host.TimedOut(process);
            }

            if (process.ExitCode == 0)
            {
                return host.Passed($"dotnet format: {Path.GetFileName(target)} is formatted");
            }

            if (process.ExitCode != 2)
            {
                return host.Infra($"dotnet format failed with exit code {process.ExitCode}", process.CombinedOutput());
            }

            var report = Path.Combine(reportDirectory, "format-report.json");
            if (!File.Exists(report))
            {
                return host.Unparsable(process, "no format-report.json was written");
            }

            List<GateDiagnostic> diagnostics;
            var json = await File.ReadAllTextAsync(report, cancellationToken).ConfigureAwait(false);
            try
            {
                diagnostics = ParseReport(json, ResolveWorkspace(context));
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                return host.Unparsable(process, ex.Message + "\n" + json);
            }

            return diagnostics.Count == 0
                ? host.Unparsable(process, "exit code 2 with an empty report")
                : host.Failed(FailureCategory.Format, diagnostics, $"dotnet format: {diagnostics.Count} change(s) needed", process);
        }
        finally
        {
            try
            {
                Directory.Delete(reportDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    internal static List<GateDiagnostic> ParseReport(string json, string workspace)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<GateDiagnostic>();
        foreach (var file in document.RootElement.EnumerateArray())
        {
            var path = file.GetProperty("FilePath").GetString() ?? string.Empty;
            var relative = Path.IsPathFullyQualified(path) ? Path.GetRelativePath(workspace, path) : path;
            foreach (var change in file.GetProperty("FileChanges").EnumerateArray())
            {
                result.Add(new GateDiagnostic(change.GetProperty("FormatDescription").GetString() ?? string.Empty)
                {
                    File = relative,
                    Line = change.GetProperty("LineNumber").GetInt32(),
                    Column = change.GetProperty("CharNumber").GetInt32(),
                    RuleId = change.GetProperty("DiagnosticId").GetString(),
                    Severity = GateSeverity.Warning,
                });
            }
        }

        return result;
    }

    private static string ResolveWorkspace(GateContext context) => WorkspacePath.ResolveWorkspace(context.WorkspaceDirectory);

    private static string? FindTarget(GateContext context, out string? problem)
    {
        problem = null;
        if (context.Arguments.TryGetValue(ProjectArgument, out var project) && !string.IsNullOrWhiteSpace(project))
        {
            return WorkspacePath.Resolve(ResolveWorkspace(context), project);
        }

        var candidates = Directory.EnumerateFiles(context.WorkspaceDirectory, "*.sln")
            .Concat(Directory.EnumerateFiles(context.WorkspaceDirectory, "*.slnx"))
            .ToList();
        if (candidates.Count == 0)
        {
            candidates = [.. Directory.EnumerateFiles(context.WorkspaceDirectory, "*.csproj")];
        }

        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        problem = candidates.Count == 0
            ? $"no solution or project at the workspace root; set the context argument '{ProjectArgument}'"
            : $"several solutions or projects at the workspace root ({string.Join(", ", candidates.Select(Path.GetFileName))}); set the context argument '{ProjectArgument}'";
        return null;
    }
}
