/*-------------------------------------------------------------------------
 *
 * execute.c
 *		reporunner.execute() and reporunner.start(): run a workflow now, in
 *		the caller's transaction, or queue it for the background workers.
 *
 * The workflow is found by name among those the caller may run (its own,
 * its roles', or shared with it), its version pinned (the active one
 * unless options name another), and its plan run by the executor.  The
 * journal rows, when saved, are written in the caller's transaction like
 * everything the workflow's SQL does: a rollback removes them all.
 *
 * start() writes a queued execution and its queue row in the caller's
 * transaction and wakes a worker when that transaction commits, so a
 * rolled-back start() leaves nothing and wakes nobody (src/worker,
 * src/engine/queue.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "document/document.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include <signal.h>

#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "worker/worker.h"

PG_FUNCTION_INFO_V1(reporunner_execute);
PG_FUNCTION_INFO_V1(reporunner_start);
PG_FUNCTION_INFO_V1(reporunner_cancel);
PG_FUNCTION_INFO_V1(reporunner_resume);
PG_FUNCTION_INFO_V1(reporunner_prune_executions);
PG_FUNCTION_INFO_V1(reporunner_retry);

/* What the options argument may say. */
typedef struct ExecuteOptions
{
	int32		version;		/* 0 = the active version */
	Oid			owner;			/* InvalidOid = any the caller may manage */
	bool		save_given;		/* execute() only */
	RrSaveMode	save;
	char	   *idempotency_key;	/* start() only, from here on */
	int32		priority;
	int64		delay_ms;
	char	   *run_at;			/* timestamptz text, or NULL */
} ExecuteOptions;

static void
invalid_option(const char *message, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 errdetail("%s", detail)));
}

/* Read the options object of execute() or, with for_start, of start(). */
static void
parse_options(Jsonb *options, bool for_start, ExecuteOptions *opts)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	char	   *key = NULL;
	const char *function = for_start ? "start" : "execute";

	memset(opts, 0, sizeof(*opts));
	if (!JB_ROOT_IS_OBJECT(options))
		invalid_option(psprintf("%s options must be a JSON object", function),
					   "Pass an object such as {\"version\": 2, \"save\": \"none\"}.");

	it = JsonbIteratorInit(&options->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (token == WJB_VALUE && strcmp(key, "version") == 0)
		{
			if (v.type != jbvNumeric)
				invalid_option(psprintf("%s option \"version\" must be an integer", function),
							   "Give a saved version number, such as 2.");
			opts->version = DatumGetInt32(DirectFunctionCall1(numeric_int4,
															  NumericGetDatum(v.val.numeric)));
			if (!DatumGetBool(DirectFunctionCall2(numeric_eq,
												  NumericGetDatum(v.val.numeric),
												  NumericGetDatum(int64_to_numeric(opts->version)))))
				invalid_option(psprintf("%s option \"version\" must be an integer", function),
							   "Give a saved version number, such as 2.");
			if (opts->version <= 0)
				invalid_option(psprintf("%s option \"version\" must be positive", function),
							   "Versions are numbered from 1.");
		}
		else if (token == WJB_VALUE && strcmp(key, "owner") == 0)
		{
			if (v.type != jbvString || v.val.string.len == 0)
				invalid_option(psprintf("%s option \"owner\" must be a role name", function),
							   "Name the role that owns the workflow, such as \"alice\".");
			opts->owner = get_role_oid(pnstrdup(v.val.string.val,
												v.val.string.len), false);
		}
		else if (token == WJB_VALUE && for_start &&
				 strcmp(key, "idempotency_key") == 0)
		{
			if (v.type != jbvString || v.val.string.len == 0)
				invalid_option("start option \"idempotency_key\" must be a non-empty string",
							   "A second start() with the same key returns the first execution.");
			opts->idempotency_key = pnstrdup(v.val.string.val, v.val.string.len);
		}
		else if (token == WJB_VALUE && for_start && strcmp(key, "priority") == 0)
		{
			if (v.type != jbvNumeric)
				invalid_option("start option \"priority\" must be an integer",
							   "Executions with a higher priority run first.");
			opts->priority = DatumGetInt32(DirectFunctionCall1(numeric_int4,
															   NumericGetDatum(v.val.numeric)));
		}
		else if (token == WJB_VALUE && for_start && strcmp(key, "delay") == 0)
		{
			char	   *text = v.type == jbvString ?
			pnstrdup(v.val.string.val, v.val.string.len) : "";
			int64_t		ms;

			if (!rr_duration_parse(text, &ms))
				invalid_option("start option \"delay\" must be a duration",
							   "Durations are a number and a unit such as \"500ms\", \"30s\", \"5min\", \"2h\" or \"1d\".");
			opts->delay_ms = ms;
		}
		else if (token == WJB_VALUE && for_start && strcmp(key, "run_at") == 0)
		{
			if (v.type != jbvString)
				invalid_option("start option \"run_at\" must be a timestamp",
							   "Give a time such as \"2026-12-01 09:00:00+00\".");
			opts->run_at = pnstrdup(v.val.string.val, v.val.string.len);
		}
		else if (token == WJB_VALUE && !for_start && strcmp(key, "save") == 0)
		{
			char	   *save = v.type == jbvString ?
			pnstrdup(v.val.string.val, v.val.string.len) : "";

			opts->save_given = true;
			if (strcmp(save, "all") == 0)
				opts->save = RR_SAVE_ALL;
			else if (strcmp(save, "errors") == 0)
				opts->save = RR_SAVE_ERRORS;
			else if (strcmp(save, "none") == 0)
				opts->save = RR_SAVE_NONE;
			else
				invalid_option("execute option \"save\" must be \"all\", \"errors\" or \"none\"",
							   "It says what is written to reporunner.execution and reporunner.step.");
		}
		else if (token == WJB_VALUE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown %s option \"%s\"",
							for_start ? "start" : "execute", key),
					 for_start ?
					 errhint("The options are \"version\", \"owner\", \"idempotency_key\", \"priority\", \"delay\" and \"run_at\".") :
					 errhint("The options are \"version\", \"owner\" and \"save\".")));
	}
}

/*
 * The workflow name (first argument) and options (third) of execute() or,
 * with for_start, of start().
 */
static char *
call_arguments(FunctionCallInfo fcinfo, bool for_start, ExecuteOptions *opts)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("workflow name must not be null")));
	if (PG_ARGISNULL(2))
		memset(opts, 0, sizeof(*opts));
	else
		parse_options(PG_GETARG_JSONB_P(2), for_start, opts);
	return text_to_cstring(PG_GETARG_TEXT_PP(0));
}

/*
 * The workflow the caller may run under that name, and the version to run
 * (the one in the options, or the active one), checked against who may
 * run it by that path (src/catalog/run_as.c).  The lookup runs as the
 * caller, under the pinned search_path of src/catalog/store.c.
 */
static void
resolve_workflow(const char *name, ExecuteOptions *opts, RrRunPath path,
				 RrWorkflowRef *ref)
{
	int			nestlevel;

	nestlevel = rr_store_begin();
	rr_workflow_get(name, RR_WORKFLOW_RUN, opts->owner, ref);
	rr_store_end(nestlevel);
	if (opts->version == 0)
	{
		if (ref->active_version == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("workflow \"%s\" has no active version", name),
					 errhint("Pass {\"version\": N} in the options, or activate one with reporunner.activate_version().")));
		opts->version = ref->active_version;
	}
	rr_check_run_as(GetUserId(), ref->owner, ref->id, name,
					opts->version == ref->active_version, path);
}

Datum
reporunner_execute(PG_FUNCTION_ARGS)
{
	char	   *name;
	Jsonb	   *input;
	ExecuteOptions opts;
	RrWorkflowRef ref;
	RrExecution *execution;
	RrSaveMode	save;
	MemoryContext context;
	MemoryContext oldcontext;
	Oid			caller = GetUserId();
	Jsonb	   *result;

	name = call_arguments(fcinfo, false, &opts);

	resolve_workflow(name, &opts, RR_RUN_CALL, &ref);

	context = AllocSetContextCreate(CurrentMemoryContext,
									"reporunner execution",
									ALLOCSET_DEFAULT_SIZES);
	oldcontext = MemoryContextSwitchTo(context);

	execution = palloc0(sizeof(RrExecution));
	execution->context = context;
	execution->plan = rr_plan_get(ref.id, opts.version, name);
	execution->mode = "call";
	input = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	if (input == NULL)
		input = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
												   CStringGetDatum("[]")));
	save = opts.save_given ? opts.save : execution->plan->save;
	if (save != RR_SAVE_NONE)
		execution->id = rr_journal_new_id();

	{
		List	   *items = rr_items_from_jsonb(input);

		execution->input = rr_items_to_jsonb(items);
		result = rr_items_to_jsonb(rr_execution_run(execution, items));
	}

	if (save == RR_SAVE_ALL || (save == RR_SAVE_ERRORS && execution->any_failed))
		rr_journal_write(execution, "succeeded", result, NULL, caller);

	MemoryContextSwitchTo(oldcontext);
	result = DatumGetJsonbPCopy(JsonbPGetDatum(result));
	MemoryContextDelete(context);
	PG_RETURN_JSONB_P(result);
}

/* start(): $1 workflow, $2 version, $3 owner, $4 input, $5 key, $6 caller,
 * $7 priority, $8 ready_at; returns the new execution's id, or none when
 * the idempotency key was used before. */
#define SQL_ENQUEUE \
	"WITH e AS (INSERT INTO reporunner.execution (workflow_id, version, owner," \
	" status, mode, input, idempotency_key, created_by)" \
	" VALUES ($1, $2, $3, 'queued', 'start', $4, $5, $6)" \
	" ON CONFLICT (workflow_id, idempotency_key) WHERE idempotency_key IS NOT NULL" \
	" DO NOTHING RETURNING id, owner)" \
	" INSERT INTO reporunner.queue (execution_id, owner, priority, ready_at)" \
	" SELECT id, owner, $7, $8 FROM e RETURNING execution_id"
#define SQL_BY_KEY \
	"SELECT id FROM reporunner.execution" \
	" WHERE workflow_id = $1 AND idempotency_key = $2"

static SPIPlanPtr enqueue_plan = NULL;
static SPIPlanPtr by_key_plan = NULL;

Datum
reporunner_start(PG_FUNCTION_ARGS)
{
	char	   *name;
	Jsonb	   *input;
	ExecuteOptions opts;
	RrWorkflowRef ref;
	RrPlan	   *plan;
	Oid			argtypes[8] = {INT8OID, INT4OID, OIDOID, JSONBOID, TEXTOID,
	OIDOID, INT4OID, TIMESTAMPTZOID};
	Datum		values[8];
	char		nulls[8];
	TimestampTz ready_at;
	int64		id;
	bool		isnull;
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;

	name = call_arguments(fcinfo, true, &opts);

	/* before any write: refuse at once when no worker can run it */
	rr_worker_wake_at_commit();

	resolve_workflow(name, &opts, RR_RUN_QUEUE, &ref);
	plan = rr_plan_get(ref.id, opts.version, name);
	input = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	input = input == NULL ? rr_items_to_jsonb(NIL) :
		rr_items_to_jsonb(rr_items_from_jsonb(input));

	ready_at = opts.run_at != NULL ?
		DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
												CStringGetDatum(opts.run_at),
												ObjectIdGetDatum(InvalidOid),
												Int32GetDatum(-1))) :
		TimestampTzPlusMilliseconds(GetCurrentTransactionStartTimestamp(),
									opts.delay_ms);

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(ref.id);
	values[1] = Int32GetDatum(opts.version);
	values[2] = ObjectIdGetDatum(plan->owner);
	values[3] = JsonbPGetDatum(input);
	values[4] = opts.idempotency_key ? CStringGetTextDatum(opts.idempotency_key) : (Datum) 0;
	nulls[4] = opts.idempotency_key ? ' ' : 'n';
	values[5] = ObjectIdGetDatum(GetUserId());
	values[6] = Int32GetDatum(opts.priority);
	values[7] = TimestampTzGetDatum(ready_at);

	/* the engine writes executions and the queue; tenants only read them */
	nestlevel = rr_store_begin();
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run_kept(&enqueue_plan, SQL_ENQUEUE, 8, argtypes, values, nulls,
					  SPI_OK_INSERT_RETURNING);
	if (SPI_processed == 1)
		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1, &isnull));
	else
	{
		Oid			keytypes[2] = {INT8OID, TEXTOID};
		Datum		keyvalues[2];

		keyvalues[0] = values[0];
		keyvalues[1] = values[4];
		rr_store_run_kept(&by_key_plan, SQL_BY_KEY, 2, keytypes, keyvalues,
						  NULL, SPI_OK_SELECT);
		if (SPI_processed != 1)
			elog(ERROR, "execution with idempotency key \"%s\" not found",
				 opts.idempotency_key);
		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1, &isnull));
	}
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);

	PG_RETURN_INT64(id);
}

/* cancel(): the execution as the caller sees it (row-level security) */
#define SQL_VISIBLE_EXECUTION \
	"SELECT status FROM reporunner.execution WHERE id = $1"
/* ... and, as the tables' owner, the cancel itself */
#define SQL_CANCEL \
	"WITH q AS (DELETE FROM reporunner.queue WHERE execution_id = $1" \
	" RETURNING lease_owner)" \
	" UPDATE reporunner.execution e SET status = 'canceled', finished_at = now()" \
	" WHERE e.id = $1 AND e.status IN ('queued', 'running', 'waiting')" \
	RR_SQL_AFTER_QUEUE_ROW("q") \
	" RETURNING (SELECT lease_owner FROM q)"

static SPIPlanPtr visible_execution_plan = NULL;
static SPIPlanPtr cancel_plan = NULL;

/*
 * Raise "does not exist" unless the caller may see the execution (row-level
 * security decides), inside rr_store_begin/rr_store_end.
 */
static void
require_visible_execution(int64 id)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];

	values[0] = Int64GetDatum(id);
	rr_store_run_kept(&visible_execution_plan, SQL_VISIBLE_EXECUTION, 1,
					  argtypes, values, NULL, SPI_OK_SELECT);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("execution " INT64_FORMAT " does not exist", id)));
}

/*
 * Cancel the statement a background worker of this database runs, so a
 * canceled execution stops at once, even inside a long sql step.  The
 * worker finds the execution canceled and records nothing more; had the
 * process meanwhile moved on to another execution, that one is merely
 * interrupted and resumes from its last committed step.
 */
static void
interrupt_worker(int pid)
{
	PGPROC	   *proc;

	if (pid == 0)
		return;
	proc = BackendPidGetProc(pid);
	if (proc == NULL || !proc->isBackgroundWorker ||
		proc->databaseId != MyDatabaseId)
		return;
	(void) kill(pid, SIGINT);
}

/*
 * cancel(execution): a queued or waiting execution is canceled at once; a
 * running one is interrupted (its worker sees the status).
 * Returns false when it had already finished.
 */
Datum
reporunner_cancel(PG_FUNCTION_ARGS)
{
	int64		id = PG_GETARG_INT64(0);
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;
	bool		canceled;
	int			worker = 0;

	values[0] = Int64GetDatum(id);
	nestlevel = rr_store_begin();
	require_visible_execution(id);
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run_kept(&cancel_plan, SQL_CANCEL, 1, argtypes, values, NULL,
					  SPI_OK_UPDATE_RETURNING);
	canceled = SPI_processed == 1;
	if (canceled)
	{
		bool		isnull;
		Datum		pid;

		pid = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
							&isnull);
		worker = isnull ? 0 : DatumGetInt32(pid);
	}
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);

	if (canceled)
	{
		rr_notify_execution(id);
		interrupt_worker(worker);
	}
	PG_RETURN_BOOL(canceled);
}

/*
 * resume(): $1 execution, $2 the paused node's new output items (NULL:
 * keep its input).  The paused step becomes done, and the execution goes
 * back into the queue.
 */
#define SQL_RESUME \
	"WITH s AS (UPDATE reporunner.step SET status = 'succeeded'," \
	" finished_at = now(), retry_at = NULL," \
	" output = CASE WHEN $2::jsonb IS NULL THEN output" \
	" ELSE pg_catalog.jsonb_build_object('main', $2::jsonb) END" \
	" WHERE execution_id = $1 AND status = 'waiting' RETURNING execution_id)," \
	" e AS (UPDATE reporunner.execution SET status = 'queued', wake_at = NULL" \
	" WHERE id = $1 AND status = 'waiting' AND EXISTS (SELECT FROM s)" \
	" RETURNING id, owner)" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, owner, now() FROM e ON CONFLICT DO NOTHING RETURNING execution_id"

static SPIPlanPtr resume_plan = NULL;

/*
 * resume(execution, payload): wake a waiting execution now.  The payload
 * (an object or an array of objects) becomes the output of the node that
 * waited; without one, the node passes its input on.  Returns false when
 * the execution was not waiting.
 */
Datum
reporunner_resume(PG_FUNCTION_ARGS)
{
	int64		id = PG_ARGISNULL(0) ? 0 : PG_GETARG_INT64(0);
	Oid			argtypes[2] = {INT8OID, JSONBOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;
	bool		resumed;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	values[0] = Int64GetDatum(id);
	if (PG_ARGISNULL(1))
		nulls[1] = 'n';
	else
		values[1] = JsonbPGetDatum(rr_items_to_jsonb(rr_items_from_jsonb(PG_GETARG_JSONB_P(1))));

	rr_worker_wake_at_commit();
	nestlevel = rr_store_begin();
	require_visible_execution(id);
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run_kept(&resume_plan, SQL_RESUME, 2, argtypes, values, nulls,
					  SPI_OK_INSERT_RETURNING);
	resumed = SPI_processed == 1;
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);

	PG_RETURN_BOOL(resumed);
}

/*
 * prune_executions(older_than): delete executions that finished more than
 * older_than ago, with their steps, as the background workers do with
 * reporunner.retention.  For superusers and reporunner_admin.
 */
Datum
reporunner_prune_executions(PG_FUNCTION_ARGS)
{
	Interval   *older_than = PG_GETARG_INTERVAL_P(0);
	float8		seconds;
	int64		total = 0;
	int64		pruned;

	if (!superuser() &&
		!has_privs_of_role(GetUserId(), get_role_oid("reporunner_admin", false)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to prune executions"),
				 errdetail("Only superusers and members of reporunner_admin may prune executions.")));
	seconds = DatumGetFloat8(DirectFunctionCall2(interval_part,
												 CStringGetTextDatum("epoch"),
												 IntervalPGetDatum(older_than)));
	if (seconds < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("older_than must not be negative")));
	do
	{
		pruned = rr_prune_executions((int64) seconds, 1000);
		total += pruned;
	} while (pruned == 1000);
	PG_RETURN_INT64(total);
}

/* retry(): the failed execution, as the caller sees it */
#define SQL_RETRY_SOURCE \
	"SELECT e.status, (SELECT started_at FROM reporunner.step" \
	" WHERE execution_id = $1 AND node = $2 AND run_index = 0)," \
	" e.owner, e.workflow_id, w.name" \
	" FROM reporunner.execution e JOIN reporunner.workflow w" \
	" ON w.id = e.workflow_id WHERE e.id = $1"
/*
 * ... and, as the tables' owner, the new execution: its steps are those
 * of the failed one that succeeded, before from_node's run when given ($3
 * its start), so the workers adopt them and run only the rest.
 */
#define SQL_RETRY \
	"WITH old AS (SELECT * FROM reporunner.execution WHERE id = $1)," \
	" e AS (INSERT INTO reporunner.execution (workflow_id, version, owner," \
	" status, mode, input, parent_id, attempt, created_by)" \
	" SELECT workflow_id, version, owner, 'queued', 'retry', input, id," \
	" attempt + 1, $2 FROM old RETURNING id, owner)," \
	" s AS (INSERT INTO reporunner.step (execution_id, node, run_index, owner," \
	" attempt, status, output, error, started_at, finished_at)" \
	" SELECT e.id, st.node, st.run_index, st.owner, st.attempt, st.status," \
	" st.output, st.error, st.started_at, st.finished_at" \
	" FROM e, reporunner.step st WHERE st.execution_id = $1" \
	" AND st.status IN ('succeeded', 'skipped')" \
	" AND ($3::timestamptz IS NULL OR st.started_at < $3))" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, owner, now() FROM e RETURNING execution_id"

static SPIPlanPtr retry_source_plan = NULL;
static SPIPlanPtr retry_plan = NULL;

/*
 * retry(execution, from_node): run a failed (or canceled) execution again
 * as a new execution (mode retry, parent the old one), reusing the outputs
 * of the steps that succeeded — all of them, or those before from_node.
 * Returns the new execution's id.
 */
Datum
reporunner_retry(PG_FUNCTION_ARGS)
{
	int64		id;
	char	   *from_node = NULL;
	Oid			argtypes[3] = {INT8OID, OIDOID, TIMESTAMPTZOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', 'n'};
	Oid			source_types[2] = {INT8OID, TEXTOID};
	Datum		source_values[2];
	char		source_nulls[2] = {' ', 'n'};
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;
	bool		isnull;
	char	   *status;
	Datum		cut;
	int64		retried;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	id = PG_GETARG_INT64(0);
	source_values[0] = Int64GetDatum(id);
	if (!PG_ARGISNULL(1))
	{
		from_node = text_to_cstring(PG_GETARG_TEXT_PP(1));
		source_values[1] = CStringGetTextDatum(from_node);
		source_nulls[1] = ' ';
	}

	rr_worker_wake_at_commit();
	nestlevel = rr_store_begin();
	rr_store_run_kept(&retry_source_plan, SQL_RETRY_SOURCE, 2, source_types,
					  source_values, source_nulls, SPI_OK_SELECT);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("execution " INT64_FORMAT " does not exist", id)));
	status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	cut = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	if (strcmp(status, "failed") != 0 && strcmp(status, "canceled") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("execution " INT64_FORMAT " is %s, not failed", id, status),
				 errhint("Only failed or canceled executions can be retried.")));
	if (from_node != NULL && isnull)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("node \"%s\" did not run in execution " INT64_FORMAT,
						from_node, id)));
	rr_check_run_as(GetUserId(),
					DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
												   SPI_tuptable->tupdesc, 3,
												   &isnull)),
					DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 4,
												&isnull)),
					SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5),
					true, RR_RUN_QUEUE);

	values[0] = Int64GetDatum(id);
	values[1] = ObjectIdGetDatum(GetUserId());
	if (from_node != NULL)
	{
		values[2] = cut;
		nulls[2] = ' ';
	}
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run_kept(&retry_plan, SQL_RETRY, 3, argtypes, values, nulls,
					  SPI_OK_INSERT_RETURNING);
	retried = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);

	PG_RETURN_INT64(retried);
}
