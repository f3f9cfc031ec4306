using LightFabric.Config;
using LightFabric.Gateway.Handlers;

namespace LightFabric.Gateway.Chains;

/// <summary>
/// Expands chain names into the ordered handler ids they run. An item is a chain name or a handler id;
/// chains may reference chains, and a cycle is an error naming the chain.
/// </summary>
public sealed class ChainExpander(IReadOnlyDictionary<string, IReadOnlyList<string>> chains, HandlerRegistry registry)
{
    public IReadOnlyList<string> Expand(IReadOnlyList<string> items, string key, List<ConfigProblem> problems)
    {
        var result = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            ExpandItem(items[i], $"{key}[{i}]", [], result, problems);
        }

        return result;
    }

    /// <summary>Expands one named chain, reporting problems under <paramref name="key"/>.</summary>
    public IReadOnlyList<string> ExpandChain(string name, string key, List<ConfigProblem> problems)
    {
        var result = new List<string>();
        ExpandItem(name, key, [], result, problems);
        return result;
    }

    private void ExpandItem(string item, string key, List<string> stack, List<string> result, List<ConfigProblem> problems)
    {
        if (chains.TryGetValue(item, out var chain))
        {
            if (stack.Contains(item))
            {
                problems.Add(new ConfigProblem(
                    $"chain '{item}' is recursive ({string.Join(" -> ", stack.Append(item))})", HandlerFileModel.FileName, key));
                return;
            }

            stack.Add(item);
            foreach (var inner in chain)
            {
                ExpandItem(inner, key, stack, result, problems);
            }

            stack.RemoveAt(stack.Count - 1);
            return;
        }

        if (registry.Unavailable(item) is { } reason)
        {
            var where = stack.Count > 0 ? $"{reason} (referenced from chain '{stack[^1]}')" : reason;
            problems.Add(new ConfigProblem(where + "; or define a chain with that name", HandlerFileModel.FileName, key));
            return;
        }

        result.Add(item);
    }
}
