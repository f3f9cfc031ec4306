namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>How forwarding one request ended.</summary>
internal enum ForwardOutcome
{
    /// <summary>The backend answered and the answer was passed on.</summary>
    Answered,

    /// <summary>No host could be connected to: the backend never received the request.</summary>
    Unreachable,

    /// <summary>No answer within maxRequestTime.</summary>
    TimedOut,

    /// <summary>The exchange with the backend failed after it was sent, or its answer broke off.</summary>
    Failed,

    /// <summary>The client's own request body could not be read.</summary>
    BadRequest,

    ClientLeft,
}

/// <param name="Target">The host the request went to (the last one tried).</param>
/// <param name="Status">The backend's status, when it answered.</param>
internal readonly record struct ForwardResult(ForwardOutcome Outcome, string Target, int Status = 0);
