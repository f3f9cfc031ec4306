namespace LightFabric.Mcp.Protocol;

public static class McpMethods
{
    public const string Initialize = "initialize";
    public const string Discover = "server/discover";
    public const string SubscriptionsListen = "subscriptions/listen";
    public const string SubscriptionsAcknowledged = "notifications/subscriptions/acknowledged";
    public const string Initialized = "notifications/initialized";
    public const string Ping = "ping";
    public const string ToolsList = "tools/list";
    public const string ToolsCall = "tools/call";
    public const string Cancelled = "notifications/cancelled";
    public const string Progress = "notifications/progress";
    public const string ToolsListChanged = "notifications/tools/list_changed";
    public const string ResourcesList = "resources/list";
    public const string ResourceTemplatesList = "resources/templates/list";
    public const string ResourcesRead = "resources/read";
    public const string ResourcesSubscribe = "resources/subscribe";
    public const string ResourcesUnsubscribe = "resources/unsubscribe";
    public const string ResourceUpdated = "notifications/resources/updated";
    public const string ResourcesListChanged = "notifications/resources/list_changed";
    public const string PromptsList = "prompts/list";
    public const string PromptsGet = "prompts/get";
    public const string PromptsListChanged = "notifications/prompts/list_changed";
    public const string Complete = "completion/complete";
    public const string SetLevel = "logging/setLevel";
    public const string Message = "notifications/message";
}
