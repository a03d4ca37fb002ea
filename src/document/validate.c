/*-------------------------------------------------------------------------
 *
 * validate.c
 *		Validation of native workflow documents: rr_document_validate.
 *
 * A document is checked in this order, and the first error found rejects
 * it (docs/workflow-format.md describes each rule for users):
 *
 *	1. size, JSON syntax, top-level fields and the number of nodes
 *	2. every node's common fields, name (unique) and type
 *	3. every node's params against its type's table in node_schema.c
 *	4. the {{ }} expressions inside params, condition and literal params
 *	5. settings
 *	6. connections: shape, the nodes, outputs and inputs they name
 *	7. the presence of a trigger node
 *	8. cycles
 *	9. pin_data: the nodes it names, arrays of objects
 *
 * Objects with known keys (the document, nodes, retry policies, params,
 * settings, connections) are all described by RrFieldSpec tables and
 * checked by check_object/check_value; a FieldContext says how to word
 * the errors for each of them.
 *
 * Plain C on top of jansson; no PostgreSQL header, no global state, no
 * output.  Every jansson object and allocation is released on every path.
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "document.h"
#include "node_schema.h"

#if defined(__GNUC__)
#define RR_PRINTF_FORMAT(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define RR_PRINTF_FORMAT(fmt, args)
#endif

/* Room for a user's value quoted in a message; longer ones get "...". */
#define SHOWN_BUFLEN	(RR_DOC_NAME_LEN + 4)

/* Room for "node \"<name>\"" and "connections[<n>]". */
#define OWNER_BUFLEN	(RR_DOC_NAME_LEN + 32)

/* A position in an array of nodes or edges that is no position. */
#define NO_POSITION		((size_t) -1)

#define DURATION_HINT \
	"Durations are a number and a unit such as \"500ms\", \"30s\", " \
	"\"5min\", \"2h\" or \"1d\"."
#define CONDITION_HINT \
	"Write the whole condition as one expression, such as " \
	"\"{{ $json.total > 100 }}\"."
#define LITERAL_HINT \
	"This value is fixed when the workflow is saved, so it cannot be " \
	"computed from data."

/* A field path being built, such as "rules[1].condition". */
typedef struct FieldPath
{
	char		text[RR_DOC_FIELD_LEN];
	size_t		len;
} FieldPath;

/*
 * Where a table of fields sits, for wording errors about it.  Errors read
 * "<owner> has unknown <noun> \"x\"", "<owner> is missing required <noun>
 * \"x\"" and "<item_owner> <noun> \"x\" must be ...", and their field is
 * "<field_prefix>.x".
 */
typedef struct FieldContext
{
	const char *owner;			/* e.g. node "X", workflow document */
	const char *item_owner;		/* usually the owner; "" for settings */
	const char *noun;			/* "field", "param" or "setting" */
	const char *field_prefix;	/* e.g. "params"; "" inside a node */
	const char *node;			/* node name for RrDocError.node, or "" */
	bool		expressions;	/* whether a lone {{ }} may stand in for a
								 * value of another type */
	bool		open;			/* keys not in the table are allowed */
} FieldContext;

/* What the later rules need to know about one valid node. */
typedef struct NodeInfo
{
	const char *name;
	const RrNodeType *type;
	json_t	   *params;			/* NULL when the node has none */
	bool		error_output;	/* "on_error": "error_output" */
} NodeInfo;

/* State of one rr_document_validate call. */
typedef struct Validator
{
	RrExprCheckFn check;
	void	   *check_arg;
	RrDocError *err;
	json_t	   *document;		/* owned */
	json_t	   *nodes;
	size_t		node_count;
	NodeInfo   *node_info;		/* owned; node_count entries */
	json_t	   *node_index;		/* owned; node name -> position */
	size_t		edge_count;
	size_t	   *edge_from;		/* owned; edge_count node positions */
	size_t	   *edge_to;		/* owned; edge_count node positions */
} Validator;

/* What check_bounds measures. */
typedef enum BoundUnit
{
	BOUND_VALUE,				/* a number's value */
	BOUND_BYTES,				/* a string's length in bytes */
	BOUND_ITEMS					/* an array's number of items */
} BoundUnit;

static bool is_given(json_t *params, const char *name);
static void print_into(char *buf, size_t buflen, const char *fmt,...)
			RR_PRINTF_FORMAT(3, 4);
static bool check_object(Validator *v, const FieldContext *ctx,
						 const RrFieldSpec *fields, json_t *object,
						 FieldPath *path);
static bool check_object_one_of(Validator *v, const FieldContext *ctx,
								const RrFieldSpec *spec, json_t *object,
								const FieldPath *path);
static bool check_value(Validator *v, const FieldContext *ctx,
						const RrFieldSpec *spec, json_t *value,
						FieldPath *path);


/* ---------- Fields of the document itself ---------- */

static const char *const on_error_values[] = {"stop", "continue",
"error_output", NULL};
static const char *const save_values[] = {"all", "errors", "none", NULL};
static const char *const execution_order_values[] = {"v1", "v0", NULL};

static bool is_printable_name(const char *text, size_t len);

/*
 * A trigger, as export_workflow() lists a workflow's: its kind, target and
 * options.  Only the shape is checked here; import_workflow() makes each
 * through the function of its kind (src/triggers), which checks the rest.
 */
static const RrFieldSpec trigger_fields[] = {
	{.name = "kind", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED},
	{.name = "target", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED},
	{.name = "options", .type = RR_FIELD_OBJECT},
	{NULL}
};

static const RrFieldSpec trigger_item = {
	.type = RR_FIELD_OBJECT, .fields = trigger_fields
};

static const RrFieldSpec document_fields[] = {
	{.name = "nodes", .type = RR_FIELD_ARRAY, .flags = RR_FIELD_REQUIRED,
	.has_min = true, .min = 1},
	{.name = "connections", .type = RR_FIELD_ARRAY},
	{.name = "settings", .type = RR_FIELD_OBJECT},
	{.name = "description", .type = RR_FIELD_STRING},
	{.name = "meta", .type = RR_FIELD_OBJECT},
	{.name = "triggers", .type = RR_FIELD_ARRAY, .items = &trigger_item},
	{.name = "pin_data", .type = RR_FIELD_OBJECT},
	{NULL}
};

static const RrFieldSpec any_number = {.type = RR_FIELD_NUMBER};

static const RrFieldSpec retry_fields[] = {
	{.name = "tries", .type = RR_FIELD_INTEGER,
	.has_min = true, .min = 1, .has_max = true, .max = RR_RETRY_TRIES_MAX},
	{.name = "delay", .type = RR_FIELD_DURATION},
	{.name = "backoff", .type = RR_FIELD_NUMBER,
	.has_min = true, .min = 1, .has_max = true, .max = RR_RETRY_BACKOFF_MAX},
	{.name = "max_delay", .type = RR_FIELD_DURATION},
	{.name = "jitter", .type = RR_FIELD_NUMBER,
	.has_min = true, .min = 0, .has_max = true, .max = 1},
	{NULL}
};

static const RrFieldSpec node_fields[] = {
	{.name = "name", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED,
		.has_min = true, .min = 1, .has_max = true, .max = RR_DOC_NAME_LEN,
	.valid = is_printable_name, .valid_rule = "free of control characters"},
	{.name = "type", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED},
	{.name = "params", .type = RR_FIELD_OBJECT},
	{.name = "retry", .type = RR_FIELD_OBJECT, .fields = retry_fields},
	{.name = "on_error", .type = RR_FIELD_STRING, .choices = on_error_values},
	{.name = "timeout", .type = RR_FIELD_DURATION,
	.flags = RR_FIELD_POSITIVE},
	{.name = "execute_once", .type = RR_FIELD_BOOLEAN},
	{.name = "always_output_data", .type = RR_FIELD_BOOLEAN},
	{.name = "disabled", .type = RR_FIELD_BOOLEAN},
	{.name = "notes", .type = RR_FIELD_STRING},
	/* where an editor draws the node: [x, y] */
	{.name = "position", .type = RR_FIELD_ARRAY, .items = &any_number,
	.has_min = true, .min = 2, .has_max = true, .max = 2},
	{NULL}
};

static const RrFieldSpec settings_fields[] = {
	{.name = "timeout", .type = RR_FIELD_DURATION,
	.flags = RR_FIELD_POSITIVE},
	{.name = "concurrency", .type = RR_FIELD_INTEGER,
	.has_min = true, .min = 1, .has_max = true, .max = 10000},
	{.name = "error_workflow", .type = RR_FIELD_STRING,
	.has_min = true, .min = 1},
	{.name = "save", .type = RR_FIELD_STRING, .choices = save_values},
	{.name = "vars", .type = RR_FIELD_OBJECT},
	/* a zone name; src/catalog/definition.c checks it names a zone */
	{.name = "timezone", .type = RR_FIELD_STRING,
	.has_min = true, .min = 1, .has_max = true, .max = 255},
	/* the JSON schema of the input an ai_agent tool call passes */
	{.name = "input_schema", .type = RR_FIELD_OBJECT},
	/* node runs one execution may make; loops stop at it */
	{.name = "max_node_runs", .type = RR_FIELD_INTEGER,
	.has_min = true, .min = 1, .has_max = true, .max = 2147483647},
	/* n8n's execution order: v1 (depth first) or the legacy v0 */
	{.name = "execution_order", .type = RR_FIELD_STRING,
	.choices = execution_order_values},
	{NULL}
};

static const RrFieldSpec connection_fields[] = {
	{.name = "from", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED},
	{.name = "output", .type = RR_FIELD_STRING},
	{.name = "to", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED},
	{.name = "input", .type = RR_FIELD_INTEGER, .has_min = true, .min = 0},
	{NULL}
};

static const RrFieldSpec node_spec = {
	.type = RR_FIELD_OBJECT, .fields = node_fields
};

static const RrFieldSpec connection_spec = {
	.type = RR_FIELD_OBJECT, .fields = connection_fields
};


/* ---------- Text helpers ---------- */

/*
 * is_space
 *		ASCII whitespace; unlike isspace(), independent of the locale.
 */
/*
 * A new empty jansson object.  Never call json_object() directly: the
 * PostgreSQL server executable exports a function of the same name (the
 * SQL-callable json_object), and the dynamic linker binds an extension's
 * reference to the executable's symbol first.  json_pack() builds the
 * object inside libjansson, whose own references bind to jansson.
 */
static json_t *
new_object(void)
{
	return json_pack("{}");
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
		c == '\v';
}

/*
 * is_printable_name
 *		Whether text has no control characters (C0, DEL or C1).  Node names
 *		end up in logs and messages.
 */
static bool
is_printable_name(const char *text, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) text[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		/* U+0080 to U+009F are 0xC2 0x80 to 0xC2 0x9F in UTF-8 */
		if (c == 0xc2 && i + 1 < len &&
			(unsigned char) text[i + 1] >= 0x80 &&
			(unsigned char) text[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

/*
 * drop_partial_char
 *		Cut a UTF-8 character that snprintf truncated in half off the end of
 *		text, so that messages stay valid UTF-8.
 */
static void
drop_partial_char(char *text)
{
	size_t		len = strlen(text);
	size_t		last;
	unsigned char lead;
	size_t		char_len;

	if (len == 0)
		return;
	last = len - 1;
	while (last > 0 && len - last < 4 &&
		   ((unsigned char) text[last] & 0xc0) == 0x80)
		last--;
	lead = (unsigned char) text[last];
	if (lead >= 0xf0)
		char_len = 4;
	else if (lead >= 0xe0)
		char_len = 3;
	else if (lead >= 0xc0)
		char_len = 2;
	else
		char_len = 1;
	if (len - last < char_len)
		text[last] = '\0';
}

/*
 * print_into
 *		snprintf into buf, cutting the text at a character boundary when it
 *		does not fit.  (Going through vsnprintf also keeps gcc from warning
 *		about truncation, which is intended here.)
 */
static void
print_into(char *buf, size_t buflen, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	vsnprintf(buf, buflen, fmt, args);
	va_end(args);
	drop_partial_char(buf);
}

/*
 * shown
 *		text, or its start followed by "..." when it does not fit in buf,
 *		cut at a character boundary.  For quoting users' values in messages.
 */
static const char *
shown(const char *text, char *buf, size_t buflen)
{
	size_t		len = strlen(text);
	size_t		keep;

	if (len < buflen)
	{
		memcpy(buf, text, len + 1);
		return buf;
	}
	keep = buflen - 4;
	while (keep > 0 && ((unsigned char) text[keep] & 0xc0) == 0x80)
		keep--;
	memcpy(buf, text, keep);
	memcpy(buf + keep, "...", 4);
	return buf;
}

/*
 * list_append
 *		Append "item" (quoted, comma-separated) to the list in buf.
 */
static void
list_append(char *buf, size_t buflen, const char *item)
{
	size_t		len = strlen(buf);

	print_into(buf + len, buflen - len, "%s\"%s\"", len > 0 ? ", " : "", item);
}

/*
 * list_choices
 *		Quote a NULL-terminated list of words into buf.
 */
static const char *
list_choices(const char *const *choices, char *buf, size_t buflen)
{
	buf[0] = '\0';
	for (; *choices != NULL; choices++)
		list_append(buf, buflen, *choices);
	return buf;
}

/*
 * list_fields
 *		Quote the names in a field table into buf.
 */
static const char *
list_fields(const RrFieldSpec *fields, char *buf, size_t buflen)
{
	buf[0] = '\0';
	for (; fields->name != NULL; fields++)
		list_append(buf, buflen, fields->name);
	return buf;
}

/*
 * in_choices
 *		Whether text is one of a NULL-terminated list of words.
 */
static bool
in_choices(const char *const *choices, const char *text)
{
	for (; *choices != NULL; choices++)
	{
		if (strcmp(*choices, text) == 0)
			return true;
	}
	return false;
}


/* ---------- Field paths ---------- */

/*
 * path_push_key
 *		Append ".key" (or "key" at the start) to path; returns the old
 *		length for path_pop.  A path that no longer fits is cut short.
 */
static size_t
path_push_key(FieldPath *path, const char *key)
{
	size_t		old_len = path->len;

	print_into(path->text + old_len, sizeof(path->text) - old_len, "%s%s",
			   old_len > 0 ? "." : "", key);
	path->len = strlen(path->text);
	return old_len;
}

/*
 * path_push_index
 *		Append "[index]" to path; returns the old length for path_pop.
 */
static size_t
path_push_index(FieldPath *path, size_t index)
{
	size_t		old_len = path->len;

	print_into(path->text + old_len, sizeof(path->text) - old_len, "[%zu]",
			   index);
	path->len = strlen(path->text);
	return old_len;
}

/*
 * path_pop
 *		Undo a path_push_*.
 */
static void
path_pop(FieldPath *path, size_t old_len)
{
	path->len = old_len;
	path->text[old_len] = '\0';
}

/*
 * path_reset
 *		Start an empty path.
 */
static void
path_reset(FieldPath *path)
{
	path_pop(path, 0);
}

/*
 * field_name
 *		The RrDocError.field of path within ctx: "params.rules[1].output".
 */
static const char *
field_name(const FieldContext *ctx, const FieldPath *path, char *buf,
		   size_t buflen)
{
	print_into(buf, buflen, "%s%s%s", ctx->field_prefix,
			 ctx->field_prefix[0] != '\0' && path->len > 0 ? "." : "",
			 path->text);
	return buf;
}

/*
 * subject
 *		How messages name path within ctx: node "X" param "rules[1].output",
 *		setting "timeout", connections[2] (for the whole element).
 */
static const char *
subject(const FieldContext *ctx, const FieldPath *path, char *buf,
		size_t buflen)
{
	if (path->len == 0)
		print_into(buf, buflen, "%s", ctx->item_owner);
	else
		print_into(buf, buflen, "%s%s%s \"%s\"", ctx->item_owner,
				 ctx->item_owner[0] != '\0' ? " " : "", ctx->noun,
				 path->text);
	return buf;
}


/* ---------- Reporting errors ---------- */

static bool vfail(RrDocError *err, RrDocErrorKind kind, const char *node,
				  const char *field, const char *fmt, va_list args)
			RR_PRINTF_FORMAT(5, 0);
static bool fail(RrDocError *err, RrDocErrorKind kind, const char *node,
				 const char *field, const char *fmt,...)
			RR_PRINTF_FORMAT(5, 6);
static bool fail_at(Validator *v, const FieldContext *ctx,
					const FieldPath *path, RrDocErrorKind kind,
					const char *fmt,...) RR_PRINTF_FORMAT(5, 6);
static void set_detail(RrDocError *err, const char *fmt,...)
			RR_PRINTF_FORMAT(2, 3);

/*
 * vfail
 *		Fill in err (all but the detail); returns false for "return fail()".
 */
static bool
vfail(RrDocError *err, RrDocErrorKind kind, const char *node,
	  const char *field, const char *fmt, va_list args)
{
	err->kind = kind;
	print_into(err->node, sizeof(err->node), "%s", node);
	print_into(err->field, sizeof(err->field), "%s", field);
	vsnprintf(err->message, sizeof(err->message), fmt, args);
	drop_partial_char(err->message);
	return false;
}

/*
 * fail
 *		Report an error of kind about node and field, with a printf-style
 *		message.  Always returns false.
 */
static bool
fail(RrDocError *err, RrDocErrorKind kind, const char *node,
	 const char *field, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	vfail(err, kind, node, field, fmt, args);
	va_end(args);
	return false;
}

/*
 * fail_at
 *		Report an error about path within ctx.  Always returns false.
 */
static bool
fail_at(Validator *v, const FieldContext *ctx, const FieldPath *path,
		RrDocErrorKind kind, const char *fmt,...)
{
	char		field[RR_DOC_FIELD_LEN];
	va_list		args;

	field_name(ctx, path, field, sizeof(field));
	va_start(args, fmt);
	vfail(v->err, kind, ctx->node, field, fmt, args);
	va_end(args);
	return false;
}

/*
 * set_detail
 *		Add a detail sentence to the error just reported.
 */
static void
set_detail(RrDocError *err, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, args);
	va_end(args);
	drop_partial_char(err->detail);
}

/*
 * fail_out_of_memory
 *		Report a failed allocation.  Always returns false.
 */
static bool
fail_out_of_memory(Validator *v)
{
	return fail(v->err, RR_DOC_OUT_OF_MEMORY, "", "", "out of memory");
}


/* ---------- Expressions ---------- */

/*
 * skip_regex
 *		The position of the "/" that ends the regular expression literal
 *		starting at text[start] (a "/" inside [...] or after a backslash
 *		does not), or of the line end or text end that leaves it open.
 */
static size_t
skip_regex(const char *text, size_t len, size_t start)
{
	size_t		pos;
	bool		in_class = false;

	for (pos = start + 1; pos < len && text[pos] != '\n'; pos++)
	{
		if (text[pos] == '\\')
			pos++;
		else if (text[pos] == '[')
			in_class = true;
		else if (text[pos] == ']')
			in_class = false;
		else if (text[pos] == '/' && !in_class)
			return pos;
	}
	return pos < len ? pos : len - 1;
}

/*
 * rr_expression_next
 *		Find the first "{{" at or after text[from] and its closing "}}".
 *
 * Inside an expression, string literals in double, single or back quotes
 * (with backslash escapes) and regular expression literals are skipped, so
 * "}}" or a quote inside them does not close it or open a string.  A "/"
 * starts a regular expression where an operand is expected: after "{{" or
 * one of ( , = : [ ! & | ? { } ; + - * % ~ ^ < > (src/expr/parser.c
 * decides the same way).  On RR_EXPR_FOUND, *open is the position of "{{"
 * and *close that of "}}".
 */
RrExprScan
rr_expression_next(const char *text, size_t len, size_t from, size_t *open,
				size_t *close)
{
	size_t		pos;
	char		in_string = '\0';	/* the open quote, if any */
	char		last = '{';		/* the last character but white space */

	for (pos = from; pos + 1 < len; pos++)
	{
		if (text[pos] == '{' && text[pos + 1] == '{')
			break;
	}
	if (pos + 1 >= len)
		return RR_EXPR_NONE;
	*open = pos;

	for (pos += 2; pos < len; pos++)
	{
		char		c = text[pos];

		if (in_string)
		{
			if (c == '\\')
				pos++;
			else if (c == in_string)
				in_string = '\0';
		}
		else if (c == '"' || c == '\'' || c == '`')
			in_string = c;
		else if (c == '}' && pos + 1 < len && text[pos + 1] == '}')
		{
			*close = pos;
			return RR_EXPR_FOUND;
		}
		else if (c == '/' && strchr("(,=:[!&|?{};+-*%~^<>", last) != NULL)
			pos = skip_regex(text, len, pos);
		if (!in_string && !is_space(c))
			last = c;
	}
	return RR_EXPR_UNTERMINATED;
}

/*
 * rr_expression_is_lone
 *		Whether text is exactly one {{ }} expression, with nothing around it
 *		(n8n's rule: not even whitespace), after an optional leading "="
 *		(n8n's mark of an expression); its value then stands for the whole
 *		value.
 */
bool
rr_expression_is_lone(const char *text, size_t len)
{
	size_t		start = len > 0 && text[0] == '=' ? 1 : 0;
	size_t		open;
	size_t		close;

	return rr_expression_next(text, len, start, &open, &close) == RR_EXPR_FOUND &&
		open == start && close + 2 == len;
}

/*
 * is_blank
 *		Whether text holds only whitespace.
 */
static bool
is_blank(const char *text, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		if (!is_space(text[i]))
			return false;
	}
	return true;
}

/*
 * stands_for_value
 *		Whether value, which does not fit spec, is still accepted because it
 *		is a lone expression computing the value at run time.
 */
static bool
stands_for_value(const FieldContext *ctx, const RrFieldSpec *spec,
				 const json_t *value)
{
	return ctx->expressions &&
		(spec->flags & (RR_FIELD_LITERAL | RR_FIELD_STATIC)) == 0 &&
		json_is_string(value) &&
		rr_expression_is_lone(json_string_value(value), json_string_length(value));
}


/* ---------- Checking values against RrFieldSpec ---------- */

/*
 * type_matches
 *		Whether value has the JSON type that type asks for.
 */
static bool
type_matches(RrFieldType type, const json_t *value)
{
	switch (type)
	{
		case RR_FIELD_ANY:
			return true;
		case RR_FIELD_STRING:
		case RR_FIELD_DURATION:
		case RR_FIELD_CONDITION:
			return json_is_string(value);
		case RR_FIELD_INTEGER:
			return json_is_integer(value);
		case RR_FIELD_NUMBER:
			return json_is_number(value);
		case RR_FIELD_BOOLEAN:
			return json_is_boolean(value);
		case RR_FIELD_OBJECT:
			return json_is_object(value);
		case RR_FIELD_ARRAY:
			return json_is_array(value);
	}
	return false;
}

/*
 * type_phrase
 *		"a string", "an integer" ... for "must be" messages.
 */
static const char *
type_phrase(RrFieldType type)
{
	switch (type)
	{
		case RR_FIELD_ANY:
			return "a JSON value";
		case RR_FIELD_STRING:
		case RR_FIELD_DURATION:
		case RR_FIELD_CONDITION:
			return "a string";
		case RR_FIELD_INTEGER:
			return "an integer";
		case RR_FIELD_NUMBER:
			return "a number";
		case RR_FIELD_BOOLEAN:
			return "a boolean";
		case RR_FIELD_OBJECT:
			return "an object";
		case RR_FIELD_ARRAY:
			return "an array";
	}
	return "a JSON value";
}

/*
 * fail_type
 *		Report a value of the wrong JSON type.
 */
static bool
fail_type(Validator *v, const FieldContext *ctx, const RrFieldSpec *spec,
		  const FieldPath *path)
{
	char		what[RR_DOC_MESSAGE_LEN];

	fail_at(v, ctx, path, RR_DOC_PARAM_TYPE, "%s must be %s",
			subject(ctx, path, what, sizeof(what)), type_phrase(spec->type));
	if (spec->type == RR_FIELD_DURATION)
		set_detail(v->err, "%s", DURATION_HINT);
	else if (spec->type == RR_FIELD_CONDITION)
		set_detail(v->err, "%s", CONDITION_HINT);
	return false;
}

/*
 * check_bounds
 *		Check a measure of a value against spec's bounds: a number's value,
 *		a string's length in bytes or an array's number of items.
 */
static bool
check_bounds(Validator *v, const FieldContext *ctx, const RrFieldSpec *spec,
			 const FieldPath *path, double measure, BoundUnit unit)
{
	char		what[RR_DOC_MESSAGE_LEN];
	char		rule[128];
	const char *verb = unit == BOUND_ITEMS ? "have" : "be";
	double		last = spec->has_max ? spec->max : spec->min;
	const char *suffix;

	if ((!spec->has_min || measure >= spec->min) &&
		(!spec->has_max || measure <= spec->max))
		return true;

	if (unit == BOUND_BYTES)
		suffix = " bytes long";
	else if (unit == BOUND_ITEMS)
		suffix = last == 1 ? " item" : " items";
	else
		suffix = "";

	if (unit != BOUND_VALUE && spec->has_min && spec->min == 1 &&
		!spec->has_max)
		print_into(rule, sizeof(rule), "not be empty");
	else if (spec->has_min && spec->has_max && spec->min == spec->max)
		print_into(rule, sizeof(rule), "%s exactly %.15g%s",
				 verb, spec->min, suffix);
	else if (spec->has_min && spec->has_max)
		print_into(rule, sizeof(rule), "%s between %.15g and %.15g%s",
				 verb, spec->min, spec->max, suffix);
	else if (spec->has_min)
		print_into(rule, sizeof(rule), "%s at least %.15g%s",
				 verb, spec->min, suffix);
	else
		print_into(rule, sizeof(rule), "%s at most %.15g%s",
				 verb, spec->max, suffix);

	return fail_at(v, ctx, path, RR_DOC_INVALID, "%s must %s",
				   subject(ctx, path, what, sizeof(what)), rule);
}

/*
 * check_string
 *		Check a string value: length, allowed words, special form.
 */
static bool
check_string(Validator *v, const FieldContext *ctx, const RrFieldSpec *spec,
			 const json_t *value, const FieldPath *path)
{
	const char *text = json_string_value(value);
	size_t		len = json_string_length(value);
	char		what[RR_DOC_MESSAGE_LEN];
	char		shown_value[SHOWN_BUFLEN];
	char		list[RR_DOC_MESSAGE_LEN];

	if (spec->choices != NULL && !in_choices(spec->choices, text))
	{
		fail_at(v, ctx, path, RR_DOC_INVALID, "%s has invalid value \"%s\"",
				subject(ctx, path, what, sizeof(what)),
				shown(text, shown_value, sizeof(shown_value)));
		set_detail(v->err, "Valid values are %s.",
				   list_choices(spec->choices, list, sizeof(list)));
		return false;
	}
	if (!check_bounds(v, ctx, spec, path, (double) len, BOUND_BYTES))
		return false;
	if (spec->valid != NULL && !spec->valid(text, len))
	{
		fail_at(v, ctx, path, RR_DOC_INVALID, "%s must be %s",
				subject(ctx, path, what, sizeof(what)), spec->valid_rule);
		if (spec->hint != NULL)
			set_detail(v->err, "%s", spec->hint);
		return false;
	}
	return true;
}

/*
 * check_duration
 *		Check a duration string.
 */
static bool
check_duration(Validator *v, const FieldContext *ctx,
			   const RrFieldSpec *spec, const json_t *value,
			   const FieldPath *path)
{
	char		what[RR_DOC_MESSAGE_LEN];
	char		shown_value[SHOWN_BUFLEN];
	int64_t		ms;

	if (!rr_duration_parse(json_string_value(value), &ms))
	{
		if (stands_for_value(ctx, spec, value))
			return true;
		fail_at(v, ctx, path, RR_DOC_DURATION, "invalid duration \"%s\" in %s",
				shown(json_string_value(value), shown_value,
					  sizeof(shown_value)),
				subject(ctx, path, what, sizeof(what)));
		set_detail(v->err, "%s", DURATION_HINT);
		return false;
	}
	if ((spec->flags & RR_FIELD_POSITIVE) != 0 && ms <= 0)
		return fail_at(v, ctx, path, RR_DOC_INVALID,
					   "%s must be greater than zero",
					   subject(ctx, path, what, sizeof(what)));
	return true;
}

/*
 * check_items
 *		Check the number of items of an array and each item.
 */
static bool
check_items(Validator *v, const FieldContext *ctx, const RrFieldSpec *spec,
			json_t *array, FieldPath *path)
{
	size_t		index;
	json_t	   *item;

	if (!check_bounds(v, ctx, spec, path, (double) json_array_size(array),
					  BOUND_ITEMS))
		return false;
	if (spec->items == NULL)
		return true;
	json_array_foreach(array, index, item)
	{
		size_t		old_len = path_push_index(path, index);

		if (!check_value(v, ctx, spec->items, item, path))
			return false;
		path_pop(path, old_len);
	}
	return true;
}

/*
 * check_map_values
 *		Check every value of an object whose keys are free but whose values
 *		all follow one spec.
 */
static bool
check_map_values(Validator *v, const FieldContext *ctx,
				 const RrFieldSpec *value_spec, json_t *object,
				 FieldPath *path)
{
	const char *key;
	json_t	   *value;

	json_object_foreach(object, key, value)
	{
		size_t		old_len = path_push_key(path, key);

		if (!check_value(v, ctx, value_spec, value, path))
			return false;
		path_pop(path, old_len);
	}
	return true;
}

/*
 * check_value
 *		Check one value against its spec; path names it within ctx.
 *
 * A value of the wrong JSON type is still accepted when it is a lone {{ }}
 * expression and ctx and spec allow that.
 */
static bool
check_value(Validator *v, const FieldContext *ctx, const RrFieldSpec *spec,
			json_t *value, FieldPath *path)
{
	if (!type_matches(spec->type, value))
	{
		if (stands_for_value(ctx, spec, value))
			return true;
		return fail_type(v, ctx, spec, path);
	}

	switch (spec->type)
	{
		case RR_FIELD_STRING:
			return check_string(v, ctx, spec, value, path);
		case RR_FIELD_DURATION:
			return check_duration(v, ctx, spec, value, path);
		case RR_FIELD_INTEGER:
			return check_bounds(v, ctx, spec, path,
								(double) json_integer_value(value),
								BOUND_VALUE);
		case RR_FIELD_NUMBER:
			return check_bounds(v, ctx, spec, path,
								json_number_value(value), BOUND_VALUE);
		case RR_FIELD_ARRAY:
			return check_items(v, ctx, spec, value, path);
		case RR_FIELD_OBJECT:
			if (spec->fields != NULL)
				return check_object(v, ctx, spec->fields, value, path) &&
					check_object_one_of(v, ctx, spec, value, path);
			if (spec->items != NULL)
				return check_map_values(v, ctx, spec->items, value, path);
			return true;
		case RR_FIELD_ANY:
		case RR_FIELD_BOOLEAN:
		case RR_FIELD_CONDITION:
			/* conditions are checked with the other expressions */
			return true;
	}
	return true;
}

/*
 * condition_holds
 *		Whether a sibling condition (RrFieldSpec.required_if) holds in
 *		object.
 */
static bool
condition_holds(const RrFieldCondition *condition, const json_t *object)
{
	const json_t *sibling = json_object_get(object, condition->field);
	bool		matched;

	matched = json_is_string(sibling) &&
		in_choices(condition->values, json_string_value(sibling));
	return condition->negate ? !matched : matched;
}

/*
 * check_present
 *		Check that a field spec requires, now or because of a sibling, is
 *		present; path already names it.
 */
static bool
check_present(Validator *v, const FieldContext *ctx, const RrFieldSpec *spec,
			  const json_t *object, const FieldPath *path)
{
	const RrFieldCondition *condition = &spec->required_if;
	char		list[RR_DOC_MESSAGE_LEN];
	bool		required;

	if ((spec->flags & RR_FIELD_REQUIRED) != 0)
		required = true;
	else
		required = condition->field != NULL &&
			condition_holds(condition, object);
	if (!required || json_object_get(object, spec->name) != NULL)
		return true;

	fail_at(v, ctx, path, RR_DOC_INVALID, "%s is missing required %s \"%s\"",
			ctx->owner, ctx->noun, path->text);
	if ((spec->flags & RR_FIELD_REQUIRED) == 0)
		set_detail(v->err, "It is required %s \"%s\" is %s%s.",
				   condition->negate ? "unless" : "when", condition->field,
				   condition->values[1] != NULL ? "one of " : "",
				   list_choices(condition->values, list, sizeof(list)));
	return false;
}

/*
 * check_below
 *		Check that an integer is less than the integer sibling spec->below
 *		(or that sibling's default).
 */
static bool
check_below(Validator *v, const FieldContext *ctx, const RrFieldSpec *spec,
			const RrFieldSpec *fields, const json_t *object,
			const json_t *value, const FieldPath *path)
{
	const json_t *limit_value = json_object_get(object, spec->below);
	const RrFieldSpec *limit_spec = rr_field_lookup(fields, spec->below);
	char		what[RR_DOC_MESSAGE_LEN];
	long long	limit;

	if (!json_is_integer(value))
		return true;			/* computed at run time */
	if (json_is_integer(limit_value))
		limit = (long long) json_integer_value(limit_value);
	else if (limit_value == NULL && limit_spec != NULL)
		limit = (long long) limit_spec->default_int;
	else
		return true;
	if ((long long) json_integer_value(value) < limit)
		return true;

	fail_at(v, ctx, path, RR_DOC_INVALID, "%s must be less than %lld",
			subject(ctx, path, what, sizeof(what)), limit);
	set_detail(v->err, "It must be less than \"%s\", which is %lld.",
			   spec->below, limit);
	return false;
}

/*
 * check_choices_by
 *		Check a string whose allowed values depend on its siblings
 *		(RrFieldSpec.choices_by): a condition's operation, by its type.
 */
static bool
check_choices_by(Validator *v, const FieldContext *ctx,
				 const RrFieldSpec *spec, const json_t *object,
				 const json_t *value, const FieldPath *path)
{
	const char *const *choices = spec->choices_by(object);
	char		what[RR_DOC_MESSAGE_LEN];
	char		shown_value[SHOWN_BUFLEN];
	char		list[RR_DOC_MESSAGE_LEN];

	if (choices == NULL || !json_is_string(value) ||
		in_choices(choices, json_string_value(value)))
		return true;
	fail_at(v, ctx, path, RR_DOC_INVALID, "%s has invalid value \"%s\"",
			subject(ctx, path, what, sizeof(what)),
			shown(json_string_value(value), shown_value, sizeof(shown_value)));
	set_detail(v->err, "Valid values here are %s.",
			   list_choices(choices, list, sizeof(list)));
	return false;
}

/*
 * check_object_one_of
 *		Check that exactly one of an object's fields listed in
 *		spec->one_of is given (a switch rule's condition or conditions).
 */
static bool
check_object_one_of(Validator *v, const FieldContext *ctx,
					const RrFieldSpec *spec, json_t *object,
					const FieldPath *path)
{
	const char *const *name;
	char		what[RR_DOC_MESSAGE_LEN];
	char		list[RR_DOC_MESSAGE_LEN];
	int			given = 0;

	if (spec->one_of == NULL)
		return true;
	for (name = spec->one_of; *name != NULL; name++)
	{
		if (is_given(object, *name))
			given++;
	}
	if (given == 1)
		return true;
	fail_at(v, ctx, path, RR_DOC_INVALID,
			"%s must have exactly one of the fields %s",
			subject(ctx, path, what, sizeof(what)),
			list_choices(spec->one_of, list, sizeof(list)));
	set_detail(v->err, "It has %d of them.", given);
	return false;
}

/*
 * check_object
 *		Check an object whose keys are listed in fields: no unknown key, the
 *		required ones present, each value valid.  A NULL object stands for
 *		an absent one, i.e. {}.
 */
static bool
check_object(Validator *v, const FieldContext *ctx, const RrFieldSpec *fields,
			 json_t *object, FieldPath *path)
{
	const RrFieldSpec *spec;
	const char *key;
	json_t	   *value;
	char		list[RR_DOC_MESSAGE_LEN];
	char		shown_key[SHOWN_BUFLEN];

	json_object_foreach(object, key, value)
	{
		size_t		old_len;

		if (ctx->open || rr_field_lookup(fields, key) != NULL)
			continue;
		old_len = path_push_key(path, shown(key, shown_key, sizeof(shown_key)));
		fail_at(v, ctx, path, RR_DOC_INVALID, "%s has unknown %s \"%s\"",
				ctx->owner, ctx->noun, path->text);
		if (fields->name == NULL)
			set_detail(v->err, "It takes no %ss.", ctx->noun);
		else
			set_detail(v->err, "Known %ss are %s.", ctx->noun,
					   list_fields(fields, list, sizeof(list)));
		path_pop(path, old_len);
		return false;
	}

	for (spec = fields; spec->name != NULL; spec++)
	{
		size_t		old_len = path_push_key(path, spec->name);

		value = json_object_get(object, spec->name);
		if (value == NULL)
		{
			if (!check_present(v, ctx, spec, object, path))
				return false;
		}
		else
		{
			if (!check_value(v, ctx, spec, value, path))
				return false;
			if (spec->below != NULL &&
				!check_below(v, ctx, spec, fields, object, value, path))
				return false;
			if (spec->choices_by != NULL &&
				!check_choices_by(v, ctx, spec, object, value, path))
				return false;
		}
		path_pop(path, old_len);
	}
	return true;
}


/* ---------- Rule 1: the document as a whole ---------- */

/*
 * parse_document
 *		Check the size and parse the text into v->document.
 */
static bool
parse_document(Validator *v, const char *json, size_t len,
			   const RrDocLimits *limits)
{
	json_error_t error;

	if (limits != NULL && len > limits->max_bytes)
	{
		fail(v->err, RR_DOC_TOO_LARGE, "", "",
			 "workflow document is too large");
		set_detail(v->err, "The document is %zu bytes; the limit is %zu bytes.",
				   len, limits->max_bytes);
		return false;
	}

	/* jansson does not always set the error code byte; start from zeros */
	memset(&error, 0, sizeof(error));
	v->document = json_loadb(json != NULL ? json : "", json != NULL ? len : 0,
							 JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
	if (v->document == NULL)
	{
		/*
		 * jansson reports some failed allocations as such and others with
		 * no error text at all.  (A few look like syntax errors; nothing
		 * tells those apart.)
		 */
		if (json_error_code(&error) == json_error_out_of_memory ||
			error.text[0] == '\0')
			return fail_out_of_memory(v);
		fail(v->err, RR_DOC_SYNTAX, "", "",
			 "workflow document is not valid JSON");
		set_detail(v->err, "Parse error at line %d, column %d: %s.",
				   error.line, error.column, error.text);
		return false;
	}
	return true;
}

/*
 * check_document
 *		Rule 1 after parsing: top-level fields and the number of nodes.
 */
static bool
check_document(Validator *v, const RrDocLimits *limits)
{
	FieldContext ctx = {
		.owner = "workflow document", .item_owner = "workflow document",
		.noun = "field", .field_prefix = "", .node = ""
	};
	FieldPath	path;

	if (!json_is_object(v->document))
		return fail(v->err, RR_DOC_INVALID, "", "",
					"workflow document must be a JSON object");

	path_reset(&path);
	if (!check_object(v, &ctx, document_fields, v->document, &path))
		return false;

	v->nodes = json_object_get(v->document, "nodes");
	v->node_count = json_array_size(v->nodes);
	if (limits != NULL && (limits->max_nodes < 0 ||
						   v->node_count > (size_t) limits->max_nodes))
	{
		fail(v->err, RR_DOC_TOO_LARGE, "", "nodes",
			 "workflow document is too large");
		set_detail(v->err, "It has %zu nodes; the limit is %d.",
				   v->node_count, limits->max_nodes);
		return false;
	}
	return true;
}


/* ---------- Rule 2: common node fields ---------- */

/*
 * check_node_name
 *		Check the name of node number index (no usable name yet, so errors
 *		name it "nodes[index]") and that no earlier node has it.
 */
static bool
check_node_name(Validator *v, size_t index, json_t *node)
{
	char		owner[OWNER_BUFLEN];
	FieldContext ctx = {
		.owner = owner, .item_owner = owner, .noun = "field",
		.field_prefix = owner, .node = ""
	};
	const RrFieldSpec *name_spec = rr_field_lookup(node_fields, "name");
	FieldPath	path;
	json_t	   *name_value;
	json_t	   *earlier;
	const char *name;
	size_t		old_len;

	print_into(owner, sizeof(owner), "nodes[%zu]", index);
	path_reset(&path);

	/* The node itself must be an object. */
	if (!json_is_object(node))
		return fail_type(v, &ctx, &node_spec, &path);

	old_len = path_push_key(&path, "name");
	name_value = json_object_get(node, "name");
	if (!check_present(v, &ctx, name_spec, node, &path))
		return false;
	if (!check_value(v, &ctx, name_spec, name_value, &path))
		return false;
	path_pop(&path, old_len);

	name = json_string_value(name_value);
	earlier = json_object_get(v->node_index, name);
	if (earlier != NULL)
	{
		fail(v->err, RR_DOC_DUPLICATE_NAME, name, "name",
			 "duplicate node name \"%s\"", name);
		set_detail(v->err, "Both nodes[%lld] and nodes[%zu] are named \"%s\".",
				   (long long) json_integer_value(earlier), index, name);
		return false;
	}
	if (json_object_set_new(v->node_index, name,
							json_integer((json_int_t) index)) != 0)
		return fail_out_of_memory(v);
	v->node_info[index].name = name;
	return true;
}

/*
 * check_node
 *		Rule 2 for one node whose name is already checked: its fields and
 *		its type.
 */
static bool
check_node(Validator *v, NodeInfo *info, json_t *node)
{
	char		owner[OWNER_BUFLEN];
	FieldContext ctx = {
		.owner = owner, .item_owner = owner, .noun = "field",
		.field_prefix = "", .node = info->name
	};
	FieldPath	path;
	const char *type_name;
	const json_t *on_error;
	char		list[RR_DOC_MESSAGE_LEN];
	char		shown_type[SHOWN_BUFLEN];
	int			i;

	print_into(owner, sizeof(owner), "node \"%s\"", info->name);
	path_reset(&path);
	if (!check_object(v, &ctx, node_fields, node, &path))
		return false;

	type_name = json_string_value(json_object_get(node, "type"));
	info->type = rr_node_type_lookup(type_name);
	if (info->type == NULL)
	{
		fail(v->err, RR_DOC_UNKNOWN_TYPE, info->name, "type",
			 "node \"%s\" has unknown type \"%s\"", info->name,
			 shown(type_name, shown_type, sizeof(shown_type)));
		list[0] = '\0';
		for (i = 0; i < rr_node_type_count; i++)
			list_append(list, sizeof(list), rr_node_types[i].name);
		set_detail(v->err, "Known types are %s.", list);
		return false;
	}

	info->params = json_object_get(node, "params");
	on_error = json_object_get(node, "on_error");
	info->error_output = json_is_string(on_error) &&
		strcmp(json_string_value(on_error), "error_output") == 0;
	return true;
}

/*
 * check_nodes
 *		Rule 2 for every node.
 */
static bool
check_nodes(Validator *v)
{
	size_t		index;
	json_t	   *node;

	v->node_info = calloc(v->node_count, sizeof(NodeInfo));
	v->node_index = new_object();
	if (v->node_info == NULL || v->node_index == NULL)
		return fail_out_of_memory(v);

	json_array_foreach(v->nodes, index, node)
	{
		if (!check_node_name(v, index, node) ||
			!check_node(v, &v->node_info[index], node))
			return false;
	}
	return true;
}


/* ---------- Rule 3: params ---------- */

/*
 * params_context
 *		How errors about the params of a node are worded; owner is the
 *		buffer that will hold "node \"<name>\"".
 */
static void
params_context(FieldContext *ctx, const NodeInfo *info, char *owner,
			   size_t owner_len)
{
	print_into(owner, owner_len, "node \"%s\"", info->name);
	ctx->owner = owner;
	ctx->item_owner = owner;
	ctx->noun = "param";
	ctx->field_prefix = "params";
	ctx->node = info->name;
	ctx->expressions = true;
	ctx->open = info->type->open_params;
}

/*
 * check_item_outputs
 *		For a type with one output per item of an array param (switch), check
 *		that the output names are unique and not reserved.
 */
static bool
check_item_outputs(Validator *v, const FieldContext *ctx,
				   const NodeInfo *info)
{
	const RrNodeType *type = info->type;
	json_t	   *items;
	json_t	   *seen;
	json_t	   *item;
	size_t		index;
	bool		ok = true;

	if (type->item_outputs == NULL)
		return true;
	items = json_object_get(info->params, type->item_outputs);
	if (!json_is_array(items))
		return true;
	seen = new_object();
	if (seen == NULL)
		return fail_out_of_memory(v);

	json_array_foreach(items, index, item)
	{
		char		index_name[RR_OUTPUT_INDEX_BUFLEN];
		char		list[RR_DOC_MESSAGE_LEN];
		char		what[RR_DOC_MESSAGE_LEN];
		FieldPath	path;
		const char *name;
		bool		named = type->item_output_name != NULL &&
			json_object_get(item, type->item_output_name) != NULL;

		name = rr_node_output_name(type, info->params, false, (int) index,
								   index_name, sizeof(index_name));
		path_reset(&path);
		path_push_key(&path, type->item_outputs);
		path_push_index(&path, index);
		if (named)
			path_push_key(&path, type->item_output_name);

		if (in_choices(type->outputs, name) ||
			strcmp(name, RR_ERROR_OUTPUT) == 0)
		{
			fail_at(v, ctx, &path, RR_DOC_INVALID, "%s must not be \"%s\"",
					subject(ctx, &path, what, sizeof(what)), name);
			list_choices(type->outputs, list, sizeof(list));
			list_append(list, sizeof(list), RR_ERROR_OUTPUT);
			set_detail(v->err, "The output names %s are reserved.", list);
			ok = false;
			break;
		}
		if (json_object_get(seen, name) != NULL)
		{
			fail_at(v, ctx, &path, RR_DOC_INVALID,
					"%s has two outputs named \"%s\"", ctx->owner, name);
			set_detail(v->err, "Output names must be unique; an item of \"%s\" "
					   "without \"%s\" is named by its position.",
					   type->item_outputs, type->item_output_name);
			ok = false;
			break;
		}
		if (json_object_set_new(seen, name, json_true()) != 0)
		{
			ok = fail_out_of_memory(v);
			break;
		}
	}
	json_decref(seen);
	return ok;
}

/* Whether a param is given: present, and not false or null. */
static bool
is_given(json_t *params, const char *name)
{
	json_t	   *value = json_object_get(params, name);

	return value != NULL && !json_is_false(value) && !json_is_null(value);
}

/*
 * has_needed
 *		Whether one of the params a rule needs is given (or it needs none).
 */
static bool
has_needed(json_t *params, const RrParamRule *rule)
{
	int			i;

	for (i = 0; rule->needs[i] != NULL; i++)
	{
		if (is_given(params, rule->needs[i]))
			return true;
	}
	return i == 0;
}

/*
 * check_rules
 *		A node type's params that need another (the wait node's timeout
 *		needs resume) or exclude another (the http node's next_url and
 *		pagination), as its handler requires when the plan is built.
 */
static bool
check_rules(Validator *v, const NodeInfo *info)
{
	const RrParamRule *rule;

	for (rule = info->type->rules; rule != NULL && rule->param != NULL; rule++)
	{
		if (!is_given(info->params, rule->param))
			continue;
		if (!has_needed(info->params, rule))
		{
			char		needs[RR_DOC_MESSAGE_LEN] = "";
			int			i;

			for (i = 0; rule->needs[i] != NULL; i++)
				print_into(needs + strlen(needs), sizeof(needs) - strlen(needs),
						   "%s\"%s\"",
						   i == 0 ? "" : rule->needs[i + 1] == NULL ? " or " : ", ",
						   rule->needs[i]);
			fail(v->err, RR_DOC_INVALID, info->name, "params",
				 "node \"%s\" param \"%s\" needs %s", info->name,
				 rule->param, needs);
			return false;
		}
		if (rule->excludes != NULL && is_given(info->params, rule->excludes))
		{
			fail(v->err, RR_DOC_INVALID, info->name, "params",
				 "node \"%s\" may not have both params \"%s\" and \"%s\"",
				 info->name, rule->param, rule->excludes);
			return false;
		}
	}
	return true;
}

/*
 * check_one_of
 *		A node type's params of which exactly one must be given (the wait
 *		node's modes), as its handler requires when the plan is built.
 */
static bool
check_one_of(Validator *v, const NodeInfo *info)
{
	const char *const *name;
	char		list[RR_DOC_MESSAGE_LEN];
	int			given = 0;

	if (info->type->one_of == NULL)
		return true;
	for (name = info->type->one_of; *name != NULL; name++)
	{
		if (is_given(info->params, *name))
			given++;
	}
	if (given == 1)
		return true;
	list_choices(info->type->one_of, list, sizeof(list));
	fail(v->err, RR_DOC_INVALID, info->name, "params",
		 "node \"%s\" must have exactly one of the params %s", info->name,
		 list);
	set_detail(v->err, "It has %d of them.", given);
	return false;
}

/*
 * check_params
 *		Rule 3 for every node: params against the node type's table.
 */
static bool
check_params(Validator *v)
{
	size_t		index;

	for (index = 0; index < v->node_count; index++)
	{
		const NodeInfo *info = &v->node_info[index];
		char		owner[OWNER_BUFLEN];
		FieldContext ctx;
		FieldPath	path;

		params_context(&ctx, info, owner, sizeof(owner));
		path_reset(&path);
		if (!check_object(v, &ctx, info->type->params, info->params, &path) ||
			!check_item_outputs(v, &ctx, info) ||
			!check_rules(v, info) || !check_one_of(v, info))
			return false;
	}
	return true;
}


/* ---------- Rule 4: expressions ---------- */

/*
 * check_string_expressions
 *		Check one string inside params: a literal one has no "{{" at all;
 *		otherwise every {{ }} in it must be closed, non-empty and accepted
 *		by the check callback; a condition is exactly one expression.
 */
static bool
check_string_expressions(Validator *v, const FieldContext *ctx,
						 const RrFieldSpec *spec, bool literal,
						 const json_t *value, const FieldPath *path)
{
	const char *text = json_string_value(value);
	size_t		len = json_string_length(value);
	char		what[RR_DOC_MESSAGE_LEN];
	char		field[RR_DOC_FIELD_LEN];
	char		reason[RR_DOC_MESSAGE_LEN];
	size_t		from = 0;
	size_t		open;
	size_t		close;
	RrExprScan	scan;

	if (literal)
	{
		if (rr_expression_next(text, len, 0, &open, &close) == RR_EXPR_NONE)
			return true;
		fail_at(v, ctx, path, RR_DOC_INVALID,
				"%s must not contain an expression",
				subject(ctx, path, what, sizeof(what)));
		set_detail(v->err, "%s",
				   spec != NULL && spec->hint != NULL ? spec->hint : LITERAL_HINT);
		return false;
	}

	field_name(ctx, path, field, sizeof(field));
	while ((scan = rr_expression_next(text, len, from, &open, &close)) != RR_EXPR_NONE)
	{
		const char *inner = text + open + 2;
		size_t		inner_len;

		if (scan == RR_EXPR_UNTERMINATED)
		{
			fail_at(v, ctx, path, RR_DOC_EXPRESSION,
					"invalid expression in %s field \"%s\"", ctx->owner, field);
			set_detail(v->err, "An expression opened with \"{{\" is never "
					   "closed with \"}}\".");
			return false;
		}
		inner_len = close - open - 2;
		if (is_blank(inner, inner_len))
		{
			fail_at(v, ctx, path, RR_DOC_EXPRESSION,
					"invalid expression in %s field \"%s\"", ctx->owner, field);
			set_detail(v->err, "The expression between \"{{\" and \"}}\" is "
					   "empty.");
			return false;
		}
		if (v->check != NULL)
		{
			reason[0] = '\0';
			if (!v->check(inner, inner_len, reason, sizeof(reason),
						  v->check_arg))
			{
				reason[sizeof(reason) - 1] = '\0';
				fail_at(v, ctx, path, RR_DOC_EXPRESSION,
						"invalid expression in %s field \"%s\"", ctx->owner,
						field);
				set_detail(v->err, "%s",
						   reason[0] != '\0' ? reason :
						   "The expression could not be parsed.");
				return false;
			}
		}
		from = close + 2;
	}

	if (spec != NULL && spec->type == RR_FIELD_CONDITION &&
		!rr_expression_is_lone(text, len))
	{
		fail_at(v, ctx, path, RR_DOC_INVALID,
				"%s must be a single {{ }} expression",
				subject(ctx, path, what, sizeof(what)));
		set_detail(v->err, "%s", CONDITION_HINT);
		return false;
	}
	return true;
}

/*
 * check_expressions
 *		Check every string inside value (values, not keys), recursively.
 *		spec is value's spec when it has one, else NULL; literal says
 *		whether value is inside a literal param.
 *
 * The recursion is bounded by jansson's nesting limit (2048 levels).
 */
static bool
check_expressions(Validator *v, const FieldContext *ctx,
				  const RrFieldSpec *spec, bool literal, json_t *value,
				  FieldPath *path)
{
	if (spec != NULL && (spec->flags & RR_FIELD_LITERAL) != 0)
		literal = true;

	if (json_is_string(value))
		return check_string_expressions(v, ctx, spec, literal, value, path);

	if (json_is_object(value))
	{
		const char *key;
		json_t	   *child;

		json_object_foreach(value, key, child)
		{
			const RrFieldSpec *child_spec = NULL;
			size_t		old_len = path_push_key(path, key);

			if (spec != NULL && spec->fields != NULL)
				child_spec = rr_field_lookup(spec->fields, key);
			else if (spec != NULL)
				child_spec = spec->items;
			if (!check_expressions(v, ctx, child_spec, literal, child, path))
				return false;
			path_pop(path, old_len);
		}
	}
	else if (json_is_array(value))
	{
		size_t		index;
		json_t	   *item;

		json_array_foreach(value, index, item)
		{
			size_t		old_len = path_push_index(path, index);

			if (!check_expressions(v, ctx, spec != NULL ? spec->items : NULL,
								   literal, item, path))
				return false;
			path_pop(path, old_len);
		}
	}
	return true;
}

/*
 * check_all_expressions
 *		Rule 4 for every node's params.
 */
static bool
check_all_expressions(Validator *v)
{
	size_t		index;

	for (index = 0; index < v->node_count; index++)
	{
		const NodeInfo *info = &v->node_info[index];
		char		owner[OWNER_BUFLEN];
		FieldContext ctx;
		RrFieldSpec params_spec = {
			.type = RR_FIELD_OBJECT, .fields = info->type->params
		};
		FieldPath	path;

		params_context(&ctx, info, owner, sizeof(owner));
		path_reset(&path);
		if (info->params != NULL &&
			!check_expressions(v, &ctx, &params_spec, false, info->params,
							   &path))
			return false;
	}
	return true;
}


/* ---------- Rule 5: settings ---------- */

/*
 * check_settings
 *		Rule 5: the settings object.
 */
static bool
check_settings(Validator *v)
{
	FieldContext ctx = {
		.owner = "workflow document", .item_owner = "", .noun = "setting",
		.field_prefix = "settings", .node = ""
	};
	FieldPath	path;

	path_reset(&path);
	return check_object(v, &ctx, settings_fields,
						json_object_get(v->document, "settings"), &path);
}


/* ---------- Rule 6: connections ---------- */

/*
 * find_node
 *		Position of the node called name, or NO_POSITION.
 */
static size_t
find_node(const Validator *v, const char *name)
{
	const json_t *position = json_object_get(v->node_index, name);

	return position != NULL ? (size_t) json_integer_value(position) :
		NO_POSITION;
}

/*
 * find_output
 *		Position of the output called name among a node's outputs, or -1.
 */
static int
find_output(const NodeInfo *info, const char *name)
{
	int			count = rr_node_output_count(info->type, info->params,
											 info->error_output);
	int			i;

	for (i = 0; i < count; i++)
	{
		char		index_name[RR_OUTPUT_INDEX_BUFLEN];

		if (strcmp(rr_node_output_name(info->type, info->params,
									   info->error_output, i, index_name,
									   sizeof(index_name)), name) == 0)
			return i;
	}
	return -1;
}

/*
 * fail_no_output
 *		Report a connection from an output a node does not have.
 */
static bool
fail_no_output(Validator *v, const NodeInfo *info, const char *output,
			   const char *field)
{
	int			count = rr_node_output_count(info->type, info->params,
											 info->error_output);
	char		list[RR_DOC_MESSAGE_LEN];
	char		shown_output[SHOWN_BUFLEN];
	int			i;

	fail(v->err, RR_DOC_UNDEFINED_REF, info->name, field,
		 "node \"%s\" has no output \"%s\"", info->name,
		 shown(output, shown_output, sizeof(shown_output)));
	list[0] = '\0';
	for (i = 0; i < count; i++)
	{
		char		index_name[RR_OUTPUT_INDEX_BUFLEN];

		list_append(list, sizeof(list),
					rr_node_output_name(info->type, info->params,
										info->error_output, i, index_name,
										sizeof(index_name)));
	}
	if (count == 0)
		set_detail(v->err, "It has no outputs.");
	else
		set_detail(v->err, "Its output%s %s.", count == 1 ? " is" : "s are",
				   list);
	return false;
}

/*
 * fail_no_input
 *		Report a connection into an input a node does not have.
 */
static bool
fail_no_input(Validator *v, const NodeInfo *info, long long input,
			  const char *field)
{
	int64_t		inputs = rr_node_input_count(info->type, info->params);

	fail(v->err, RR_DOC_UNDEFINED_REF, info->name, field,
		 "node \"%s\" has no input %lld", info->name, input);
	if (inputs == 0)
		set_detail(v->err, "Nodes of type \"%s\" have no inputs.",
				   info->type->name);
	else if (inputs == 1)
		set_detail(v->err, "Its only input is 0.");
	else
		set_detail(v->err, "Its inputs are 0 to %lld.",
				   (long long) inputs - 1);
	return false;
}

/*
 * check_connection
 *		Rule 6 for connection number index: shape, the nodes, output and
 *		input it names, and no earlier identical one.  Records the edge.
 */
static bool
check_connection(Validator *v, size_t index, json_t *connection,
				 json_t *seen)
{
	char		owner[OWNER_BUFLEN];
	FieldContext ctx = {
		.owner = owner, .item_owner = owner, .noun = "field",
		.field_prefix = owner, .node = ""
	};
	FieldPath	path;
	char		field[RR_DOC_FIELD_LEN];
	char		key[96];
	char		shown_from[SHOWN_BUFLEN];
	char		shown_to[SHOWN_BUFLEN];
	const char *from_name;
	const char *to_name;
	const char *output;
	const json_t *output_value;
	const json_t *earlier;
	long long	input;
	size_t		from;
	size_t		to;
	int			output_index;

	print_into(owner, sizeof(owner), "connections[%zu]", index);
	path_reset(&path);
	if (!check_value(v, &ctx, &connection_spec, connection, &path))
		return false;

	from_name = json_string_value(json_object_get(connection, "from"));
	to_name = json_string_value(json_object_get(connection, "to"));
	output_value = json_object_get(connection, "output");
	output = output_value != NULL ? json_string_value(output_value) : "main";
	input = (long long) json_integer_value(json_object_get(connection, "input"));

	from = find_node(v, from_name);
	to = find_node(v, to_name);
	if (from == NO_POSITION || to == NO_POSITION)
	{
		bool		from_missing = from == NO_POSITION;

		shown(from_name, shown_from, sizeof(shown_from));
		shown(to_name, shown_to, sizeof(shown_to));
		print_into(field, sizeof(field), "%s.%s", owner,
				 from_missing ? "from" : "to");
		return fail(v->err, RR_DOC_UNDEFINED_REF, "", field,
					"connection from \"%s\" to \"%s\" refers to missing node \"%s\"",
					shown_from, shown_to,
					from_missing ? shown_from : shown_to);
	}

	output_index = find_output(&v->node_info[from], output);
	if (output_index < 0)
	{
		print_into(field, sizeof(field), "%s.output", owner);
		return fail_no_output(v, &v->node_info[from], output, field);
	}
	if (input >= rr_node_input_count(v->node_info[to].type,
									 v->node_info[to].params))
	{
		print_into(field, sizeof(field), "%s.input", owner);
		return fail_no_input(v, &v->node_info[to], input, field);
	}

	print_into(key, sizeof(key), "%zu/%d/%zu/%lld", from, output_index, to,
			 input);
	earlier = json_object_get(seen, key);
	if (earlier != NULL)
	{
		fail(v->err, RR_DOC_INVALID, "", owner,
			 "duplicate connection from \"%s\" output \"%s\" to \"%s\" input %lld",
			 from_name, output, to_name, input);
		set_detail(v->err, "It is the same as connections[%lld].",
				   (long long) json_integer_value(earlier));
		return false;
	}
	if (json_object_set_new(seen, key, json_integer((json_int_t) index)) != 0)
		return fail_out_of_memory(v);

	v->edge_from[v->edge_count] = from;
	v->edge_to[v->edge_count] = to;
	v->edge_count++;
	return true;
}

/*
 * check_connections
 *		Rule 6 for every connection.
 */
static bool
check_connections(Validator *v)
{
	json_t	   *connections = json_object_get(v->document, "connections");
	size_t		count = json_array_size(connections);
	json_t	   *seen;
	json_t	   *connection;
	size_t		index;
	bool		ok = true;

	/* One more than needed, so that no count asks malloc for 0 bytes. */
	v->edge_from = malloc((count + 1) * sizeof(size_t));
	v->edge_to = malloc((count + 1) * sizeof(size_t));
	if (v->edge_from == NULL || v->edge_to == NULL)
		return fail_out_of_memory(v);

	seen = new_object();
	if (seen == NULL)
		return fail_out_of_memory(v);
	json_array_foreach(connections, index, connection)
	{
		if (!check_connection(v, index, connection, seen))
		{
			ok = false;
			break;
		}
	}
	json_decref(seen);
	return ok;
}


/* ---------- Rule 7: a trigger ---------- */

/*
 * check_trigger
 *		Rule 7: something must start the workflow.
 */
static bool
check_trigger(Validator *v)
{
	size_t		index;

	for (index = 0; index < v->node_count; index++)
	{
		if (v->node_info[index].type->is_trigger)
			return true;
	}
	fail(v->err, RR_DOC_INVALID, "", "nodes",
		 "workflow document has no trigger node");
	set_detail(v->err, "Every workflow needs a node of type \"trigger\" to "
			   "start it.");
	return false;
}


/* ---------- Rule 8: cycles ---------- */

/*
 * build_adjacency
 *		Group edges by their near end: afterwards the far ends of the edges
 *		of node i are list[start[i]] to list[start[i + 1] - 1].  cursor is
 *		scratch space for node_count positions.
 */
static void
build_adjacency(size_t node_count, size_t edge_count, const size_t *near,
				const size_t *far, size_t *start, size_t *list,
				size_t *cursor)
{
	size_t		i;

	memset(start, 0, (node_count + 1) * sizeof(size_t));
	for (i = 0; i < edge_count; i++)
		start[near[i] + 1]++;
	for (i = 0; i < node_count; i++)
		start[i + 1] += start[i];
	memcpy(cursor, start, node_count * sizeof(size_t));
	for (i = 0; i < edge_count; i++)
		list[cursor[near[i]]++] = far[i];
}

/*
 * node_on_cycle
 *		After Kahn's algorithm left some nodes unfinished (waiting > 0), find
 *		one that is on a cycle: the lowest-numbered node of the first cycle
 *		met walking backwards from the lowest-numbered unfinished node.
 *
 * Every unfinished node has an unfinished predecessor, so the walk can
 * always go on and must come back to a node it has seen.  Each node's
 * predecessors are scanned at most once: O(nodes + edges), no recursion.
 */
static size_t
node_on_cycle(size_t node_count, const size_t *waiting,
			  const size_t *in_start, const size_t *in_list, size_t *came_from)
{
	size_t		current;
	size_t		lowest;
	size_t		i;

	for (i = 0; i < node_count; i++)
		came_from[i] = NO_POSITION;
	for (current = 0; waiting[current] == 0; current++)
		;

	for (;;)
	{
		size_t		predecessor = NO_POSITION;

		for (i = in_start[current]; i < in_start[current + 1]; i++)
		{
			if (waiting[in_list[i]] > 0)
			{
				predecessor = in_list[i];
				break;
			}
		}
		if (predecessor == NO_POSITION)
			return current;		/* cannot happen; never index with it */
		came_from[current] = predecessor;
		if (came_from[predecessor] != NO_POSITION)
		{
			current = predecessor;
			break;
		}
		current = predecessor;
	}

	/* current is on the cycle; walk it once to find its lowest node */
	lowest = current;
	for (i = came_from[current]; i != current; i = came_from[i])
	{
		if (i < lowest)
			lowest = i;
	}
	return lowest;
}

/*
 * check_cycles
 *		Rule 8: every cycle must pass through a node whose type loops
 *		(split_in_batches, if: RrNodeType.loops).  The connections into
 *		such nodes are left out, which breaks exactly those cycles, and
 *		what is left must be acyclic.  Kahn's algorithm: repeatedly finish
 *		nodes all of whose predecessors are finished; any node left over is
 *		on or after a cycle.
 */
static bool
check_cycles(Validator *v)
{
	size_t		n = v->node_count;
	size_t		m = v->edge_count;
	size_t	   *block;
	size_t	   *out_start;
	size_t	   *in_start;
	size_t	   *out_list;
	size_t	   *in_list;
	size_t	   *waiting;
	size_t	   *queue;
	size_t	   *scratch;
	size_t	   *from;
	size_t	   *to;
	size_t		kept;
	size_t		head = 0;
	size_t		tail = 0;
	size_t		i;
	size_t		j;
	size_t		k;
	bool		ok = true;

	block = calloc(5 * n + 2 + 4 * m, sizeof(size_t));
	if (block == NULL)
		return fail_out_of_memory(v);
	out_start = block;
	in_start = out_start + n + 1;
	waiting = in_start + n + 1;
	queue = waiting + n;
	scratch = queue + n;
	out_list = scratch + n;
	in_list = out_list + m;

	/* the connections into nodes that loop go last, and are not counted */
	kept = 0;
	for (i = 0; i < m; i++)
		if (!v->node_info[v->edge_to[i]].type->loops)
			kept++;
	from = scratch + n + 2 * m;
	to = from + m;
	for (i = 0, j = 0, k = kept; i < m; i++)
	{
		size_t		at = v->node_info[v->edge_to[i]].type->loops ? k++ : j++;

		from[at] = v->edge_from[i];
		to[at] = v->edge_to[i];
	}
	m = kept;
	build_adjacency(n, m, from, to, out_start, out_list, scratch);
	build_adjacency(n, m, to, from, in_start, in_list, scratch);

	for (i = 0; i < n; i++)
	{
		waiting[i] = in_start[i + 1] - in_start[i];
		if (waiting[i] == 0)
			queue[tail++] = i;
	}
	while (head < tail)
	{
		size_t		node = queue[head++];

		for (i = out_start[node]; i < out_start[node + 1]; i++)
		{
			if (--waiting[out_list[i]] == 0)
				queue[tail++] = out_list[i];
		}
	}

	if (tail < n)
	{
		size_t		culprit = node_on_cycle(n, waiting, in_start, in_list,
											scratch);

		fail(v->err, RR_DOC_CYCLE, v->node_info[culprit].name, "",
			 "workflow graph has a cycle through node \"%s\"",
			 v->node_info[culprit].name);
		set_detail(v->err, "Connections may lead from a node back to "
				   "itself, directly or through other nodes, only through a "
				   "node of type \"split_in_batches\" or \"if\".");
		ok = false;
	}
	free(block);
	return ok;
}


/* ---------- Rule 9: pin_data ---------- */

/*
 * check_pin_data
 *		Rule 9: every key of pin_data names a node, and every value is an
 *		array of objects (the items test_workflow() gives instead of
 *		running the node).
 */
static bool
check_pin_data(Validator *v)
{
	json_t	   *pin_data = json_object_get(v->document, "pin_data");
	char		field[RR_DOC_FIELD_LEN];
	char		shown_name[SHOWN_BUFLEN];
	const char *name;
	json_t	   *items;
	json_t	   *item;
	size_t		index;

	json_object_foreach(pin_data, name, items)
	{
		shown(name, shown_name, sizeof(shown_name));
		print_into(field, sizeof(field), "pin_data.%s", shown_name);
		if (find_node(v, name) == NO_POSITION)
			return fail(v->err, RR_DOC_UNDEFINED_REF, "", field,
						"pin_data refers to missing node \"%s\"", shown_name);
		if (!json_is_array(items))
			return fail(v->err, RR_DOC_INVALID, name, field,
						"pin_data of node \"%s\" must be an array of objects",
						shown_name);
		json_array_foreach(items, index, item)
		{
			if (!json_is_object(item))
			{
				fail(v->err, RR_DOC_INVALID, name, field,
					 "pin_data of node \"%s\" must be an array of objects",
					 shown_name);
				set_detail(v->err, "Element %zu is not an object.", index);
				return false;
			}
		}
	}
	return true;
}


/* ---------- Entry point ---------- */

/*
 * rr_document_validate
 *		Validate a native workflow document; see document.h.
 *
 * limits may be NULL for no limits; check may be NULL to only look for
 * balanced, non-empty expressions; err may be NULL when the caller only
 * wants the answer.
 */
bool
rr_document_validate(const char *json, size_t len, const RrDocLimits *limits,
					 RrExprCheckFn check, void *check_arg, RrDocError *err)
{
	RrDocError	scratch_err;
	Validator	v;
	bool		ok;

	if (err == NULL)
		err = &scratch_err;
	memset(err, 0, sizeof(*err));
	memset(&v, 0, sizeof(v));
	v.check = check;
	v.check_arg = check_arg;
	v.err = err;

	ok = parse_document(&v, json, len, limits) &&
		check_document(&v, limits) &&
		check_nodes(&v) &&
		check_params(&v) &&
		check_all_expressions(&v) &&
		check_settings(&v) &&
		check_connections(&v) &&
		check_trigger(&v) &&
		check_cycles(&v) &&
		check_pin_data(&v);

	free(v.edge_from);
	free(v.edge_to);
	free(v.node_info);
	json_decref(v.node_index);
	json_decref(v.document);
	if (ok)
		memset(err, 0, sizeof(*err));
	return ok;
}
