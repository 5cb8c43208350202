using Llava.TestSupport;
using Llava.Training.Cli;

namespace Llava.Training.Tests;

/// <summary><c>eval</c> without a question file renders the chosen world's held-out sets and reports each.</summary>
public sealed class EvalCommandTests
{
    [Fact]
    public void The_wide_world_is_reported_on_its_own_and_on_the_independent_renderers_pictures()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = CommandLine.Run(["eval", "--model", RepoPaths.ShapesModel, "--limit", "2"], output, error);

        Assert.Equal(0, exit);
        Assert.Contains("eval (in-distribution): 2 questions", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("eval (independent renderer): 2 questions", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_classic_world_has_one_set()
    {
        var output = new StringWriter();

        var exit = CommandLine.Run(["eval", "--model", RepoPaths.ShapesModel, "--world", "classic", "--limit", "2"], output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("eval (in-distribution): 2 questions", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("independent", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_world_is_a_usage_error_naming_the_choices()
    {
        var error = new StringWriter();

        var exit = CommandLine.Run(["eval", "--world", "round"], new StringWriter(), error);

        Assert.Equal(2, exit);
        Assert.Contains("--world: 'round' is not one of classic, wide", error.ToString(), StringComparison.Ordinal);
    }
}
