using System.Text;
using LightFabric.Mcp.Protocol;

namespace LightFabric.Mcp.Routing;

/// <summary>tools/list cursors: opaque to clients, an offset to the gateway.</summary>
public static class ToolCursor
{
    public static string Encode(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset));

    public static int Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            if (text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(7), out var offset) && offset >= 0)
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw new McpException(McpErrorCodes.InvalidParams, "Invalid cursor: pass back the nextCursor of the previous tools/list unchanged");
    }
}
