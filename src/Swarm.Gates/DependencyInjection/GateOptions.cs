using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Swarm.Gates;

/// <summary>Options of Swarm.Gates: the gates to register, the pipeline's behaviour, and the process runner's limits.</summary>
/// <remarks>Configure during start-up; not thread-safe.</remarks>
public sealed class GateOptions
{
    private readonly List<Action<IServiceCollection>> registrations = [];
    private readonly List<Func<string?>> checks = [];

    /// <summary>Gets or sets a value indicating whether the pipeline stops after the first stage with a failure.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool StopOnFirstFailure { get; set; } = true;

    /// <summary>Gets the process runner's limits: timeout, output cap, environment allowlist, secret patterns, guardrail.</summary>
    [ValidateObjectMembers]
    public ProcessRunnerOptions Process { get; } = new();

    /// <summary>Adds a built-in tool gate (<see cref="SchemaGate"/>, <see cref="ShellCheckGate"/>, <see cref="ShfmtGate"/>, <see cref="YamlLintGate"/>, <see cref="DotnetFormatGate"/>) or any gate whose constructor the container can satisfy.</summary>
    /// <typeparam name="TGate">The gate type; registered once however often it is added.</typeparam>
    /// <param name="configure">Configures the gate's tool settings.</param>
    /// <returns>These options, for chaining.</returns>
    public GateOptions Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TGate>(Action<GateToolOptions>? configure = null)
        where TGate : class, IGate
    {
        var tool = new GateToolOptions();
        configure?.Invoke(tool);
        checks.Add(() => tool.Validate(typeof(TGate).Name));
        // Built-in gates take their GateToolOptions; a custom gate's constructor may not.
        var takesToolOptions = typeof(TGate).GetConstructors()
            .Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(GateToolOptions)));
        registrations.Add(services => services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IGate, TGate>(sp => takesToolOptions
                ? ActivatorUtilities.CreateInstance<TGate>(sp, tool)
                : ActivatorUtilities.CreateInstance<TGate>(sp))));
        return this;
    }

    /// <summary>Adds a <see cref="CommandGate"/> that runs a test command.</summary>
    /// <param name="name">The gate's name (for example <c>unit</c>).</param>
    /// <param name="command">The executable and its arguments, as an argument vector.</param>
    /// <param name="configure">Configures the stage, failure category, timeout and working directory.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or <paramref name="command"/> has no executable.</exception>
    public GateOptions AddCommand(string name, IEnumerable<string> command, Action<CommandGateOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(command);
        var options = new CommandGateOptions { Name = name };
        foreach (var part in command)
        {
            options.Command.Add(part);
        }

        configure?.Invoke(options);
        checks.Add(options.Validate);
        registrations.Add(services => services.AddSingleton<IGate>(sp => new CommandGate(
            sp.GetRequiredService<IProcessRunner>(),
            options,
            sp.GetService<TimeProvider>(),
            sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>())));
        return this;
    }

    internal void Register(IServiceCollection services)
    {
        foreach (var registration in registrations)
        {
            registration(services);
        }
    }

    internal IEnumerable<string> Problems()
    {
        foreach (var check in checks)
        {
            if (check() is { } problem)
            {
                yield return problem;
            }
        }

        if (Process.DefaultTimeout <= TimeSpan.Zero)
        {
            yield return $"GateOptions.Process.DefaultTimeout must be positive (was {Process.DefaultTimeout}).";
        }

        foreach (var pattern in Process.SecretPatterns)
        {
            string? problem = null;
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                problem = $"GateOptions.Process.SecretPatterns: '{pattern}' is not a valid regular expression: {ex.Message}";
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }
    }
}
