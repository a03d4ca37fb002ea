/*-------------------------------------------------------------------------
 *
 * document.h
 *		Validation of native Reporunner workflow documents.
 *
 * This unit is plain C on top of jansson and includes no PostgreSQL
 * header, so it can be unit-tested and fuzzed outside the server.  The
 * server supplies a callback that checks the inside of each {{ }}
 * expression with the expression compiler (src/expr), and maps the error kinds
 * below to SQLSTATEs.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_DOCUMENT_H
#define RR_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What went wrong; the server maps each kind to one SQLSTATE. */
typedef enum RrDocErrorKind
{
	RR_DOC_OK = 0,
	RR_DOC_SYNTAX,				/* not JSON at all (22P02) */
	RR_DOC_INVALID,				/* wrong shape, missing or unknown field (22023) */
	RR_DOC_UNKNOWN_TYPE,		/* unknown node type (22023) */
	RR_DOC_DUPLICATE_NAME,		/* two nodes with one name (42710) */
	RR_DOC_UNDEFINED_REF,		/* connection to a missing node/output/input (42704) */
	RR_DOC_CYCLE,				/* the graph has a cycle (42P17) */
	RR_DOC_PARAM_TYPE,			/* a param or setting of the wrong type (42804) */
	RR_DOC_DURATION,			/* a malformed or out-of-range duration (22007) */
	RR_DOC_EXPRESSION,			/* an unparsable {{ }} expression (42601) */
	RR_DOC_TOO_LARGE,			/* document over a size limit (54000) */
	RR_DOC_OUT_OF_MEMORY		/* allocation failed (53200) */
} RrDocErrorKind;

#define RR_DOC_NAME_LEN		128		/* longest node name, in bytes */

/*
 * Bounds of a node's retry policy: attempts in all, and the growth of the
 * wait from one to the next.  The engine applies them to versions saved
 * before they existed too, and never waits longer than
 * RR_RETRY_DELAY_MAX_MS between two attempts.
 */
#define RR_RETRY_TRIES_MAX		100
#define RR_RETRY_BACKOFF_MAX	100
#define RR_RETRY_DELAY_MAX_MS	((int64_t) 7 * 24 * 3600 * 1000)
#define RR_DOC_FIELD_LEN	256
#define RR_DOC_MESSAGE_LEN	512

/*
 * A validation failure.  "node" is the offending node's name (empty when
 * the problem is not inside one node); "field" is a dotted path inside the
 * node or document such as "params.condition" or "connections[3].to".
 * "message" is a complete PostgreSQL-style primary message (lower case, no
 * final period) that already names the node and the field; "detail" is an
 * optional full sentence.
 */
typedef struct RrDocError
{
	RrDocErrorKind kind;
	char		node[RR_DOC_NAME_LEN + 1];
	char		field[RR_DOC_FIELD_LEN];
	char		message[RR_DOC_MESSAGE_LEN];
	char		detail[RR_DOC_MESSAGE_LEN];
} RrDocError;

/*
 * Checks the text between "{{" and "}}" (without the braces, untrimmed).
 * Returns true when it parses; otherwise writes a one-line reason into
 * errbuf and returns false.
 */
typedef bool (*RrExprCheckFn) (const char *expr, size_t len,
							   char *errbuf, size_t errlen, void *arg);

/* Limits applied to a document as a whole. */
typedef struct RrDocLimits
{
	size_t		max_bytes;		/* longest document text, in bytes */
	int			max_nodes;		/* most nodes in one document */
} RrDocLimits;

/*
 * Validate a whole native workflow document given as JSON text.  Returns
 * true if it is valid; otherwise fills *err and returns false.  check may
 * be NULL, in which case expressions are only checked for balanced braces.
 */
extern bool rr_document_validate(const char *json, size_t len,
								 const RrDocLimits *limits,
								 RrExprCheckFn check, void *check_arg,
								 RrDocError *err);

/* What rr_expression_next found. */
typedef enum RrExprScan
{
	RR_EXPR_NONE,				/* no "{{" at or after "from" */
	RR_EXPR_FOUND,				/* *open and *close are set */
	RR_EXPR_UNTERMINATED		/* a "{{" that is never closed */
} RrExprScan;

/*
 * Find the next {{ }} expression in text[from..len): *open is the position
 * of "{{" and *close that of the matching "}}".  Quoted strings inside the
 * expression are skipped.  The validator and the run-time template
 * compiler share this, so both split text the same way.
 */
extern RrExprScan rr_expression_next(const char *text, size_t len,
									 size_t from, size_t *open,
									 size_t *close);

/*
 * Whether text is exactly one {{ }} expression with nothing around it (not
 * even whitespace), after an optional leading "=", whose value then stands
 * for the whole value.
 */
extern bool rr_expression_is_lone(const char *text, size_t len);

/*
 * The outputs and inputs of one node of a valid document, for the server's
 * plan builder.  params_json is the node's params as JSON text.
 * rr_node_outputs calls emit(name, arg) for each output in order, "error"
 * last when error_output is set, and returns their number; both return -1
 * for an unknown type or unparsable params.
 */
extern int	rr_node_outputs(const char *type, const char *params_json,
							size_t len, bool error_output,
							void (*emit) (const char *name, void *arg),
							void *arg);
extern int	rr_node_inputs(const char *type, const char *params_json,
						   size_t len);
extern bool rr_node_is_trigger(const char *type);

/*
 * Parse a duration such as "500ms", "30s", "5min", "2 hours" or
 * "1h 30m" into milliseconds.  Returns false for malformed, negative or
 * overflowing input.
 */
extern bool rr_duration_parse(const char *text, int64_t *ms);

/*
 * Whether text is a proxy URL an http node may name: "http://host:port",
 * "https://host:port" or "socks5h://host:port", with no user name,
 * password or path.
 */
extern bool rr_proxy_url_valid(const char *text, size_t len);

#endif							/* RR_DOCUMENT_H */
