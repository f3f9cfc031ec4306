using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;

namespace LightFabric.Mcp.Routing;

/// <summary>tools/list: the catalog, narrowed by the optional query and by what the policy lets this caller see, in pages.</summary>
internal sealed class ToolListing(LiveToolCatalog catalog, IToolCallPolicy? policy, int pageSize)
{
    public JsonObject List(McpRequest request)
    {
        var parameters = request.Params as JsonObject;
        var tools = catalog.Current.Tools;

        // Carried over from light-4j: an optional substring filter over name and description. It runs before the
        // policy so visibility is decided only for the tools the query keeps.
        var filter = JsonFields.Text(parameters?["query"]) ?? JsonFields.Text(parameters?["intent"]);
        if (!string.IsNullOrWhiteSpace(filter))
        {
            tools = tools.Where(t => t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
                || (JsonFields.Text(t.Definition["description"])?.Contains(filter, StringComparison.OrdinalIgnoreCase) ?? false)).ToArray();
        }

        if (policy is not null && tools.Count > 0)
        {
            var visible = policy.Visibility(request, tools.Select(t => new ListedTool(t, ToolEndpoints.For(t))).ToArray());
            tools = tools.Where((_, i) => i < visible.Count && visible[i]).ToArray();
        }

        var offset = ToolCursor.Decode(JsonFields.Text(parameters?["cursor"]));
        if (offset > tools.Count)
        {
            throw new McpException(McpErrorCodes.InvalidParams, "Invalid cursor: it is past the end of the tool list; list again without a cursor");
        }

        var page = new JsonArray();
        var end = Math.Min(tools.Count, offset + Math.Max(1, pageSize));
        for (var i = offset; i < end; i++)
        {
            page.Add(tools[i].Definition.DeepClone());
        }

        var result = new JsonObject { ["tools"] = page };
        if (end < tools.Count)
        {
            result["nextCursor"] = ToolCursor.Encode(end);
        }

        return result;
    }
}
