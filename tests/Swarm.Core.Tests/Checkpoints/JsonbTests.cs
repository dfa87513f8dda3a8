#pragma warning disable VSTHRD103 // Plain synchronous SQLite calls check the bytes in these tests.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Swarm.Core.Tests.Checkpoints;

/// <summary>
/// The JSONB the store writes (records and graphs since schema v3), checked by the SQLite the store runs on: strictly well-formed
/// (<c>json_valid(x, 8)</c>), rendered by <c>json(x)</c> as the JSON it encodes, and read back equal.
/// </summary>
public sealed class JsonbTests : IDisposable
{
    private readonly SqliteConnection _sqlite = new("Data Source=:memory:");

    public JsonbTests() => _sqlite.Open();

    public void Dispose() => _sqlite.Dispose();

    public static TheoryData<string> Documents() =>
    [
        "null",
        "true",
        "[]",
        "{}",
        """[1,-2,0,9007199254740993,1.5,-0.25,1E+20,2.5e-7]""",
        """{"a":"plain","b":"quote \" backslash \\ newline \n tab \t unicode \u00e9 \u2713 control \u0001","c":[true,false,null]}""",
        """{"nested":{"deeper":[[[{"x":[]}]]],"empty":""},"é✓":"key with non-ASCII"}""",
        """[[1,2,3,4,5],[1,2,3,4,5,6],{"k":"0123456789"}]""",
        "[\"" + new string('x', 11) + "\",\"" + new string('y', 12) + "\",\"" + new string('z', 255) + "\",\"" + new string('w', 256) + "\"]",
        "{\"big\":\"" + new string('b', 65_535) + "\",\"bigger\":\"" + new string('c', 65_536) + "\"}",
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void WriteJson_AnyDocument_SqliteFindsItWellFormed_AndRendersTheSameJson(string json)
    {
        var writer = new JsonbWriter(4);
        writer.WriteJson(Encoding.UTF8.GetBytes(json));

        var (valid, rendered) = Check(writer.WrittenSpan.ToArray());

        Assert.Equal(1L, valid);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(rendered!)), $"SQLite rendered {Shorten(rendered)} for {Shorten(json)}.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("needs \"escaping\" \\ \n \u0007")]
    [InlineData("non-ASCII é ✓ 𝄞")]
    [InlineData("exactly eleven")]
    public void WriteString_ReadBackBySqlite_EqualsTheString(string value)
    {
        var writer = new JsonbWriter();
        var mark = writer.StartContainer();
        writer.WriteString(value);
        writer.WriteString(null);
        writer.WriteInt64(long.MinValue);
        writer.WriteInt64(long.MaxValue);
        writer.EndContainer(mark, JsonbWriter.Array);

        using var command = _sqlite.CreateCommand();
        command.CommandText = "SELECT json_valid($b, 8), $b ->> 0, $b ->> 1 IS NULL, $b ->> 2, $b ->> 3;";
        command.Parameters.AddWithValue("$b", writer.WrittenSpan.ToArray());
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(1L, reader.GetInt64(0));
        Assert.Equal(value, reader.GetString(1));
        Assert.Equal(1L, reader.GetInt64(2));
        Assert.Equal(long.MinValue, reader.GetInt64(3));
        Assert.Equal(long.MaxValue, reader.GetInt64(4));
    }

    [Fact]
    public void EndContainer_EverySize_UsesTheShortestHeader()
    {
        // Payloads of 0..11 bytes fit the header byte; 12..255 take one size byte; 256..65535 two; more four.
        foreach (var (payload, header) in new[] { (0, 1), (11, 1), (12, 2), (255, 2), (256, 3), (65_535, 3), (65_536, 5) })
        {
            var writer = new JsonbWriter();
            var mark = writer.StartContainer();
            for (var i = 0; i < payload; i++)
            {
                writer.WriteNull();
            }

            writer.EndContainer(mark, JsonbWriter.Array);

            Assert.Equal(payload + header, writer.Length);
            var (valid, rendered) = Check(writer.WrittenSpan.ToArray());
            Assert.Equal(1L, valid);
            Assert.Equal(payload, JsonNode.Parse(rendered!)!.AsArray().Count);
        }
    }

    [Fact]
    public void StepRecord_FullAndMinimal_SqliteRendersThem_AndTheyReadBackEqual()
    {
        StepRecord[] records =
        [
            DurableSamples.FullRecord(),
            new StepRecord { StepId = "minimal", Status = StepStatus.Succeeded },
            new StepRecord { StepId = "deps-only", Status = StepStatus.Skipped, Kind = StepKind.Tool, DependsOn = ["a", "b"], Role = "worker", Attempts = 1, Output = "o" },
            new StepRecord { StepId = "extras-only", Status = StepStatus.Failed, ParentStepId = "p", Output = null },
        ];

        var row = new JsonbWriter();
        var mark = row.StartContainer();
        foreach (var record in records)
        {
            var bytes = StepRecordJsonb.Encode(record);
            Assert.Equal(1L, Check(bytes).Valid);
            StepRecordJsonb.Write(row, record);
        }

        row.EndContainer(mark, JsonbWriter.Array);
        var (valid, rendered) = Check(row.WrittenSpan.ToArray());
        var back = StepRecordJsonb.ReadArray(Encoding.UTF8.GetBytes(rendered!));

        Assert.Equal(1L, valid);
        Assert.Equal(records.Select(DurableSamples.Named), back.Select(DurableSamples.Named));
    }

    [Fact]
    public void StepRecord_IsAFractionOfItsNamedJson()
    {
        var record = new StepRecord
        {
            StepId = "a022-c01",
            DependsOn = ["a022-c00"],
            Kind = StepKind.Tool,
            Role = "worker",
            Status = StepStatus.Succeeded,
            Attempts = 1,
            Output = "a022-c01",
            StartOffset = TimeSpan.FromTicks(13148),
            Duration = TimeSpan.FromTicks(13),
            WorkDuration = TimeSpan.FromTicks(7),
        };

        var jsonb = StepRecordJsonb.Encode(record).Length;
        var named = Encoding.UTF8.GetByteCount(StepRecordJson.Serialize(record));

        Assert.True(jsonb * 2 < named, $"The positional JSONB record takes {jsonb} bytes, the named JSON {named}.");
    }

    [Fact]
    public void StepRecord_ReadArray_EmptyArray_ReadsNoRecords() => Assert.Empty(StepRecordJsonb.ReadArray("[]"u8));

    [Theory]
    [InlineData("[[\"s\",2]]")]
    [InlineData("[[\"s\",\"two\",1,1,null,0,0,0,null]]")]
    [InlineData("[{\"stepId\":\"s\"}]")]
    [InlineData("[[\"s\",2,1,1,null,0,0,0,null,[],{},\"extra\"]]")]
    public void StepRecord_ReadArray_NotPositionalRecords_Throws(string json) => AssertRejected(json, bytes => StepRecordJsonb.ReadArray(bytes));

    [Fact]
    public void TaskGraph_PlainAndFullSteps_SqliteRendersIt_AndItReadsBackEqual()
    {
        var graph = DurableSamples.FullGraph();
        graph.Goal = "goal \"quoted\" ✓";
        graph.Steps.Insert(1, new TaskStep { Id = "plain", Role = "coder", Instruction = "line\nbreak", DependsOn = ["bare"], Kind = StepKind.Tool, Tool = "noop" });
        graph.Steps[2].DependsOn = ["bare", "plain"];

        var writer = new JsonbWriter();
        TaskGraphJsonb.Write(writer, graph);
        var (valid, rendered) = Check(writer.WrittenSpan.ToArray());
        var back = TaskGraphJsonb.Read(Encoding.UTF8.GetBytes(rendered!));

        Assert.Equal(1L, valid);
        Assert.Equal(JsonSerializer.Serialize(graph, DurableJsonContext.Default.TaskGraph), JsonSerializer.Serialize(back, DurableJsonContext.Default.TaskGraph));
        Assert.StartsWith("""["g","goal \"quoted\" ✓",[["bare",null,"",[],0,null],["plain","coder","line\nbreak",["bare"],1,"noop"],{"id":"full",""", rendered, StringComparison.Ordinal);

        var withoutBudget = new JsonbWriter();
        graph.Budget = null;
        TaskGraphJsonb.Write(withoutBudget, graph);
        Assert.Null(TaskGraphJsonb.Read(Encoding.UTF8.GetBytes(Check(withoutBudget.WrittenSpan.ToArray()).Rendered!)).Budget);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[\"g\",\"goal\"]")]
    [InlineData("[\"g\",\"goal\",[[\"a\",null,\"\",\"not deps\",0,null]]]")]
    [InlineData("[\"g\",\"goal\",[7]]")]
    [InlineData("[\"g\",\"goal\",[],{},\"extra\"]")]
    public void TaskGraph_Read_NotAStoredGraph_Throws(string json) => AssertRejected(json, bytes => TaskGraphJsonb.Read(bytes));

    /// <summary>Asserts that reading the text throws one of the exceptions the store turns into a <see cref="CheckpointSchemaException"/>.</summary>
    private static void AssertRejected(string json, Func<byte[], object> read)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var ex = Record.Exception(() => read(bytes));
        Assert.True(ex is JsonException or InvalidOperationException or FormatException, $"Reading {json} threw {ex?.GetType().Name ?? "nothing"}.");
    }

    private static string Shorten(string? text) => text is null ? "null" : text.Length <= 200 ? text : text[..200] + "…";

    private (long Valid, string? Rendered) Check(byte[] jsonb)
    {
        using var command = _sqlite.CreateCommand();
        command.CommandText = "SELECT json_valid($b, 8), CASE WHEN json_valid($b, 8) THEN json($b) END;";
        command.Parameters.AddWithValue("$b", jsonb);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
