/*-------------------------------------------------------------------------
 *
 * xml.c
 *		A small, strict reader of XML response bodies, as JSON.
 *
 * Services such as S3 answer in XML.  The http node's response format
 * "xml" reads a body with rr_xml_to_json() into a JSON value of a fixed
 * shape (xml.h, docs/http.md), so the node's items, pagination cursors and
 * error messages work on it as on JSON.
 *
 * Written here rather than with libxml2: a response is untrusted, and
 * this reader knows no DTD, no external or internal entity (a document
 * type declaration is refused), nothing that fetches or expands; it
 * nests at most RR_XML_MAX_DEPTH elements, and the body it reads is
 * already cut at reporunner.http_max_response_size.  It checks
 * well-formedness (names, matching end tags, quoted and unique attributes,
 * references, one root) and says where it failed; it does not validate,
 * and namespace prefixes stay part of the names.  It raises nothing but
 * out of memory: the caller decides what a bad document means.
 * reporunner.xml_to_json(text) shows the same reading in SQL.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "http/xml.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "nodes/pg_list.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(reporunner_xml_to_json);

/* An element, as read. */
typedef struct XmlElement
{
	char	   *name;
	List	   *attributes;		/* names and values, alternating */
	List	   *children;		/* XmlElement * */
	StringInfoData text;		/* its text, references decoded; data NULL
								 * while it has none (element_text) */
	int			position;		/* among its siblings (push_children) */
} XmlElement;

typedef struct XmlReader
{
	const char *start;
	const char *p;
	const char *end;
	char	   *error;			/* the first problem, or NULL */
} XmlReader;

/*
 * fail
 *		Record the problem at the reader's position (its line) and return
 *		false.
 */
static bool
fail(XmlReader *r, const char *what)
{
	const char *c;
	int			line = 1;

	for (c = r->start; c < r->p && c < r->end; c++)
		line += *c == '\n';
	if (r->error == NULL)
		r->error = psprintf("line %d: %s", line, what);
	return false;
}

static bool
at(XmlReader *r, const char *literal)
{
	size_t		len = strlen(literal);

	return (size_t) (r->end - r->p) >= len && memcmp(r->p, literal, len) == 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
skip_space(XmlReader *r)
{
	while (r->p < r->end && is_space(*r->p))
		r->p++;
}

/* Move past the next terminator, or fail: what was not closed. */
static bool
skip_past(XmlReader *r, const char *terminator, const char *what)
{
	size_t		len = strlen(terminator);

	while (r->p < r->end)
	{
		if (at(r, terminator))
		{
			r->p += len;
			return true;
		}
		r->p++;
	}
	return fail(r, psprintf("%s is not closed", what));
}

/*
 * skip_ignored
 *		A comment or a processing instruction (the XML declaration among
 *		them), when one starts here: *skipped says whether one did.
 */
static bool
skip_ignored(XmlReader *r, bool *skipped)
{
	*skipped = true;
	if (at(r, "<?"))
		return skip_past(r, "?>", "a processing instruction");
	if (at(r, "<!--"))
		return skip_past(r, "-->", "a comment");
	*skipped = false;
	return true;
}

/*
 * skip_misc
 *		Blanks, comments and processing instructions; a document type
 *		declaration fails.
 */
static bool
skip_misc(XmlReader *r)
{
	bool		skipped = true;

	while (skipped)
	{
		skip_space(r);
		if (!skip_ignored(r, &skipped))
			return false;
	}
	if (at(r, "<!"))
		return fail(r, "a document type declaration is not accepted");
	return true;
}

static bool
is_name_char(unsigned char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		c == ':' || c >= 0x80 ||
		(!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

static char *
read_name(XmlReader *r)
{
	const char *from = r->p;

	if (r->p >= r->end || !is_name_char((unsigned char) *r->p, true))
	{
		fail(r, "a name was expected");
		return NULL;
	}
	while (r->p < r->end && is_name_char((unsigned char) *r->p, false))
		r->p++;
	return pnstrdup(from, r->p - from);
}

/*
 * read_reference
 *		At "&": one of the five predefined entities or a character
 *		reference, appended to out.
 */
static bool
read_reference(XmlReader *r, StringInfo out)
{
	static const char *const names[] = {"lt;", "gt;", "amp;", "apos;",
	"quot;"};
	static const char chars[] = "<>&'\"";
	const char *semicolon;
	pg_wchar	code = 0;
	const char *c;
	int			i;

	r->p++;
	for (i = 0; i < lengthof(names); i++)
	{
		if (at(r, names[i]))
		{
			appendStringInfoChar(out, chars[i]);
			r->p += strlen(names[i]);
			return true;
		}
	}
	semicolon = memchr(r->p, ';', Min(r->end - r->p, 12));
	if (r->p >= r->end || *r->p != '#' || semicolon == NULL ||
		semicolon == r->p + 1)
		return fail(r, "an entity reference other than &lt; &gt; &amp; &apos; &quot; or a character reference");
	for (c = r->p + 1; c < semicolon; c++)
	{
		bool		hex = r->p[1] == 'x';
		int			digit;

		if (hex && c == r->p + 1)
			continue;
		if (*c >= '0' && *c <= '9')
			digit = *c - '0';
		else if (hex && *c >= 'a' && *c <= 'f')
			digit = *c - 'a' + 10;
		else if (hex && *c >= 'A' && *c <= 'F')
			digit = *c - 'A' + 10;
		else
			return fail(r, "a character reference is not a number");
		code = code * (hex ? 16 : 10) + digit;
		if (code > 0x10FFFF)
			return fail(r, "a character reference is beyond Unicode");
	}
	if (code == 0 || (code >= 0xD800 && code <= 0xDFFF) ||
		(r->p[1] == 'x' && semicolon == r->p + 2))
		return fail(r, "a character reference is not a character");
	if (GetDatabaseEncoding() == PG_UTF8)
	{
		unsigned char buf[8];

		/*
		 * Its length from the code point, not pg_utf_mblen(): libpq, which
		 * the module links, exports that name too (test/link_check.sh)
		 */
		unicode_to_utf8(code, buf);
		appendBinaryStringInfo(out, (char *) buf,
							   code < 0x80 ? 1 : code < 0x800 ? 2 :
							   code < 0x10000 ? 3 : 4);
	}
	else if (code < 0x80)
		appendStringInfoChar(out, (char) code);
	else
		return fail(r, "a character reference is not in the database's encoding");
	r->p = semicolon + 1;
	return true;
}

/* An attribute's quoted value, references decoded. */
static bool
read_attribute_value(XmlReader *r, StringInfo out)
{
	char		quote;

	if (r->p >= r->end || (*r->p != '"' && *r->p != '\''))
		return fail(r, "an attribute value must be quoted");
	quote = *r->p++;
	while (r->p < r->end && *r->p != quote)
	{
		if (*r->p == '<')
			return fail(r, "an attribute value holds \"<\"");
		if (*r->p == '&')
		{
			if (!read_reference(r, out))
				return false;
		}
		else
			appendStringInfoChar(out, *r->p++);
	}
	if (r->p >= r->end)
		return fail(r, "an attribute value is not closed");
	r->p++;
	return true;
}

/* The attributes of a start tag, up to its ">" or "/>". */
static bool
read_attributes(XmlReader *r, XmlElement *element)
{
	for (;;)
	{
		bool		spaced = r->p < r->end && is_space(*r->p);
		StringInfoData value;
		char	   *name;
		ListCell   *lc;

		skip_space(r);
		if (r->p >= r->end)
			return fail(r, psprintf("the start tag of \"%s\" is not closed",
									element->name));
		if (*r->p == '>' || at(r, "/>"))
			return true;
		if (!spaced)
			return fail(r, "attributes must be separated by blanks");
		if ((name = read_name(r)) == NULL)
			return false;
		foreach(lc, element->attributes)
		{
			if (foreach_current_index(lc) % 2 == 0 &&
				strcmp((char *) lfirst(lc), name) == 0)
				return fail(r, psprintf("the attribute \"%s\" is given twice",
										name));
		}
		skip_space(r);
		if (r->p >= r->end || *r->p != '=')
			return fail(r, psprintf("the attribute \"%s\" has no value", name));
		r->p++;
		skip_space(r);
		initStringInfo(&value);
		if (!read_attribute_value(r, &value))
			return false;
		element->attributes = lappend(element->attributes, name);
		element->attributes = lappend(element->attributes, value.data);
	}
}

static bool read_element(XmlReader *r, int depth, XmlElement **result);

/*
 * element_text
 *		The element's text, started small when it has none yet: a document
 *		of many short elements must not cost a StringInfo's 1kB each.
 */
static StringInfo
element_text(XmlElement *element)
{
	if (element->text.data == NULL)
	{
		element->text.maxlen = 16;
		element->text.data = palloc(element->text.maxlen);
		resetStringInfo(&element->text);
	}
	return &element->text;
}

/*
 * read_content
 *		What is between an element's start and end tags, the end tag
 *		included.
 */
static bool
read_content(XmlReader *r, XmlElement *element, int depth)
{
	bool		skipped;

	while (r->p < r->end)
	{
		if (at(r, "</"))
		{
			char	   *name;

			r->p += 2;
			if ((name = read_name(r)) == NULL)
				return false;
			if (strcmp(name, element->name) != 0)
				return fail(r, psprintf("the end tag \"%s\" does not match the start tag \"%s\"",
										name, element->name));
			skip_space(r);
			if (r->p >= r->end || *r->p != '>')
				return fail(r, psprintf("the end tag \"%s\" is not closed",
										name));
			r->p++;
			return true;
		}
		if (at(r, "<![CDATA["))
		{
			const char *from = r->p + 9;

			r->p = from;
			if (!skip_past(r, "]]>", "a CDATA section"))
				return false;
			appendBinaryStringInfo(element_text(element), from,
								   r->p - 3 - from);
		}
		else if (!skip_ignored(r, &skipped))
			return false;
		else if (skipped)
			continue;
		else if (at(r, "<!"))
			return fail(r, "a declaration is not accepted inside an element");
		else if (*r->p == '<')
		{
			XmlElement *child;

			if (!read_element(r, depth + 1, &child))
				return false;
			element->children = lappend(element->children, child);
		}
		else if (*r->p == '&')
		{
			if (!read_reference(r, element_text(element)))
				return false;
		}
		else
			appendStringInfoChar(element_text(element), *r->p++);
	}
	return fail(r, psprintf("the element \"%s\" is not closed",
							element->name));
}

/* At "<": an element and all it holds. */
static bool
read_element(XmlReader *r, int depth, XmlElement **result)
{
	XmlElement *element;

	if (depth > RR_XML_MAX_DEPTH)
		return fail(r, psprintf("elements are nested more than %d deep",
								RR_XML_MAX_DEPTH));
	element = palloc0(sizeof(XmlElement));
	r->p++;
	if ((element->name = read_name(r)) == NULL ||
		!read_attributes(r, element))
		return false;
	*result = element;
	if (at(r, "/>"))
	{
		r->p += 2;
		return true;
	}
	r->p++;
	return read_content(r, element, depth);
}


/* ---------- The element as JSON ---------- */

static JsonbValue *
string_value(const char *text, size_t len)
{
	JsonbValue *value = palloc(sizeof(JsonbValue));

	value->type = jbvString;
	value->val.string.val = (char *) text;
	value->val.string.len = (int) len;
	return value;
}

static void push_element(JsonbParseState **parse, XmlElement *element,
						 JsonbIteratorToken token);

/* Children in the order of their names, then of the document. */
static int
compare_children(const void *a, const void *b)
{
	const XmlElement *x = *(XmlElement *const *) a;
	const XmlElement *y = *(XmlElement *const *) b;
	int			order = strcmp(x->name, y->name);

	if (order != 0)
		return order;
	return x->position < y->position ? -1 : 1;
}

/*
 * push_children
 *		The children as members by name: of a name that comes once, the
 *		element; of one that comes more, the array of them in order.  By
 *		sorting, so that many siblings cost n log n, not n squared.
 */
static void
push_children(JsonbParseState **parse, List *children)
{
	int			n = list_length(children);
	XmlElement **sorted = palloc(sizeof(XmlElement *) * Max(n, 1));
	int			i;
	int			j;

	for (i = 0; i < n; i++)
	{
		sorted[i] = (XmlElement *) list_nth(children, i);
		sorted[i]->position = i;
	}
	qsort(sorted, n, sizeof(XmlElement *), compare_children);
	for (i = 0; i < n; i = j)
	{
		for (j = i + 1; j < n && strcmp(sorted[j]->name, sorted[i]->name) == 0;)
			j++;
		pushJsonbValue(parse, WJB_KEY,
					   string_value(sorted[i]->name, strlen(sorted[i]->name)));
		if (j == i + 1)
		{
			push_element(parse, sorted[i], WJB_VALUE);
			continue;
		}
		pushJsonbValue(parse, WJB_BEGIN_ARRAY, NULL);
		for (; i < j; i++)
			push_element(parse, sorted[i], WJB_ELEM);
		pushJsonbValue(parse, WJB_END_ARRAY, NULL);
	}
}

/*
 * push_element
 *		An element as a value (token WJB_VALUE) or an array's element
 *		(WJB_ELEM): its text, or an object.
 */
static void
push_element(JsonbParseState **parse, XmlElement *element,
			 JsonbIteratorToken token)
{
	const char *text = element->text.data != NULL ? element->text.data : "";
	size_t		len = element->text.len;
	ListCell   *lc;

	if (element->attributes == NIL && element->children == NIL)
	{
		pushJsonbValue(parse, token, string_value(text, len));
		return;
	}
	pushJsonbValue(parse, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, element->attributes)
	{
		const char *part = (const char *) lfirst(lc);

		if (foreach_current_index(lc) % 2 == 0)
		{
			char	   *key = psprintf("@%s", part);

			pushJsonbValue(parse, WJB_KEY, string_value(key, strlen(key)));
		}
		else
			pushJsonbValue(parse, WJB_VALUE, string_value(part, strlen(part)));
	}
	push_children(parse, element->children);
	while (len > 0 && is_space(*text))
		text++, len--;
	while (len > 0 && is_space(text[len - 1]))
		len--;
	if (len > 0)
	{
		pushJsonbValue(parse, WJB_KEY, string_value("#text", 5));
		pushJsonbValue(parse, WJB_VALUE, string_value(text, len));
	}
	pushJsonbValue(parse, WJB_END_OBJECT, NULL);
}

JsonbValue *
rr_xml_to_json(const char *text, size_t len, char **error)
{
	XmlReader	r = {text, text, text + len, NULL};
	XmlElement *root;
	JsonbParseState *parse = NULL;

	/* a byte order mark */
	if (at(&r, "\xEF\xBB\xBF"))
		r.p += 3;
	if (!skip_misc(&r))
		goto failed;
	if (r.p >= r.end || *r.p != '<')
	{
		fail(&r, "the document has no root element");
		goto failed;
	}
	if (!read_element(&r, 1, &root) || !skip_misc(&r))
		goto failed;
	if (r.p < r.end)
	{
		fail(&r, "there is more after the root element");
		goto failed;
	}
	pushJsonbValue(&parse, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&parse, WJB_KEY, string_value(root->name,
												 strlen(root->name)));
	push_element(&parse, root, WJB_VALUE);
	return pushJsonbValue(&parse, WJB_END_OBJECT, NULL);

failed:
	*error = r.error;
	return NULL;
}

/*
 * xml_to_json(document text) returns jsonb: the document as the response
 * format "xml" reads it; 2200M when it is not well-formed.
 */
Datum
reporunner_xml_to_json(PG_FUNCTION_ARGS)
{
	text	   *document = PG_GETARG_TEXT_PP(0);
	char	   *error = NULL;
	JsonbValue *value = rr_xml_to_json(VARDATA_ANY(document),
									   VARSIZE_ANY_EXHDR(document), &error);

	if (value == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_XML_DOCUMENT),
				 errmsg("the document is not well-formed XML"),
				 errdetail("%s", error)));
	PG_RETURN_JSONB_P(JsonbValueToJsonb(value));
}
