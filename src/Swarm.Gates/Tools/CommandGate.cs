using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Swarm.Gates;

/// <summary>
/// Runs a test command (unit or integration) in the workspace: exit code 0 passes; any other exit fails with the
/// configured category (<see cref="FailureCategory.Logic"/> or <see cref="FailureCategory.Code"/>), the captured output
/// attached and compiler-style error lines (<c>file(line,col): error ID: message</c> or <c>file:line:col: message</c>) as diagnostics.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed partial class CommandGate : IStagedGate
{
    private const int TailLines = 40;
    private readonly IProcessRunner runner;
    private readonly CommandGateOptions options;
    private readonly GateHost host;

    /// <summary>Initializes a new instance of the <see cref="CommandGate"/> class.</summary>
    /// <param name="runner">The process runner.</param>
    /// <param name="options">The command and its category.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> uses the system clock.</param>
    /// <param name="loggerFactory">The logger factory, if any.</param>
    /// <param name="meterFactory">The meter factory, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="runner"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid (the message says which setting).</exception>
    public CommandGate(IProcessRunner runner, CommandGateOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        this.runner = runner;
        this.options = options;
        var toolOptions = new GateToolOptions { Executable = options.Command[0], Timeout = options.Timeout, OnMissingTool = options.OnMissingTool };
        host = new GateHost(options.Name, options.Command[0], options.InstallHint ?? $"install '{options.Command[0]}' or fix the command of gate '{options.Name}'", toolOptions, timeProvider, loggerFactory, meterFactory, typeof(CommandGate).FullName!);
    }

    /// <inheritdoc />
    public string Name => options.Name;

    /// <inheritdoc />
    public GateStage Stage => options.Stage;

    /// <inheritdoc />
    public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default) =>
        host.RunAsync(context, ct => EvaluateCoreAsync(context, ct), cancellationToken);

    private async Task<GateResult> EvaluateCoreAsync(GateContext context, CancellationToken cancellationToken)
    {
        var request = new ProcessRequest(options.Command[0], context.WorkspaceDirectory)
        {
            Arguments = [.. options.Command.Skip(1)],
            WorkingDirectory = options.WorkingDirectory,
            Timeout = options.Timeout,
        };
        var process = await runner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        if (process.TimedOut)
        {
            return host.TimedOut(process);
        }

        if (process.ExitCode == 0)
        {
            return host.Passed($"{options.Name}: command succeeded");
        }

        var output = process.CombinedOutput();
        var diagnostics = ParseErrors(output);
        var tail = Tail(output);
        diagnostics.Insert(0, new GateDiagnostic($"{options.Name}: '{Path.GetFileName(options.Command[0])}' exited with code {process.ExitCode}:\n{tail}")
        {
            RuleId = "exit-code",
            Severity = GateSeverity.Error,
        });
        return host.Failed(options.FailureCategory, diagnostics, $"{options.Name}: exit code {process.ExitCode}", process);
    }

    /// <summary>The last lines of a tool's output, as failure messages quote them.</summary>
    internal static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(TailLines));

    internal static List<GateDiagnostic> ParseErrors(string output)
    {
        var result = new List<GateDiagnostic>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var match = MsBuildLine().Match(line);
            if (!match.Success)
            {
                match = ColonLine().Match(line);
            }

            if (!match.Success || !seen.Add(line))
            {
                continue;
            }

            result.Add(new GateDiagnostic(match.Groups["msg"].Value.Trim())
            {
                File = match.Groups["file"].Value.Trim(),
                Line = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture),
                Column = match.Groups["col"].Success ? int.Parse(match.Groups["col"].Value, CultureInfo.InvariantCulture) : null,
                RuleId = match.Groups["id"].Success ? match.Groups["id"].Value : null,
                Severity = match.Groups["level"].Value.StartsWith("warn", StringComparison.OrdinalIgnoreCase) ? GateSeverity.Warning : GateSeverity.Error,
            });
        }

        return result;
    }

    [GeneratedRegex(@"^\s*(?<file>[^\s(][^(]*)\((?<line>\d+),(?<col>\d+)\): (?<level>error|warning) (?<id>[A-Za-z]+\d+): (?<msg>.+?)(?: \[[^\]]+\])?$")]
    private static partial Regex MsBuildLine();

    [GeneratedRegex(@"^(?<file>[^\s:]+\.[A-Za-z0-9]+):(?<line>\d+):(?:(?<col>\d+):)? (?<level>error|warning)?:? ?(?<msg>.+)$")]
    private static partial Regex ColonLine();
}
