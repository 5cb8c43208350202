using System.Text;
using System.Text.Json;

namespace LlavaServer.Tests;

/// <summary>Reads a text/event-stream the way the SSE spec frames it, for tests that check the wire.</summary>
internal static class Sse
{
    public static async Task<HttpResponseMessage> PostStreamAsync(HttpClient client, string path, HttpContent body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Every event's data field, in order.</summary>
    public static async Task<List<string>> ReadDataAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\n\n", text);
        return text[..^2].Split("\n\n").Select(frame =>
        {
            Assert.StartsWith("data: ", frame);
            Assert.DoesNotContain('\n', frame);
            return frame["data: ".Length..];
        }).ToList();
    }

    /// <summary>The JSON chunks before <c>[DONE]</c>, which must come last.</summary>
    public static async Task<List<JsonElement>> ReadChunksAsync(HttpResponseMessage response)
    {
        var data = await ReadDataAsync(response);
        Assert.Equal("[DONE]", data[^1]);
        return data[..^1].Select(d => JsonDocument.Parse(d).RootElement).ToList();
    }

    /// <summary>Reads the next complete event without waiting for the rest of the stream.</summary>
    public static async Task<string> ReadOneEventAsync(Stream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            buffer.Add(one[0]);
            if (buffer.Count >= 2 && buffer[^1] == '\n' && buffer[^2] == '\n') return Encoding.UTF8.GetString(buffer.ToArray());
        }
        throw new EndOfStreamException("the stream ended inside an event");
    }
}
