using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Swarm.Gates;

/// <summary>
/// Runs <c>yamllint -f parsable</c> on the artifact's YAML files. A YAML syntax error fails as
/// <see cref="FailureCategory.Code"/>; rule errors (indentation, spacing, trailing spaces...) as
/// <see cref="FailureCategory.Format"/>; warnings are reported but pass unless <c>--strict</c> is among the extra arguments.
/// </summary>
/// <remarks>Thread-safe. yamllint reads the workspace's <c>.yamllint</c> configuration when there is one.</remarks>
public sealed partial class YamlLintGate : IStagedGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "yamllint";

    private static readonly string[] DefaultExtensions = [".yaml", ".yml"];
    private readonly IProcessRunner runner;
    private readonly GateHost host;

    /// <summary>Initializes a new instance of the <see cref="YamlLintGate"/> class.</summary>
    /// <param name="runner">The process runner.</param>
    /// <param name="options">The tool settings; <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> uses the system clock.</param>
    /// <param name="loggerFactory">The logger factory, if any.</param>
    /// <param name="meterFactory">The meter factory, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="runner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public YamlLintGate(IProcessRunner runner, GateToolOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        this.runner = runner;
        host = new GateHost(GateName, "yamllint", "bash eng/setup.sh, or apt-get install yamllint", options, timeProvider, loggerFactory, meterFactory, typeof(YamlLintGate).FullName!);
    }

    /// <inheritdoc />
    public string Name => GateName;

    /// <inheritdoc />
    public GateStage Stage => GateStage.Lint;

    /// <inheritdoc />
    public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default) =>
        host.RunAsync(context, ct => EvaluateCoreAsync(context, ct), cancellationToken);

    private async Task<GateResult> EvaluateCoreAsync(GateContext context, CancellationToken cancellationToken)
    {
        if (!host.TrySelectInput(context, DefaultExtensions, out var files, out var input))
        {
            return host.Skipped("the artifact has no YAML file");
        }

        var process = await runner.RunAsync(host.Request(context, ["-f", "parsable", .. host.Options.ExtraArguments, .. input is null ? (string[])["--", .. files] : ["-"]], input), cancellationToken).ConfigureAwait(false);
        if (process.TimedOut)
        {
            return host.TimedOut(process);
        }

        if (process.ExitCode is not (0 or 1 or 2))
        {
            return host.Infra($"yamllint failed with exit code {process.ExitCode}", process.CombinedOutput());
        }

        var diagnostics = Parse(process.StandardOutput);
        if (process.ExitCode == 0)
        {
            return host.Passed($"yamllint: {Math.Max(files.Count, 1)} file(s) clean" + (diagnostics.Count > 0 ? $", {diagnostics.Count} warning(s)" : string.Empty)) is var passed && diagnostics.Count > 0
                ? new GateResult { GateName = passed.GateName, Passed = true, Summary = passed.Summary, Diagnostics = diagnostics }
                : passed;
        }

        if (diagnostics.Count == 0)
        {
            return host.Unparsable(process, $"exit code {process.ExitCode} without findings");
        }

        var category = diagnostics.Any(d => d.RuleId == "syntax") ? FailureCategory.Code : FailureCategory.Format;
        return host.Failed(category, diagnostics, $"yamllint: {diagnostics.Count} finding(s)", process);
    }

    internal static List<GateDiagnostic> Parse(string output)
    {
        var result = new List<GateDiagnostic>();
        foreach (var raw in output.Split('\n'))
        {
            var match = Line().Match(raw.TrimEnd('\r'));
            if (!match.Success)
            {
                continue;
            }

            var file = match.Groups["file"].Value;
            result.Add(new GateDiagnostic(match.Groups["msg"].Value)
            {
                File = file == "stdin" ? null : file,
                Line = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture),
                Column = int.Parse(match.Groups["col"].Value, CultureInfo.InvariantCulture),
                RuleId = match.Groups["rule"].Success ? match.Groups["rule"].Value : null,
                Severity = match.Groups["level"].Value == "error" ? GateSeverity.Error : GateSeverity.Warning,
            });
        }

        return result;
    }

    [GeneratedRegex(@"^(?<file>.+?):(?<line>\d+):(?<col>\d+): \[(?<level>error|warning)\] (?<msg>.*?)(?: \((?<rule>[a-z-]+)\))?$")]
    private static partial Regex Line();
}
