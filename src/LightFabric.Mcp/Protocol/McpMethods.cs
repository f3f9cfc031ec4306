namespace LightFabric.Mcp.Protocol;

public static class McpMethods
{
    public const string Initialize = "initialize";
    public const string Initialized = "notifications/initialized";
    public const string Ping = "ping";
    public const string ToolsList = "tools/list";
    public const string ToolsCall = "tools/call";
    public const string Cancelled = "notifications/cancelled";
    public const string Progress = "notifications/progress";
    public const string ToolsListChanged = "notifications/tools/list_changed";
}
