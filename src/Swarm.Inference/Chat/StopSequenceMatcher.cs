using System.Text;

namespace Swarm.Inference;

/// <summary>Streams text while holding back a tail that could still become a stop sequence.</summary>
internal sealed class StopSequenceMatcher(string[] stops)
{
    private readonly StringBuilder pending = new();
    private readonly int hold = stops.Length == 0 ? 0 : stops.Max(s => s.Length) - 1;

    /// <summary>Adds text; returns what can be emitted now. <paramref name="stopped"/> is set when a stop sequence matched (the text before it is returned).</summary>
    public string Push(string text, out bool stopped)
    {
        stopped = false;
        if (stops.Length == 0)
        {
            return text;
        }

        pending.Append(text);
        var current = pending.ToString();
        var cut = -1;
        foreach (var stop in stops)
        {
            var at = current.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
            {
                cut = at;
            }
        }

        if (cut >= 0)
        {
            stopped = true;
            pending.Clear();
            return current[..cut];
        }

        var emit = Math.Max(0, current.Length - hold);
        pending.Remove(0, emit);
        return current[..emit];
    }

    /// <summary>Returns the held-back text at the end of the stream.</summary>
    public string Flush()
    {
        var rest = pending.ToString();
        pending.Clear();
        return rest;
    }
}
