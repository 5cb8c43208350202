using Llava.Engine.Prompting;
using Llava.Training.Data;
using Llava.Training.Tests.Support;
using Llava.Training.Text;

namespace Llava.Training.Tests;

public sealed class ConversationEncoderTests : IClassFixture<ConversationEncoderTests.Setup>
{
    private readonly Setup _setup;

    public ConversationEncoderTests(Setup setup) => _setup = setup;

    public sealed class Setup : IDisposable
    {
        public TinySetup Tiny { get; } = new(trainScenes: 4);
        public void Dispose() => Tiny.Dispose();
    }

    private const int ImageSeq = 9;

    [Fact]
    public void Only_the_assistant_answers_and_their_end_of_turn_tokens_are_labels()
    {
        var tokenizer = _setup.Tiny.Tokenizer;
        var encoder = new ConversationEncoder(tokenizer, _setup.Tiny.Template, ImageSeq);
        var record = LlavaRecord.MultiTurn("x", "x.png",
            [("What colour is the circle?", "The circle is red."), ("How many shapes are there?", "There are two shapes.")]);

        var encoded = encoder.Encode(record);

        var spans = Spans(encoded.Labels);
        Assert.Equal(2, spans.Count);
        var answers = spans.Select(s => tokenizer.Decode(encoded.Ids[s.Start..s.End], skipSpecialTokens: false)).ToList();
        Assert.Equal(["The circle is red.</s>", "There are two shapes.</s>"], answers);
        foreach (var (start, end) in spans)
            Assert.Equal(encoded.Ids[start..end], encoded.Labels[start..end]);
        Assert.Equal(tokenizer.EosTokenId, encoded.Ids[spans[0].End - 1]);
    }

    [Fact]
    public void The_prompt_before_the_first_answer_is_exactly_what_the_server_builds()
    {
        var tokenizer = _setup.Tiny.Tokenizer;
        var encoder = new ConversationEncoder(tokenizer, _setup.Tiny.Template, ImageSeq);
        var encoded = encoder.Encode(LlavaRecord.SingleTurn("x", "x.png", "Where is the blue star?", "The blue star is on the left."));

        var png = File.ReadAllBytes(Path.Combine(_setup.Tiny.Images.Folder, "train-000000.png"));
        var builder = new PromptBuilder(tokenizer, _setup.Tiny.Template,
            Engine.Imaging.ClipImageProcessor.Load(_setup.Tiny.ModelDir), ImageSeq, new Engine.Imaging.ImageLimits(),
            maxModelLength: 2048, imageDecodeConcurrency: 1);
        var served = builder.Build([new ChatMessage("user", [new ImagePart(png), new TextPart("Where is the blue star?")])]);

        var firstLabel = Array.FindIndex(encoded.Labels, l => l != EncodedConversation.Ignore);
        Assert.Equal(served.TokenIds, encoded.Ids[..firstLabel]);
        Assert.Equal(ImageSeq, encoded.Ids.Count(id => id == tokenizer.ImageTokenId));
        Assert.All(encoded.Ids.Select((id, i) => (id, i)).Where(p => p.id == tokenizer.ImageTokenId),
            p => Assert.Equal(EncodedConversation.Ignore, encoded.Labels[p.i]));
    }

    [Fact]
    public void The_shapes_tokenizer_keeps_the_world_words_whole()
    {
        var tokenizer = _setup.Tiny.Tokenizer;
        var ids = tokenizer.Encode("USER: What colour is the triangle? ASSISTANT: The triangle is purple.", addSpecialTokens: false);
        Assert.Equal(["▁USER", ":", "▁What", "▁colour", "▁is", "▁the", "▁triangle", "?", "▁ASSISTANT", ":", "▁The", "▁triangle", "▁is", "▁purple", "."],
            ids.Select(tokenizer.TokenText));
    }

    [Fact]
    public void Plain_text_makes_every_token_a_label()
    {
        var encoder = new ConversationEncoder(_setup.Tiny.Tokenizer, _setup.Tiny.Template, ImageSeq);
        var encoded = encoder.EncodeText("A large red circle at the top left.");
        Assert.Equal(encoded.Ids, encoded.Labels);
        Assert.Equal(_setup.Tiny.Tokenizer.BosTokenId, encoded.Ids[0]);
    }

    private static List<(int Start, int End)> Spans(int[] labels)
    {
        var spans = new List<(int, int)>();
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] == EncodedConversation.Ignore) continue;
            var start = i;
            while (i < labels.Length && labels[i] != EncodedConversation.Ignore) i++;
            spans.Add((start, i));
        }
        return spans;
    }
}
