using System.Net;
using LlavaServer.Api.Images;

namespace LlavaServer.Tests;

/// <summary>Which addresses remote images may come from (pure classification; no traffic).</summary>
public class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2001:db8::1")]
    [InlineData("2002:c0a8:101::1")] // 6to4 of 192.168.1.1
    [InlineData("2002:808:808::1")] // 6to4 of a public address: the relay is not ours to trust either
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    [InlineData("64:ff9b:1::a00:1")] // local-use NAT64
    [InlineData("64:ff9b:1:ffff::808:808")]
    [InlineData("::ffff:0:7f00:1")] // SIIT IPv4-translated 127.0.0.1
    [InlineData("::ffff:0:808:808")]
    public void NonPublicAddressesAreRefused(string address) => Assert.False(AddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::6810:85e5")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")] // well-known NAT64 of a public address
    [InlineData("2001:4860:4860::8888")] // in 2001::/16 but outside Teredo's 2001:0000::/32
    [InlineData("2001:200::1")]
    [InlineData("2003::1")]
    public void PublicAddressesAreAllowed(string address) => Assert.True(AddressPolicy.IsPublic(IPAddress.Parse(address)));
}
