using System.Text.Json;

namespace Swarm;

/// <summary>Reads and writes task graphs as JSON (camelCase, source-generated, schema in <c>docs/taskgraph.schema.json</c>).</summary>
/// <remarks>Thread-safe. Reading does not validate the graph; call <see cref="TaskGraphValidator.EnsureValid"/> for that.</remarks>
public static class TaskGraphSerializer
{
    /// <summary>Parses a task graph from JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The graph.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="TaskGraphFormatException">The JSON is malformed or does not describe a graph; the message gives the line and position.</exception>
    public static TaskGraph Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, SwarmJsonContext.Default.TaskGraph) ?? throw new TaskGraphFormatException("The JSON is 'null', not a task graph.", 1, 1, "$", null);
        }
        catch (JsonException ex)
        {
            throw ToFormatException(ex);
        }
    }

    /// <summary>Reads a task graph from a UTF-8 JSON stream.</summary>
    /// <param name="utf8Json">The stream.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The graph.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Json"/> is <see langword="null"/>.</exception>
    /// <exception cref="TaskGraphFormatException">The JSON is malformed or does not describe a graph; the message gives the line and position.</exception>
    public static async Task<TaskGraph> DeserializeAsync(Stream utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        try
        {
            return await JsonSerializer.DeserializeAsync(utf8Json, SwarmJsonContext.Default.TaskGraph, cancellationToken).ConfigureAwait(false)
                ?? throw new TaskGraphFormatException("The JSON is 'null', not a task graph.", 1, 1, "$", null);
        }
        catch (JsonException ex)
        {
            throw ToFormatException(ex);
        }
    }

    /// <summary>Loads a task graph from a JSON file.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The graph.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TaskGraphFormatException">The JSON is malformed; the message gives the file, line and position.</exception>
    public static async Task<TaskGraph> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await DeserializeAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            catch (TaskGraphFormatException ex)
            {
                throw new TaskGraphFormatException($"{path}: {ex.Message}", ex.LineNumber, ex.BytePositionInLine, ex.Path, ex.InnerException);
            }
        }
    }

    /// <summary>Writes a task graph as indented JSON text.</summary>
    /// <param name="graph">The graph.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="graph"/> is <see langword="null"/>.</exception>
    public static string Serialize(TaskGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return JsonSerializer.Serialize(graph, SwarmJsonContext.Default.TaskGraph);
    }

    /// <summary>Writes a task graph as UTF-8 JSON to a stream.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="utf8Json">The stream.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the graph is written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="graph"/> or <paramref name="utf8Json"/> is <see langword="null"/>.</exception>
    public static Task SerializeAsync(TaskGraph graph, Stream utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(utf8Json);
        return JsonSerializer.SerializeAsync(utf8Json, graph, SwarmJsonContext.Default.TaskGraph, cancellationToken);
    }

    /// <summary>Saves a task graph to a JSON file, replacing it if it exists.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="path">The file's path.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="graph"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static async Task SaveAsync(TaskGraph graph, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await SerializeAsync(graph, stream, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskGraphFormatException ToFormatException(JsonException ex)
    {
        long? line = ex.LineNumber + 1;
        long? position = ex.BytePositionInLine + 1;
        var where = line is null ? "" : $" at line {line}, position {position}";
        var path = string.IsNullOrEmpty(ex.Path) ? "" : $" (path {ex.Path})";
        return new TaskGraphFormatException($"The task graph JSON is malformed{where}{path}: {ex.Message}", line, position, ex.Path, ex);
    }
}
