using Swarm;
using Swarm.Gates;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers commands as tools that the executor's tool steps run through the gates' process runner.</summary>
public static class ProcessToolSwarmBuilderExtensions
{
    /// <summary>Adds a tool step that runs <paramref name="command"/> as a process.</summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="name">The tool's name, as steps name it in <c>tool</c>.</param>
    /// <param name="command">The executable and its arguments; elements may hold <c>{argument}</c> placeholders.</param>
    /// <param name="configure">Configures idempotency, timeout, failure category and standard input.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="command"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The resulting options are invalid; the message names the problem.</exception>
    public static ISwarmBuilder AddProcessTool(this ISwarmBuilder builder, string name, IEnumerable<string> command, Action<ProcessToolOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(command);
        var options = new ProcessToolOptions { Name = name };
        foreach (var part in command)
        {
            options.Command.Add(part);
        }

        configure?.Invoke(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(command));
        }

        if (!builder.Services.Any(d => d.ServiceType == typeof(IProcessRunner)))
        {
            builder.AddGates();
        }

        builder.Services.AddSingleton<ITool>(sp => new ProcessTool(sp.GetRequiredService<IProcessRunner>(), options));
        return builder;
    }
}
