using System.Globalization;

namespace Swarm.Gates;

/// <summary>
/// The hardware guardrail: at most N tool processes at once (from cores and available memory), and a new
/// process waits while available memory is below the configured floor and another process is running.
/// </summary>
internal sealed class ProcessGuardrail : IDisposable
{
    private readonly SemaphoreSlim slots;
    private readonly long minAvailableBytes;
    private readonly Func<long?> availableMemory;
    private readonly TimeProvider timeProvider;
    private int running;

    public ProcessGuardrail(ProcessRunnerOptions options, TimeProvider timeProvider, Func<long?>? availableMemory = null)
    {
        this.timeProvider = timeProvider;
        this.availableMemory = availableMemory ?? ReadAvailableMemory;
        minAvailableBytes = (long)options.MinAvailableMemoryMiB * 1024 * 1024;
        Capacity = options.MaxConcurrentProcesses ?? Derive(Environment.ProcessorCount, this.availableMemory(), options.MemoryPerProcessMiB);
        slots = new SemaphoreSlim(Capacity, Capacity);
    }

    public int Capacity { get; }

    /// <summary>min(cores, available / per-process), at least 1.</summary>
    public static int Derive(int processorCount, long? availableBytes, int memoryPerProcessMiB)
    {
        var byCores = Math.Max(1, processorCount);
        if (availableBytes is not { } bytes)
        {
            return byCores;
        }

        var byMemory = bytes / ((long)memoryPerProcessMiB * 1024 * 1024);
        return (int)Math.Clamp(byMemory, 1, byCores);
    }

    /// <summary>Reads MemAvailable from /proc/meminfo, in bytes; <see langword="null"/> when unknown.</summary>
    public static long? ReadAvailableMemory()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    continue;
                }

                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                {
                    return kib * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Memory floor: wait while memory is short, unless nothing else is running (then waiting cannot help).
            while (Volatile.Read(ref running) > 0 && availableMemory() is { } available && available < minAvailableBytes)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            slots.Release();
            throw;
        }

        Interlocked.Increment(ref running);
        return new Lease(this);
    }

    public void Dispose() => slots.Dispose();

    private sealed class Lease(ProcessGuardrail owner) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner.running);
                owner.slots.Release();
            }
        }
    }
}
