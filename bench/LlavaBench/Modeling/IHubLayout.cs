using System.Text.Json.Nodes;

namespace LlavaBench.Modeling;

/// <summary>A llava-hf checkpoint's exact on-disk layout, to be written with random values (<see cref="HubLayoutGenerator"/>).</summary>
public interface IHubLayout
{
    /// <summary>The hub repository whose layout this is.</summary>
    string HubId { get; }

    /// <summary>Seeds the weights, so the same layout always produces the same checkpoint.</summary>
    ulong Seed { get; }

    /// <summary>Side of the square image the vision tower takes.</summary>
    int ImageSize { get; }

    ShardPlan Plan();

    JsonObject ToConfigJson();

    JsonObject PreprocessorJson();

    /// <summary>Files that replace the tokenizer source's (<c>processor_config.json</c>, <c>chat_template.json</c>), by name.</summary>
    IReadOnlyDictionary<string, string> ProcessorFiles();
}
