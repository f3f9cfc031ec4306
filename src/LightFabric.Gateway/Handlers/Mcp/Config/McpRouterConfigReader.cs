using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Mcp.Routing;

namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>
/// mcp-router.yml → <see cref="McpRouterSettings"/>: bound to <see cref="McpRouterConfig"/> value by value (JSON text,
/// snake_case aliases and empty blocks accepted by the binder), then checked by one validator per part. Every problem is
/// reported with its key; nothing is half-applied.
/// </summary>
public sealed class McpRouterConfigReader(Action<string, string> problem)
{
    public const string FileName = "mcp-router.yml";

    /// <summary>The keys mcp-router.yml takes, aliases included; derived from the record.</summary>
    public static ConfigKeys Keys { get; } = ConfigKeys.For<McpRouterConfig>();

    public McpRouterSettings Read(JsonObject values, IReadOnlySet<string>? secretPaths = null)
    {
        var bindingProblems = new List<ConfigProblem>();
        var config = ConfigBinder.BindEach<McpRouterConfig>(values, FileName, secretPaths, bindingProblems);
        foreach (var bindingProblem in bindingProblems)
        {
            problem(bindingProblem.Key ?? "", bindingProblem.Message);
        }

        // Read before the tools, whose schemas are compiled with these bounds.
        var schemaOptions = SchemaValidationValidator.Options(config.SchemaValidation, problem);
        return McpRouterValidator.Settings(config, problem) with
        {
            SchemaValidation = schemaOptions,
            Tools = McpToolValidator.Tools(config.Tools, schemaOptions, problem),
            Servers = McpServerValidator.Servers(McpServerEntries.Of(config), problem),
        };
    }
}
