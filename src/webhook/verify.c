/*-------------------------------------------------------------------------
 *
 * verify.c
 *		Whether a webhook request comes from who the registration expects:
 *		the header, basic and signature schemes, checked with the workflow
 *		owner's credential.
 *
 *	header	a credential of type header {name, value}: the request's header
 *			of that name holds the value
 *	basic	a credential of type basic {user, password}: Authorization:
 *			Basic with them
 *	stripe	a credential of type bearer {token} holding the endpoint's
 *			signing secret: Stripe-Signature "t=<unix time>,v1=<hex>", v1
 *			one of the HMAC-SHA256 of "<t>.<body>", t within the tolerance
 *	github	the same credential type: X-Hub-Signature-256 "sha256=<hex>",
 *			the HMAC-SHA256 of the body
 *	slack	the same credential type: X-Slack-Signature "v0=<hex>", the
 *			HMAC-SHA256 of "v0:<X-Slack-Request-Timestamp>:<body>", the
 *			timestamp within the tolerance
 *
 * Secrets and expected values are compared in constant time, and never
 * logged; a request that fails says nothing of why (401).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/base64.h"
#include "nodes/pg_list.h"
#include "utils/timestamp.h"
#include "webhook/webhook.h"

const char *
rr_webhook_credential_type(RrWebhookAuth auth)
{
	switch (auth)
	{
		case RR_WEBHOOK_AUTH_NONE:
			return NULL;
		case RR_WEBHOOK_AUTH_HEADER:
			return "header";
		case RR_WEBHOOK_AUTH_BASIC:
			return "basic";
		case RR_WEBHOOK_AUTH_STRIPE:
		case RR_WEBHOOK_AUTH_GITHUB:
		case RR_WEBHOOK_AUTH_SLACK:
			return "bearer";
	}
	return NULL;
}

const char *
rr_webhook_header(const RrWebhookRequest *request, const char *name)
{
	int			i;

	for (i = 0; i < request->nheaders; i++)
		if (pg_strcasecmp(request->headers[i].name, name) == 0)
			return request->headers[i].value;
	return NULL;
}

/* A field of the credential's secret, "" when absent */
static const char *
secret_field(const RrCredential *credential, const char *name)
{
	JsonbValue	value;

	if (getKeyJsonValueFromContainer(&credential->secret->root, name,
									 strlen(name), &value) == NULL ||
		value.type != jbvString)
		return "";
	return pnstrdup(value.val.string.val, value.val.string.len);
}

/* Whether a and b are the same string, in time that depends on lengths only */
static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strlen(a) == strlen(b) &&
		CRYPTO_memcmp(a, b, strlen(a)) == 0;
}

/* Lower-case hex of the HMAC-SHA256 of prefix then body under key */
static char *
hmac_hex(const char *key, const char *prefix, const RrWebhookRequest *request)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	HMAC_CTX   *ctx = HMAC_CTX_new();
	char	   *hex;
	unsigned int i;

	if (ctx == NULL ||
		!HMAC_Init_ex(ctx, key, strlen(key), EVP_sha256(), NULL) ||
		!HMAC_Update(ctx, (const unsigned char *) prefix, strlen(prefix)) ||
		!HMAC_Update(ctx, (const unsigned char *) request->body, request->body_len) ||
		!HMAC_Final(ctx, mac, &maclen))
	{
		HMAC_CTX_free(ctx);
		elog(ERROR, "could not compute an HMAC");
	}
	HMAC_CTX_free(ctx);
	hex = palloc(maclen * 2 + 1);
	for (i = 0; i < maclen; i++)
		sprintf(hex + i * 2, "%02x", mac[i]);
	return hex;
}

/* Whether a Unix time in text is within tolerance_ms of now */
static bool
timely(const char *text, int64 tolerance_ms)
{
	char	   *end;
	long long	seconds;
	int64		now_s;

	if (text == NULL || *text == '\0')
		return false;
	errno = 0;
	seconds = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	now_s = (int64) timestamptz_to_time_t(GetCurrentTimestamp());
	/* a time this far off is not timely, and the product below would overflow */
	if (seconds < now_s - PG_INT64_MAX / 4000 || seconds > now_s + PG_INT64_MAX / 4000)
		return false;
	return Abs(now_s - (int64) seconds) * 1000 <= tolerance_ms;
}

/* Stripe-Signature: t=<time>,v1=<hex>[,v1=<hex>...][,v0=...] */
static bool
verify_stripe(const RrWebhookOptions *options, const char *secret,
			  const RrWebhookRequest *request)
{
	const char *header = rr_webhook_header(request, "Stripe-Signature");
	char	   *copy;
	char	   *part;
	char	   *save = NULL;
	char	   *t = NULL;
	List	   *signatures = NIL;
	ListCell   *lc;
	char	   *expected;
	bool		ok = false;

	if (header == NULL)
		return false;
	copy = pstrdup(header);
	for (part = strtok_r(copy, ",", &save); part != NULL;
		 part = strtok_r(NULL, ",", &save))
	{
		while (*part == ' ')
			part++;
		if (strncmp(part, "t=", 2) == 0)
			t = part + 2;
		else if (strncmp(part, "v1=", 3) == 0)
			signatures = lappend(signatures, part + 3);
	}
	if (t == NULL || signatures == NIL || !timely(t, options->tolerance_ms))
		return false;
	expected = hmac_hex(secret, psprintf("%s.", t), request);
	foreach(lc, signatures)
		ok = same(lfirst(lc), expected) || ok;
	return ok;
}

/* A header "<scheme><hex>" holding the HMAC of prefix then body */
static bool
verify_prefixed(const RrWebhookRequest *request, const char *header_name,
				const char *scheme, const char *secret, const char *prefix)
{
	const char *header = rr_webhook_header(request, header_name);

	if (header == NULL || strncmp(header, scheme, strlen(scheme)) != 0)
		return false;
	return same(header + strlen(scheme), hmac_hex(secret, prefix, request));
}

/* Authorization: Basic base64(user:password) */
static bool
verify_basic(const RrCredential *credential, const RrWebhookRequest *request)
{
	const char *header = rr_webhook_header(request, "Authorization");
	char	   *plain = psprintf("%s:%s", secret_field(credential, "user"),
								 secret_field(credential, "password"));
	int			len = strlen(plain);
	char	   *encoded = palloc(pg_b64_enc_len(len) + 1);
	int			enclen = pg_b64_encode(plain, len, encoded, pg_b64_enc_len(len));

	if (header == NULL || enclen < 0 || pg_strncasecmp(header, "Basic ", 6) != 0)
		return false;
	encoded[enclen] = '\0';
	header += 6;
	while (*header == ' ')
		header++;
	return same(header, encoded);
}

const char *
rr_webhook_secret_header(const RrWebhookOptions *options,
						 const RrCredential *credential)
{
	if (options->auth == RR_WEBHOOK_AUTH_HEADER)
		return secret_field(credential, "name");
	if (options->auth == RR_WEBHOOK_AUTH_BASIC)
		return "Authorization";
	return NULL;
}

bool
rr_webhook_verify(const RrWebhookOptions *options,
				  const RrCredential *credential,
				  const RrWebhookRequest *request)
{
	const char *timestamp;
	const char *type = rr_webhook_credential_type(options->auth);

	/*
	 * The credential is loaded by name at every request, and may have
	 * become one of another type since on_webhook() checked it: a field
	 * it lacks would be checked as an empty key, which anyone can sign with
	 */
	if (type != NULL &&
		(credential == NULL || strcmp(credential->type, type) != 0))
		return false;
	switch (options->auth)
	{
		case RR_WEBHOOK_AUTH_NONE:
			return true;
		case RR_WEBHOOK_AUTH_HEADER:
			return same(rr_webhook_header(request, secret_field(credential, "name")),
						secret_field(credential, "value"));
		case RR_WEBHOOK_AUTH_BASIC:
			return verify_basic(credential, request);
		case RR_WEBHOOK_AUTH_STRIPE:
			return verify_stripe(options, secret_field(credential, "token"),
								 request);
		case RR_WEBHOOK_AUTH_GITHUB:
			return verify_prefixed(request, "X-Hub-Signature-256", "sha256=",
								   secret_field(credential, "token"), "");
		case RR_WEBHOOK_AUTH_SLACK:
			timestamp = rr_webhook_header(request, "X-Slack-Request-Timestamp");
			return timely(timestamp, options->tolerance_ms) &&
				verify_prefixed(request, "X-Slack-Signature", "v0=",
								secret_field(credential, "token"),
								psprintf("v0:%s:", timestamp));
	}
	return false;
}
