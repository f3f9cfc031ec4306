namespace LightFabric.Governance.Calls;

/// <summary>A policy in control mode refused the call; nothing reached the upstream.</summary>
public sealed class CallDeniedException(StepDecision decision) : Exception(decision.Reason ?? $"denied by {decision.Policy}")
{
    public StepDecision Decision { get; } = decision;
}
