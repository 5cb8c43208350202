using Llava.Engine.Templating.Builtins;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Syntax;

/// <summary>
/// Recursive-descent parser following Jinja2's grammar and operator precedence (from loosest to tightest):
/// conditional expression, <c>or</c>, <c>and</c>, <c>not</c>, comparisons and <c>in</c>, <c>+ -</c>, <c>~</c>,
/// <c>* / // %</c>, <c>**</c> (left-associative as in Jinja2), unary <c>- +</c>, then postfix access, calls,
/// filters and tests.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> CompareOperators = ["==", "!=", "<", "<=", ">", ">="];

    // Jinja2 tags this engine deliberately does not implement; anything else unknown is a plain syntax error.
    private static readonly HashSet<string> UnsupportedTags =
        ["block", "extends", "include", "import", "from", "call", "autoescape", "do", "trans", "debug"];

    private readonly IReadOnlyList<Token> _tokens;
    private readonly Stack<HashSet<string>> _macroNameUsage = new();
    private readonly Stack<string> _openTags = new();
    private int _index;
    private int _loopDepth;

    private Parser(IReadOnlyList<Token> tokens) => _tokens = tokens;

    public static IReadOnlyList<Stmt> Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        var body = parser.Subparse([]);
        if (parser.Current.Kind != TokenKind.EndOfFile)
            throw Error($"unexpected {parser.Current.Describe()}", parser.Current);
        return body;
    }

    private Token Current => _tokens[_index];

    private Token Peek(int offset = 1) => _tokens[Math.Min(_index + offset, _tokens.Count - 1)];

    private Token Next() => _tokens[_index < _tokens.Count - 1 ? _index++ : _index];

    private static TemplateException Error(string message, Token at) =>
        new(message, at.Position.Line, at.Position.Column);

    private static void EnsureStackRoom(Token at)
    {
        try
        {
            Runtime.StackGuard.EnsureRoom();
        }
        catch (TemplateException e)
        {
            throw Error(e.Reason, at);
        }
    }

    private Token Expect(TokenKind kind, string? text = null)
    {
        var token = Current;
        if (token.Kind != kind || (text is not null && token.Text != text))
        {
            var wanted = text ?? kind switch
            {
                TokenKind.BlockEnd => "end of statement block",
                TokenKind.VariableEnd => "end of print statement",
                TokenKind.Name => "name",
                _ => kind.ToString(),
            };
            throw Error($"expected token '{wanted}', got '{token.Describe()}'", token);
        }
        return Next();
    }

    private bool SkipOperator(string op)
    {
        if (!Current.IsOperator(op))
            return false;
        Next();
        return true;
    }

    private bool SkipName(string name)
    {
        if (!Current.IsName(name))
            return false;
        Next();
        return true;
    }

    private List<Stmt> Subparse(IReadOnlyCollection<string> endTokens)
    {
        var body = new List<Stmt>();
        while (Current.Kind != TokenKind.EndOfFile)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Data:
                    Next();
                    body.Add(new TextStmt(token.Text, token.Position));
                    break;
                case TokenKind.VariableBegin:
                    Next();
                    body.Add(new OutputStmt(ParseTuple(), token.Position));
                    Expect(TokenKind.VariableEnd);
                    break;
                case TokenKind.BlockBegin:
                    Next();
                    if (Current.Kind == TokenKind.Name && endTokens.Contains(Current.Text))
                        return body;
                    body.Add(ParseStatement());
                    Expect(TokenKind.BlockEnd);
                    break;
                default:
                    throw Error($"unexpected {token.Describe()}", token);
            }
        }
        return body;
    }

    private List<Stmt> ParseStatements(string[] endTokens, bool dropNeedle = false)
    {
        SkipOperator(":");
        Expect(TokenKind.BlockEnd);
        var body = Subparse(endTokens);
        if (Current.Kind == TokenKind.EndOfFile)
        {
            var expected = string.Join(" or ", endTokens.Select(t => $"'{t}'"));
            throw Error($"Unexpected end of template. Jinja was looking for the following tags: {expected}. " +
                        $"The innermost block that needs to be closed is '{_openTags.Peek()}'.", Current);
        }
        if (dropNeedle)
            Next();
        return body;
    }

    private Stmt ParseStatement()
    {
        var token = Current;
        EnsureStackRoom(token);
        if (token.Kind != TokenKind.Name)
            throw Error("tag name expected", token);
        _openTags.Push(token.Text);
        try
        {
            switch (token.Text)
            {
                case "if": return ParseIf();
                case "for": return ParseFor();
                case "set": return ParseSet();
                case "macro": return ParseMacro();
                case "with": return ParseWith();
                case "filter": return ParseFilterBlock();
                case "generation": return ParseGeneration();
                case "print":
                    Next();
                    return new OutputStmt(ParseTuple(), token.Position);
                case "break" or "continue":
                    Next();
                    if (_loopDepth == 0)
                        throw Error($"'{token.Text}' outside of a for loop", token);
                    return token.Text == "break" ? new BreakStmt(token.Position) : new ContinueStmt(token.Position);
                case var name when UnsupportedTags.Contains(name):
                    throw Error($"The '{name}' tag is not supported by this template engine", token);
                default:
                    throw Error($"Encountered unknown tag '{token.Text}'.", token);
            }
        }
        finally
        {
            _openTags.Pop();
        }
    }

    private IfStmt ParseIf()
    {
        var start = Next();
        var branches = new List<(Expr, IReadOnlyList<Stmt>)>();
        IReadOnlyList<Stmt> otherwise = [];
        while (true)
        {
            var test = ParseTuple(withConditional: false);
            var body = ParseStatements(["elif", "else", "endif"]);
            branches.Add((test, body));
            var tag = Next();
            if (tag.Text == "elif")
                continue;
            if (tag.Text == "else")
                otherwise = ParseStatements(["endif"], dropNeedle: true);
            break;
        }
        return new IfStmt(branches, otherwise, start.Position);
    }

    private ForStmt ParseFor()
    {
        var start = Next();
        var target = ParseAssignTarget(extraEnd: "in");
        Expect(TokenKind.Name, "in");
        var iterable = ParseTuple(withConditional: false, extraEnd: "recursive");
        Expr? filter = null;
        if (SkipName("if"))
            filter = ParseExpression();
        if (Current.IsName("recursive"))
            throw Error("recursive for loops are not supported by this template engine", Current);
        _loopDepth++;
        var body = ParseStatements(["endfor", "else"]);
        _loopDepth--;
        IReadOnlyList<Stmt> otherwise = [];
        if (Next().Text == "else")
            otherwise = ParseStatements(["endfor"], dropNeedle: true);
        return new ForStmt(target, iterable, filter, body, otherwise, start.Position);
    }

    private Stmt ParseSet()
    {
        var start = Next();
        var target = ParseAssignTarget(withNamespace: true);
        if (SkipOperator("="))
            return new SetStmt(target, ParseTuple(), start.Position);
        var filter = Current.IsOperator("|") ? ParseFilterChain(startInline: false) : null;
        var body = ParseStatements(["endset"], dropNeedle: true);
        return new SetBlockStmt(target, filter, body, start.Position);
    }

    private MacroStmt ParseMacro()
    {
        var start = Next();
        var name = Expect(TokenKind.Name).Text;
        var parameters = new List<MacroParameter>();
        Expect(TokenKind.Operator, "(");
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0)
                Expect(TokenKind.Operator, ",");
            var paramToken = Expect(TokenKind.Name);
            Expr? defaultValue = null;
            if (SkipOperator("="))
                defaultValue = ParseExpression();
            else if (parameters.Count > 0 && parameters[^1].Default is not null)
                throw Error("non-default argument follows default argument", paramToken);
            parameters.Add(new MacroParameter(paramToken.Text, defaultValue));
        }
        Expect(TokenKind.Operator, ")");

        var usage = new HashSet<string>();
        _macroNameUsage.Push(usage);
        var savedLoopDepth = _loopDepth;
        _loopDepth = 0;
        var body = ParseStatements(["endmacro"], dropNeedle: true);
        _loopDepth = savedLoopDepth;
        _macroNameUsage.Pop();
        return new MacroStmt(name, parameters, body, usage.Contains("varargs"), usage.Contains("kwargs"), start.Position);
    }

    private WithStmt ParseWith()
    {
        var start = Next();
        var assignments = new List<(AssignTarget, Expr)>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0)
                Expect(TokenKind.Operator, ",");
            var target = ParseAssignTarget();
            Expect(TokenKind.Operator, "=");
            assignments.Add((target, ParseExpression()));
        }
        var body = ParseStatements(["endwith"], dropNeedle: true);
        return new WithStmt(assignments, body, start.Position);
    }

    private FilterBlockStmt ParseFilterBlock()
    {
        var start = Next();
        var filter = ParseFilterChain(startInline: true);
        var body = ParseStatements(["endfilter"], dropNeedle: true);
        return new FilterBlockStmt(filter, body, start.Position);
    }

    private GenerationStmt ParseGeneration()
    {
        var start = Next();
        // The body is a call block (a function) in Jinja2, so loop controls cannot reach an enclosing loop.
        var savedLoopDepth = _loopDepth;
        _loopDepth = 0;
        var body = ParseStatements(["endgeneration"], dropNeedle: true);
        _loopDepth = savedLoopDepth;
        return new GenerationStmt(body, start.Position);
    }

    private AssignTarget ParseAssignTarget(string? extraEnd = null, bool withNamespace = false)
    {
        var token = Current;
        if (withNamespace && token.Kind == TokenKind.Name && Peek().IsOperator("."))
        {
            Next();
            Next();
            var attribute = Expect(TokenKind.Name);
            return new NamespaceTarget(token.Text, attribute.Text, token.Position);
        }
        var items = new List<AssignTarget>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0)
                Expect(TokenKind.Operator, ",");
            if (IsTupleEnd(extraEnd))
                break;
            items.Add(ParseSimpleTarget());
            if (Current.IsOperator(","))
                isTuple = true;
            else
                break;
        }
        if (!isTuple && items.Count == 1)
            return items[0];
        if (items.Count == 0)
            throw Error($"Expected an expression, got '{Current.Describe()}'", Current);
        return new TupleTarget(items, token.Position);
    }

    private AssignTarget ParseSimpleTarget()
    {
        var token = Current;
        if (token.Kind == TokenKind.Name && token.Text is not ("true" or "false" or "True" or "False" or "none" or "None"))
        {
            Next();
            return new NameTarget(token.Text, token.Position);
        }
        if (token.IsOperator("("))
        {
            Next();
            var inner = ParseAssignTarget();
            Expect(TokenKind.Operator, ")");
            return inner;
        }
        throw Error($"can't assign to '{token.Describe()}'", token);
    }

    private bool IsTupleEnd(string? extraEnd) =>
        Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.EndOfFile
        || Current.IsOperator(")")
        || (extraEnd is not null && Current.IsName(extraEnd));

    private Expr ParseTuple(bool withConditional = true, string? extraEnd = null, bool explicitParentheses = false)
    {
        var start = Current;
        var items = new List<Expr>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0)
                Expect(TokenKind.Operator, ",");
            if (IsTupleEnd(extraEnd))
                break;
            items.Add(withConditional ? ParseExpression() : ParseOr());
            if (Current.IsOperator(","))
                isTuple = true;
            else
                break;
        }
        if (!isTuple)
        {
            if (items.Count > 0)
                return items[0];
            if (!explicitParentheses)
                throw Error($"Expected an expression, got '{Current.Describe()}'", Current);
        }
        return new TupleExpr(items, start.Position);
    }

    private Expr ParseExpression() => ParseConditional();

    private Expr ParseConditional()
    {
        var start = Current;
        var expr = ParseOr();
        while (SkipName("if"))
        {
            var test = ParseOr();
            var otherwise = SkipName("else") ? ParseConditional() : null;
            expr = new ConditionalExpr(test, expr, otherwise, start.Position);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var op = Next();
            left = new LogicalExpr(false, left, ParseAnd(), op.Position);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var op = Next();
            left = new LogicalExpr(true, left, ParseNot(), op.Position);
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            var op = Next();
            return new NotExpr(ParseNot(), op.Position);
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var start = Current;
        var first = ParseMath1();
        var rest = new List<(CompareOperator, Expr)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && CompareOperators.Contains(Current.Text))
            {
                var op = Next().Text switch
                {
                    "==" => CompareOperator.Equal,
                    "!=" => CompareOperator.NotEqual,
                    "<" => CompareOperator.Less,
                    "<=" => CompareOperator.LessOrEqual,
                    ">" => CompareOperator.Greater,
                    _ => CompareOperator.GreaterOrEqual,
                };
                rest.Add((op, ParseMath1()));
            }
            else if (SkipName("in"))
            {
                rest.Add((CompareOperator.In, ParseMath1()));
            }
            else if (Current.IsName("not") && Peek().IsName("in"))
            {
                Next();
                Next();
                rest.Add((CompareOperator.NotIn, ParseMath1()));
            }
            else
            {
                break;
            }
        }
        return rest.Count == 0 ? first : new CompareExpr(first, rest, start.Position);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Next();
            left = new BinaryExpr(op.Text == "+" ? BinaryOperator.Add : BinaryOperator.Subtract, left, ParseConcat(), op.Position);
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var start = Current;
        var operands = new List<Expr> { ParseMath2() };
        while (SkipOperator("~"))
            operands.Add(ParseMath2());
        return operands.Count == 1 ? operands[0] : new ConcatExpr(operands, start.Position);
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Text is "*" or "/" or "//" or "%")
        {
            var op = Next();
            var kind = op.Text switch
            {
                "*" => BinaryOperator.Multiply,
                "/" => BinaryOperator.Divide,
                "//" => BinaryOperator.FloorDivide,
                _ => BinaryOperator.Modulo,
            };
            left = new BinaryExpr(kind, left, ParsePow(), op.Position);
        }
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary();
        while (Current.IsOperator("**"))
        {
            var op = Next();
            left = new BinaryExpr(BinaryOperator.Power, left, ParseUnary(), op.Position);
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter = true)
    {
        var token = Current;
        EnsureStackRoom(token);
        Expr node;
        if (SkipOperator("-"))
            node = new NegateExpr(ParseUnary(withFilter: false), token.Position);
        else if (SkipOperator("+"))
            node = new PlusExpr(ParseUnary(withFilter: false), token.Position);
        else
            node = ParsePrimary();
        node = ParsePostfix(node);
        return withFilter ? ParseFilterExpression(node) : node;
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                Next();
                return token.Text switch
                {
                    "true" or "True" => new LiteralExpr(BoolValue.True, token.Position),
                    "false" or "False" => new LiteralExpr(BoolValue.False, token.Position),
                    "none" or "None" => new LiteralExpr(NoneValue.Instance, token.Position),
                    _ => MakeName(token),
                };
            case TokenKind.String:
                Next();
                var text = token.Text;
                while (Current.Kind == TokenKind.String)
                    text += Next().Text;
                return new LiteralExpr(new StringValue(text), token.Position);
            case TokenKind.Integer:
                Next();
                return new LiteralExpr(new IntValue((long)token.Literal!), token.Position);
            case TokenKind.Float:
                Next();
                return new LiteralExpr(new FloatValue((double)token.Literal!), token.Position);
            case TokenKind.Operator when token.Text == "(":
                Next();
                var inner = ParseTuple(explicitParentheses: true);
                Expect(TokenKind.Operator, ")");
                return inner;
            case TokenKind.Operator when token.Text == "[":
                return ParseList();
            case TokenKind.Operator when token.Text == "{":
                return ParseDict();
            default:
                throw Error($"unexpected '{token.Describe()}'", token);
        }
    }

    private NameExpr MakeName(Token token)
    {
        foreach (var usage in _macroNameUsage)
            usage.Add(token.Text);
        return new NameExpr(token.Text, token.Position);
    }

    private ListExpr ParseList()
    {
        var start = Expect(TokenKind.Operator, "[");
        var items = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (items.Count > 0)
                Expect(TokenKind.Operator, ",");
            if (Current.IsOperator("]"))
                break;
            items.Add(ParseExpression());
        }
        Expect(TokenKind.Operator, "]");
        return new ListExpr(items, start.Position);
    }

    private DictExpr ParseDict()
    {
        var start = Expect(TokenKind.Operator, "{");
        var entries = new List<(Expr, Expr)>();
        while (!Current.IsOperator("}"))
        {
            if (entries.Count > 0)
                Expect(TokenKind.Operator, ",");
            if (Current.IsOperator("}"))
                break;
            var key = ParseExpression();
            Expect(TokenKind.Operator, ":");
            entries.Add((key, ParseExpression()));
        }
        Expect(TokenKind.Operator, "}");
        return new DictExpr(entries, start.Position);
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator(".") || Current.IsOperator("["))
                node = ParseSubscript(node);
            else if (Current.IsOperator("("))
                node = ParseCall(node);
            else
                return node;
        }
    }

    private Expr ParseFilterExpression(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
                node = ParseFilterChain(startInline: false, node);
            else if (Current.IsName("is"))
                node = ParseTest(node);
            else if (Current.IsOperator("("))
                node = ParseCall(node);
            else
                return node;
        }
    }

    private Expr ParseSubscript(Expr node)
    {
        var token = Next();
        if (token.Text == ".")
        {
            var attribute = Next();
            if (attribute.Kind == TokenKind.Name)
                return new AttributeExpr(node, attribute.Text, token.Position);
            if (attribute.Kind != TokenKind.Integer)
                throw Error("expected name or number", attribute);
            return new ItemExpr(node, new LiteralExpr(new IntValue((long)attribute.Literal!), attribute.Position), token.Position);
        }
        var args = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (args.Count > 0)
                Expect(TokenKind.Operator, ",");
            args.Add(ParseSubscribed());
        }
        Expect(TokenKind.Operator, "]");
        var index = args.Count == 1 ? args[0] : new TupleExpr(args, token.Position);
        return new ItemExpr(node, index, token.Position);
    }

    private Expr ParseSubscribed()
    {
        var start = Current;
        Expr? first = null;
        if (!SkipOperator(":"))
        {
            first = ParseExpression();
            if (!SkipOperator(":"))
                return first;
        }
        Expr? stop = null;
        Expr? step = null;
        if (!Current.IsOperator(":") && !Current.IsOperator("]") && !Current.IsOperator(","))
            stop = ParseExpression();
        if (SkipOperator(":") && !Current.IsOperator("]") && !Current.IsOperator(","))
            step = ParseExpression();
        return new SliceExpr(first, stop, step, start.Position);
    }

    private CallExpr ParseCall(Expr callee)
    {
        var (args, keywords) = ParseCallArguments();
        return new CallExpr(callee, args, keywords, callee.Position);
    }

    private (List<Expr> Args, List<KeywordArgument> Keywords) ParseCallArguments()
    {
        Expect(TokenKind.Operator, "(");
        var args = new List<Expr>();
        var keywords = new List<KeywordArgument>();
        var requireComma = false;
        while (!Current.IsOperator(")"))
        {
            if (requireComma)
            {
                Expect(TokenKind.Operator, ",");
                if (Current.IsOperator(")"))
                    break;
            }
            if (Current.IsOperator("*") || Current.IsOperator("**"))
                throw Error("argument unpacking (*args / **kwargs) in calls is not supported by this template engine", Current);
            if (Current.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                var key = Next().Text;
                Next();
                keywords.Add(new KeywordArgument(key, ParseExpression()));
            }
            else
            {
                if (keywords.Count > 0)
                    throw Error("Invalid argument syntax", Current);
                args.Add(ParseExpression());
            }
            requireComma = true;
        }
        Expect(TokenKind.Operator, ")");
        return (args, keywords);
    }

    private FilterExpr ParseFilterChain(bool startInline, Expr? input = null)
    {
        FilterExpr? last = null;
        while (Current.IsOperator("|") || startInline)
        {
            if (!startInline)
                Next();
            startInline = false;
            var nameToken = Expect(TokenKind.Name);
            var name = nameToken.Text;
            while (SkipOperator("."))
                name += "." + Expect(TokenKind.Name).Text;
            FilterCatalog.EnsureKnown(name, nameToken.Position);
            var (args, keywords) = Current.IsOperator("(") ? ParseCallArguments() : ([], []);
            last = new FilterExpr(input, name, args, keywords, nameToken.Position);
            input = last;
        }
        return last!;
    }

    private Expr ParseTest(Expr node)
    {
        var isToken = Next();
        var negated = SkipName("not");
        var nameToken = Expect(TokenKind.Name);
        var name = nameToken.Text;
        while (SkipOperator("."))
            name += "." + Expect(TokenKind.Name).Text;
        TestCatalog.EnsureKnown(name, nameToken.Position);
        List<Expr> args = [];
        List<KeywordArgument> keywords = [];
        if (Current.IsOperator("("))
        {
            (args, keywords) = ParseCallArguments();
        }
        else if ((Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                  || Current.IsOperator("[") || Current.IsOperator("{"))
                 && !(Current.IsName("else") || Current.IsName("or") || Current.IsName("and")))
        {
            if (Current.IsName("is"))
                throw Error("You cannot chain multiple tests with is", Current);
            args = [ParsePostfix(ParsePrimary())];
        }
        Expr test = new TestExpr(node, name, args, keywords, isToken.Position);
        return negated ? new NotExpr(test, isToken.Position) : test;
    }
}
