using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Engine.Tests.Constraints;
using OpenAI;
using OpenAI.Chat;

namespace LlavaServer.Tests;

/// <summary>
/// tool_choice "required" and a named function on the random fixture model: every call names a declared function and
/// its arguments validate against that function's parameters, returned as OpenAI tool_calls and streamed as
/// delta.tool_calls that reassemble to the same calls; tool turns in the history are accepted.
/// </summary>
[Collection(nameof(ApiServer))]
public class ToolCallTests(ApiServer server)
{
    private const string Prompt = "What is the weather in Paris, and the route from the station?";
    private const int MaxTokens = 400;

    /// <summary>Three functions, their parameters from the schema corpus (one with $defs references).</summary>
    private static readonly (string Name, string Schema)[] Functions =
        [("get_weather", "tool_arguments"), ("plan_route", "refs"), ("register", "flat_required")];

    private ChatClient Client => new(TestData.Model, new ApiKeyCredential("unused"),
        new OpenAIClientOptions { Endpoint = new Uri(server.BaseUrl + "/v1") });

    private static IEnumerable<ChatTool> SdkTools => Functions.Select(f =>
        ChatTool.CreateFunctionTool(f.Name, $"The {f.Name} function.", BinaryData.FromString(SchemaCorpus.Get(f.Schema).GetRawText())));

    private static JsonArray WireTools => new([.. Functions.Select(f => (JsonNode)new JsonObject
    {
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = f.Name,
            ["description"] = $"The {f.Name} function.",
            ["parameters"] = JsonNode.Parse(SchemaCorpus.Get(f.Schema).GetRawText()),
        },
    })]);

    private static void AssertValidCall(string name, string arguments, string context)
    {
        var function = Functions.Where(f => f.Name == name).ToList();
        Assert.True(function.Count == 1, $"{context}: called '{name}', which was not declared");
        SchemaCorpus.AssertValid(SchemaCorpus.Get(function[0].Schema), arguments, $"{context}: {name}");
    }

    private static JsonObject ToolChat(JsonNode choice, int n, long seed, bool stream = false, bool? parallel = null)
    {
        var body = TestData.TextChat(Prompt, MaxTokens, stream);
        body["tools"] = WireTools;
        body["tool_choice"] = choice;
        body["n"] = n;
        body["seed"] = seed;
        body["temperature"] = 1.0;
        if (parallel is { } allowed) body["parallel_tool_calls"] = allowed;
        return body;
    }

    private async Task<List<JsonElement>> ChoicesAsync(JsonObject body)
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("choices").EnumerateArray().ToList();
    }

    /// <summary>Each call of a choice as (id, name, arguments), from a non-streamed message.</summary>
    private static List<(string Id, string Name, string Arguments)> CallsOf(JsonElement choice)
    {
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        return message.GetProperty("tool_calls").EnumerateArray().Select(call =>
        {
            Assert.Equal("function", call.GetProperty("type").GetString());
            var function = call.GetProperty("function");
            return (call.GetProperty("id").GetString()!, function.GetProperty("name").GetString()!, function.GetProperty("arguments").GetString()!);
        }).ToList();
    }

    [Theory]
    [InlineData(21L)]
    [InlineData(22L)]
    [InlineData(23L)]
    public async Task RequiredWithoutParallelCallsGivesOneValidCallOfADeclaredFunction(long seed)
    {
        var choices = await ChoicesAsync(ToolChat(JsonValue.Create("required"), 4, seed, parallel: false));
        Assert.Equal(4, choices.Count);
        foreach (var choice in choices)
        {
            Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
            var (id, name, arguments) = Assert.Single(CallsOf(choice));
            Assert.StartsWith("call_", id);
            AssertValidCall(name, arguments, $"seed {seed}");
        }
    }

    /// <summary>
    /// With parallel calls the array has no upper bound, and a random model may go on calling until max_tokens: every
    /// call before the last is then whole and valid; a choice that ended on its own has only valid calls.
    /// </summary>
    [Fact]
    public async Task RequiredWithParallelCallsGivesValidCallsOfDeclaredFunctions()
    {
        var body = ToolChat(JsonValue.Create("required"), 4, 24);
        body["max_tokens"] = 160;
        foreach (var choice in await ChoicesAsync(body))
        {
            var calls = CallsOf(choice);
            Assert.NotEmpty(calls);
            Assert.Equal(calls.Count, calls.Select(c => c.Id).Distinct().Count());
            var finished = choice.GetProperty("finish_reason").GetString() == "tool_calls";
            if (!finished) Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
            foreach (var (_, name, arguments) in finished ? calls : calls[..^1])
                AssertValidCall(name, arguments, "parallel");
        }
    }

    [Fact]
    public async Task ANamedFunctionIsTheOneCalled()
    {
        var named = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "plan_route" } };
        foreach (var choice in await ChoicesAsync(ToolChat(named, 4, 41)))
        {
            Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
            var call = Assert.Single(CallsOf(choice));
            Assert.Equal("plan_route", call.Name);
            AssertValidCall(call.Name, call.Arguments, "named");
        }
    }

    [Fact]
    public async Task NoneLeavesTheOutputText()
    {
        var choice = Assert.Single(await ChoicesAsync(ToolChat(JsonValue.Create("none"), 1, 51)));
        Assert.Equal(JsonValueKind.String, choice.GetProperty("message").GetProperty("content").ValueKind);
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
    }

    [Theory]
    [InlineData("required")]
    [InlineData("named")]
    public async Task StreamedToolCallsReassembleToTheNonStreamedCalls(string mode)
    {
        JsonNode Choice() => mode == "required"
            ? JsonValue.Create("required")
            : new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_weather" } };
        var expected = (await ChoicesAsync(ToolChat(Choice(), 4, 61, parallel: false))).Select(c => CallsOf(c).Select(call => (call.Name, call.Arguments)).ToList()).ToList();

        using var response = await Sse.PostStreamAsync(server.Http, "/v1/chat/completions", TestData.Json(ToolChat(Choice(), 4, 61, stream: true, parallel: false)));
        var chunks = await Sse.ReadChunksAsync(response);
        for (var i = 0; i < 4; i++)
        {
            var index = i;
            var mine = chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray()).Where(c => c.GetProperty("index").GetInt32() == index).ToList();
            Assert.Equal("assistant", mine[0].GetProperty("delta").GetProperty("role").GetString());
            Assert.Equal("tool_calls", mine[^1].GetProperty("finish_reason").GetString());
            var calls = new List<(string Id, string Name, StringBuilder Arguments)>();
            foreach (var entry in mine.Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _))
                         .SelectMany(c => c.GetProperty("delta").GetProperty("tool_calls").EnumerateArray()))
            {
                var function = entry.GetProperty("function");
                if (entry.TryGetProperty("id", out var id))
                {
                    // A call's first piece: its index is the next one, with id, type, name and empty arguments.
                    Assert.Equal(calls.Count, entry.GetProperty("index").GetInt32());
                    Assert.Equal("function", entry.GetProperty("type").GetString());
                    Assert.Equal("", function.GetProperty("arguments").GetString());
                    calls.Add((id.GetString()!, function.GetProperty("name").GetString()!, new StringBuilder()));
                }
                else
                {
                    Assert.False(function.TryGetProperty("name", out _));
                    calls[entry.GetProperty("index").GetInt32()].Arguments.Append(function.GetProperty("arguments").GetString());
                }
            }
            Assert.Equal(expected[i], calls.Select(c => (c.Name, c.Arguments.ToString())).ToList());
        }
    }

    [Fact]
    public async Task TheSdkGetsToolCallsStreamedAndNot()
    {
        var options = new ChatCompletionOptions
        {
            ToolChoice = ChatToolChoice.CreateRequiredChoice(), AllowParallelToolCalls = false, MaxOutputTokenCount = MaxTokens, Temperature = 1, Seed = 71,
        };
        foreach (var tool in SdkTools) options.Tools.Add(tool);

        var completion = (await Client.CompleteChatAsync([new UserChatMessage(Prompt)], options)).Value;
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.NotEmpty(completion.ToolCalls);
        foreach (var call in completion.ToolCalls)
        {
            Assert.Equal(ChatToolCallKind.Function, call.Kind);
            AssertValidCall(call.FunctionName, call.FunctionArguments.ToString(), "SDK");
        }

        var streamed = new SortedDictionary<int, (string? Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        await foreach (var update in Client.CompleteChatStreamingAsync([new UserChatMessage(Prompt)], options))
        {
            finish ??= update.FinishReason;
            foreach (var piece in update.ToolCallUpdates)
            {
                if (!streamed.TryGetValue(piece.Index, out var call)) streamed[piece.Index] = call = (null, new StringBuilder());
                if (piece.FunctionName is { } name) streamed[piece.Index] = call = (name, call.Arguments);
                call.Arguments.Append(piece.FunctionArgumentsUpdate?.ToString());
            }
        }
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(completion.ToolCalls.Select(c => (c.FunctionName, c.FunctionArguments.ToString())),
            streamed.Values.Select(c => (c.Name!, c.Arguments.ToString())));
    }

    [Fact]
    public async Task TheSdksNamedChoiceAndToolTurnsInTheHistoryWork()
    {
        var options = new ChatCompletionOptions { ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather"), MaxOutputTokenCount = MaxTokens, Seed = 81 };
        foreach (var tool in SdkTools) options.Tools.Add(tool);
        List<OpenAI.Chat.ChatMessage> history =
        [
            new UserChatMessage(Prompt),
            new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_1", "get_weather", BinaryData.FromString("""{"location": "Paris", "unit": "celsius"}"""))]),
            new ToolChatMessage("call_1", "18 degrees and sunny"),
            new UserChatMessage("And in Oslo?"),
        ];
        var completion = (await Client.CompleteChatAsync(history, options)).Value;
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        AssertValidCall(call.FunctionName, call.FunctionArguments.ToString(), "after a tool turn");
    }
}
