namespace LightFabric.Config.ConfigServer;

public static class AuthorizationHeader
{
    /// <summary>A bare token becomes <c>Bearer token</c>; <c>bearer x</c> becomes <c>Bearer x</c>; other schemes pass.</summary>
    public static string? Normalize(string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var space = value.IndexOf(' ');
        if (space < 0)
        {
            return "Bearer " + value;
        }

        var scheme = value[..space];
        return scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase)
            ? "Bearer " + value[(space + 1)..].TrimStart()
            : value;
    }
}
