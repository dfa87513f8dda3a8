using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Swarm.Inference.Native;

/// <summary>Forwards ggml and llama log lines (one callback routes both) to an <see cref="ILogger"/>.</summary>
/// <remarks>
/// The callback is an <see cref="UnmanagedCallersOnlyAttribute"/> function: nothing for the GC to collect.
/// Level CONT (5) continues the previous line and keeps its level; partial lines are buffered until a newline.
/// </remarks>
internal static unsafe class NativeLog
{
    private const int LevelCont = 5;
    private static readonly Lock Gate = new();
    private static readonly StringBuilder Pending = new();
    private static ILogger? logger;
    private static readonly Queue<string> Errors = new();
    private static LogLevel pendingLevel = LogLevel.Debug;

    public static void Install(ILogger? target)
    {
        lock (Gate)
        {
            logger = target;
        }

        LlamaNative.llama_log_set(&OnLog, IntPtr.Zero);
    }

    public static void SetLogger(ILogger? target)
    {
        lock (Gate)
        {
            logger = target;
        }
    }

    /// <summary>Forgets the error lines kept for exception messages.</summary>
    public static void ClearRecentErrors()
    {
        lock (Gate)
        {
            Errors.Clear();
        }
    }

    /// <summary>Returns the last error lines llama.cpp logged (at most five), joined for an exception message.</summary>
    public static string RecentErrors()
    {
        lock (Gate)
        {
            if (Pending.Length > 0)
            {
                Flush();
            }

            return string.Join(" | ", Errors);
        }
    }

    internal static LogLevel Map(int level, LogLevel previous) => level switch
    {
        1 => LogLevel.Debug,
        2 => LogLevel.Information,
        3 => LogLevel.Warning,
        4 => LogLevel.Error,
        LevelCont => previous,
        _ => LogLevel.Debug,
    };

    /// <summary>Handles one callback; split out so tests can drive it with managed strings.</summary>
    internal static void Handle(int level, string text)
    {
        lock (Gate)
        {
            if (level != LevelCont && Pending.Length > 0)
            {
                Flush();
            }

            pendingLevel = Map(level, pendingLevel);
            Pending.Append(text);
            if (text.EndsWith('\n'))
            {
                Flush();
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(int level, byte* text, nint userData)
    {
        try
        {
            if (text is null)
            {
                return;
            }

            Handle(level, Marshal.PtrToStringUTF8((nint)text) ?? string.Empty);
        }
        catch (Exception)
        {
            // Never let an exception cross into native code.
        }
    }

    private static void Flush()
    {
        var line = Pending.ToString().TrimEnd('\n', '\r');
        Pending.Clear();
        if (line.Length > 0 && pendingLevel >= LogLevel.Error)
        {
            Errors.Enqueue(line.Trim());
            while (Errors.Count > 5)
            {
                Errors.Dequeue();
            }
        }

        if (line.Length > 0 && logger is { } target && target.IsEnabled(pendingLevel))
        {
            Log.NativeLogLine(target, pendingLevel, line);
        }
    }
}
