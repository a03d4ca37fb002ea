/*-------------------------------------------------------------------------
 *
 * test_document.c
 *		Unit tests of the workflow document validator (src/document).
 *
 * Prints TAP ("ok N - ...", "not ok N - ...", then "1..N") and exits with
 * status 1 when any test fails.  Documents are written with ' for " to
 * keep them readable; quote() turns them into JSON.  Every error test
 * compares the kind, node, field and message of the error exactly.
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "document.h"

#define DOC_BUFLEN	65536

/* A document limit generous enough for every small test. */
static const RrDocLimits default_limits = {1024 * 1024, 1000};

static int	test_number = 0;
static int	failed_tests = 0;

static const char *const kind_names[] = {
	"OK", "SYNTAX", "INVALID", "UNKNOWN_TYPE", "DUPLICATE_NAME",
	"UNDEFINED_REF", "CYCLE", "PARAM_TYPE", "DURATION", "EXPRESSION",
	"TOO_LARGE", "OUT_OF_MEMORY"
};

/* What the marker expression checker saw. */
typedef struct CheckLog
{
	int			calls;
	char		last[256];
} CheckLog;


/* ---------- TAP ---------- */

static bool report(bool passed, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/*
 * report
 *		Print one TAP line; returns passed.
 */
static bool
report(bool passed, const char *fmt,...)
{
	va_list		args;

	test_number++;
	if (!passed)
		failed_tests++;
	printf("%s %d - ", passed ? "ok" : "not ok", test_number);
	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	printf("\n");
	return passed;
}

/*
 * print_error
 *		Show an error as TAP diagnostics.
 */
static void
print_error(const char *label, const RrDocError *err)
{
	printf("#   %s: kind %s, node \"%s\", field \"%s\"\n#     message: %s\n"
		   "#     detail: %s\n", label, kind_names[err->kind], err->node,
		   err->field, err->message, err->detail);
}


/* ---------- Building documents ---------- */

/*
 * quote
 *		Copy text into buf turning every ' into ".
 */
static const char *
quote(const char *text, char *buf)
{
	size_t		i;

	for (i = 0; text[i] != '\0' && i < DOC_BUFLEN - 1; i++)
		buf[i] = text[i] == '\'' ? '"' : text[i];
	buf[i] = '\0';
	return buf;
}

/*
 * contains
 *		Whether text[0..len) contains marker.
 */
static bool
contains(const char *text, size_t len, const char *marker)
{
	size_t		marker_len = strlen(marker);
	size_t		i;

	for (i = 0; i + marker_len <= len; i++)
	{
		if (memcmp(text + i, marker, marker_len) == 0)
			return true;
	}
	return false;
}

/*
 * marker_check
 *		Expression checker for the tests: rejects expressions that contain
 *		"BAD" (with a reason) or "SILENT" (without one); logs every call.
 */
static bool
marker_check(const char *expr, size_t len, char *errbuf, size_t errlen,
		   void *arg)
{
	CheckLog   *log = arg;

	if (log != NULL)
	{
		log->calls++;
		snprintf(log->last, sizeof(log->last), "%.*s", (int) len, expr);
	}
	if (contains(expr, len, "BAD"))
	{
		snprintf(errbuf, errlen, "syntax error at or near \"BAD\"");
		return false;
	}
	if (contains(expr, len, "SILENT"))
		return false;
	return true;
}

/*
 * validate
 *		Validate a '-quoted document with the default limits and marker_check.
 */
static bool
validate(const char *text, RrDocError *err)
{
	char		buf[DOC_BUFLEN];

	quote(text, buf);
	return rr_document_validate(buf, strlen(buf), &default_limits,
								marker_check, NULL, err);
}

/*
 * with_nodes
 *		A document with a trigger "Start" followed by the given nodes (a
 *		'-quoted, comma-separated list), and no connections.
 */
static const char *
with_nodes(const char *nodes, char *buf)
{
	size_t		prefix_len;
	size_t		nodes_len = strlen(nodes);
	const char *prefix = "{'nodes': [{'name': 'Start', 'type': 'trigger'}, ";

	prefix_len = strlen(prefix);
	if (prefix_len + nodes_len + 3 > DOC_BUFLEN)
		nodes_len = DOC_BUFLEN - prefix_len - 3;
	memmove(buf + prefix_len, nodes, nodes_len);
	memcpy(buf, prefix, prefix_len);
	memcpy(buf + prefix_len + nodes_len, "]}", 3);
	return buf;
}


/* ---------- Assertions ---------- */

/*
 * expect_valid
 *		One test: the document is valid.
 */
static void
expect_valid(const char *description, const char *text)
{
	RrDocError	err;
	bool		valid = validate(text, &err);

	if (!report(valid && err.kind == RR_DOC_OK && err.message[0] == '\0',
				"%s", description))
		print_error("got", &err);
}

/*
 * expect_error_detail
 *		One test: the document fails with exactly this kind, node, field,
 *		message and (unless detail is NULL) detail.
 */
static void
expect_error_detail(const char *description, const char *text,
					RrDocErrorKind kind, const char *node, const char *field,
					const char *message, const char *detail)
{
	RrDocError	err;
	bool		valid = validate(text, &err);
	bool		passed;

	passed = !valid && err.kind == kind && strcmp(err.node, node) == 0 &&
		strcmp(err.field, field) == 0 && strcmp(err.message, message) == 0 &&
		(detail == NULL || strcmp(err.detail, detail) == 0);
	if (!report(passed, "%s", description))
	{
		printf("#   expected: kind %s, node \"%s\", field \"%s\"\n"
			   "#     message: %s\n#     detail: %s\n", kind_names[kind],
			   node, field, message, detail != NULL ? detail : "(any)");
		print_error("got", &err);
	}
}

/*
 * expect_error
 *		expect_error_detail without checking the detail.
 */
static void
expect_error(const char *description, const char *text, RrDocErrorKind kind,
			 const char *node, const char *field, const char *message)
{
	expect_error_detail(description, text, kind, node, field, message, NULL);
}

/*
 * expect_node_error
 *		expect_error_detail for a document of "Start" plus the given nodes.
 */
static void
expect_node_error(const char *description, const char *nodes,
				  RrDocErrorKind kind, const char *node, const char *field,
				  const char *message, const char *detail)
{
	char		buf[DOC_BUFLEN];

	expect_error_detail(description, with_nodes(nodes, buf), kind, node,
						field, message, detail);
}

/*
 * expect_node_valid
 *		expect_valid for a document of "Start" plus the given nodes.
 */
static void
expect_node_valid(const char *description, const char *nodes)
{
	char		buf[DOC_BUFLEN];

	expect_valid(description, with_nodes(nodes, buf));
}

/*
 * expect_duration
 *		One test: rr_duration_parse accepts text as ms milliseconds, or
 *		rejects it when ms is negative.
 */
static void
expect_duration(const char *text, int64_t ms)
{
	int64_t		parsed = -1;
	bool		accepted = rr_duration_parse(text, &parsed);

	if (ms < 0)
	{
		if (!report(!accepted, "duration \"%s\" is rejected",
					text != NULL ? text : "(null)"))
			printf("#   parsed as %lld ms\n", (long long) parsed);
	}
	else if (!report(accepted && parsed == ms, "duration \"%s\" is %lld ms",
					 text, (long long) ms))
		printf("#   accepted %d, parsed %lld ms\n", accepted,
			   (long long) parsed);
}

/*
 * is_valid_utf8
 *		Whether text is well-formed UTF-8 (enough for the truncation tests).
 */
static bool
is_valid_utf8(const char *text)
{
	const unsigned char *p = (const unsigned char *) text;

	while (*p != '\0')
	{
		int			extra;
		int			i;

		if (*p < 0x80)
			extra = 0;
		else if ((*p & 0xe0) == 0xc0)
			extra = 1;
		else if ((*p & 0xf0) == 0xe0)
			extra = 2;
		else if ((*p & 0xf8) == 0xf0)
			extra = 3;
		else
			return false;
		for (i = 1; i <= extra; i++)
		{
			if ((p[i] & 0xc0) != 0x80)
				return false;
		}
		p += extra + 1;
	}
	return true;
}


/* ---------- Documents shared by several tests ---------- */

static const char example_document[] =
"{'nodes': ["
"  {'name': 'Start', 'type': 'trigger'},"
"  {'name': 'Total', 'type': 'set', 'params': {'fields': {'total': '{{ $json.price * $json.qty }}'}}},"
"  {'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ $json.total > 100 }}'}},"
"  {'name': 'Flag', 'type': 'sql', 'params': {'query': 'update orders set flagged = true where id = $1', 'args': ['{{ $json.id }}']},"
"   'retry': {'tries': 5, 'delay': '1s', 'backoff': 2, 'max_delay': '5min'}, 'on_error': 'stop'}"
" ],"
" 'connections': ["
"  {'from': 'Start', 'to': 'Total'},"
"  {'from': 'Total', 'to': 'Big?'},"
"  {'from': 'Big?', 'output': 'true', 'to': 'Flag'}"
" ],"
" 'settings': {'timeout': '5min', 'concurrency': 10, 'error_workflow': 'alerts', 'save': 'all'}"
"}";

static const char every_type_document[] =
"{'nodes': ["
"  {'name': 'Start', 'type': 'trigger', 'notes': 'manual start', 'disabled': false, 'params': {}},"
"  {'name': 'Set', 'type': 'set', 'params': {'fields': {'total': '{{ $json.price * $json.qty }}', 'n': 1,"
"      'deep': {'a': ['{{ $json.x }}', null, true]}}, 'rename': {'old': 'new', 'x': '{{ $json.name }}'},"
"      'remove': ['tmp'], 'keep_only': false},"
"   'retry': {'tries': 3, 'delay': '500ms', 'backoff': 1.5, 'max_delay': '1h 30m', 'jitter': 0.25},"
"   'on_error': 'continue', 'timeout': '30s', 'execute_once': false, 'always_output_data': true},"
"  {'name': 'If', 'type': 'if', 'params': {'condition': '{{ $json.total > 100 }}'}},"
"  {'name': 'Switch', 'type': 'switch', 'params': {'rules': ["
"      {'condition': '{{ $json.kind == \\'a\\' }}', 'output': 'a'},"
"      {'condition': '{{ $json.kind == \\'b\\' }}'}], 'mode': 'first', 'fallback': true}},"
"  {'name': 'Filter', 'type': 'filter', 'params': {'condition': '{{ $json.ok }}'}},"
"  {'name': 'Merge', 'type': 'merge', 'params': {'mode': 'by_key', 'inputs': 3, 'key': 'id',"
"      'right_key': 'order_id', 'join': 'left', 'branch': 2}},"
"  {'name': 'Split', 'type': 'split_out', 'params': {'field': 'lines', 'keep_fields': true, 'destination': 'line'}},"
"  {'name': 'Agg', 'type': 'aggregate', 'params': {'group_by': ['customer'], 'aggregations': ["
"      {'op': 'count', 'as': 'n'}, {'op': 'sum', 'field': 'total', 'as': 'sum'}]}},"
"  {'name': 'Limit', 'type': 'limit', 'params': {'max': 10, 'from': 'end'}},"
"  {'name': 'Sort', 'type': 'sort', 'params': {'by': [{'field': 'total', 'order': 'desc'}, {'field': 'id'}]}},"
"  {'name': 'Dedup', 'type': 'remove_duplicates', 'params': {'fields': ['id'], 'scope': 'workflow'}},"
"  {'name': 'Noop', 'type': 'noop'},"
"  {'name': 'Fail', 'type': 'stop_and_error', 'params': {'message': 'Order {{ $json.id }} is bad', 'code': 'P0001'},"
"   'on_error': 'error_output'},"
"  {'name': 'Sql', 'type': 'sql', 'params': {'query': 'select * from orders where id = $1',"
"      'args': ['{{ $json.id }}', 5, null], 'mode': 'once'}},"
"  {'name': 'Fn', 'type': 'function', 'params': {'function': 'public.process_order', 'mode': 'per_item'}},"
"  {'name': 'Notify', 'type': 'notify', 'params': {'channel': 'orders', 'payload': {'id': '{{ $json.id }}', 'n': [1, 2]}}}"
" ],"
" 'connections': ["
"  {'from': 'Start', 'to': 'Set'},"
"  {'from': 'Set', 'to': 'If'},"
"  {'from': 'If', 'output': 'true', 'to': 'Switch'},"
"  {'from': 'If', 'output': 'false', 'to': 'Filter'},"
"  {'from': 'Switch', 'output': 'a', 'to': 'Merge', 'input': 0},"
"  {'from': 'Switch', 'output': '1', 'to': 'Merge', 'input': 1},"
"  {'from': 'Switch', 'output': 'fallback', 'to': 'Merge', 'input': 2},"
"  {'from': 'Filter', 'to': 'Split'},"
"  {'from': 'Merge', 'to': 'Agg'},"
"  {'from': 'Split', 'to': 'Agg'},"
"  {'from': 'Agg', 'to': 'Limit'},"
"  {'from': 'Limit', 'to': 'Sort'},"
"  {'from': 'Sort', 'to': 'Dedup'},"
"  {'from': 'Dedup', 'to': 'Noop'},"
"  {'from': 'Noop', 'to': 'Fail'},"
"  {'from': 'Fail', 'output': 'error', 'to': 'Sql'},"
"  {'from': 'Sql', 'to': 'Fn'},"
"  {'from': 'Fn', 'to': 'Notify'}"
" ],"
" 'settings': {'timeout': '5min', 'concurrency': 10, 'error_workflow': 'alerts', 'save': 'errors',"
"   'vars': {'region': 'eu'}},"
" 'description': 'Every node type and every param',"
" 'meta': {'editor': {'x': 1, 'y': [2]}}"
"}";

#define DURATION_DETAIL \
	"Durations are a number and a unit such as \"500ms\", \"30s\", " \
	"\"5min\", \"2h\" or \"1d\"."
#define CONDITION_DETAIL \
	"Write the whole condition as one expression, such as " \
	"\"{{ $json.total > 100 }}\"."


/* ---------- Valid documents ---------- */

static void
test_valid_documents(void)
{
	RrDocError	err;
	char		buf[DOC_BUFLEN];
	bool		valid;

	expect_valid("the example document is valid", example_document);
	expect_valid("a document with every node type and every param is valid",
				 every_type_document);
	expect_valid("a lone trigger is a valid document",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}]}");
	expect_valid("whitespace around the document is fine",
				 "  \n {'nodes': [{'name': 'Start', 'type': 'trigger'}]} \n");

	/* the caller may pass no error struct and no limits */
	quote(example_document, buf);
	report(rr_document_validate(buf, strlen(buf), NULL, NULL, NULL, NULL),
		   "NULL limits, check and error are allowed for a valid document");
	report(!rr_document_validate("[", 1, NULL, NULL, NULL, NULL),
		   "NULL error is allowed for an invalid document");
	report(!rr_document_validate(NULL, 0, NULL, NULL, NULL, &err) &&
		   err.kind == RR_DOC_SYNTAX,
		   "a NULL document is a syntax error");

	/* a failed call followed by a good one leaves no trace in err */
	validate("[", &err);
	valid = validate(example_document, &err);
	report(valid && err.kind == RR_DOC_OK && err.node[0] == '\0' &&
		   err.field[0] == '\0' && err.message[0] == '\0' &&
		   err.detail[0] == '\0',
		   "a valid document clears the error struct");
}


/* ---------- Rule 1: the document as a whole ---------- */

static void
test_document_rules(void)
{
	RrDocLimits small = {100, 1000};
	RrDocLimits two_nodes = {1024 * 1024, 2};
	RrDocError	err;
	char		buf[DOC_BUFLEN];
	char		big[2000];
	bool		valid;

	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"nodes\": []}", 13);
	valid = rr_document_validate(big, sizeof(big), &small, NULL, NULL, &err);
	if (!report(!valid && err.kind == RR_DOC_TOO_LARGE &&
				strcmp(err.message, "workflow document is too large") == 0 &&
				strcmp(err.detail, "The document is 2000 bytes; the limit is "
					   "100 bytes.") == 0 &&
				err.node[0] == '\0' && err.field[0] == '\0',
				"a document over max_bytes is too large, before parsing"))
		print_error("got", &err);

	quote("{'nodes': [{'name': 'Start', 'type': 'trigger'}]}", buf);
	report(rr_document_validate(buf, strlen(buf), &small, NULL, NULL, &err),
		   "a document of exactly max_bytes or less is fine");

	quote("{'nodes': [{'name': 'A', 'type': 'trigger'}, {'name': 'B', "
		  "'type': 'noop'}, {'name': 'C', 'type': 'noop'}]}", buf);
	valid = rr_document_validate(buf, strlen(buf), &two_nodes, NULL, NULL,
								 &err);
	if (!report(!valid && err.kind == RR_DOC_TOO_LARGE &&
				strcmp(err.field, "nodes") == 0 &&
				strcmp(err.message, "workflow document is too large") == 0 &&
				strcmp(err.detail, "It has 3 nodes; the limit is 2.") == 0,
				"more than max_nodes nodes is too large"))
		print_error("got", &err);

	expect_error("text that is not JSON is a syntax error", "{'nodes': [",
				 RR_DOC_SYNTAX, "", "", "workflow document is not valid JSON");
	validate("{'nodes': [}", &err);
	report(strncmp(err.detail, "Parse error at line 1, column ", 30) == 0 &&
		   err.detail[strlen(err.detail) - 1] == '.',
		   "a syntax error's detail gives the line and jansson's text");
	expect_error("duplicate keys are a syntax error",
				 "{'nodes': [], 'nodes': []}",
				 RR_DOC_SYNTAX, "", "", "workflow document is not valid JSON");
	expect_error("trailing garbage is a syntax error",
				 "{'nodes': []} x",
				 RR_DOC_SYNTAX, "", "", "workflow document is not valid JSON");
	expect_error("an escaped NUL character is a syntax error",
				 "{'nodes': [{'name': 'a\\u0000b', 'type': 'trigger'}]}",
				 RR_DOC_SYNTAX, "", "", "workflow document is not valid JSON");
	report(!rr_document_validate("{\"nodes\": [{\"name\": \"S\", \"type\": "
								 "\"trigger\"}]}", 10, NULL, NULL, NULL, &err) &&
		   err.kind == RR_DOC_SYNTAX,
		   "only len bytes of the text are read");
	report(!rr_document_validate("{\"nodes\": []}\0{}", 16, NULL, NULL, NULL,
								 &err) && err.kind == RR_DOC_SYNTAX,
		   "a NUL byte inside len is a syntax error");

	expect_error("a top-level array is invalid", "[]",
				 RR_DOC_INVALID, "", "",
				 "workflow document must be a JSON object");
	expect_error("a top-level string is invalid", "'nodes'",
				 RR_DOC_INVALID, "", "",
				 "workflow document must be a JSON object");
	expect_error_detail("an unknown top-level key is invalid",
						"{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'node': []}",
						RR_DOC_INVALID, "", "node",
						"workflow document has unknown field \"node\"",
						"Known fields are \"nodes\", \"connections\", "
						"\"settings\", \"description\", \"meta\", \"triggers\", "
						"\"pin_data\".");
	expect_error("a document without nodes is invalid", "{}",
				 RR_DOC_INVALID, "", "nodes",
				 "workflow document is missing required field \"nodes\"");
	expect_error("nodes must be an array", "{'nodes': {}}",
				 RR_DOC_PARAM_TYPE, "", "nodes",
				 "workflow document field \"nodes\" must be an array");
	expect_error("nodes must not be empty", "{'nodes': []}",
				 RR_DOC_INVALID, "", "nodes",
				 "workflow document field \"nodes\" must not be empty");
	expect_error("connections must be an array",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'connections': {}}",
				 RR_DOC_PARAM_TYPE, "", "connections",
				 "workflow document field \"connections\" must be an array");
	expect_error("settings must be an object",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'settings': []}",
				 RR_DOC_PARAM_TYPE, "", "settings",
				 "workflow document field \"settings\" must be an object");
	expect_error("description must be a string",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'description': 1}",
				 RR_DOC_PARAM_TYPE, "", "description",
				 "workflow document field \"description\" must be a string");
	expect_error("meta must be an object",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'meta': 'x'}",
				 RR_DOC_PARAM_TYPE, "", "meta",
				 "workflow document field \"meta\" must be an object");
	expect_valid("meta is free-form",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], "
				 "'meta': {'anything': [1, {'{{': '}}'}]}, 'connections': []}");
	expect_valid("triggers as export_workflow() lists them",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'triggers': ["
				 "{'kind': 'table', 'target': 'public.orders', 'options': "
				 "{'events': ['insert'], 'level': 'row', 'mode': 'async'}}, "
				 "{'kind': 'notify', 'target': 'orders'}]}");
	expect_error("triggers must be an array",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'triggers': {}}",
				 RR_DOC_PARAM_TYPE, "", "triggers",
				 "workflow document field \"triggers\" must be an array");
	expect_error("a trigger must be an object",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'triggers': ['x']}",
				 RR_DOC_PARAM_TYPE, "", "triggers[0]",
				 "workflow document field \"triggers[0]\" must be an object");
	expect_error("a trigger names its kind",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], "
				 "'triggers': [{'target': 'x'}]}",
				 RR_DOC_INVALID, "", "triggers[0].kind",
				 "workflow document is missing required field \"triggers[0].kind\"");
	expect_error("a trigger has no other fields",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], "
				 "'triggers': [{'kind': 'table', 'target': 'x', 'id': 3}]}",
				 RR_DOC_INVALID, "", "triggers[0].id",
				 "workflow document has unknown field \"triggers[0].id\"");
	expect_valid("pin_data gives nodes' items",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], "
				 "'pin_data': {'Start': [{'a': 1}, {}]}}");
	expect_valid("pin_data may pin no item",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], "
				 "'pin_data': {'Start': []}}");
	expect_error("pin_data must be an object",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'pin_data': []}",
				 RR_DOC_PARAM_TYPE, "", "pin_data",
				 "workflow document field \"pin_data\" must be an object");
	expect_error("pin_data names nodes of the document",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], "
				 "'pin_data': {'Nope': []}}",
				 RR_DOC_UNDEFINED_REF, "", "pin_data.Nope",
				 "pin_data refers to missing node \"Nope\"");
	expect_error("pin_data gives arrays",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], "
				 "'pin_data': {'Start': {'a': 1}}}",
				 RR_DOC_INVALID, "Start", "pin_data.Start",
				 "pin_data of node \"Start\" must be an array of objects");
	expect_error_detail("pin_data gives arrays of objects",
						"{'nodes': [{'name': 'Start', 'type': 'trigger'}], "
						"'pin_data': {'Start': [{}, 3]}}",
						RR_DOC_INVALID, "Start", "pin_data.Start",
						"pin_data of node \"Start\" must be an array of objects",
						"Element 1 is not an object.");
}


/* ---------- Rule 2: common node fields ---------- */

static void
test_node_rules(void)
{
	char		buf[DOC_BUFLEN];
	char		name[300];

	expect_node_error("a node must be an object", "[]",
					  RR_DOC_PARAM_TYPE, "", "nodes[1]",
					  "nodes[1] must be an object", NULL);
	expect_node_error("a node needs a name", "{'type': 'noop'}",
					  RR_DOC_INVALID, "", "nodes[1].name",
					  "nodes[1] is missing required field \"name\"", NULL);
	expect_node_error("a node name must be a string",
					  "{'name': 7, 'type': 'noop'}",
					  RR_DOC_PARAM_TYPE, "", "nodes[1].name",
					  "nodes[1] field \"name\" must be a string", NULL);
	expect_node_error("a node name must not be empty",
					  "{'name': '', 'type': 'noop'}",
					  RR_DOC_INVALID, "", "nodes[1].name",
					  "nodes[1] field \"name\" must be between 1 and 128 bytes long",
					  NULL);

	memset(name, 'n', 128);
	name[128] = '\0';
	snprintf(buf, sizeof(buf), "{'name': '%s', 'type': 'noop'}", name);
	expect_node_valid("a node name of 128 bytes is fine", buf);
	memset(name, 'n', 129);
	name[129] = '\0';
	snprintf(buf, sizeof(buf), "{'name': '%s', 'type': 'noop'}", name);
	expect_node_error("a node name of 129 bytes is too long", buf,
					  RR_DOC_INVALID, "", "nodes[1].name",
					  "nodes[1] field \"name\" must be between 1 and 128 bytes long",
					  NULL);
	expect_node_error("a node name must not contain a tab",
					  "{'name': 'a\\tb', 'type': 'noop'}",
					  RR_DOC_INVALID, "", "nodes[1].name",
					  "nodes[1] field \"name\" must be free of control characters",
					  NULL);
	expect_node_error("a node name must not contain DEL",
					  "{'name': 'a\\u007fb', 'type': 'noop'}",
					  RR_DOC_INVALID, "", "nodes[1].name",
					  "nodes[1] field \"name\" must be free of control characters",
					  NULL);
	expect_node_error("a node name must not contain a C1 control",
					  "{'name': 'a\\u0085b', 'type': 'noop'}",
					  RR_DOC_INVALID, "", "nodes[1].name",
					  "nodes[1] field \"name\" must be free of control characters",
					  NULL);
	expect_node_valid("a node name may hold spaces, punctuation and UTF-8",
					  "{'name': 'Grüße: \\\\ \\'quoted\\' \\u00e9 \\u2603', 'type': 'noop'}");
	expect_node_error("node names are unique",
					  "{'name': 'Total', 'type': 'noop'}, {'name': 'Total', 'type': 'set'}",
					  RR_DOC_DUPLICATE_NAME, "Total", "name",
					  "duplicate node name \"Total\"",
					  "Both nodes[1] and nodes[2] are named \"Total\".");
	expect_node_error("a node needs a type", "{'name': 'X'}",
					  RR_DOC_INVALID, "X", "type",
					  "node \"X\" is missing required field \"type\"", NULL);
	expect_node_error("a node type must be a string",
					  "{'name': 'X', 'type': ['if']}",
					  RR_DOC_PARAM_TYPE, "X", "type",
					  "node \"X\" field \"type\" must be a string", NULL);
	expect_node_error("an unknown type is reported as such",
					  "{'name': 'Big?', 'type': 'iff'}",
					  RR_DOC_UNKNOWN_TYPE, "Big?", "type",
					  "node \"Big?\" has unknown type \"iff\"",
					  "Known types are \"trigger\", \"set\", \"if\", \"switch\", "
					  "\"filter\", \"merge\", \"split_out\", \"aggregate\", "
					  "\"limit\", \"sort\", \"remove_duplicates\", \"noop\", "
					  "\"stop_and_error\", \"sql\", \"function\", \"notify\", \"wait\", "
					  "\"execute_workflow\", \"http\", \"connector\", \"rename_keys\", \"compare_datasets\", \"date_time\", "
					  "\"ai_agent\", \"split_in_batches\", \"summarize\".");
	expect_node_error("types that come later are unknown for now",
					  "{'name': 'Call', 'type': 'graphql'}",
					  RR_DOC_UNKNOWN_TYPE, "Call", "type",
					  "node \"Call\" has unknown type \"graphql\"", NULL);
	expect_node_error("an unknown node field is invalid",
					  "{'name': 'X', 'type': 'noop', 'parameters': {}}",
					  RR_DOC_INVALID, "X", "parameters",
					  "node \"X\" has unknown field \"parameters\"",
					  "Known fields are \"name\", \"type\", \"params\", \"retry\", "
					  "\"on_error\", \"timeout\", \"execute_once\", "
					  "\"always_output_data\", \"disabled\", \"notes\", \"position\".");
	expect_node_error("a position is two numbers",
					  "{'name': 'X', 'type': 'noop', 'position': [1, 2, 3]}",
					  RR_DOC_INVALID, "X", "position",
					  "node \"X\" field \"position\" must have exactly 2 items", NULL);
	expect_node_error("params must be an object",
					  "{'name': 'X', 'type': 'noop', 'params': []}",
					  RR_DOC_PARAM_TYPE, "X", "params",
					  "node \"X\" field \"params\" must be an object", NULL);
	expect_node_error("retry must be an object",
					  "{'name': 'X', 'type': 'noop', 'retry': 3}",
					  RR_DOC_PARAM_TYPE, "X", "retry",
					  "node \"X\" field \"retry\" must be an object", NULL);
	expect_node_error("an unknown retry field is invalid",
					  "{'name': 'X', 'type': 'noop', 'retry': {'tries': 2, 'times': 3}}",
					  RR_DOC_INVALID, "X", "retry.times",
					  "node \"X\" has unknown field \"retry.times\"",
					  "Known fields are \"tries\", \"delay\", \"backoff\", "
					  "\"max_delay\", \"jitter\".");
	expect_node_error("retry.tries must be at least 1",
					  "{'name': 'X', 'type': 'noop', 'retry': {'tries': 0}}",
					  RR_DOC_INVALID, "X", "retry.tries",
					  "node \"X\" field \"retry.tries\" must be between 1 and 100",
					  NULL);
	expect_node_error("retry.tries is bounded (issue 9, F16: retry storms)",
					  "{'name': 'X', 'type': 'noop', 'retry': {'tries': 1000000000}}",
					  RR_DOC_INVALID, "X", "retry.tries",
					  "node \"X\" field \"retry.tries\" must be between 1 and 100",
					  NULL);
	expect_node_valid("retry.tries may be 100",
					  "{'name': 'X', 'type': 'noop', 'retry': {'tries': 100}}");
	expect_node_error("a wait node with two modes is refused (issue 9, F3)",
					  "{'name': 'W', 'type': 'wait', 'params': {'for': '1s', 'resume': true}}",
					  RR_DOC_INVALID, "W", "params",
					  "node \"W\" must have exactly one of the params \"for\", \"until\", \"resume\"",
					  "It has 2 of them.");
	expect_node_error("a wait node without a mode is refused",
					  "{'name': 'W', 'type': 'wait', 'params': {}}",
					  RR_DOC_INVALID, "W", "params",
					  "node \"W\" must have exactly one of the params \"for\", \"until\", \"resume\"",
					  "It has 0 of them.");
	expect_node_error("a wait node's timeout needs resume",
					  "{'name': 'W', 'type': 'wait', 'params': {'for': '1s', 'timeout': '1h'}}",
					  RR_DOC_INVALID, "W", "params",
					  "node \"W\" param \"timeout\" needs \"resume\"",
					  NULL);
	expect_node_error("an http node's max_pages needs a way to page",
					  "{'name': 'H', 'type': 'http', 'params': {'url': 'https://x', 'max_pages': 3}}",
					  RR_DOC_INVALID, "H", "params",
					  "node \"H\" param \"max_pages\" needs \"next_url\", \"pagination\" or \"next_link\"",
					  NULL);
	expect_node_valid("an http node's next_link pages",
					  "{'name': 'H', 'type': 'http', 'params': {'url': 'https://x', 'next_link': true, 'max_pages': 3}}");
	expect_node_error("an http node's next_link excludes next_url",
					  "{'name': 'H', 'type': 'http', 'params': {'url': 'https://x', 'next_link': true, 'next_url': '{{ $json.next }}'}}",
					  RR_DOC_INVALID, "H", "params",
					  "node \"H\" may not have both params \"next_link\" and \"next_url\"",
					  NULL);
	expect_node_valid("a connector node's operation params are its handler's to check",
					  "{'name': 'C', 'type': 'connector', 'params': {'connector': 'slack', 'operation': 'chat.postMessage', 'channel': '{{ $json.c }}', 'blocks': [1]}}");
	expect_node_error("but its expressions are checked",
					  "{'name': 'C', 'type': 'connector', 'params': {'connector': 'slack', 'operation': 'x', 'channel': 'a {{ $json.c'}}",
					  RR_DOC_EXPRESSION, "C", "params.channel",
					  "invalid expression in node \"C\" field \"params.channel\"",
					  NULL);
	expect_node_valid("a wait node's timeout with resume is fine",
					  "{'name': 'W', 'type': 'wait', 'params': {'resume': true, 'timeout': '1h'}}");
	expect_node_valid("a wait node's resume: false is no mode",
					  "{'name': 'W', 'type': 'wait', 'params': {'for': '1s', 'resume': false}}");
	expect_node_error("retry.backoff is bounded (issue 9, F16: wrapped-around waits)",
					  "{'name': 'X', 'type': 'noop', 'retry': {'tries': 4, 'backoff': 1e300}}",
					  RR_DOC_INVALID, "X", "retry.backoff",
					  "node \"X\" field \"retry.backoff\" must be between 1 and 100",
					  NULL);
	expect_node_error("retry.tries must be an integer",
					  "{'name': 'X', 'type': 'noop', 'retry': {'tries': 1.5}}",
					  RR_DOC_PARAM_TYPE, "X", "retry.tries",
					  "node \"X\" field \"retry.tries\" must be an integer", NULL);
	expect_node_error("node fields are never expressions",
					  "{'name': 'X', 'type': 'noop', 'retry': {'tries': '{{ $json.n }}'}}",
					  RR_DOC_PARAM_TYPE, "X", "retry.tries",
					  "node \"X\" field \"retry.tries\" must be an integer", NULL);
	expect_node_error("a bad retry.delay is a duration error",
					  "{'name': 'Flag', 'type': 'noop', 'retry': {'delay': '5 parsecs'}}",
					  RR_DOC_DURATION, "Flag", "retry.delay",
					  "invalid duration \"5 parsecs\" in node \"Flag\" field \"retry.delay\"",
					  DURATION_DETAIL);
	expect_node_error("a duration must be a string",
					  "{'name': 'Flag', 'type': 'noop', 'retry': {'delay': 5}}",
					  RR_DOC_PARAM_TYPE, "Flag", "retry.delay",
					  "node \"Flag\" field \"retry.delay\" must be a string",
					  DURATION_DETAIL);
	expect_node_error("a bad retry.max_delay is a duration error",
					  "{'name': 'Flag', 'type': 'noop', 'retry': {'max_delay': '-5s'}}",
					  RR_DOC_DURATION, "Flag", "retry.max_delay",
					  "invalid duration \"-5s\" in node \"Flag\" field \"retry.max_delay\"",
					  DURATION_DETAIL);
	expect_node_valid("a zero retry.delay is fine",
					  "{'name': 'X', 'type': 'noop', 'retry': {'delay': '0s'}}");
	expect_node_error("retry.backoff must be at least 1",
					  "{'name': 'X', 'type': 'noop', 'retry': {'backoff': 0.5}}",
					  RR_DOC_INVALID, "X", "retry.backoff",
					  "node \"X\" field \"retry.backoff\" must be between 1 and 100", NULL);
	expect_node_error("retry.backoff must be a number",
					  "{'name': 'X', 'type': 'noop', 'retry': {'backoff': '2'}}",
					  RR_DOC_PARAM_TYPE, "X", "retry.backoff",
					  "node \"X\" field \"retry.backoff\" must be a number", NULL);
	expect_node_error("retry.jitter must be at most 1",
					  "{'name': 'X', 'type': 'noop', 'retry': {'jitter': 1.5}}",
					  RR_DOC_INVALID, "X", "retry.jitter",
					  "node \"X\" field \"retry.jitter\" must be between 0 and 1",
					  NULL);
	expect_node_error("retry.jitter must not be negative",
					  "{'name': 'X', 'type': 'noop', 'retry': {'jitter': -0.1}}",
					  RR_DOC_INVALID, "X", "retry.jitter",
					  "node \"X\" field \"retry.jitter\" must be between 0 and 1",
					  NULL);
	expect_node_valid("retry.jitter may be 0 or 1, backoff 1",
					  "{'name': 'X', 'type': 'noop', 'retry': {'jitter': 0, 'backoff': 1}},"
					  "{'name': 'Y', 'type': 'noop', 'retry': {'jitter': 1}}");
	expect_node_error("on_error takes one of three values",
					  "{'name': 'X', 'type': 'noop', 'on_error': 'halt'}",
					  RR_DOC_INVALID, "X", "on_error",
					  "node \"X\" field \"on_error\" has invalid value \"halt\"",
					  "Valid values are \"stop\", \"continue\", \"error_output\".");
	expect_node_error("on_error must be a string",
					  "{'name': 'X', 'type': 'noop', 'on_error': true}",
					  RR_DOC_PARAM_TYPE, "X", "on_error",
					  "node \"X\" field \"on_error\" must be a string", NULL);
	expect_node_error("a node timeout must be greater than zero",
					  "{'name': 'X', 'type': 'noop', 'timeout': '0s'}",
					  RR_DOC_INVALID, "X", "timeout",
					  "node \"X\" field \"timeout\" must be greater than zero",
					  NULL);
	expect_node_error("a bad node timeout is a duration error",
					  "{'name': 'X', 'type': 'noop', 'timeout': 'soon'}",
					  RR_DOC_DURATION, "X", "timeout",
					  "invalid duration \"soon\" in node \"X\" field \"timeout\"",
					  DURATION_DETAIL);
	expect_node_error("a node timeout must be a string",
					  "{'name': 'X', 'type': 'noop', 'timeout': 30}",
					  RR_DOC_PARAM_TYPE, "X", "timeout",
					  "node \"X\" field \"timeout\" must be a string", NULL);
	expect_node_error("execute_once must be a boolean",
					  "{'name': 'X', 'type': 'noop', 'execute_once': 'yes'}",
					  RR_DOC_PARAM_TYPE, "X", "execute_once",
					  "node \"X\" field \"execute_once\" must be a boolean", NULL);
	expect_node_error("always_output_data must be a boolean",
					  "{'name': 'X', 'type': 'noop', 'always_output_data': 1}",
					  RR_DOC_PARAM_TYPE, "X", "always_output_data",
					  "node \"X\" field \"always_output_data\" must be a boolean",
					  NULL);
	expect_node_error("disabled must be a boolean",
					  "{'name': 'X', 'type': 'noop', 'disabled': null}",
					  RR_DOC_PARAM_TYPE, "X", "disabled",
					  "node \"X\" field \"disabled\" must be a boolean", NULL);
	expect_node_error("notes must be a string",
					  "{'name': 'X', 'type': 'noop', 'notes': ['a']}",
					  RR_DOC_PARAM_TYPE, "X", "notes",
					  "node \"X\" field \"notes\" must be a string", NULL);
	expect_node_valid("notes are not scanned for expressions",
					  "{'name': 'X', 'type': 'noop', 'notes': 'see {{ here'}");
}


/* ---------- Rule 3: params against the node type ---------- */

static void
test_param_rules(void)
{
	char		buf[DOC_BUFLEN];
	size_t		len;
	int			i;

	/* generic rules */
	expect_node_error("an unknown param is invalid",
					  "{'name': 'Big?', 'type': 'if', 'params': {'conditon': '{{ $json.a }}'}}",
					  RR_DOC_INVALID, "Big?", "params.conditon",
					  "node \"Big?\" has unknown param \"conditon\"",
					  "Known params are \"condition\", \"conditions\".");
	expect_error_detail("a trigger takes no params",
						"{'nodes': [{'name': 'Start', 'type': 'trigger', 'params': {'cron': '* * * * *'}}]}",
						RR_DOC_INVALID, "Start", "params.cron",
						"node \"Start\" has unknown param \"cron\"",
						"It takes no params.");
	expect_node_error("a required param must be present",
					  "{'name': 'Top', 'type': 'limit', 'params': {}}",
					  RR_DOC_INVALID, "Top", "params.max",
					  "node \"Top\" is missing required param \"max\"",
					  "");
	expect_node_error("a required param must be present without params",
					  "{'name': 'Top', 'type': 'limit'}",
					  RR_DOC_INVALID, "Top", "params.max",
					  "node \"Top\" is missing required param \"max\"",
					  NULL);
	expect_node_error("a param of the wrong type",
					  "{'name': 'Flag', 'type': 'sql', 'params': {'query': 5}}",
					  RR_DOC_PARAM_TYPE, "Flag", "params.query",
					  "node \"Flag\" param \"query\" must be a string", NULL);

	/* the lone-expression exception */
	expect_node_valid("a lone expression stands in for an integer",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': '{{ $json.n }}'}}");
	expect_node_error("whitespace around an expression makes it a string (n8n's rule)",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': ' {{ $json.n }}'}}",
					  RR_DOC_PARAM_TYPE, "L", "params.max",
					  "node \"L\" param \"max\" must be an integer", NULL);
	expect_node_valid("n8n's leading = before a lone expression",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': '={{ $json.n }}'}}");
	expect_node_valid("a lone expression stands in for a boolean",
					  "{'name': 'S', 'type': 'set', 'params': {'keep_only': '{{ $json.k }}'}}");
	expect_node_valid("a lone expression stands in for an object",
					  "{'name': 'S', 'type': 'set', 'params': {'fields': '{{ $json.all }}'}}");
	expect_node_valid("a lone expression stands in for an array",
					  "{'name': 'Q', 'type': 'sql', 'params': {'query': 'select $1', 'args': '{{ $json.args }}'}}");
	expect_node_valid("a lone expression stands in for an array item",
					  "{'name': 'S', 'type': 'set', 'params': {'remove': ['a', '{{ $json.b }}']}}");
	expect_node_error("text around an expression makes it a string",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': '{{ $json.n }} items'}}",
					  RR_DOC_PARAM_TYPE, "L", "params.max",
					  "node \"L\" param \"max\" must be an integer", NULL);
	expect_node_error("two expressions are not a lone expression",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': '{{ $json.a }}{{ $json.b }}'}}",
					  RR_DOC_PARAM_TYPE, "L", "params.max",
					  "node \"L\" param \"max\" must be an integer", NULL);
	expect_node_error("a plain string is no integer",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': 'ten'}}",
					  RR_DOC_PARAM_TYPE, "L", "params.max",
					  "node \"L\" param \"max\" must be an integer", NULL);
	expect_node_error("choices are never expressions",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': 1, 'from': '{{ $json.end }}'}}",
					  RR_DOC_INVALID, "L", "params.from",
					  "node \"L\" param \"from\" has invalid value \"{{ $json.end }}\"",
					  "Valid values are \"start\", \"end\".");
	expect_node_error("literal params take no lone expression either",
					  "{'name': 'E', 'type': 'stop_and_error', 'params': {'message': 'm', 'code': '{{ $json.c }}'}}",
					  RR_DOC_INVALID, "E", "params.code",
					  "node \"E\" param \"code\" must be a SQLSTATE of five digits or upper-case letters",
					  NULL);

	/* set */
	expect_node_error("set: rename values must be strings",
					  "{'name': 'S', 'type': 'set', 'params': {'rename': {'a': 'b', 'c': 1}}}",
					  RR_DOC_PARAM_TYPE, "S", "params.rename.c",
					  "node \"S\" param \"rename.c\" must be a string", NULL);
	expect_node_error("set: rename must be an object",
					  "{'name': 'S', 'type': 'set', 'params': {'rename': ['a']}}",
					  RR_DOC_PARAM_TYPE, "S", "params.rename",
					  "node \"S\" param \"rename\" must be an object", NULL);
	expect_node_error("set: remove items must be strings",
					  "{'name': 'S', 'type': 'set', 'params': {'remove': ['a', 2]}}",
					  RR_DOC_PARAM_TYPE, "S", "params.remove[1]",
					  "node \"S\" param \"remove[1]\" must be a string", NULL);
	expect_node_error("set: remove must be an array",
					  "{'name': 'S', 'type': 'set', 'params': {'remove': 'a'}}",
					  RR_DOC_PARAM_TYPE, "S", "params.remove",
					  "node \"S\" param \"remove\" must be an array", NULL);
	expect_node_error("set: keep_only must be a boolean",
					  "{'name': 'S', 'type': 'set', 'params': {'keep_only': 'yes'}}",
					  RR_DOC_PARAM_TYPE, "S", "params.keep_only",
					  "node \"S\" param \"keep_only\" must be a boolean", NULL);
	expect_node_error("set: fields must be an object",
					  "{'name': 'S', 'type': 'set', 'params': {'fields': 1}}",
					  RR_DOC_PARAM_TYPE, "S", "params.fields",
					  "node \"S\" param \"fields\" must be an object", NULL);

	/* if, filter */
	expect_node_error("if: condition must be a string",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': true}}",
					  RR_DOC_PARAM_TYPE, "Big?", "params.condition",
					  "node \"Big?\" param \"condition\" must be a string",
					  CONDITION_DETAIL);
	expect_node_error("filter: condition or conditions is required",
					  "{'name': 'F', 'type': 'filter'}",
					  RR_DOC_INVALID, "F", "params",
					  "node \"F\" must have exactly one of the params \"condition\", \"conditions\"",
					  "It has 0 of them.");
	expect_node_error("filter: not both condition and conditions",
					  "{'name': 'F', 'type': 'filter', 'params': {'condition': '{{ true }}', 'conditions': {'rules': [{'left': 1, 'operator': {'type': 'number', 'operation': 'exists'}}]}}}",
					  RR_DOC_INVALID, "F", "params",
					  "node \"F\" must have exactly one of the params \"condition\", \"conditions\"",
					  "It has 2 of them.");
	expect_node_error("conditions: an operation of the operator's type",
					  "{'name': 'F', 'type': 'filter', 'params': {'conditions': {'rules': [{'left': 1, 'right': 2, 'operator': {'type': 'number', 'operation': 'contains'}}]}}}",
					  RR_DOC_INVALID, "F", "params.conditions.rules[0].operator.operation",
					  "node \"F\" param \"conditions.rules[0].operator.operation\" has invalid value \"contains\"",
					  "Valid values here are \"exists\", \"notExists\", \"empty\", \"notEmpty\", \"equals\", \"notEquals\", \"gt\", \"lt\", \"gte\", \"lte\".");
	expect_node_error("conditions: a known type",
					  "{'name': 'F', 'type': 'filter', 'params': {'conditions': {'rules': [{'left': 1, 'operator': {'type': 'date', 'operation': 'exists'}}]}}}",
					  RR_DOC_INVALID, "F", "params.conditions.rules[0].operator.type",
					  "node \"F\" param \"conditions.rules[0].operator.type\" has invalid value \"date\"",
					  "Valid values are \"string\", \"number\", \"dateTime\", \"boolean\", \"array\", \"object\", \"any\".");
	expect_node_error("conditions: a rule needs left",
					  "{'name': 'F', 'type': 'filter', 'params': {'conditions': {'rules': [{'operator': {'type': 'number', 'operation': 'exists'}}]}}}",
					  RR_DOC_INVALID, "F", "params.conditions.rules[0].left",
					  "node \"F\" is missing required param \"conditions.rules[0].left\"",
					  NULL);
	expect_node_valid("conditions: left and right may be computed",
					  "{'name': 'F', 'type': 'filter', 'params': {'conditions': {'rules': [{'left': '{{ $json.s }}', 'operator': {'type': 'string', 'operation': 'regex'}, 'right': '{{ $json.p }}'}], 'combinator': 'or'}}}");
	expect_node_error("conditions: how they combine is no expression",
					  "{'name': 'F', 'type': 'filter', 'params': {'conditions': {'rules': [{'left': 1, 'operator': {'type': 'number', 'operation': 'exists'}}], 'case_sensitive': '{{ $json.c }}'}}}",
					  RR_DOC_PARAM_TYPE, "F", "params.conditions.case_sensitive",
					  "node \"F\" param \"conditions.case_sensitive\" must be a boolean",
					  NULL);
	expect_node_error("switch: a rule has condition or conditions, not both",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ true }}', 'conditions': {'rules': [{'left': 1, 'operator': {'type': 'number', 'operation': 'exists'}}]}}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[0]",
					  "node \"Sw\" param \"rules[0]\" must have exactly one of the fields \"condition\", \"conditions\"",
					  "It has 2 of them.");

	/* switch */
	expect_node_error("switch: rules are required",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'mode': 'all'}}",
					  RR_DOC_INVALID, "Sw", "params.rules",
					  "node \"Sw\" is missing required param \"rules\"", NULL);
	expect_node_error("switch: rules must not be empty",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': []}}",
					  RR_DOC_INVALID, "Sw", "params.rules",
					  "node \"Sw\" param \"rules\" must have between 1 and 64 items",
					  NULL);
	len = (size_t) snprintf(buf, sizeof(buf),
							"{'name': 'Sw', 'type': 'switch', 'params': {'rules': [");
	for (i = 0; i < 65; i++)
		len += (size_t) snprintf(buf + len, sizeof(buf) - len,
								 "%s{'condition': '{{ $json.n == %d }}'}",
								 i > 0 ? ", " : "", i);
	snprintf(buf + len, sizeof(buf) - len, "]}}");
	expect_node_error("switch: at most 64 rules", buf,
					  RR_DOC_INVALID, "Sw", "params.rules",
					  "node \"Sw\" param \"rules\" must have between 1 and 64 items",
					  NULL);
	expect_node_error("switch: rules are no lone expression (they make outputs)",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': '{{ $json.rules }}'}}",
					  RR_DOC_PARAM_TYPE, "Sw", "params.rules",
					  "node \"Sw\" param \"rules\" must be an array", NULL);
	expect_node_error("switch: a rule must be an object",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': ['{{ $json.a }}']}}",
					  RR_DOC_PARAM_TYPE, "Sw", "params.rules[0]",
					  "node \"Sw\" param \"rules[0]\" must be an object", NULL);
	expect_node_error("switch: a rule needs a condition",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}'}, {'output': 'b'}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[1]",
					  "node \"Sw\" param \"rules[1]\" must have exactly one of the fields \"condition\", \"conditions\"",
					  "It has 0 of them.");
	expect_node_error("switch: unknown rule fields are invalid",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}', 'name': 'x'}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[0].name",
					  "node \"Sw\" has unknown param \"rules[0].name\"",
					  "Known params are \"condition\", \"conditions\", \"output\".");
	expect_node_error("switch: an output name must be a string",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}', 'output': 1}]}}",
					  RR_DOC_PARAM_TYPE, "Sw", "params.rules[0].output",
					  "node \"Sw\" param \"rules[0].output\" must be a string", NULL);
	expect_node_error("switch: an output name must not be empty",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}', 'output': ''}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[0].output",
					  "node \"Sw\" param \"rules[0].output\" must be between 1 and 128 bytes long",
					  NULL);
	expect_node_error("switch: mode takes first or all",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}'}], 'mode': 'any'}}",
					  RR_DOC_INVALID, "Sw", "params.mode",
					  "node \"Sw\" param \"mode\" has invalid value \"any\"",
					  "Valid values are \"first\", \"all\".");
	expect_node_error("switch: fallback must be a boolean",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}'}], 'fallback': 'no'}}",
					  RR_DOC_PARAM_TYPE, "Sw", "params.fallback",
					  "node \"Sw\" param \"fallback\" must be a boolean", NULL);
	expect_node_error("switch: an output may not be called fallback",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}'}, {'condition': '{{ $json.b }}', 'output': 'fallback'}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[1].output",
					  "node \"Sw\" param \"rules[1].output\" must not be \"fallback\"",
					  "The output names \"fallback\", \"error\" are reserved.");
	expect_node_error("switch: an output may not be called error",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}', 'output': 'error'}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[0].output",
					  "node \"Sw\" param \"rules[0].output\" must not be \"error\"",
					  NULL);
	expect_node_error("switch: output names are unique",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}', 'output': 'x'}, {'condition': '{{ $json.b }}', 'output': 'x'}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[1].output",
					  "node \"Sw\" has two outputs named \"x\"",
					  "Output names must be unique; an item of \"rules\" without "
					  "\"output\" is named by its position.");
	expect_node_error("switch: a name may not clash with a position",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}', 'output': '1'}, {'condition': '{{ $json.b }}'}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[1]",
					  "node \"Sw\" has two outputs named \"1\"", NULL);

	/* merge */
	expect_node_error("merge: mode must be known",
					  "{'name': 'M', 'type': 'merge', 'params': {'mode': 'zip'}}",
					  RR_DOC_INVALID, "M", "params.mode",
					  "node \"M\" param \"mode\" has invalid value \"zip\"",
					  "Valid values are \"append\", \"by_key\", \"by_position\", "
					  "\"cross_join\", \"choose_branch\".");
	expect_node_error("merge: at least 2 inputs",
					  "{'name': 'M', 'type': 'merge', 'params': {'inputs': 1}}",
					  RR_DOC_INVALID, "M", "params.inputs",
					  "node \"M\" param \"inputs\" must be between 2 and 10", NULL);
	expect_node_error("merge: at most 10 inputs",
					  "{'name': 'M', 'type': 'merge', 'params': {'inputs': 11}}",
					  RR_DOC_INVALID, "M", "params.inputs",
					  "node \"M\" param \"inputs\" must be between 2 and 10", NULL);
	expect_node_error("merge: inputs are no lone expression (they shape the graph)",
					  "{'name': 'M', 'type': 'merge', 'params': {'inputs': '{{ $json.n }}'}}",
					  RR_DOC_PARAM_TYPE, "M", "params.inputs",
					  "node \"M\" param \"inputs\" must be an integer", NULL);
	expect_node_error("merge: by_key needs a key",
					  "{'name': 'M', 'type': 'merge', 'params': {'mode': 'by_key'}}",
					  RR_DOC_INVALID, "M", "params.key",
					  "node \"M\" is missing required param \"key\"",
					  "It is required when \"mode\" is \"by_key\".");
	expect_node_valid("merge: other modes need no key",
					  "{'name': 'M', 'type': 'merge', 'params': {'mode': 'by_position'}},"
					  "{'name': 'N', 'type': 'merge', 'params': {'mode': 'cross_join'}},"
					  "{'name': 'O', 'type': 'merge', 'params': {'mode': 'choose_branch', 'branch': 1}},"
					  "{'name': 'P', 'type': 'merge'}");
	expect_node_error("merge: key must be a string",
					  "{'name': 'M', 'type': 'merge', 'params': {'mode': 'by_key', 'key': ['id']}}",
					  RR_DOC_PARAM_TYPE, "M", "params.key",
					  "node \"M\" param \"key\" must be a string", NULL);
	expect_node_error("merge: right_key must be a string",
					  "{'name': 'M', 'type': 'merge', 'params': {'right_key': 1}}",
					  RR_DOC_PARAM_TYPE, "M", "params.right_key",
					  "node \"M\" param \"right_key\" must be a string", NULL);
	expect_node_error("merge: join must be known",
					  "{'name': 'M', 'type': 'merge', 'params': {'join': 'full'}}",
					  RR_DOC_INVALID, "M", "params.join",
					  "node \"M\" param \"join\" has invalid value \"full\"",
					  "Valid values are \"inner\", \"left\", \"right\", \"outer\", \"anti\".");
	expect_node_error("merge: branch must be below the default 2 inputs",
					  "{'name': 'M', 'type': 'merge', 'params': {'mode': 'choose_branch', 'branch': 2}}",
					  RR_DOC_INVALID, "M", "params.branch",
					  "node \"M\" param \"branch\" must be less than 2",
					  "It must be less than \"inputs\", which is 2.");
	expect_node_error("merge: branch must be below inputs",
					  "{'name': 'M', 'type': 'merge', 'params': {'branch': 5, 'inputs': 4}}",
					  RR_DOC_INVALID, "M", "params.branch",
					  "node \"M\" param \"branch\" must be less than 4",
					  "It must be less than \"inputs\", which is 4.");
	expect_node_error("merge: branch must not be negative",
					  "{'name': 'M', 'type': 'merge', 'params': {'branch': -1}}",
					  RR_DOC_INVALID, "M", "params.branch",
					  "node \"M\" param \"branch\" must be at least 0", NULL);
	expect_node_valid("merge: branch may be computed",
					  "{'name': 'M', 'type': 'merge', 'params': {'branch': '{{ $json.b }}', 'inputs': 3}}");

	/* split_out */
	expect_node_error("split_out: field or fields is required",
					  "{'name': 'Sp', 'type': 'split_out', 'params': {'keep_fields': true}}",
					  RR_DOC_INVALID, "Sp", "params",
					  "node \"Sp\" must have exactly one of the params \"field\", \"fields\"",
					  "It has 0 of them.");
	expect_node_error("split_out: keep_fields must be a boolean",
					  "{'name': 'Sp', 'type': 'split_out', 'params': {'field': 'a', 'keep_fields': 0}}",
					  RR_DOC_PARAM_TYPE, "Sp", "params.keep_fields",
					  "node \"Sp\" param \"keep_fields\" must be a boolean", NULL);
	expect_node_error("split_out: destination must be a string",
					  "{'name': 'Sp', 'type': 'split_out', 'params': {'field': 'a', 'destination': {}}}",
					  RR_DOC_PARAM_TYPE, "Sp", "params.destination",
					  "node \"Sp\" param \"destination\" must be a string", NULL);

	/* aggregate */
	expect_node_error("aggregate: aggregations are required",
					  "{'name': 'A', 'type': 'aggregate', 'params': {'group_by': ['a']}}",
					  RR_DOC_INVALID, "A", "params.aggregations",
					  "node \"A\" is missing required param \"aggregations\"", NULL);
	expect_node_error("aggregate: aggregations must not be empty",
					  "{'name': 'A', 'type': 'aggregate', 'params': {'aggregations': []}}",
					  RR_DOC_INVALID, "A", "params.aggregations",
					  "node \"A\" param \"aggregations\" must not be empty", NULL);
	expect_node_error("aggregate: an aggregation needs an op",
					  "{'name': 'A', 'type': 'aggregate', 'params': {'aggregations': [{'field': 'x'}]}}",
					  RR_DOC_INVALID, "A", "params.aggregations[0].op",
					  "node \"A\" is missing required param \"aggregations[0].op\"",
					  NULL);
	expect_node_error("aggregate: op must be known",
					  "{'name': 'A', 'type': 'aggregate', 'params': {'aggregations': [{'op': 'count'}, {'op': 'median', 'field': 'x'}]}}",
					  RR_DOC_INVALID, "A", "params.aggregations[1].op",
					  "node \"A\" param \"aggregations[1].op\" has invalid value \"median\"",
					  "Valid values are \"collect\", \"count\", \"count_distinct\", "
					  "\"sum\", \"min\", \"max\", \"avg\", \"first\", \"last\", "
					  "\"concat\", \"items\".");
	expect_node_error("aggregate: ops other than count need a field",
					  "{'name': 'A', 'type': 'aggregate', 'params': {'aggregations': [{'op': 'sum'}]}}",
					  RR_DOC_INVALID, "A", "params.aggregations[0].field",
					  "node \"A\" is missing required param \"aggregations[0].field\"",
					  "It is required unless \"op\" is one of \"count\", \"items\".");
	expect_node_error("aggregate: group_by items must be strings",
					  "{'name': 'A', 'type': 'aggregate', 'params': {'group_by': [1], 'aggregations': [{'op': 'count'}]}}",
					  RR_DOC_PARAM_TYPE, "A", "params.group_by[0]",
					  "node \"A\" param \"group_by[0]\" must be a string", NULL);
	expect_node_error("aggregate: as must be a string",
					  "{'name': 'A', 'type': 'aggregate', 'params': {'aggregations': [{'op': 'count', 'as': 1}]}}",
					  RR_DOC_PARAM_TYPE, "A", "params.aggregations[0].as",
					  "node \"A\" param \"aggregations[0].as\" must be a string", NULL);

	/* limit */
	expect_node_error("limit: max is required",
					  "{'name': 'L', 'type': 'limit', 'params': {'from': 'end'}}",
					  RR_DOC_INVALID, "L", "params.max",
					  "node \"L\" is missing required param \"max\"", NULL);
	expect_node_error("limit: max must not be negative",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': -1}}",
					  RR_DOC_INVALID, "L", "params.max",
					  "node \"L\" param \"max\" must be at least 0", NULL);
	expect_node_valid("limit: max may be 0",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': 0, 'from': 'start'}}");

	/* sort */
	expect_node_error("sort: by or random is required",
					  "{'name': 'So', 'type': 'sort'}",
					  RR_DOC_INVALID, "So", "params",
					  "node \"So\" must have exactly one of the params \"by\", \"random\"",
					  "It has 0 of them.");
	expect_node_error("sort: by must not be empty",
					  "{'name': 'So', 'type': 'sort', 'params': {'by': []}}",
					  RR_DOC_INVALID, "So", "params.by",
					  "node \"So\" param \"by\" must not be empty", NULL);
	expect_node_error("sort: a key needs a field",
					  "{'name': 'So', 'type': 'sort', 'params': {'by': [{'order': 'asc'}]}}",
					  RR_DOC_INVALID, "So", "params.by[0].field",
					  "node \"So\" is missing required param \"by[0].field\"", NULL);
	expect_node_error("sort: order is asc or desc",
					  "{'name': 'So', 'type': 'sort', 'params': {'by': [{'field': 'a', 'order': 'down'}]}}",
					  RR_DOC_INVALID, "So", "params.by[0].order",
					  "node \"So\" param \"by[0].order\" has invalid value \"down\"",
					  "Valid values are \"asc\", \"desc\".");

	/* remove_duplicates */
	expect_node_error("remove_duplicates: fields are strings",
					  "{'name': 'D', 'type': 'remove_duplicates', 'params': {'fields': [['a']]}}",
					  RR_DOC_PARAM_TYPE, "D", "params.fields[0]",
					  "node \"D\" param \"fields[0]\" must be a string", NULL);
	expect_node_error("remove_duplicates: scope must be known",
					  "{'name': 'D', 'type': 'remove_duplicates', 'params': {'scope': 'global'}}",
					  RR_DOC_INVALID, "D", "params.scope",
					  "node \"D\" param \"scope\" has invalid value \"global\"",
					  "Valid values are \"input\", \"workflow\".");

	/* stop_and_error */
	expect_node_error("stop_and_error: message is required",
					  "{'name': 'E', 'type': 'stop_and_error', 'params': {'code': 'P0001'}}",
					  RR_DOC_INVALID, "E", "params.message",
					  "node \"E\" is missing required param \"message\"", NULL);
	expect_node_error("stop_and_error: code is a SQLSTATE",
					  "{'name': 'E', 'type': 'stop_and_error', 'params': {'message': 'm', 'code': 'P001'}}",
					  RR_DOC_INVALID, "E", "params.code",
					  "node \"E\" param \"code\" must be a SQLSTATE of five digits or upper-case letters",
					  "Use a code such as \"P0001\"; it is fixed when the workflow "
					  "is saved, so put data in \"message\" instead.");
	expect_node_error("stop_and_error: code is upper case",
					  "{'name': 'E', 'type': 'stop_and_error', 'params': {'message': 'm', 'code': 'p0001'}}",
					  RR_DOC_INVALID, "E", "params.code",
					  "node \"E\" param \"code\" must be a SQLSTATE of five digits or upper-case letters",
					  NULL);
	expect_node_valid("stop_and_error: a message may hold expressions",
					  "{'name': 'E', 'type': 'stop_and_error', 'params': {'message': '{{ $json.why }}', 'code': '22023'}}");

	/* sql */
	expect_node_error("sql: query is required",
					  "{'name': 'Q', 'type': 'sql', 'params': {'args': []}}",
					  RR_DOC_INVALID, "Q", "params.query",
					  "node \"Q\" is missing required param \"query\"", NULL);
	expect_node_error("sql: query must not be empty",
					  "{'name': 'Q', 'type': 'sql', 'params': {'query': ''}}",
					  RR_DOC_INVALID, "Q", "params.query",
					  "node \"Q\" param \"query\" must not be empty", NULL);
	expect_node_error("sql: query is no lone expression",
					  "{'name': 'Q', 'type': 'sql', 'params': {'query': ['select 1']}}",
					  RR_DOC_PARAM_TYPE, "Q", "params.query",
					  "node \"Q\" param \"query\" must be a string", NULL);
	expect_node_error("sql: args must be an array",
					  "{'name': 'Q', 'type': 'sql', 'params': {'query': 'select 1', 'args': {'a': 1}}}",
					  RR_DOC_PARAM_TYPE, "Q", "params.args",
					  "node \"Q\" param \"args\" must be an array", NULL);
	expect_node_error("sql: mode is per_item or once",
					  "{'name': 'Q', 'type': 'sql', 'params': {'query': 'select 1', 'mode': 'batch'}}",
					  RR_DOC_INVALID, "Q", "params.mode",
					  "node \"Q\" param \"mode\" has invalid value \"batch\"",
					  "Valid values are \"per_item\", \"once\".");

	/* function */
	expect_node_error("function: function is required",
					  "{'name': 'Fn', 'type': 'function', 'params': {'mode': 'once'}}",
					  RR_DOC_INVALID, "Fn", "params.function",
					  "node \"Fn\" is missing required param \"function\"", NULL);
	expect_node_error("function: a function name starts with a letter",
					  "{'name': 'Fn', 'type': 'function', 'params': {'function': '1f'}}",
					  RR_DOC_INVALID, "Fn", "params.function",
					  "node \"Fn\" param \"function\" must be a function name",
					  "Use a name such as \"my_function\" or "
					  "\"my_schema.my_function\"; the function to call is fixed "
					  "when the workflow is saved.");
	expect_node_error("function: no call syntax in the name",
					  "{'name': 'Fn', 'type': 'function', 'params': {'function': 'f(1)'}}",
					  RR_DOC_INVALID, "Fn", "params.function",
					  "node \"Fn\" param \"function\" must be a function name", NULL);
	expect_node_error("function: at most schema and name",
					  "{'name': 'Fn', 'type': 'function', 'params': {'function': 'a.b.c'}}",
					  RR_DOC_INVALID, "Fn", "params.function",
					  "node \"Fn\" param \"function\" must be a function name", NULL);
	expect_node_error("function: no empty part",
					  "{'name': 'Fn', 'type': 'function', 'params': {'function': 'a.'}}",
					  RR_DOC_INVALID, "Fn", "params.function",
					  "node \"Fn\" param \"function\" must be a function name", NULL);
	expect_node_error("function: no unterminated quoted part",
					  "{'name': 'Fn', 'type': 'function', 'params': {'function': '\\'f'}}",
					  RR_DOC_INVALID, "Fn", "params.function",
					  "node \"Fn\" param \"function\" must be a function name", NULL);
	expect_node_error("function: at most 63 bytes a part",
					  "{'name': 'Fn', 'type': 'function', 'params': {'function': "
					  "'a123456789012345678901234567890123456789012345678901234567890123'}}",
					  RR_DOC_INVALID, "Fn", "params.function",
					  "node \"Fn\" param \"function\" must be a function name", NULL);
	expect_node_valid("function: plain, qualified and quoted names",
					  "{'name': 'F1', 'type': 'function', 'params': {'function': 'f'}},"
					  "{'name': 'F2', 'type': 'function', 'params': {'function': 'my_schema.my_func$2'}},"
					  "{'name': 'F3', 'type': 'function', 'params': {'function': '\\'My Schema\\'.\\'do \\'\\'it\\'\\'\\''}},"
					  "{'name': 'F4', 'type': 'function', 'params': {'function': "
					  "'a12345678901234567890123456789012345678901234567890123456789012'}}");
	expect_node_error("function: mode is per_item or once",
					  "{'name': 'Fn', 'type': 'function', 'params': {'function': 'f', 'mode': 'each'}}",
					  RR_DOC_INVALID, "Fn", "params.mode",
					  "node \"Fn\" param \"mode\" has invalid value \"each\"", NULL);

	/* notify */
	expect_node_error("notify: channel is required",
					  "{'name': 'N', 'type': 'notify', 'params': {'payload': 1}}",
					  RR_DOC_INVALID, "N", "params.channel",
					  "node \"N\" is missing required param \"channel\"", NULL);
	expect_node_error("notify: channel must not be empty",
					  "{'name': 'N', 'type': 'notify', 'params': {'channel': ''}}",
					  RR_DOC_INVALID, "N", "params.channel",
					  "node \"N\" param \"channel\" must be between 1 and 63 bytes long",
					  NULL);
	expect_node_error("notify: channel is at most 63 bytes",
					  "{'name': 'N', 'type': 'notify', 'params': {'channel': "
					  "'c123456789012345678901234567890123456789012345678901234567890123'}}",
					  RR_DOC_INVALID, "N", "params.channel",
					  "node \"N\" param \"channel\" must be between 1 and 63 bytes long",
					  NULL);
	expect_node_valid("notify: any payload",
					  "{'name': 'N1', 'type': 'notify', 'params': {'channel': 'c', 'payload': null}},"
					  "{'name': 'N2', 'type': 'notify', 'params': {'channel': 'c', 'payload': 'text {{ $json.a }}'}},"
					  "{'name': 'N3', 'type': 'notify', 'params': {'channel': 'c', 'payload': [1, {'a': true}]}}");
	expect_node_error("noop: takes no params",
					  "{'name': 'No', 'type': 'noop', 'params': {'x': 1}}",
					  RR_DOC_INVALID, "No", "params.x",
					  "node \"No\" has unknown param \"x\"", "It takes no params.");
}


/* ---------- Rule 4: expressions ---------- */

static void
test_expression_rules(void)
{
	RrDocError	err;
	CheckLog	log;
	char		buf[DOC_BUFLEN];
	char		doc[DOC_BUFLEN];
	bool		valid;

	expect_node_error("an unterminated expression",
					  "{'name': 'S', 'type': 'set', 'params': {'fields': {'x': 'a {{ $json.a'}}}",
					  RR_DOC_EXPRESSION, "S", "params.fields.x",
					  "invalid expression in node \"S\" field \"params.fields.x\"",
					  "An expression opened with \"{{\" is never closed with \"}}\".");
	expect_node_error("an empty expression",
					  "{'name': 'S', 'type': 'set', 'params': {'fields': {'x': 'a {{ \\t }} b'}}}",
					  RR_DOC_EXPRESSION, "S", "params.fields.x",
					  "invalid expression in node \"S\" field \"params.fields.x\"",
					  "The expression between \"{{\" and \"}}\" is empty.");
	expect_node_error("the check callback's reason is the detail",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ $json.BAD }}'}}",
					  RR_DOC_EXPRESSION, "Big?", "params.condition",
					  "invalid expression in node \"Big?\" field \"params.condition\"",
					  "syntax error at or near \"BAD\"");
	expect_node_error("a callback without a reason gets a generic detail",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ SILENT }}'}}",
					  RR_DOC_EXPRESSION, "Big?", "params.condition",
					  "invalid expression in node \"Big?\" field \"params.condition\"",
					  "The expression could not be parsed.");
	expect_node_error("every expression of a string is checked",
					  "{'name': 'S', 'type': 'set', 'params': {'fields': {'x': '{{ $json.a }} and {{ BAD }}'}}}",
					  RR_DOC_EXPRESSION, "S", "params.fields.x",
					  "invalid expression in node \"S\" field \"params.fields.x\"",
					  "syntax error at or near \"BAD\"");
	expect_node_error("expressions deep inside params are checked",
					  "{'name': 'S', 'type': 'set', 'params': {'fields': {'a': {'b': [1, 'x', '{{ BAD }}']}}}}",
					  RR_DOC_EXPRESSION, "S", "params.fields.a.b[2]",
					  "invalid expression in node \"S\" field \"params.fields.a.b[2]\"",
					  NULL);
	expect_node_error("expressions in sql args are checked",
					  "{'name': 'Q', 'type': 'sql', 'params': {'query': 'select $1', 'args': ['{{ $json.BAD }}']}}",
					  RR_DOC_EXPRESSION, "Q", "params.args[0]",
					  "invalid expression in node \"Q\" field \"params.args[0]\"",
					  NULL);
	expect_node_error("expressions in a switch rule are checked",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}'}, {'condition': '{{ BAD }}'}]}}",
					  RR_DOC_EXPRESSION, "Sw", "params.rules[1].condition",
					  "invalid expression in node \"Sw\" field \"params.rules[1].condition\"",
					  NULL);
	expect_node_error("a lone expression standing in for a value is checked",
					  "{'name': 'L', 'type': 'limit', 'params': {'max': '{{ BAD }}'}}",
					  RR_DOC_EXPRESSION, "L", "params.max",
					  "invalid expression in node \"L\" field \"params.max\"", NULL);
	expect_node_valid("keys are not expressions",
					  "{'name': 'S', 'type': 'set', 'params': {'fields': {'{{ BAD': '}} {{ $json.a }}'}}}");
	expect_node_valid("text around expressions is fine outside conditions",
					  "{'name': 'S', 'type': 'set', 'params': {'fields': {'greeting': 'Hello {{ $json.first }} {{ $json.last }}!'}}}");
	expect_node_valid("a stray }} outside an expression is plain text",
					  "{'name': 'S', 'type': 'set', 'params': {'fields': {'x': 'a }} b'}}}");
	expect_node_valid("}} inside a quoted string does not close an expression",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ $json.a == \\'}}\\' }}'}}");
	expect_node_valid("an escaped quote inside a quoted string is skipped",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ $json.a == \\'\\\\\\'}}\\' }}'}}");
	expect_node_valid("a quote inside a regular expression literal opens no string",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ $json.a.replace(/\\'/g, \\'x\\') == \\'y\\' }}'}}");
	expect_node_valid("}} inside a regular expression literal does not close an expression",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ /}}[/]/.test($json.a) }}'}}");
	expect_node_valid("a division is not a regular expression literal",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ ($json.a) / 2 + $json.b / 2 > \\'/\\' }}'}}");
	/* quote() cannot make a single quote, so these documents are raw JSON */
	{
		const char *closed = "{\"nodes\": [{\"name\": \"Start\", \"type\": \"trigger\"}, "
			"{\"name\": \"Big?\", \"type\": \"if\", \"params\": "
			"{\"condition\": \"{{ $json.a == '}}' }}\"}}]}";
		const char *open = "{\"nodes\": [{\"name\": \"Start\", \"type\": \"trigger\"}, "
			"{\"name\": \"Big?\", \"type\": \"if\", \"params\": "
			"{\"condition\": \"{{ $json.a == 'open }}\"}}]}";
		RrDocError	err;

		if (!report(rr_document_validate(closed, strlen(closed), &default_limits,
										 marker_check, NULL, &err),
					"}} inside a single-quoted string does not close an expression"))
			print_error("got", &err);
		if (!report(!rr_document_validate(open, strlen(open), &default_limits,
										  marker_check, NULL, &err) &&
					err.kind == RR_DOC_EXPRESSION &&
					strcmp(err.field, "params.condition") == 0,
					"an unterminated single-quoted string leaves the expression open"))
			print_error("got", &err);
	}
	expect_node_error("an unterminated quoted string leaves the expression open",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ $json.a == \\'unterminated }}'}}",
					  RR_DOC_EXPRESSION, "Big?", "params.condition",
					  "invalid expression in node \"Big?\" field \"params.condition\"",
					  "An expression opened with \"{{\" is never closed with \"}}\".");

	/* what the callback sees */
	memset(&log, 0, sizeof(log));
	quote(with_nodes("{'name': 'Big?', 'type': 'if', 'params': {'condition': "
					 "'{{ $json.a == \\'}}\\' }}'}}", buf), doc);
	valid = rr_document_validate(doc, strlen(doc), &default_limits,
								 marker_check, &log, &err);
	if (!report(valid && log.calls == 1 &&
				strcmp(log.last, " $json.a == \"}}\" ") == 0,
				"the callback gets the untrimmed inside of the braces and its arg"))
		printf("#   calls %d, last \"%s\"\n", log.calls, log.last);

	memset(&log, 0, sizeof(log));
	quote(every_type_document, doc);
	valid = rr_document_validate(doc, strlen(doc), &default_limits,
								 marker_check, &log, &err);
	if (!report(valid && log.calls == 10,
				"the callback is called once per expression"))
		printf("#   calls %d\n", log.calls);

	quote(with_nodes("{'name': 'S', 'type': 'set', 'params': {'fields': {'x': "
					 "'{{ BAD }}'}}}", buf), doc);
	report(rr_document_validate(doc, strlen(doc), &default_limits, NULL, NULL,
								&err),
		   "without a callback, expressions are only checked for braces");
	quote(with_nodes("{'name': 'S', 'type': 'set', 'params': {'fields': {'x': "
					 "'{{ x'}}}", buf), doc);
	report(!rr_document_validate(doc, strlen(doc), &default_limits, NULL, NULL,
								 &err) && err.kind == RR_DOC_EXPRESSION,
		   "without a callback, an unterminated expression is still an error");

	/* conditions */
	expect_node_error("a condition must be an expression",
					  "{'name': 'Big?', 'type': 'if', 'params': {'condition': '$json.total > 100'}}",
					  RR_DOC_INVALID, "Big?", "params.condition",
					  "node \"Big?\" param \"condition\" must be a single {{ }} expression",
					  CONDITION_DETAIL);
	expect_node_error("a condition must be a single expression",
					  "{'name': 'F', 'type': 'filter', 'params': {'condition': '{{ $json.a }} && {{ $json.b }}'}}",
					  RR_DOC_INVALID, "F", "params.condition",
					  "node \"F\" param \"condition\" must be a single {{ }} expression",
					  CONDITION_DETAIL);
	expect_node_error("a condition has no text around its expression",
					  "{'name': 'F', 'type': 'filter', 'params': {'condition': 'if {{ $json.a }}'}}",
					  RR_DOC_INVALID, "F", "params.condition",
					  "node \"F\" param \"condition\" must be a single {{ }} expression",
					  NULL);
	expect_node_error("a switch rule's condition is a single expression too",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}'}, {'condition': 'yes'}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[1].condition",
					  "node \"Sw\" param \"rules[1].condition\" must be a single {{ }} expression",
					  CONDITION_DETAIL);
	expect_node_error("a condition may not have whitespace around it",
					  "{'name': 'F', 'type': 'filter', 'params': {'condition': '{{ $json.a }} '}}",
					  RR_DOC_INVALID, "F", "params.condition",
					  "node \"F\" param \"condition\" must be a single {{ }} expression",
					  CONDITION_DETAIL);
	expect_node_error("an empty condition expression is an expression error",
					  "{'name': 'F', 'type': 'filter', 'params': {'condition': '{{ }}'}}",
					  RR_DOC_EXPRESSION, "F", "params.condition",
					  "invalid expression in node \"F\" field \"params.condition\"",
					  "The expression between \"{{\" and \"}}\" is empty.");

	/* literal params */
	expect_node_error("sql: the query is literal",
					  "{'name': 'Flag', 'type': 'sql', 'params': {'query': 'select * from t where id = {{ $json.id }}'}}",
					  RR_DOC_INVALID, "Flag", "params.query",
					  "node \"Flag\" param \"query\" must not contain an expression",
					  "Pass values through \"args\" instead; the query text is "
					  "never built from data.");
	expect_node_error("sql: even an unterminated {{ is refused in a query",
					  "{'name': 'Flag', 'type': 'sql', 'params': {'query': 'select \\'{{\\''}}",
					  RR_DOC_INVALID, "Flag", "params.query",
					  "node \"Flag\" param \"query\" must not contain an expression",
					  NULL);
	expect_node_valid("sql: a query may hold single braces",
					  "{'name': 'Q', 'type': 'sql', 'params': {'query': 'select \\'{a}\\'::jsonb, $1', 'args': ['{{ $json.a }}']}}");
	expect_node_error("function: the name is literal",
					  "{'name': 'Fn', 'type': 'function', 'params': {'function': '\\'{{ $json.f }}\\''}}",
					  RR_DOC_INVALID, "Fn", "params.function",
					  "node \"Fn\" param \"function\" must not contain an expression",
					  "Use a name such as \"my_function\" or "
					  "\"my_schema.my_function\"; the function to call is fixed "
					  "when the workflow is saved.");
	expect_node_error("notify: the channel is literal",
					  "{'name': 'N', 'type': 'notify', 'params': {'channel': 'c{{ $json.c }}'}}",
					  RR_DOC_INVALID, "N", "params.channel",
					  "node \"N\" param \"channel\" must not contain an expression",
					  "The channel is fixed when the workflow is saved; put data "
					  "in \"payload\" instead.");
	expect_node_error("switch: output names are literal",
					  "{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}', 'output': '{{ $json.o }}'}]}}",
					  RR_DOC_INVALID, "Sw", "params.rules[0].output",
					  "node \"Sw\" param \"rules[0].output\" must not contain an expression",
					  "Output names are part of the workflow graph, so they cannot "
					  "be computed from data.");
	expect_node_error("merge: the key is literal",
					  "{'name': 'M', 'type': 'merge', 'params': {'mode': 'by_key', 'key': '{{ $json.k }}'}}",
					  RR_DOC_INVALID, "M", "params.key",
					  "node \"M\" param \"key\" must not contain an expression",
					  "Key fields are fixed when the workflow is saved; the items' "
					  "values are compared at run time.");
	expect_node_error("merge: the right key is literal",
					  "{'name': 'M', 'type': 'merge', 'params': {'right_key': 'a{{'}}",
					  RR_DOC_INVALID, "M", "params.right_key",
					  "node \"M\" param \"right_key\" must not contain an expression",
					  NULL);
}


/* ---------- Rule 5: settings ---------- */

static void
test_settings_rules(void)
{
	const char *start = "{'nodes': [{'name': 'Start', 'type': 'trigger'}], 'settings': ";
	char		buf[DOC_BUFLEN];

#define SETTINGS(text) (snprintf(buf, sizeof(buf), "%s%s}", start, text), buf)

	expect_error_detail("an unknown setting is invalid",
						SETTINGS("{'timeout': '1h', 'retries': 3}"),
						RR_DOC_INVALID, "", "settings.retries",
						"workflow document has unknown setting \"retries\"",
						"Known settings are \"timeout\", \"concurrency\", "
						"\"error_workflow\", \"save\", \"vars\", "
						"\"timezone\", \"input_schema\", \"max_node_runs\", "
						"\"execution_order\".");
	expect_error_detail("a bad timeout is a duration error",
						SETTINGS("{'timeout': '5 parsecs'}"),
						RR_DOC_DURATION, "", "settings.timeout",
						"invalid duration \"5 parsecs\" in setting \"timeout\"",
						DURATION_DETAIL);
	expect_error("the timeout must be greater than zero",
				 SETTINGS("{'timeout': '0ms'}"),
				 RR_DOC_INVALID, "", "settings.timeout",
				 "setting \"timeout\" must be greater than zero");
	expect_error("the timeout must be a string",
				 SETTINGS("{'timeout': 300}"),
				 RR_DOC_PARAM_TYPE, "", "settings.timeout",
				 "setting \"timeout\" must be a string");
	expect_error("concurrency must be at least 1",
				 SETTINGS("{'concurrency': 0}"),
				 RR_DOC_INVALID, "", "settings.concurrency",
				 "setting \"concurrency\" must be between 1 and 10000");
	expect_error("concurrency beyond an integer is refused (issue 9, F3)",
				 SETTINGS("{'concurrency': 3000000000}"),
				 RR_DOC_INVALID, "", "settings.concurrency",
				 "setting \"concurrency\" must be between 1 and 10000");
	expect_error("concurrency must be an integer",
				 SETTINGS("{'concurrency': 2.5}"),
				 RR_DOC_PARAM_TYPE, "", "settings.concurrency",
				 "setting \"concurrency\" must be an integer");
	expect_error("settings are never expressions",
				 SETTINGS("{'concurrency': '{{ $vars.n }}'}"),
				 RR_DOC_PARAM_TYPE, "", "settings.concurrency",
				 "setting \"concurrency\" must be an integer");
	expect_error("timezone must be a string",
				 SETTINGS("{'timezone': 5}"),
				 RR_DOC_PARAM_TYPE, "", "settings.timezone",
				 "setting \"timezone\" must be a string");
	expect_error("timezone must not be empty",
				 SETTINGS("{'timezone': ''}"),
				 RR_DOC_INVALID, "", "settings.timezone",
				 "setting \"timezone\" must be between 1 and 255 bytes long");
	expect_valid("a timezone is a string the server checks",
				 SETTINGS("{'timezone': 'Europe/Oslo'}"));
	expect_error("error_workflow must not be empty",
				 SETTINGS("{'error_workflow': ''}"),
				 RR_DOC_INVALID, "", "settings.error_workflow",
				 "setting \"error_workflow\" must not be empty");
	expect_error("error_workflow must be a string",
				 SETTINGS("{'error_workflow': false}"),
				 RR_DOC_PARAM_TYPE, "", "settings.error_workflow",
				 "setting \"error_workflow\" must be a string");
	expect_error_detail("save takes all, errors or none",
						SETTINGS("{'save': 'some'}"),
						RR_DOC_INVALID, "", "settings.save",
						"setting \"save\" has invalid value \"some\"",
						"Valid values are \"all\", \"errors\", \"none\".");
	expect_error("vars must be an object",
				 SETTINGS("{'vars': ['a']}"),
				 RR_DOC_PARAM_TYPE, "", "settings.vars",
				 "setting \"vars\" must be an object");
	expect_valid("settings with every key",
				 SETTINGS("{'timeout': '1h 30m', 'concurrency': 1, 'error_workflow': 'x', "
						  "'save': 'none', 'vars': {'a': [1], 'b': '{{ not checked'}}"));
	expect_valid("empty settings", SETTINGS("{}"));
#undef SETTINGS
}


/* ---------- Rule 6: connections ---------- */

static void
test_connection_rules(void)
{
	const char *nodes =
		"{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
		"{'name': 'Total', 'type': 'set'}, "
		"{'name': 'Big?', 'type': 'if', 'params': {'condition': '{{ $json.total > 100 }}'}}, "
		"{'name': 'M', 'type': 'merge'}, "
		"{'name': 'M3', 'type': 'merge', 'params': {'inputs': 3}}, "
		"{'name': 'E', 'type': 'stop_and_error', 'params': {'message': 'm'}}, "
		"{'name': 'EO', 'type': 'stop_and_error', 'params': {'message': 'm'}, 'on_error': 'error_output'}, "
		"{'name': 'IfE', 'type': 'if', 'params': {'condition': '{{ $json.a }}'}, 'on_error': 'error_output'}, "
		"{'name': 'Sw', 'type': 'switch', 'params': {'rules': [{'condition': '{{ $json.a }}', 'output': 'big'}, {'condition': '{{ $json.b }}'}]}}"
		"], 'connections': ";
	char		buf[DOC_BUFLEN];

#define CONNECTIONS(text) (snprintf(buf, sizeof(buf), "%s%s}", nodes, text), buf)

	expect_valid("connections between existing outputs and inputs",
				 CONNECTIONS("[{'from': 'Start', 'to': 'Total'}, "
							 "{'from': 'Total', 'output': 'main', 'to': 'Big?', 'input': 0}, "
							 "{'from': 'Big?', 'output': 'true', 'to': 'M'}, "
							 "{'from': 'Big?', 'output': 'false', 'to': 'M', 'input': 1}, "
							 "{'from': 'M', 'to': 'M3', 'input': 2}, "
							 "{'from': 'IfE', 'output': 'error', 'to': 'E'}, "
							 "{'from': 'EO', 'output': 'error', 'to': 'Sw'}, "
							 "{'from': 'Sw', 'output': 'big', 'to': 'IfE'}, "
							 "{'from': 'Sw', 'output': '1', 'to': 'M3'}, "
							 "{'from': 'Sw', 'output': 'fallback', 'to': 'M3', 'input': 1}]"));
	expect_error("a connection must be an object",
				 CONNECTIONS("[{'from': 'Start', 'to': 'Total'}, 'Total']"),
				 RR_DOC_PARAM_TYPE, "", "connections[1]",
				 "connections[1] must be an object");
	expect_error_detail("an unknown connection field is invalid",
						CONNECTIONS("[{'from': 'Start', 'to': 'Total', 'weight': 1}]"),
						RR_DOC_INVALID, "", "connections[0].weight",
						"connections[0] has unknown field \"weight\"",
						"Known fields are \"from\", \"output\", \"to\", \"input\".");
	expect_error("a connection needs from",
				 CONNECTIONS("[{'to': 'Total'}]"),
				 RR_DOC_INVALID, "", "connections[0].from",
				 "connections[0] is missing required field \"from\"");
	expect_error("a connection needs to",
				 CONNECTIONS("[{'from': 'Start'}]"),
				 RR_DOC_INVALID, "", "connections[0].to",
				 "connections[0] is missing required field \"to\"");
	expect_error("from must be a string",
				 CONNECTIONS("[{'from': 1, 'to': 'Total'}]"),
				 RR_DOC_PARAM_TYPE, "", "connections[0].from",
				 "connections[0] field \"from\" must be a string");
	expect_error("output must be a string",
				 CONNECTIONS("[{'from': 'Start', 'output': 0, 'to': 'Total'}]"),
				 RR_DOC_PARAM_TYPE, "", "connections[0].output",
				 "connections[0] field \"output\" must be a string");
	expect_error("input must be an integer",
				 CONNECTIONS("[{'from': 'Start', 'to': 'Total', 'input': '0'}]"),
				 RR_DOC_PARAM_TYPE, "", "connections[0].input",
				 "connections[0] field \"input\" must be an integer");
	expect_error("input must not be negative",
				 CONNECTIONS("[{'from': 'Start', 'to': 'Total', 'input': -1}]"),
				 RR_DOC_INVALID, "", "connections[0].input",
				 "connections[0] field \"input\" must be at least 0");
	expect_error("from must name a node",
				 CONNECTIONS("[{'from': 'Nope', 'to': 'Total'}]"),
				 RR_DOC_UNDEFINED_REF, "", "connections[0].from",
				 "connection from \"Nope\" to \"Total\" refers to missing node \"Nope\"");
	expect_error("to must name a node",
				 CONNECTIONS("[{'from': 'Start', 'to': 'Total'}, {'from': 'Total', 'to': 'Big?'}, "
							 "{'from': 'Start', 'to': 'Nope'}]"),
				 RR_DOC_UNDEFINED_REF, "", "connections[2].to",
				 "connection from \"Start\" to \"Nope\" refers to missing node \"Nope\"");
	expect_error_detail("output must be an output of the from node",
						CONNECTIONS("[{'from': 'Start', 'to': 'Total'}, {'from': 'Total', 'to': 'Big?'}, "
									"{'from': 'Big?', 'output': 'maybe', 'to': 'M'}]"),
						RR_DOC_UNDEFINED_REF, "Big?", "connections[2].output",
						"node \"Big?\" has no output \"maybe\"",
						"Its outputs are \"true\", \"false\".");
	expect_error("the default output is main",
				 CONNECTIONS("[{'from': 'Big?', 'to': 'M'}]"),
				 RR_DOC_UNDEFINED_REF, "Big?", "connections[0].output",
				 "node \"Big?\" has no output \"main\"");
	expect_error_detail("error needs on_error error_output",
						CONNECTIONS("[{'from': 'Total', 'output': 'error', 'to': 'M'}]"),
						RR_DOC_UNDEFINED_REF, "Total", "connections[0].output",
						"node \"Total\" has no output \"error\"",
						"Its output is \"main\".");
	expect_error_detail("stop_and_error has no outputs",
						CONNECTIONS("[{'from': 'E', 'to': 'M'}]"),
						RR_DOC_UNDEFINED_REF, "E", "connections[0].output",
						"node \"E\" has no output \"main\"",
						"It has no outputs.");
	expect_error_detail("stop_and_error with error_output has only error",
						CONNECTIONS("[{'from': 'EO', 'to': 'M'}]"),
						RR_DOC_UNDEFINED_REF, "EO", "connections[0].output",
						"node \"EO\" has no output \"main\"",
						"Its output is \"error\".");
	expect_error_detail("the error output comes after the type's outputs",
						CONNECTIONS("[{'from': 'IfE', 'output': 'main', 'to': 'M'}]"),
						RR_DOC_UNDEFINED_REF, "IfE", "connections[0].output",
						"node \"IfE\" has no output \"main\"",
						"Its outputs are \"true\", \"false\", \"error\".");
	expect_error_detail("switch outputs are the rules' names or positions, then fallback",
						CONNECTIONS("[{'from': 'Sw', 'output': '0', 'to': 'M'}]"),
						RR_DOC_UNDEFINED_REF, "Sw", "connections[0].output",
						"node \"Sw\" has no output \"0\"",
						"Its outputs are \"big\", \"1\", \"fallback\".");
	expect_error_detail("a trigger has no inputs",
						CONNECTIONS("[{'from': 'Total', 'to': 'Start'}]"),
						RR_DOC_UNDEFINED_REF, "Start", "connections[0].input",
						"node \"Start\" has no input 0",
						"Nodes of type \"trigger\" have no inputs.");
	expect_error_detail("most nodes have one input",
						CONNECTIONS("[{'from': 'Start', 'to': 'Total', 'input': 1}]"),
						RR_DOC_UNDEFINED_REF, "Total", "connections[0].input",
						"node \"Total\" has no input 1",
						"Its only input is 0.");
	expect_error_detail("merge has two inputs by default",
						CONNECTIONS("[{'from': 'Start', 'to': 'M', 'input': 2}]"),
						RR_DOC_UNDEFINED_REF, "M", "connections[0].input",
						"node \"M\" has no input 2",
						"Its inputs are 0 to 1.");
	expect_error("merge has as many inputs as its inputs param",
				 CONNECTIONS("[{'from': 'Start', 'to': 'M3', 'input': 3}]"),
				 RR_DOC_UNDEFINED_REF, "M3", "connections[0].input",
				 "node \"M3\" has no input 3");
	expect_error_detail("a connection may not be repeated",
						CONNECTIONS("[{'from': 'Start', 'to': 'Total'}, {'from': 'Start', 'to': 'Big?'}, "
									"{'from': 'Start', 'to': 'Total'}]"),
						RR_DOC_INVALID, "", "connections[2]",
						"duplicate connection from \"Start\" output \"main\" to \"Total\" input 0",
						"It is the same as connections[0].");
	expect_error("defaults count when comparing connections",
				 CONNECTIONS("[{'from': 'Start', 'to': 'Total'}, "
							 "{'from': 'Start', 'output': 'main', 'to': 'Total', 'input': 0}]"),
				 RR_DOC_INVALID, "", "connections[1]",
				 "duplicate connection from \"Start\" output \"main\" to \"Total\" input 0");
	expect_valid("two outputs may lead to one input",
				 CONNECTIONS("[{'from': 'Big?', 'output': 'true', 'to': 'Total'}, "
							 "{'from': 'Big?', 'output': 'false', 'to': 'Total'}, "
							 "{'from': 'Start', 'to': 'Big?'}]"));
#undef CONNECTIONS
}


/* ---------- Rules 7 and 8: trigger and cycles ---------- */

static void
test_graph_rules(void)
{
	expect_error_detail("a workflow needs a trigger",
						"{'nodes': [{'name': 'A', 'type': 'noop'}]}",
						RR_DOC_INVALID, "", "nodes",
						"workflow document has no trigger node",
						"Every workflow needs a node of type \"trigger\" to start it.");
	expect_valid("two triggers are fine",
				 "{'nodes': [{'name': 'A', 'type': 'trigger'}, {'name': 'B', 'type': 'trigger'}, "
				 "{'name': 'C', 'type': 'noop'}], 'connections': [{'from': 'A', 'to': 'C'}, {'from': 'B', 'to': 'C'}]}");
	expect_error_detail("a node connected to itself is a cycle",
						"{'nodes': [{'name': 'Start', 'type': 'trigger'}, {'name': 'A', 'type': 'noop'}], "
						"'connections': [{'from': 'Start', 'to': 'A'}, {'from': 'A', 'to': 'A'}]}",
						RR_DOC_CYCLE, "A", "",
						"workflow graph has a cycle through node \"A\"",
						"Connections may lead from a node back to itself, "
						"directly or through other nodes, only through a node "
						"of type \"split_in_batches\" or \"if\".");
	expect_valid("a loop through split_in_batches",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'Loop', 'type': 'split_in_batches', 'params': {'batch_size': 10}}, "
				 "{'name': 'A', 'type': 'noop'}], 'connections': [{'from': 'Start', 'to': 'Loop'}, "
				 "{'from': 'Loop', 'output': 'loop', 'to': 'A'}, {'from': 'A', 'to': 'Loop'}]}");
	expect_valid("a loop through an if",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'Again', 'type': 'if', 'params': {'condition': '{{ $json.n < 3 }}'}}, "
				 "{'name': 'A', 'type': 'noop'}], 'connections': [{'from': 'Start', 'to': 'Again'}, "
				 "{'from': 'Again', 'output': 'true', 'to': 'A'}, {'from': 'A', 'to': 'Again'}]}");
	expect_error("a cycle beside a loop node is still refused",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'Loop', 'type': 'split_in_batches'}, {'name': 'A', 'type': 'noop'}, "
				 "{'name': 'B', 'type': 'noop'}], 'connections': [{'from': 'Start', 'to': 'Loop'}, "
				 "{'from': 'Loop', 'output': 'loop', 'to': 'A'}, {'from': 'A', 'to': 'B'}, "
				 "{'from': 'B', 'to': 'A'}]}",
				 RR_DOC_CYCLE, "A", "",
				 "workflow graph has a cycle through node \"A\"");
	expect_error("a cycle of two nodes",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, {'name': 'A', 'type': 'noop'}, "
				 "{'name': 'B', 'type': 'noop'}], 'connections': [{'from': 'Start', 'to': 'A'}, "
				 "{'from': 'A', 'to': 'B'}, {'from': 'B', 'to': 'A'}]}",
				 RR_DOC_CYCLE, "A", "",
				 "workflow graph has a cycle through node \"A\"");
	expect_error("the node named is on the cycle, not after it",
				 "{'nodes': [{'name': 'After', 'type': 'noop'}, {'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'X', 'type': 'noop'}, {'name': 'Y', 'type': 'noop'}], "
				 "'connections': [{'from': 'Y', 'to': 'After'}, {'from': 'Start', 'to': 'X'}, "
				 "{'from': 'X', 'to': 'Y'}, {'from': 'Y', 'to': 'X'}]}",
				 RR_DOC_CYCLE, "X", "",
				 "workflow graph has a cycle through node \"X\"");
	expect_valid("a cycle through an if's false branch is a loop",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'Loop?', 'type': 'if', 'params': {'condition': '{{ $json.more }}'}}, "
				 "{'name': 'Fetch', 'type': 'noop'}], "
				 "'connections': [{'from': 'Start', 'to': 'Fetch'}, {'from': 'Fetch', 'to': 'Loop?'}, "
				 "{'from': 'Loop?', 'output': 'false', 'to': 'Fetch'}]}");
	expect_valid("a diamond is no cycle",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'If', 'type': 'if', 'params': {'condition': '{{ $json.a }}'}}, "
				 "{'name': 'T', 'type': 'noop'}, {'name': 'F', 'type': 'noop'}, "
				 "{'name': 'M', 'type': 'merge'}], "
				 "'connections': [{'from': 'Start', 'to': 'If'}, {'from': 'If', 'output': 'true', 'to': 'T'}, "
				 "{'from': 'If', 'output': 'false', 'to': 'F'}, {'from': 'T', 'to': 'M'}, "
				 "{'from': 'F', 'to': 'M', 'input': 1}]}");
}

/*
 * chain_document
 *		A document of a trigger "n0" and count - 1 noops n1..n(count-1),
 *		each connected to the next; with close_cycle, also from the last
 *		back to n1.  Returns malloc'd text.
 */
static char *
chain_document(int count, bool close_cycle)
{
	size_t		size = (size_t) count * 120 + 200;
	char	   *text = malloc(size);
	size_t		len = 0;
	int			i;

	if (text == NULL)
		return NULL;
	len += (size_t) snprintf(text + len, size - len,
							 "{\"nodes\": [{\"name\": \"n0\", \"type\": \"trigger\"}");
	for (i = 1; i < count; i++)
		len += (size_t) snprintf(text + len, size - len,
								 ", {\"name\": \"n%d\", \"type\": \"noop\"}", i);
	len += (size_t) snprintf(text + len, size - len, "], \"connections\": [");
	for (i = 1; i < count; i++)
		len += (size_t) snprintf(text + len, size - len,
								 "%s{\"from\": \"n%d\", \"to\": \"n%d\"}",
								 i > 1 ? ", " : "", i - 1, i);
	if (close_cycle)
		len += (size_t) snprintf(text + len, size - len,
								 ", {\"from\": \"n%d\", \"to\": \"n1\"}", count - 1);
	snprintf(text + len, size - len, "]}");
	return text;
}

static void
test_large_documents(void)
{
	RrDocLimits limits = {16 * 1024 * 1024, 20000};
	RrDocError	err;
	char	   *text;
	char	   *deep;
	size_t		len;
	bool		valid;
	int			depth;
	int			i;

	text = chain_document(10000, false);
	valid = text != NULL &&
		rr_document_validate(text, strlen(text), &limits, marker_check, NULL,
							 &err);
	if (!report(valid, "a chain of 10,000 nodes is valid"))
		print_error("got", &err);
	free(text);

	text = chain_document(10000, true);
	valid = text != NULL &&
		rr_document_validate(text, strlen(text), &limits, marker_check, NULL,
							 &err);
	if (!report(!valid && err.kind == RR_DOC_CYCLE &&
				strcmp(err.node, "n1") == 0 &&
				strcmp(err.message,
					   "workflow graph has a cycle through node \"n1\"") == 0,
				"a chain of 10,000 nodes closed into a cycle is a cycle"))
		print_error("got", &err);
	free(text);

	/* deep nesting inside params: scanned without trouble up to jansson's limit */
	for (depth = 2000; depth <= 3000; depth += 1000)
	{
		deep = malloc((size_t) depth * 2 + 300);
		if (deep == NULL)
			break;
		len = (size_t) sprintf(deep, "{\"nodes\": [{\"name\": \"S\", \"type\": "
							   "\"trigger\"}, {\"name\": \"D\", \"type\": \"set\", "
							   "\"params\": {\"fields\": {\"x\": ");
		for (i = 0; i < depth; i++)
			deep[len++] = '[';
		len += (size_t) sprintf(deep + len, "\"{{ BAD }}\"");
		for (i = 0; i < depth; i++)
			deep[len++] = ']';
		sprintf(deep + len, "}}}]}");
		valid = rr_document_validate(deep, strlen(deep), &limits, marker_check,
									 NULL, &err);
		if (depth == 2000)
			report(!valid && err.kind == RR_DOC_EXPRESSION,
				   "an expression nested 2,000 arrays deep is found");
		else
			report(!valid && err.kind == RR_DOC_SYNTAX,
				   "nesting beyond jansson's limit is a syntax error");
		free(deep);
	}
}


/* ---------- Messages stay within their buffers ---------- */

static void
test_long_values(void)
{
	RrDocError	err;
	char		value[3000];
	char		buf[DOC_BUFLEN];
	size_t		i;
	bool		valid;

	/* 1000 two-byte characters */
	for (i = 0; i < 2000; i += 2)
	{
		value[i] = (char) 0xc3;
		value[i + 1] = (char) 0xa9;
	}
	value[2000] = '\0';

	snprintf(buf, sizeof(buf), "{'name': 'X', 'type': '%s'}", value);
	validate(with_nodes(buf, buf), &err);
	report(err.kind == RR_DOC_UNKNOWN_TYPE &&
		   strlen(err.message) < RR_DOC_MESSAGE_LEN - 1 &&
		   strcmp(err.message + strlen(err.message) - 4, "...\"") == 0 &&
		   is_valid_utf8(err.message),
		   "a long unknown type is cut short in the message at a character boundary");

	snprintf(buf, sizeof(buf),
			 "{'nodes': [{'name': 'Start', 'type': 'trigger'}], "
			 "'connections': [{'from': '%s', 'to': '%s%s'}]}", value, value, value);
	valid = validate(buf, &err);
	report(!valid && err.kind == RR_DOC_UNDEFINED_REF &&
		   strlen(err.message) < RR_DOC_MESSAGE_LEN &&
		   is_valid_utf8(err.message),
		   "long missing node names keep the message valid UTF-8");

	snprintf(buf, sizeof(buf), "{'name': 'X', 'type': 'noop', '%s': 1}", value);
	validate(with_nodes(buf, buf), &err);
	report(err.kind == RR_DOC_INVALID && is_valid_utf8(err.message) &&
		   is_valid_utf8(err.field) && strlen(err.field) < RR_DOC_FIELD_LEN,
		   "a long unknown key keeps message and field valid UTF-8");

	snprintf(buf, sizeof(buf),
			 "{'name': 'S', 'type': 'set', 'params': {'fields': {'%s': {'%s': '{{ BAD }}'}}}}",
			 value, value);
	validate(with_nodes(buf, buf), &err);
	report(err.kind == RR_DOC_EXPRESSION && is_valid_utf8(err.field) &&
		   is_valid_utf8(err.message) && strlen(err.field) < RR_DOC_FIELD_LEN,
		   "a field path longer than its buffer is cut at a character boundary");

	snprintf(buf, sizeof(buf),
			 "{'nodes': [{'name': 'Start', 'type': 'trigger', 'timeout': '%s'}]}",
			 value);
	validate(buf, &err);
	report(err.kind == RR_DOC_DURATION && is_valid_utf8(err.message),
		   "a long bad duration is cut short in the message");
}


/* ---------- Durations ---------- */

static void
test_durations(void)
{
	int64_t		ms;

	expect_duration("500ms", 500);
	expect_duration("30s", 30000);
	expect_duration("5min", 300000);
	expect_duration("2h", 7200000);
	expect_duration("1d", 86400000);
	expect_duration("1w", 604800000);
	expect_duration("1h 30m", 5400000);
	expect_duration("1h30m", 5400000);
	expect_duration("1.5s", 1500);
	expect_duration("500 ms", 500);
	expect_duration("  5s  ", 5000);
	expect_duration("2 HOURS", 7200000);
	expect_duration("1 Week 2 days 3 hrs 4 mins 5 secs 6 msec",
					604800000 + 2 * 86400000 + 3 * 3600000 + 4 * 60000 + 5006);
	expect_duration("1 second", 1000);
	expect_duration("10 seconds", 10000);
	expect_duration("1 sec", 1000);
	expect_duration("1 minute", 60000);
	expect_duration("3 minutes", 180000);
	expect_duration("1 hr", 3600000);
	expect_duration("1 hour", 3600000);
	expect_duration("1 day", 86400000);
	expect_duration("2 weeks", 1209600000);
	expect_duration("0s", 0);
	expect_duration("0.5ms", 1);
	expect_duration("0.4ms", 0);
	expect_duration("0.0015s", 2);
	expect_duration("1.0000000000001s", 1000);
	expect_duration("0000000000000000000000001s", 1000);
	expect_duration("36525d", INT64_C(3155760000000));
	expect_duration("876600h", INT64_C(3155760000000));
	expect_duration("36524d 24h", INT64_C(3155760000000));
	expect_duration("36526d", -1);
	expect_duration("36525d 1ms", -1);
	expect_duration("5218w", -1);
	expect_duration("36525.00001d", -1);
	expect_duration("99999999999999999999999999999999s", -1);
	expect_duration("9223372036854775807ms", -1);
	expect_duration("9223372036854775807w", -1);
	/* these would wrap around to 34448384 ms in 64-bit arithmetic */
	expect_duration("30500568905w", -1);
	expect_duration("213503982335 days", -1);
	expect_duration("", -1);
	expect_duration("   ", -1);
	expect_duration("5", -1);
	expect_duration("5 ", -1);
	expect_duration("-5s", -1);
	expect_duration("+5s", -1);
	expect_duration("s", -1);
	expect_duration("5 parsecs", -1);
	expect_duration("5y", -1);
	expect_duration("5s,", -1);
	expect_duration("5s, 3m", -1);
	expect_duration("1.s", -1);
	expect_duration(".5s", -1);
	expect_duration("5ss", -1);
	expect_duration("1h 30", -1);
	expect_duration("5 s s", -1);
	expect_duration("1e3s", -1);
	expect_duration("five s", -1);
	expect_duration("5 millisecondsx", -1);
	expect_duration("5\xc2\xa0s", -1);
	expect_duration(NULL, -1);
	report(rr_duration_parse("5s", NULL), "rr_duration_parse accepts NULL ms");
	ms = 42;
	report(!rr_duration_parse("bad", &ms) && ms == 42,
		   "rr_duration_parse leaves ms alone on failure");
}


/* ---------- Running out of memory ---------- */

static long allocations_left = -1;	/* -1: never fail */

/*
 * failing_malloc
 *		jansson allocator that fails once allocations_left reaches zero.
 */
static void *
failing_malloc(size_t size)
{
	if (allocations_left == 0)
		return NULL;
	if (allocations_left > 0)
		allocations_left--;
	return malloc(size);
}

static void
test_out_of_memory(void)
{
	RrDocError	err;
	char		doc[DOC_BUFLEN];
	long		fail_at;
	int			out_of_memory = 0;
	int			syntax = 0;
	bool		only_expected = true;
	bool		finished = false;

	quote(every_type_document, doc);
	json_set_alloc_funcs(failing_malloc, free);
	for (fail_at = 0; fail_at < 100000 && !finished; fail_at++)
	{
		bool		valid;

		allocations_left = fail_at;
		valid = rr_document_validate(doc, strlen(doc), &default_limits,
									 marker_check, NULL, &err);
		if (valid)
			finished = true;	/* no allocation failed any more */
		else if (err.kind == RR_DOC_OUT_OF_MEMORY &&
				 strcmp(err.message, "out of memory") == 0)
			out_of_memory++;
		else if (err.kind == RR_DOC_SYNTAX)
			syntax++;		/* jansson's parser cannot always tell */
		else
		{
			only_expected = false;
			print_error("unexpected", &err);
		}
	}
	allocations_left = -1;
	json_set_alloc_funcs(malloc, free);

	printf("# %ld allocations: %d out of memory, %d syntax errors\n",
		   fail_at - 1, out_of_memory, syntax);
	report(finished && only_expected && out_of_memory > syntax,
		   "a failed allocation is out of memory (or, in the parser, a "
		   "syntax error), never a crash or leak");
}


/* ---------- The order of the rules ---------- */

static void
test_rule_order(void)
{
	expect_error("node fields (rule 2) before params (rule 3), whatever the node order",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'L', 'type': 'limit'}, {'name': 'X', 'type': 'nope'}]}",
				 RR_DOC_UNKNOWN_TYPE, "X", "type",
				 "node \"X\" has unknown type \"nope\"");
	expect_error("params (rule 3) before expressions (rule 4)",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'S', 'type': 'set', 'params': {'fields': {'x': '{{ BAD }}'}}}, "
				 "{'name': 'L', 'type': 'limit'}]}",
				 RR_DOC_INVALID, "L", "params.max",
				 "node \"L\" is missing required param \"max\"");
	expect_error("expressions (rule 4) before settings (rule 5)",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'S', 'type': 'set', 'params': {'fields': {'x': '{{ BAD }}'}}}], "
				 "'settings': {'save': 'x'}}",
				 RR_DOC_EXPRESSION, "S", "params.fields.x",
				 "invalid expression in node \"S\" field \"params.fields.x\"");
	expect_error("settings (rule 5) before connections (rule 6)",
				 "{'connections': [{'from': 'Nope', 'to': 'Start'}], "
				 "'nodes': [{'name': 'Start', 'type': 'trigger'}], 'settings': {'save': 'x'}}",
				 RR_DOC_INVALID, "", "settings.save",
				 "setting \"save\" has invalid value \"x\"");
	expect_error("connections (rule 6) before the trigger (rule 7)",
				 "{'nodes': [{'name': 'A', 'type': 'noop'}], 'connections': [{'from': 'A', 'to': 'B'}]}",
				 RR_DOC_UNDEFINED_REF, "", "connections[0].to",
				 "connection from \"A\" to \"B\" refers to missing node \"B\"");
	expect_error("the trigger (rule 7) before cycles (rule 8)",
				 "{'nodes': [{'name': 'A', 'type': 'noop'}], 'connections': [{'from': 'A', 'to': 'A'}]}",
				 RR_DOC_INVALID, "", "nodes",
				 "workflow document has no trigger node");
	expect_error("an unknown key is reported before later fields",
				 "{'nodes': [{'name': 'Start', 'type': 'trigger'}, "
				 "{'name': 'X', 'type': 'noop', 'timeout': 'bad', 'extra': 1}]}",
				 RR_DOC_INVALID, "X", "extra",
				 "node \"X\" has unknown field \"extra\"");
}


/* ---------- Node shapes (for the server's plan builder) ---------- */

/* Collects output names into one comma-separated string. */
static void
collect_output(const char *name, void *arg)
{
	char	   *buf = (char *) arg;

	if (buf[0] != '\0')
		strcat(buf, ",");
	strcat(buf, name);
}

/*
 * expect_outputs
 *		One test: a node of this type and params has exactly these outputs.
 */
static void
expect_outputs(const char *description, const char *type, const char *params,
			   bool error_output, int count, const char *names)
{
	char		buf[DOC_BUFLEN];
	char		got[DOC_BUFLEN] = "";
	int			n;

	quote(params, buf);
	n = rr_node_outputs(type, buf, strlen(buf), error_output, collect_output,
						got);
	if (!report(n == count && strcmp(got, names) == 0, "%s", description))
		printf("#   got %d outputs: %s\n", n, got);
}

static void
test_node_shapes(void)
{
	expect_outputs("if has outputs true and false", "if", "{}", false, 2,
				   "true,false");
	expect_outputs("on_error error_output adds the error output last", "set",
				   "{}", true, 2, "main,error");
	expect_outputs("switch outputs are its rules, then fallback", "switch",
				   "{'rules': [{'condition': '{{ $json.a }}', 'output': 'big'}, {'condition': '{{ $json.b }}'}]}",
				   false, 3, "big,1,fallback");
	expect_outputs("stop_and_error has no outputs of its own",
				   "stop_and_error", "{'message': 'x'}", false, 0, "");
	expect_outputs("an unknown type has no shape", "graphql", "{}", false, -1, "");
	expect_outputs("unparsable params have no shape", "set", "{", false, -1, "");
	report(rr_node_inputs("merge", "{}", 2) == 2, "merge has 2 inputs by default");
	report(rr_node_inputs("merge", "{\"inputs\": 4}", 13) == 4,
		   "merge has as many inputs as its inputs param");
	report(rr_node_inputs("trigger", "{}", 2) == 0, "a trigger has no inputs");
	report(rr_node_inputs("set", "{}", 2) == 1, "a set node has one input");
	report(rr_node_is_trigger("trigger") && !rr_node_is_trigger("set") &&
		   !rr_node_is_trigger("nope"), "only trigger is a trigger type");
}

int
main(void)
{
	test_valid_documents();
	test_document_rules();
	test_node_rules();
	test_param_rules();
	test_expression_rules();
	test_settings_rules();
	test_connection_rules();
	test_graph_rules();
	test_large_documents();
	test_long_values();
	test_durations();
	test_rule_order();
	test_out_of_memory();
	test_node_shapes();

	printf("1..%d\n", test_number);
	if (failed_tests > 0)
		printf("# %d of %d tests failed\n", failed_tests, test_number);
	return failed_tests > 0 ? 1 : 0;
}
