using System.Runtime.InteropServices;
using System.Text.Json;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Profiles;

/// <summary>Builds activations over a JSON request/response context as a profile prescribes.</summary>
public static class CelContext
{
    /// <summary>The name under which the whole context is bound when the profile exposes it.</summary>
    public const string ContextRootName = "context";

    /// <summary>
    /// Binds top-level members of <paramref name="context"/> as variables (when the profile exposes aliases; strict
    /// profiles only their curated roots) and the whole object as <c>context</c> when the profile allows it.
    /// </summary>
    /// <exception cref="ArgumentException">The context is not an object or exceeds the profile's size limit.</exception>
    public static CelActivation FromJson(JsonElement context, CelProfile profile)
    {
        if (context.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("the CEL context must be a JSON object", nameof(context));
        }

        var size = JsonMarshal.GetRawUtf8Value(context).Length;
        if (size > profile.MaxContextBytes)
        {
            throw new ArgumentException(
                $"the CEL context is {size} bytes, above the '{profile.Name}' profile limit of {profile.MaxContextBytes} bytes",
                nameof(context));
        }

        var roots = profile.ExposeTopLevelAliases ? profile.AllowedRootVariables : new HashSet<string>();
        return CelActivation.FromJson(context, profile.ExposeContextRoot ? ContextRootName : null, roots);
    }
}
