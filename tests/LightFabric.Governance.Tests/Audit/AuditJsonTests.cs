using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Governance.Audit;

namespace LightFabric.Governance.Tests.Audit;

public sealed class AuditJsonTests
{
    private static readonly AuditRecord Sample = new()
    {
        Id = "0195508c-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
        Time = new DateTimeOffset(2025, 3, 1, 12, 30, 45, 123, TimeSpan.FromHours(2)).AddTicks(4567),
        Kind = "mcp",
        Method = "tools/call",
        Target = "search",
        Subject = "alice",
        Decisions = [new AuditDecision("rbac", "allowed", "control"), new AuditDecision("budget", "would-deny", "observe", "BUDGET_EXHAUSTED")],
        Cost = 3,
        Outcome = "ok",
        LatencyMs = 4.25,
        Arguments = new JsonObject { ["q"] = "cats <&> dogs" },
    };

    [Fact]
    public void Lines_are_camel_case_without_nulls_and_times_are_utc_with_milliseconds()
    {
        var json = Encoding.UTF8.GetString(AuditJson.Serialize(Sample));

        Assert.StartsWith("""{"id":"0195508c-1a2b-7c3d-8e4f-5a6b7c8d9e0f","time":"2025-03-01T10:30:45.123Z","kind":"mcp",""", json);
        Assert.Contains("""{"policy":"budget","decision":"would-deny","mode":"observe","code":"BUDGET_EXHAUSTED"}""", json);
        Assert.DoesNotContain("null", json);
        Assert.DoesNotContain("serviceId", json);
        Assert.DoesNotContain('\n', json);
        Assert.Equal(Sample with { Time = Sample.Time.ToUniversalTime().AddTicks(-4567), Decisions = [], Arguments = null },
            AuditJson.Deserialize(Encoding.UTF8.GetBytes(json)) with { Decisions = [], Arguments = null });
    }

    [Fact]
    public void Seal_chains_the_record_and_its_line_is_the_serialized_sealed_record()
    {
        var (sealedRecord, line, hash) = AuditJson.Seal(Sample, AuditJson.GenesisHash);

        Assert.Equal(AuditJson.GenesisHash, sealedRecord.PrevHash);
        Assert.Equal(hash, sealedRecord.Hash);
        // The hash covers the canonical form: the record serialized without its hash, prevHash included.
        var canonical = AuditJson.Serialize(sealedRecord with { Hash = null });
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(canonical)), hash);
        Assert.Contains("\"prevHash\":\"" + AuditJson.GenesisHash + "\"", Encoding.UTF8.GetString(canonical));
        Assert.Equal(AuditJson.Serialize(sealedRecord), line);
        Assert.EndsWith($",\"hash\":\"{hash}\"}}", Encoding.UTF8.GetString(line));
    }

    [Fact]
    public void Unknown_properties_are_not_a_record()
    {
        var line = Encoding.UTF8.GetString(AuditJson.Seal(Sample, AuditJson.GenesisHash).Line).Replace("\"kind\":", "\"approvedBy\":\"x\",\"kind\":");

        Assert.Throws<System.Text.Json.JsonException>(() => AuditJson.Deserialize(Encoding.UTF8.GetBytes(line)));
    }
}
