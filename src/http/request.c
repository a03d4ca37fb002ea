/*-------------------------------------------------------------------------
 *
 * request.c
 *		HTTP requests through libcurl, many at once: options, the guard on
 *		every connection, the size cap, waiting interruptibly, the errors.
 *
 * The requests of one call run on a curl multi handle that this file
 * drives itself, at most reporunner.http_max_concurrency at a time and
 * reporunner.http_max_per_host connections to one host.  The multi handle
 * is kept for the next call, with its connections, while
 * reporunner.http_allow stays the same.  Waiting is
 * curl_multi_perform, then curl_multi_poll for at most POLL_MS, then
 * CHECK_FOR_INTERRUPTS.  So an interrupt is served within POLL_MS, and it
 * is served here, between calls into libcurl, never from inside one of
 * libcurl's callbacks: an ERROR there would longjmp across libcurl's
 * frames.  The callbacks therefore only record what happened (a refused
 * address, a response too large, no memory), allocate with malloc, and
 * make curl stop; the ERROR is raised once curl has returned.  Every curl
 * handle, header list and buffer is released in PG_FINALLY, on every path.
 *
 * Nothing here touches the database, so callers may wait here with no
 * transaction open (src/nodes/http.c does, in background runs).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <time.h>

#include "document/document.h"
#include "http/address_guard.h"
#include "http/multipart.h"
#include "http/proxy.h"
#include "http/request.h"
#include "http/stats.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/guc.h"

/* Longest wait in libcurl between two checks for interrupts. */
#define POLL_MS		100

/* reporunner.http_max_response_size, in bytes */
static int	http_max_response_size = 10 * 1024 * 1024;

/* reporunner.http_max_concurrency and reporunner.http_max_per_host */
static int	http_max_concurrency = 64;
static int	http_max_per_host = 16;

/*
 * The process's multi handle, kept from call to call for its connections
 * (and DNS cache): made again when reporunner.http_allow changed, so that
 * no connection the guard judged under another value is reused.
 */
static CURLM *kept_multi = NULL;
static uint64 kept_multi_generation = 0;

/* Bytes received, malloc'd: filled inside libcurl's callbacks. */
typedef struct RecvBuffer
{
	char	   *data;
	size_t		len;
	size_t		cap;
} RecvBuffer;

/* One transfer and what its callbacks saw. */
typedef struct Transfer
{
	CURL	   *easy;			/* NULL when the slot is free */
	int			request;		/* the index of its request */
	struct curl_slist *headers;
	curl_mime  *mime;			/* a multipart body, or NULL */
	bool		via_proxy;		/* every connection goes to a listed proxy */
	RecvBuffer		body;
	RecvBuffer		header_lines;	/* of the last response so far */
	size_t		max_size;
	bool		too_large;
	bool		out_of_memory;
	const char *refused_range;	/* the guard refused a connection */
	char		refused_address[INET6_ADDRSTRLEN];
	char		refused_host[256];
	char		error[CURL_ERROR_SIZE];
	char		origin[320];	/* of the URL, with a credential in headers */
	char		left_for[256];	/* the host a redirect would have taken
								 * the credential to, or "" */
} Transfer;


/* ---------- Inside libcurl's callbacks: no ERROR, no palloc ---------- */

/*
 * buffer_append
 *		Append n bytes; false when the transfer's cap would be passed or
 *		memory ran out (the flags say which).
 */
static bool
buffer_append(Transfer *transfer, RecvBuffer *buffer, const char *data, size_t n)
{
	if (transfer->body.len + transfer->header_lines.len + n >
		transfer->max_size)
	{
		transfer->too_large = true;
		return false;
	}
	if (buffer->len + n + 1 > buffer->cap)
	{
		size_t		cap = Max(buffer->cap * 2, buffer->len + n + 1);
		char	   *data_new = realloc(buffer->data, Max(cap, 1024));

		if (data_new == NULL)
		{
			transfer->out_of_memory = true;
			return false;
		}
		buffer->data = data_new;
		buffer->cap = Max(cap, 1024);
	}
	memcpy(buffer->data + buffer->len, data, n);
	buffer->len += n;
	buffer->data[buffer->len] = '\0';
	return true;
}

/* CURLOPT_WRITEFUNCTION: the body, decompressed. */
static size_t
write_body(char *data, size_t size, size_t nmemb, void *arg)
{
	Transfer   *transfer = (Transfer *) arg;

	return buffer_append(transfer, &transfer->body, data, size * nmemb) ?
		size * nmemb : 0;
}

/*
 * CURLOPT_HEADERFUNCTION: header lines, one at a time.  A status line
 * starts the headers of another response (after a redirect, or after
 * "100 Continue"), which replace those kept so far.
 */
static size_t
write_header(char *data, size_t size, size_t nitems, void *arg)
{
	Transfer   *transfer = (Transfer *) arg;
	size_t		n = size * nitems;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
		transfer->header_lines.len = 0;
	return buffer_append(transfer, &transfer->header_lines, data, n) ? n : 0;
}

/*
 * url_part
 *		Of url, the host, or with origin "scheme://host:port", into buf; ""
 *		when it cannot be parsed.
 */
static void
url_part(const char *url, bool origin, char *buf, size_t buflen)
{
	CURLU	   *parsed = curl_url();
	char	   *scheme = NULL;
	char	   *host = NULL;
	char	   *port = NULL;

	buf[0] = '\0';
	if (parsed == NULL)
		return;
	if (curl_url_set(parsed, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK)
	{
		if (!origin)
			strlcpy(buf, host, buflen);
		else if (curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
				 curl_url_get(parsed, CURLUPART_PORT, &port,
							  CURLU_DEFAULT_PORT) == CURLUE_OK)
			snprintf(buf, buflen, "%s://%s:%s", scheme, host, port);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(parsed);
}

bool
rr_http_same_origin(const char *a, const char *b)
{
	char		origin_a[320];
	char		origin_b[320];

	url_part(a, true, origin_a, sizeof(origin_a));
	url_part(b, true, origin_b, sizeof(origin_b));
	return origin_a[0] != '\0' && strcmp(origin_a, origin_b) == 0;
}

/*
 * effective_url_part
 *		url_part of the URL curl is fetching now (the target of the
 *		redirect it follows, if so).
 */
static void
effective_url_part(Transfer *transfer, bool origin, char *buf, size_t buflen)
{
	char	   *url = NULL;

	buf[0] = '\0';
	if (curl_easy_getinfo(transfer->easy, CURLINFO_EFFECTIVE_URL, &url) ==
		CURLE_OK && url != NULL)
		url_part(url, origin, buf, buflen);
}

/*
 * CURLOPT_PREREQFUNCTION, for a request with a credential in its headers:
 * before each request is sent (the first, and each redirect's), refuse one
 * to another origin, to which libcurl would send those headers too.
 */
static int
check_origin(void *arg, char *primary_ip, char *local_ip, int primary_port,
			 int local_port)
{
	Transfer   *transfer = (Transfer *) arg;
	char		origin[sizeof(transfer->origin)];

	effective_url_part(transfer, true, origin, sizeof(origin));
	if (strcmp(origin, transfer->origin) == 0)
		return CURL_PREREQFUNC_OK;
	effective_url_part(transfer, false, transfer->left_for,
					   sizeof(transfer->left_for));
	return CURL_PREREQFUNC_ABORT;
}

/*
 * CURLOPT_OPENSOCKETFUNCTION: the SSRF guard, on the address curl is about
 * to connect to, for every connection.  A transfer through a proxy that
 * reporunner.http_proxy_allow lists connects only to that proxy, which
 * judges where it connects itself (proxy.c).
 */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *address)
{
	Transfer   *transfer = (Transfer *) arg;
	char		host[sizeof(transfer->refused_host)];
	const char *range;

	if (transfer->via_proxy)
		return socket(address->family, address->socktype, address->protocol);
	effective_url_part(transfer, false, host, sizeof(host));
	range = rr_address_refusal(&address->addr, host);
	if (range != NULL)
	{
		const void *raw = address->family == AF_INET6 ?
			(const void *) &((struct sockaddr_in6 *) &address->addr)->sin6_addr :
			(const void *) &((struct sockaddr_in *) &address->addr)->sin_addr;

		transfer->refused_range = range;
		strlcpy(transfer->refused_host, host, sizeof(transfer->refused_host));
		if (inet_ntop(address->family, raw, transfer->refused_address,
					  sizeof(transfer->refused_address)) == NULL)
			strlcpy(transfer->refused_address, "?",
					sizeof(transfer->refused_address));
		return CURL_SOCKET_BAD;
	}
	return socket(address->family, address->socktype, address->protocol);
}


/* ---------- Setting up and cleaning up ---------- */

/* Set a curl option; an ERROR when libcurl refuses it. */
#define SET_OPTION(easy, option, value) \
	do { \
		if (curl_easy_setopt((easy), (option), (value)) != CURLE_OK) \
			elog(ERROR, "could not set libcurl option %s", #option); \
	} while (0)

/*
 * setup_transfer
 *		The easy handle for the request, added to multi.
 */
static void
setup_transfer(Transfer *transfer, const RrHttpRequest *request, CURLM *multi)
{
	CURL	   *easy;
	ListCell   *lc;

	transfer->max_size = (size_t) http_max_response_size;
	transfer->too_large = transfer->out_of_memory = false;
	transfer->refused_range = NULL;
	transfer->left_for[0] = '\0';
	transfer->error[0] = '\0';
	transfer->easy = easy = curl_easy_init();
	if (easy == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("libcurl could not create a handle.")));

	foreach(lc, request->headers)
	{
		struct curl_slist *list = curl_slist_append(transfer->headers,
													(const char *) lfirst(lc));

		if (list == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		transfer->headers = list;
	}

	SET_OPTION(easy, CURLOPT_URL, request->url);
	SET_OPTION(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	SET_OPTION(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	/* no proxy but a listed one, not even from the server's environment */
	rr_http_proxy_setup(easy, request->proxy);
	transfer->via_proxy = request->proxy != NULL;
	SET_OPTION(easy, CURLOPT_NOSIGNAL, 1L);
	SET_OPTION(easy, CURLOPT_ERRORBUFFER, transfer->error);
	SET_OPTION(easy, CURLOPT_HTTPHEADER, transfer->headers);
	SET_OPTION(easy, CURLOPT_USERAGENT, "Reporunner/" REPORUNNER_VERSION);
	SET_OPTION(easy, CURLOPT_ACCEPT_ENCODING, "");
	SET_OPTION(easy, CURLOPT_TIMEOUT_MS, (long) request->timeout_ms);
	SET_OPTION(easy, CURLOPT_CONNECTTIMEOUT_MS,
			   (long) request->connect_timeout_ms);
	SET_OPTION(easy, CURLOPT_FOLLOWLOCATION, request->max_redirects > 0 ? 1L : 0L);
	SET_OPTION(easy, CURLOPT_MAXREDIRS, (long) request->max_redirects);
	SET_OPTION(easy, CURLOPT_SSL_VERIFYPEER, request->verify_tls ? 1L : 0L);
	SET_OPTION(easy, CURLOPT_SSL_VERIFYHOST, request->verify_tls ? 2L : 0L);
	/* a HEAD response's Content-Length announces a body that never comes */
	if (strcmp(request->method, "HEAD") != 0)
		SET_OPTION(easy, CURLOPT_MAXFILESIZE_LARGE,
				   (curl_off_t) transfer->max_size);
	SET_OPTION(easy, CURLOPT_WRITEFUNCTION, write_body);
	SET_OPTION(easy, CURLOPT_WRITEDATA, transfer);
	SET_OPTION(easy, CURLOPT_HEADERFUNCTION, write_header);
	SET_OPTION(easy, CURLOPT_HEADERDATA, transfer);
	SET_OPTION(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	SET_OPTION(easy, CURLOPT_OPENSOCKETDATA, transfer);
	SET_OPTION(easy, CURLOPT_PRIVATE, transfer);
	if (request->secret_headers)
	{
		url_part(request->url, true, transfer->origin, sizeof(transfer->origin));
		SET_OPTION(easy, CURLOPT_PREREQFUNCTION, check_origin);
		SET_OPTION(easy, CURLOPT_PREREQDATA, transfer);
	}
	if (request->username != NULL)
	{
		SET_OPTION(easy, CURLOPT_USERNAME, request->username);
		SET_OPTION(easy, CURLOPT_PASSWORD, request->password);
	}
	if (request->aws_sigv4 != NULL)
		SET_OPTION(easy, CURLOPT_AWS_SIGV4, request->aws_sigv4);

	/*
	 * POST as curl does it by itself, so that a redirect with 301, 302 or
	 * 303 goes on with GET, as browsers do; other methods by name, and
	 * with their body after any redirect: libcurl would drop the body on
	 * a 301, 302 or 303 and still send the method, so that a PUT would
	 * arrive empty.  (n8n goes on with GET after a 303; here a PUT,
	 * PATCH or DELETE stays what it is.)
	 */
	if (strcmp(request->method, "HEAD") == 0)
		SET_OPTION(easy, CURLOPT_NOBODY, 1L);
	else if (strcmp(request->method, "POST") != 0 &&
			 (strcmp(request->method, "GET") != 0 || request->body != NULL ||
			  request->parts != NIL))
	{
		SET_OPTION(easy, CURLOPT_CUSTOMREQUEST, request->method);
		SET_OPTION(easy, CURLOPT_POSTREDIR, (long) CURL_REDIR_POST_ALL);
	}
	if (request->body != NULL || strcmp(request->method, "POST") == 0)
	{
		SET_OPTION(easy, CURLOPT_POSTFIELDSIZE_LARGE,
				   (curl_off_t) request->body_len);
		SET_OPTION(easy, CURLOPT_POSTFIELDS,
				   request->body != NULL ? request->body : "");
	}
	if (request->parts != NIL)
	{
		transfer->mime = rr_http_mime(easy, request->parts);
		SET_OPTION(easy, CURLOPT_MIMEPOST, transfer->mime);
	}

	if (curl_multi_add_handle(multi, easy) != CURLM_OK)
		elog(ERROR, "could not add a handle to a libcurl multi handle");
}

/*
 * cleanup_transfer
 *		Release everything of the transfer; safe on a half-set-up one and
 *		on one already released.
 */
static void
cleanup_transfer(Transfer *transfer, CURLM *multi)
{
	if (transfer->easy != NULL)
	{
		curl_multi_remove_handle(multi, transfer->easy);
		curl_easy_cleanup(transfer->easy);
	}
	curl_slist_free_all(transfer->headers);
	curl_mime_free(transfer->mime);
	free(transfer->body.data);
	free(transfer->header_lines.data);
	transfer->easy = NULL;
	transfer->headers = NULL;
	transfer->mime = NULL;
	memset(&transfer->body, 0, sizeof(RecvBuffer));
	memset(&transfer->header_lines, 0, sizeof(RecvBuffer));
}


/* ---------- Running ---------- */

/*
 * raise_failure
 *		The ERROR for a transfer that got no complete response.
 */
static void
raise_failure(const RrHttpRequest *request, Transfer *transfer,
			  CURLcode result)
{
	/* libcurl's own text names the host ("Could not resolve host: ...") */
	const char *reason = transfer->error[0] != '\0' && !request->secret_url ?
		transfer->error : curl_easy_strerror(result);

	if (transfer->refused_range != NULL && request->secret_url)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the SSRF guard refused to connect to the host of the node's credential URL"),
				 errdetail("The address is in a blocked range: %s.  The request was %s %s.",
						   transfer->refused_range, request->method,
						   request->shown_url),
				 errhint("A superuser can allow the network or the host name in reporunner.http_allow.")));
	if (transfer->refused_range != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the SSRF guard refused to connect to address %s of host \"%s\"",
						transfer->refused_address, transfer->refused_host),
				 errdetail("The address is in a blocked range: %s.  The request was %s %s.",
						   transfer->refused_range, request->method,
						   request->shown_url),
				 errhint("A superuser can allow the network or the host name in reporunner.http_allow.")));
	if (transfer->left_for[0] != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s %s was redirected to host \"%s\", which would get the node's credential",
						request->method, request->shown_url, transfer->left_for),
				 errdetail("The credential is sent in a header, which would go on to the redirect's target; redirects must stay on the URL's scheme, host and port."),
				 errhint("Call the redirect's target in a node of its own, or set the node's param \"max_redirects\" to 0 to get the redirect as the result.")));
	/* what is not HTTP at all: libcurl takes it for HTTP/0.9 */
	if (result == CURLE_UNSUPPORTED_PROTOCOL &&
		strstr(transfer->error, "HTTP/0.9") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_EXCEPTION),
				 errmsg("%s %s got no valid HTTP response",
						request->method, request->shown_url),
				 errdetail("%s", reason)));
	if (result == CURLE_UNSUPPORTED_PROTOCOL)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s %s was redirected to a URL that is not http or https",
						request->method, request->shown_url),
				 errdetail("%s", reason)));
	if (transfer->too_large || result == CURLE_FILESIZE_EXCEEDED)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the response to %s %s is larger than %d bytes",
						request->method, request->shown_url,
						http_max_response_size),
				 errhint("reporunner.http_max_response_size sets the limit.")));
	if (transfer->out_of_memory)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("The response to %s %s did not fit in memory.",
						   request->method, request->shown_url)));
	if (result == CURLE_OPERATION_TIMEDOUT)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_EXCEPTION),
				 errmsg("%s %s timed out", request->method, request->shown_url),
				 errdetail("%s", reason)));
	if (result == CURLE_TOO_MANY_REDIRECTS)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_EXCEPTION),
				 errmsg("%s %s was redirected more than %d times",
						request->method, request->shown_url,
						request->max_redirects),
				 errhint("The node's param \"max_redirects\" sets the limit.")));
	ereport(ERROR,
			(errcode(ERRCODE_CONNECTION_EXCEPTION),
			 errmsg("%s %s failed", request->method, request->shown_url),
			 errdetail("%s", reason)));
}

/*
 * parse_headers
 *		The header lines of the response as RrHttpHeaders.  Lines that are
 *		not "name: value" in the database's encoding, and status lines
 *		("HTTP/1.1 200 Note: ok"), are left out.
 */
static List *
parse_headers(const RecvBuffer *lines)
{
	List	   *headers = NIL;
	const char *line = lines->data;
	const char *end = lines->data + lines->len;

	while (line != NULL && line < end)
	{
		const char *eol = memchr(line, '\n', end - line);
		const char *line_end = eol != NULL ? eol : end;
		const char *colon = memchr(line, ':', line_end - line);

		/* the status lines (of redirects and 1xx too) are not headers */
		if (colon != NULL && colon > line && *line != ' ' && *line != '\t' &&
			!(line_end - line >= 5 && strncmp(line, "HTTP/", 5) == 0) &&
			pg_verify_mbstr(GetDatabaseEncoding(), line, line_end - line, true))
		{
			RrHttpHeader *header = palloc(sizeof(RrHttpHeader));
			const char *value = colon + 1;
			const char *value_end = line_end;
			int			i;

			while (value < value_end && (*value == ' ' || *value == '\t'))
				value++;
			while (value_end > value &&
				   (value_end[-1] == '\r' || value_end[-1] == ' ' ||
					value_end[-1] == '\t'))
				value_end--;
			header->name = pnstrdup(line, colon - line);
			for (i = 0; header->name[i] != '\0'; i++)
				header->name[i] = pg_ascii_tolower((unsigned char) header->name[i]);
			header->value = pnstrdup(value, value_end - value);
			headers = lappend(headers, header);
		}
		line = eol != NULL ? eol + 1 : NULL;
	}
	return headers;
}

/*
 * encoded_url
 *		url without the spaces and control characters before and after it,
 *		and with those inside it percent-encoded, as a browser's URL parser
 *		(WHATWG) and n8n take "https://host/search?q=John Smith"; libcurl
 *		refuses them.
 */
static char *
encoded_url(const char *url)
{
	const unsigned char *start = (const unsigned char *) url;
	const unsigned char *end = start + strlen(url);
	StringInfoData buf;

	while (start < end && *start <= 0x20)
		start++;
	while (end > start && end[-1] <= 0x20)
		end--;
	initStringInfo(&buf);
	for (; start < end; start++)
	{
		if (*start <= 0x20 || *start == 0x7F)
			appendStringInfo(&buf, "%%%02X", *start);
		else
			appendStringInfoChar(&buf, (char) *start);
	}
	return buf.data;
}

char *
rr_http_shown_url(const char *url)
{
	char	   *shown;
	int			len;

	/* without an "@" there is no user part: no parse for every request */
	if (strchr(url, '@') == NULL)
		shown = pstrdup(url);
	else
	{
		CURLU	   *parsed = curl_url();
		char	   *password = NULL;
		char	   *masked = NULL;

		if (parsed == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		/* no URL libcurl reads: whatever a user part may be is not shown */
		if (curl_url_set(parsed, CURLUPART_URL, encoded_url(url), 0) != CURLUE_OK)
			shown = psprintf("...%s", strrchr(url, '@'));
		else if (curl_url_get(parsed, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK &&
				 curl_url_set(parsed, CURLUPART_PASSWORD, "***", 0) == CURLUE_OK &&
				 curl_url_get(parsed, CURLUPART_URL, &masked, 0) == CURLUE_OK)
			shown = pstrdup(masked);
		else
			shown = pstrdup(url);
		curl_free(password);
		curl_free(masked);
		curl_url_cleanup(parsed);
	}
	/* and a URL of a megabyte is not copied into every message */
	len = strlen(shown);
	if (len > RR_HTTP_SHOWN_URL_LENGTH)
	{
		len = pg_mbcliplen(shown, len, RR_HTTP_SHOWN_URL_LENGTH);
		shown = psprintf("%.*s...", len, shown);
	}
	return shown;
}

char *
rr_http_resolve(const char *base, const char *reference)
{
	CURLU	   *parsed;
	char	   *full = NULL;
	char	   *result;

	/* the same document (libcurl 7.88 would drop the query and the file) */
	if (reference[0] == '\0' || reference[0] == '#')
		return psprintf("%.*s%s", (int) strcspn(base, "#"), base, reference);
	parsed = curl_url();
	if (parsed == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (curl_url_set(parsed, CURLUPART_URL, base, 0) != CURLUE_OK ||
		curl_url_set(parsed, CURLUPART_URL, encoded_url(reference), 0) != CURLUE_OK ||
		curl_url_get(parsed, CURLUPART_URL, &full, 0) != CURLUE_OK)
	{
		curl_url_cleanup(parsed);
		return pstrdup(reference);
	}
	curl_url_cleanup(parsed);
	result = pstrdup(full);
	curl_free(full);
	return result;
}

char *
rr_http_url(const char *url, List *query)
{
	CURLU	   *parsed = curl_url();
	CURLUcode	code;
	char	   *scheme = NULL;
	char	   *full = NULL;
	bool		web = false;
	char	   *result;
	int			i;

	if (parsed == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	code = curl_url_set(parsed, CURLUPART_URL, encoded_url(url), 0);
	if (code == CURLUE_OK)
		code = curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0);
	if (code == CURLUE_OK)
	{
		web = strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0;
		curl_free(scheme);
	}
	for (i = 0; i + 1 < list_length(query); i += 2)
	{
		char	   *name;
		char	   *value;
		char	   *pair;

		if (code != CURLUE_OK || !web)
			break;
		name = curl_easy_escape(NULL, (const char *) list_nth(query, i), 0);
		value = curl_easy_escape(NULL, (const char *) list_nth(query, i + 1), 0);
		pair = (name != NULL && value != NULL) ?
			psprintf("%s=%s", name, value) : NULL;
		curl_free(name);
		curl_free(value);
		code = pair != NULL ?
			curl_url_set(parsed, CURLUPART_QUERY, pair, CURLU_APPENDQUERY) :
			CURLUE_OUT_OF_MEMORY;
	}
	if (code == CURLUE_OK && web)
		code = curl_url_get(parsed, CURLUPART_URL, &full, 0);
	curl_url_cleanup(parsed);

	if (code != CURLUE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a valid URL", rr_http_shown_url(url)),
				 errdetail("%s.", curl_url_strerror(code)),
				 errhint("Give an absolute URL such as \"https://example.com/path\".")));
	if (!web)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("\"%s\" is not an http or https URL",
						rr_http_shown_url(url)),
				 errdetail("http nodes speak only http and https.")));
	result = pstrdup(full);
	curl_free(full);
	return result;
}

/*
 * take_response
 *		What the ended transfer received, as the response, palloc'd.
 */
static void
take_response(Transfer *transfer, RrHttpResponse *response)
{
	char	   *content_type = NULL;

	curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE,
					  &response->status);
	curl_easy_getinfo(transfer->easy, CURLINFO_CONTENT_TYPE, &content_type);
	response->content_type = content_type != NULL ?
		pstrdup(content_type) : NULL;
	response->headers = parse_headers(&transfer->header_lines);
	response->body_len = transfer->body.len;
	response->body = palloc(transfer->body.len + 1);
	if (transfer->body.len > 0)
		memcpy(response->body, transfer->body.data, transfer->body.len);
	response->body[transfer->body.len] = '\0';
}

/*
 * record_failure
 *		With failures (rr_http_perform_each), keep the ERROR that raise()
 *		raises for request i in failures[i] instead of raising it; without
 *		them, raise it.
 */
static void
record_failure(ErrorData **failures, int i, const RrHttpRequest *request,
			   Transfer *transfer, CURLcode result)
{
	MemoryContext context = CurrentMemoryContext;

	if (failures == NULL)
		raise_failure(request, transfer, result);
	PG_TRY();
	{
		raise_failure(request, transfer, result);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(context);
		failures[i] = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
}

/*
 * start_transfer
 *		Set up the transfer of request i; with failures, a request that
 *		cannot be set up (a proxy not allowed) gets its ERROR there and
 *		false, and its transfer is released.
 */
static bool
start_transfer(Transfer *transfer, const RrHttpRequest *requests, int i,
			   CURLM *multi, ErrorData **failures)
{
	MemoryContext context = CurrentMemoryContext;
	volatile bool started = true;

	transfer->request = i;
	if (failures == NULL)
	{
		setup_transfer(transfer, &requests[i], multi);
		return true;
	}
	PG_TRY();
	{
		setup_transfer(transfer, &requests[i], multi);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(context);
		failures[i] = CopyErrorData();
		FlushErrorState();
		cleanup_transfer(transfer, multi);
		started = false;
	}
	PG_END_TRY();
	return started;
}

/*
 * run_transfers
 *		Drive the requests to their ends on multi, in the nslots transfers
 *		(at most reporunner.http_max_concurrency), serving interrupts every
 *		POLL_MS.  A transfer is released as soon as its response is taken
 *		and its slot serves the next request, so memory holds only the
 *		requests in flight.  A request that gets no response raises its
 *		ERROR, or, with failures, leaves it there and the others go on.
 */
static void
run_transfers(CURLM *multi, const RrHttpRequest *requests,
			  RrHttpResponse *responses, ErrorData **failures,
			  Transfer *transfers, int nslots, int n,
			  RrHttpTakenHook taken, void *arg)
{
	int			started = 0;
	int			in_flight = 0;
	int			ended = 0;

	while (ended < n)
	{
		int			running;
		int			queued;
		int			slot;
		CURLMsg    *message;
		CURLMcode	code;

		CHECK_FOR_INTERRUPTS();
		for (slot = 0; slot < nslots && started < n; slot++)
		{
			if (transfers[slot].easy != NULL)
				continue;
			if (start_transfer(&transfers[slot], requests, started++, multi,
							   failures))
				in_flight++;
			else
				ended++;
		}
		code = curl_multi_perform(multi, &running);
		if (code != CURLM_OK)
			elog(ERROR, "libcurl failed: %s", curl_multi_strerror(code));
		while ((message = curl_multi_info_read(multi, &queued)) != NULL)
		{
			char	   *private = NULL;
			Transfer   *transfer;

			if (message->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &private);
			transfer = (Transfer *) private;
			rr_http_stats_count(&requests[transfer->request],
								message->easy_handle, message->data.result,
								transfer->refused_range != NULL);
			if (message->data.result != CURLE_OK)
				record_failure(failures, transfer->request,
							   &requests[transfer->request], transfer,
							   message->data.result);
			else
				take_response(transfer, &responses[transfer->request]);
			cleanup_transfer(transfer, multi);
			in_flight--;
			ended++;
			if (taken != NULL)
				taken(arg);
		}
		/* start the next ones before waiting, when some ended */
		if (ended == n || (started < n && in_flight < nslots))
			continue;
		code = curl_multi_poll(multi, NULL, 0, POLL_MS, NULL);
		if (code != CURLM_OK)
			elog(ERROR, "libcurl failed: %s", curl_multi_strerror(code));
	}
}

/*
 * multi_handle
 *		The kept multi handle, made when there is none or when
 *		reporunner.http_allow changed since, with the current limits.
 */
static CURLM *
multi_handle(void)
{
	if (kept_multi != NULL &&
		kept_multi_generation != rr_address_guard_generation())
	{
		curl_multi_cleanup(kept_multi);
		kept_multi = NULL;
	}
	if (kept_multi == NULL)
	{
		kept_multi = curl_multi_init();
		if (kept_multi == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("libcurl could not create a handle.")));
		kept_multi_generation = rr_address_guard_generation();
	}
	if (curl_multi_setopt(kept_multi, CURLMOPT_MAX_HOST_CONNECTIONS,
						  (long) http_max_per_host) != CURLM_OK ||
		curl_multi_setopt(kept_multi, CURLMOPT_MAXCONNECTS,
						  (long) http_max_concurrency) != CURLM_OK)
		elog(ERROR, "could not set the limits of a libcurl multi handle");
	return kept_multi;
}

/*
 * perform
 *		rr_http_perform_all, or rr_http_perform_each with failures.
 */
static void
perform(const RrHttpRequest *requests, RrHttpResponse *responses,
		ErrorData **failures, int n, RrHttpTakenHook taken, void *arg)
{
	volatile int nslots = Max(Min(n, http_max_concurrency), 1);
	Transfer   *transfers = palloc0(sizeof(Transfer) * nslots);
	CURLM	   *multi = multi_handle();

	PG_TRY();
	{
		run_transfers(multi, requests, responses, failures, transfers,
					  nslots, n, taken, arg);
	}
	PG_FINALLY();
	{
		int			i;

		for (i = 0; i < nslots; i++)
			cleanup_transfer(&transfers[i], multi);
	}
	PG_END_TRY();
	pfree(transfers);
}

void
rr_http_perform_all(const RrHttpRequest *requests, RrHttpResponse *responses,
					int n, RrHttpTakenHook taken, void *arg)
{
	perform(requests, responses, NULL, n, taken, arg);
}

void
rr_http_perform_each(const RrHttpRequest *requests, RrHttpResponse *responses,
					 ErrorData **failures, int n)
{
	memset(failures, 0, sizeof(ErrorData *) * n);
	perform(requests, responses, failures, n, NULL, NULL);
}

void
rr_http_perform(const RrHttpRequest *request, RrHttpResponse *response)
{
	rr_http_perform_all(request, response, 1, NULL, NULL);
}

void
rr_http_init(void)
{
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
		elog(ERROR, "could not initialize libcurl");

	DefineCustomIntVariable("reporunner.http_max_response_size",
							"Largest response an http node accepts.",
							"Headers and the body after decompression count; a larger response fails the node.",
							&http_max_response_size,
							10 * 1024 * 1024,
							1024,
							256 * 1024 * 1024,
							PGC_SUSET,
							GUC_UNIT_BYTE,
							NULL,
							NULL,
							NULL);
	DefineCustomIntVariable("reporunner.http_max_concurrency",
							"Most HTTP requests one process has in flight at once.",
							"An http node sends the requests of its items at once, up to this many at a time.",
							&http_max_concurrency,
							64,
							1,
							1024,
							PGC_SUSET,
							0,
							NULL,
							NULL,
							NULL);
	DefineCustomIntVariable("reporunner.http_max_per_host",
							"Most connections one process has open to one host at once.",
							"Requests beyond it wait for a connection to the host to be free; 0 means no limit but reporunner.http_max_concurrency.",
							&http_max_per_host,
							16,
							0,
							1024,
							PGC_SUSET,
							0,
							NULL,
							NULL,
							NULL);
	rr_address_guard_init();
	rr_http_proxy_init();
}

/*
 * rr_http_retry_after
 *		The wait a response's Retry-After asks for, in milliseconds: a
 *		number of seconds, or an HTTP date; -1 when there is none.
 */
int64
rr_http_retry_after(const RrHttpResponse *response)
{
	ListCell   *lc;

	foreach(lc, response->headers)
	{
		RrHttpHeader *header = lfirst(lc);
		const char *value = header->value;
		time_t		when;

		if (strcmp(header->name, "retry-after") != 0)
			continue;
		if (*value != '\0' && strspn(value, "0123456789") == strlen(value))
			return strlen(value) > 9 ? RR_RETRY_DELAY_MAX_MS :
				(int64) strtol(value, NULL, 10) * 1000;
		when = curl_getdate(value, NULL);
		if (when == -1)
			return -1;
		return Max((int64) (when - time(NULL)) * 1000, 0);
	}
	return -1;
}
