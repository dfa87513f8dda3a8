using System.Globalization;
using System.Text.RegularExpressions;

namespace Swarm.Gates;

/// <summary>A tool step that runs a command through the same <see cref="IProcessRunner"/> as the gates.</summary>
/// <remarks>
/// Arguments are an argv list with <c>{name}</c> placeholders filled from the step's arguments, never a shell string;
/// the process tree is killed at the timeout or on cancellation, output is capped and secrets are redacted by the runner.
/// Exit code 0 succeeds with standard output as the step's output; a non-zero exit is a failure of
/// <see cref="ProcessToolOptions.FailureCategory"/>, a timeout is TIMEOUT, a missing executable or a path outside the
/// workspace is INFRA, and a placeholder with no matching argument is SCHEMA. Thread-safe.
/// </remarks>
public sealed partial class ProcessTool : ITool
{
    private readonly IProcessRunner _runner;
    private readonly ProcessToolOptions _options;

    /// <summary>Initializes a new instance of the <see cref="ProcessTool"/> class.</summary>
    /// <param name="runner">The process runner.</param>
    /// <param name="options">The tool's command and policies.</param>
    /// <exception cref="ArgumentNullException"><paramref name="runner"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid; the message names the problem.</exception>
    public ProcessTool(IProcessRunner runner, ProcessToolOptions options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _runner = runner;
        _options = options;
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public bool IsIdempotent => _options.IsIdempotent;

    /// <inheritdoc />
    public async ValueTask<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (string.IsNullOrEmpty(invocation.WorkspaceDirectory))
        {
            return ToolResult.Failure(FailureCategory.Infra, $"Process tool '{Name}' needs a workspace directory; set SwarmOptions.WorkspaceDirectory or SwarmRunOptions.WorkspaceDirectory.");
        }

        var arguments = new List<string>(_options.Command.Count - 1);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < _options.Command.Count; i++)
        {
            arguments.Add(Expand(_options.Command[i], invocation.Arguments, missing));
        }

        string? standardInput = null;
        if (_options.StandardInputArgument is { } inputName && !invocation.Arguments.TryGetValue(inputName, out standardInput))
        {
            missing.Add(inputName);
        }

        if (missing.Count > 0)
        {
            return ToolResult.Failure(
                FailureCategory.Schema,
                $"Process tool '{Name}' needs the step argument(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}, which the step did not give.");
        }

        var request = new ProcessRequest(_options.Command[0], invocation.WorkspaceDirectory)
        {
            Arguments = arguments,
            StandardInput = standardInput,
            WorkingDirectory = _options.WorkingDirectory,
            Timeout = _options.Timeout,
        };

        ProcessResult result;
        try
        {
            result = await _runner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolNotFoundException ex)
        {
            return ToolResult.Failure(FailureCategory.Infra, $"Process tool '{Name}': {ex.Message}");
        }
        catch (WorkspaceEscapeException ex)
        {
            return ToolResult.Failure(FailureCategory.Infra, $"Process tool '{Name}': {ex.Message}");
        }
        catch (DirectoryNotFoundException ex)
        {
            return ToolResult.Failure(FailureCategory.Infra, $"Process tool '{Name}': {ex.Message}");
        }

        if (result.TimedOut)
        {
            return ToolResult.Failure(
                FailureCategory.Timeout,
                string.Create(CultureInfo.InvariantCulture, $"Process tool '{Name}' did not finish within {_options.Timeout.TotalSeconds:0.###} s; its process tree was killed."));
        }

        if (result.ExitCode == 0)
        {
            return ToolResult.Success(result.StandardOutput);
        }

        var output = result.CombinedOutput();
        return ToolResult.Failure(
            _options.FailureCategory,
            string.Create(CultureInfo.InvariantCulture, $"Process tool '{Name}': '{Path.GetFileName(_options.Command[0])}' exited with code {result.ExitCode}:\n{CommandGate.Tail(output)}"),
            CommandGate.ParseErrors(output));
    }

    private static string Expand(string template, IReadOnlyDictionary<string, string> values, SortedSet<string> missing) =>
        Placeholder().Replace(template, match =>
        {
            var name = match.Groups["name"].Value;
            if (values.TryGetValue(name, out var value))
            {
                return value;
            }

            missing.Add(name);
            return match.Value;
        });

    [GeneratedRegex(@"\{(?<name>[A-Za-z_][A-Za-z0-9_.-]*)\}")]
    private static partial Regex Placeholder();
}
