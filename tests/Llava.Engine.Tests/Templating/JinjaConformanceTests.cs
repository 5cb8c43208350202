using Llava.Engine.Templating;

namespace Llava.Engine.Tests.Templating;

/// <summary>Every generated case must render exactly as Jinja2 rendered it, or fail where Jinja2 failed.</summary>
public class JinjaConformanceTests
{
    // Error kinds whose message is deterministic and user-facing, so the text must match Jinja2's too.
    private static readonly HashSet<string> ExactMessageErrors = ["TemplateError", "UndefinedError", "SecurityError"];

    public static TheoryData<string> RenderCases => JinjaCases.Names(n => JinjaCases.ByName[n].Expected is not null);

    public static TheoryData<string> ErrorCases => JinjaCases.Names(n => JinjaCases.ByName[n].Expected is null);

    [Theory]
    [MemberData(nameof(RenderCases))]
    public void RendersLikeJinja2(string name)
    {
        var c = JinjaCases.ByName[name];
        var output = JinjaTemplate.Parse(c.Template).Render(c.Context, new PinnedClock(JinjaCases.PinnedNow));
        Assert.Equal(c.Expected, output);
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void FailsWhereJinja2Fails(string name)
    {
        var c = JinjaCases.ByName[name];
        var error = Assert.Throws<TemplateException>(() =>
            JinjaTemplate.Parse(c.Template).Render(c.Context, new PinnedClock(JinjaCases.PinnedNow)));
        if (ExactMessageErrors.Contains(c.ErrorType!))
            Assert.Equal(c.ErrorMessage, error.Reason);
        Assert.Equal(c.ErrorType == "TemplateError", error.RaisedByTemplate);
    }

    [Fact]
    public void BatteryIsLargeAndCoversChatTemplates()
    {
        Assert.True(JinjaCases.ByName.Count >= 300, $"only {JinjaCases.ByName.Count} cases");
        Assert.True(JinjaCases.ByName.Keys.Count(k => k.StartsWith("chat_llava15_", StringComparison.Ordinal)) >= 16);
    }
}
