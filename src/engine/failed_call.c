/*-------------------------------------------------------------------------
 *
 * failed_call.c
 *		Journaling a failed execute() apart from the caller's transaction.
 *
 * execute() journals a run in the caller's transaction, so a run that
 * fails (and with it, usually, the caller's transaction) would leave no
 * trace, exactly when one is needed.  So when a run with its journal on
 * fails, the record of the failure (the execution, failed, its error with
 * the first items that reached the failing node, and the steps that ran
 * before)
 * is handed to a short-lived background worker through a dynamic shared
 * memory segment; the worker writes it (src/engine/journal.c) in a
 * transaction of its own, and execute() waits for that commit before it
 * raises the error, so neither the caller's rollback nor a crash right
 * after loses it.  The error object says so: "recorded_apart": true.  If
 * the caller catches the error and commits, the record is there once.
 *
 * The worker waits for no lock for long (lock_timeout), and anything that
 * keeps the record from being written is logged as a WARNING: recording a
 * failure never changes the error execute() raises.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "engine/failed_call.h"
#include "engine/journal.h"
#include "engine/jsonb_text.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "worker/worker.h"

/* What the worker finds in the segment: then the record's JSON text. */
typedef struct FailedCallSegment
{
	Oid			database;
	int64		workflow_id;	/* the version the execution ran */
	int32		version;
	bool		recorded;		/* set by the worker when it committed */
	Size		length;			/* of the text that follows */
} FailedCallSegment;

/* Items that reached the failing node kept in the record, at most */
#define RR_FAILED_CALL_ITEMS	100

PGDLLEXPORT void rr_failed_call_main(Datum main_arg);

static void
append_time(StringInfo buf, const char *key, TimestampTz t)
{
	appendStringInfo(buf, ", \"%s\": ", key);
	escape_json(buf, timestamptz_to_str(t));
}

static void
append_jsonb(StringInfo buf, const char *key, Jsonb *value)
{
	appendStringInfo(buf, ", \"%s\": ", key);
	if (value == NULL)
		appendStringInfoString(buf, "null");
	else
		rr_jsonb_append_text(buf, value);
}

/* The record of the failed run, as JSON text. */
static char *
failed_call_record(RrExecution *execution, ErrorData *edata, Oid caller)
{
	const RrPlanNode *node = execution->running;
	StringInfoData marks;
	StringInfoData buf;
	List	   *steps;
	Jsonb	   *failure = rr_error_jsonb(node, edata);
	Jsonb	   *error;

	/* the error, marked, with the items that reached the failing node */
	initStringInfo(&marks);
	appendStringInfoString(&marks, "{\"recorded_apart\": true");
	if (node != NULL && execution->states != NULL)
	{
		List	   *items = execution->states[node->index].inputs[0];

		append_jsonb(&marks, "items",
					 rr_items_to_jsonb(list_copy_head(items,
													  RR_FAILED_CALL_ITEMS)));
		appendStringInfo(&marks, ", \"items_total\": %d", list_length(items));
	}
	appendStringInfoChar(&marks, '}');
	error = DatumGetJsonbP(DirectFunctionCall2(jsonb_concat,
											   JsonbPGetDatum(failure),
											   DirectFunctionCall1(jsonb_in,
																   CStringGetDatum(marks.data))));

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"execution\": {\"id\": " INT64_FORMAT
					 ", \"workflow_id\": " INT64_FORMAT ", \"version\": %d"
					 ", \"owner\": %u, \"created_by\": %u",
					 execution->id, execution->plan->workflow_id,
					 execution->plan->version, execution->plan->owner, caller);
	appendStringInfoString(&buf, ", \"mode\": ");
	escape_json(&buf, execution->mode);
	if (execution->trigger_id != 0)
		appendStringInfo(&buf, ", \"trigger_id\": " INT64_FORMAT,
						 execution->trigger_id);
	if (execution->parent_id != 0)
		appendStringInfo(&buf, ", \"parent_id\": " INT64_FORMAT,
						 execution->parent_id);
	append_jsonb(&buf, "input", execution->input);
	append_jsonb(&buf, "error", error);
	append_time(&buf, "started_at", execution->started_at ?
				execution->started_at : GetCurrentTimestamp());
	appendStringInfoChar(&buf, '}');
	steps = list_copy(execution->steps);
	if (node != NULL)
	{
		RrStep	   *failed = palloc0(sizeof(RrStep));

		failed->node = node;
		failed->status = RR_STEP_FAILED;
		failed->attempt = 1;
		failed->error = failure;
		failed->started_at = failed->finished_at = GetCurrentTimestamp();
		steps = lappend(steps, failed);
	}
	appendStringInfoString(&buf, ", \"steps\": ");
	appendStringInfoString(&buf, text_to_cstring(rr_journal_steps_json(steps)));
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/* Hand the record of execution to a worker and wait until it committed it. */
static void
record_apart(const RrExecution *execution, const char *record)
{
	Size		length = strlen(record);
	dsm_segment *segment;
	FailedCallSegment *shared;
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	BgwHandleStatus status;
	pid_t		pid;

	segment = dsm_create(sizeof(FailedCallSegment) + length + 1, 0);
	shared = dsm_segment_address(segment);
	shared->database = MyDatabaseId;
	shared->workflow_id = execution->plan->workflow_id;
	shared->version = execution->plan->version;
	shared->recorded = false;
	shared->length = length;
	memcpy((char *) (shared + 1), record, length + 1);

	rr_worker_describe(&worker, "rr_failed_call_main",
					   "reporunner failed call journal", BGW_NEVER_RESTART,
					   UInt32GetDatum(dsm_segment_handle(segment)), MyProcPid);

	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		ereport(WARNING,
				(errmsg("could not journal failed execution: no background worker slot is free"),
				 errhint("Raise max_worker_processes.")));
	else if ((status = WaitForBackgroundWorkerStartup(handle, &pid)) != BGWH_STARTED)
		ereport(WARNING,
				(errmsg("could not journal failed execution: its background worker did not start")));
	else
	{
		(void) WaitForBackgroundWorkerShutdown(handle);
		if (!shared->recorded)
			ereport(WARNING,
					(errmsg("could not journal failed execution"),
					 errdetail("The server log of its background worker says why.")));
	}
	dsm_detach(segment);
}

void
rr_journal_failed_call(RrExecution *execution, ErrorData *edata, Oid caller)
{
	MemoryContext context = CurrentMemoryContext;

	PG_TRY();
	{
		record_apart(execution, failed_call_record(execution, edata, caller));
	}
	PG_CATCH();
	{
		ErrorData  *recording;

		MemoryContextSwitchTo(context);
		recording = CopyErrorData();
		FlushErrorState();
		ereport(WARNING,
				(errmsg("could not journal failed execution " INT64_FORMAT,
						execution->id),
				 errdetail("%s", recording->message)));
	}
	PG_END_TRY();
}

/* The worker: write the record, in a transaction of its own. */
void
rr_failed_call_main(Datum main_arg)
{
	dsm_segment *segment;
	FailedCallSegment *shared;

	BackgroundWorkerUnblockSignals();
	segment = dsm_attach(DatumGetUInt32(main_arg));
	if (segment == NULL)
		ereport(ERROR,
				(errmsg("could not attach the segment of a failed execution's record")));
	shared = dsm_segment_address(segment);
	BackgroundWorkerInitializeConnectionByOid(shared->database, InvalidOid, 0);

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	(void) set_config_option("lock_timeout", "5s", PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "reporunner: journaling a failed execution");
	rr_journal_write_failed_call(DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																	CStringGetDatum((char *) (shared + 1)))),
								 shared->workflow_id, shared->version);
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);
	shared->recorded = true;
	dsm_detach(segment);
	proc_exit(0);
}
