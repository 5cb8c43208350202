using Llava.Model.Config;
using static TorchSharp.torch;

namespace Llava.Model.Tests.Support;

/// <summary>Small models with seeded random weights, for behaviour that needs no reference values.</summary>
public static class RandomModels
{
    /// <summary>A config with the fixture's tiny vision tower and the given text_config JSON body.</summary>
    public static LlavaConfig Config(string textConfigJson) => LlavaConfig.Parse($$"""
        {
          "architectures": ["LlavaForConditionalGeneration"],
          "vision_config": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                            "num_attention_heads": 4, "image_size": 28, "patch_size": 14},
          "text_config": {{textConfigJson}}
        }
        """, "test config");

    public static LlavaForConditionalGeneration Create(LlavaConfig config, int seed)
    {
        var model = new LlavaForConditionalGeneration(config, CPU, ScalarType.Float32);
        Randomize(model, seed);
        return model;
    }

    /// <summary>Fills every parameter: norm weights near 1, everything else with a spread that keeps attention non-uniform.</summary>
    public static void Randomize(nn.Module model, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith(".weight") && name.Contains("norm"))
                parameter.normal_(1.0, 0.1, generator);
            else
                parameter.normal_(0.0, 0.2, generator);
        }
    }
}
