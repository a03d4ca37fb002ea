/*-------------------------------------------------------------------------
 *
 * request.h
 *		HTTP requests through libcurl, guarded and interruptible.
 *
 * rr_http_perform_all() sends requests at once and waits for their whole
 * responses, blocking the process but checking for interrupts
 * (pg_cancel_backend(), statement_timeout, cancel(), a node's timeout)
 * every 100 ms.  It touches no table, catalog or cache, so it may be
 * called with no transaction open.  Only http
 * and https are spoken; every connection, redirects included, passes the
 * SSRF guard (address_guard.h); the response is cut off at
 * reporunner.http_max_response_size.  Failures raise an ERROR: 08000 when
 * no response came (connection, TLS, timeout, too many redirects), 42501
 * when the guard refused an address or scheme, 54000 when the response was
 * too large.  A request through a proxy is sent only when
 * reporunner.http_proxy_allow lists that proxy (42501 otherwise); the
 * guard does not judge its connections, which all go to the proxy.  A
 * response with any status is a success here; the caller
 * judges the status.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_HTTP_REQUEST_H
#define RR_HTTP_REQUEST_H

#include "postgres.h"

#include "nodes/pg_list.h"

/*
 * One part of a multipart/form-data body: a field (filename NULL) or a
 * file.
 */
typedef struct RrHttpPart
{
	const char *name;
	const char *data;
	size_t		len;
	const char *filename;		/* NULL: a field */
	const char *content_type;	/* NULL: curl's default */
} RrHttpPart;

/* What to send. */
typedef struct RrHttpRequest
{
	const char *method;			/* "GET", "POST", ... */
	const char *url;			/* with its query string */
	const char *shown_url;		/* the URL as messages name it */
	List	   *headers;		/* "Name: value" strings */
	const char *body;			/* NULL: none */
	size_t		body_len;
	int64		timeout_ms;		/* the whole request */
	int64		connect_timeout_ms;
	int			max_redirects;
	bool		verify_tls;
	const char *username;		/* NULL: none; with password, for basic
								 * auth or AWS signing */
	const char *password;
	const char *aws_sigv4;		/* NULL: none; "aws:amz:region:service" */
	List	   *parts;			/* RrHttpPart *: a multipart body instead
								 * of body; NIL: none */
	const char *proxy;			/* "scheme://host:port", or NULL: none */
	bool		secret_headers; /* a credential is in headers: no redirect
								 * may leave the URL's origin */
	bool		secret_url;		/* url is a credential's: failures name
								 * neither its host nor its address */
	const char *base_url;		/* url as the node gave it, before a
								 * credential: what a relative next page is
								 * read against (src/nodes/http.c) */
	Oid			owner;			/* whose workflow sends it, for the counters
								 * of src/http/stats.c; InvalidOid: none */
} RrHttpRequest;

/* One header of the response. */
typedef struct RrHttpHeader
{
	char	   *name;			/* lower case */
	char	   *value;
} RrHttpHeader;

/* What came back, palloc'd in the caller's memory context. */
typedef struct RrHttpResponse
{
	long		status;
	List	   *headers;		/* RrHttpHeader *, of the last response of
								 * a redirect chain, in order */
	char	   *content_type;	/* NULL when none */
	char	   *body;			/* NUL-terminated too */
	size_t		body_len;
} RrHttpResponse;

/*
 * The URL to request: url (which must be an absolute http or https URL,
 * else 22023 or 42501; spaces and control characters around it are
 * dropped, those inside it percent-encoded) with the query pairs (a List
 * of "name", "value" strings, one after the other) appended, both
 * percent-encoded.
 */
extern char *rr_http_url(const char *url, List *query);

/*
 * reference (a URL, absolute or relative: "/items?page=2", "?page=2") read
 * against base, an absolute URL, as RFC 3986 says: the next page a Link
 * header or a response names.  reference as it is when either cannot be
 * parsed (rr_http_url then says why).
 */
extern char *rr_http_resolve(const char *base, const char *reference);

/*
 * url as errors and messages show it: with the password of its user part,
 * if it has one, as "***" (of what is no URL, nothing up to its last "@"),
 * and cut to RR_HTTP_SHOWN_URL_LENGTH bytes.
 */
#define RR_HTTP_SHOWN_URL_LENGTH 256
extern char *rr_http_shown_url(const char *url);

/*
 * Whether URLs a and b (as rr_http_url() gives them) have the same origin:
 * scheme, host and port; false when either cannot be parsed.
 */
extern bool rr_http_same_origin(const char *a, const char *b);

/*
 * The wait a response's Retry-After header asks for, in milliseconds (a
 * number of seconds or an HTTP date, at most RR_RETRY_DELAY_MAX_MS); -1
 * when it has none.
 */
extern int64 rr_http_retry_after(const RrHttpResponse *response);

/*
 * Called with its arg each time a response has been taken into memory:
 * the ERROR it raises ends the round (the http node checks its execution's
 * reporunner.max_execution_memory, so that the responses of thousands of
 * items cannot exhaust the server's memory before the node ends).
 */
typedef void (*RrHttpTakenHook) (void *arg);

/*
 * Send the n requests and wait for their responses (responses[i] for
 * requests[i]), at most reporunner.http_max_concurrency in flight and
 * reporunner.http_max_per_host connections to one host at a time.  The
 * first request that gets no response raises its ERROR at once; the
 * others are then abandoned.  taken, if not NULL, is called with arg after
 * each response.
 */
extern void rr_http_perform_all(const RrHttpRequest *requests,
								RrHttpResponse *responses, int n,
								RrHttpTakenHook taken, void *arg);

/*
 * The same, but a request that gets no response leaves its ERROR in
 * failures[i] (NULL for those that got one) and the others go on: the
 * requests of many executions sent together (src/nodes/http.c).  An
 * interrupt still ends them all with its ERROR.
 */
extern void rr_http_perform_each(const RrHttpRequest *requests,
								 RrHttpResponse *responses,
								 ErrorData **failures, int n);

/* One request: rr_http_perform_all of one. */
extern void rr_http_perform(const RrHttpRequest *request,
							RrHttpResponse *response);

/*
 * Set up libcurl and define reporunner.http_max_response_size,
 * reporunner.http_max_concurrency, reporunner.http_max_per_host and
 * reporunner.http_allow; _PG_init.
 */
extern void rr_http_init(void);

#endif							/* RR_HTTP_REQUEST_H */
