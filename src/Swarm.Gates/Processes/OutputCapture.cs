using System.Text;

namespace Swarm.Gates;

/// <summary>Drains a stream to its end, keeping at most a fixed number of characters and counting the rest.</summary>
internal sealed class OutputCapture
{
    private readonly StringBuilder kept = new();
    private readonly int maxChars;

    public OutputCapture(int maxChars) => this.maxChars = maxChars;

    public long DroppedChars { get; private set; }

    public string Text => kept.ToString();

    public async Task DrainAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var buffer = new char[8192];
        while (true)
        {
            var read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            var room = maxChars - kept.Length;
            if (room >= read)
            {
                kept.Append(buffer, 0, read);
            }
            else
            {
                if (room > 0)
                {
                    kept.Append(buffer, 0, room);
                }

                DroppedChars += read - Math.Max(room, 0);
            }
        }
    }
}
