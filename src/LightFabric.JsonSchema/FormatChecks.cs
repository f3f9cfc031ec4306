using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace LightFabric.JsonSchema;

/// <summary>The <c>format</c> values the gateway can assert (when <see cref="JsonSchemaOptions.AssertFormat"/> is on).</summary>
internal static partial class FormatChecks
{
    /// <summary>True or false for a known format; null for a format this validator does not know (it passes).</summary>
    public static bool? Check(string format, string value) => format switch
    {
        "date-time" => IsDateTime(value),
        "date" => IsDate(value),
        "time" => IsTime(value),
        "email" => IsEmail(value),
        "uri" => Scheme().IsMatch(value) && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme.Length > 0 && !value.Any(char.IsWhiteSpace),
        "uuid" => Uuid().IsMatch(value),
        "ipv4" => IsIPv4(value),
        "ipv6" => value.Contains(':', StringComparison.Ordinal) && !value.Contains('%', StringComparison.Ordinal)
            && IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6,
        _ => null,
    };

    private static bool IsDateTime(string value)
    {
        var t = value.IndexOfAny(['T', 't']);
        return t == 10 && IsDate(value[..t]) && IsTime(value[(t + 1)..]);
    }

    private static bool IsDate(string value) =>
        Date().IsMatch(value) && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static bool IsTime(string value)
    {
        var match = Time().Match(value);
        if (!match.Success)
        {
            return false;
        }

        int Part(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].ValueSpan, CultureInfo.InvariantCulture) : 0;
        return Part("h") <= 23 && Part("m") <= 59 && Part("s") <= 60 && Part("oh") <= 23 && Part("om") <= 59;
    }

    private static bool IsEmail(string value)
    {
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1 || at > 64 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var local = value[..at];
        var domain = value[(at + 1)..];
        return !local.StartsWith('.') && !local.EndsWith('.') && !local.Contains("..", StringComparison.Ordinal)
            && !local.Contains('@', StringComparison.Ordinal)
            && (domain.StartsWith('[') && domain.EndsWith(']') || Domain().IsMatch(domain));
    }

    private static bool IsIPv4(string value)
    {
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)
            && (p.Length == 1 || p[0] != '0') && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    private static partial Regex Date();

    [GeneratedRegex("^(?<h>[0-9]{2}):(?<m>[0-9]{2}):(?<s>[0-9]{2})(\\.[0-9]+)?([Zz]|[+-](?<oh>[0-9]{2}):(?<om>[0-9]{2}))$")]
    private static partial Regex Time();

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex Domain();
}
