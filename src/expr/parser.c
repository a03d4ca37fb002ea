/*-------------------------------------------------------------------------
 *
 * parser.c
 *		The parser of one {{ }} expression: n8n's JavaScript-expression
 *		subset (src/expr/PLAN.md section 1.2) from its text into the syntax
 *		tree of ast.h, lexer included (ECMA-262 chapter 12).
 *
 * Recursive descent, one level per row of PLAN.md's precedence table.
 * Tokens are lexed one at a time, when the parser moves on, so that the
 * parser can steer the two places where JavaScript's lexing depends on the
 * grammar: a "/" is a regular expression where an operand is expected
 * (decided by the token before it), and a template literal's text resumes
 * after the "}" that closes a "${".  Only literals allocate: decoded
 * strings, identifiers and names kept in the tree.
 *
 * Bad input never raises an ERROR: every parse function returns NULL (or
 * false) after fail() has recorded the first message and its byte offset,
 * and rr_ast_parse hands them back.  The text is not NUL-terminated and is
 * checked to be valid UTF-8 before lexing, so the lexer may decode any
 * multibyte character it meets without reading past the end.
 *
 * Two limits keep the evaluator, which walks the tree recursively, and the
 * parser itself off the end of the C stack: the parser's recursion depth
 * and the height of every tree built (a chain such as a+b+c+... is built by
 * a loop, not by recursion) are both at most RR_AST_MAX_DEPTH.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/ast.h"
#include "expr/js_value.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"

typedef enum TokKind
{
	TOK_EOF,
	TOK_NUMBER,					/* num */
	TOK_STRING,					/* str/len, decoded */
	TOK_TEMPLATE,				/* the opening backquote; the parser reads
								 * the rest (lex_template_text) */
	TOK_REGEX,					/* str/len the pattern, flags */
	TOK_IDENT,					/* an IdentifierName, kw its keyword */
	TOK_PUNCT					/* punct */
} TokKind;

typedef enum Punct
{
	P_NONE,
	P_LBRACE,
	P_RBRACE,
	P_LPAREN,
	P_RPAREN,
	P_LBRACKET,
	P_RBRACKET,
	P_DOT,
	P_ELLIPSIS,
	P_SEMI,
	P_COMMA,
	P_QUESTION,
	P_QDOT,
	P_COLON,
	P_ARROW,
	P_LT,
	P_GT,
	P_LE,
	P_GE,
	P_EQ,
	P_NE,
	P_SEQ,
	P_SNE,
	P_PLUS,
	P_MINUS,
	P_STAR,
	P_SLASH,
	P_PERCENT,
	P_POW,
	P_SHL,
	P_SHR,
	P_USHR,
	P_AMP,
	P_PIPE,
	P_CARET,
	P_BANG,
	P_TILDE,
	P_AND,
	P_OR,
	P_COALESCE,
	P_ASSIGN					/* = and every compound assignment, ++, -- */
} Punct;

/* Longest first, so that the first match is the longest */
static const struct
{
	const char *text;
	Punct		punct;
}			punctuators[] =

{
	{">>>=", P_ASSIGN},
	{"...", P_ELLIPSIS},
	{"===", P_SEQ},
	{"!==", P_SNE},
	{"**=", P_ASSIGN},
	{"<<=", P_ASSIGN},
	{">>=", P_ASSIGN},
	{">>>", P_USHR},
	{"&&=", P_ASSIGN},
	{"||=", P_ASSIGN},
	{"?" "?=", P_ASSIGN},		/* split: not a trigraph */
	{"=>", P_ARROW},
	{"==", P_EQ},
	{"!=", P_NE},
	{"<=", P_LE},
	{">=", P_GE},
	{"**", P_POW},
	{"<<", P_SHL},
	{">>", P_SHR},
	{"&&", P_AND},
	{"||", P_OR},
	{"??", P_COALESCE},
	{"?.", P_QDOT},
	{"++", P_ASSIGN},
	{"--", P_ASSIGN},
	{"+=", P_ASSIGN},
	{"-=", P_ASSIGN},
	{"*=", P_ASSIGN},
	{"/=", P_ASSIGN},
	{"%=", P_ASSIGN},
	{"&=", P_ASSIGN},
	{"|=", P_ASSIGN},
	{"^=", P_ASSIGN},
	{"{", P_LBRACE},
	{"}", P_RBRACE},
	{"(", P_LPAREN},
	{")", P_RPAREN},
	{"[", P_LBRACKET},
	{"]", P_RBRACKET},
	{".", P_DOT},
	{";", P_SEMI},
	{",", P_COMMA},
	{"?", P_QUESTION},
	{":", P_COLON},
	{"<", P_LT},
	{">", P_GT},
	{"=", P_ASSIGN},
	{"+", P_PLUS},
	{"-", P_MINUS},
	{"*", P_STAR},
	{"/", P_SLASH},
	{"%", P_PERCENT},
	{"&", P_AMP},
	{"|", P_PIPE},
	{"^", P_CARET},
	{"!", P_BANG},
	{"~", P_TILDE}
};

typedef enum Keyword
{
	KW_NONE,					/* an identifier */
	KW_TRUE,
	KW_FALSE,
	KW_NULL,
	KW_UNDEFINED,				/* not reserved in JavaScript, a literal here */
	KW_TYPEOF,
	KW_IN,
	KW_NEW,
	KW_RETURN,
	KW_IMPORT,
	KW_FUNCTION,
	KW_REFUSED					/* any other reserved word */
} Keyword;

static const struct
{
	const char *word;
	Keyword		kw;
}			keywords[] =

{
	{"true", KW_TRUE},
	{"false", KW_FALSE},
	{"null", KW_NULL},
	{"undefined", KW_UNDEFINED},
	{"typeof", KW_TYPEOF},
	{"in", KW_IN},
	{"new", KW_NEW},
	{"return", KW_RETURN},
	{"import", KW_IMPORT},
	{"function", KW_FUNCTION},
	{"instanceof", KW_REFUSED},
	{"delete", KW_REFUSED},
	{"void", KW_REFUSED},
	{"this", KW_REFUSED},
	{"super", KW_REFUSED},
	{"class", KW_REFUSED},
	{"yield", KW_REFUSED},
	{"await", KW_REFUSED},
	{"let", KW_REFUSED},
	{"var", KW_REFUSED},
	{"const", KW_REFUSED},
	{"if", KW_REFUSED},
	{"else", KW_REFUSED},
	{"for", KW_REFUSED},
	{"while", KW_REFUSED},
	{"do", KW_REFUSED},
	{"switch", KW_REFUSED},
	{"case", KW_REFUSED},
	{"default", KW_REFUSED},
	{"break", KW_REFUSED},
	{"continue", KW_REFUSED},
	{"throw", KW_REFUSED},
	{"try", KW_REFUSED},
	{"catch", KW_REFUSED},
	{"finally", KW_REFUSED},
	{"with", KW_REFUSED},
	{"debugger", KW_REFUSED},
	{"export", KW_REFUSED},
	{"extends", KW_REFUSED},
	{"enum", KW_REFUSED}
};

/* Property names n8n refuses, wherever they are named literally */
static const char *const unsafe_names[] = {"constructor", "__proto__", "prototype"};

typedef struct Token
{
	TokKind		kind;
	Punct		punct;
	Keyword		kw;
	int			start;			/* byte offsets in the text */
	int			end;
	bool		newline_before;
	double		num;
	char	   *str;
	int			len;
	char	   *flags;
} Token;

typedef struct Parser
{
	const char *text;
	int			len;
	/* the lexer: where the next token starts, and what came before it */
	int			pos;
	bool		after_operand;	/* the last token ends an operand: a "/"
								 * divides */
	bool		after_dot;		/* the last token is "." or "?.": a keyword
								 * is a property name */
	Token		tok;			/* the current token */
	int			depth;			/* recursion depth of the parser */
	char	   *error;			/* the first error, NULL if none */
	int			error_pos;
} Parser;

/* What lookahead saves and restores */
typedef struct LexState
{
	int			pos;
	bool		after_operand;
	bool		after_dot;
	Token		tok;
} LexState;

/*
 * Every node is allocated inside a ParseNode, which also records the height
 * of its subtree while the tree is built.
 */
typedef struct ParseNode
{
	RrAst		ast;			/* first: a ParseNode * is an RrAst * */
	int			height;
} ParseNode;

/* A growing array of nodes */
typedef struct NodeList
{
	RrAst	  **items;
	int			n;
	int			cap;
} NodeList;

static RrAst *parse_assign(Parser *p);
static RrAst *parse_unary(Parser *p);

/* ---------------------------------------------------------------- errors */

static void fail(Parser *p, int pos, const char *fmt,...) pg_attribute_printf(3, 4);

/* Record the error (the first one only) */
static void
fail(Parser *p, int pos, const char *fmt,...)
{
	StringInfoData buf;

	if (p->error != NULL)
		return;
	initStringInfo(&buf);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&buf, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	p->error = buf.data;
	p->error_pos = pos;
}

/* At most 40 bytes of the token's text, cut at a character boundary */
static int
clipped_len(Parser *p, const Token *t)
{
	int			n = t->end - t->start;

	if (n <= 40)
		return n;
	n = 40;
	while (n > 0 && ((unsigned char) p->text[t->start + n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* The error for a reserved word used where it may not be; false if none */
static bool
fail_keyword(Parser *p, const Token *t)
{
	int			n = t->end - t->start;
	const char *w = p->text + t->start;

	switch (t->kw)
	{
		case KW_IMPORT:
			fail(p, t->start, "imports are not supported");
			return true;
		case KW_FUNCTION:
			fail(p, t->start, "\"function\" is not supported, use an arrow function");
			return true;
		case KW_NEW:
			fail(p, t->start, "only \"new Date()\" and \"new RegExp()\" are supported");
			return true;
		case KW_RETURN:
			fail(p, t->start,
				 "\"return\" is only allowed in an arrow function's body \"{ return ...; }\"");
			return true;
		case KW_REFUSED:
			fail(p, t->start, "\"%.*s\" is not allowed in expressions", n, w);
			return true;
		default:
			return false;
	}
}

/* The error for the current token, which the grammar does not allow here */
static void
unexpected(Parser *p)
{
	Token	   *t = &p->tok;

	switch (t->kind)
	{
		case TOK_EOF:
			fail(p, t->start, "unexpected end of expression");
			break;
		case TOK_NUMBER:
			fail(p, t->start, "unexpected number");
			break;
		case TOK_STRING:
			fail(p, t->start, "unexpected string");
			break;
		case TOK_TEMPLATE:
			fail(p, t->start, "unexpected template literal");
			break;
		case TOK_REGEX:
			fail(p, t->start, "unexpected regular expression");
			break;
		case TOK_IDENT:
			if (!fail_keyword(p, t))
				fail(p, t->start, "unexpected token \"%.*s\"",
					 clipped_len(p, t), p->text + t->start);
			break;
		case TOK_PUNCT:
			if (t->punct == P_ASSIGN)
				fail(p, t->start, "assignment is not allowed in expressions");
			else if (t->punct == P_COMMA)
				fail(p, t->start, "the comma operator is not supported");
			else
				fail(p, t->start, "unexpected token \"%.*s\"",
					 t->end - t->start, p->text + t->start);
			break;
	}
}

/* Refuse the property names n8n refuses ("constructor" ...) */
static bool
check_name(Parser *p, const char *name, int len, int pos)
{
	for (int i = 0; i < lengthof(unsafe_names); i++)
	{
		if (strlen(unsafe_names[i]) == len &&
			memcmp(unsafe_names[i], name, len) == 0)
		{
			fail(p, pos, "cannot access \"%s\" due to security concerns",
				 unsafe_names[i]);
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------ characters */

/*
 * The length of the UTF-8 character that starts with byte c (1 for a byte
 * that starts none).  Not pg_utf_mblen(): libpq, which the module links,
 * exports that name too (test/link_check.sh).
 */
static int
utf8_len(unsigned char c)
{
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 1;
}

/* Whether the input is valid UTF-8; if not, the error names the byte */
static bool
check_utf8(Parser *p)
{
	int			i = 0;

	while (i < p->len)
	{
		const unsigned char *s = (const unsigned char *) p->text + i;
		int			l;

		if (*s < 0x80)
		{
			i++;
			continue;
		}
		l = utf8_len(*s);
		if (l > p->len - i || !pg_utf8_islegal(s, l))
		{
			fail(p, i, "invalid UTF-8 byte sequence");
			return false;
		}
		i += l;
	}
	return true;
}

/* The code point at pos (the text is valid UTF-8) and its length */
static pg_wchar
char_at(Parser *p, int pos, int *nbytes)
{
	const unsigned char *s = (const unsigned char *) p->text + pos;

	if (*s < 0x80)
	{
		*nbytes = 1;
		return *s;
	}
	*nbytes = utf8_len(*s);
	return utf8_to_unicode(s);
}

static bool
is_line_terminator(pg_wchar c)
{
	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

/* WhiteSpace of ECMA-262 12.2 (the Zs category spelled out) */
static bool
is_space(pg_wchar c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == 0xA0 ||
		c == 0xFEFF || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
		c == 0x202F || c == 0x205F || c == 0x3000;
}

/*
 * Identifier characters: ASCII letters, digits (not first), $ and _, and
 * any non-ASCII character but white space and line terminators.
 */
static bool
is_ident_char(Parser *p, int pos, bool first)
{
	unsigned char c = p->text[pos];
	int			n;
	pg_wchar	cp;

	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			c == '$' || c == '_' || (!first && c >= '0' && c <= '9');
	cp = char_at(p, pos, &n);
	return !is_space(cp) && !is_line_terminator(cp);
}

/* Whether text at pos starts with s */
static bool
looking_at(Parser *p, int pos, const char *s)
{
	int			n = strlen(s);

	return n <= p->len - pos && memcmp(p->text + pos, s, n) == 0;
}

/* ----------------------------------------------------------------- lexer */

/* Skip white space, line terminators and comments */
static bool
skip_space(Parser *p, bool *newline)
{
	while (p->pos < p->len)
	{
		int			n;
		pg_wchar	c = char_at(p, p->pos, &n);

		if (is_line_terminator(c))
		{
			*newline = true;
			p->pos += n;
		}
		else if (is_space(c))
			p->pos += n;
		else if (looking_at(p, p->pos, "//"))
		{
			while (p->pos < p->len && !is_line_terminator(char_at(p, p->pos, &n)))
				p->pos += n;
		}
		else if (looking_at(p, p->pos, "/*"))
		{
			int			start = p->pos;

			p->pos += 2;
			while (!looking_at(p, p->pos, "*/"))
			{
				if (p->pos >= p->len)
				{
					fail(p, start, "unterminated comment");
					return false;
				}
				if (is_line_terminator(char_at(p, p->pos, &n)))
					*newline = true;
				p->pos += n;
			}
			p->pos += 2;
		}
		else
			break;
	}
	return true;
}

/* Decimal digits with numeric separators from *i; false on a bad "_" */
static bool
scan_digits(Parser *p, int *i, int radix, int *ndigits)
{
	*ndigits = 0;
	while (*i < p->len)
	{
		int			d = js_hex_digit(p->text[*i]);

		if (p->text[*i] == '_')
		{
			if (*ndigits == 0 || *i + 1 >= p->len ||
				js_hex_digit(p->text[*i + 1]) < 0 ||
				js_hex_digit(p->text[*i + 1]) >= radix)
			{
				fail(p, *i, "invalid numeric separator");
				return false;
			}
		}
		else if (d >= 0 && d < radix)
			(*ndigits)++;
		else
			break;
		(*i)++;
	}
	return true;
}

/*
 * A numeric literal: decimal (12, 1.5, .5, 1e3), 0x, 0o or 0b, with numeric
 * separators.  BigInt and legacy octal (010) are refused.
 */
static bool
lex_number(Parser *p, Token *tok)
{
	const char *t = p->text;
	int			start = p->pos;
	int			i = start;
	int			ndigits;
	int			radix = 10;

	if (t[i] == '0' && i + 1 < p->len)
	{
		char		c = t[i + 1] | 0x20;

		radix = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 10;
	}
	if (radix != 10)
	{
		int			first;

		i += 2;
		first = i;
		if (!scan_digits(p, &i, radix, &ndigits))
			return false;
		if (ndigits == 0)
		{
			fail(p, start, "invalid number");
			return false;
		}
		tok->num = 0;
		for (int j = first; j < i; j++)
			if (t[j] != '_')
				tok->num = tok->num * radix + js_hex_digit(t[j]);
	}
	else
	{
		char	   *digits;
		int			n = 0;

		if (!scan_digits(p, &i, 10, &ndigits))
			return false;
		if (t[start] == '0' && i - start > 1)
		{
			fail(p, start, "numbers with a leading zero are not supported");
			return false;
		}
		if (i < p->len && t[i] == '.')
		{
			int			nfrac;

			i++;
			if (!scan_digits(p, &i, 10, &nfrac))
				return false;
			ndigits += nfrac;
		}
		if (i < p->len && (t[i] | 0x20) == 'e' && ndigits > 0)
		{
			int			nexp;

			i++;
			if (i < p->len && (t[i] == '+' || t[i] == '-'))
				i++;
			if (!scan_digits(p, &i, 10, &nexp))
				return false;
			if (nexp == 0)
			{
				fail(p, start, "invalid number");
				return false;
			}
		}
		/* strtod() on the digits without separators: correctly rounded */
		digits = palloc(i - start + 1);
		for (int j = start; j < i; j++)
			if (t[j] != '_')
				digits[n++] = t[j];
		digits[n] = '\0';
		tok->num = strtod(digits, NULL);
		pfree(digits);
	}
	if (i < p->len && t[i] == 'n')
	{
		fail(p, start, "BigInt literals are not supported");
		return false;
	}
	if (i < p->len && is_ident_char(p, i, false))
	{
		fail(p, start, "invalid number");
		return false;
	}
	tok->kind = TOK_NUMBER;
	p->pos = i;
	return true;
}

/* \uHHHH or \u{H...} from *i (just after the "u") into *cp */
static bool
read_unicode_escape(Parser *p, int *i, int end, pg_wchar *cp)
{
	int			start = *i - 2;
	const char *t = p->text;

	*cp = 0;
	if (*i < end && t[*i] == '{')
	{
		int			n = 0;

		for ((*i)++; *i < end && t[*i] != '}'; (*i)++, n++)
		{
			if (js_hex_digit(t[*i]) < 0 || (*cp = *cp * 16 + js_hex_digit(t[*i])) > 0x10FFFF)
				break;
		}
		if (*i >= end || t[*i] != '}' || n == 0)
		{
			fail(p, start, "invalid Unicode escape sequence");
			return false;
		}
		(*i)++;
		return true;
	}
	for (int k = 0; k < 4; k++, (*i)++)
	{
		if (*i >= end || js_hex_digit(t[*i]) < 0)
		{
			fail(p, start, "invalid Unicode escape sequence");
			return false;
		}
		*cp = *cp * 16 + js_hex_digit(t[*i]);
	}
	return true;
}

/*
 * Decode the characters of a string or template literal between from and
 * end (exclusive; the scan that found end skipped every escaped character)
 * into out, which has room for end - from bytes: escapes decoded, line
 * continuations dropped, and in a template CR and CRLF read as LF.
 * Returns the decoded length, -1 after an error.
 */
static int
decode_chars(Parser *p, int from, int end, bool template, char *out)
{
	const char *t = p->text;
	int			o = 0;
	int			i = from;

	while (i < end)
	{
		int			esc = i;
		pg_wchar	cp;
		int			n;

		if (t[i] == '\r' && template)
		{
			out[o++] = '\n';
			i += looking_at(p, i, "\r\n") ? 2 : 1;
			continue;
		}
		if (t[i] != '\\')
		{
			out[o++] = t[i++];
			continue;
		}
		i++;					/* the backslash; its character follows */
		cp = char_at(p, i, &n);
		if (is_line_terminator(cp))
		{
			i += looking_at(p, i, "\r\n") ? 2 : n;
			continue;
		}
		i += n;
		switch (cp)
		{
			case 'n':
				cp = '\n';
				break;
			case 't':
				cp = '\t';
				break;
			case 'r':
				cp = '\r';
				break;
			case 'b':
				cp = '\b';
				break;
			case 'f':
				cp = '\f';
				break;
			case 'v':
				cp = '\v';
				break;
			case '0':
				if (i < end && t[i] >= '0' && t[i] <= '9')
				{
					fail(p, esc, "octal escape sequences are not supported");
					return -1;
				}
				cp = 0;
				break;
			case '1':
			case '2':
			case '3':
			case '4':
			case '5':
			case '6':
			case '7':
			case '8':
			case '9':
				fail(p, esc, "octal escape sequences are not supported");
				return -1;
			case 'x':
				if (i + 1 >= end || js_hex_digit(t[i]) < 0 || js_hex_digit(t[i + 1]) < 0)
				{
					fail(p, esc, "invalid hexadecimal escape sequence");
					return -1;
				}
				cp = js_hex_digit(t[i]) * 16 + js_hex_digit(t[i + 1]);
				i += 2;
				break;
			case 'u':
				if (!read_unicode_escape(p, &i, end, &cp))
					return -1;
				if (cp >= 0xD800 && cp <= 0xDBFF && looking_at(p, i, "\\u"))
				{
					/* a surrogate pair, as JavaScript's UTF-16 reads it */
					int			save = i;
					pg_wchar	low;

					i += 2;
					if (!read_unicode_escape(p, &i, end, &low))
						return -1;
					if (low >= 0xDC00 && low <= 0xDFFF)
						cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
					else
						i = save;
				}
				if (cp >= 0xD800 && cp <= 0xDFFF)
				{
					fail(p, esc, "lone surrogate escapes are not supported (\\u%04X is half of a pair)",
						 (unsigned int) cp);
					return -1;
				}
				break;
			default:
				/* any other character stands for itself */
				memcpy(out + o, t + i - n, n);
				o += n;
				continue;
		}
		unicode_to_utf8(cp, (unsigned char *) out + o);
		o += utf8_len((unsigned char) out[o]);
	}
	return o;
}

/* Decode from..end into a new NUL-terminated string */
static bool
decode_literal(Parser *p, int from, int end, bool template, char **str, int *len)
{
	*str = palloc(end - from + 1);
	*len = decode_chars(p, from, end, template, *str);
	if (*len < 0)
		return false;
	(*str)[*len] = '\0';
	return true;
}

/* A string literal in ' or " */
static bool
lex_string(Parser *p, Token *tok)
{
	char		quote = p->text[p->pos];
	int			i = p->pos + 1;

	for (;;)
	{
		char		c = i < p->len ? p->text[i] : '\n';

		if (c == quote)
			break;
		if (c == '\n' || c == '\r')
		{
			fail(p, p->pos, "unterminated string");
			return false;
		}
		/* an escape: skip the character it escapes (a CRLF is two) */
		if (c == '\\' && looking_at(p, i + 1, "\r\n"))
			i += 3;
		else
			i += c == '\\' ? 2 : 1;
	}
	if (!decode_literal(p, p->pos + 1, i, false, &tok->str, &tok->len))
		return false;
	tok->kind = TOK_STRING;
	p->pos = i + 1;
	return true;
}

/*
 * The text of a template literal from p->pos to the next "${" or the
 * closing backquote, which *closed tells; p->pos moves past it.  start is
 * where the literal began, for the error.
 */
static bool
lex_template_text(Parser *p, int start, char **str, int *len, bool *closed)
{
	int			i = p->pos;

	for (;;)
	{
		if (i >= p->len)
		{
			fail(p, start, "unterminated template literal");
			return false;
		}
		if (p->text[i] == '`' || looking_at(p, i, "${"))
			break;
		i += p->text[i] == '\\' ? 2 : 1;
	}
	if (!decode_literal(p, p->pos, i, true, str, len))
		return false;
	*closed = p->text[i] == '`';
	p->pos = i + (*closed ? 1 : 2);
	return true;
}

/* A regular expression literal /pattern/flags */
static bool
lex_regex(Parser *p, Token *tok)
{
	int			start = p->pos;
	int			i = start + 1;
	bool		in_class = false;
	char		flags[8];
	int			nflags = 0;

	for (;;)
	{
		int			n;
		pg_wchar	c = i < p->len ? char_at(p, i, &n) : '\n';

		if (is_line_terminator(c))
		{
			fail(p, start, "unterminated regular expression");
			return false;
		}
		if (c == '\\')
		{
			/* n becomes the length of the escaped character */
			i++;
			if (i >= p->len || is_line_terminator(char_at(p, i, &n)))
			{
				fail(p, start, "unterminated regular expression");
				return false;
			}
		}
		else if (c == '[')
			in_class = true;
		else if (c == ']')
			in_class = false;
		else if (c == '/' && !in_class)
			break;
		i += n;
	}
	tok->str = pnstrdup(p->text + start + 1, i - start - 1);
	tok->len = i - start - 1;
	for (i++; i < p->len && is_ident_char(p, i, false); i++)
	{
		char		c = p->text[i];

		if (c == 'y' || c == 'v')
		{
			fail(p, i, "the regular expression flag \"%c\" is not supported", c);
			return false;
		}
		if (strchr("dgimsu", c) == NULL ||
			memchr(flags, c, nflags) != NULL)
		{
			fail(p, i, "invalid regular expression flags");
			return false;
		}
		flags[nflags++] = c;
	}
	tok->flags = pnstrdup(flags, nflags);
	tok->kind = TOK_REGEX;
	p->pos = i;
	return true;
}

static Keyword
keyword_of(const char *word, int len)
{
	for (int i = 0; i < lengthof(keywords); i++)
		if (strlen(keywords[i].word) == len &&
			memcmp(keywords[i].word, word, len) == 0)
			return keywords[i].kw;
	return KW_NONE;
}

/* The next token into tok */
static bool
lex(Parser *p, Token *tok)
{
	const char *t = p->text;
	bool		regex_allowed = !p->after_operand;
	unsigned char c;

	memset(tok, 0, sizeof(Token));
	if (!skip_space(p, &tok->newline_before))
		return false;
	tok->start = p->pos;
	p->after_operand = false;
	if (p->pos >= p->len)
		tok->kind = TOK_EOF;
	else if ((c = t[p->pos]) == '.' && p->pos + 1 < p->len &&
			 t[p->pos + 1] >= '0' && t[p->pos + 1] <= '9')
	{
		if (!lex_number(p, tok))
			return false;
	}
	else if (c >= '0' && c <= '9')
	{
		if (!lex_number(p, tok))
			return false;
	}
	else if (is_ident_char(p, p->pos, true))
	{
		while (p->pos < p->len && is_ident_char(p, p->pos, false))
			p->pos += utf8_len(t[p->pos]);
		tok->kind = TOK_IDENT;
		tok->kw = keyword_of(t + tok->start, p->pos - tok->start);
		if (p->pos < p->len && t[p->pos] == '\\')
		{
			fail(p, p->pos, "escapes in identifiers are not supported");
			return false;
		}
	}
	else if (c == '\\')
	{
		fail(p, p->pos, "escapes in identifiers are not supported");
		return false;
	}
	else if (c == '"' || c == '\'')
	{
		if (!lex_string(p, tok))
			return false;
	}
	else if (c == '`')
	{
		tok->kind = TOK_TEMPLATE;
		p->pos++;
	}
	else if (c == '/' && regex_allowed)
	{
		if (!lex_regex(p, tok))
			return false;
	}
	else
	{
		int			i;

		for (i = 0; i < lengthof(punctuators); i++)
			if (looking_at(p, p->pos, punctuators[i].text))
				break;
		if (i == lengthof(punctuators))
		{
			int			n;
			pg_wchar	cp = char_at(p, p->pos, &n);

			if (cp > ' ' && cp < 0x7F)
				fail(p, p->pos, "unexpected character \"%c\"", (char) cp);
			else
				fail(p, p->pos, "unexpected character U+%04X", (unsigned int) cp);
			return false;
		}
		tok->kind = TOK_PUNCT;
		tok->punct = punctuators[i].punct;
		/* a?.5:1 is a conditional */
		if (tok->punct == P_QDOT && p->pos + 2 < p->len &&
			t[p->pos + 2] >= '0' && t[p->pos + 2] <= '9')
			tok->punct = P_QUESTION;
		p->pos += tok->punct == P_QUESTION ? 1 : strlen(punctuators[i].text);
	}
	tok->end = p->pos;

	/* what may follow: after an operand a "/" divides */
	switch (tok->kind)
	{
		case TOK_NUMBER:
		case TOK_STRING:
		case TOK_REGEX:
			p->after_operand = true;
			break;
		case TOK_IDENT:
			p->after_operand = p->after_dot || tok->kw == KW_NONE ||
				tok->kw == KW_TRUE || tok->kw == KW_FALSE ||
				tok->kw == KW_NULL || tok->kw == KW_UNDEFINED;
			break;
		case TOK_PUNCT:
			p->after_operand = tok->punct == P_RPAREN ||
				tok->punct == P_RBRACKET || tok->punct == P_RBRACE;
			break;
		default:
			break;
	}
	p->after_dot = tok->kind == TOK_PUNCT &&
		(tok->punct == P_DOT || tok->punct == P_QDOT);
	return true;
}

/* ------------------------------------------------------- parser plumbing */

static bool
advance(Parser *p)
{
	return lex(p, &p->tok);
}

static bool
is_punct(Parser *p, Punct punct)
{
	return p->tok.kind == TOK_PUNCT && p->tok.punct == punct;
}

/* Consume the punctuator punct, or fail */
static bool
expect(Parser *p, Punct punct)
{
	if (!is_punct(p, punct))
	{
		unexpected(p);
		return false;
	}
	return advance(p);
}

static void
save_lexer(Parser *p, LexState *s)
{
	s->pos = p->pos;
	s->after_operand = p->after_operand;
	s->after_dot = p->after_dot;
	s->tok = p->tok;
}

/* Back to a saved state; an error met on the way is forgotten */
static void
restore_lexer(Parser *p, const LexState *s)
{
	p->pos = s->pos;
	p->after_operand = s->after_operand;
	p->after_dot = s->after_dot;
	p->tok = s->tok;
	p->error = NULL;
}

/* Whether the token after the current one is the punctuator punct */
static bool
next_is(Parser *p, Punct punct)
{
	LexState	s;
	bool		result;

	save_lexer(p, &s);
	result = advance(p) && is_punct(p, punct);
	restore_lexer(p, &s);
	return result;
}

/* At a plain identifier (no keyword) */
static bool
at_name(Parser *p)
{
	return p->tok.kind == TOK_IDENT && p->tok.kw == KW_NONE;
}

/*
 * Past one parameter of an arrow function, if one is at the current token:
 * a name, [a, , b] or {a, b: c}.  Only for looking ahead.
 */
static bool
skip_param(Parser *p)
{
	bool		object = is_punct(p, P_LBRACE);

	if (at_name(p))
		return advance(p);
	if (!object && !is_punct(p, P_LBRACKET))
		return false;
	if (!advance(p))
		return false;
	while (!is_punct(p, object ? P_RBRACE : P_RBRACKET))
	{
		if (at_name(p) || (object && p->tok.kind == TOK_IDENT))
		{
			if (!advance(p))
				return false;
			if (object && is_punct(p, P_COLON) && (!advance(p) || !at_name(p) ||
												 !advance(p)))
				return false;
		}
		else if (object || !is_punct(p, P_COMMA))
			return false;
		if (is_punct(p, P_COMMA) && !advance(p))
			return false;
	}
	return advance(p);
}

/*
 * At "(": whether an arrow function's parameters follow, "( [p {, p}
 * [,]] ) =>", p a name or a destructuring pattern.  Reads ahead at most to
 * the first token that is none of these.
 */
static bool
at_arrow_params(Parser *p)
{
	LexState	s;
	bool		result = false;

	save_lexer(p, &s);
	if (advance(p))
	{
		while (skip_param(p))
		{
			if (!is_punct(p, P_COMMA) || !advance(p))
				break;
		}
		result = is_punct(p, P_RPAREN) && advance(p) && is_punct(p, P_ARROW);
	}
	restore_lexer(p, &s);
	return result;
}

static void
list_add(NodeList *list, RrAst *node)
{
	if (list->n == list->cap)
	{
		list->cap = list->cap ? list->cap * 2 : 4;
		list->items = list->items ? repalloc(list->items, list->cap * sizeof(RrAst *)) :
			palloc(list->cap * sizeof(RrAst *));
	}
	list->items[list->n++] = node;
}

static RrAst *
new_node(RrAstKind kind, int pos)
{
	ParseNode  *n = palloc0(sizeof(ParseNode));

	n->ast.kind = kind;
	n->ast.pos = pos;
	n->height = 1;
	return &n->ast;
}

static int
height_of(RrAst *node)
{
	return node ? ((ParseNode *) node)->height : 0;
}

/*
 * Give node its kids (and computed keys, set before) and check the height
 * of the tree it tops.
 */
static RrAst *
set_kids(Parser *p, RrAst *node, RrAst **kids, int nkids)
{
	int			h = 0;

	node->kids = kids;
	node->nkids = nkids;
	for (int i = 0; i < nkids; i++)
	{
		h = Max(h, height_of(kids[i]));
		if (node->computed)
			h = Max(h, height_of(node->computed[i]));
	}
	if (h >= RR_AST_MAX_DEPTH)
	{
		fail(p, node->pos, "expression is nested too deeply");
		return NULL;
	}
	((ParseNode *) node)->height = h + 1;
	return node;
}

/* A node with one to three kids */
static RrAst *
make_node(Parser *p, RrAstKind kind, RrAstOp op, int pos, int nkids,
		  RrAst *a, RrAst *b, RrAst *c)
{
	RrAst	   *node = new_node(kind, pos);
	RrAst	  **kids = palloc(nkids * sizeof(RrAst *));

	node->op = op;
	kids[0] = a;
	if (nkids > 1)
		kids[1] = b;
	if (nkids > 2)
		kids[2] = c;
	return set_kids(p, node, kids, nkids);
}

/* The current identifier token as a NUL-terminated name */
static char *
token_name(Parser *p)
{
	return pnstrdup(p->text + p->tok.start, p->tok.end - p->tok.start);
}

/* Whether node is a literal string (or a template without ${}) */
static bool
literal_string(RrAst *node, const char **str, int *len)
{
	if (node->kind == RR_AST_STRING)
	{
		*str = node->str;
		*len = node->len;
		return true;
	}
	if (node->kind == RR_AST_TEMPLATE && node->nparts == 1)
	{
		*str = node->parts[0];
		*len = node->partlens[0];
		return true;
	}
	return false;
}

/* check_name() on a computed key or member that is a literal string */
static bool
check_computed_name(Parser *p, RrAst *key)
{
	const char *str;
	int			len;

	return !literal_string(key, &str, &len) || check_name(p, str, len, key->pos);
}

/* --------------------------------------------------------------- grammar */

/* An argument, array element or object member: ...e or e */
static RrAst *
parse_element(Parser *p)
{
	int			pos = p->tok.start;
	RrAst	   *e;

	if (!is_punct(p, P_ELLIPSIS))
		return parse_assign(p);
	if (!advance(p) || (e = parse_assign(p)) == NULL)
		return NULL;
	return make_node(p, RR_AST_SPREAD, RR_OP_NONE, pos, 1, e, NULL, NULL);
}

/* ( [arg {, arg} [,]] ) appended to list */
static bool
parse_arguments(Parser *p, NodeList *list)
{
	if (!expect(p, P_LPAREN))
		return false;
	while (!is_punct(p, P_RPAREN))
	{
		RrAst	   *arg;

		if (is_punct(p, P_COMMA))
		{
			fail(p, p->tok.start, "unexpected token \",\"");
			return false;
		}
		if ((arg = parse_element(p)) == NULL)
			return false;
		list_add(list, arg);
		if (is_punct(p, P_COMMA))
		{
			if (!advance(p))
				return false;
		}
		else if (!is_punct(p, P_RPAREN))
		{
			unexpected(p);
			return false;
		}
	}
	return advance(p);
}

/* [ elements ] */
static RrAst *
parse_array(Parser *p)
{
	RrAst	   *node = new_node(RR_AST_ARRAY, p->tok.start);
	NodeList	elems = {0};

	if (!advance(p))
		return NULL;
	while (!is_punct(p, P_RBRACKET))
	{
		RrAst	   *e;

		if (is_punct(p, P_COMMA))
		{
			fail(p, p->tok.start, "array holes are not supported");
			return NULL;
		}
		if ((e = parse_element(p)) == NULL)
			return NULL;
		list_add(&elems, e);
		if (is_punct(p, P_COMMA))
		{
			if (!advance(p))
				return NULL;
		}
		else if (!is_punct(p, P_RBRACKET))
		{
			unexpected(p);
			return NULL;
		}
	}
	if (!advance(p))
		return NULL;
	return set_kids(p, node, elems.items, elems.n);
}

/*
 * One member of an object literal: its value added to values, its key to
 * keys/keylens (a literal key) or computed (NULL for a spread member).
 * A number key is computed: its value is the NUMBER node, whose ToString
 * the evaluator takes as for any computed key (1.50 names "1.5").
 */
static bool
parse_property(Parser *p, NodeList *values, NodeList *computed,
			   const char **key, int *keylen)
{
	Token		t = p->tok;
	RrAst	   *value;

	*key = NULL;
	*keylen = 0;
	if (is_punct(p, P_ELLIPSIS))
	{
		if ((value = parse_element(p)) == NULL)
			return false;
		list_add(computed, NULL);
		list_add(values, value);
		return true;
	}
	if (is_punct(p, P_LBRACKET))
	{
		RrAst	   *k;

		if (!advance(p) || (k = parse_assign(p)) == NULL ||
			!check_computed_name(p, k) || !expect(p, P_RBRACKET))
			return false;
		list_add(computed, k);
	}
	else if (t.kind == TOK_NUMBER)
	{
		RrAst	   *k = new_node(RR_AST_NUMBER, t.start);

		k->num = t.num;
		list_add(computed, k);
		if (!advance(p))
			return false;
	}
	else if (t.kind == TOK_STRING || t.kind == TOK_IDENT)
	{
		if (t.kind == TOK_STRING)
		{
			*key = t.str;
			*keylen = t.len;
		}
		else
		{
			*key = token_name(p);
			*keylen = t.end - t.start;
		}
		if (!check_name(p, *key, *keylen, t.start) || !advance(p))
			return false;
		list_add(computed, NULL);
		if (t.kind == TOK_IDENT && (is_punct(p, P_COMMA) || is_punct(p, P_RBRACE)))
		{
			/* shorthand {a}: the value is the identifier a */
			if (t.kw == KW_UNDEFINED)
				value = new_node(RR_AST_UNDEFINED, t.start);
			else if (t.kw != KW_NONE)
			{
				if (!fail_keyword(p, &t))
					fail(p, t.start, "unexpected token \"%.*s\"",
						 clipped_len(p, &t), p->text + t.start);
				return false;
			}
			else
			{
				value = new_node(RR_AST_IDENT, t.start);
				value->name = *key;
			}
			list_add(values, value);
			return true;
		}
		if (is_punct(p, P_LPAREN))
		{
			fail(p, p->tok.start,
				 "methods, getters and setters are not supported in object literals");
			return false;
		}
	}
	else
	{
		unexpected(p);
		return false;
	}
	if (!expect(p, P_COLON) || (value = parse_assign(p)) == NULL)
		return false;
	list_add(values, value);
	return true;
}

/* { members } */
static RrAst *
parse_object(Parser *p)
{
	RrAst	   *node = new_node(RR_AST_OBJECT, p->tok.start);
	NodeList	values = {0};
	NodeList	computed = {0};
	int			cap = 0;

	if (!advance(p))
		return NULL;
	while (!is_punct(p, P_RBRACE))
	{
		if (values.n == cap)
		{
			cap = cap ? cap * 2 : 4;
			node->keys = node->keys ? repalloc(node->keys, cap * sizeof(char *)) :
				palloc(cap * sizeof(char *));
			node->keylens = node->keylens ? repalloc(node->keylens, cap * sizeof(int)) :
				palloc(cap * sizeof(int));
		}
		if (!parse_property(p, &values, &computed, &node->keys[values.n],
							&node->keylens[values.n]))
			return NULL;
		if (is_punct(p, P_COMMA))
		{
			if (!advance(p))
				return NULL;
		}
		else if (!is_punct(p, P_RBRACE))
		{
			unexpected(p);
			return NULL;
		}
	}
	if (!advance(p))
		return NULL;
	node->computed = computed.items;
	return set_kids(p, node, values.items, values.n);
}

/* `text ${e} text`: the current token is the opening backquote */
static RrAst *
parse_template(Parser *p)
{
	RrAst	   *node = new_node(RR_AST_TEMPLATE, p->tok.start);
	NodeList	kids = {0};
	int			cap = 0;

	for (;;)
	{
		bool		closed;
		RrAst	   *e;

		if (node->nparts == cap)
		{
			cap = cap ? cap * 2 : 2;
			node->parts = node->parts ? repalloc(node->parts, cap * sizeof(char *)) :
				palloc(cap * sizeof(char *));
			node->partlens = node->partlens ? repalloc(node->partlens, cap * sizeof(int)) :
				palloc(cap * sizeof(int));
		}
		if (!lex_template_text(p, node->pos, (char **) &node->parts[node->nparts],
							   &node->partlens[node->nparts], &closed))
			return NULL;
		node->nparts++;
		if (closed)
			break;
		/* "${": an expression, then "}", after which the text resumes */
		p->after_operand = false;
		p->after_dot = false;
		if (!advance(p) || (e = parse_assign(p)) == NULL)
			return NULL;
		if (!is_punct(p, P_RBRACE))
		{
			unexpected(p);
			return NULL;
		}
		list_add(&kids, e);
	}
	p->after_operand = true;
	p->after_dot = false;
	if (!advance(p))
		return NULL;
	return set_kids(p, node, kids.items, kids.n);
}

/* new Date(args) or new RegExp(args); the current token is "new" */
static RrAst *
parse_new(Parser *p)
{
	RrAst	   *node = new_node(RR_AST_NEW, p->tok.start);
	NodeList	args = {0};

	if (!advance(p))
		return NULL;
	if (p->tok.kind == TOK_IDENT && p->tok.end - p->tok.start == 6 &&
		memcmp(p->text + p->tok.start, "RegExp", 6) == 0)
		node->name = "RegExp";
	else if (p->tok.kind == TOK_IDENT && p->tok.end - p->tok.start == 4 &&
			 memcmp(p->text + p->tok.start, "Date", 4) == 0)
		node->name = "Date";
	else
	{
		fail(p, node->pos, "only \"new Date()\" and \"new RegExp()\" are supported");
		return NULL;
	}
	if (!advance(p))
		return NULL;
	if (is_punct(p, P_LPAREN))
	{
		if (!parse_arguments(p, &args))
			return NULL;
	}
	else if (is_punct(p, P_DOT) || is_punct(p, P_QDOT) ||
			 is_punct(p, P_LBRACKET) || p->tok.kind == TOK_TEMPLATE)
	{
		fail(p, node->pos, "only \"new Date()\" and \"new RegExp()\" are supported");
		return NULL;
	}
	return set_kids(p, node, args.items, args.n);
}

static RrAst *
parse_primary(Parser *p)
{
	Token	   *t = &p->tok;
	RrAst	   *node;

	switch (t->kind)
	{
		case TOK_NUMBER:
			node = new_node(RR_AST_NUMBER, t->start);
			node->num = t->num;
			break;
		case TOK_STRING:
			node = new_node(RR_AST_STRING, t->start);
			node->str = t->str;
			node->len = t->len;
			break;
		case TOK_REGEX:
			node = new_node(RR_AST_REGEX, t->start);
			node->str = t->str;
			node->len = t->len;
			node->name = t->flags;
			break;
		case TOK_TEMPLATE:
			return parse_template(p);
		case TOK_IDENT:
			switch (t->kw)
			{
				case KW_TRUE:
					node = new_node(RR_AST_TRUE, t->start);
					break;
				case KW_FALSE:
					node = new_node(RR_AST_FALSE, t->start);
					break;
				case KW_NULL:
					node = new_node(RR_AST_NULL, t->start);
					break;
				case KW_UNDEFINED:
					node = new_node(RR_AST_UNDEFINED, t->start);
					break;
				case KW_NEW:
					return parse_new(p);
				case KW_NONE:
					if (!check_name(p, p->text + t->start, t->end - t->start, t->start))
						return NULL;
					node = new_node(RR_AST_IDENT, t->start);
					node->name = token_name(p);
					break;
				default:
					unexpected(p);
					return NULL;
			}
			break;
		case TOK_PUNCT:
			if (t->punct == P_LPAREN)
			{
				if (!advance(p) || (node = parse_assign(p)) == NULL ||
					!expect(p, P_RPAREN))
					return NULL;
				return node;
			}
			if (t->punct == P_LBRACKET)
				return parse_array(p);
			if (t->punct == P_LBRACE)
				return parse_object(p);
			unexpected(p);
			return NULL;
		default:
			unexpected(p);
			return NULL;
	}
	return advance(p) ? node : NULL;
}

/*
 * Member accesses and calls after a primary: .name [e] (args) and their ?.
 * forms.  A chain holding a ?. is wrapped in an RR_AST_CHAIN.
 */
static RrAst *
parse_postfix(Parser *p)
{
	RrAst	   *node = parse_primary(p);
	int			pos = node ? node->pos : 0;
	bool		chain = false;

	while (node != NULL)
	{
		bool		optional = false;

		if (is_punct(p, P_QDOT))
		{
			chain = optional = true;
			if (!advance(p))
				return NULL;
			if (p->tok.kind != TOK_IDENT && !is_punct(p, P_LBRACKET) &&
				!is_punct(p, P_LPAREN) && p->tok.kind != TOK_TEMPLATE)
			{
				unexpected(p);
				return NULL;
			}
		}
		else if (is_punct(p, P_DOT))
		{
			if (!advance(p))
				return NULL;
			if (p->tok.kind != TOK_IDENT)
			{
				unexpected(p);
				return NULL;
			}
		}
		else if (!is_punct(p, P_LBRACKET) && !is_punct(p, P_LPAREN) &&
				 p->tok.kind != TOK_TEMPLATE)
			break;

		if (p->tok.kind == TOK_IDENT)
		{
			/* .name: any IdentifierName, keywords included */
			RrAst	   *member;

			if (!check_name(p, p->text + p->tok.start,
							p->tok.end - p->tok.start, p->tok.start))
				return NULL;
			member = make_node(p, RR_AST_MEMBER, RR_OP_NONE, pos, 1, node, NULL, NULL);
			if (member == NULL)
				return NULL;
			member->name = token_name(p);
			node = member;
			if (!advance(p))
				return NULL;
		}
		else if (is_punct(p, P_LBRACKET))
		{
			RrAst	   *key;

			if (!advance(p) || (key = parse_assign(p)) == NULL ||
				!check_computed_name(p, key) || !expect(p, P_RBRACKET))
				return NULL;
			node = make_node(p, RR_AST_MEMBER, RR_OP_NONE, pos, 2, node, key, NULL);
		}
		else if (is_punct(p, P_LPAREN))
		{
			RrAst	   *call = new_node(RR_AST_CALL, pos);
			NodeList	args = {0};

			list_add(&args, node);
			if (!parse_arguments(p, &args))
				return NULL;
			node = set_kids(p, call, args.items, args.n);
		}
		else
		{
			fail(p, p->tok.start, "tagged templates are not supported");
			return NULL;
		}
		if (node)
			node->optional = optional;
	}
	if (node && chain)
		node = make_node(p, RR_AST_CHAIN, RR_OP_NONE, pos, 1, node, NULL, NULL);
	return node;
}

/* The operator of a prefix unary expression at the current token */
static RrAstOp
unary_op(Parser *p)
{
	if (p->tok.kind == TOK_IDENT)
		return p->tok.kw == KW_TYPEOF ? RR_OP_TYPEOF : RR_OP_NONE;
	if (p->tok.kind != TOK_PUNCT)
		return RR_OP_NONE;
	switch (p->tok.punct)
	{
		case P_BANG:
			return RR_OP_NOT;
		case P_MINUS:
			return RR_OP_NEG;
		case P_PLUS:
			return RR_OP_PLUS;
		case P_TILDE:
			return RR_OP_BITNOT;
		default:
			return RR_OP_NONE;
	}
}

/* Enter one more level of recursion, if the limit allows */
static bool
enter(Parser *p)
{
	check_stack_depth();
	if (++p->depth > RR_AST_MAX_DEPTH)
	{
		fail(p, p->tok.start, "expression is nested too deeply");
		return false;
	}
	return true;
}

/* UnaryExpression: ! - + ~ typeof, then a postfix expression */
static RrAst *
parse_unary(Parser *p)
{
	RrAstOp		op = unary_op(p);
	int			pos = p->tok.start;
	RrAst	   *e;

	if (op == RR_OP_NONE)
		return parse_postfix(p);
	if (!enter(p) || !advance(p) || (e = parse_unary(p)) == NULL)
		return NULL;
	p->depth--;
	return make_node(p, RR_AST_UNARY, op, pos, 1, e, NULL, NULL);
}

/* ExponentiationExpression: right-associative, no unary operand on the left */
static RrAst *
parse_exponent(Parser *p)
{
	RrAst	   *left;
	RrAst	   *right;

	if (unary_op(p) != RR_OP_NONE)
	{
		left = parse_unary(p);
		if (left && is_punct(p, P_POW))
		{
			fail(p, p->tok.start,
				 "a unary operator before \"**\" needs parentheses, as in (-a) ** b");
			return NULL;
		}
		return left;
	}
	left = parse_postfix(p);
	if (left == NULL || !is_punct(p, P_POW))
		return left;
	if (!enter(p) || !advance(p) || (right = parse_exponent(p)) == NULL)
		return NULL;
	p->depth--;
	return make_node(p, RR_AST_BINARY, RR_OP_POW, left->pos, 2, left, right, NULL);
}

/* The precedence (PLAN.md 1.2) and operator of a binary operator, or 0 */
static int
binary_prec(Parser *p, RrAstOp *op)
{
	static const struct
	{
		Punct		punct;
		int			prec;
		RrAstOp		op;
	}			ops[] =
	{
		{P_PIPE, 6, RR_OP_BITOR},
		{P_CARET, 7, RR_OP_BITXOR},
		{P_AMP, 8, RR_OP_BITAND},
		{P_EQ, 9, RR_OP_EQ},
		{P_NE, 9, RR_OP_NE},
		{P_SEQ, 9, RR_OP_SEQ},
		{P_SNE, 9, RR_OP_SNE},
		{P_LT, 10, RR_OP_LT},
		{P_LE, 10, RR_OP_LE},
		{P_GT, 10, RR_OP_GT},
		{P_GE, 10, RR_OP_GE},
		{P_SHL, 11, RR_OP_SHL},
		{P_SHR, 11, RR_OP_SHR},
		{P_USHR, 11, RR_OP_USHR},
		{P_PLUS, 12, RR_OP_ADD},
		{P_MINUS, 12, RR_OP_SUB},
		{P_STAR, 13, RR_OP_MUL},
		{P_SLASH, 13, RR_OP_DIV},
		{P_PERCENT, 13, RR_OP_MOD}
	};

	if (p->tok.kind == TOK_IDENT && p->tok.kw == KW_IN)
	{
		*op = RR_OP_IN;
		return 10;
	}
	if (p->tok.kind == TOK_PUNCT)
		for (int i = 0; i < lengthof(ops); i++)
			if (ops[i].punct == p->tok.punct)
			{
				*op = ops[i].op;
				return ops[i].prec;
			}
	return 0;
}

/*
 * Binary operators from | (6) to * / % (13), left-associative, by
 * precedence climbing: operators of at least min_prec.
 */
static RrAst *
parse_binary(Parser *p, int min_prec)
{
	RrAst	   *left = parse_exponent(p);
	RrAstOp		op = RR_OP_NONE;
	int			prec;

	while (left && (prec = binary_prec(p, &op)) >= min_prec)
	{
		RrAst	   *right;

		if (!advance(p) || (right = parse_binary(p, prec + 1)) == NULL)
			return NULL;
		left = make_node(p, RR_AST_BINARY, op, left->pos, 2, left, right, NULL);
	}
	return left;
}

/*
 * left followed by a run of punct (&&, || or ??) and their operands: bitwise
 * expressions, or for || runs of && over them.
 */
static RrAst *
parse_logical_run(Parser *p, RrAst *left, Punct punct, RrAstOp op)
{
	while (left && is_punct(p, punct))
	{
		RrAst	   *right;

		if (!advance(p) || (right = parse_binary(p, 6)) == NULL)
			return NULL;
		if (op == RR_OP_OR &&
			(right = parse_logical_run(p, right, P_AND, RR_OP_AND)) == NULL)
			return NULL;
		left = make_node(p, RR_AST_LOGICAL, op, left->pos, 2, left, right, NULL);
	}
	return left;
}

/*
 * ShortCircuitExpression: a run of || and && over bitwise-or operands, or
 * a run of ??, the two not mixed without parentheses.
 */
static RrAst *
parse_short_circuit(Parser *p)
{
	RrAst	   *left = parse_binary(p, 6);
	bool		coalesce = is_punct(p, P_COALESCE);

	if (coalesce)
		left = parse_logical_run(p, left, P_COALESCE, RR_OP_COALESCE);
	else
	{
		left = parse_logical_run(p, left, P_AND, RR_OP_AND);
		left = parse_logical_run(p, left, P_OR, RR_OP_OR);
	}
	if (left && (coalesce ? is_punct(p, P_AND) || is_punct(p, P_OR) :
				 is_punct(p, P_COALESCE)))
	{
		fail(p, p->tok.start,
			 "\"??\" cannot be mixed with \"&&\" or \"||\" without parentheses");
		return NULL;
	}
	return left;
}

static RrAst *
parse_conditional(Parser *p)
{
	RrAst	   *test = parse_short_circuit(p);
	RrAst	   *then;
	RrAst	   *otherwise;

	if (test == NULL || !is_punct(p, P_QUESTION))
		return test;
	if (!advance(p) || (then = parse_assign(p)) == NULL ||
		!expect(p, P_COLON) || (otherwise = parse_assign(p)) == NULL)
		return NULL;
	return make_node(p, RR_AST_CONDITIONAL, RR_OP_NONE, test->pos, 3,
					 test, then, otherwise);
}

/* A parameter's name and where it is, to find duplicates */
typedef struct Param
{
	const char *name;
	int			pos;
} Param;

static int
param_cmp(const void *a, const void *b)
{
	const Param *pa = a;
	const Param *pb = b;
	int			c = strcmp(pa->name, pb->name);

	return c != 0 ? c : pa->pos - pb->pos;
}

/* The parameters of an arrow function: no two may have the same name */
static bool
check_params(Parser *p, RrAst *arrow, const int *positions)
{
	Param	   *sorted = palloc(arrow->nparams * sizeof(Param));

	for (int i = 0; i < arrow->nparams; i++)
	{
		sorted[i].name = arrow->params[i];
		sorted[i].pos = positions[i];
	}
	qsort(sorted, arrow->nparams, sizeof(Param), param_cmp);
	for (int i = 1; i < arrow->nparams; i++)
		if (strcmp(sorted[i - 1].name, sorted[i].name) == 0)
		{
			fail(p, sorted[i].pos, "duplicate parameter name \"%s\"", sorted[i].name);
			return false;
		}
	pfree(sorted);
	return true;
}

/*
 * An arrow parameter: the current token, an identifier, bound to argument
 * arg, or to its member key or element (-1: none) when destructured
 */
static bool
add_param(Parser *p, RrAst *arrow, int **positions, int *cap, int arg,
		  const char *key, int element)
{
	char	   *name = token_name(p);

	if (!check_name(p, name, strlen(name), p->tok.start))
		return false;
	if (arrow->nparams == *cap)
	{
		*cap = *cap ? *cap * 2 : 2;
		arrow->params = arrow->params ? repalloc(arrow->params, *cap * sizeof(char *)) :
			palloc(*cap * sizeof(char *));
		arrow->param_arg = arrow->param_arg ?
			repalloc(arrow->param_arg, *cap * sizeof(int)) :
			palloc(*cap * sizeof(int));
		arrow->param_key = arrow->param_key ?
			repalloc(arrow->param_key, *cap * sizeof(char *)) :
			palloc(*cap * sizeof(char *));
		arrow->param_element = arrow->param_element ?
			repalloc(arrow->param_element, *cap * sizeof(int)) :
			palloc(*cap * sizeof(int));
		*positions = *positions ? repalloc(*positions, *cap * sizeof(int)) :
			palloc(*cap * sizeof(int));
	}
	(*positions)[arrow->nparams] = p->tok.start;
	arrow->param_arg[arrow->nparams] = arg;
	arrow->param_key[arrow->nparams] = key;
	arrow->param_element[arrow->nparams] = element;
	arrow->params[arrow->nparams++] = name;
	return advance(p);
}

/*
 * A destructured arrow parameter, at "[" or "{", bound to argument arg:
 * [a, , b] (elements 0 and 2) or {a, b: c} (members a and b, named a and
 * c).  Defaults, rest elements and nested patterns are refused.
 */
static bool
add_pattern(Parser *p, RrAst *arrow, int **positions, int *cap, int arg)
{
	bool		object = is_punct(p, P_LBRACE);
	int			element = 0;

	if (!advance(p))
		return false;
	while (!is_punct(p, object ? P_RBRACE : P_RBRACKET))
	{
		if (!object && is_punct(p, P_COMMA))
		{
			element++;
			if (!advance(p))
				return false;
			continue;
		}
		if (object && p->tok.kind == TOK_IDENT)
		{
			char	   *key = token_name(p);
			LexState	s;

			save_lexer(p, &s);
			if (!advance(p))
				return false;
			if (is_punct(p, P_COLON))
			{
				if (!advance(p))
					return false;
			}
			else
				restore_lexer(p, &s);
			if (!at_name(p))
			{
				fail(p, p->tok.start,
					 "only names can be destructured in an arrow function's parameters");
				return false;
			}
			if (!add_param(p, arrow, positions, cap, arg, key, -1))
				return false;
		}
		else if (!object && at_name(p))
		{
			if (!add_param(p, arrow, positions, cap, arg, NULL, element++))
				return false;
		}
		else
		{
			fail(p, p->tok.start,
				 "only names can be destructured in an arrow function's parameters");
			return false;
		}
		if (is_punct(p, P_COMMA))
		{
			if (!advance(p))
				return false;
		}
		else if (!is_punct(p, object ? P_RBRACE : P_RBRACKET))
		{
			fail(p, p->tok.start,
				 "only names can be destructured in an arrow function's parameters");
			return false;
		}
	}
	return advance(p);
}

/*
 * An arrow function, at its parameters (the caller looked ahead): x => e,
 * (a, b) => e, () => e, ([k, v]) => e, ({a, b: c}) => e, and the block
 * body { return e; }.
 */
static RrAst *
parse_arrow(Parser *p)
{
	RrAst	   *node = new_node(RR_AST_ARROW, p->tok.start);
	RrAst	   *body;
	RrAst	  **kids;
	int		   *positions = NULL;
	int			cap = 0;

	if (p->tok.kind == TOK_IDENT)
	{
		if (!add_param(p, node, &positions, &cap, 0, NULL, -1))
			return NULL;
	}
	else
	{
		int			arg = 0;

		if (!advance(p))
			return NULL;
		while (!is_punct(p, P_RPAREN))
		{
			bool		added = is_punct(p, P_LBRACKET) || is_punct(p, P_LBRACE) ?
				add_pattern(p, node, &positions, &cap, arg) :
				add_param(p, node, &positions, &cap, arg, NULL, -1);

			if (!added || (is_punct(p, P_COMMA) && !advance(p)))
				return NULL;
			arg++;
		}
		if (!check_params(p, node, positions) || !advance(p))
			return NULL;
	}
	if (p->tok.newline_before)
	{
		fail(p, p->tok.start, "a line break is not allowed before \"=>\"");
		return NULL;
	}
	if (!advance(p))
		return NULL;
	if (!is_punct(p, P_LBRACE))
		body = parse_assign(p);
	else
	{
		int			brace = p->tok.start;

		if (!advance(p))
			return NULL;
		if (p->tok.kind != TOK_IDENT || p->tok.kw != KW_RETURN ||
			!advance(p) || is_punct(p, P_SEMI) || is_punct(p, P_RBRACE) ||
			(body = parse_assign(p)) == NULL ||
			(is_punct(p, P_SEMI) && !advance(p)) || !is_punct(p, P_RBRACE))
		{
			if (p->error == NULL && is_punct(p, P_COMMA))
				unexpected(p);
			else if (p->error == NULL)
				fail(p, brace,
					 "the body of an arrow function may only be an expression or \"{ return expression; }\"");
			return NULL;
		}
		if (!advance(p))
			return NULL;
	}
	if (body == NULL)
		return NULL;
	kids = palloc(sizeof(RrAst *));
	kids[0] = body;
	return set_kids(p, node, kids, 1);
}

/*
 * AssignmentExpression, without assignment: an arrow function or a
 * conditional expression.  Every nested expression passes here, so this is
 * where the parser's recursion is bounded.
 */
static RrAst *
parse_assign(Parser *p)
{
	RrAst	   *node;

	if (!enter(p))
		return NULL;
	if ((p->tok.kind == TOK_IDENT && p->tok.kw == KW_NONE && next_is(p, P_ARROW)) ||
		(is_punct(p, P_LPAREN) && at_arrow_params(p)))
		node = parse_arrow(p);
	else
		node = parse_conditional(p);
	p->depth--;
	return node;
}

RrAst *
rr_ast_parse(const char *text, int len, char **error, int *error_pos)
{
	Parser		p;
	RrAst	   *tree = NULL;

	memset(&p, 0, sizeof(p));
	p.text = text;
	p.len = len;
	if (check_utf8(&p) && advance(&p))
	{
		if (p.tok.kind == TOK_EOF)
			fail(&p, 0, "empty expression");
		else if ((tree = parse_assign(&p)) != NULL)
		{
			bool		newline;

			/* one expression, optionally followed by one ";" */
			if (is_punct(&p, P_SEMI))
			{
				if (skip_space(&p, &newline) && p.pos < p.len)
					fail(&p, p.pos, "only one expression is allowed, found more after \";\"");
			}
			else if (p.tok.kind != TOK_EOF)
				unexpected(&p);
		}
	}
	if (p.error != NULL)
	{
		*error = p.error;
		*error_pos = p.error_pos;
		return NULL;
	}
	return tree;
}
