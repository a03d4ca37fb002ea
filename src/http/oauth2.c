/*-------------------------------------------------------------------------
 *
 * oauth2.c
 *		OAuth 2.0 client credentials grant: fetching access tokens and
 *		keeping them for this backend until they expire.
 *
 * The token request is a POST of grant_type=client_credentials, client_id,
 * client_secret and, when given, scope and audience, form-encoded, to the
 * credential's token_url, sent by rr_http_perform like any request (the
 * SSRF guard judges the token URL and its redirects).  The answer must be
 * a 2xx JSON object with a string access_token; its expires_in (seconds),
 * when given, bounds how long the token is kept, less EXPIRY_MARGIN_S.  A
 * kept token is forgotten when its credential is set again (its
 * updated_at changes), and renewed after a 401 (auth.c).  Tokens are kept
 * in TopMemoryContext and wiped when replaced; the request body and the
 * response, which hold secrets, are wiped after use.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <curl/curl.h>
#include <jansson.h>

#include "http/oauth2.h"
#include "utils/memutils.h"

/* A token is renewed this long before it expires. */
#define EXPIRY_MARGIN_S		10

/* A token this backend keeps. */
typedef struct KeptToken
{
	int64		credential_id;
	TimestampTz updated_at;		/* the credential's, when fetched */
	TimestampTz expires_at;		/* 0: when a request gets a 401 */
	char	   *token;			/* in TopMemoryContext */
} KeptToken;

/* KeptToken *, in TopMemoryContext */
static List *kept_tokens = NIL;

/*
 * kept_token
 *		The entry of a credential, made when missing.
 */
static KeptToken *
kept_token(const RrCredential *credential)
{
	ListCell   *lc;
	KeptToken  *kept;
	MemoryContext oldcxt;

	foreach(lc, kept_tokens)
	{
		kept = lfirst(lc);
		if (kept->credential_id == credential->id)
			return kept;
	}
	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	kept = palloc0(sizeof(KeptToken));
	kept->credential_id = credential->id;
	kept_tokens = lappend(kept_tokens, kept);
	MemoryContextSwitchTo(oldcxt);
	return kept;
}

/* Wipe and free an entry's token. */
static void
forget(KeptToken *kept)
{
	if (kept->token != NULL)
	{
		explicit_bzero(kept->token, strlen(kept->token));
		pfree(kept->token);
	}
	kept->token = NULL;
}

/*
 * append_param
 *		"&name=value", percent-encoded, to the form body buf.
 */
static void
append_param(StringInfo buf, const char *name, JsonbValue *value)
{
	char	   *text = pnstrdup(value->val.string.val, value->val.string.len);
	char	   *escaped = curl_easy_escape(NULL, text, 0);

	explicit_bzero(text, strlen(text));
	if (escaped == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	appendStringInfo(buf, "&%s=%s", name, escaped);
	explicit_bzero(escaped, strlen(escaped));
	curl_free(escaped);
}

/*
 * token_body
 *		The form body of the token request.
 */
static char *
token_body(const RrCredential *credential)
{
	static const char *const params[] = {"client_id", "client_secret",
	"scope", "audience", NULL};
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "grant_type=client_credentials");
	for (i = 0; params[i] != NULL; i++)
	{
		JsonbValue	value;

		if (getKeyJsonValueFromContainer(&credential->secret->root, params[i],
										 strlen(params[i]), &value) != NULL &&
			value.type == jbvString)
			append_param(&buf, params[i], &value);
	}
	return buf.data;
}

/*
 * parse_token
 *		The access token of a token response into kept, and when it
 *		expires; false when the response has none.
 */
static bool
parse_token(const RrHttpResponse *response, KeptToken *kept)
{
	json_error_t error;
	json_t	   *root = json_loadb(response->body, response->body_len, 0, &error);
	json_t	   *token = root != NULL ? json_object_get(root, "access_token") : NULL;
	json_t	   *expires_in = root != NULL ? json_object_get(root, "expires_in") : NULL;
	bool		ok = json_is_string(token) && json_string_length(token) > 0 &&
		strpbrk(json_string_value(token), "\r\n") == NULL;

	if (ok)
	{
		kept->token = MemoryContextStrdup(TopMemoryContext,
										  json_string_value(token));
		kept->expires_at = 0;
		if (json_is_number(expires_in))
		{
			double		seconds = json_number_value(expires_in) - EXPIRY_MARGIN_S;

			kept->expires_at = GetCurrentTimestamp() +
				(TimestampTz) (Max(Min(seconds, 365 * 86400.0), 0) * USECS_PER_SEC);
		}
	}
	json_decref(root);
	return ok;
}

/*
 * fetch
 *		A new token for the credential into kept.
 */
static void
fetch(const RrCredential *credential, const RrHttpRequest *like,
	  KeptToken *kept)
{
	RrHttpRequest request;
	RrHttpResponse response;
	JsonbValue	url;
	char	   *given;
	char	   *body;
	bool		ok;

	if (getKeyJsonValueFromContainer(&credential->secret->root, "token_url",
									 strlen("token_url"), &url) == NULL ||
		url.type != jbvString)
		elog(ERROR, "credential \"%s\" has no token_url", credential->name);
	memset(&request, 0, sizeof(request));
	request.method = "POST";
	request.owner = like->owner;
	given = pnstrdup(url.val.string.val, url.val.string.len);
	request.shown_url = rr_http_shown_url(given);
	request.url = rr_http_url(given, NIL);
	request.headers = list_make3(pstrdup("Content-Type: application/x-www-form-urlencoded"),
								 pstrdup("Accept: application/json"),
								 pstrdup("Expect:"));
	body = token_body(credential);
	request.body = body;
	request.body_len = strlen(body);
	request.timeout_ms = like->timeout_ms;
	request.connect_timeout_ms = like->connect_timeout_ms;
	/* a redirect would carry the client secret (307, 308) anywhere */
	request.max_redirects = 0;
	request.verify_tls = like->verify_tls;

	PG_TRY();
	{
		rr_http_perform(&request, &response);
	}
	PG_FINALLY();
	{
		explicit_bzero(body, request.body_len);
	}
	PG_END_TRY();

	forget(kept);
	ok = response.status >= 200 && response.status < 300 &&
		parse_token(&response, kept);
	explicit_bzero(response.body, response.body_len);
	if (response.status < 200 || response.status >= 300)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("the token endpoint of credential \"%s\" answered HTTP status %ld",
						credential->name, response.status),
				 errdetail("The token request was POST %s.", request.shown_url)));
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("the token endpoint of credential \"%s\" answered without an access token",
						credential->name),
				 errdetail("The token request was POST %s; the answer must be a JSON object with a string \"access_token\".",
						   request.shown_url)));
	kept->updated_at = credential->updated_at;
}

char *
rr_oauth2_token(const RrCredential *credential, const RrHttpRequest *like,
				bool renew)
{
	KeptToken  *kept = kept_token(credential);

	if (renew || kept->token == NULL ||
		kept->updated_at != credential->updated_at ||
		(kept->expires_at != 0 && GetCurrentTimestamp() >= kept->expires_at))
		fetch(credential, like, kept);
	return pstrdup(kept->token);
}
