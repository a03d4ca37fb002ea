/*-------------------------------------------------------------------------
 *
 * on_webhook.c
 *		reporunner.on_webhook(): a registration of kind "webhook" (target
 *		the path), and the options it takes.
 *
 * A path is letters, digits and - _ . / (no leading, trailing or double
 * slash), at most RR_WEBHOOK_PATH_MAX bytes, and serves one workflow of
 * the database: on_webhook() takes an advisory lock on the path for the
 * rest of the transaction, then looks for another registration of it as
 * the tables' owner (every tenant's), so that two transactions never both
 * register it.  The credential that authentication names must be the
 * workflow owner's, of the type the scheme needs; it is checked now and
 * opened again at every request.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "storage/lock.h"
#include "triggers/triggers.h"
#include "utils/builtins.h"
#include "webhook/webhook.h"

PG_FUNCTION_INFO_V1(reporunner_on_webhook);

/* A webhook trigger of path $1 */
#define SQL_PATH_TAKEN \
	"SELECT id FROM reporunner.trigger WHERE kind = 'webhook' AND target = $1"

/* Advisory lock key space of webhook paths (second key word) */
#define RR_WEBHOOK_LOCK_SPACE	0x72727768

static SPIPlanPtr path_taken_plan = NULL;

static const char *const auth_names[] = {
	[RR_WEBHOOK_AUTH_NONE] = "none",
	[RR_WEBHOOK_AUTH_HEADER] = "header",
	[RR_WEBHOOK_AUTH_BASIC] = "basic",
	[RR_WEBHOOK_AUTH_STRIPE] = "stripe",
	[RR_WEBHOOK_AUTH_GITHUB] = "github",
	[RR_WEBHOOK_AUTH_SLACK] = "slack",
};

static char *
jsonb_string(const JsonbValue *value, const char *option)
{
	if (value->type != jbvString || value->val.string.len == 0)
		rr_invalid_parameter(psprintf("webhook option \"%s\" must be a non-empty string",
									  option),
							 "See docs/webhooks.md for the options.");
	return pnstrdup(value->val.string.val, value->val.string.len);
}

static int64
duration_option(const JsonbValue *value, const char *option)
{
	int64_t		ms;

	if (!rr_jsonb_duration(value, &ms) || ms <= 0)
		rr_invalid_parameter(psprintf("webhook option \"%s\" must be a duration",
									  option),
							 "A duration is a string such as 30s or 5min.");
	return ms;
}

void
rr_webhook_options(Jsonb *options, RrWebhookOptions *parsed)
{
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	value;
	JsonbIteratorToken token;

	memset(parsed, 0, sizeof(*parsed));
	parsed->tolerance_ms = RR_WEBHOOK_DEFAULT_TOLERANCE_MS;
	parsed->timeout_ms = RR_WEBHOOK_DEFAULT_TIMEOUT_MS;
	if (!JB_ROOT_IS_OBJECT(options) || JB_ROOT_IS_SCALAR(options))
		rr_invalid_parameter("webhook options must be a JSON object",
							 "For example {\"respond\": \"when_finished\", \"auth\": \"github\", \"credential\": \"github_hook\"}.");
	it = JsonbIteratorInit(&options->root);
	while ((token = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		char	   *name;

		if (token != WJB_KEY)
			continue;
		name = pnstrdup(key.val.string.val, key.val.string.len);
		(void) JsonbIteratorNext(&it, &value, true);
		if (strcmp(name, "respond") == 0)
		{
			char	   *respond = jsonb_string(&value, name);

			if (strcmp(respond, "when_finished") == 0)
				parsed->when_finished = true;
			else if (strcmp(respond, "immediately") != 0)
				rr_invalid_parameter(psprintf("unknown webhook respond \"%s\"", respond),
									 "A webhook responds immediately or when_finished.");
		}
		else if (strcmp(name, "auth") == 0)
		{
			char	   *auth = jsonb_string(&value, name);
			int			a;

			for (a = 0; a < lengthof(auth_names); a++)
				if (strcmp(auth, auth_names[a]) == 0)
					break;
			if (a == lengthof(auth_names))
				rr_invalid_parameter(psprintf("unknown webhook auth \"%s\"", auth),
									 "A webhook's auth is none, header, basic, stripe, github or slack.");
			parsed->auth = (RrWebhookAuth) a;
		}
		else if (strcmp(name, "output") == 0)
		{
			char	   *output = jsonb_string(&value, name);

			if (strcmp(output, "first") == 0)
				parsed->first_item = true;
			else if (strcmp(output, "all") != 0)
				rr_invalid_parameter(psprintf("unknown webhook output \"%s\"", output),
									 "A when_finished webhook answers with all output items or the first.");
		}
		else if (strcmp(name, "credential") == 0)
			parsed->credential = jsonb_string(&value, name);
		else if (strcmp(name, "tolerance") == 0)
			parsed->tolerance_ms = duration_option(&value, name);
		else if (strcmp(name, "timeout") == 0)
			parsed->timeout_ms = duration_option(&value, name);
		else
			rr_invalid_parameter(psprintf("unknown webhook option \"%s\"", name),
								 "The options are respond, output, auth, credential, tolerance and timeout.");
	}
	if (parsed->first_item && !parsed->when_finished)
		rr_invalid_parameter("webhook option \"output\" needs respond when_finished",
							 "A webhook that responds immediately answers with the execution's id.");
	if (parsed->auth == RR_WEBHOOK_AUTH_NONE && parsed->credential != NULL)
		rr_invalid_parameter("webhook option \"credential\" needs an auth",
							 "A credential is used by auth header, basic, stripe, github or slack.");
	if (parsed->auth != RR_WEBHOOK_AUTH_NONE && parsed->credential == NULL)
		rr_invalid_parameter(psprintf("webhook auth \"%s\" needs a credential",
									  auth_names[parsed->auth]),
							 "Name the workflow owner's credential in the option \"credential\".");
}

/* ERROR unless path may be a webhook's path */
static void
check_path(const char *path)
{
	const char *c;
	size_t		len = strlen(path);

	if (len == 0 || len > RR_WEBHOOK_PATH_MAX)
		rr_invalid_parameter("webhook path must have 1 to 200 bytes",
							 "A path is what follows /webhook/ in the URL, such as orders/paid.");
	for (c = path; *c != '\0'; c++)
	{
		bool		ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || strchr("-_./", *c) != NULL;

		if (!ok || (*c == '/' && (c == path || c[1] == '/' || c[1] == '\0')) ||
			(*c == '.' && (c == path || c[-1] == '/')))
			rr_invalid_parameter(psprintf("invalid webhook path \"%s\"", path),
								 "A path is made of letters, digits and - _ . / with no empty part, and no part beginning with a dot.");
	}
}

/* ERROR when path is registered already; locks it until the end of the transaction */
static void
check_path_free(const char *path)
{
	LOCKTAG		tag;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	bool		taken;
	int			nestlevel;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId,
						 hash_bytes((const unsigned char *) path, strlen(path)),
						 RR_WEBHOOK_LOCK_SPACE, 2);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
	values[0] = CStringGetTextDatum(path);
	nestlevel = rr_store_begin();
	/* what committed while the lock was waited for counts, at any isolation */
	rr_store_read_latest_as_owner(&path_taken_plan, SQL_PATH_TAKEN, 1,
								  argtypes, values);
	taken = SPI_processed > 0;
	rr_store_end(nestlevel);
	if (taken)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("webhook path \"%s\" is taken", path),
				 errdetail("A path starts one workflow; drop_trigger() removes the registration that has it.")));
}

/*
 * on_webhook(workflow, path, options): start the workflow for requests to
 * /webhook/<path>; returns the registration's id.
 */
Datum
reporunner_on_webhook(PG_FUNCTION_ARGS)
{
	char	   *name;
	char	   *path;
	Jsonb	   *options;
	RrWebhookOptions parsed;
	RrWorkflowRef ref;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("workflow, path and options must not be null")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	path = text_to_cstring(PG_GETARG_TEXT_PP(1));
	options = PG_GETARG_JSONB_P(2);
	check_path(path);
	rr_webhook_options(options, &parsed);
	rr_registration_workflow(name, true, &ref);
	if (parsed.credential != NULL)
	{
		RrCredential *credential = rr_credential_load(ref.owner, parsed.credential);
		const char *type = rr_webhook_credential_type(parsed.auth);

		if (strcmp(credential->type, type) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("credential \"%s\" is of type \"%s\", not \"%s\"",
							parsed.credential, credential->type, type),
					 errdetail("Webhook auth \"%s\" takes a credential of type \"%s\".",
							   auth_names[parsed.auth], type)));
	}
	check_path_free(path);
	PG_RETURN_INT64(rr_registration_insert(&ref, name, "webhook", path, options));
}
