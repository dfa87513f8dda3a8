using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Swarm.Gates;

/// <summary>
/// What every built-in gate shares: resolving the artifact's files inside the workspace, the span, the
/// metrics, the log line, and turning a missing tool, a timeout or unparsable output into a result.
/// </summary>
internal sealed class GateHost
{
    private readonly string installHint;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly GateMetrics metrics;

    public GateHost(string name, string defaultExecutable, string installHint, GateToolOptions? options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, string loggerCategory)
    {
        Name = name;
        Options = options ?? new GateToolOptions();
        if (Options.Validate(name) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
        Executable = Options.Executable ?? defaultExecutable;
        this.installHint = installHint;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        logger = loggerFactory?.CreateLogger(loggerCategory) ?? NullLogger.Instance;
        metrics = GateMetrics.For(meterFactory);
    }

    public string Name { get; }

    public string Executable { get; }

    public GateToolOptions Options { get; }

    public async Task<GateResult> RunAsync(GateContext context, Func<CancellationToken, Task<GateResult>> evaluate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var activity = GatesDiagnostics.ActivitySource.StartActivity("gate " + Name);
        activity?.SetTag("swarm.gate.name", Name);
        activity?.SetTag("swarm.step.id", context.StepId);
        var started = timeProvider.GetTimestamp();
        GateResult result;
        try
        {
            result = await evaluate(cancellationToken).ConfigureAwait(false);
        }
        catch (ToolNotFoundException ex)
        {
            var reason = $"{ex.Message} Install it: {installHint}.";
            Log.GateToolMissing(logger, Name, reason);
            result = Options.OnMissingTool == MissingToolBehavior.Skip
                ? new GateResult { GateName = Name, Passed = true, SkippedReason = reason, Summary = $"skipped: {ex.ToolName} is not installed" }
                : Infra($"tool '{ex.ToolName}' is not installed", reason);
        }
        catch (WorkspaceEscapeException ex)
        {
            result = Infra("a path escapes the workspace", ex.Message);
        }
        catch (DirectoryNotFoundException ex)
        {
            result = Infra("a directory is missing", ex.Message);
        }
        catch (FileNotFoundException ex)
        {
            result = Infra("a file is missing", ex.Message);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            result = Infra($"the tool could not be started ({ex.NativeErrorCode})", ex.Message);
        }

        result = Finish(result, timeProvider.GetElapsedTime(started));
        var outcome = result.SkippedReason is not null ? "skipped" : result.Passed ? "passed" : "failed";
        activity?.SetTag("swarm.gate.outcome", outcome);
        activity?.SetTag("swarm.failure.category", result.Category.ToString().ToUpperInvariant());
        activity?.SetTag("swarm.gate.diagnostics", result.Diagnostics.Count);
        if (!result.Passed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Summary);
        }

        metrics.Record(result);
        Log.GateEvaluated(logger, Name, context.StepId, outcome, result.Category, result.Duration, result.Summary);
        return result;
    }

    /// <summary>Resolves the artifact's files with the given extensions, rejecting any that escape the workspace.</summary>
    public List<string> SelectFiles(GateContext context, IReadOnlyCollection<string> defaultExtensions)
    {
        var extensions = Options.FileExtensions.Count > 0 ? (IReadOnlyCollection<string>)[.. Options.FileExtensions] : defaultExtensions;
        var workspace = WorkspacePath.ResolveWorkspace(context.WorkspaceDirectory);
        var files = new List<string>();
        foreach (var file in context.Files)
        {
            if (extensions.Count > 0 && !extensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var resolved = WorkspacePath.Resolve(workspace, file);
            if (!File.Exists(resolved))
            {
                throw new FileNotFoundException($"Artifact file '{file}' does not exist in the workspace.", file);
            }

            // A name starting with '-' must not be read as an option.
            files.Add(file.StartsWith('-') ? "./" + file : file);
        }

        return files;
    }

    /// <summary>
    /// Selects what the tool checks: the artifact's files with the gate's extensions or, when the artifact has no files
    /// at all, its textual output for standard input. False when there is nothing of this gate's kind to check.
    /// </summary>
    public bool TrySelectInput(GateContext context, IReadOnlyCollection<string> defaultExtensions, out List<string> files, out string? standardInput)
    {
        files = SelectFiles(context, defaultExtensions);
        standardInput = null;
        if (files.Count > 0)
        {
            return true;
        }

        if (context.Files.Count > 0 || context.Output is null)
        {
            return false;
        }

        standardInput = context.Output;
        return true;
    }

    public ProcessRequest Request(GateContext context, IEnumerable<string> arguments, string? standardInput = null, IReadOnlyDictionary<string, string>? environment = null) =>
        new(Executable, context.WorkspaceDirectory)
        {
            Arguments = [.. arguments],
            StandardInput = standardInput,
            Timeout = Options.Timeout,
            Environment = environment ?? new Dictionary<string, string>(),
        };

    public GateResult Infra(string summary, string? raw, IReadOnlyList<GateDiagnostic>? diagnostics = null) => new()
    {
        GateName = Name,
        Passed = false,
        Category = FailureCategory.Infra,
        Summary = summary,
        RawOutput = raw,
        Diagnostics = diagnostics ?? [new GateDiagnostic(summary + (raw is null ? string.Empty : ": " + raw)) { RuleId = "infra" }],
    };

    public GateResult TimedOut(ProcessResult process) => new()
    {
        GateName = Name,
        Passed = false,
        Category = FailureCategory.Timeout,
        Summary = $"{Path.GetFileName(process.FileName)} did not finish within {Options.Timeout}; its process tree was killed",
        RawOutput = process.CombinedOutput(),
        Diagnostics = [new GateDiagnostic($"{Path.GetFileName(process.FileName)} timed out after {Options.Timeout}") { RuleId = "timeout" }],
    };

    public GateResult Unparsable(ProcessResult process, string why) =>
        Infra($"cannot parse the output of {Path.GetFileName(process.FileName)} (exit code {process.ExitCode}): {why}", process.CombinedOutput());

    public GateResult Passed(string summary) => new() { GateName = Name, Passed = true, Summary = summary };

    public GateResult Skipped(string reason) => new() { GateName = Name, Passed = true, SkippedReason = reason, Summary = "skipped: " + reason };

    public GateResult Failed(FailureCategory category, IReadOnlyList<GateDiagnostic> diagnostics, string summary, ProcessResult process) => new()
    {
        GateName = Name,
        Passed = false,
        Category = category,
        Diagnostics = diagnostics,
        Summary = summary,
        RawOutput = process.CombinedOutput(),
    };

    private static GateResult Finish(GateResult result, TimeSpan duration) => new()
    {
        GateName = result.GateName,
        Passed = result.Passed,
        Category = result.Passed ? FailureCategory.None : result.Category,
        Diagnostics = result.Diagnostics,
        Summary = result.Summary,
        RawOutput = result.RawOutput,
        SkippedReason = result.SkippedReason,
        Duration = duration,
    };
}
