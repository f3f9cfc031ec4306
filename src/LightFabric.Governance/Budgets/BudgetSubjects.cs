using System.Security.Cryptography;
using System.Text;

namespace LightFabric.Governance.Budgets;

/// <summary>The identifiers budgets are keyed by, as SatGate forms them.</summary>
public static class BudgetSubjects
{
    /// <summary>A presented credential's id: the first 12 hex digits of its SHA-256 (the credential itself is never stored).</summary>
    public static string TokenId(string credential) => HexDigest(credential, 12);

    /// <summary>A request's key for replays: the first 16 hex digits of SHA-256 over subject, tool and the raw JSON-RPC id.</summary>
    public static string RequestKey(string subject, string toolName, string rawJsonRpcId) =>
        HexDigest($"{subject}\n{toolName}\n{rawJsonRpcId}", 16);

    private static string HexDigest(string text, int digits) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..digits];
}
