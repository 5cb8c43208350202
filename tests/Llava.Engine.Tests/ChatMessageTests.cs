using Llava.Engine.Prompting;

namespace Llava.Engine.Tests;

public class ChatMessageTests
{
    [Fact]
    public void ImagesListsOnlyImageParts()
    {
        var m = new ChatMessage("user", [new TextPart("a"), new ImagePart(new byte[] { 1 }), new TextPart("b")]);
        Assert.Single(m.Images);
        Assert.Null(m.Text);
    }
}
