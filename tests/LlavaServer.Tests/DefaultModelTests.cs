using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.TestSupport;
using LlavaServer.Cli;

namespace LlavaServer.Tests;

/// <summary>
/// <c>dotnet run --project src/LlavaServer</c> with no flags serves the trained llava-shapes-tiny, and a newcomer's
/// first questions about a held-out picture (the README's) get right answers, over HTTP and from the CLI.
/// </summary>
[Collection(nameof(DefaultModelServer))]
public sealed class DefaultModelTests(DefaultModelServer server)
{
    private const string Image = "three-shapes.png";

    private async Task<string> AskAsync(string question, JsonObject? responseFormat = null, int maxTokens = 96)
    {
        var body = TestData.Chat(new JsonArray(TestData.UserMessageWithImageFiles(question, RepoPaths.ShapesImage(Image))), maxTokens);
        body["model"] = DefaultModel.Name;
        if (responseFormat is not null) body["response_format"] = responseFormat;
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var choice = JsonDocument.Parse(text).RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        return choice.GetProperty("message").GetProperty("content").GetString()!;
    }

    [Fact]
    public async Task TheModelIdIsTheShapesModel()
    {
        using var response = await server.Http.GetAsync("/v1/models");
        var models = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        Assert.Equal(["llava-shapes-tiny"], models.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("Describe the image.", DescribeAnswer)]
    [InlineData("How many shapes are there?", CountAnswer)]
    [InlineData("What colour is the star?", ColourAnswer)]
    [InlineData("Where is the purple circle?", PositionAnswer)]
    public async Task QuestionsAboutAHeldOutPictureGetTheRightAnswer(string question, string answer) =>
        Assert.Equal(answer, await AskAsync(question));

    /// <summary>README "Structured outputs": the schema makes the answer parse; the training makes it true.</summary>
    [Fact]
    public async Task UnderTheReadmeSchemaTheModelListsWhatThePictureHolds()
    {
        var format = JsonNode.Parse("""
            {"type": "json_schema", "json_schema": {"name": "shapes", "schema": {
              "type": "object", "required": ["shapes"], "additionalProperties": false,
              "properties": {"shapes": {"type": "array", "maxItems": 6, "items": {"type": "object", "additionalProperties": false,
                "required": ["colour", "shape", "position"],
                "properties": {"colour": {"enum": ["red", "green", "blue", "yellow", "purple", "orange"]},
                  "shape": {"enum": ["circle", "square", "triangle", "star"]},
                  "position": {"enum": ["top left", "top", "top right", "left", "center", "right", "bottom left", "bottom", "bottom right"]}}}}}}}}
            """)!.AsObject();

        // Three shapes take about 140 tokens: the small tokenizer has few pieces for JSON punctuation.
        var answer = JsonNode.Parse(await AskAsync("List the shapes as JSON.", format, maxTokens: 256))!;

        var listed = answer["shapes"]!.AsArray().Select(s => $"{s!["colour"]} {s["shape"]} at {s["position"]}");
        Assert.Equal(["green star at top left", "purple circle at top", "yellow triangle at left"], listed);
    }

    [Fact]
    public async Task GenerateWithoutAModelFlagUsesTheShapesModel()
    {
        var output = new StringWriter();
        var exit = await GenerateCommand.RunAsync(new ArgumentReader(
            ["--image", RepoPaths.ShapesImage(Image), "--prompt", "How many shapes are there?", "--json"]), output);

        Assert.Equal(0, exit);
        using var result = JsonDocument.Parse(output.ToString());
        Assert.Equal(CountAnswer, result.RootElement.GetProperty("text").GetString());
        Assert.Equal("stop", result.RootElement.GetProperty("finish_reason").GetString());
    }

    // The ground truth of the picture (its scene annotation), word for word as the training data phrases it.
    private const string DescribeAnswer = "The image shows three shapes on a light gray background. A large green star is at the top left. " +
                                          "A large purple circle is at the top. A large yellow triangle is on the left.";
    private const string CountAnswer = "There are three shapes.";
    private const string ColourAnswer = "The star is green.";
    private const string PositionAnswer = "The purple circle is at the top.";
}
