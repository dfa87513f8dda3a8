using System.ComponentModel.DataAnnotations;

namespace Swarm.Gates;

/// <summary>Limits and confinement of every process the <see cref="ProcessRunner"/> starts.</summary>
public sealed class ProcessRunnerOptions
{
    /// <summary>Gets or sets the time limit of a process whose request sets none.</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how many characters of each of standard output and standard error are kept.</summary>
    /// <value>The default value is 1,048,576.</value>
    [Range(1, int.MaxValue)]
    public int MaxOutputChars { get; set; } = 1024 * 1024;

    /// <summary>Gets the environment variables passed from the host to a process; a trailing <c>*</c> matches a prefix.</summary>
    /// <value>The default value lists PATH, HOME, locale, temp and .NET/NuGet variables.</value>
    public IList<string> EnvironmentAllowlist { get; } =
    [
        "PATH", "HOME", "USER", "LANG", "LC_*", "TZ", "TMPDIR", "TERM",
        "DOTNET_ROOT", "DOTNET_CLI_HOME", "DOTNET_NOLOGO", "DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "NUGET_PACKAGES",
        "PYENV_ROOT", "PYENV_VERSION",
    ];

    /// <summary>Gets the regular expressions whose matches are replaced by <c>***</c> in output, logs and traces.</summary>
    /// <value>The default value matches common token shapes and <c>key=value</c> secrets.</value>
    public IList<string> SecretPatterns { get; } =
    [
        @"(?i)(?<=\b(?:api[_-]?key|token|secret|password|passwd)\s*[:=]\s*)[^\s""']+",
        @"\bgh[pousr]_[A-Za-z0-9]{30,}\b",
        @"\bsk-[A-Za-z0-9_-]{20,}\b",
        @"\bAKIA[0-9A-Z]{16}\b",
        @"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{16,}",
    ];

    /// <summary>Gets or sets the most processes running at once; <see langword="null"/> derives it from cores and free memory.</summary>
    /// <value>The default value is <see langword="null"/>: min(<see cref="Environment.ProcessorCount"/>, available memory / <see cref="MemoryPerProcessMiB"/>).</value>
    [Range(1, 4096)]
    public int? MaxConcurrentProcesses { get; set; }

    /// <summary>Gets or sets the memory one tool process is assumed to need, for the guardrail.</summary>
    /// <value>The default value is 256 MiB.</value>
    [Range(1, 1024 * 1024)]
    public int MemoryPerProcessMiB { get; set; } = 256;

    /// <summary>Gets or sets the available memory below which a new process waits for a running one to finish.</summary>
    /// <value>The default value is 512 MiB.</value>
    [Range(0, 1024 * 1024)]
    public int MinAvailableMemoryMiB { get; set; } = 512;

    /// <summary>Gets or sets how often a process start that fails transiently (EAGAIN, ETXTBSY, ENOMEM) is retried.</summary>
    /// <value>The default value is 3.</value>
    [Range(0, 10)]
    public int StartRetries { get; set; } = 3;

    /// <summary>Gets or sets a value indicating whether processes the tool left behind in its session are killed when it exits.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool KillLeftoversOnExit { get; set; } = true;
}
