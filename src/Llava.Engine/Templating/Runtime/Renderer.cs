using System.Text;
using Llava.Engine.Templating.Syntax;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Runtime;

/// <summary>Executes statement nodes, appending output. Loop controls travel back up as a <see cref="Flow"/>.</summary>
internal sealed class Renderer
{
    public enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public Evaluator Evaluator { get; } = new();

    public Flow Render(IReadOnlyList<Stmt> body, Scope scope, StringBuilder output)
    {
        StackGuard.EnsureRoom();
        foreach (var stmt in body)
        {
            Flow flow;
            try
            {
                flow = Execute(stmt, scope, output);
            }
            catch (TemplateException e) when (!e.HasPosition)
            {
                throw e.At(stmt.Position);
            }
            if (flow != Flow.Normal)
                return flow;
        }
        return Flow.Normal;
    }

    private Flow Execute(Stmt stmt, Scope scope, StringBuilder output)
    {
        switch (stmt)
        {
            case TextStmt text:
                output.Append(text.Text);
                return Flow.Normal;
            case OutputStmt print:
                output.Append(Evaluator.Evaluate(print.Value, scope).Str());
                return Flow.Normal;
            case IfStmt conditional:
                foreach (var (test, branch) in conditional.Branches)
                {
                    if (Evaluator.Evaluate(test, scope).IsTruthy)
                        return Render(branch, scope, output);
                }
                return Render(conditional.Otherwise, scope, output);
            case ForStmt loop:
                ExecuteFor(loop, scope, output);
                return Flow.Normal;
            case BreakStmt:
                return Flow.Break;
            case ContinueStmt:
                return Flow.Continue;
            case SetStmt set:
                Assign(set.Target, Evaluator.Evaluate(set.Value, scope), scope);
                return Flow.Normal;
            case SetBlockStmt setBlock:
                var captured = new StringValue(RenderToString(setBlock.Body, scope.Child()));
                Assign(setBlock.Target, setBlock.Filter is null ? captured : Evaluator.ApplyFilter(setBlock.Filter, scope, captured), scope);
                return Flow.Normal;
            case MacroStmt macro:
                scope.Set(macro.Name, new MacroValue(macro, scope, this));
                return Flow.Normal;
            case WithStmt with:
                var inner = scope.Child();
                foreach (var (target, value) in with.Assignments)
                    Assign(target, Evaluator.Evaluate(value, scope), inner);
                return Render(with.Body, inner, output);
            case FilterBlockStmt filterBlock:
                var body = new StringValue(RenderToString(filterBlock.Body, scope.Child()));
                output.Append(Evaluator.ApplyFilter(filterBlock.Filter, scope, body).Str());
                return Flow.Normal;
            case GenerationStmt generation:
                output.Append(RenderToString(generation.Body, scope.Child()));
                return Flow.Normal;
            default:
                throw new TemplateException($"unsupported statement {stmt.GetType().Name}");
        }
    }

    private string RenderToString(IReadOnlyList<Stmt> body, Scope scope)
    {
        var sb = new StringBuilder();
        Render(body, scope, sb);
        return sb.ToString();
    }

    /// <summary>
    /// Jinja2 semantics: the iterable is consumed once, the optional <c>if</c> filter decides which items count
    /// (so <c>loop.length</c> and <c>loop.last</c> see only those), and every iteration gets a fresh scope.
    /// </summary>
    private void ExecuteFor(ForStmt loop, Scope scope, StringBuilder output)
    {
        var items = PythonOps.Iterate(Evaluator.Evaluate(loop.Iterable, scope)).ToList();
        if (loop.Filter is not null)
        {
            items = items.Where(item =>
            {
                var probe = scope.Child();
                Assign(loop.Target, item, probe);
                return Evaluator.Evaluate(loop.Filter, probe).IsTruthy;
            }).ToList();
        }
        if (items.Count == 0)
        {
            Render(loop.Otherwise, scope.Child(), output);
            return;
        }
        var context = new LoopValue(items);
        for (var i = 0; i < items.Count; i++)
        {
            var iteration = scope.Child();
            Assign(loop.Target, items[i], iteration);
            context.Index0 = i;
            iteration.Set("loop", context);
            if (Render(loop.Body, iteration, output) == Flow.Break)
                break;
        }
    }

    private static void Assign(AssignTarget target, Value value, Scope scope)
    {
        switch (target)
        {
            case NameTarget name:
                scope.Set(name.Name, value);
                break;
            case TupleTarget tuple:
                var items = PythonOps.Iterate(value).ToList();
                if (items.Count != tuple.Items.Count)
                {
                    throw new TemplateException(items.Count > tuple.Items.Count
                        ? $"too many values to unpack (expected {tuple.Items.Count})"
                        : $"not enough values to unpack (expected {tuple.Items.Count}, got {items.Count})");
                }
                for (var i = 0; i < items.Count; i++)
                    Assign(tuple.Items[i], items[i], scope);
                break;
            case NamespaceTarget ns:
                if (scope.Lookup(ns.Namespace) is not NamespaceValue namespaceValue)
                    throw new TemplateException("cannot assign attribute on non-namespace object");
                namespaceValue.Attributes[ns.Attribute] = value;
                break;
        }
    }
}
