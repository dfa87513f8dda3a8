using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Swarm.Gates;

/// <summary>Runs <c>shellcheck -f json1</c> on the artifact's shell scripts; findings fail the gate as <see cref="FailureCategory.Code"/>.</summary>
/// <remarks>Thread-safe. Checks the files ending in <c>.sh</c>/<c>.bash</c>, or the step's output through standard input when it has no such file.</remarks>
public sealed class ShellCheckGate : IStagedGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "shellcheck";

    private static readonly string[] DefaultExtensions = [".sh", ".bash", ".ksh"];
    private readonly IProcessRunner runner;
    private readonly GateHost host;

    /// <summary>Initializes a new instance of the <see cref="ShellCheckGate"/> class.</summary>
    /// <param name="runner">The process runner.</param>
    /// <param name="options">The tool settings; <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> uses the system clock.</param>
    /// <param name="loggerFactory">The logger factory, if any.</param>
    /// <param name="meterFactory">The meter factory, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="runner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public ShellCheckGate(IProcessRunner runner, GateToolOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        this.runner = runner;
        host = new GateHost(GateName, "shellcheck", "bash eng/setup.sh, or apt-get install shellcheck", options, timeProvider, loggerFactory, meterFactory, typeof(ShellCheckGate).FullName!);
    }

    /// <inheritdoc />
    public string Name => GateName;

    /// <inheritdoc />
    public GateStage Stage => GateStage.ShellCheck;

    /// <inheritdoc />
    public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default) =>
        host.RunAsync(context, ct => EvaluateCoreAsync(context, ct), cancellationToken);

    private async Task<GateResult> EvaluateCoreAsync(GateContext context, CancellationToken cancellationToken)
    {
        if (!host.TrySelectInput(context, DefaultExtensions, out var files, out var input))
        {
            return host.Skipped("the artifact has no shell script");
        }

        if (input is not null)
        {
            files.Add("-");
        }

        var process = await runner.RunAsync(host.Request(context, ["-f", "json1", .. host.Options.ExtraArguments, "--", .. files], input), cancellationToken).ConfigureAwait(false);
        if (process.TimedOut)
        {
            return host.TimedOut(process);
        }

        if (process.ExitCode is not (0 or 1))
        {
            return host.Infra($"shellcheck failed with exit code {process.ExitCode}", process.CombinedOutput());
        }

        List<GateDiagnostic> diagnostics;
        try
        {
            diagnostics = Parse(process.StandardOutput);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            return host.Unparsable(process, ex.Message);
        }

        if (process.ExitCode == 0 && diagnostics.Count == 0)
        {
            return host.Passed($"shellcheck: {files.Count} script(s) clean");
        }

        if (diagnostics.Count == 0)
        {
            return host.Unparsable(process, "exit code 1 without findings");
        }

        return host.Failed(FailureCategory.Code, diagnostics, $"shellcheck: {diagnostics.Count} finding(s)", process);
    }

    internal static List<GateDiagnostic> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<GateDiagnostic>();
        foreach (var comment in document.RootElement.GetProperty("comments").EnumerateArray())
        {
            var file = comment.GetProperty("file").GetString();
            result.Add(new GateDiagnostic(comment.GetProperty("message").GetString() ?? string.Empty)
            {
                File = file == "-" ? null : file,
                Line = comment.GetProperty("line").GetInt32(),
                Column = comment.GetProperty("column").GetInt32(),
                RuleId = "SC" + comment.GetProperty("code").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
                Severity = comment.GetProperty("level").GetString() switch
                {
                    "error" => GateSeverity.Error,
                    "warning" => GateSeverity.Warning,
                    "info" => GateSeverity.Info,
                    _ => GateSeverity.Style,
                },
            });
        }

        return result;
    }
}
