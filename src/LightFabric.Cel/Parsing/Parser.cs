using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Parsing;

/// <summary>Limits and switches for parsing.</summary>
public sealed record ParserOptions
{
    public int MaxExpressionBytes { get; init; } = 100_000;

    public int MaxNodes { get; init; } = 100_000;

    /// <summary>Maximum height of the expression tree (nesting of operators, calls, selections and literals).</summary>
    public int MaxDepth { get; init; } = 250;

    public int MaxComprehensionNesting { get; init; } = 8;

    public bool EnableMacros { get; init; } = true;

    public static ParserOptions Default { get; } = new();
}

/// <summary>Recursive-descent parser for the CEL grammar, expanding macros as calls are recognised.</summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Reserved =
    [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
        "namespace", "return", "var", "void", "while",
    ];

    private readonly string _src;
    private readonly ParserOptions _options;
    private readonly List<Token> _tokens;
    private readonly MacroExpander _macros;
    private int _i;
    private int _nodes;
    private int _recursion;

    private Parser(string source, ParserOptions options)
    {
        _src = source;
        _options = options;
        _tokens = Lexer.Tokenize(source);
        _macros = new MacroExpander(this);
    }

    /// <summary>Parses <paramref name="source"/>; throws <see cref="ParseError"/> with the offending offset.</summary>
    public static Expr Parse(string source, ParserOptions options)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(source) > options.MaxExpressionBytes)
        {
            throw new ParseError(0, $"expression exceeds the limit of {options.MaxExpressionBytes} bytes");
        }

        var parser = new Parser(source, options);
        var e = parser.ParseExpr();
        if (parser.Current.Kind != TokenKind.Eof)
        {
            throw parser.Unexpected(parser.Current);
        }

        return e;
    }

    internal ParserOptions Options => _options;

    private Token Current => _tokens[_i];

    private Token PeekToken(int ahead) => _tokens[Math.Min(_i + ahead, _tokens.Count - 1)];

    internal T Node<T>(T e, params Expr?[] children)
        where T : Expr
    {
        if (++_nodes > _options.MaxNodes)
        {
            throw new ParseError(e.Offset, $"expression exceeds the limit of {_options.MaxNodes} nodes");
        }

        var h = 0;
        var nesting = 0;
        foreach (var c in children)
        {
            if (c is not null)
            {
                h = Math.Max(h, c.Height);
                nesting = Math.Max(nesting, c.Nesting);
            }
        }

        e.Height = h + 1;
        if (e is ComprehensionExpr { Kind: not (ComprehensionKind.Bind or ComprehensionKind.OptMap or ComprehensionKind.OptFlatMap) } comp)
        {
            // Chaining (a comprehension over another's result) is not nesting; only the loop body counts.
            nesting = Math.Max(comp.Range.Nesting, Math.Max(comp.Step.Nesting, comp.Filter?.Nesting ?? 0) + 1);
            if (nesting > _options.MaxComprehensionNesting)
            {
                throw new ParseError(e.Offset, $"comprehension nesting exceeds the limit of {_options.MaxComprehensionNesting}");
            }
        }

        e.Nesting = nesting;
        if (e.Height > _options.MaxDepth)
        {
            throw new ParseError(e.Offset, $"expression nesting exceeds the limit of {_options.MaxDepth}");
        }

        return e;
    }

    private Token Advance() => _tokens[_i++];

    private bool Accept(TokenKind kind)
    {
        if (Current.Kind == kind)
        {
            _i++;
            return true;
        }

        return false;
    }

    private Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Current.Kind == TokenKind.Eof
                ? new ParseError(Current.Offset, $"Syntax error: missing {what} at '<EOF>'")
                : new ParseError(Current.Offset, $"Syntax error: expected {what} but found '{TokenText(Current)}'");
        }

        return Advance();
    }

    private string TokenText(Token t) => t.Kind == TokenKind.Eof ? "<EOF>" : _src[t.Offset..t.End];

    private ParseError Unexpected(Token t) =>
        t.Kind == TokenKind.Eof
            ? new ParseError(t.Offset, "Syntax error: unexpected end of expression")
            : new ParseError(t.Offset, $"Syntax error: mismatched input '{TokenText(t)}'");

    private void Enter()
    {
        if (++_recursion > _options.MaxDepth)
        {
            throw new ParseError(Current.Offset, $"expression nesting exceeds the limit of {_options.MaxDepth}");
        }
    }

    private void Leave() => _recursion--;

    private Expr ParseExpr()
    {
        Enter();
        var cond = ParseOr();
        if (Current.Kind == TokenKind.Question)
        {
            var q = Advance();
            var a = ParseOr();
            Expect(TokenKind.Colon, "':'");
            var b = ParseExpr();
            cond = Node(new CallExpr(q.Offset, null, Operators.Conditional, [cond, a, b]), cond, a, b);
        }

        Leave();
        return cond;
    }

    private Expr ParseOr() => ParseLogical(TokenKind.Or, Operators.LogicalOr, ParseAnd);

    private Expr ParseAnd() => ParseLogical(TokenKind.And, Operators.LogicalAnd, ParseRelation);

    private Expr ParseLogical(TokenKind op, string function, Func<Expr> next)
    {
        var first = next();
        if (Current.Kind != op)
        {
            return first;
        }

        var operands = new List<Expr> { first };
        var offsets = new List<int>();
        while (Current.Kind == op)
        {
            offsets.Add(Advance().Offset);
            operands.Add(next());
        }

        // Balanced tree keeps long chains shallow; && and || are associative.
        return Balance(operands, offsets, 0, operands.Count - 1, function);
    }

    private Expr Balance(List<Expr> operands, List<int> offsets, int lo, int hi, string function)
    {
        if (lo == hi)
        {
            return operands[lo];
        }

        var mid = (lo + hi + 1) / 2;
        var left = Balance(operands, offsets, lo, mid - 1, function);
        var right = Balance(operands, offsets, mid, hi, function);
        return Node(new CallExpr(offsets[mid - 1], null, function, [left, right]), left, right);
    }

    private Expr ParseRelation()
    {
        var left = ParseAdditive();
        while (true)
        {
            var t = Current;
            var fn = t.Kind switch
            {
                TokenKind.Lt => Operators.Less,
                TokenKind.Le => Operators.LessEquals,
                TokenKind.Gt => Operators.Greater,
                TokenKind.Ge => Operators.GreaterEquals,
                TokenKind.Eq => Operators.Equal,
                TokenKind.Ne => Operators.NotEquals,
                TokenKind.In => Operators.In,
                _ => null,
            };
            if (fn is null)
            {
                return left;
            }

            Advance();
            var right = ParseAdditive();
            left = Node(new CallExpr(t.Offset, null, fn, [left, right]), left, right);
        }
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var t = Advance();
            var right = ParseMultiplicative();
            var fn = t.Kind == TokenKind.Plus ? Operators.Add : Operators.Subtract;
            left = Node(new CallExpr(t.Offset, null, fn, [left, right]), left, right);
        }

        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var t = Advance();
            var right = ParseUnary();
            var fn = t.Kind switch
            {
                TokenKind.Star => Operators.Multiply,
                TokenKind.Slash => Operators.Divide,
                _ => Operators.Modulo,
            };
            left = Node(new CallExpr(t.Offset, null, fn, [left, right]), left, right);
        }

        return left;
    }

    private Expr ParseUnary()
    {
        if (Current.Kind == TokenKind.Not)
        {
            var first = Current;
            var count = 0;
            while (Current.Kind == TokenKind.Not)
            {
                Advance();
                count++;
            }

            var operand = ParseMember();
            return count % 2 == 0 ? operand : Node(new CallExpr(first.Offset, null, Operators.LogicalNot, [operand]), operand);
        }

        if (Current.Kind == TokenKind.Minus)
        {
            var first = Current;
            var count = 0;
            while (Current.Kind == TokenKind.Minus)
            {
                Advance();
                count++;
            }

            if (count % 2 == 1 && Current.Kind is TokenKind.Int or TokenKind.Double)
            {
                var lit = Advance();
                Expr negated = lit.Kind == TokenKind.Int
                    ? Node(new ConstExpr(first.Offset, CelInt.Of(unchecked(-(long)(ulong)lit.Value!))))
                    : Node(new ConstExpr(first.Offset, CelDouble.Of(-(double)lit.Value!)));
                return ParsePostfix(negated);
            }

            var operand = ParseMember();
            return count % 2 == 0 ? operand : Node(new CallExpr(first.Offset, null, Operators.Negate, [operand]), operand);
        }

        return ParseMember();
    }

    private Expr ParseMember() => ParsePostfix(ParsePrimary());

    private Expr ParsePostfix(Expr e)
    {
        while (true)
        {
            var t = Current;
            if (t.Kind == TokenKind.Dot)
            {
                Advance();
                var optional = Accept(TokenKind.Question);
                var nameTok = Advance();
                string name;
                if (nameTok.Kind is TokenKind.Ident or TokenKind.QuotedIdent)
                {
                    name = nameTok.Text!;
                }
                else
                {
                    // true, false, null and in are literals/operators, not names; quote them as `in` to select.
                    throw Unexpected(nameTok);
                }

                if (!optional && nameTok.Kind != TokenKind.QuotedIdent && Current.Kind == TokenKind.LParen)
                {
                    Advance();
                    var args = ParseArgs();
                    e = MakeCall(nameTok.Offset, e, name, args);
                    continue;
                }

                if (optional)
                {
                    var field = Node(new ConstExpr(nameTok.Offset, CelString.Of(name)));
                    e = Node(new CallExpr(nameTok.Offset, null, Operators.OptSelect, [e, field]), e, field);
                }
                else
                {
                    e = Node(new SelectExpr(nameTok.Offset, e, name, false), e);
                }

                continue;
            }

            if (t.Kind == TokenKind.LBracket)
            {
                Advance();
                var optional = Accept(TokenKind.Question);
                var index = ParseExpr();
                Expect(TokenKind.RBracket, "']'");
                e = Node(new CallExpr(t.Offset, null, optional ? Operators.OptIndex : Operators.Index, [e, index]), e, index);
                continue;
            }

            if (t.Kind == TokenKind.LBrace && QualifiedName(e) is { } typeName)
            {
                Advance();
                e = ParseStruct(t.Offset, typeName);
                continue;
            }

            return e;
        }
    }

    private static string? QualifiedName(Expr e) => e switch
    {
        IdentExpr id => id.Name,
        SelectExpr { TestOnly: false } s when QualifiedName(s.Operand) is { } prefix => prefix + "." + s.Field,
        _ => null,
    };

    private Expr ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Int:
                Advance();
                var v = (ulong)t.Value!;
                if (v > long.MaxValue)
                {
                    throw new ParseError(t.Offset, "int literal out of range");
                }

                return Node(new ConstExpr(t.Offset, CelInt.Of((long)v)));
            case TokenKind.Uint:
                Advance();
                return Node(new ConstExpr(t.Offset, CelUint.Of((ulong)t.Value!)));
            case TokenKind.Double:
                Advance();
                return Node(new ConstExpr(t.Offset, CelDouble.Of((double)t.Value!)));
            case TokenKind.String:
                Advance();
                return Node(new ConstExpr(t.Offset, CelString.Of((string)t.Value!)));
            case TokenKind.Bytes:
                Advance();
                return Node(new ConstExpr(t.Offset, CelBytes.Of((byte[])t.Value!)));
            case TokenKind.True:
                Advance();
                return Node(new ConstExpr(t.Offset, CelBool.True));
            case TokenKind.False:
                Advance();
                return Node(new ConstExpr(t.Offset, CelBool.False));
            case TokenKind.Null:
                Advance();
                return Node(new ConstExpr(t.Offset, CelNull.Instance));
            case TokenKind.LParen:
            {
                Advance();
                var e = ParseExpr();
                Expect(TokenKind.RParen, "')'");
                return e;
            }

            case TokenKind.LBracket:
                return ParseList();
            case TokenKind.LBrace:
                return ParseMap();
            case TokenKind.Dot:
            {
                Advance();
                var id = Expect(TokenKind.Ident, "identifier");
                return ParseIdentOrCall(id, "." + id.Text);
            }

            case TokenKind.Ident:
                Advance();
                return ParseIdentOrCall(t, t.Text!);
            default:
                throw Unexpected(t);
        }
    }

    private Expr ParseIdentOrCall(Token t, string name)
    {
        if (Reserved.Contains(t.Text!))
        {
            throw new ParseError(t.Offset, $"reserved identifier: {t.Text}");
        }

        if (Current.Kind == TokenKind.LParen)
        {
            Advance();
            var args = ParseArgs();
            return MakeCall(t.Offset, null, name, args);
        }

        return Node(new IdentExpr(t.Offset, name));
    }

    private List<Expr> ParseArgs()
    {
        var args = new List<Expr>();
        if (Accept(TokenKind.RParen))
        {
            return args;
        }

        while (true)
        {
            args.Add(ParseExpr());
            if (Accept(TokenKind.Comma))
            {
                continue;
            }

            Expect(TokenKind.RParen, "')'");
            return args;
        }
    }

    private Expr MakeCall(int offset, Expr? target, string name, List<Expr> args)
    {
        if (_options.EnableMacros && _macros.TryExpand(offset, target, name, args) is { } expanded)
        {
            return expanded;
        }

        var children = new Expr?[args.Count + 1];
        children[0] = target;
        for (var i = 0; i < args.Count; i++)
        {
            children[i + 1] = args[i];
        }

        return Node(new CallExpr(offset, target, name, args.ToArray()), children);
    }

    private Expr ParseList()
    {
        var open = Advance();
        var elements = new List<Expr>();
        var optional = new List<bool>();
        while (Current.Kind != TokenKind.RBracket)
        {
            optional.Add(Accept(TokenKind.Question));
            elements.Add(ParseExpr());
            if (!Accept(TokenKind.Comma))
            {
                break;
            }
        }

        Expect(TokenKind.RBracket, "']'");
        return Node(new ListExpr(open.Offset, elements.ToArray(), optional.ToArray()), elements.ToArray());
    }

    private Expr ParseMap()
    {
        var open = Advance();
        var entries = new List<MapEntry>();
        var children = new List<Expr>();
        while (Current.Kind != TokenKind.RBrace)
        {
            var optional = Accept(TokenKind.Question);
            var key = ParseExpr();
            var colon = Expect(TokenKind.Colon, "':'");
            var value = ParseExpr();
            entries.Add(new MapEntry(key, value, optional, colon.Offset));
            children.Add(key);
            children.Add(value);
            if (!Accept(TokenKind.Comma))
            {
                break;
            }
        }

        Expect(TokenKind.RBrace, "'}'");
        return Node(new MapExpr(open.Offset, entries.ToArray()), children.ToArray());
    }

    private Expr ParseStruct(int offset, string typeName)
    {
        var fields = new List<FieldInit>();
        var children = new List<Expr>();
        while (Current.Kind != TokenKind.RBrace)
        {
            var optional = Accept(TokenKind.Question);
            var nameTok = Advance();
            if (nameTok.Kind is not (TokenKind.Ident or TokenKind.QuotedIdent))
            {
                throw Unexpected(nameTok);
            }

            Expect(TokenKind.Colon, "':'");
            var value = ParseExpr();
            fields.Add(new FieldInit(nameTok.Text!, value, optional, nameTok.Offset));
            children.Add(value);
            if (!Accept(TokenKind.Comma))
            {
                break;
            }
        }

        Expect(TokenKind.RBrace, "'}'");
        return Node(new StructExpr(offset, typeName, fields.ToArray()), children.ToArray());
    }
}
