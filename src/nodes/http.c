/*-------------------------------------------------------------------------
 *
 * http.c
 *		The "http" node: one HTTP request per item, its response as items.
 *
 * Params: method, url, query, headers, body and body_type (what is sent;
 * a form body's nested objects and arrays as Stripe reads them, a file
 * body's text or base64 as bytes);
 * response (auto, json, text, binary, xml as src/http/xml.c reads it, or
 * file: the body with its content type and ETag) and full_response (how
 * the response becomes items); timeout,
 * connect_timeout, max_redirects, verify_tls, proxy; next_url or
 * pagination, and max_pages (pagination); items_per_request (grouping);
 * batch_size and batch_interval (pacing); credential (the name of one of the owner's credentials, put
 * on every request by src/http/auth.c); error_message (what an error
 * response's JSON body says, in the node's error).  url, query, headers and body may
 * hold expressions, computed per item, and next_url and pagination's
 * complete too, computed on each response (its body as $json); the others
 * are fixed when the workflow is saved.
 *
 * Pagination: with next_url, after each response the node requests the
 * URL next_url gives for it (same method, headers and body), until it
 * gives null or "", the body is not an object, or max_pages (default
 * 100) responses came for the item; with next_link, the URL of the
 * response's Link header with rel="next".  With pagination, every request of
 * an item carries the parameter pagination.param (in the query or the
 * body) set to start + page * step, page counting from 0, or with
 * pagination.cursor to the cursor it computes on the page before (none on
 * the first page), until a page
 * is empty (a body null, "", [] or {}), complete holds on a body, the
 * cursor is null or "", or max_pages.  Every page's items are emitted.
 *
 * Grouping: with items_per_request, consecutive items go out as groups of
 * that many, one request per group: url, query and headers computed on the
 * group's first item, which stands for the group (its index, its pages,
 * its Idempotency-Key), and the body a JSON array of body computed on each
 * item of the group (of the items themselves without body).
 *
 * Batching: with batch_size, the requests of a round go out batch_size at
 * a time, batch_interval (default 1s) apart, waiting interruptibly and,
 * in background runs, with no transaction open.
 *
 * Deferring: in a background worker, a node without next_url, pagination
 * or batch_size (http_deferrable) builds its requests and hands them to
 * the engine (rr_node_defer), which sends those of many executions at once
 * (http_run_deferred) and runs the node again to turn the responses into
 * items (src/engine/rounds.c).
 *
 * The node runs only for workflows whose owner has the privileges of the
 * role reporunner_http.  Each request carries an Idempotency-Key header,
 * the same for the same item of the same node of the same execution, so a
 * request sent again (a retry, a worker that crashed before journaling
 * the step) can be recognized by the receiver.  A response with status 400
 * or more fails the node (38000), so its retry and on_error apply; with
 * retry_on, a status it does not list is not retried.
 * Sending is src/http/request.c, with the SSRF guard.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/owner_role.h"
#include "catalog/plan.h"
#include "common/base64.h"
#include "common/cryptohash.h"
#include "common/jsonapi.h"
#include "common/sha2.h"
#include "engine/executor.h"
#include "engine/retry_policy.h"
#include "expr/template.h"
#include "http/auth.h"
#include "http/request.h"
#include "http/xml.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/http_body.h"
#include "nodes/node_util.h"
#include "reporunner.h"
#include "storage/latch.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/wait_event.h"

/* The role whose members' workflows may send requests. */
#define HTTP_ROLE	"reporunner_http"

/* Defaults of the params. */
#define DEFAULT_TIMEOUT_MS			(300 * 1000)
#define DEFAULT_CONNECT_TIMEOUT_MS	(30 * 1000)
#define DEFAULT_MAX_REDIRECTS		5
#define DEFAULT_MAX_PAGES			100
#define DEFAULT_BATCH_INTERVAL_MS	1000

/* Most bytes of an error response an error message shows. */
#define SNIPPET_LEN		200

typedef enum BodyType
{
	BODY_JSON,
	BODY_FORM,
	BODY_RAW,
	BODY_MULTIPART,
	BODY_FILE					/* rr_http_file_body */
} BodyType;

typedef enum ResponseType
{
	RESPONSE_AUTO,				/* json when the Content-Type says JSON */
	RESPONSE_JSON,
	RESPONSE_TEXT,
	RESPONSE_BINARY,
	RESPONSE_XML,				/* rr_xml_to_json */
	RESPONSE_FILE				/* {body, encoding, content_type, etag, size} */
} ResponseType;

typedef struct HttpState
{
	char	   *method;
	RrParam		url;
	RrParam		query;
	RrParam		headers;
	RrParam		body;
	BodyType	body_type;
	ResponseType response;
	bool		full_response;
	int64		timeout_ms;
	int64		connect_timeout_ms;
	int			max_redirects;
	bool		verify_tls;
	RrParam		next_url;		/* absent: no pagination by next URL */
	int			max_pages;
	char	   *page_param;		/* NULL: no pagination by a parameter */
	bool		page_in_body;	/* else in the query */
	int64		page_start;
	int64		page_step;
	RrValue    *page_complete;	/* NULL: none */
	RrValue    *page_cursor;	/* NULL: the page's value counts pages */
	JsonbValue *cursor_value;	/* the cursor of the request being built */
	bool		next_link;		/* follow the Link header's rel="next" */
	RrValue    *error_message;	/* NULL: none */
	List	   *retry_on;		/* statuses worth a retry; NIL: all */
	int			items_per_request;	/* 1, or the size of a group of items
									 * sent in one request */
	int			batch_size;		/* 0: a round at once */
	int64		batch_interval_ms;
	char	   *proxy;			/* NULL: none */
	char	   *credential;		/* NULL: none */
} HttpState;


/* ---------- Building the request ---------- */

/*
 * param_object
 *		A param's value for an item, which must be an object; NULL when the
 *		param is absent or null.
 */
static JsonbValue *
param_object(const RrParam *param, RrNodeRun *run, Jsonb *item, int index,
			 const char *name)
{
	JsonbValue *value = rr_param_eval(param, run, item, index);

	if (value == NULL || value->type == jbvNull)
		return NULL;
	if (!rr_value_is_object(value))
		rr_param_type_error(run->node->name, name, "an object", value);
	return value;
}

/*
 * object_pairs
 *		The members of an object as a List of name, value strings; a null
 *		member is left out, an object or array member is an error.
 */
static List *
object_pairs(RrNodeRun *run, JsonbValue *object, const char *param)
{
	List	   *pairs = NIL;
	JsonbIterator *it;
	JsonbValue	value;
	char	   *name;

	if (object == NULL)
		return NIL;
	it = JsonbIteratorInit(object->val.binary.data);
	while (rr_http_next_member(&it, &name, &value))
	{
		if (value.type == jbvBinary)
			rr_param_type_error(run->node->name,
								psprintf("%s.%s", param, name),
								"a string, number or boolean", &value);
		pairs = lappend(pairs, name);
		pairs = lappend(pairs, rr_value_text(&value));
	}
	return pairs;
}

/*
 * is_ascii_alnum
 *		Whether c is an ASCII letter or digit, whatever the locale says.
 */
static bool
is_ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

/*
 * header_line
 *		"Name: value", checked: a header name is a token, and neither may
 *		hold a line break (that would add headers of its own).
 */
static char *
header_line(RrNodeRun *run, const char *name, const char *value)
{
	const char *c;

	for (c = name; *c != '\0'; c++)
	{
		if (!is_ascii_alnum(*c) && strchr("!#$%&'*+-.^_`|~", *c) == NULL)
			break;
	}
	if (*name == '\0' || *c != '\0' || strpbrk(value, "\r\n") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"headers\" has an invalid header \"%s\"",
						run->node->name, name),
				 errdetail("Header names are letters, digits and !#$%%&'*+-.^_`|~; values hold no line breaks.")));
	/* "Name:" would make libcurl leave the header out; "Name;" sends it empty */
	if (*value == '\0')
		return psprintf("%s;", name);
	return psprintf("%s: %s", name, value);
}

/*
 * idempotency_key
 *		The key of one item's request: the SHA-256 of "execution id:node
 *		name:item index" in hex (":page" added for the pages after the
 *		first), the same whenever that request is sent.
 */
static char *
idempotency_key(RrNodeRun *run, int index, int page)
{
	char	   *source = page == 0 ?
	psprintf(INT64_FORMAT ":%s:%d", run->execution->id, run->node->name,
			 index) :
	psprintf(INT64_FORMAT ":%s:%d:%d", run->execution->id, run->node->name,
			 index, page);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char	   *hex = palloc(PG_SHA256_DIGEST_LENGTH * 2 + 1);
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (uint8 *) source, strlen(source)) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not compute an idempotency key: %s",
			 pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	hex[hex_encode((char *) digest, sizeof(digest), hex)] = '\0';
	return hex;
}

/* Text percent-encoded for a form body. */
static void
append_form_text(StringInfo buf, const char *text)
{
	const char *c;

	for (c = text; *c != '\0'; c++)
	{
		if (is_ascii_alnum(*c) || strchr("-._~", *c) != NULL)
			appendStringInfoChar(buf, *c);
		else
			appendStringInfo(buf, "%%%02X", (unsigned char) *c);
	}
}

/*
 * append_form_field
 *		One field of a form body (its name encoded already), nested as
 *		Stripe reads them: an object's members as name[key], an array's
 *		scalars as name[] and its objects and arrays as name[index]; an
 *		empty object or array is name with an empty value, a null is left
 *		out.
 */
static void
append_form_field(StringInfo buf, const char *name, JsonbValue *value)
{
	JsonbIterator *it;
	JsonbValue	member;
	JsonbIteratorToken token;
	char	   *key;
	int			index = 0;

	if (value->type == jbvNull)
		return;
	if (value->type != jbvBinary ||
		JsonContainerSize(value->val.binary.data) == 0)
	{
		appendStringInfo(buf, "%s%s=", buf->len > 0 ? "&" : "", name);
		if (value->type != jbvBinary)
			append_form_text(buf, rr_value_text(value));
		return;
	}
	it = JsonbIteratorInit(value->val.binary.data);
	if (JsonContainerIsObject(value->val.binary.data))
	{
		while (rr_http_next_member(&it, &key, &member))
		{
			StringInfoData nested;

			initStringInfo(&nested);
			appendStringInfo(&nested, "%s[", name);
			append_form_text(&nested, key);
			appendStringInfoChar(&nested, ']');
			append_form_field(buf, nested.data, &member);
		}
		return;
	}
	while ((token = JsonbIteratorNext(&it, &member, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		append_form_field(buf, member.type == jbvBinary ?
						  psprintf("%s[%d]", name, index) :
						  psprintf("%s[]", name), &member);
		index++;
	}
}

/*
 * form_body
 *		An object as application/x-www-form-urlencoded text, nested members
 *		as Stripe reads them (append_form_field).
 */
static char *
form_body(JsonbValue *object)
{
	StringInfoData buf;
	JsonbIterator *it = JsonbIteratorInit(object->val.binary.data);
	JsonbValue	value;
	char	   *name;

	initStringInfo(&buf);
	while (rr_http_next_member(&it, &name, &value))
	{
		StringInfoData encoded;

		initStringInfo(&encoded);
		append_form_text(&encoded, name);
		append_form_field(&buf, encoded.data, &value);
	}
	return buf.data;
}

/*
 * page_value
 *		The value of the page parameter for page (from 0); with a cursor,
 *		the cursor next_param_page computed, and NULL (no parameter) on the
 *		first page.
 */
static JsonbValue *
page_value(HttpState *state, int page)
{
	JsonbValue *value;

	if (state->page_cursor != NULL)
		return page == 0 ? NULL : state->cursor_value;
	value = palloc(sizeof(JsonbValue));

	value->type = jbvNumeric;
	value->val.numeric = int64_to_numeric(state->page_start +
										  state->page_step * page);
	return value;
}

/*
 * with_page
 *		The body with the page parameter set: the body must be an object,
 *		or absent (then it is an object of just that member).
 */
static JsonbValue *
with_page(HttpState *state, RrNodeRun *run, JsonbValue *body, int page)
{
	JsonbValue *value = page_value(state, page);

	if (value == NULL)
		return body;
	if (body != NULL && body->type != jbvNull && !rr_value_is_object(body))
		rr_param_type_error(run->node->name, "body",
							"an object, to carry the page parameter", body);
	return rr_http_with_member(body != NULL && body->type != jbvNull ?
							   body : NULL,
							   state->page_param, value);
}

/*
 * with_page_query
 *		The query pairs with the page parameter set, replacing a pair of
 *		that name.
 */
static List *
with_page_query(HttpState *state, List *pairs, int page)
{
	JsonbValue *value = page_value(state, page);
	List	   *result = NIL;
	int			i;

	if (value == NULL)
		return pairs;
	for (i = 0; i + 1 < list_length(pairs); i += 2)
	{
		if (strcmp((const char *) list_nth(pairs, i), state->page_param) == 0)
			continue;
		result = lappend(result, list_nth(pairs, i));
		result = lappend(result, list_nth(pairs, i + 1));
	}
	result = lappend(result, pstrdup(state->page_param));
	return lappend(result, rr_value_text(value));
}

/*
 * group_body
 *		With items_per_request, the body of the request of the group of
 *		items that starts at item index: the JSON array of param body
 *		computed on each item of the group, or of the items themselves when
 *		the node has no body.
 */
static JsonbValue *
group_body(HttpState *state, RrNodeRun *run, int index)
{
	int			end = Min(index + state->items_per_request,
						  list_length(run->inputs[0]));
	JsonbParseState *parse = NULL;
	int			i;

	pushJsonbValue(&parse, WJB_BEGIN_ARRAY, NULL);
	for (i = index; i < end; i++)
	{
		Jsonb	   *item = (Jsonb *) list_nth(run->inputs[0], i);
		JsonbValue *value = rr_param_eval(&state->body, run, item, i);
		JsonbValue	whole;

		if (value == NULL)
		{
			rr_jsonb_value(item, &whole);
			value = &whole;
		}
		pushJsonbValue(&parse, WJB_ELEM, value);
	}
	return pushJsonbValue(&parse, WJB_END_ARRAY, NULL);
}

/*
 * set_body
 *		The body of one item's request, and its default Content-Type.
 */
static const char *
set_body(HttpState *state, RrNodeRun *run, Jsonb *item, int index, int page,
		 RrHttpRequest *request)
{
	JsonbValue *body = state->items_per_request > 1 ?
		group_body(state, run, index) :
		rr_param_eval(&state->body, run, item, index);

	if (state->page_param != NULL && state->page_in_body)
		body = with_page(state, run, body, page);
	if (body == NULL)
		return NULL;
	switch (state->body_type)
	{
		case BODY_MULTIPART:
			request->parts = rr_http_multipart_parts(run->node->name, body);
			return NULL;
		case BODY_FORM:
			if (!rr_value_is_object(body))
				rr_param_type_error(run->node->name, "body", "an object",
									body);
			request->body = form_body(body);
			request->body_len = strlen(request->body);
			return "application/x-www-form-urlencoded";
		case BODY_RAW:
			request->body = rr_value_text(body);
			request->body_len = strlen(request->body);
			return "text/plain";
		case BODY_FILE:
			request->body = rr_http_file_body(run->node->name, body,
											  &request->body_len);
			return "application/octet-stream";
		default:
			request->body = rr_value_to_text(body);
			request->body_len = strlen(request->body);
			return "application/json";
	}
}

/*
 * check_page_origin
 *		A page a response named (next_url, next_link) gets the node's
 *		credential only on the origin of the node's own URL: the response's
 *		server could name any URL, and the credential would go there, as it
 *		would with a redirect to another origin (request.c).  A "url"
 *		credential replaces every page's URL with its own.
 */
static void
check_page_origin(HttpState *state, RrNodeRun *run, Jsonb *item, int index,
				  const RrCredential *credential, const RrHttpRequest *request)
{
	JsonbValue *url;

	if (strcmp(credential->type, "url") == 0)
		return;
	url = rr_param_eval(&state->url, run, item, index);
	if (url == NULL || url->type != jbvString)
		rr_param_type_error(run->node->name, "url", "a string", url);
	if (!rr_http_same_origin(rr_http_url(pnstrdup(url->val.string.val,
												  url->val.string.len), NIL),
							 request->url))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("node \"%s\" does not send its credential to the next page \"%s\"",
						run->node->name, request->shown_url),
				 errdetail("The response named a page of another origin (scheme, host and port) than the node's URL; a credential goes only to that origin.")));
}

/*
 * build_request
 *		The request for one item (its page page), with the node's credential
 *		(loaded once per node run) if it has one.  Its URL is url and query,
 *		or next_url as it is when that is not NULL (a page next_url gave).
 */
static void
build_request(HttpState *state, RrNodeRun *run, Jsonb *item, int index,
			  int page, const RrCredential *credential, const char *next_url,
			  RrHttpRequest *request)
{
	JsonbValue *headers = param_object(&state->headers, run, item, index,
									   "headers");
	const char *content_type;
	bool		has_content_type = false;
	bool		has_key = false;
	List	   *pairs;
	int			i;

	memset(request, 0, sizeof(RrHttpRequest));
	request->method = state->method;
	request->owner = run->execution->plan->owner;
	if (next_url != NULL)
	{
		request->shown_url = rr_http_shown_url(next_url);
		request->url = rr_http_url(next_url, NIL);
		if (credential != NULL)
			check_page_origin(state, run, item, index, credential, request);
	}
	else
	{
		JsonbValue *url = rr_param_eval(&state->url, run, item, index);
		JsonbValue *query = param_object(&state->query, run, item, index,
										 "query");
		char	   *given;

		if (url == NULL || url->type != jbvString)
			rr_param_type_error(run->node->name, "url", "a string", url);
		given = pnstrdup(url->val.string.val, url->val.string.len);
		request->shown_url = rr_http_shown_url(given);
		pairs = object_pairs(run, query, "query");
		if (state->page_param != NULL && !state->page_in_body)
			pairs = with_page_query(state, pairs, page);
		request->url = rr_http_url(given, pairs);
	}
	request->base_url = request->url;
	request->timeout_ms = state->timeout_ms;
	request->connect_timeout_ms = state->connect_timeout_ms;
	request->max_redirects = state->max_redirects;
	request->verify_tls = state->verify_tls;
	request->proxy = state->proxy;

	content_type = set_body(state, run, item, index, page, request);
	pairs = object_pairs(run, headers, "headers");
	for (i = 0; i + 1 < list_length(pairs); i += 2)
	{
		const char *name = (const char *) list_nth(pairs, i);
		const char *value = (const char *) list_nth(pairs, i + 1);

		has_content_type |= pg_strcasecmp(name, "Content-Type") == 0;
		has_key |= pg_strcasecmp(name, "Idempotency-Key") == 0;
		request->headers = lappend(request->headers,
								   header_line(run, name, value));
	}
	if (content_type != NULL && !has_content_type)
		request->headers = lappend(request->headers,
								   psprintf("Content-Type: %s", content_type));
	if (run->execution->id != 0 && !has_key)
		request->headers = lappend(request->headers,
								   psprintf("Idempotency-Key: %s",
											idempotency_key(run, index, page)));
	/* no "Expect: 100-continue" wait before large bodies */
	request->headers = lappend(request->headers, pstrdup("Expect:"));
	if (credential != NULL)
		rr_http_auth_apply(credential, request);
}


/* ---------- Reading the response ---------- */

/*
 * is_media_type
 *		Whether a Content-Type, parameters aside, is one of types (a NULL
 *		ends them) or ends in suffix.
 */
static bool
is_media_type(const char *content_type, const char *const *types,
			  const char *suffix)
{
	size_t		len;
	size_t		suffix_len = strlen(suffix);

	if (content_type == NULL)
		return false;
	len = strcspn(content_type, "; \t");
	for (; *types != NULL; types++)
	{
		if (len == strlen(*types) && pg_strncasecmp(content_type, *types, len) == 0)
			return true;
	}
	return len > suffix_len &&
		pg_strncasecmp(content_type + len - suffix_len, suffix, suffix_len) == 0;
}

/*
 * is_json_type
 *		Whether a Content-Type is JSON: application/json or any type
 *		ending in +json (application/problem+json).
 */
static bool
is_json_type(const char *content_type)
{
	static const char *const types[] = {"application/json", NULL};

	return is_media_type(content_type, types, "+json");
}

/*
 * is_text
 *		Whether the body is text in the database's encoding (no NUL).
 */
static bool
is_text(const RrHttpResponse *response)
{
	return pg_verify_mbstr(GetDatabaseEncoding(), response->body,
						   (int) response->body_len, true);
}

/* A jsonb string value of len bytes of text. */
static JsonbValue *
string_value(char *text, size_t len)
{
	JsonbValue *value = palloc(sizeof(JsonbValue));

	value->type = jbvString;
	value->val.string.val = text;
	value->val.string.len = (int) len;
	return value;
}

/*
 * json_body
 *		A text response's body as a JSON value (null when it is empty), or
 *		NULL when it is no JSON.
 */
static JsonbValue *
json_body(const RrHttpResponse *response)
{
	Jsonb	   *parsed;
	JsonbValue *value = palloc(sizeof(JsonbValue));
	JsonLexContext *lex;
	const char *body = response->body;
	size_t		body_len = response->body_len;

	/* a UTF-8 byte order mark before the JSON is skipped, as n8n does */
	if (body_len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
	{
		body += 3;
		body_len -= 3;
	}
	if (body_len == 0)
	{
		value->type = jbvNull;
		return value;
	}
	lex = makeJsonLexContextCstringLen(unconstify(char *, body), (int) body_len,
									   GetDatabaseEncoding(), false);
	if (pg_parse_json(lex, &nullSemAction) != JSON_SUCCESS)
		return NULL;
	parsed = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
												CStringGetDatum(body)));
	rr_jsonb_value(parsed, value);
	return rr_value_normalize(value);
}

/*
 * is_xml_type
 *		Whether a Content-Type is XML: application/xml, text/xml or any
 *		type ending in +xml (application/atom+xml).
 */
static bool
is_xml_type(const char *content_type)
{
	static const char *const types[] = {"application/xml", "text/xml", NULL};

	return is_media_type(content_type, types, "+xml");
}

/* The body in base64. */
static JsonbValue *
base64_value(const RrHttpResponse *response)
{
	int			len = pg_b64_enc_len((int) response->body_len);
	char	   *encoded = palloc(len + 1);

	len = pg_b64_encode(response->body, (int) response->body_len,
						encoded, len);
	if (len < 0)
		elog(ERROR, "could not encode a response in base64");
	return string_value(encoded, len);
}

/* The last value of a response's header name, as a JSON value (or null). */
static JsonbValue *
header_value(const RrHttpResponse *response, const char *name)
{
	JsonbValue *value = NULL;
	ListCell   *lc;

	foreach(lc, response->headers)
	{
		RrHttpHeader *header = (RrHttpHeader *) lfirst(lc);

		if (pg_strcasecmp(header->name, name) == 0)
			value = string_value(header->value, strlen(header->value));
	}
	if (value == NULL)
	{
		value = palloc(sizeof(JsonbValue));
		value->type = jbvNull;
	}
	return value;
}

/*
 * file_value
 *		{"body": text, or base64 when it is not text, "encoding": "text" or
 *		"base64", "content_type", "etag" (null when the response has none),
 *		"size": bytes}.
 */
static JsonbValue *
file_value(const RrHttpResponse *response)
{
	JsonbParseState *parse = NULL;
	bool		text = is_text(response);
	JsonbValue	size;

	size.type = jbvNumeric;
	size.val.numeric = int64_to_numeric((int64) response->body_len);
	pushJsonbValue(&parse, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&parse, WJB_KEY, string_value(pstrdup("body"), 4));
	pushJsonbValue(&parse, WJB_VALUE, text ?
				   string_value(response->body, response->body_len) :
				   base64_value(response));
	pushJsonbValue(&parse, WJB_KEY, string_value(pstrdup("encoding"), 8));
	pushJsonbValue(&parse, WJB_VALUE, text ? string_value(pstrdup("text"), 4) :
				   string_value(pstrdup("base64"), 6));
	pushJsonbValue(&parse, WJB_KEY, string_value(pstrdup("content_type"), 12));
	pushJsonbValue(&parse, WJB_VALUE, header_value(response, "Content-Type"));
	pushJsonbValue(&parse, WJB_KEY, string_value(pstrdup("etag"), 4));
	pushJsonbValue(&parse, WJB_VALUE, header_value(response, "ETag"));
	pushJsonbValue(&parse, WJB_KEY, string_value(pstrdup("size"), 4));
	pushJsonbValue(&parse, WJB_VALUE, &size);
	return rr_value_normalize(pushJsonbValue(&parse, WJB_END_OBJECT, NULL));
}

/*
 * xml_body
 *		A text response's XML body as JSON (rr_xml_to_json), or NULL with
 *		*error saying why it is not XML.
 */
static JsonbValue *
xml_body(const RrHttpResponse *response, char **error)
{
	JsonbValue *value = rr_xml_to_json(response->body, response->body_len,
									   error);

	return value == NULL ? NULL : rr_value_normalize(value);
}

/*
 * body_value
 *		The response body as a JSON value, as param "response" says.
 */
static JsonbValue *
body_value(HttpState *state, const RrHttpRequest *request,
		   const RrHttpResponse *response)
{
	ResponseType type = state->response;
	JsonbValue *value;
	char	   *error;

	if (type == RESPONSE_AUTO)
		type = is_json_type(response->content_type) ? RESPONSE_JSON :
			RESPONSE_TEXT;
	if (type == RESPONSE_BINARY)
		return base64_value(response);
	if (type == RESPONSE_FILE)
		return file_value(response);
	if (!is_text(response))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("the response to %s %s is not text in encoding \"%s\"",
						request->method, request->shown_url,
						GetDatabaseEncodingName()),
				 errhint("Set the node's param \"response\" to \"binary\" to get it in base64.")));
	if (type == RESPONSE_TEXT)
		return string_value(response->body, response->body_len);
	if (type == RESPONSE_XML)
	{
		value = xml_body(response, &error);
		if (value == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("the response to %s %s is not well-formed XML",
							request->method, request->shown_url),
					 errdetail("%s", error),
					 errhint("Set the node's param \"response\" to \"text\" to get it as text.")));
		return value;
	}
	value = json_body(response);
	if (value == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("the response to %s %s is not valid JSON",
						request->method, request->shown_url),
				 errhint("Set the node's param \"response\" to \"text\" to get it as text.")));
	return value;
}

/*
 * full_response_item
 *		{"status": n, "headers": {name: value}, "body": value}; of a header
 *		given more than once, the last value.
 */
static Jsonb *
full_response_item(const RrHttpResponse *response, JsonbValue *body)
{
	JsonbParseState *parse = NULL;
	JsonbValue	status;
	ListCell   *lc;

	status.type = jbvNumeric;
	status.val.numeric = int64_to_numeric(response->status);
	pushJsonbValue(&parse, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&parse, WJB_KEY, string_value(pstrdup("status"), 6));
	pushJsonbValue(&parse, WJB_VALUE, &status);
	pushJsonbValue(&parse, WJB_KEY, string_value(pstrdup("headers"), 7));
	pushJsonbValue(&parse, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, response->headers)
	{
		RrHttpHeader *header = (RrHttpHeader *) lfirst(lc);

		pushJsonbValue(&parse, WJB_KEY,
					   string_value(header->name, strlen(header->name)));
		pushJsonbValue(&parse, WJB_VALUE,
					   string_value(header->value, strlen(header->value)));
	}
	pushJsonbValue(&parse, WJB_END_OBJECT, NULL);
	pushJsonbValue(&parse, WJB_KEY, string_value(pstrdup("body"), 4));
	pushJsonbValue(&parse, WJB_VALUE, body);
	return JsonbValueToJsonb(pushJsonbValue(&parse, WJB_END_OBJECT, NULL));
}

/*
 * service_message
 *		What param error_message computes on an error response's JSON body,
 *		or XML body when its Content-Type says XML (the service's own
 *		message), or NULL when there is none.
 */
static char *
service_message(HttpState *state, RrNodeRun *run, int index,
				const RrHttpResponse *response)
{
	JsonbValue *body;
	JsonbValue *message;
	char	   *error;

	if (state->error_message == NULL || !is_text(response))
		return NULL;
	body = is_xml_type(response->content_type) ||
		(state->response == RESPONSE_XML &&
		 !is_json_type(response->content_type)) ?
		xml_body(response, &error) : json_body(response);
	if (body == NULL || !rr_value_is_object(body))
		return NULL;
	message = rr_value_eval(state->error_message, run,
							JsonbValueToJsonb(body), index);
	if (message == NULL || message->type == jbvNull ||
		(message->type == jbvString && message->val.string.len == 0))
		return NULL;
	return rr_value_text(message);
}

/*
 * check_status
 *		A status of 400 or more fails the node, naming the request and
 *		the service's message (param error_message), or showing the start
 *		of the response when it is text.  A Retry-After
 *		it carries (429, 503) is the least wait before the node's retry.
 */
static void
check_status(HttpState *state, RrNodeRun *run, int index,
			 const RrHttpRequest *request, const RrHttpResponse *response)
{
	int64		wait_ms;
	char	   *message;

	if (response->status < 400)
		return;
	wait_ms = rr_http_retry_after(response);
	if (wait_ms >= 0)
		rr_retry_not_before(wait_ms);
	if (state->retry_on != NIL &&
		!list_member_int(state->retry_on, (int) response->status))
		rr_retry_never();
	message = service_message(state, run, index, response);
	if (message != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("%s %s returned HTTP status %ld: %s",
						request->method, request->shown_url, response->status,
						message)));
	if (is_text(response) && response->body_len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("%s %s returned HTTP status %ld",
						request->method, request->shown_url, response->status),
				 errdetail("The response began: %s",
						   pnstrdup(response->body,
									pg_mbcliplen(response->body,
												 (int) response->body_len,
												 SNIPPET_LEN)))));
	ereport(ERROR,
			(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
			 errmsg("%s %s returned HTTP status %ld",
					request->method, request->shown_url, response->status)));
}


/* ---------- The node ---------- */

/*
 * check_owner
 *		The workflow's owner must have the privileges of reporunner_http.
 */
static void
check_owner(RrNodeRun *run)
{
	Oid			owner = rr_owner_role(run->execution->plan->owner);
	Oid			role = get_role_oid(HTTP_ROLE, true);

	if (!OidIsValid(role) || !has_privs_of_role(owner, role))
	{
		char	   *name = GetUserNameFromId(owner, false);

		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("role \"%s\" may not send HTTP requests", name),
				 errdetail("The owner of a workflow whose http nodes run must be a member of role %s.",
						   HTTP_ROLE),
				 errhint("A superuser can allow it: GRANT %s TO %s;",
						 HTTP_ROLE, quote_identifier(name))));
	}
}

/*
 * next_page
 *		Make request the one for the page after page of input item index,
 *		whose response's body is body, as next_url gives it: the item's
 *		request again (in the current memory context, since that of the
 *		request before is reset), to that URL; false when there is none.
 */
static bool
next_page(HttpState *state, RrNodeRun *run, int index, int page,
		  JsonbValue *body, const RrCredential *credential,
		  RrHttpRequest *request)
{
	JsonbValue *next;

	if (state->next_url.value == NULL || page + 1 >= state->max_pages ||
		!rr_value_is_object(body))
		return false;
	next = rr_param_eval(&state->next_url, run, JsonbValueToJsonb(body), index);
	if (next == NULL || next->type == jbvNull ||
		(next->type == jbvString && next->val.string.len == 0))
		return false;
	if (next->type != jbvString)
		rr_param_type_error(run->node->name, "next_url", "a string", next);
	build_request(state, run, (Jsonb *) list_nth(run->inputs[0], index), index,
				  page + 1, credential,
				  rr_http_resolve(request->base_url,
								  pnstrdup(next->val.string.val,
										   next->val.string.len)),
				  request);
	return true;
}

/*
 * is_empty_page
 *		Whether a response's body is an empty page: null (no body), "",
 *		[] or {}.
 */
static bool
is_empty_page(JsonbValue *body)
{
	if (body->type == jbvNull)
		return true;
	if (body->type == jbvString)
		return body->val.string.len == 0;
	if (rr_value_is_object(body) || rr_value_is_array(body))
		return JsonContainerSize(body->val.binary.data) == 0;
	return false;
}

/*
 * next_param_page
 *		With pagination by a parameter, make request the one for the page
 *		after page of input item index, whose response's body is body;
 *		false when there is none: the page was empty, complete holds on its
 *		body, or it was the last of max_pages.
 */
static bool
next_param_page(HttpState *state, RrNodeRun *run, int index, int page,
				JsonbValue *body, const RrCredential *credential,
				RrHttpRequest *request)
{
	Jsonb	   *item = (Jsonb *) list_nth(run->inputs[0], index);

	if (page + 1 >= state->max_pages || is_empty_page(body))
		return false;
	if (state->page_complete != NULL &&
		rr_condition_eval(state->page_complete, run, JsonbValueToJsonb(body),
						  index))
		return false;
	if (state->page_cursor != NULL)
	{
		JsonbValue *cursor = rr_value_eval(state->page_cursor, run,
										   JsonbValueToJsonb(body), index);

		if (cursor == NULL || cursor->type == jbvNull ||
			(cursor->type == jbvString && cursor->val.string.len == 0))
			return false;
		if (cursor->type == jbvBinary)
			rr_param_type_error(run->node->name, "pagination.cursor",
								"a string or number", cursor);
		state->cursor_value = cursor;
	}
	build_request(state, run, item, index, page + 1, credential, NULL,
				  request);
	state->cursor_value = NULL;
	return true;
}

/*
 * link_rel_is_next
 *		Whether the parameters of one link of a Link header, from params
 *		to end (";rel=next", "; rel = \"next last\"", ";REL=Next"), give
 *		it relation type "next" (RFC 8288: names and types are matched
 *		without regard to case; rel may list several types).
 */
static bool
link_rel_is_next(const char *params, const char *end)
{
	const char *p = params;

	while (p < end)
	{
		const char *value;
		const char *value_end;

		while (p < end && (*p == ';' || *p == ',' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p < 3 || pg_strncasecmp(p, "rel", 3) != 0)
		{
			p = memchr(p, ';', end - p);
			if (p == NULL)
				return false;
			continue;
		}
		p += 3;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end || *p != '=')
			continue;
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '"')
		{
			value = ++p;
			value_end = memchr(p, '"', end - p);
			if (value_end == NULL)
				value_end = end;
		}
		else
		{
			value = p;
			for (value_end = p; value_end < end && *value_end != ';' &&
				 *value_end != ',' && *value_end != ' '; value_end++)
				;
		}
		/* one of the space-separated types is "next" */
		for (p = value; p < value_end;)
		{
			const char *type_end = p;

			while (type_end < value_end && *type_end != ' ')
				type_end++;
			if (type_end - p == 4 && pg_strncasecmp(p, "next", 4) == 0)
				return true;
			p = type_end + 1;
		}
		return false;
	}
	return false;
}

/*
 * link_next
 *		The URL of a response's Link header (any of them) whose rel is
 *		"next": <url>; rel="next", ...; NULL when there is none.
 */
static char *
link_next(const RrHttpResponse *response)
{
	ListCell   *lc;

	foreach(lc, response->headers)
	{
		RrHttpHeader *header = (RrHttpHeader *) lfirst(lc);
		const char *p = header->value;

		if (pg_strcasecmp(header->name, "Link") != 0)
			continue;
		while ((p = strchr(p, '<')) != NULL)
		{
			const char *end = strchr(p, '>');
			const char *next_link;

			if (end == NULL)
				break;
			next_link = strchr(end, '<');
			if (link_rel_is_next(end + 1, next_link != NULL ? next_link :
								 end + strlen(end)))
				return pnstrdup(p + 1, end - p - 1);
			p = end;
		}
	}
	return NULL;
}

/*
 * next_link_page
 *		With next_link, make request the one for the page after page of
 *		input item index: to the URL of the response's Link rel="next";
 *		false when there is none or it was the last of max_pages.
 */
static bool
next_link_page(HttpState *state, RrNodeRun *run, int index, int page,
			   const RrHttpResponse *response,
			   const RrCredential *credential, RrHttpRequest *request)
{
	char	   *next;

	if (page + 1 >= state->max_pages || (next = link_next(response)) == NULL)
		return false;
	/* a relative link is read against the page's URL (RFC 8288), as the
	 * node gave it: never the URL a credential made */
	build_request(state, run, (Jsonb *) list_nth(run->inputs[0], index), index,
				  page + 1, credential, rr_http_resolve(request->base_url, next),
				  request);
	return true;
}

/*
 * pause_between_batches
 *		Wait ms milliseconds, serving interrupts (a cancel, a timeout) as
 *		they come.
 */
static void
pause_between_batches(int64 ms)
{
	TimestampTz until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);

	for (;;)
	{
		long		left;

		CHECK_FOR_INTERRUPTS();
		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), until);
		if (left <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 left, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/* RrHttpTakenHook: the execution's memory, with the responses so far */
static void
check_memory(void *arg)
{
	RrNodeRun  *run = (RrNodeRun *) arg;

	rr_check_execution_memory(run->execution, run->node);
}

/*
 * send_round
 *		Send the requests and wait for their responses: at once, or with
 *		batch_size, batch_size at a time, batch_interval apart (after the
 *		node's first batch, *batched says whether one went out already).
 *		In a background run with no transaction open while waiting.
 */
static void
send_round(HttpState *state, RrNodeRun *run, RrHttpRequest *requests,
		   RrHttpResponse *responses, int n, bool *batched)
{
	bool		released = rr_node_release_transaction(run);

	PG_TRY();
	{
		int			size = state->batch_size > 0 ? state->batch_size : n;
		int			from;

		for (from = 0; from < n; from += size)
		{
			if (*batched)
				pause_between_batches(state->batch_interval_ms);
			rr_http_perform_all(requests + from, responses + from,
								Min(size, n - from), check_memory, run);
			*batched = state->batch_size > 0;
		}
	}
	PG_FINALLY();
	{
		if (released)
			rr_node_resume_transaction(run);
	}
	PG_END_TRY();
}

/*
 * resend_renewed
 *		After a round, send again at once the requests answered 401 when
 *		the node's credential could renew itself (an oauth2 token fetched
 *		anew, once for them all), their new responses in place of the 401s.
 */
static void
resend_renewed(HttpState *state, RrNodeRun *run,
			   const RrCredential *credential, RrHttpRequest *requests,
			   RrHttpResponse *responses, int n, bool *batched)
{
	int		   *again;
	RrHttpRequest *retry;
	RrHttpResponse *retry_responses;
	int			m = 0;
	int			k;

	if (credential == NULL)
		return;
	again = palloc(sizeof(int) * n);
	for (k = 0; k < n; k++)
	{
		if (responses[k].status == 401)
			again[m++] = k;
	}
	if (m == 0 || !rr_http_auth_renew(credential, &requests[again[0]]))
		return;
	retry = palloc(sizeof(RrHttpRequest) * m);
	retry_responses = palloc0(sizeof(RrHttpResponse) * m);
	for (k = 0; k < m; k++)
	{
		/* the others get the token just fetched */
		if (k > 0)
			rr_http_auth_apply(credential, &requests[again[k]]);
		retry[k] = requests[again[k]];
	}
	send_round(state, run, retry, retry_responses, m, batched);
	for (k = 0; k < m; k++)
	{
		requests[again[k]] = retry[k];
		responses[again[k]] = retry_responses[k];
	}
}

/* One input item's requests: its pages, one per round. */
typedef struct ItemFetch
{
	RrHttpRequest request;		/* the next one to send */
	bool		more;			/* there is one */
	int			page;			/* its page number, from 0 */
	List	   *items;			/* what its responses gave so far */
} ItemFetch;

/*
 * A run of the node: its items' requests, round after round.  In a
 * background run it may be deferred after its first round was built
 * (http_execute), to be sent with other executions' first rounds
 * (http_run_deferred): failures then holds what those requests got
 * instead of a response, raised when the node runs again.
 */
typedef struct HttpRun
{
	int			nitems;
	ItemFetch  *fetches;
	RrHttpRequest *requests;	/* the round's */
	RrHttpResponse *responses;
	ErrorData **failures;		/* deferred: per request, or NULL */
	int		   *sent;			/* the round's request k is item sent[k]'s */
	int			n;				/* requests in the round */
	RrCredential *credential;
	MemoryContext sending;		/* the round's requests */
	MemoryContext next;			/* the next round's */
	bool		batched;		/* a batch went out (batch_size) */
} HttpRun;

/*
 * start_run
 *		Check that the owner may send, load the credential, and build the
 *		first request of every item (of every group).
 */
static HttpRun *
start_run(HttpState *state, RrNodeRun *run)
{
	HttpRun    *h = palloc0(sizeof(HttpRun));
	MemoryContext runcxt = CurrentMemoryContext;
	int			nitems = list_length(run->inputs[0]);
	ListCell   *lc;

	check_owner(run);
	if (state->credential != NULL)
		h->credential = rr_credential_load(run->execution->plan->owner,
										   state->credential);
	if (!state->verify_tls)
		ereport(LOG,
				(errmsg("node \"%s\" of workflow \"%s\" sends requests without verifying TLS certificates",
						run->node->name, run->execution->plan->workflow_name),
				 errhidestmt(true)));

	h->nitems = nitems;
	h->fetches = palloc0(sizeof(ItemFetch) * Max(nitems, 1));
	h->requests = palloc(sizeof(RrHttpRequest) * Max(nitems, 1));
	h->responses = palloc(sizeof(RrHttpResponse) * Max(nitems, 1));
	h->sent = palloc(sizeof(int) * Max(nitems, 1));
	/* the requests of a round live in one context, the next round's in another */
	h->sending = AllocSetContextCreate(runcxt, "http round",
									   ALLOCSET_DEFAULT_SIZES);
	h->next = AllocSetContextCreate(runcxt, "http round",
									ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(h->sending);
	foreach(lc, run->inputs[0])
	{
		int			i = foreach_current_index(lc);

		rr_item_done(run);
		/* with items_per_request, the first item of a group stands for it */
		if (i % state->items_per_request != 0)
			continue;
		build_request(state, run, (Jsonb *) lfirst(lc), i, 0, h->credential,
					  NULL, &h->fetches[i].request);
		h->fetches[i].more = true;
	}
	MemoryContextSwitchTo(runcxt);
	return h;
}

/* The requests of the next round: of the items that have one. */
static void
next_round(HttpRun *h)
{
	int			i;

	h->n = 0;
	for (i = 0; i < h->nitems; i++)
	{
		if (!h->fetches[i].more)
			continue;
		h->requests[h->n] = h->fetches[i].request;
		h->sent[h->n++] = i;
	}
	memset(h->responses, 0, sizeof(RrHttpResponse) * Max(h->n, 1));
}

/*
 * take_round
 *		The round's responses as items of their input items, and the
 *		requests of the items' next pages, in the next round's context.
 */
static void
take_round(HttpState *state, RrNodeRun *run, HttpRun *h)
{
	MemoryContext runcxt = CurrentMemoryContext;
	MemoryContext swap;
	int			k;

	MemoryContextSwitchTo(h->next);
	for (k = 0; k < h->n; k++)
	{
		ItemFetch  *fetch = &h->fetches[h->sent[k]];
		JsonbValue *body;

		check_status(state, run, h->sent[k], &h->requests[k], &h->responses[k]);
		body = body_value(state, &h->requests[k], &h->responses[k]);
		MemoryContextSwitchTo(runcxt);
		fetch->items = state->full_response ?
			lappend(fetch->items, full_response_item(&h->responses[k], body)) :
			rr_value_items(fetch->items, body);
		MemoryContextSwitchTo(h->next);
		fetch->more = state->page_param != NULL ?
			next_param_page(state, run, h->sent[k], fetch->page, body,
							h->credential, &fetch->request) :
			state->next_link ?
			next_link_page(state, run, h->sent[k], fetch->page, &h->responses[k],
						   h->credential, &fetch->request) :
			next_page(state, run, h->sent[k], fetch->page, body,
					  h->credential, &fetch->request);
		fetch->page++;
		rr_item_done(run);
	}
	MemoryContextSwitchTo(runcxt);
	MemoryContextReset(h->sending);
	swap = h->sending;
	h->sending = h->next;
	h->next = swap;
}

/*
 * raise_deferred_failure
 *		A deferred round's first request (in the order of the items) that
 *		got no response fails the node, as it would have while sending.
 */
static void
raise_deferred_failure(HttpRun *h)
{
	int			k;

	for (k = 0; k < h->n; k++)
	{
		if (h->failures[k] != NULL)
			ReThrowError(h->failures[k]);
	}
}

/*
 * The node sends the requests of all its items at once, then the next
 * pages of those that have more, and so on: round after round.  Items
 * come out in the order of the input items, each one's pages in order,
 * and a failure is that of the first item that failed in the round.  In
 * a background run, the first round may be deferred (http_deferrable), to
 * go out with other executions' requests (http_run_deferred).
 */
static void
http_execute(RrNodeRun *run)
{
	HttpState  *state = (HttpState *) run->node->state;
	HttpRun    *h = (HttpRun *) run->deferred;
	int			i;

	if (h == NULL)
	{
		h = start_run(state, run);
		next_round(h);
		if (h->n > 0 && run->may_defer)
		{
			rr_node_defer(run, h);
			return;
		}
	}
	else
		raise_deferred_failure(h);

	while (h->n > 0)
	{
		if (h->failures == NULL)
		{
			MemoryContext runcxt = MemoryContextSwitchTo(h->sending);

			send_round(state, run, h->requests, h->responses, h->n,
					   &h->batched);
			MemoryContextSwitchTo(runcxt);
		}
		h->failures = NULL;
		resend_renewed(state, run, h->credential, h->requests, h->responses,
					   h->n, &h->batched);
		take_round(state, run, h);
		next_round(h);
	}

	for (i = 0; i < h->nitems; i++)
	{
		ListCell   *lc;

		foreach(lc, h->fetches[i].items)
			rr_emit_paired(run, 0, (Jsonb *) lfirst(lc), i);
	}
	MemoryContextDelete(h->sending);
	MemoryContextDelete(h->next);
}

/*
 * A run may defer its first round only when that is all it sends: no
 * pages after it, no pauses between batches.
 */
static bool
http_deferrable(const RrPlanNode *node)
{
	const HttpState *state = (const HttpState *) node->state;

	return state->next_url.value == NULL && state->page_param == NULL &&
		state->batch_size == 0;
}

/*
 * The deferred first rounds of n runs (of any executions), sent at once
 * through one rr_http_perform_each, so under the process's limits
 * (reporunner.http_max_concurrency, reporunner.http_max_per_host); each
 * request that got no response keeps its ERROR for its own run.  The
 * responses are allocated in the current memory context.
 */
static void
http_run_deferred(void **work, int n)
{
	int			total = 0;
	int			at = 0;
	RrHttpRequest *requests;
	RrHttpResponse *responses;
	ErrorData **failures;
	int			i;

	for (i = 0; i < n; i++)
		total += ((HttpRun *) work[i])->n;
	requests = palloc(sizeof(RrHttpRequest) * Max(total, 1));
	responses = palloc0(sizeof(RrHttpResponse) * Max(total, 1));
	failures = palloc(sizeof(ErrorData *) * Max(total, 1));
	for (i = 0; i < n; i++)
	{
		HttpRun    *h = (HttpRun *) work[i];

		memcpy(&requests[at], h->requests, sizeof(RrHttpRequest) * h->n);
		h->failures = &failures[at];
		at += h->n;
	}
	rr_http_perform_each(requests, responses, failures, total);
	for (at = 0, i = 0; i < n; i++)
	{
		HttpRun    *h = (HttpRun *) work[i];

		memcpy(h->responses, &responses[at], sizeof(RrHttpResponse) * h->n);
		at += h->n;
	}
}


/* ---------- Preparing ---------- */

/* A fixed string param, or def when absent. */
static const char *
string_param(RrPlanNode *node, const char *name, const char *def)
{
	JsonbValue *value = rr_node_param(node, name);

	if (value == NULL || value->type != jbvString)
		return def;
	return pnstrdup(value->val.string.val, value->val.string.len);
}

/* A fixed boolean param, or def when absent. */
static bool
bool_param(RrPlanNode *node, const char *name, bool def)
{
	JsonbValue *value = rr_node_param(node, name);

	return value != NULL && value->type == jbvBool ? value->val.boolean : def;
}

/* A duration param in milliseconds, or def when absent. */
static int64
duration_param(RrPlanNode *node, const char *name, int64 def)
{
	int64_t		ms;

	return rr_jsonb_duration(rr_node_param(node, name), &ms) ? ms : def;
}

/* A fixed integer param, or def when absent. */
static int64
int_param(RrPlanNode *node, const char *name, int64 def)
{
	JsonbValue *value = rr_node_param(node, name);

	if (value == NULL || value->type != jbvNumeric)
		return def;
	return DatumGetInt64(DirectFunctionCall1(numeric_int8,
											 NumericGetDatum(value->val.numeric)));
}

/* A fixed array param of integers as a List, or NIL when absent. */
static List *
int_list_param(RrPlanNode *node, const char *name)
{
	JsonbValue *value = rr_node_param(node, name);
	List	   *result = NIL;
	int			count;
	int			i;

	if (value == NULL)
		return NIL;
	value = rr_value_normalize(value);
	if (!rr_value_is_array(value))
		return NIL;
	count = JsonContainerSize(value->val.binary.data);
	for (i = 0; i < count; i++)
	{
		JsonbValue *element = getIthJsonbValueFromContainer(value->val.binary.data, i);

		result = lappend_int(result,
							 DatumGetInt32(DirectFunctionCall1(numeric_int4,
															   NumericGetDatum(element->val.numeric))));
	}
	return result;
}

/*
 * object_member
 *		Member key of a fixed object param, or NULL when absent.
 */
static JsonbValue *
object_member(JsonbValue *object, const char *key)
{
	return getKeyJsonValueFromContainer(object->val.binary.data, key,
										strlen(key), NULL);
}

/*
 * prepare_pagination
 *		The params of pagination by a parameter; the validator checked
 *		their types.
 */
static void
prepare_pagination(RrPlanNode *node, HttpState *state)
{
	JsonbValue *pagination = rr_node_param(node, "pagination");
	JsonbValue *value;

	if (pagination == NULL)
		return;
	pagination = rr_value_normalize(pagination);
	if (!rr_value_is_object(pagination))
		return;
	value = object_member(pagination, "param");
	state->page_param = pnstrdup(value->val.string.val, value->val.string.len);
	value = object_member(pagination, "in");
	state->page_in_body = value != NULL && rr_value_is_word(value, "body");
	value = object_member(pagination, "start");
	state->page_start = value == NULL ? 1 :
		DatumGetInt64(DirectFunctionCall1(numeric_int8,
										  NumericGetDatum(value->val.numeric)));
	value = object_member(pagination, "step");
	state->page_step = value == NULL ? 1 :
		DatumGetInt64(DirectFunctionCall1(numeric_int8,
										  NumericGetDatum(value->val.numeric)));
	state->page_complete = rr_value_compile(object_member(pagination, "complete"),
											node->name,
											"params.pagination.complete");
	state->page_cursor = rr_value_compile(object_member(pagination, "cursor"),
										  node->name,
										  "params.pagination.cursor");
}

static void *
http_prepare(RrPlanNode *node)
{
	HttpState  *state = palloc0(sizeof(HttpState));
	const char *body_type = string_param(node, "body_type", "json");
	const char *response = string_param(node, "response", "auto");
	JsonbValue *max_redirects = rr_node_param(node, "max_redirects");

	state->method = (char *) string_param(node, "method", "GET");
	rr_param_compile(node, "url", &state->url);
	rr_param_compile(node, "query", &state->query);
	rr_param_compile(node, "headers", &state->headers);
	rr_param_compile(node, "body", &state->body);
	state->body_type = strcmp(body_type, "form") == 0 ? BODY_FORM :
		strcmp(body_type, "raw") == 0 ? BODY_RAW :
		strcmp(body_type, "multipart") == 0 ? BODY_MULTIPART :
		strcmp(body_type, "file") == 0 ? BODY_FILE : BODY_JSON;
	state->response = strcmp(response, "json") == 0 ? RESPONSE_JSON :
		strcmp(response, "text") == 0 ? RESPONSE_TEXT :
		strcmp(response, "binary") == 0 ? RESPONSE_BINARY :
		strcmp(response, "xml") == 0 ? RESPONSE_XML :
		strcmp(response, "file") == 0 ? RESPONSE_FILE : RESPONSE_AUTO;
	state->full_response = bool_param(node, "full_response", false);
	state->verify_tls = bool_param(node, "verify_tls", true);
	state->timeout_ms = duration_param(node, "timeout", DEFAULT_TIMEOUT_MS);
	state->connect_timeout_ms = duration_param(node, "connect_timeout",
											   DEFAULT_CONNECT_TIMEOUT_MS);
	state->max_redirects = DEFAULT_MAX_REDIRECTS;
	if (max_redirects != NULL && max_redirects->type == jbvNumeric)
		state->max_redirects = DatumGetInt32(DirectFunctionCall1(numeric_int4,
																 NumericGetDatum(max_redirects->val.numeric)));
	rr_param_compile(node, "next_url", &state->next_url);
	state->max_pages = (int) int_param(node, "max_pages", DEFAULT_MAX_PAGES);
	prepare_pagination(node, state);
	state->items_per_request = (int) int_param(node, "items_per_request", 1);
	state->batch_size = int_param(node, "batch_size", 0);
	state->batch_interval_ms = duration_param(node, "batch_interval",
											  DEFAULT_BATCH_INTERVAL_MS);
	state->proxy = (char *) string_param(node, "proxy", NULL);
	state->credential = (char *) string_param(node, "credential", NULL);
	state->next_link = bool_param(node, "next_link", false);
	state->error_message = rr_value_compile(rr_node_param(node, "error_message"),
											node->name, "params.error_message");
	state->retry_on = int_list_param(node, "retry_on");
	if (state->url.value == NULL)
		elog(ERROR, "node \"%s\" has no url", node->name);
	return state;
}

const RrNodeHandler rr_node_http = {
	.side_effects = true,
	.prepare = http_prepare,
	.execute = http_execute,
	.deferrable = http_deferrable,
	.run_deferred = http_run_deferred,
};
