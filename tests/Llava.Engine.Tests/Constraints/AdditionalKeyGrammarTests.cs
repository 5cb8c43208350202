using System.Text;
using System.Text.Json;
using Llava.Engine.Constraints;

namespace Llava.Engine.Tests.Constraints;

/// <summary>
/// Keys under <c>additionalProperties</c> are bounded in bytes; the bound must never leave the matcher in a state
/// from which no byte is allowed (a sampled sequence there has no token to take).
/// </summary>
public class AdditionalKeyGrammarTests
{
    private const string Schema = """{"type": "object", "additionalProperties": {"type": "integer"}}""";

    private static GrammarMatcher After(string text)
    {
        var matcher = JsonGrammar.FromSchema(JsonDocument.Parse(Schema).RootElement).CreateMatcher();
        Assert.True(matcher.TryAdvance(Encoding.UTF8.GetBytes(text)));
        return matcher;
    }

    private static bool Accepts(GrammarMatcher matcher, params byte[] bytes) => matcher.TryAdvance(bytes);

    [Fact]
    public void ACharacterThatWouldCrossTheLimitCannotBegin()
    {
        var key = new string('k', KeyFrame.MaxAdditionalKeyBytes - 1);
        Assert.False(Accepts(After("{\"" + key), 0xC3), "a two-byte character would end past the limit, mid-character");
        Assert.True(Accepts(After("{\"" + key), (byte)'x'));
        Assert.True(Accepts(After("{\"" + key[..^1]), 0xC3, 0xA9), "one that fits is allowed");
    }

    [Fact]
    public void AKeyAtTheLimitCanAlwaysClose()
    {
        var key = new string('k', KeyFrame.MaxAdditionalKeyBytes);
        Assert.True(Accepts(After("{\"" + key), (byte)'"'));
        Assert.False(Accepts(After("{\"" + key), (byte)'k'));
    }

    [Fact]
    public void AKeyAlreadyWrittenCannotBeTypedUpToTheLimitAgain()
    {
        var key = new string('k', KeyFrame.MaxAdditionalKeyBytes);
        var second = After("{\"" + key + "\": 1, \"" + key[..^1]);
        Assert.False(Accepts(second, (byte)'k'), "the repeated key could neither close nor grow");
        Assert.True(Accepts(After("{\"" + key + "\": 1, \"" + key[..^1]), (byte)'j'));
    }
}
