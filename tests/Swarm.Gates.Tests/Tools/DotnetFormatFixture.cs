namespace Swarm.Gates.Tests.Tools;

/// <summary>Runs <c>dotnet format</c> once on a tiny, offline-restorable class library with a formatting error, and once on a clean copy.</summary>
public sealed class DotnetFormatFixture : IAsyncLifetime
{
    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
          </PropertyGroup>
        </Project>
        """;

    private readonly ProcessRunner runner = new();

    public TestWorkspace Bad { get; } = new();

    public TestWorkspace Good { get; } = new();

    public GateResult BadResult { get; private set; } = null!;

    public GateResult GoodResult { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Bad.Write("Fixture.csproj", Project);
        Bad.Write("Greeter.cs", "namespace Fixture;\n\npublic static class Greeter\n{\n        public static string Greet(string name)  =>  \"Hello \" + name;\n}\n");
        Good.Write("Fixture.csproj", Project);
        Good.Write("Greeter.cs", "namespace Fixture;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hello \" + name;\n}\n");

        var gate = new DotnetFormatGate(runner);
        var results = await Task.WhenAll(
            gate.EvaluateAsync(new GateContext("bad", Bad.Path)),
            gate.EvaluateAsync(new GateContext("good", Good.Path)));
        (BadResult, GoodResult) = (results[0], results[1]);
    }

    public Task DisposeAsync()
    {
        runner.Dispose();
        Bad.Dispose();
        Good.Dispose();
        return Task.CompletedTask;
    }
}
