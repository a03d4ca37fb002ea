/*-------------------------------------------------------------------------
 *
 * expression.c
 *		Translate {{ }} expressions to PostgreSQL jsonpath and parse them.
 *
 * An expression is jsonpath evaluated with the current item as its root
 * "$" and the rest of the context as jsonpath variables:
 *
 *		$json		the current item (the root, written $json or $)
 *		$input		the items of the node's input (an array)
 *		$nodes		{"N": {"json": first item, "items": [...]}} of the nodes
 *					that ran
 *		$execution, $workflow, $vars, $now
 *
 * with the sugar n8n users write every day:
 *
 *		$json.x				-> $.x
 *		$node["N"].json.x	-> $nodes."N".json.x
 *		$('N').item.json.x	-> $nodes."N".json.x
 *		'text'				-> "text"			(jsonpath only has double quotes)
 *
 * Keeping the item as the root means evaluating an expression never copies
 * the item into a context object.  Any other $name is rejected here, when
 * the workflow is saved, rather than failing later at run time.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/expression.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

/* Context members that $name may refer to, and the flag of each. */
static const struct
{
	const char *name;
	int			flag;
}			context_names[] = {
	{"json", 0},
	{"input", RR_EXPR_USES_INPUT},
	{"nodes", RR_EXPR_USES_NODES},
	{"execution", RR_EXPR_USES_EXECUTION},
	{"workflow", RR_EXPR_USES_WORKFLOW},
	{"vars", RR_EXPR_USES_VARS},
	{"now", RR_EXPR_USES_NOW}
};

static bool
is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static size_t
skip_spaces(const char *expr, size_t len, size_t pos)
{
	while (pos < len && (expr[pos] == ' ' || expr[pos] == '\t' ||
						 expr[pos] == '\n' || expr[pos] == '\r'))
		pos++;
	return pos;
}

/*
 * Read a string literal quoted with ' or " starting at expr[*pos] and append
 * it to out as a double-quoted jsonpath string.  Escapes inside the literal
 * are kept as written, except that \' becomes ' and a bare " is escaped.
 * Returns false if the literal is not terminated.
 */
static bool
copy_string_literal(const char *expr, size_t len, size_t *pos, StringInfo out)
{
	char		quote = expr[*pos];
	size_t		i = *pos + 1;

	appendStringInfoChar(out, '"');
	while (i < len && expr[i] != quote)
	{
		if (expr[i] == '\\' && i + 1 < len)
		{
			if (expr[i + 1] == '\'')
				appendStringInfoChar(out, '\'');
			else
				appendBinaryStringInfo(out, expr + i, 2);
			i += 2;
			continue;
		}
		if (expr[i] == '"')
			appendStringInfoString(out, "\\\"");
		else
			appendStringInfoChar(out, expr[i]);
		i++;
	}
	if (i >= len)
		return false;
	appendStringInfoChar(out, '"');
	*pos = i + 1;
	return true;
}

/*
 * Translate a node reference: after "$node" comes ["N"], after "$" comes
 * ('N').  open and close are the brackets expected around the quoted name.
 * Appends $."nodes"."N" and returns the position after the closing bracket,
 * or 0 on a syntax error.
 */
static size_t
copy_node_reference(const char *expr, size_t len, size_t pos,
					char open, char close, StringInfo out)
{
	pos = skip_spaces(expr, len, pos);
	if (pos >= len || expr[pos] != open)
		return 0;
	pos = skip_spaces(expr, len, pos + 1);
	if (pos >= len || (expr[pos] != '"' && expr[pos] != '\''))
		return 0;
	appendStringInfoString(out, "$nodes.");
	if (!copy_string_literal(expr, len, &pos, out))
		return 0;
	pos = skip_spaces(expr, len, pos);
	if (pos >= len || expr[pos] != close)
		return 0;
	return pos + 1;
}

char *
rr_expr_to_jsonpath(const char *expr, size_t len, int *uses, char **error)
{
	StringInfoData out;
	size_t		pos = 0;

	*uses = 0;

	initStringInfo(&out);
	while (pos < len)
	{
		char		c = expr[pos];
		size_t		start;
		size_t		next;
		int			i;
		int			known;

		if (c == '"' || c == '\'')
		{
			if (!copy_string_literal(expr, len, &pos, &out))
			{
				*error = pstrdup("unterminated string literal");
				return NULL;
			}
			continue;
		}
		if (c != '$')
		{
			appendStringInfoChar(&out, c);
			pos++;
			continue;
		}

		/* $('N') and $("N"), optionally followed by .item */
		next = skip_spaces(expr, len, pos + 1);
		if (next < len && expr[next] == '(')
		{
			pos = copy_node_reference(expr, len, next, '(', ')', &out);
			if (pos == 0)
			{
				*error = pstrdup("expected a quoted node name in $(\"name\")");
				return NULL;
			}
			*uses |= RR_EXPR_USES_NODES;
			if (pos + 5 <= len && strncmp(expr + pos, ".item", 5) == 0 &&
				(pos + 5 == len || !is_ident_char(expr[pos + 5])))
				pos += 5;
			continue;
		}

		/* $ alone is the root of the context object */
		start = pos + 1;
		if (start >= len || !is_ident_start(expr[start]))
		{
			if (start < len && expr[start] == '"')
			{
				*error = pstrdup("quoted variable names are not supported");
				return NULL;
			}
			appendStringInfoChar(&out, '$');
			pos++;
			continue;
		}
		next = start;
		while (next < len && is_ident_char(expr[next]))
			next++;

		/* $node["N"] */
		if (next - start == 4 && strncmp(expr + start, "node", 4) == 0)
		{
			pos = copy_node_reference(expr, len, next, '[', ']', &out);
			if (pos == 0)
			{
				*error = pstrdup("expected a quoted node name in $node[\"name\"]");
				return NULL;
			}
			*uses |= RR_EXPR_USES_NODES;
			continue;
		}

		known = -1;
		for (i = 0; i < lengthof(context_names); i++)
		{
			if (strlen(context_names[i].name) == next - start &&
				strncmp(expr + start, context_names[i].name, next - start) == 0)
				known = i;
		}
		if (known < 0)
		{
			*error = psprintf("unknown variable \"$%.*s\"; the known ones are $json, $input, $nodes, $node[\"name\"], $(\"name\"), $execution, $workflow, $vars and $now",
							  (int) (next - start), expr + start);
			return NULL;
		}
		/* $json is the root; the others are jsonpath variables */
		if (context_names[known].flag == 0)
			appendStringInfoChar(&out, '$');
		else
			appendBinaryStringInfo(&out, expr + pos, next - pos);
		*uses |= context_names[known].flag;
		pos = next;
	}
	return out.data;
}

JsonPath *
rr_expr_parse(const char *expr, size_t len, int *uses, char **error)
{
	char	   *path_text;
	JsonPath   *volatile path = NULL;
	MemoryContext oldcontext = CurrentMemoryContext;

	path_text = rr_expr_to_jsonpath(expr, len, uses, error);
	if (path_text == NULL)
		return NULL;

	/*
	 * PostgreSQL 15's jsonpath parser reports syntax errors only by raising
	 * them.  Catch the error and hand back its message; the caller raises
	 * its own error (naming the node and field) right after, so we never go
	 * on running normal code after a caught error.  Errors that are not
	 * the expression's fault (a statement timeout, a cancel, running out of
	 * memory) are raised again as they are.
	 */
	PG_TRY();
	{
		path = DatumGetJsonPathP(DirectFunctionCall1(jsonpath_in,
													 CStringGetDatum(path_text)));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		/* only the expression's own faults; a cancel stays a cancel */
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION &&
			ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION)
			ReThrowError(edata);
		*error = pstrdup(edata->message);
		FreeErrorData(edata);
		path = NULL;
	}
	PG_END_TRY();

	return path;
}

bool
rr_expr_check(const char *expr, size_t len, char *errbuf, size_t errlen,
			  void *arg)
{
	char	   *error = NULL;
	int			uses;

	if (rr_expr_parse(expr, len, &uses, &error) != NULL)
		return true;
	strlcpy(errbuf, error, errlen);
	return false;
}
