using Llava.Engine.Templating;

namespace Llava.Engine.Tests.Templating;

/// <summary>Unsupported constructs and template-raised errors must surface as TemplateException with a position.</summary>
public class TemplateErrorTests
{
    private static TemplateException Fails(string template, IReadOnlyDictionary<string, object?>? variables = null) =>
        Assert.Throws<TemplateException>(() => JinjaTemplate.Parse(template).Render(variables ?? new Dictionary<string, object?>()));

    [Theory]
    [InlineData("{% include 'x.jinja' %}", "'include' tag", 1, 4)]
    [InlineData("a\n{% extends 'base' %}", "'extends' tag", 2, 4)]
    [InlineData("{% call m() %}x{% endcall %}", "'call' tag", 1, 4)]
    [InlineData("{{ 'text'|wordwrap(5) }}", "filter 'wordwrap'", 1, 11)]
    [InlineData("{{ x|nosuch }}", "No filter named 'nosuch'", 1, 6)]
    [InlineData("{{ x is nosuch }}", "No test named 'nosuch'", 1, 9)]
    [InlineData("{% for x in y recursive %}{% endfor %}", "recursive for loops", 1, 15)]
    [InlineData("{{ f(*args) }}", "argument unpacking", 1, 6)]
    [InlineData("{{ '\\N{BULLET}' }}", "named unicode escapes", 1, 4)]
    [InlineData("{{ 99999999999999999999 }}", "64-bit range", 1, 4)]
    [InlineData("{{ 0xFFFFFFFFFFFFFFFF }}", "64-bit range", 1, 4)]
    [InlineData("{% frobnicate %}", "unknown tag 'frobnicate'", 1, 4)]
    [InlineData("{% if x %}never closed", "looking for the following tags: 'elif' or 'else' or 'endif'", 1, 23)]
    public void ParseErrorsNameTheConstructAndPosition(string template, string expected, int line, int column)
    {
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse(template));

        Assert.Contains(expected, error.Reason);
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains($"(line {line}, column {column})", error.Message);
    }

    [Theory]
    [InlineData("{{ 2 ** 64 }}", "64-bit range")]
    [InlineData("{{ 9223372036854775807 + 1 }}", "64-bit range")]
    [InlineData("{{ '%s!' % 'x' }}", "printf-style string formatting")]
    [InlineData("{{ 'ab' * 1000000000000 }}", "refusing to build it")]
    [InlineData("{{ 'x'|center(1000000000000) }}", "refusing to build it")]
    [InlineData("{{ '{:>5}'.format(1) }}", "format specs")]
    [InlineData("{{ 'x'.zfill(3) }}", "str.zfill() is not supported")]
    [InlineData("{{ lipsum() }}", "lipsum() is not supported")]
    [InlineData("{{ [1, 2]|map('string') }}", "cannot render a generator")]
    [InlineData("{{ (1, 2)|reverse }}", "cannot render a reversed")]
    [InlineData("{{ 'x'.upper }}", "cannot render the builtin_function_or_method 'str.upper'")]
    [InlineData("{{ strftime_now('%c') }}", "strftime directive '%c'")]
    [InlineData("{{ 1 is sameas 1 }}", "'sameas' on int")]
    public void RuntimeLimitsFailInsteadOfRenderingDifferently(string template, string expected)
    {
        var error = Fails(template);

        Assert.Contains(expected, error.Reason);
        Assert.Equal(1, error.Line);
        Assert.False(error.RaisedByTemplate);
    }

    [Fact]
    public void RaiseExceptionSurfacesTheTemplateMessageAndPosition()
    {
        var error = Fails("{% for m in messages %}\n  {% if m.role == 'tool' %}{{ raise_exception('No tools: ' ~ m.role) }}{% endif %}\n{% endfor %}",
            new Dictionary<string, object?> { ["messages"] = new[] { new Dictionary<string, object?> { ["role"] = "tool" } } });

        Assert.True(error.RaisedByTemplate);
        Assert.Equal("No tools: tool", error.Reason);
        Assert.Equal(2, error.Line);
        Assert.Equal(31, error.Column);
    }

    [Fact]
    public void EndlessMacroRecursionFailsInsteadOfOverflowingTheStack()
    {
        var error = Fails("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");

        Assert.Contains("too deep", error.Reason);
    }

    [Fact]
    public void AbsurdNestingFailsAtParseTime()
    {
        var template = "{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}";

        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse(template));
        Assert.Contains("too deep", error.Reason);
    }

    [Fact]
    public void UndefinedErrorsNameTheMissingVariable()
    {
        var error = Fails("line one\n{{ messages[0].content + 1 }}", new Dictionary<string, object?> { ["messages"] = new List<object?> { new Dictionary<string, object?>() } });

        Assert.Equal("'dict object' has no attribute 'content'", error.Reason);
        Assert.Equal(2, error.Line);
    }
}
