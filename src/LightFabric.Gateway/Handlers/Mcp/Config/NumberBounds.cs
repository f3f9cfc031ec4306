namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>Range checks for whole-number settings; a value out of range is reported and left at its default (null).</summary>
internal static class NumberBounds
{
    public static int? Check(int? value, string key, int minimum, Action<string, string> problem, int maximum = int.MaxValue)
    {
        if (value is not { } number || (number >= minimum && number <= maximum))
        {
            return value;
        }

        problem(key, number < minimum ? $"{number} is below the minimum {minimum}" : $"{number} is above the maximum {maximum}");
        return null;
    }

    /// <summary>A duration in milliseconds, at least 1.</summary>
    public static TimeSpan? Millis(int? value, string key, Action<string, string> problem) =>
        Check(value, key, 1, problem) is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
}
