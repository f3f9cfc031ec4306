using System.Globalization;
using System.Text;

namespace LightFabric.Cel.Parsing;

internal enum TokenKind
{
    Eof,
    Ident,
    QuotedIdent,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    True,
    False,
    Null,
    In,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Dot,
    Comma,
    Question,
    Colon,
    Not,
    Minus,
    Plus,
    Star,
    Slash,
    Percent,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

internal readonly record struct Token(TokenKind Kind, int Offset, int End, string? Text = null, object? Value = null);

/// <summary>Splits CEL source into tokens, decoding literals (escapes, raw and triple-quoted strings, bytes).</summary>
internal sealed class Lexer
{
    private readonly string _src;
    private int _pos;

    public Lexer(string source) => _src = source;

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        var tokens = new List<Token>();
        while (true)
        {
            var t = lexer.Next();
            tokens.Add(t);
            if (t.Kind == TokenKind.Eof)
            {
                return tokens;
            }
        }
    }

    private Token Next()
    {
        SkipTrivia();
        if (_pos >= _src.Length)
        {
            return new Token(TokenKind.Eof, _src.Length, _src.Length);
        }

        var start = _pos;
        var c = _src[_pos];
        switch (c)
        {
            case '(': _pos++; return new Token(TokenKind.LParen, start, _pos);
            case ')': _pos++; return new Token(TokenKind.RParen, start, _pos);
            case '[': _pos++; return new Token(TokenKind.LBracket, start, _pos);
            case ']': _pos++; return new Token(TokenKind.RBracket, start, _pos);
            case '{': _pos++; return new Token(TokenKind.LBrace, start, _pos);
            case '}': _pos++; return new Token(TokenKind.RBrace, start, _pos);
            case ',': _pos++; return new Token(TokenKind.Comma, start, _pos);
            case '?': _pos++; return new Token(TokenKind.Question, start, _pos);
            case ':': _pos++; return new Token(TokenKind.Colon, start, _pos);
            case '+': _pos++; return new Token(TokenKind.Plus, start, _pos);
            case '-': _pos++; return new Token(TokenKind.Minus, start, _pos);
            case '*': _pos++; return new Token(TokenKind.Star, start, _pos);
            case '/': _pos++; return new Token(TokenKind.Slash, start, _pos);
            case '%': _pos++; return new Token(TokenKind.Percent, start, _pos);
            case '!':
                _pos++;
                if (Peek('='))
                {
                    _pos++;
                    return new Token(TokenKind.Ne, start, _pos);
                }

                return new Token(TokenKind.Not, start, _pos);
            case '=':
                if (PeekAt(1, '='))
                {
                    _pos += 2;
                    return new Token(TokenKind.Eq, start, _pos);
                }

                throw Error(start, "Syntax error: token recognition error at: '='");
            case '<':
                _pos++;
                if (Peek('='))
                {
                    _pos++;
                    return new Token(TokenKind.Le, start, _pos);
                }

                return new Token(TokenKind.Lt, start, _pos);
            case '>':
                _pos++;
                if (Peek('='))
                {
                    _pos++;
                    return new Token(TokenKind.Ge, start, _pos);
                }

                return new Token(TokenKind.Gt, start, _pos);
            case '&':
                if (PeekAt(1, '&'))
                {
                    _pos += 2;
                    return new Token(TokenKind.And, start, _pos);
                }

                throw Error(start, "Syntax error: token recognition error at: '&'");
            case '|':
                if (PeekAt(1, '|'))
                {
                    _pos += 2;
                    return new Token(TokenKind.Or, start, _pos);
                }

                throw Error(start, "Syntax error: token recognition error at: '|'");
            case '.':
                if (_pos + 1 < _src.Length && char.IsAsciiDigit(_src[_pos + 1]))
                {
                    return LexNumber();
                }

                _pos++;
                return new Token(TokenKind.Dot, start, _pos);
            case '`':
                return LexQuotedIdent();
            case '"':
            case '\'':
                return LexString(start, raw: false, bytes: false);
        }

        if (char.IsAsciiDigit(c))
        {
            return LexNumber();
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            // String prefixes: r, b, rb, br in any case.
            if (TryStringPrefix(out var raw, out var bytes, out var prefixLen))
            {
                _pos += prefixLen;
                return LexString(start, raw, bytes);
            }

            while (_pos < _src.Length && (char.IsAsciiLetterOrDigit(_src[_pos]) || _src[_pos] == '_'))
            {
                _pos++;
            }

            var text = _src[start.._pos];
            return text switch
            {
                "true" => new Token(TokenKind.True, start, _pos, text),
                "false" => new Token(TokenKind.False, start, _pos, text),
                "null" => new Token(TokenKind.Null, start, _pos, text),
                "in" => new Token(TokenKind.In, start, _pos, text),
                _ => new Token(TokenKind.Ident, start, _pos, text),
            };
        }

        throw Error(start, $"Syntax error: token recognition error at: '{c}'");
    }

    private bool TryStringPrefix(out bool raw, out bool bytes, out int length)
    {
        raw = false;
        bytes = false;
        length = 0;
        var i = _pos;
        while (i < _src.Length && i - _pos < 2)
        {
            var ch = char.ToLowerInvariant(_src[i]);
            if (ch == 'r' && !raw)
            {
                raw = true;
            }
            else if (ch == 'b' && !bytes)
            {
                bytes = true;
            }
            else
            {
                break;
            }

            i++;
        }

        if (i > _pos && i < _src.Length && (_src[i] == '"' || _src[i] == '\''))
        {
            length = i - _pos;
            return true;
        }

        raw = bytes = false;
        return false;
    }

    private void SkipTrivia()
    {
        while (_pos < _src.Length)
        {
            var c = _src[_pos];
            if (c is ' ' or '\t' or '\n' or '\r' or '\f')
            {
                _pos++;
            }
            else if (c == '/' && PeekAt(1, '/'))
            {
                while (_pos < _src.Length && _src[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private bool Peek(char c) => _pos < _src.Length && _src[_pos] == c;

    private bool PeekAt(int ahead, char c) => _pos + ahead < _src.Length && _src[_pos + ahead] == c;

    private Token LexQuotedIdent()
    {
        var start = _pos;
        _pos++;
        var sb = new StringBuilder();
        while (_pos < _src.Length && _src[_pos] != '`')
        {
            var ch = _src[_pos];
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' or '/' or ' '))
            {
                throw Error(_pos, $"Syntax error: invalid character '{ch}' in quoted identifier");
            }

            sb.Append(ch);
            _pos++;
        }

        if (_pos >= _src.Length)
        {
            throw Error(start, "Syntax error: unterminated quoted identifier");
        }

        _pos++;
        if (sb.Length == 0)
        {
            throw Error(start, "Syntax error: empty quoted identifier");
        }

        return new Token(TokenKind.QuotedIdent, start, _pos, sb.ToString());
    }

    private Token LexNumber()
    {
        var start = _pos;
        if (_src[_pos] == '0' && _pos + 1 < _src.Length && (_src[_pos + 1] == 'x' || _src[_pos + 1] == 'X'))
        {
            _pos += 2;
            var hs = _pos;
            while (_pos < _src.Length && char.IsAsciiHexDigit(_src[_pos]))
            {
                _pos++;
            }

            if (hs == _pos)
            {
                throw Error(start, "Syntax error: invalid hex literal");
            }

            var hex = _src[hs.._pos];
            if (_pos < _src.Length && (_src[_pos] == 'u' || _src[_pos] == 'U'))
            {
                _pos++;
                if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var uv))
                {
                    throw Error(start, "uint literal out of range");
                }

                return new Token(TokenKind.Uint, start, _pos, _src[start.._pos], uv);
            }

            if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hv) || hv > 9223372036854775808UL)
            {
                throw Error(start, "int literal out of range");
            }

            return new Token(TokenKind.Int, start, _pos, _src[start.._pos], hv);
        }

        while (_pos < _src.Length && char.IsAsciiDigit(_src[_pos]))
        {
            _pos++;
        }

        var isDouble = false;
        if (_pos + 1 < _src.Length && _src[_pos] == '.' && char.IsAsciiDigit(_src[_pos + 1]))
        {
            isDouble = true;
            _pos++;
            while (_pos < _src.Length && char.IsAsciiDigit(_src[_pos]))
            {
                _pos++;
            }
        }

        if (_pos < _src.Length && (_src[_pos] == 'e' || _src[_pos] == 'E'))
        {
            var save = _pos;
            _pos++;
            if (_pos < _src.Length && (_src[_pos] == '+' || _src[_pos] == '-'))
            {
                _pos++;
            }

            if (_pos < _src.Length && char.IsAsciiDigit(_src[_pos]))
            {
                isDouble = true;
                while (_pos < _src.Length && char.IsAsciiDigit(_src[_pos]))
                {
                    _pos++;
                }
            }
            else
            {
                _pos = save;
            }
        }

        var text = _src[start.._pos];
        if (isDouble)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                throw Error(start, $"invalid double literal '{text}'");
            }

            return new Token(TokenKind.Double, start, _pos, text, d);
        }

        if (_pos < _src.Length && (_src[_pos] == 'u' || _src[_pos] == 'U'))
        {
            _pos++;
            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var uv))
            {
                throw Error(start, "uint literal out of range");
            }

            return new Token(TokenKind.Uint, start, _pos, _src[start.._pos], uv);
        }

        // Magnitude up to 2^63 is accepted so that a leading minus can form the minimum int.
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v > 9223372036854775808UL)
        {
            throw Error(start, "int literal out of range");
        }

        return new Token(TokenKind.Int, start, _pos, text, v);
    }

    private Token LexString(int start, bool raw, bool bytes)
    {
        var quote = _src[_pos];
        var triple = _pos + 2 < _src.Length && _src[_pos + 1] == quote && _src[_pos + 2] == quote;
        _pos += triple ? 3 : 1;
        var sb = new StringBuilder();
        var bytesOut = bytes ? new List<byte>() : null;
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (_pos >= _src.Length)
            {
                throw Error(start, "Syntax error: unterminated string literal");
            }

            var c = _src[_pos];
            if (c == quote && (!triple || (_pos + 2 < _src.Length && _src[_pos + 1] == quote && _src[_pos + 2] == quote)))
            {
                _pos += triple ? 3 : 1;
                break;
            }

            if (!triple && (c == '\n' || c == '\r'))
            {
                throw Error(_pos, "Syntax error: newline in string literal");
            }

            if (c == '\\' && !raw)
            {
                DecodeEscape(sb, bytesOut);
                continue;
            }

            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && _pos + 1 < _src.Length && char.IsLowSurrogate(_src[_pos + 1])))
            {
                throw Error(_pos, "Syntax error: invalid UTF-16 (unpaired surrogate) in string literal");
            }

            var len = char.IsHighSurrogate(c) ? 2 : 1;
            AppendChars(sb, bytesOut, _src.AsSpan(_pos, len));
            _pos += len;
        }

        if (bytesOut is not null)
        {
            return new Token(TokenKind.Bytes, start, _pos, null, bytesOut.ToArray());
        }

        return new Token(TokenKind.String, start, _pos, null, sb.ToString());
    }

    private static void AppendChars(StringBuilder sb, List<byte>? bytes, ReadOnlySpan<char> chars)
    {
        if (bytes is null)
        {
            sb.Append(chars);
            return;
        }

        Span<byte> buf = stackalloc byte[8];
        var n = Encoding.UTF8.GetBytes(chars, buf);
        for (var i = 0; i < n; i++)
        {
            bytes.Add(buf[i]);
        }
    }

    private void DecodeEscape(StringBuilder sb, List<byte>? bytes)
    {
        var start = _pos;
        _pos++;
        if (_pos >= _src.Length)
        {
            throw Error(start, "Syntax error: invalid escape sequence");
        }

        var c = _src[_pos++];
        switch (c)
        {
            case 'a': Emit(sb, bytes, 7); return;
            case 'b': Emit(sb, bytes, 8); return;
            case 'f': Emit(sb, bytes, 12); return;
            case 'n': Emit(sb, bytes, 10); return;
            case 'r': Emit(sb, bytes, 13); return;
            case 't': Emit(sb, bytes, 9); return;
            case 'v': Emit(sb, bytes, 11); return;
            case '\\':
            case '?':
            case '"':
            case '\'':
            case '`':
                Emit(sb, bytes, c);
                return;
            case 'x':
            case 'X':
            {
                var v = ReadHex(2, start);
                if (bytes is not null)
                {
                    bytes.Add((byte)v);
                }
                else
                {
                    sb.Append((char)v);
                }

                return;
            }

            case 'u':
            case 'U':
            {
                if (bytes is not null)
                {
                    throw Error(start, "Syntax error: unicode escapes are not allowed in bytes literals");
                }

                var v = ReadHex(c == 'u' ? 4 : 8, start);
                if (c == 'u' && v is >= 0xD800 and <= 0xDBFF && _pos + 5 < _src.Length && _src[_pos] == '\\' && _src[_pos + 1] == 'u')
                {
                    // A surrogate pair written as two \u escapes denotes one code point outside the BMP.
                    _pos += 2;
                    var low = ReadHex(4, start);
                    if (low is < 0xDC00 or > 0xDFFF)
                    {
                        throw Error(start, "Syntax error: invalid surrogate pair in escape sequence");
                    }

                    sb.Append((char)v).Append((char)low);
                    return;
                }

                if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                {
                    throw Error(start, "Syntax error: invalid unicode code point in escape sequence");
                }

                sb.Append(char.ConvertFromUtf32(v));
                return;
            }
        }

        if (c >= '0' && c <= '3')
        {
            if (_pos + 1 >= _src.Length || !IsOctal(_src[_pos]) || !IsOctal(_src[_pos + 1]))
            {
                throw Error(start, "Syntax error: invalid octal escape sequence");
            }

            var v = ((c - '0') * 64) + ((_src[_pos] - '0') * 8) + (_src[_pos + 1] - '0');
            _pos += 2;
            if (bytes is not null)
            {
                bytes.Add((byte)v);
            }
            else
            {
                sb.Append((char)v);
            }

            return;
        }

        throw Error(start, $"Syntax error: invalid escape sequence '\\{c}'");
    }

    private static bool IsOctal(char c) => c >= '0' && c <= '7';

    private static void Emit(StringBuilder sb, List<byte>? bytes, int ascii)
    {
        if (bytes is not null)
        {
            bytes.Add((byte)ascii);
        }
        else
        {
            sb.Append((char)ascii);
        }
    }

    private int ReadHex(int digits, int start)
    {
        if (_pos + digits > _src.Length)
        {
            throw Error(start, "Syntax error: invalid hex escape sequence");
        }

        var span = _src.AsSpan(_pos, digits);
        if (!uint.TryParse(span, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var uv))
        {
            throw Error(start, "Syntax error: invalid hex escape sequence");
        }

        var v = uv > 0x10FFFF ? int.MaxValue : (int)uv;
        _pos += digits;
        return v;
    }

    private static ParseError Error(int offset, string message) => new(offset, message);
}

/// <summary>Raised inside the parser; converted to a <see cref="CelIssue"/> with line and column.</summary>
internal sealed class ParseError : Exception
{
    public ParseError(int offset, string message) : base(message) => Offset = offset;

    public int Offset { get; }
}
