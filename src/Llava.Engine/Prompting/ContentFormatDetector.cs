using Llava.Engine.Templating;
using Llava.Engine.Templating.Syntax;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Prompting;

/// <summary>
/// vLLM's content-format detection (<c>_detect_content_format</c> in <c>vllm/entrypoints/chat_utils.py</c>) on the parsed
/// template: a template is <see cref="ChatTemplateContentFormat.OpenAI"/> when it loops over a message's content — a
/// <c>for</c> over <c>m['content']</c> or <c>m.content</c> (possibly filtered, tested or sliced) where <c>m</c> is the
/// target of a loop over <c>messages</c> or over a variable <c>set</c> from it — and
/// <see cref="ChatTemplateContentFormat.String"/> otherwise. Like vLLM it ignores scopes and only follows plain
/// <c>{% set name = … %}</c> assignments.
/// </summary>
internal static class ContentFormatDetector
{
    public static ChatTemplateContentFormat Detect(JinjaTemplate template)
    {
        var statements = AllStatements(template.Body).ToList();
        var messageLists = Aliases("messages", statements);
        var messageNames = statements.OfType<ForStmt>()
            .Where(loop => loop.Target is NameTarget && messageLists.Any(name => IsVariableOrElements(loop.Iterable, name, key: null)))
            .Select(loop => ((NameTarget)loop.Target).Name)
            .ToHashSet(StringComparer.Ordinal);
        var loopsOverContent = statements.OfType<ForStmt>()
            .Any(loop => messageNames.Any(name => IsVariableOrElements(loop.Iterable, name, "content")));
        return loopsOverContent ? ChatTemplateContentFormat.OpenAI : ChatTemplateContentFormat.String;
    }

    /// <summary><paramref name="root"/> and every variable set from it (or from one of those), transitively.</summary>
    private static HashSet<string> Aliases(string root, IReadOnlyList<Stmt> statements)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { root };
        var pending = new Queue<string>([root]);
        while (pending.TryDequeue(out var current))
        {
            foreach (var set in statements.OfType<SetStmt>())
            {
                if (set.Target is NameTarget target && IsVariableOrElements(set.Value, current, key: null) && names.Add(target.Name))
                    pending.Enqueue(target.Name);
            }
        }
        return names;
    }

    /// <summary>
    /// <c>name</c> (or <c>name[key]</c> / <c>name.key</c> when a key is given), seen through filters, tests and slices:
    /// <c>messages | selectattr(…)</c>, <c>messages[1:]</c>, <c>message['content'] is string</c>.
    /// </summary>
    private static bool IsVariableOrElements(Expr expr, string name, string? key) => expr switch
    {
        FilterExpr filter => filter.Input is not null && IsVariableOrElements(filter.Input, name, key),
        TestExpr test => IsVariableOrElements(test.Input, name, key),
        ItemExpr { Index: SliceExpr } slice => IsVariableOrElements(slice.Target, name, key),
        _ when key is null => expr is NameExpr variable && variable.Name == name,
        ItemExpr { Target: NameExpr variable, Index: LiteralExpr { Value: StringValue index } } =>
            variable.Name == name && index.Text == key,
        AttributeExpr { Target: NameExpr variable } attribute => variable.Name == name && attribute.Name == key,
        _ => false,
    };

    private static IEnumerable<Stmt> AllStatements(IEnumerable<Stmt> body)
    {
        foreach (var statement in body)
        {
            yield return statement;
            foreach (var nested in AllStatements(Children(statement)))
                yield return nested;
        }
    }

    private static IEnumerable<Stmt> Children(Stmt statement) => statement switch
    {
        IfStmt branches => branches.Branches.SelectMany(b => b.Body).Concat(branches.Otherwise),
        ForStmt loop => loop.Body.Concat(loop.Otherwise),
        SetBlockStmt block => block.Body,
        MacroStmt macro => macro.Body,
        WithStmt with => with.Body,
        FilterBlockStmt filter => filter.Body,
        GenerationStmt generation => generation.Body,
        _ => [],
    };
}
