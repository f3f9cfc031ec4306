using System.Text.Json.Nodes;
using LightFabric.Cel.Profiles;
using LightFabric.Rules.Model;

namespace LightFabric.Rules.Actions;

/// <summary>An action plugin: runs after a rule's conditions pass. Implementations must be thread-safe.</summary>
public interface IRuleAction
{
    /// <summary>Runs the action. Returning <see cref="RuleActionResult.Passed"/> false fails the rule.</summary>
    RuleActionResult Execute(RuleActionContext context);
}

/// <summary>An action that checks its <c>actionValues</c> when the rule set loads.</summary>
public interface IValidatingRuleAction : IRuleAction
{
    /// <summary>Problems with <paramref name="actionValues"/> under the rule's CEL <paramref name="profile"/>; empty when valid.</summary>
    IEnumerable<string> Validate(JsonNode? actionValues, CelProfile profile);
}

/// <summary>Response filters declare where they run in <c>res-fil</c>: rows (0) before columns (1) before the rest.</summary>
public interface IResponseFilterAction : IRuleAction
{
    int FilterOrder { get; }
}

/// <summary>What an action sees: the rule, its action entry, the (mutable) rule context and the response, if any.</summary>
public sealed class RuleActionContext
{
    public required RuleDefinition Rule { get; init; }

    public required RuleActionDefinition Action { get; init; }

    /// <summary>The rule context; request-transformation actions may change it.</summary>
    public required JsonObject Context { get; init; }

    /// <summary>The response being filtered (response phases); actions may replace it.</summary>
    public JsonNode? Response { get; set; }

    /// <summary>Whether a response is present (response phases).</summary>
    public bool HasResponse { get; init; }

    /// <summary>Engine options (claim mappings, defaultInclude).</summary>
    public required RuleEngineOptions Options { get; init; }

    /// <summary>Whether a row/column filter keeps data when no claim matches its configuration.</summary>
    public bool DefaultInclude { get; init; }

    /// <summary>The CEL profile the rule runs under.</summary>
    public required CelProfile Profile { get; init; }
}

/// <summary>An action's verdict, with the reason when it fails.</summary>
public readonly record struct RuleActionResult(bool Passed, string? Reason = null)
{
    public static RuleActionResult Pass(string? reason = null) => new(true, reason);

    public static RuleActionResult Fail(string reason) => new(false, reason);
}

/// <summary>
/// An action that only reads the rule context (it may change the response). With <c>accessRuleLogic: any</c> the
/// engine runs such rules on the shared context instead of a copy each.
/// </summary>
public interface IContextPreservingRuleAction : IRuleAction;
