using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Swarm.Gates;

/// <summary>
/// Runs <c>shfmt -d</c> on the artifact's shell scripts: each diff hunk is a <see cref="FailureCategory.Format"/>
/// diagnostic; a script shfmt cannot parse fails as <see cref="FailureCategory.Code"/>.
/// </summary>
/// <remarks>Thread-safe. shfmt reads the workspace's <c>.editorconfig</c> unless <see cref="GateToolOptions.ExtraArguments"/> set printer flags.</remarks>
public sealed partial class ShfmtGate : IStagedGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "shfmt";

    private static readonly string[] DefaultExtensions = [".sh", ".bash", ".ksh"];
    private readonly IProcessRunner runner;
    private readonly GateHost host;

    /// <summary>Initializes a new instance of the <see cref="ShfmtGate"/> class.</summary>
    /// <param name="runner">The process runner.</param>
    /// <param name="options">The tool settings; <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> uses the system clock.</param>
    /// <param name="loggerFactory">The logger factory, if any.</param>
    /// <param name="meterFactory">The meter factory, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="runner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public ShfmtGate(IProcessRunner runner, GateToolOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        this.runner = runner;
        host = new GateHost(GateName, "shfmt", "bash eng/setup.sh, or apt-get install shfmt", options, timeProvider, loggerFactory, meterFactory, typeof(ShfmtGate).FullName!);
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
        if (!host.TrySelectInput(context, DefaultExtensions, out var files, out var input))
        {
            return host.Skipped("the artifact has no shell script");
        }

        var process = await runner.RunAsync(host.Request(context, ["-d", .. host.Options.ExtraArguments, .. files.Count > 0 ? (string[])["--", .. files] : []], input), cancellationToken).ConfigureAwait(false);
        if (process.TimedOut)
        {
            return host.TimedOut(process);
        }

        if (process.ExitCode == 0)
        {
            return host.Passed($"shfmt: {Math.Max(files.Count, 1)} script(s) formatted");
        }

        var syntax = ParseErrors(process.StandardError);
        if (syntax.Count > 0)
        {
            return host.Failed(FailureCategory.Code, syntax, $"shfmt: {syntax.Count} parse error(s)", process);
        }

        if (process.ExitCode != 1)
        {
            return host.Infra($"shfmt failed with exit code {process.ExitCode}", process.CombinedOutput());
        }

        var hunks = ParseDiff(process.StandardOutput);
        return hunks.Count == 0
            ? host.Unparsable(process, "exit code 1 without a diff or a parse error")
            : host.Failed(FailureCategory.Format, hunks, $"shfmt: {hunks.Count} hunk(s) to reformat", process);
    }

    /// <summary>One diagnostic per unified-diff hunk: where it starts in the original and the hunk itself.</summary>
    internal static List<GateDiagnostic> ParseDiff(string diff)
    {
        var result = new List<GateDiagnostic>();
        string? file = null;
        int? line = null;
        var hunk = new StringBuilder();

        void Flush()
        {
            if (line is not null)
            {
                result.Add(new GateDiagnostic("Formatting differs from shfmt:\n" + hunk.ToString().TrimEnd('\n'))
                {
                    File = file,
                    Line = line,
                    Column = 1,
                    RuleId = "shfmt",
                    Severity = GateSeverity.Style,
                });
            }

            line = null;
            hunk.Clear();
        }

        foreach (var raw in diff.Split('\n'))
        {
            if (raw.StartsWith("--- ", StringComparison.Ordinal))
            {
                Flush();
                var name = raw[4..].Split('\t')[0];
                name = name.EndsWith(".orig", StringComparison.Ordinal) ? name[..^5] : name;
                file = name is "<standard input>" or "<standard input>.orig" ? null : name;
            }
            else if (raw.StartsWith("+++ ", StringComparison.Ordinal))
            {
                continue;
            }
            else if (HunkHeader().Match(raw) is { Success: true } match)
            {
                Flush();
                line = Math.Max(1, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                hunk.Append(raw).Append('\n');
            }
            else if (line is not null)
            {
                hunk.Append(raw).Append('\n');
            }
        }

        Flush();
        return result;
    }

    /// <summary>shfmt's parse errors: <c>file:line:col: message</c> on standard error.</summary>
    internal static List<GateDiagnostic> ParseErrors(string stderr)
    {
        var result = new List<GateDiagnostic>();
        foreach (var raw in stderr.Split('\n'))
        {
            var match = ErrorLine().Match(raw.TrimEnd('\r'));
            if (match.Success)
            {
                var file = match.Groups["file"].Value;
                result.Add(new GateDiagnostic(match.Groups["msg"].Value)
                {
                    File = file == "<standard input>" ? null : file,
                    Line = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture),
                    Column = int.Parse(match.Groups["col"].Value, CultureInfo.InvariantCulture),
                    RuleId = "shfmt-parse",
                    Severity = GateSeverity.Error,
                });
            }
        }

        return result;
    }

    [GeneratedRegex(@"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")]
    private static partial Regex HunkHeader();

    [GeneratedRegex(@"^(?<file>.+?):(?<line>\d+):(?<col>\d+): (?<msg>.+)$")]
    private static partial Regex ErrorLine();
}
