using System.Collections;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Swarm.Gates;

/// <summary>
/// The one process runner behind every gate and tool step: argv only (no shell), the tool in its own
/// session so its whole process tree is killed at timeout or cancellation, output capped, environment from
/// an allowlist, working directory confined to the workspace, secrets redacted, concurrency bounded by a
/// hardware guardrail, and transient start failures retried with Polly.
/// </summary>
/// <remarks>Thread-safe: share one instance. Linux only (it relies on <c>setsid</c> from util-linux and <c>/proc</c>).</remarks>
public sealed class ProcessRunner : IProcessRunner, IDisposable
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(5);

    private readonly ProcessRunnerOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly ProcessGuardrail guardrail;
    private readonly ResiliencePipeline startPipeline;
    private readonly Lazy<string> setsid;

    /// <summary>Initializes a new instance of the <see cref="ProcessRunner"/> class.</summary>
    /// <param name="options">Limits and confinement; <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">The clock for timeouts and durations; <see langword="null"/> uses the system clock.</param>
    /// <param name="logger">The logger; <see langword="null"/> logs nothing.</param>
    /// <exception cref="ArgumentException">A secret pattern is not a valid regular expression.</exception>
    public ProcessRunner(ProcessRunnerOptions? options = null, TimeProvider? timeProvider = null, ILogger<ProcessRunner>? logger = null)
    {
        this.options = options ?? new ProcessRunnerOptions();
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        Redactor = new SecretRedactor(this.options.SecretPatterns);
        guardrail = new ProcessGuardrail(this.options, this.timeProvider);
        startPipeline = this.options.StartRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = this.timeProvider }
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Win32Exception>(IsTransientStartFailure),
                    MaxRetryAttempts = this.options.StartRetries,
                    Delay = TimeSpan.FromMilliseconds(50),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                })
                .Build();
        setsid = new Lazy<string>(() => ResolveExecutable("setsid", System.Environment.GetEnvironmentVariable("PATH") ?? DefaultPath, "/", "apt-get install util-linux"));
    }

    /// <summary>Gets how many processes this runner lets run at once (the hardware guardrail).</summary>
    public int MaxConcurrentProcesses => guardrail.Capacity;

    /// <summary>Gets the redactor applied to output, arguments, logs and traces.</summary>
    public SecretRedactor Redactor { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">The workspace or working directory does not exist.</exception>
    public async Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        var workspace = WorkspacePath.ResolveWorkspace(request.WorkspaceDirectory);
        var workingDirectory = request.WorkingDirectory is null ? workspace : WorkspacePath.Resolve(workspace, request.WorkingDirectory);
        if (!Directory.Exists(workingDirectory))
        {
            throw new DirectoryNotFoundException($"Working directory '{request.WorkingDirectory}' does not exist in the workspace '{workspace}'.");
        }

        var environment = BuildEnvironment(request);
        var executable = ResolveExecutable(request.FileName, environment.GetValueOrDefault("PATH") ?? DefaultPath, workingDirectory, installHint: null);
        var timeout = request.Timeout ?? options.DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(request));

        using var lease = await guardrail.AcquireAsync(cancellationToken).ConfigureAwait(false);

        var redactedArguments = Redactor.Redact(string.Join(' ', request.Arguments.Select(Quote)));
        using var activity = GatesDiagnostics.ActivitySource.StartActivity("process " + Path.GetFileName(executable));
        activity?.SetTag("process.executable.path", executable);
        activity?.SetTag("process.command_args", redactedArguments);
        activity?.SetTag("process.working_directory", workingDirectory);
        Log.ProcessStarting(logger, executable, redactedArguments, workingDirectory);

        var startInfo = new ProcessStartInfo(setsid.Value)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };

        // setsid(1) execs the tool in place as the leader of a new session and process group; the tool's pid is the session id.
        startInfo.ArgumentList.Add(executable);
        foreach (var argument in request.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var started = timeProvider.GetTimestamp();
        using var process = startPipeline.Execute(static info => Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned no process."), startInfo);
        var sessionId = process.Id;
        activity?.SetTag("process.pid", sessionId);

        var stdout = new OutputCapture(options.MaxOutputChars);
        var stderr = new OutputCapture(options.MaxOutputChars);
        var drains = Task.WhenAll(
            stdout.DrainAsync(process.StandardOutput, CancellationToken.None),
            stderr.DrainAsync(process.StandardError, CancellationToken.None));
        var feed = FeedInputAsync(process.StandardInput, request.StandardInput);

        var killed = false;
        using (var timeoutSource = new CancellationTokenSource(timeout, timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token))
        {
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                killed = true;
                var count = ProcessTree.KillSession(sessionId);
                Log.ProcessKilled(logger, executable, sessionId, count, cancellationToken.IsCancellationRequested ? "canceled" : "timed out");
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (!killed && options.KillLeftoversOnExit)
        {
            var leftovers = ProcessTree.KillSession(sessionId);
            if (leftovers > 0)
            {
                Log.LeftoversKilled(logger, executable, sessionId, leftovers);
            }
        }

        await feed.ConfigureAwait(false);
        await DrainAsync(process, drains, executable).ConfigureAwait(false);
        var duration = timeProvider.GetElapsedTime(started);

        if (killed && cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "canceled");
            throw new OperationCanceledException($"The run of '{executable}' was canceled; its process tree was killed.", cancellationToken);
        }

        var exitCode = process.ExitCode;
        activity?.SetTag("process.exit.code", exitCode);
        if (killed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "timed out");
            Log.ProcessTimedOut(logger, executable, timeout);
        }
        else
        {
            Log.ProcessExited(logger, executable, exitCode, duration);
        }

        return new ProcessResult
        {
            FileName = executable,
            ExitCode = exitCode,
            ProcessId = sessionId,
            TimedOut = killed,
            StandardOutput = Redactor.Redact(stdout.Text),
            StandardError = Redactor.Redact(stderr.Text),
            StandardOutputDroppedChars = stdout.DroppedChars,
            StandardErrorDroppedChars = stderr.DroppedChars,
            Duration = duration,
        };
    }

    /// <inheritdoc />
    public void Dispose() => guardrail.Dispose();

#pragma warning disable VSTHRD003 // The drain tasks were started by this run, on the thread pool.
    private async Task DrainAsync(Process process, Task drains, string executable)
    {
        try
        {
            await drains.WaitAsync(DrainGrace, timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A process outside the session still holds the pipes: stop reading rather than hang.
            Log.OutputAbandoned(logger, executable);
            process.Dispose();
            try
            {
                await drains.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // Reading was cut short on purpose.
            }
        }
    }
#pragma warning restore VSTHRD003

    private static async Task FeedInputAsync(StreamWriter input, string? text)
    {
        try
        {
            if (text is not null)
            {
                await input.WriteAsync(text).ConfigureAwait(false);
                await input.FlushAsync().ConfigureAwait(false);
            }

            input.Close();
        }
        catch (IOException)
        {
            // The tool exited or closed its input before reading all of it (EPIPE).
        }
    }

    private Dictionary<string, string> BuildEnvironment(ProcessRequest request)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value && IsAllowed(name))
            {
                result[name] = value;
            }
        }

        foreach (var (name, value) in request.Environment)
        {
            result[name] = value;
        }

        return result;
    }

    private bool IsAllowed(string name)
    {
        foreach (var allowed in options.EnvironmentAllowlist)
        {
            if (allowed.EndsWith('*')
                ? name.StartsWith(allowed[..^1], StringComparison.Ordinal)
                : string.Equals(name, allowed, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string ResolveExecutable(string fileName, string path, string workingDirectory, string? installHint)
    {
        var hint = installHint is null ? string.Empty : $" Install it: {installHint}.";
        if (fileName.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(fileName, workingDirectory);
            return IsExecutable(full)
                ? full
                : throw new ToolNotFoundException(fileName, $"Tool '{fileName}' was not found or is not executable at '{full}'.{hint}", null);
        }

        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, fileName);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        throw new ToolNotFoundException(fileName, $"Tool '{fileName}' was not found on PATH ({path}).{hint}", null);
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }

    private static bool IsTransientStartFailure(Win32Exception exception) =>
        exception.NativeErrorCode is 11 /* EAGAIN */ or 12 /* ENOMEM */ or 26 /* ETXTBSY */;

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or ',')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
