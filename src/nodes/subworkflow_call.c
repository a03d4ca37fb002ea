/*-------------------------------------------------------------------------
 *
 * subworkflow_call.c
 *		Sub-workflow calls of a background run: queued as child executions
 *		with idempotency keys, and their results collected once they all
 *		ended (src/nodes/execute_workflow.c says how the calling node
 *		pauses meanwhile; src/nodes/ai_agent.c calls its tools so).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/execute.h"
#include "catalog/owner_role.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/subworkflow_call.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "worker/worker.h"

/*
 * The calls of execution $1 with the keys $2, as far as they got, with
 * their numbers (the key's position in $2, from 0); of owner $3 (when
 * known: SQL_CALLS_OF_ANY_OWNER reads every shard on Citus)
 */
#define SQL_CALLS_OF_ANY_OWNER \
	"SELECT pg_catalog.array_position($2, idempotency_key) - 1, id, status," \
	" output, error FROM reporunner.execution WHERE parent_id = $1" \
	" AND idempotency_key = ANY ($2)"
#define SQL_CALLS SQL_CALLS_OF_ANY_OWNER " AND owner = $3"

/*
 * Read the journal as the tables' owner: this execution's own rows, which
 * its owner may not see when the sub-workflow has another owner.  Not
 * kept: a generic plan made on a small journal would scan it whole.
 */
static void
run_as_owner(const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	Oid			save_userid;
	int			save_sec_context;

	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run(sql, nargs, argtypes, values, SPI_OK_SELECT);
	rr_store_restore_user(save_userid, save_sec_context);
}

void
rr_subworkflow_queue(RrNodeRun *run, RrPlan *plan, List *items,
					 const char *key)
{
	rr_worker_wake_at_commit();
	(void) rr_journal_enqueue(&(RrEnqueue) {
		.workflow_id = plan->workflow_id,
			.workflow_name = plan->workflow_name,
			.version = plan->version,
			.owner = plan->owner,
			.input = rr_items_to_jsonb(items),
			.idempotency_key = (char *) key,
			.caller = rr_role_owner(GetUserId()),
			.ready_at = GetCurrentTimestamp(),
			.mode = "subworkflow",
			.parent_id = run->execution->id
	});
}

/*
 * Raise the failure of a call that failed or was canceled: its own
 * message, which names its workflow and node, as a failure inside
 * execute() would read.
 */
static pg_attribute_noreturn() void
call_failed(const char *workflow, int64 id, const char *status, Jsonb *error)
{
	JsonbValue *message;
	JsonbValue *sqlstate;
	int			code = ERRCODE_EXTERNAL_ROUTINE_EXCEPTION;

	if (strcmp(status, "canceled") == 0 || error == NULL)
		ereport(ERROR,
				(errcode(code),
				 errmsg("sub-workflow \"%s\" was %s", workflow, status),
				 errdetail("Its execution is " INT64_FORMAT ".", id)));

	message = getKeyJsonValueFromContainer(&error->root, "message", 7, NULL);
	sqlstate = getKeyJsonValueFromContainer(&error->root, "sqlstate", 8, NULL);

	/*
	 * Its SQLSTATE, but for a cancel or timeout (class 57), which would
	 * read as an interrupt of this execution rather than a failure.
	 */
	if (sqlstate != NULL && sqlstate->type == jbvString &&
		sqlstate->val.string.len == 5 &&
		strncmp(sqlstate->val.string.val, "57", 2) != 0)
	{
		const char *c = sqlstate->val.string.val;

		code = MAKE_SQLSTATE(c[0], c[1], c[2], c[3], c[4]);
	}
	ereport(ERROR,
			(errcode(code),
			 errmsg("%.*s",
					message != NULL && message->type == jbvString ? message->val.string.len : 0,
					message != NULL && message->type == jbvString ? message->val.string.val : ""),
			 errdetail("Sub-workflow \"%s\" failed in execution " INT64_FORMAT ".",
					   workflow, id)));
}


bool
rr_subworkflow_results(RrNodeRun *run, const char *workflow, Oid owner,
					   int ncalls, char **keys, Jsonb **outputs)
{
	Oid			argtypes[3] = {INT8OID, TEXTARRAYOID, OIDOID};
	Datum		values[3];
	Datum	   *key_datums = palloc(sizeof(Datum) * ncalls);
	MemoryContext caller = CurrentMemoryContext;
	int			nestlevel;
	uint64		row;
	int			call;

	for (call = 0; call < ncalls; call++)
		key_datums[call] = CStringGetTextDatum(keys[call]);
	values[0] = Int64GetDatum(run->execution->id);
	values[1] = PointerGetDatum(construct_array(key_datums, ncalls, TEXTOID,
												-1, false, TYPALIGN_INT));
	values[2] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	if (OidIsValid(owner))
		run_as_owner(SQL_CALLS, 3, argtypes, values);
	else
		run_as_owner(SQL_CALLS_OF_ANY_OWNER, 2, argtypes, values);
	if (SPI_processed != (uint64) ncalls)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%d of the %d calls of sub-workflow \"%s\" are missing",
						ncalls - (int) SPI_processed, ncalls, workflow),
				 errdetail("Their executions were deleted before they were collected.")));
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *status = SPI_getvalue(tuple, desc, 3);
		bool		isnull;
		Datum		value;

		if (strcmp(status, "queued") == 0 || strcmp(status, "running") == 0 ||
			strcmp(status, "waiting") == 0)
		{
			rr_store_end(nestlevel);
			return false;
		}
		if (strcmp(status, "succeeded") != 0)
		{
			int64		id = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
			Jsonb	   *error;

			value = SPI_getbinval(tuple, desc, 5, &isnull);
			error = isnull ? NULL : DatumGetJsonbPCopy(value);
			status = pstrdup(status);
			call_failed(workflow, id, status, error);
		}
		call = DatumGetInt32(SPI_getbinval(tuple, desc, 1, &isnull));
		value = SPI_getbinval(tuple, desc, 4, &isnull);
		outputs[call] = NULL;
		if (!isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(caller);

			outputs[call] = DatumGetJsonbPCopy(value);
			MemoryContextSwitchTo(old);
		}
	}
	rr_store_end(nestlevel);
	return true;
}

char *
rr_subworkflow_run_key(char *key, RrNodeRun *run)
{
	if (run->run_index == 0)
		return key;
	return psprintf("%s run %d", key, run->run_index);
}
