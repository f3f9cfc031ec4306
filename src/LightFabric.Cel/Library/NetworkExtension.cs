using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;
using static LightFabric.Cel.Library.StandardLibrary;

namespace LightFabric.Cel.Library;

/// <summary>An IPv4 or IPv6 address (<c>net.IP</c>).</summary>
public sealed class CelIpAddress : CelOpaque
{
    internal CelIpAddress(IPAddress address) => Address = address;

    public IPAddress Address { get; }

    public override CelType Type => CelType.IpAddress;

    public override object? ToClr() => Address;

    public override bool OpaqueEquals(CelOpaque other) => other is CelIpAddress ip && ip.Address.Equals(Address);

    public override string ToString() => Address.ToString();
}

/// <summary>An address range in CIDR notation (<c>net.CIDR</c>), keeping the address as written.</summary>
public sealed class CelCidr : CelOpaque
{
    internal CelCidr(IPAddress address, int prefixLength)
    {
        Address = address;
        PrefixLength = prefixLength;
    }

    public IPAddress Address { get; }

    public int PrefixLength { get; }

    public override CelType Type => CelType.Cidr;

    public override object? ToClr() => ToString();

    public override bool OpaqueEquals(CelOpaque other) =>
        other is CelCidr c && c.PrefixLength == PrefixLength && c.Address.Equals(Address);

    public override string ToString() => $"{Address}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    internal IPAddress Masked() => NetworkExtension.Mask(Address, PrefixLength);

    internal bool Contains(IPAddress ip) =>
        ip.AddressFamily == Address.AddressFamily && NetworkExtension.Mask(ip, PrefixLength).Equals(Masked());
}

/// <summary>The network extension: <c>ip()</c>, <c>cidr()</c>, <c>isIP()</c>, <c>isCIDR()</c>, <c>ip.isCanonical()</c> and their methods.</summary>
internal static class NetworkExtension
{
    private static readonly CelType Ip = CelType.IpAddress;
    private static readonly CelType Cidr = CelType.Cidr;

    public static void Register(FunctionRegistry r)
    {
        r.Unary("ip", "string_to_ip", false, Str, Ip, s => ParseIp(((CelString)s).Value, out var ip, out var err) ? new CelIpAddress(ip!) : new CelError(err!));
        r.Unary("cidr", "string_to_cidr", false, Str, Cidr, s => ParseCidr(((CelString)s).Value, out var c, out var err) ? c! : new CelError(err!));
        r.Unary("isIP", "is_ip_string", false, Str, Bool, s => CelBool.Of(ParseIp(((CelString)s).Value, out _, out _)));
        r.Unary("isCIDR", "is_cidr_string", false, Str, Bool, s => CelBool.Of(ParseCidr(((CelString)s).Value, out _, out _)));
        r.Unary("ip.isCanonical", "ip_is_canonical_string", false, Str, Bool, s =>
        {
            var text = ((CelString)s).Value;
            return ParseIp(text, out var ip, out var err) ? CelBool.Of(ip!.ToString() == text) : new CelError(err!);
        });
        r.Unary("string", "ip_to_string", false, Ip, Str, v => CelString.Of(((CelIpAddress)v).Address.ToString()));
        r.Unary("string", "cidr_to_string", false, Cidr, Str, v => CelString.Of(v.ToString()!));
        r.Unary("family", "ip_family", true, Ip, Int, v => CelInt.Of(((CelIpAddress)v).Address.AddressFamily == AddressFamily.InterNetwork ? 4 : 6));
        r.Unary("isUnspecified", "ip_is_unspecified", true, Ip, Bool, v => CelBool.Of(IsUnspecified(((CelIpAddress)v).Address)));
        r.Unary("isLoopback", "ip_is_loopback", true, Ip, Bool, v => CelBool.Of(IPAddress.IsLoopback(((CelIpAddress)v).Address)));
        r.Unary("isGlobalUnicast", "ip_is_global_unicast", true, Ip, Bool, v => CelBool.Of(IsGlobalUnicast(((CelIpAddress)v).Address)));
        r.Unary("isLinkLocalMulticast", "ip_is_link_local_multicast", true, Ip, Bool, v => CelBool.Of(IsLinkLocalMulticast(((CelIpAddress)v).Address)));
        r.Unary("isLinkLocalUnicast", "ip_is_link_local_unicast", true, Ip, Bool, v => CelBool.Of(IsLinkLocalUnicast(((CelIpAddress)v).Address)));
        r.Binary("containsIP", "cidr_contains_ip_ip", true, Cidr, Ip, Bool, (c, ip) => CelBool.Of(((CelCidr)c).Contains(((CelIpAddress)ip).Address)));
        r.Binary("containsIP", "cidr_contains_ip_string", true, Cidr, Str, Bool, (c, s) =>
            ParseIp(((CelString)s).Value, out var ip, out var err) ? CelBool.Of(((CelCidr)c).Contains(ip!)) : new CelError(err!));
        r.Binary("containsCIDR", "cidr_contains_cidr_cidr", true, Cidr, Cidr, Bool, (c, o) => CelBool.Of(ContainsCidr((CelCidr)c, (CelCidr)o)));
        r.Binary("containsCIDR", "cidr_contains_cidr_string", true, Cidr, Str, Bool, (c, s) =>
            ParseCidr(((CelString)s).Value, out var o, out var err) ? CelBool.Of(ContainsCidr((CelCidr)c, o!)) : new CelError(err!));
        r.Unary("ip", "cidr_ip", true, Cidr, Ip, c => new CelIpAddress(((CelCidr)c).Address));
        r.Unary("masked", "cidr_masked", true, Cidr, Cidr, c => new CelCidr(((CelCidr)c).Masked(), ((CelCidr)c).PrefixLength));
        r.Unary("prefixLength", "cidr_prefix_length", true, Cidr, Int, c => CelInt.Of(((CelCidr)c).PrefixLength));
    }

    private static bool ContainsCidr(CelCidr outer, CelCidr inner) =>
        inner.PrefixLength >= outer.PrefixLength && outer.Contains(inner.Address);

    internal static IPAddress Mask(IPAddress ip, int prefix)
    {
        var bytes = ip.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPAddress(bytes);
    }

    internal static bool ParseIp(string s, out IPAddress? ip, out string? error)
    {
        ip = null;
        if (s.Contains('%'))
        {
            error = "IP Address with zone value is not allowed";
            return false;
        }

        if (s.Contains(':'))
        {
            if (!IPAddress.TryParse(s, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6 || s.Contains("]") || s.Contains('/'))
            {
                error = $"IP Address '{s}' parse error during conversion from string";
                return false;
            }

            if (v6.IsIPv4MappedToIPv6)
            {
                error = "IPv4-mapped IPv6 address is not allowed";
                return false;
            }

            ip = v6;
            error = null;
            return true;
        }

        if (!TryParseStrictIpv4(s, out ip))
        {
            error = $"IP Address '{s}' parse error during conversion from string";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryParseStrictIpv4(string s, out IPAddress? ip)
    {
        ip = null;
        var parts = s.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0') || !p.All(char.IsAsciiDigit))
            {
                return false;
            }

            var v = int.Parse(p, CultureInfo.InvariantCulture);
            if (v > 255)
            {
                return false;
            }

            bytes[i] = (byte)v;
        }

        ip = new IPAddress(bytes);
        return true;
    }

    internal static bool ParseCidr(string s, out CelCidr? cidr, out string? error)
    {
        cidr = null;
        var slash = s.IndexOf('/');
        if (s.Contains('%'))
        {
            error = "CIDR with zone value is not allowed";
            return false;
        }

        var bits = slash < 0 ? string.Empty : s[(slash + 1)..];
        if (bits.Length == 0 || bits.Length > 3 || (bits.Length > 1 && bits[0] == '0') ||
            !int.TryParse(bits, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            error = "network address parse error during conversion from string";
            return false;
        }

        if (!ParseIp(s[..slash], out var ip, out var ipError))
        {
            error = ipError!.StartsWith("IPv4-mapped", StringComparison.Ordinal) ? ipError : "network address parse error during conversion from string";
            return false;
        }

        var max = ip!.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > max)
        {
            error = "network address parse error during conversion from string";
            return false;
        }

        cidr = new CelCidr(ip, prefix);
        error = null;
        return true;
    }

    private static bool IsUnspecified(IPAddress ip) => ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any);

    private static bool IsLinkLocalUnicast(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return ip.AddressFamily == AddressFamily.InterNetwork ? b[0] == 169 && b[1] == 254 : b[0] == 0xFE && (b[1] & 0xC0) == 0x80;
    }

    private static bool IsLinkLocalMulticast(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return ip.AddressFamily == AddressFamily.InterNetwork ? b[0] == 224 && b[1] == 0 && b[2] == 0 : b[0] == 0xFF && (b[1] & 0x0F) == 0x02;
    }

    private static bool IsMulticast(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return ip.AddressFamily == AddressFamily.InterNetwork ? (b[0] & 0xF0) == 0xE0 : b[0] == 0xFF;
    }

    private static bool IsGlobalUnicast(IPAddress ip)
    {
        if (ip.AddressFamily == AddressFamily.InterNetwork && ip.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        return !IsUnspecified(ip) && !IPAddress.IsLoopback(ip) && !IsMulticast(ip) && !IsLinkLocalUnicast(ip);
    }
}
