using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Swarm.Core.Tests;

/// <summary>Builds a service provider with AddSwarm, a scripted chat client and optional extras.</summary>
public sealed class SwarmHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public SwarmHost(Action<IServiceCollection>? services = null, Action<SwarmOptions>? options = null, TimeProvider? timeProvider = null, Action<ISwarmBuilder>? swarm = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IChatClient>(Chat);
        if (timeProvider is not null)
        {
            collection.AddSingleton(timeProvider);
        }

        services?.Invoke(collection);
        var builder = collection.AddSwarm(o =>
        {
            o.Roles.Add(new SwarmRole("summarizer", "You summarize."));
            options?.Invoke(o);
        });
        swarm?.Invoke(builder);
        _provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public ScriptedChatClient Chat { get; } = new();

    public IServiceProvider Services => _provider;

    public ISwarmExecutor Executor => _provider.GetRequiredService<ISwarmExecutor>();

    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.Zero };

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
