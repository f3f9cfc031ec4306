namespace LightFabric.Gateway.Handlers;

public enum HandlerOutcome
{
    /// <summary>Go on to the next handler in the chain.</summary>
    Continue,

    /// <summary>The response is written; the chain stops here.</summary>
    Completed,
}
