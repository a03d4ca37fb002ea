/*-------------------------------------------------------------------------
 *
 * journal.c
 *		Writing executions and their steps to reporunner.execution/step.
 *
 * The journal is written by the engine, not by tenants (they may only read
 * it), so the inserts run as the tables' owner.  An execution and all its
 * steps are one statement, prepared once per backend: the execution's row
 * and an INSERT ... SELECT over one array per step column.  Background
 * workers write their steps with the same arrays (src/engine/queue.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "commands/async.h"
#include "commands/sequence.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

/*
 * The execution and its steps in one statement: $1..$12 the execution,
 * $13..$19 one array per step column.
 */
#define SQL_INSERT_JOURNAL \
	"WITH e AS (INSERT INTO reporunner.execution (id, workflow_id, version," \
	" owner, status, mode, input, output, error, created_by, created_at," \
	" started_at, finished_at) OVERRIDING SYSTEM VALUE" \
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)" \
	" RETURNING id, owner)" \
	" INSERT INTO reporunner.step (execution_id, node, run_index, owner," \
	" attempt, status, output, error, started_at, finished_at)" \
	" SELECT e.id, s.node, 0, e.owner, s.attempt, s.status, s.output," \
	" s.error, s.started_at, s.finished_at" \
	" FROM e, " RR_STEP_ROWS("$13", "$14", "$15", "$16", "$17", "$18", "$19")

static SPIPlanPtr insert_journal_plan = NULL;

const Oid	rr_step_array_types[RR_STEP_ARRAYS] = {
	TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, JSONBARRAYOID, JSONBARRAYOID,
	TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID
};

static const char *const step_status_names[] = {
	"succeeded", "failed", "skipped"
};

int64
rr_journal_new_id(void)
{
	Oid			seq = get_relname_relid("execution_id_seq",
										get_namespace_oid("reporunner", false));

	if (!OidIsValid(seq))
		elog(ERROR, "sequence reporunner.execution_id_seq does not exist");
	return nextval_internal(seq, false);
}

/* A one-dimensional array of n datums, some of them NULL. */
static Datum
make_array(Datum *elems, bool *nulls, int n, Oid type)
{
	int			dims[1];
	int			lbs[1];
	int16		typlen;
	bool		typbyval;
	char		typalign;

	dims[0] = n;
	lbs[0] = 1;
	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, type,
											  typlen, typbyval, typalign));
}

void
rr_journal_step_arrays(List *steps, Datum *values)
{
	int			n = list_length(steps);
	Datum	   *names = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *attempts = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *statuses = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *outputs = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *output_nulls = palloc(sizeof(bool) * Max(n, 1));
	Datum	   *errors = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *error_nulls = palloc(sizeof(bool) * Max(n, 1));
	Datum	   *starts = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *finishes = palloc(sizeof(Datum) * Max(n, 1));
	ListCell   *lc;
	int			i = 0;

	foreach(lc, steps)
	{
		RrStep	   *step = lfirst(lc);

		names[i] = CStringGetTextDatum(step->node->name);
		attempts[i] = Int32GetDatum(Max(step->attempt, 1));
		statuses[i] = CStringGetTextDatum(step_status_names[step->status]);
		/* a step that failed the execution has no outputs */
		outputs[i] = step->outputs ? JsonbPGetDatum(rr_step_outputs_jsonb(step)) : (Datum) 0;
		output_nulls[i] = step->outputs == NULL;
		errors[i] = step->error ? JsonbPGetDatum(step->error) : (Datum) 0;
		error_nulls[i] = step->error == NULL;
		starts[i] = TimestampTzGetDatum(step->started_at);
		finishes[i] = TimestampTzGetDatum(step->finished_at);
		i++;
	}
	values[0] = make_array(names, NULL, n, TEXTOID);
	values[1] = make_array(attempts, NULL, n, INT4OID);
	values[2] = make_array(statuses, NULL, n, TEXTOID);
	values[3] = make_array(outputs, output_nulls, n, JSONBOID);
	values[4] = make_array(errors, error_nulls, n, JSONBOID);
	values[5] = make_array(starts, NULL, n, TIMESTAMPTZOID);
	values[6] = make_array(finishes, NULL, n, TIMESTAMPTZOID);
}

void
rr_journal_write(RrExecution *execution, const char *status, Jsonb *output,
				 Jsonb *error, Oid created_by)
{
	Oid			argtypes[12 + RR_STEP_ARRAYS] = {INT8OID, INT8OID, INT4OID,
		OIDOID, TEXTOID, TEXTOID, JSONBOID, JSONBOID, JSONBOID, OIDOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[12 + RR_STEP_ARRAYS];
	char		nulls[12 + RR_STEP_ARRAYS];
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(execution->id);
	values[1] = Int64GetDatum(execution->plan->workflow_id);
	values[2] = Int32GetDatum(execution->plan->version);
	values[3] = ObjectIdGetDatum(execution->plan->owner);
	values[4] = CStringGetTextDatum(status);
	values[5] = CStringGetTextDatum(execution->mode);
	values[6] = JsonbPGetDatum(execution->input);
	values[7] = output ? JsonbPGetDatum(output) : (Datum) 0;
	nulls[7] = output ? ' ' : 'n';
	values[8] = error ? JsonbPGetDatum(error) : (Datum) 0;
	nulls[8] = error ? ' ' : 'n';
	values[9] = ObjectIdGetDatum(created_by);
	values[10] = TimestampTzGetDatum(execution->started_at);
	values[11] = TimestampTzGetDatum(GetCurrentTimestamp());
	memcpy(&argtypes[12], rr_step_array_types, sizeof(rr_step_array_types));
	rr_journal_step_arrays(execution->steps, &values[12]);

	nestlevel = rr_store_begin();
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run_kept(&insert_journal_plan, SQL_INSERT_JOURNAL, 12 + RR_STEP_ARRAYS, argtypes,
					  values, nulls, SPI_OK_INSERT);
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);
}

void
rr_notify_execution(int64 id)
{
	char		payload[64];

	snprintf(payload, sizeof(payload), "{\"id\": " INT64_FORMAT "}", id);
	Async_Notify("reporunner_execution", payload);
}
