using System.Diagnostics;
using System.Text.Json.Nodes;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Xunit.Abstractions;

namespace LlavaServer.Tests;

/// <summary>
/// Prints (does not assert) what the HTTP layer adds: time to the first byte and to the first token over
/// HTTP against the engine's own time to first token, for the same one-image prompt.
/// </summary>
[Collection(nameof(ApiServer))]
public class LatencyReport(ApiServer server, ITestOutputHelper output)
{
    private const int Rounds = 15;
    private const string Question = "What is shown in this image?";
    private const string Image = "gradient_84x84.png";

    [Fact]
    public async Task ReportHttpOverheadOverEngineTimeToFirstToken()
    {
        var engine = new List<double>();
        var firstByte = new List<double>();
        var firstToken = new List<double>();
        var body = TestData.Chat(new JsonArray(TestData.UserMessage(Question, Image)), 1, stream: true).ToJsonString();
        var imageBytes = TestData.ImageBytes(Image);

        for (var round = 0; round < Rounds + 1; round++)
        {
            var started = Stopwatch.GetTimestamp();
            var prompt = server.Engine.Prompts.Build([new ChatMessage("user", [new ImagePart(imageBytes), new TextPart(Question)])]);
            await foreach (var item in server.Engine.GenerateAsync(prompt, new SamplingParams { Temperature = 0, MaxTokens = 1 }))
            {
                if (round > 0 && item.TokenId is not null) engine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            started = Stopwatch.GetTimestamp();
            using var response = await Sse.PostStreamAsync(server.Http, "/v1/chat/completions", TestData.Json(body));
            var stream = await response.Content.ReadAsStreamAsync();
            var one = new byte[1];
            await stream.ReadExactlyAsync(one);
            var byteAt = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await Sse.ReadOneEventAsync(stream);
            var tokenEvent = await Sse.ReadOneEventAsync(stream);
            var tokenAt = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // The first token's chunk (or, when its text is still held back, the finishing chunk it caused).
            Assert.Contains("\"choices\":[{", tokenEvent);
            await stream.CopyToAsync(Stream.Null);
            if (round == 0) continue;
            firstByte.Add(byteAt);
            firstToken.Add(tokenAt);
        }

        output.WriteLine($"one {Image} + text prompt, fixture model, median of {Rounds} (ms):");
        output.WriteLine($"  engine time to first token (prompt build + prefill): {Median(engine):F2}");
        output.WriteLine($"  HTTP time to first byte (role chunk):                {Median(firstByte):F2}");
        output.WriteLine($"  HTTP time to first token chunk:                      {Median(firstToken):F2}");
        output.WriteLine($"  HTTP overhead on first token:                        {Median(firstToken) - Median(engine):F2}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
