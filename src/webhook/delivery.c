/*-------------------------------------------------------------------------
 *
 * delivery.c
 *		A webhook request into an execution: the registration of its
 *		path, its authentication, its item, and the reply.
 *
 * Runs in the listener's transaction, as the bootstrap superuser, reading
 * as the tables' owner.  The order matters: nothing is parsed or queued
 * before the request is authenticated, and nothing is queued unless the
 * body is well-formed.  Like a NOTIFY trigger's executions, the request's
 * is queued for the role that registered the trigger, after the checks
 * start() makes (rr_registration_plan()), and runs as the workflow's
 * owner in a worker.  Its one input item:
 *
 *	{"method": "POST", "path": "<path>", "headers": {<lower-case name>:
 *	 value}, "query": {name: value}, "body": <JSON, text or null>}
 *
 * The header that holds a secret (header and basic authentication) is left
 * out: executions keep their input.  The body is JSON when the Content-Type says so (it must then parse), or
 * else text (valid in the database's encoding, without NUL bytes).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "catalog/version_hold.h"
#include "common/jsonapi.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "triggers/triggers.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "webhook/webhook.h"
#include "worker/worker.h"

/*
 * The webhook trigger of path $1, and its owner.  A path is unique across
 * owners, so the owner is not known before: on Citus, a read of every
 * shard, once a request (src/webhook/README.md); every later statement of
 * the request names the owner.
 */
#define SQL_WEBHOOK_TRIGGER \
	"SELECT id, owner FROM reporunner.trigger" \
	" WHERE kind = 'webhook' AND target = $1"
/* How execution $1 of owner $2 ended, if it did */
#define SQL_EXECUTION_ENDED \
	"SELECT status, output::text, error::text, (output -> 0)::text" \
	" FROM reporunner.execution WHERE id = $1 AND owner = $2" \
	" AND status IN ('succeeded', 'failed', 'canceled')"

static SPIPlanPtr trigger_plan = NULL;
static SPIPlanPtr ended_plan = NULL;

static void
reply_error(RrWebhookReply *reply, int status, const char *message)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"error\": ");
	escape_json(&buf, message);
	appendStringInfoChar(&buf, '}');
	reply->status = status;
	reply->body = buf.data;
}

/* The id of the webhook trigger of path, 0 when there is none; its owner */
static int64
trigger_of(const char *path, Oid *owner)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	int64		id = 0;
	bool		isnull;
	int			nestlevel;

	values[0] = CStringGetTextDatum(path);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&trigger_plan, SQL_WEBHOOK_TRIGGER, 1,
							   argtypes, values, NULL, SPI_OK_SELECT);
	if (SPI_processed > 0)
	{
		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1, &isnull));
		*owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 2,
												&isnull));
	}
	rr_store_end(nestlevel);
	return id;
}

/*
 * Append fields as the object key; header names in lower case, and without
 * the header named hidden (case-insensitive, NULL for none).  False when a
 * name or value is not valid text in the database's encoding.
 */
static bool
append_fields(StringInfo buf, const char *key, const RrWebhookField *fields,
			  int n, bool lower, const char *hidden)
{
	int			i;
	bool		first = true;

	appendStringInfo(buf, ", \"%s\": {", key);
	for (i = 0; i < n; i++)
	{
		char	   *name = pstrdup(fields[i].name);
		char	   *c;

		if (hidden != NULL && pg_strcasecmp(name, hidden) == 0)
			continue;
		if (!pg_verifymbstr(name, strlen(name), true) ||
			!pg_verifymbstr(fields[i].value, strlen(fields[i].value), true))
			return false;
		if (!first)
			appendStringInfoString(buf, ", ");
		first = false;
		/* header names are ASCII, and case-insensitive */
		for (c = name; lower && *c != '\0'; c++)
			*c = pg_ascii_tolower((unsigned char) *c);
		escape_json(buf, name);
		appendStringInfoString(buf, ": ");
		escape_json(buf, fields[i].value);
	}
	appendStringInfoChar(buf, '}');
	return true;
}

/* Whether the body is to be read as JSON, by its Content-Type */
static bool
json_body(const RrWebhookRequest *request)
{
	const char *type = rr_webhook_header(request, "Content-Type");

	return type != NULL &&
		(pg_strncasecmp(type, "application/json", 16) == 0 ||
		 strstr(type, "+json") != NULL);
}

/*
 * The request's input items (a jsonb array of one object) in *input,
 * without the header hidden (the secret of header or basic authentication);
 * false when its body is malformed.
 */
static bool
request_input(const RrWebhookRequest *request, const char *hidden,
			  Jsonb **input)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "[{\"method\": ");
	escape_json(&buf, request->method);
	appendStringInfoString(&buf, ", \"path\": ");
	escape_json(&buf, request->path);
	if (!append_fields(&buf, "headers", request->headers, request->nheaders,
					   true, hidden) ||
		!append_fields(&buf, "query", request->query, request->nquery, false,
					   NULL))
		return false;
	appendStringInfoString(&buf, ", \"body\": ");
	if (strlen(request->body) != request->body_len ||
		!pg_verifymbstr(request->body, request->body_len, true))
		return false;
	if (request->body_len == 0)
		appendStringInfoString(&buf, "null");
	else if (json_body(request))
	{
		JsonLexContext *lex = makeJsonLexContextCstringLen((char *) request->body,
														   request->body_len,
														   GetDatabaseEncoding(),
														   true);

		if (pg_parse_json(lex, &nullSemAction) != JSON_SUCCESS)
			return false;
		appendBinaryStringInfo(&buf, request->body, request->body_len);
	}
	else
		escape_json(&buf, request->body);
	appendStringInfoString(&buf, "}]");
	*input = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
												CStringGetDatum(buf.data)));
	return true;
}

void
rr_webhook_deliver(const RrWebhookRequest *request, RrWebhookReply *reply)
{
	RrRegistration registration;
	RrWebhookOptions options;
	RrCredential *credential = NULL;
	Jsonb	   *input;
	Oid			owner = InvalidOid;
	int64		id = trigger_of(request->path, &owner);

	memset(reply, 0, sizeof(*reply));
	if (id == 0 || !rr_registration_read(id, owner, "webhook", &registration))
	{
		reply_error(reply, 404, "no webhook has this path");
		return;
	}
	rr_webhook_options(registration.options, &options);
	if (options.credential != NULL)
		credential = rr_credential_load(registration.owner, options.credential);
	if (!rr_webhook_verify(&options, credential, request))
	{
		reply_error(reply, 401, "the request is not authenticated");
		return;
	}
	if (!request_input(request, rr_webhook_secret_header(&options, credential),
					   &input))
	{
		reply_error(reply, 400, "the request's body is malformed");
		return;
	}
	(void) rr_registration_plan(&registration, RR_RUN_QUEUE);
	/* a tenant's open transaction deleting its workflow holds no one up */
	if (!rr_version_hold_try(registration.workflow_id, registration.version,
							 false))
	{
		reply_error(reply, 503, "the webhook's workflow is being deleted or changed; try again later");
		return;
	}
	reply->execution_id = rr_journal_enqueue(&(RrEnqueue) {
		.workflow_id = registration.workflow_id,
			.workflow_name = registration.workflow,
			.version = registration.version,
			.owner = registration.owner,
			.input = input,
			.caller = registration.created_by,
			.ready_at = GetCurrentTimestamp(),
			.mode = "webhook",
			.trigger_id = id
	});
	reply->owner = registration.owner;
	rr_worker_wake_at_commit();
	reply->status = 202;
	reply->body = psprintf("{\"execution_id\": " INT64_FORMAT "}",
						   reply->execution_id);
	if (options.when_finished)
		reply->wait_ms = (int) Min(options.timeout_ms, INT_MAX);
	reply->first_item = options.first_item;
}

bool
rr_webhook_finished(int64 execution_id, RrWebhookReply *reply)
{
	MemoryContext caller = CurrentMemoryContext;
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	bool		ended = false;
	int			nestlevel;

	values[0] = Int64GetDatum(execution_id);
	values[1] = ObjectIdGetDatum(reply->owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&ended_plan, SQL_EXECUTION_ENDED, 2, argtypes,
							   values, NULL, SPI_OK_SELECT);
	if (SPI_processed > 0)
	{
		HeapTuple	row = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *status = SPI_getvalue(row, desc, 1);
		char	   *output = SPI_getvalue(row, desc, 2);
		char	   *error = SPI_getvalue(row, desc, 3);
		char	   *first = SPI_getvalue(row, desc, 4);
		MemoryContext spi = MemoryContextSwitchTo(caller);

		/* copied out of SPI's memory, which rr_store_end releases */
		ended = true;
		if (strcmp(status, "succeeded") == 0 && reply->first_item &&
			first == NULL)
			reply_error(reply, 500, "the workflow's output has no item to return");
		else if (strcmp(status, "succeeded") == 0 && reply->first_item)
		{
			reply->status = 200;
			reply->body = pstrdup(first);
		}
		else if (strcmp(status, "succeeded") == 0)
		{
			reply->status = 200;
			reply->body = pstrdup(output != NULL ? output : "[]");
		}
		else
		{
			reply->status = 500;
			reply->body = psprintf("{\"execution_id\": " INT64_FORMAT ", \"status\": \"%s\", \"error\": %s}",
								   execution_id, status,
								   error != NULL ? error : "null");
		}
		MemoryContextSwitchTo(spi);
	}
	rr_store_end(nestlevel);
	return ended;
}
