using System.Collections.Concurrent;

namespace LightFabric.Rules.Actions;

/// <summary>
/// Maps action names (<c>actionClassName</c> / <c>actionRef</c>) to plugins. The built-ins are registered under their
/// short name and their Java class name (<c>com.networknt.rule.*</c>). Rule sets resolve their actions at load time,
/// so registering later affects only rule sets loaded afterwards.
/// </summary>
public sealed class ActionRegistry
{
    /// <summary>The Java package of the built-in action class names.</summary>
    public const string JavaPackage = "com.networknt.rule.";

    private readonly ConcurrentDictionary<string, IRuleAction> _actions = new(StringComparer.Ordinal);

    /// <summary>A registry holding the four built-in actions.</summary>
    public static ActionRegistry CreateDefault()
    {
        var r = new ActionRegistry();
        r.RegisterWithJavaName(RoleBasedAccessControlAction.Name, new RoleBasedAccessControlAction());
        r.RegisterWithJavaName(ResponseRowFilterAction.Name, new ResponseRowFilterAction());
        r.RegisterWithJavaName(ResponseColumnFilterAction.Name, new ResponseColumnFilterAction());
        r.RegisterWithJavaName(ResponseCelRowFilterAction.Name, new ResponseCelRowFilterAction());
        return r;
    }

    /// <summary>Registers <paramref name="action"/> under <paramref name="name"/> and any <paramref name="aliases"/>; replaces existing entries.</summary>
    public ActionRegistry Register(string name, IRuleAction action, params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(action);
        _actions[name] = action;
        foreach (var alias in aliases)
        {
            _actions[alias] = action;
        }

        return this;
    }

    /// <summary>Registers under the short name and <c>com.networknt.rule.&lt;name&gt;</c>.</summary>
    public ActionRegistry RegisterWithJavaName(string shortName, IRuleAction action) =>
        Register(shortName, action, JavaPackage + shortName);

    public bool TryResolve(string name, out IRuleAction action) => _actions.TryGetValue(name.Trim(), out action!);

    /// <summary>Every registered name.</summary>
    public IReadOnlyCollection<string> Names => [.. _actions.Keys];
}
