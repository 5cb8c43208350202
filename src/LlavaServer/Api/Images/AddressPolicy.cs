using System.Net;
using System.Net.Sockets;

namespace LlavaServer.Api.Images;

/// <summary>
/// Which addresses a remote image may come from: public unicast only. Loopback, private, carrier-grade
/// NAT, link-local, multicast, unspecified, documentation and reserved ranges are refused, including
/// when they hide inside IPv4-mapped or well-known NAT64 IPv6 addresses. Transition ranges whose gateway
/// this server cannot see (6to4, Teredo, local-use NAT64, SIIT) are refused outright: the IPv4 address
/// they lead to may be inside the gateway's own network.
/// </summary>
public static class AddressPolicy
{
    private static readonly (byte[] Prefix, int Bits)[] BlockedV4 =
    [
        ([0, 0, 0, 0], 8), // "this network", 0.0.0.0
        ([10, 0, 0, 0], 8),
        ([100, 64, 0, 0], 10), // carrier-grade NAT
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16), // link-local, cloud metadata services
        ([172, 16, 0, 0], 12),
        ([192, 0, 0, 0], 24),
        ([192, 0, 2, 0], 24),
        ([192, 88, 99, 0], 24),
        ([192, 168, 0, 0], 16),
        ([198, 18, 0, 0], 15),
        ([198, 51, 100, 0], 24),
        ([203, 0, 113, 0], 24),
        ([224, 0, 0, 0], 4), // multicast
        ([240, 0, 0, 0], 4), // reserved and broadcast
    ];

    private static readonly (byte[] Prefix, int Bits)[] BlockedV6 =
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0], 96), // SIIT IPv4-translated, ::ffff:0:a.b.c.d
        ([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 48), // local-use NAT64
        ([0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 64), // discard-only
        ([0x20, 0x01, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 32), // Teredo
        ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 32), // documentation
        ([0x20, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 16), // 6to4
        ([0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 7), // unique local
        ([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 10), // link-local
        ([0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 10), // site-local (deprecated)
        ([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 8), // multicast
    ];

    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsPublic(address.MapToIPv4());
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork) return !BlockedV4.Any(b => Matches(bytes, b.Prefix, b.Bits));
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;

        if (bytes.AsSpan(0, 12).SequenceEqual(Nat64Prefix)) return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        // IPv4-compatible (::a.b.c.d, deprecated) addresses embed IPv4 too; this also catches :: and ::1.
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        return !BlockedV6.Any(b => Matches(bytes, b.Prefix, b.Bits));
    }

    private static bool Matches(byte[] address, byte[] prefix, int bits)
    {
        for (var i = 0; i < bits; i++)
        {
            var mask = 0x80 >> (i % 8);
            if ((address[i / 8] & mask) != (prefix[i / 8] & mask)) return false;
        }
        return true;
    }
}
