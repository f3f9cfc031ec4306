namespace LightFabric.Governance;

/// <summary>What a policy does with a call it would refuse.</summary>
public enum EnforcementMode
{
    /// <summary>Refuse the call before the upstream sees it (SatGate's <c>hard</c>).</summary>
    Control,

    /// <summary>Let the call through and record that it went over (<c>soft-over</c>).</summary>
    Soft,

    /// <summary>Change nothing and record what would have happened (SatGate's <c>shadow</c>).</summary>
    Observe,
}

/// <summary>Mode names as configuration writes them, SatGate's included.</summary>
public static class EnforcementModes
{
    public const string Names = "control (or hard), soft, observe (or shadow)";

    public static bool TryParse(string? text, out EnforcementMode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "control" or "hard":
                mode = EnforcementMode.Control;
                return true;
            case "soft":
                mode = EnforcementMode.Soft;
                return true;
            case "observe" or "shadow":
                mode = EnforcementMode.Observe;
                return true;
            default:
                mode = EnforcementMode.Control;
                return false;
        }
    }

    public static string Name(EnforcementMode mode) => mode switch
    {
        EnforcementMode.Control => "control",
        EnforcementMode.Soft => "soft",
        _ => "observe",
    };
}
