namespace LightFabric.Governance.Calls;

/// <summary>How a governed call ended, as the audit trail reports it.</summary>
public enum CallOutcome
{
    Ok,

    /// <summary>The upstream did the work and reported a failure (an MCP tool error result, an HTTP 4xx/5xx answer).</summary>
    ToolError,

    /// <summary>The upstream could not be reached or failed the exchange.</summary>
    UpstreamError,

    Timeout,

    /// <summary>A policy refused the call before it reached the upstream.</summary>
    Denied,

    /// <summary>The caller went away before the answer.</summary>
    Cancelled,
}

public static class CallOutcomes
{
    public static string Name(this CallOutcome outcome) => outcome switch
    {
        CallOutcome.Ok => "ok",
        CallOutcome.ToolError => "tool-error",
        CallOutcome.UpstreamError => "upstream-error",
        CallOutcome.Timeout => "timeout",
        CallOutcome.Denied => "denied",
        _ => "cancelled",
    };
}
