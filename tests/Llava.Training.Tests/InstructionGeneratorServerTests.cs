using Llava.TestSupport;
using Llava.Training.Data;
using Llava.Training.InstructGen;
using Llava.Training.Shapes;
using Llava.Training.Tests.Support;
using LlavaServer.TestHost;

namespace Llava.Training.Tests;

/// <summary>
/// The instruction-data generator against this project's own OpenAI-compatible server, started in-process with the
/// random fixture model. Its replies are fluent nonsense, so the test checks the plumbing: every scene and type ends
/// up either as a valid LLaVA record carrying exactly the server's reply, or as a reported issue naming the record.
/// </summary>
public sealed class InstructionGeneratorServerTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private readonly TempDir _dir = new();

    public async Task InitializeAsync() =>
        _server = await LoopbackServer.StartAsync(["--model", RepoPaths.FixtureModel, "--max-model-len", "1024"]);

    [Fact]
    public async Task Every_scene_and_type_becomes_a_record_or_a_reported_issue()
    {
        var scenes = Enumerable.Range(0, 2).Select(i =>
        {
            var generator = new SceneGenerator(10 + i);
            return SceneAnnotation.From(generator.Next($"scene-{i}"), $"scene-{i}.png");
        }).ToList();
        var options = new ChatEndpointOptions
        {
            BaseUrl = _server.BaseUrl + "/v1", Model = "tiny-llava-visible", Temperature = 0, MaxTokens = 12, MaxRetries = 0,
        };
        using var http = new HttpClient();
        var client = new ChatEndpointClient(http, options);
        var types = Enum.GetValues<InstructionType>();

        var result = await new InstructionGenerator(client, concurrency: 3).GenerateAsync(scenes, types);

        var expectedIds = scenes.SelectMany(s => types.Select(t => $"{s.Id}-{t.Name()}")).Order().ToList();
        var seenIds = result.Records.Select(r => r.Id).Concat(result.Issues.Select(i => i.Record["id ".Length..])).Order().ToList();
        Assert.Equal(expectedIds, seenIds);
        // The fixture model never writes "Question:" blocks, so conversation and reasoning replies are malformed.
        Assert.Equal(4, result.Issues.Count(i => i.Reason.StartsWith("malformed response", StringComparison.Ordinal)));

        var path = _dir.File("generated.json");
        LlavaJson.Write(path, result.Records);
        var reread = LlavaJson.Read(path);
        Assert.Empty(reread.Issues);
        Assert.Equal(result.Records, reread.Records);
        Assert.NotEmpty(result.Records);
        foreach (var record in result.Records)
        {
            Assert.EndsWith("-detail", record.Id);
            var scene = scenes.Single(s => record.Id.StartsWith(s.Id + "-", StringComparison.Ordinal));
            Assert.Equal(scene.Image, record.Image);
            Assert.StartsWith("<image>\n", record.Conversations[0].Value);
            // Greedy decoding is deterministic: asking again gives the reply the record holds.
            var again = await client.CompleteAsync(InstructionPrompts.Messages(InstructionType.Detail, scene));
            Assert.Equal(again.Trim(), record.Conversations[1].Value);
        }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }
}
