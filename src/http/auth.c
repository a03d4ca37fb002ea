/*-------------------------------------------------------------------------
 *
 * auth.c
 *		The types of credentials: what each holds (checked when it is
 *		set) and how each goes on a request.
 *
 * A secret is a JSON object of strings.  Each type has required and
 * optional fields and no others; no value may hold a line break (it would
 * end a header).  Messages name the type and the field, never a value.
 * How each is sent:
 *
 *	bearer				Authorization: Bearer <token>
 *	basic				curl's user and password (Authorization: Basic)
 *	header				<name>: <value>
 *	query				name=value appended to the URL that is requested,
 *						not to shown_url, which messages name
 *	oauth2_client_credentials
 *						Authorization: Bearer <access token> (oauth2.c)
 *	url					the request sent to this URL (a secret one, such as a
 *						Slack incoming webhook's) instead of the node's, which
 *						stays shown_url
 *	aws_sigv4			curl's CURLOPT_AWS_SIGV4 "aws:amz:region:service",
 *						the keys as user and password, and
 *						X-Amz-Security-Token: <session_token> when given;
 *						without the request's empty "Expect:" header, and
 *						with the query sorted as AWS signs it
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "http/auth.h"
#include "http/oauth2.h"
#include "lib/stringinfo.h"

typedef enum AuthKind
{
	AUTH_BEARER,
	AUTH_BASIC,
	AUTH_HEADER,
	AUTH_QUERY,
	AUTH_OAUTH2,
	AUTH_AWS_SIGV4,
	AUTH_URL
} AuthKind;

#define MAX_FIELDS	5

/* A type: its name, its fields (required ones first). */
typedef struct AuthType
{
	AuthKind	kind;
	const char *name;
	const char *fields[MAX_FIELDS + 1];
	int			required;		/* how many of fields */
} AuthType;

static const AuthType auth_types[] = {
	{AUTH_BEARER, "bearer", {"token"}, 1},
	{AUTH_BASIC, "basic", {"user", "password"}, 2},
	{AUTH_HEADER, "header", {"name", "value"}, 2},
	{AUTH_QUERY, "query", {"name", "value"}, 2},
	{AUTH_OAUTH2, "oauth2_client_credentials",
	{"token_url", "client_id", "client_secret", "scope", "audience"}, 3},
	{AUTH_AWS_SIGV4, "aws_sigv4",
	{"access_key", "secret_key", "region", "service", "session_token"}, 4},
	{AUTH_URL, "url", {"url"}, 1},
};

/* Characters of a header name (a token), besides ASCII letters and digits */
#define TOKEN_CHARS "!#$%&'*+-.^_`|~"

/*
 * lookup_type
 *		The type called name, or NULL when there is none.
 */
static const AuthType *
lookup_type(const char *name)
{
	int			i;

	for (i = 0; i < lengthof(auth_types); i++)
	{
		if (strcmp(auth_types[i].name, name) == 0)
			return &auth_types[i];
	}
	return NULL;
}

bool
rr_http_auth_type_exists(const char *name)
{
	return lookup_type(name) != NULL;
}

/*
 * find_type
 *		The type called name; ERROR 22023 when there is none.
 */
static const AuthType *
find_type(const char *name)
{
	const AuthType *type = lookup_type(name);

	if (type == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown credential type \"%s\"", name),
				 errhint("The types are bearer, basic, header, query, oauth2_client_credentials, aws_sigv4 and url.")));
	return type;
}

/*
 * field
 *		A field of the secret as a NUL-terminated string; NULL when absent.
 *		ERROR when it is not a string (only for a secret not yet checked).
 */
static char *
field(const AuthType *type, Jsonb *secret, const char *name)
{
	JsonbValue	value;

	if (getKeyJsonValueFromContainer(&secret->root, name, strlen(name),
									 &value) == NULL)
		return NULL;
	if (value.type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("field \"%s\" of a credential of type \"%s\" must be a string",
						name, type->name)));
	return pnstrdup(value.val.string.val, value.val.string.len);
}

/* The list of a type's fields, for a hint. */
static char *
field_list(const AuthType *type)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; type->fields[i] != NULL; i++)
		appendStringInfo(&buf, "%s%s%s", i > 0 ? ", " : "", type->fields[i],
						 i >= type->required ? " (optional)" : "");
	return buf.data;
}

/*
 * Check a URL field of a credential (oauth2's token_url) as a node's URL
 * is checked, by rr_http_url(), but with a message that names the type
 * and the field: rr_http_url()'s quotes the URL, and a credential's values
 * stay out of messages (the SQLSTATE is kept: 22023, or 42501 for a
 * scheme other than http and https).
 */
static void
check_url_field(const AuthType *type, const char *name, const char *value)
{
	MemoryContext caller = CurrentMemoryContext;

	PG_TRY();
	{
		(void) rr_http_url(value, NIL);
	}
	PG_CATCH();
	{
		int			code;

		MemoryContextSwitchTo(caller);
		code = geterrcode();
		FlushErrorState();
		ereport(ERROR,
				(errcode(code),
				 errmsg("field \"%s\" of a credential of type \"%s\" is not an http or https URL",
						name, type->name)));
	}
	PG_END_TRY();
}

void
rr_http_auth_check(const char *type_name, Jsonb *secret)
{
	const AuthType *type = find_type(type_name);
	JsonbIterator *it;
	JsonbValue	key;
	JsonbIteratorToken token;
	int			i;

	if (JB_ROOT_IS_SCALAR(secret) || !JB_ROOT_IS_OBJECT(secret))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the secret of a credential of type \"%s\" must be a JSON object",
						type->name),
				 errhint("Its fields are: %s.", field_list(type))));

	/* no field it does not know */
	it = JsonbIteratorInit(&secret->root);
	while ((token = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		bool		known = false;

		if (token != WJB_KEY)
			continue;
		for (i = 0; type->fields[i] != NULL; i++)
			known |= strlen(type->fields[i]) == key.val.string.len &&
				strncmp(type->fields[i], key.val.string.val,
						key.val.string.len) == 0;
		if (!known)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a credential of type \"%s\" has no field \"%s\"", type->name,
							pnstrdup(key.val.string.val, key.val.string.len)),
					 errhint("Its fields are: %s.", field_list(type))));
	}

	for (i = 0; type->fields[i] != NULL; i++)
	{
		const char *name = type->fields[i];
		char	   *value = field(type, secret, name);

		if (value == NULL && i < type->required)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the secret of a credential of type \"%s\" needs the field \"%s\"",
							type->name, name),
					 errhint("Its fields are: %s.", field_list(type))));
		if (value == NULL)
			continue;
		/* a password may be empty (an API key as the user) */
		if (value[0] == '\0' && strcmp(name, "password") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("field \"%s\" of a credential of type \"%s\" is empty",
							name, type->name)));
		if (strpbrk(value, "\r\n") != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("field \"%s\" of a credential of type \"%s\" holds a line break",
							name, type->name)));
		if (type->kind == AUTH_HEADER && strcmp(name, "name") == 0)
		{
			const char *c;

			for (c = value; *c != '\0'; c++)
			{
				if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
					  (*c >= '0' && *c <= '9') || strchr(TOKEN_CHARS, *c) != NULL))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("field \"name\" of a credential of type \"header\" is not a header name"),
							 errdetail("Header names are letters, digits and %s.",
									   TOKEN_CHARS)));
			}
		}
		if (type->kind == AUTH_AWS_SIGV4 && strchr(value, ':') != NULL &&
			(strcmp(name, "region") == 0 || strcmp(name, "service") == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("field \"%s\" of a credential of type \"aws_sigv4\" holds a colon",
							name)));
		if (type->kind == AUTH_OAUTH2 && strcmp(name, "token_url") == 0)
			check_url_field(type, name, value);
		/* the URL is the secret: checked without a message quoting it */
		if (type->kind == AUTH_URL &&
			((pg_strncasecmp(value, "http://", 7) != 0 &&
			  pg_strncasecmp(value, "https://", 8) != 0) ||
			 strpbrk(value, " \t") != NULL))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("field \"url\" of a credential of type \"url\" is not an http or https URL")));
		explicit_bzero(value, strlen(value));
	}
}

/* Add "name: value" to the request's headers. */
static void
add_header(RrHttpRequest *request, const char *name, const char *value)
{
	request->headers = lappend(request->headers,
							   psprintf("%s: %s", name, value));
}

/* Order of two "name=value" query pairs by name, then value. */
static int
compare_pairs(const ListCell *a, const ListCell *b)
{
	const char *x = lfirst(a);
	const char *y = lfirst(b);
	size_t		xlen = strcspn(x, "=");
	size_t		ylen = strcspn(y, "=");
	int			order = strncmp(x, y, Min(xlen, ylen));

	if (order != 0)
		return order;
	if (xlen != ylen)
		return xlen < ylen ? -1 : 1;
	return strcmp(x + xlen, y + ylen);
}

/*
 * sorted_query
 *		The URL with its query's pairs sorted by name, then value, and its
 *		percent-escapes in upper case, as AWS's canonical request has them:
 *		libcurl 7.88 signs the query as it is, and sending it so makes its
 *		signature AWS's.  The pairs are encoded already (rr_http_url).
 */
static char *
sorted_query(const char *url)
{
	const char *query = strchr(url, '?');
	List	   *pairs = NIL;
	StringInfoData buf;
	char	   *copy;
	char	   *pair;
	char	   *save;
	char	   *c;
	ListCell   *lc;

	if (query == NULL)
		return (char *) url;
	copy = pstrdup(query + 1);
	for (pair = strtok_r(copy, "&", &save); pair != NULL;
		 pair = strtok_r(NULL, "&", &save))
		pairs = lappend(pairs, pair);
	list_sort(pairs, compare_pairs);
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, url, query - url);
	foreach(lc, pairs)
		appendStringInfo(&buf, "%c%s", foreach_current_index(lc) == 0 ? '?' : '&',
						 (char *) lfirst(lc));
	/* libcurl's URL API gives "%3d"; AWS's canonical query has "%3D" */
	for (c = buf.data + (query - url); *c != '\0'; c++)
	{
		if (*c == '%' && c[1] != '\0' && c[2] != '\0')
		{
			c[1] = pg_toupper((unsigned char) c[1]);
			c[2] = pg_toupper((unsigned char) c[2]);
		}
	}
	return buf.data;
}

/*
 * bearer
 *		The Authorization header of an oauth2 credential's token, in place
 *		of one the request has.
 */
static void
bearer(const RrCredential *credential, RrHttpRequest *request, bool renew)
{
	char	   *token = rr_oauth2_token(credential, request, renew);
	ListCell   *lc;

	foreach(lc, request->headers)
	{
		if (pg_strncasecmp(lfirst(lc), "Authorization:", 14) == 0)
			request->headers = foreach_delete_current(request->headers, lc);
	}
	add_header(request, "Authorization", psprintf("Bearer %s", token));
}

void
rr_http_auth_apply(const RrCredential *credential, RrHttpRequest *request)
{
	const AuthType *type = find_type(credential->type);
	Jsonb	   *secret = credential->secret;
	char	   *session_token;
	ListCell   *lc;

	switch (type->kind)
	{
		case AUTH_BEARER:
			add_header(request, "Authorization",
					   psprintf("Bearer %s", field(type, secret, "token")));
			break;
		case AUTH_BASIC:
			request->username = field(type, secret, "user");
			request->password = field(type, secret, "password");
			break;
		case AUTH_HEADER:
			add_header(request, field(type, secret, "name"),
					   field(type, secret, "value"));
			request->secret_headers = true;
			break;
		case AUTH_QUERY:
			request->url = rr_http_url(request->url,
									   list_make2(field(type, secret, "name"),
												  field(type, secret, "value")));
			break;
		case AUTH_OAUTH2:
			bearer(credential, request, false);
			break;
		case AUTH_URL:
			/* as it is: libcurl's refusal of a bad one quotes no URL */
			request->url = field(type, secret, "url");
			request->secret_url = true;
			break;
		case AUTH_AWS_SIGV4:
			request->url = sorted_query(request->url);
			request->aws_sigv4 = psprintf("aws:amz:%s:%s",
										  field(type, secret, "region"),
										  field(type, secret, "service"));
			request->username = field(type, secret, "access_key");
			request->password = field(type, secret, "secret_key");
			session_token = field(type, secret, "session_token");
			if (session_token != NULL)
			{
				add_header(request, "X-Amz-Security-Token", session_token);
				request->secret_headers = true;
			}
			/* libcurl 7.88 would sign the empty "Expect:", which it never sends */
			foreach(lc, request->headers)
			{
				if (strcmp(lfirst(lc), "Expect:") == 0)
					request->headers = foreach_delete_current(request->headers, lc);
			}
			break;
	}
}

bool
rr_http_auth_renew(const RrCredential *credential, RrHttpRequest *request)
{
	if (find_type(credential->type)->kind != AUTH_OAUTH2)
		return false;
	bearer(credential, request, true);
	return true;
}
