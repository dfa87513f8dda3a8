// The child process of the crash tests. It runs (or resumes) a durable swarm against a SQLite checkpoint file;
// the test kills it with SIGKILL at random points and starts it again until the run is done.
//
//   swarm  --db F --log L --epoch N [--agents 100] [--calls 15] [--tool-ms 0] [--tool-slots 64]
//                                                                      100 agents x 15 tool calls (chains), idempotent no-op tools
//                                                                      taking tool-ms each, at most tool-slots at once
//   charge --db F --log L --epoch N [--hang] [--policy fail|approve|rerun] [--answer yes|no]
//                                                                      one non-idempotent call; --hang blocks after its effect
//   handler --db F --log L --epoch N [--hang]                          a step calls a non-idempotent tool, then (--hang) blocks
//                                                                      before completing
// Prints "DONE <status>" and exits 0 when the run ended.
using Microsoft.Extensions.DependencyInjection;
using Swarm;
using Swarm.Core.CrashHost;

var mode = args.Length > 0 ? args[0] : "swarm";
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var db = Arg("db", "swarm-crash.db");
var epoch = int.Parse(Arg("epoch", "0"), System.Globalization.CultureInfo.InvariantCulture);
var hang = Array.IndexOf(args, "--hang") >= 0;
var policy = Arg("policy", "fail") switch
{
    "approve" => InFlightToolPolicy.RequireApproval,
    "rerun" => InFlightToolPolicy.RunAgain,
    _ => InFlightToolPolicy.Fail,
};
using var log = new ExecutionLog(Arg("log", "executions.log"), epoch);
var forever = new TaskCompletionSource();

var services = new ServiceCollection();
services.AddSwarm(o =>
{
    o.Checkpoints.Path = db;
    o.Checkpoints.InFlightNonIdempotentTools = policy;
    o.MaxParallelAgents = 100;
    o.MaxConcurrentToolCalls = int.Parse(Arg("tool-slots", "64"), System.Globalization.CultureInfo.InvariantCulture);
    o.ValidateRoles = false;
});
services.AddSingleton<ITool>(new RecordingTool("noop", idempotent: true, log, latencyMs: int.Parse(Arg("tool-ms", "0"), System.Globalization.CultureInfo.InvariantCulture)));
services.AddSingleton<ITool>(new RecordingTool("charge", idempotent: false, log, hang && mode == "charge" ? forever : null));
services.AddSingleton<IStepHandler>(new ChargingHandler(hang ? forever : null));
await using var provider = services.BuildServiceProvider();
var executor = provider.GetRequiredService<ISwarmExecutor>();
var manager = provider.GetRequiredService<ISwarmRunManager>();
var store = provider.GetRequiredService<ICheckpointStore>();

const string RunId = "crash-run";
TaskGraph graph = mode switch
{
    "swarm" => Swarms.Chains(int.Parse(Arg("agents", "100"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Arg("calls", "15"), System.Globalization.CultureInfo.InvariantCulture)),
    "charge" => new TaskGraph
    {
        Id = "charge",
        Goal = "charge once",
        Steps =
        [
            new TaskStep { Id = "prepare", Kind = StepKind.Tool, Tool = "noop", Instruction = "prepare" },
            new TaskStep { Id = "charge", Kind = StepKind.Tool, Tool = "charge", Instruction = "charge the card", DependsOn = ["prepare"] },
        ],
    },
    _ => new TaskGraph
    {
        Id = "handler",
        Goal = "a step that charges, then completes",
        Steps = [new TaskStep { Id = "order", Kind = StepKind.Procedure, Instruction = "charge and confirm" }],
    },
};

var answer = Arg("answer", string.Empty);
SwarmRunResult result;
if (await store.LoadAsync(RunId) is null)
{
    result = await executor.RunAsync(graph, new SwarmRunOptions { RunId = RunId });
}
else
{
    IReadOnlyDictionary<string, string>? answers = null;
    if (answer.Length > 0)
    {
        var pending = await manager.ListInterruptsAsync(RunId, InterruptStatus.Pending);
        answers = pending.ToDictionary(i => i.InterruptId, _ => answer);
    }

    result = await manager.ResumeAsync(RunId, answers);
}

var pendingNow = await manager.ListInterruptsAsync(RunId, InterruptStatus.Pending);
foreach (var interrupt in pendingNow)
{
    Console.WriteLine("PENDING " + interrupt.InterruptId);
}

Console.WriteLine("DONE " + result.Status);
return 0;
