using System.Globalization;
using System.Runtime.InteropServices;

namespace Swarm.Gates;

/// <summary>
/// Kills a tool's whole process tree. Every tool starts as the leader of a new session (through
/// <c>setsid</c>), so its session id is its pid; descendants inherit the session even when their parent
/// exits or they double-fork, and are found by scanning <c>/proc</c>.
/// </summary>
internal static partial class ProcessTree
{
    private const int SigKill = 9;

    /// <summary>Kills the process group and every live process of the session <paramref name="sessionId"/>.</summary>
    /// <returns>How many processes were signalled.</returns>
    public static int KillSession(int sessionId)
    {
        if (sessionId <= 1)
        {
            return 0;
        }

        var signalled = 0;
        _ = Kill(-sessionId, SigKill);

        // New children may be forked while we kill: repeat until the session is empty.
        for (var round = 0; round < 50; round++)
        {
            var members = SessionMembers(sessionId);
            if (members.Count == 0)
            {
                break;
            }

            foreach (var pid in members)
            {
                if (Kill(pid, SigKill) == 0)
                {
                    signalled++;
                }
            }
        }

        return signalled;
    }

    /// <summary>Lists the live (non-zombie) processes of a session.</summary>
    public static List<int> SessionMembers(int sessionId)
    {
        var result = new List<int>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            return result;
        }

        foreach (var dir in entries)
        {
            if (!int.TryParse(dir.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (TryReadStat(pid, out var state, out var session) && session == sessionId && state != 'Z' && state != 'X')
            {
                result.Add(pid);
            }
        }

        return result;
    }

    private static bool TryReadStat(int pid, out char state, out int session)
    {
        state = '?';
        session = 0;

        // Read into a stack buffer: the scan runs after every process, over every process of the machine.
        Span<byte> buffer = stackalloc byte[1024];
        int length;
        try
        {
            using var handle = File.OpenHandle(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            length = RandomAccess.Read(handle, buffer, 0);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        // pid (comm) state ppid pgrp session ... ; comm may contain spaces and parentheses.
        var stat = buffer[..length];
        var close = stat.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= stat.Length)
        {
            return false;
        }

        var rest = stat[(close + 2)..];
        state = (char)rest[0];
        for (var field = 0; field < 3; field++)
        {
            var space = rest.IndexOf((byte)' ');
            if (space < 0)
            {
                return false;
            }

            rest = rest[(space + 1)..];
        }

        var end = rest.IndexOf((byte)' ');
        return System.Buffers.Text.Utf8Parser.TryParse(end < 0 ? rest : rest[..end], out session, out _);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
