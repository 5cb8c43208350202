using Llava.TestSupport;
using Llava.Training.Cli;

namespace Llava.Training.Tests;

/// <summary><c>eval</c> without a question file renders the chosen world's held-out sets and reports each.</summary>
public sealed class EvalCommandTests
{
    private static (int Exit, string Output, string Error) Eval(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = CommandLine.Run(["eval", .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_wide_world_is_reported_on_its_own_and_on_the_independent_renderers_pictures()
    {
        var (exit, output, _) = Eval("--model", RepoPaths.ShapesModel, "--limit", "2");

        Assert.Equal(0, exit);
        Assert.Contains("eval (in-distribution): 2 questions", output, StringComparison.Ordinal);
        Assert.Contains("eval (independent renderer): 2 questions", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_classic_world_has_one_set()
    {
        var (exit, output, _) = Eval("--model", RepoPaths.ShapesModel, "--world", "classic", "--limit", "2");

        Assert.Equal(0, exit);
        Assert.Contains("eval (in-distribution): 2 questions", output, StringComparison.Ordinal);
        Assert.DoesNotContain("independent", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_world_is_a_usage_error_naming_the_choices()
    {
        var (exit, _, error) = Eval("--world", "round");

        Assert.Equal(2, exit);
        Assert.Contains("--world: 'round' is not one of classic, wide", error, StringComparison.Ordinal);
    }
}
