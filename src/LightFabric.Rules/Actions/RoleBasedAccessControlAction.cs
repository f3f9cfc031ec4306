namespace LightFabric.Rules.Actions;

/// <summary>
/// <c>req-acc</c>: passes when a caller role claim is in the endpoint's <c>roles</c> (root-promoted from
/// <c>permission.roles</c>; a space- or comma-separated string or an array). No role claim or no configured roles deny.
/// </summary>
public sealed class RoleBasedAccessControlAction : IContextPreservingRuleAction
{
    public const string Name = "RoleBasedAccessControlAction";

    public RuleActionResult Execute(RuleActionContext context)
    {
        var allowed = PermissionValues.Split(context.Context["roles"]);
        if (allowed.Count == 0)
        {
            return RuleActionResult.Fail("no roles are configured for the endpoint (permission.roles)");
        }

        var callerRoles = ClaimDimensions.Values(context.Context, "role", context.Options);
        if (callerRoles.Count == 0)
        {
            return RuleActionResult.Fail("the caller has no role claim");
        }

        var hit = callerRoles.FirstOrDefault(r => allowed.Contains(r, StringComparer.Ordinal));
        return hit is not null
            ? RuleActionResult.Pass($"role '{hit}' is allowed")
            : RuleActionResult.Fail($"caller roles [{string.Join(", ", callerRoles)}] are not in [{string.Join(", ", allowed)}]");
    }
}
