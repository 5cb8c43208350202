using Llava.Training.Data;
using Llava.Training.Tests.Support;

namespace Llava.Training.Tests;

public sealed class LlavaJsonTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Records_survive_a_write_read_round_trip()
    {
        LlavaRecord[] records =
        [
            LlavaRecord.SingleTurn("a", "a.png", "What colour is the circle?", "The circle is red."),
            LlavaRecord.MultiTurn("b", "sub/b.jpg", [("Where is it?", "On the \"left\"."), ("Größe?", "Klein — sehr klein.\nZweite Zeile.")]),
            new LlavaRecord("c", null, [new(LlavaTurn.Human, "Text only"), new(LlavaTurn.Gpt, "Yes.")]),
        ];
        var path = _dir.File("data.json");
        LlavaJson.Write(path, records);
        var read = LlavaJson.Read(path);
        Assert.Empty(read.Issues);
        Assert.Equal(records, read.Records);
    }

    [Fact]
    public void Reads_the_layout_of_the_published_LLaVA_files()
    {
        // LLaVA-Instruct-150K puts the image first or last in the question; CC3M-595K ids are strings of digits,
        // some mirrors store them as numbers; extra fields are ignored.
        File.WriteAllText(_dir.File("llava.json"), """
            [
              {"id": "000000033471", "image": "000000033471.jpg", "conversations": [
                {"from": "human", "value": "<image>\nWhat are the colors of the bus in the image?"},
                {"from": "gpt", "value": "The bus in the image is white and red."},
                {"from": "human", "value": "What feature can be seen on the back of the bus?"},
                {"from": "gpt", "value": "The back of the bus features an advertisement."}]},
              {"id": 595001, "image": "GCC_train_002582585.jpg", "blip_caption": "olive oil", "conversations": [
                {"from": "human", "value": "Provide a brief description of the given image.\n<image>"},
                {"from": "gpt", "value": "olive oil is a healthy ingredient used liberally ."}]}
            ]
            """);
        var read = LlavaJson.Read(_dir.File("llava.json"));
        Assert.Empty(read.Issues);
        Assert.Equal(["000000033471", "595001"], read.Records.Select(r => r.Id));
        Assert.Equal(4, read.Records[0].Conversations.Count);
        Assert.Equal("GCC_train_002582585.jpg", read.Records[1].Image);
    }

    [Fact]
    public void Bad_records_are_reported_with_their_id_and_skipped()
    {
        File.WriteAllText(_dir.File("bad.json"), """
            [
              {"id": "good", "image": "g.png", "conversations": [{"from": "human", "value": "<image>\nQ?"}, {"from": "gpt", "value": "A."}]},
              {"image": "x.png", "conversations": []},
              {"id": "no-placeholder", "image": "n.png", "conversations": [{"from": "human", "value": "Q?"}, {"from": "gpt", "value": "A."}]},
              {"id": "two-images", "image": "t.png", "conversations": [{"from": "human", "value": "<image>\n<image>\nQ?"}, {"from": "gpt", "value": "A."}]},
              {"id": "wrong-order", "conversations": [{"from": "gpt", "value": "A."}, {"from": "human", "value": "Q?"}]},
              {"id": "unanswered", "conversations": [{"from": "human", "value": "Q?"}, {"from": "gpt", "value": "A."}, {"from": "human", "value": "Q2?"}]},
              {"id": "no-turns", "image": "z.png"},
              {"id": "empty-answer", "conversations": [{"from": "human", "value": "Q?"}, {"from": "gpt", "value": "  "}]},
              "not an object",
              {"id": "also-good", "conversations": [{"from": "human", "value": "Q?"}, {"from": "gpt", "value": "A."}]}
            ]
            """);
        var read = LlavaJson.Read(_dir.File("bad.json"));
        Assert.Equal(["good", "also-good"], read.Records.Select(r => r.Id));
        Assert.Equal(
            ["record #1", "id no-placeholder", "id two-images", "id wrong-order", "id unanswered", "id no-turns", "id empty-answer", "record #8"],
            read.Issues.Select(i => i.Record));
        Assert.Contains("no 'id'", read.Issues[0].Reason);
        Assert.Contains("exactly one <image>", read.Issues[1].Reason);
        Assert.Contains("alternate", read.Issues[3].Reason);
    }

    [Fact]
    public void A_file_that_is_not_a_json_array_is_an_error()
    {
        File.WriteAllText(_dir.File("object.json"), """{"id": "x"}""");
        File.WriteAllText(_dir.File("broken.json"), "[{");
        Assert.Throws<InvalidDataException>(() => LlavaJson.Read(_dir.File("object.json")));
        Assert.Throws<InvalidDataException>(() => LlavaJson.Read(_dir.File("broken.json")));
    }

    public void Dispose() => _dir.Dispose();
}
