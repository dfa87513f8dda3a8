using System.Text;
using System.Text.Json;

namespace Swarm;

/// <summary>Exports a run as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing open as a timeline.</summary>
/// <remarks>Each step is a complete ("X") event on a lane of its own while it overlaps others; times are microseconds from the run's start. Thread-safe.</remarks>
public static class ChromeTraceExporter
{
    /// <summary>Exports a run's trace as JSON text.</summary>
    /// <param name="result">The run's result.</param>
    /// <returns>The trace-event JSON.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is <see langword="null"/>.</exception>
    public static string Export(SwarmRunResult result)
    {
        using var stream = new MemoryStream();
        Write(result, stream);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Writes a run's trace as UTF-8 JSON to a stream.</summary>
    /// <param name="result">The run's result.</param>
    /// <param name="utf8Json">The stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> or <paramref name="utf8Json"/> is <see langword="null"/>.</exception>
    public static void Write(SwarmRunResult result, Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var json = new Utf8JsonWriter(utf8Json, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartArray("traceEvents");

        json.WriteStartObject();
        json.WriteString("name", "process_name");
        json.WriteString("ph", "M");
        json.WriteNumber("pid", 1);
        json.WriteStartObject("args");
        json.WriteString("name", $"swarm run {result.RunId}");
        json.WriteEndObject();
        json.WriteEndObject();

        WriteComplete(json, $"run {result.GraphId}", "run", TimeSpan.Zero, result.WallTime, lane: 0, static (_, _) => { }, result);

        var ordered = result.Steps.Where(s => s.Attempts > 0).OrderBy(s => s.StartOffset).ToList();
        var laneEnds = new List<TimeSpan>();
        foreach (var step in ordered)
        {
            var end = step.StartOffset + step.Duration;
            var lane = laneEnds.FindIndex(e => e <= step.StartOffset);
            if (lane < 0)
            {
                laneEnds.Add(end);
                lane = laneEnds.Count - 1;
            }
            else
            {
                laneEnds[lane] = end;
            }

            WriteComplete(json, step.StepId, step.Kind.ToString().ToLowerInvariant(), step.StartOffset, step.Duration, lane + 1, static (w, s) =>
            {
                w.WriteString("status", s.Status.ToString());
                w.WriteString("role", s.Role);
                w.WriteNumber("attempts", s.Attempts);
                if (s.ParentStepId is not null)
                {
                    w.WriteString("parent", s.ParentStepId);
                }

                if (s.DependsOn.Count > 0)
                {
                    w.WriteString("dependsOn", string.Join(", ", s.DependsOn));
                }

                for (var i = 0; i < s.Decisions.Count; i++)
                {
                    w.WriteString($"decision{i + 1}", $"{s.Decisions[i].Action}: {s.Decisions[i].Reason}");
                }
            }, step);
        }

        for (var lane = 0; lane <= laneEnds.Count; lane++)
        {
            json.WriteStartObject();
            json.WriteString("name", "thread_name");
            json.WriteString("ph", "M");
            json.WriteNumber("pid", 1);
            json.WriteNumber("tid", lane);
            json.WriteStartObject("args");
            json.WriteString("name", lane == 0 ? "run" : $"agent {lane}");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteComplete<T>(Utf8JsonWriter json, string name, string category, TimeSpan start, TimeSpan duration, int lane, Action<Utf8JsonWriter, T> args, T state)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("cat", category);
        json.WriteString("ph", "X");
        json.WriteNumber("ts", start.Ticks / 10.0);
        json.WriteNumber("dur", duration.Ticks / 10.0);
        json.WriteNumber("pid", 1);
        json.WriteNumber("tid", lane);
        json.WriteStartObject("args");
        args(json, state);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
