using LightFabric.Governance.Audit;
using Microsoft.Extensions.Logging;

namespace LightFabric.Governance.Tests.Audit;

public sealed class AuditChainTests : AuditTestKit
{
    [Fact]
    public async Task A_written_chain_verifies_from_genesis()
    {
        await WriteAsync(5);

        var result = AuditVerifier.Verify(JsonlFiles());

        Assert.True(result.Ok, result.Reason);
        Assert.Equal(5, result.Records);
        Assert.True(result.StartsAtGenesis);
        var lines = File.ReadAllLines(CurrentFile).Select(l => AuditJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(l))).ToList();
        Assert.Equal(AuditJson.GenesisHash, lines[0].PrevHash);
        for (var i = 1; i < lines.Count; i++)
        {
            Assert.Equal(lines[i - 1].Hash, lines[i].PrevHash);
        }

        Assert.Equal(lines[^1].Hash, result.LastHash);
    }

    [Fact]
    public async Task Tampering_with_one_field_names_that_line()
    {
        await WriteAsync(4);
        var lines = File.ReadAllLines(CurrentFile);
        lines[2] = lines[2].Replace("\"outcome\":\"ok\"", "\"outcome\":\"denied\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(CurrentFile, lines);

        var result = AuditVerifier.Verify(JsonlFiles());

        Assert.False(result.Ok);
        Assert.Equal(CurrentFile, result.File);
        Assert.Equal(3, result.Line);
        Assert.Equal(AuditVerifier.HashMismatch, result.Reason);
        Assert.Equal(2, result.Records);
    }

    [Fact]
    public async Task Deleting_a_line_names_the_one_after_it()
    {
        await WriteAsync(4);
        var lines = File.ReadAllLines(CurrentFile).ToList();
        lines.RemoveAt(1);
        await File.WriteAllLinesAsync(CurrentFile, lines);

        var result = AuditVerifier.Verify(JsonlFiles());

        Assert.False(result.Ok);
        Assert.Equal(2, result.Line);
        Assert.Equal(AuditVerifier.PrevHashMismatch, result.Reason);
    }

    [Fact]
    public async Task A_line_that_is_not_json_or_is_respelled_is_named()
    {
        await WriteAsync(3);
        var lines = File.ReadAllLines(CurrentFile);
        await File.WriteAllLinesAsync(CurrentFile, [lines[0], "not json", lines[2]]);
        Assert.Equal((2L, AuditVerifier.NotARecord), Failure(AuditVerifier.Verify(JsonlFiles())));

        // Same record, hash still right, but spelled with a space: not the canonical bytes.
        await File.WriteAllLinesAsync(CurrentFile, [lines[0], lines[1].Replace("\"kind\":", "\"kind\": ", StringComparison.Ordinal), lines[2]]);
        Assert.Equal((2L, AuditVerifier.NotCanonical), Failure(AuditVerifier.Verify(JsonlFiles())));
    }

    [Fact]
    public async Task The_chain_carries_across_a_daily_rotation_in_whatever_order_the_files_are_given()
    {
        await using (var writer = Writer())
        {
            await writer.AppendAsync(Record(), default);
            await writer.AppendAsync(Record(), default);
            Clock.Advance(TimeSpan.FromHours(14)); // 2025-03-02T00:00Z
            await writer.AppendAsync(Record(), default);
            Clock.Advance(TimeSpan.FromDays(1));
            await writer.AppendAsync(Record(), default);
        }

        var files = JsonlFiles().Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal<string>(["audit-2025-03-01.jsonl", "audit-2025-03-02.jsonl", "audit.jsonl"], files);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(JsonlDirectory, "audit-2025-03-01.jsonl")).Length);

        var result = AuditVerifier.Verify(JsonlFiles().Reverse());

        Assert.True(result.Ok, $"{result.File}:{result.Line}: {result.Reason}");
        Assert.Equal(4, result.Records);
        Assert.Equal(CurrentFile, result.Files[^1]);
        Assert.EndsWith("audit-2025-03-01.jsonl", result.Files[0]);

        // Without the oldest file, the rest still chains; it just does not start at genesis.
        var partial = AuditVerifier.Verify(JsonlFiles().Where(f => !f.EndsWith("03-01.jsonl", StringComparison.Ordinal)));
        Assert.True(partial.Ok);
        Assert.False(partial.StartsAtGenesis);
    }

    [Fact]
    public async Task A_restarted_writer_continues_the_chain_from_the_last_file()
    {
        await WriteAsync(2);
        await WriteAsync(2, AuditDurability.Batched);

        var result = AuditVerifier.Verify(JsonlFiles());

        Assert.True(result.Ok, result.Reason);
        Assert.Equal(4, result.Records);
    }

    [Fact]
    public async Task A_restart_after_a_rotation_continues_from_the_newest_rotated_file()
    {
        await WriteAsync(2);
        // As if the gateway stopped right after a rotation, before writing the new day's first record.
        File.Move(CurrentFile, Path.Combine(JsonlDirectory, "audit-2025-03-01.jsonl"));
        Clock.Advance(TimeSpan.FromDays(1));
        await WriteAsync(1);

        var result = AuditVerifier.Verify(JsonlFiles());

        Assert.True(result.Ok, result.Reason);
        Assert.Equal(3, result.Records);
    }

    [Fact]
    public async Task A_torn_last_line_is_reported_then_moved_aside_by_the_next_writer()
    {
        await WriteAsync(3);
        var torn = """{"id":"0195508c-1a2b-7c3d-8e4f-5a6b7c8d9e0f","time":"2025-03-""";
        await File.AppendAllTextAsync(CurrentFile, torn);

        var before = AuditVerifier.Verify(JsonlFiles());
        Assert.False(before.Ok);
        Assert.Equal((4L, AuditVerifier.TornLastLine), Failure(before));
        Assert.Equal(3, before.Records);

        await WriteAsync(1);

        var after = AuditVerifier.Verify(JsonlFiles());
        Assert.True(after.Ok, after.Reason);
        Assert.Equal(4, after.Records);
        Assert.Equal(torn + "\n", await File.ReadAllTextAsync(Path.Combine(JsonlDirectory, JsonlAuditFile.TornName)));
        Assert.Equal(1, Logger.Count(LogLevel.Warning, "torn line"));
    }

    [Fact]
    public async Task A_file_that_is_only_a_torn_line_starts_the_chain_afresh()
    {
        Directory.CreateDirectory(JsonlDirectory);
        await File.WriteAllTextAsync(CurrentFile, "{\"id\":");
        await WriteAsync(2);

        var result = AuditVerifier.Verify(JsonlFiles());

        Assert.True(result.Ok, result.Reason);
        Assert.True(result.StartsAtGenesis);
        Assert.Equal(2, result.Records);
    }

    private static (long, string) Failure(AuditVerification result) => (result.Line ?? 0, result.Reason ?? "");
}
