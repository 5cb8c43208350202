using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LlavaServer.BrowserTests;

/// <summary>The page's Markdown renderer, run in the browser, and the copy buttons of rendered answers.</summary>
[Collection(nameof(OpenServer))]
public sealed class MarkdownTests(OpenServer server)
{
    private static async Task<string> RenderAsync(Playground playground, string markdown) =>
        await playground.Page.EvaluateAsync<string>("""
            async markdown => {
              const { renderMarkdown } = await import('/js/markdown.js');
              const host = document.createElement('div');
              host.append(renderMarkdown(markdown));
              return host.innerHTML;
            }
            """, markdown);

    [Theory]
    [InlineData("Some **bold**, *em*, ~~gone~~ and `a<b>`",
        "<p>Some <strong>bold</strong>, <em>em</em>, <del>gone</del> and <code>a&lt;b&gt;</code></p>")]
    [InlineData("<img src=x onerror=alert(1)> <script>alert(1)</script>",
        "<p>&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>")]
    [InlineData("[site](https://example.com/a) and [bad](javascript:alert(1)) and https://example.org/b.",
        """<p><a href="https://example.com/a" target="_blank" rel="noopener noreferrer">site</a> and [bad](javascript:alert(1)) and <a href="https://example.org/b" target="_blank" rel="noopener noreferrer">https://example.org/b</a>.</p>""")]
    [InlineData("line one\nline two\n\nnext paragraph", "<p>line one<br>line two</p><p>next paragraph</p>")]
    [InlineData("# Title\n### Small", "<h3>Title</h3><h5>Small</h5>")]
    [InlineData("1. one\n2. two\n\n- a\n- b", "<ol><li><p>one</p></li><li><p>two</p></li></ol><ul><li><p>a</p></li><li><p>b</p></li></ul>")]
    [InlineData("> quoted **text**", "<blockquote><p>quoted <strong>text</strong></p></blockquote>")]
    [InlineData("snake_case_name and 2*3*4", "<p>snake_case_name and 2<em>3</em>4</p>")]
    [InlineData("\\*not em\\*", "<p>*not em*</p>")]
    [InlineData("| a | b |\n|:-|--:|\n| 1 | 2 |",
        """<div class="table-scroll" tabindex="0"><table><thead><tr><th scope="col" class="align-left">a</th><th scope="col" class="align-right">b</th></tr></thead><tbody><tr><td class="align-left">1</td><td class="align-right">2</td></tr></tbody></table></div>""")]
    [InlineData("```js\nlet a = '<b>';\n```",
        """<div class="code-block"><div class="code-header"><span class="code-language">js</span><button class="button small copy-code" type="button" data-action="copy-code" aria-label="Copy js code">Copy</button></div><pre tabindex="0"><code>let a = '&lt;b&gt;';</code></pre></div>""")]
    [InlineData("```\nstill streaming",
        """<div class="code-block"><div class="code-header"><span class="code-language">code</span><button class="button small copy-code" type="button" data-action="copy-code" aria-label="Copy code">Copy</button></div><pre tabindex="0"><code>still streaming</code></pre></div>""")]
    public async Task RendersMarkdownAsElementsAndKeepsMarkupAsText(string markdown, string html)
    {
        var playground = await server.OpenAsync();
        Assert.Equal(html, await RenderAsync(playground, markdown));
    }

    [Fact]
    public async Task StoredAnswersRenderWithCopyButtons()
    {
        var playground = await server.OpenAsync();
        await playground.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await SeededConversation.StoreAsync(playground);

        var answer = playground.Answers.First;
        await Expect(answer.Locator("h3")).ToHaveTextAsync("A gradient");
        await Expect(answer.Locator(".code-block code")).ToHaveTextAsync("print(\"hello\")");
        await Expect(answer.Locator(".metrics")).ToHaveTextAsync(
            "first token 14 ms · 413 tok/s · 52 prompt tokens · 41 completion tokens · finish: stop");

        await answer.GetByRole(AriaRole.Button, new() { Name = "Copy python code" }).ClickAsync();
        Assert.Equal("print(\"hello\")", await playground.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await answer.GetByRole(AriaRole.Button, new() { Name = "Copy answer" }).ClickAsync();
        Assert.Equal(SeededConversation.AnswerMarkdown, await playground.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
    }
}
