/*-------------------------------------------------------------------------
 *
 * journal.c
 *		Writing executions and their steps.
 *
 * This file is the only code that writes reporunner.execution and
 * reporunner.step_journal rows (and the queue rows that go with them in the
 * same statement): execute()'s journal, the SQL API's start(), cancel(),
 * resume() and retry() (src/catalog/execute.c), the durable runs of the
 * workers (src/engine/durable_run.c) and the queue's housekeeping
 * (src/engine/queue.c).  Every function writes in its caller's transaction
 * and commits nothing.
 *
 * Tenants may only read the journal, so the writes the SQL API makes run
 * as the tables' owner, once the caller's right to make them has been
 * checked with its own identity.
 *
 * Where a step goes: the steps written together with the end of their
 * execution (an execute(), a worker's run of pure nodes, a failed
 * execute() recorded apart) go into the execution's row, as one json
 * array (execution.steps), compressed before it is written: a node's
 * output items mostly repeat its input's, so they compress well, and one
 * row with one compressed value writes a fraction of the WAL of a row per
 * step with its index entries and foreign-key checks.  A run that commits
 * as it goes (a node with side effects, a wait, a retry) writes its steps
 * as rows of step_journal, where a later transaction finds and updates
 * them; once an execution has such rows, all its steps go there.  The
 * reporunner.step view shows both alike.
 *
 * A statement that changes both an execution's queue row and its execution
 * row locks the queue row first (RR_SQL_AFTER_QUEUE_ROW), as a worker's
 * claim does.
 *
 * Every statement names the owner of the rows it reads and writes
 * ("owner = $n" on each table, joins on id and owner, the owner in every
 * row inserted): on Citus, where the tables are distributed by owner, that
 * routes it to the owner's shard (src/catalog/store.c runs it there as the
 * tables' owner, so row-level security filters nothing and the owner named
 * is the only restriction).  The few that cannot name one say so: they
 * read every shard on Citus, and lock nothing there.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/toast_compression.h"
#include "access/toast_internals.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "catalog/row_write.h"
#include "catalog/store.h"
#include "catalog/version_hold.h"
#include "commands/async.h"
#include "commands/sequence.h"
#include "engine/journal.h"
#include "engine/jsonb_text.h"
#include "engine/pairing.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#ifdef USE_LZ4
#include <lz4.h>
#endif

/* A finished execution with its steps (execution.steps) */
static const char *const journal_columns[] = {
	"id", "workflow_id", "version", "owner", "status", "mode", "input",
	"output", "error", "created_by", "created_at", "started_at",
	"finished_at", "steps", "trigger_id", "parent_id", "attempt"
};
static RrRowTarget journal_target = RR_ROW_TARGET("execution", journal_columns);

/*
 * Steps as one array per column (node, attempt, status, output, error,
 * started_at, finished_at, paired, run_index), for an INSERT ... SELECT
 * over STEP_ROWS.
 */
#define STEP_ARRAYS 9

/* The rows of those arrays, from the parameters named, as s(columns) */
#define STEP_ROWS(node, attempt, status, output, error, started, finished, paired, run_index) \
	"ROWS FROM (pg_catalog.unnest(" node "::pg_catalog.text[])," \
	" pg_catalog.unnest(" attempt "::pg_catalog.int4[])," \
	" pg_catalog.unnest(" status "::pg_catalog.text[])," \
	" pg_catalog.unnest(" output "::pg_catalog.jsonb[])," \
	" pg_catalog.unnest(" error "::pg_catalog.jsonb[])," \
	" pg_catalog.unnest(" started "::pg_catalog.timestamptz[])," \
	" pg_catalog.unnest(" finished "::pg_catalog.timestamptz[])," \
	" pg_catalog.unnest(" paired "::pg_catalog.jsonb[])," \
	" pg_catalog.unnest(" run_index "::pg_catalog.int4[]))" \
	" AS s(node, attempt, status, output, error, started_at, finished_at," \
	" paired, run_index)"

static const Oid step_array_types[STEP_ARRAYS] = {
	TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, JSONBARRAYOID, JSONBARRAYOID,
	TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, JSONBARRAYOID, INT4ARRAYOID
};

static const char *const step_status_names[] = {
	"succeeded", "failed", "skipped"
};

const char *
rr_step_status_name(RrStepStatus status)
{
	return step_status_names[status];
}

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

static void
step_arrays(List *steps, Datum *values)
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
	Datum	   *paired = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *paired_nulls = palloc(sizeof(bool) * Max(n, 1));
	Datum	   *run_indexes = palloc(sizeof(Datum) * Max(n, 1));
	ListCell   *lc;
	int			i = 0;

	foreach(lc, steps)
	{
		RrStep	   *step = lfirst(lc);

		names[i] = CStringGetTextDatum(step->node->name);
		attempts[i] = Int32GetDatum(Max(step->attempt, 1));
		statuses[i] = CStringGetTextDatum(rr_step_status_name(step->status));
		/* a step that failed the execution has no outputs */
		outputs[i] = step->outputs ? JsonbPGetDatum(rr_step_outputs_jsonb(step)) : (Datum) 0;
		output_nulls[i] = step->outputs == NULL;
		errors[i] = step->error ? JsonbPGetDatum(step->error) : (Datum) 0;
		error_nulls[i] = step->error == NULL;
		starts[i] = TimestampTzGetDatum(step->started_at);
		finishes[i] = TimestampTzGetDatum(step->finished_at);
		/* NULL: every output item i came from input item i */
		paired_nulls[i] = step->outputs == NULL || step->paired == NULL;
		paired[i] = paired_nulls[i] ? (Datum) 0 :
			JsonbPGetDatum(rr_pairing_jsonb(step->node, step->paired));
		run_indexes[i] = Int32GetDatum(step->run_index);
		i++;
	}
	values[0] = make_array(names, NULL, n, TEXTOID);
	values[1] = make_array(attempts, NULL, n, INT4OID);
	values[2] = make_array(statuses, NULL, n, TEXTOID);
	values[3] = make_array(outputs, output_nulls, n, JSONBOID);
	values[4] = make_array(errors, error_nulls, n, JSONBOID);
	values[5] = make_array(starts, NULL, n, TIMESTAMPTZOID);
	values[6] = make_array(finishes, NULL, n, TIMESTAMPTZOID);
	values[7] = make_array(paired, paired_nulls, n, JSONBOID);
	values[8] = make_array(run_indexes, NULL, n, INT4OID);
}

/* ---------- Steps in the execution's row (execution.steps) ---------- */

/*
 * ", "key": " for one of the journal's own keys: plain ASCII names, which
 * JSON needs no escape for (escape_json() looks at every byte).
 */
#define append_key(buf, key) \
	appendStringInfoString((buf), ", \"" key "\": ")

/*
 * A time as a JSON string, ISO 8601 in UTC whatever the session's DateStyle
 * and zone (digits and -:T.+, which JSON needs no escape for), as
 * JsonEncodeDateTime() writes it: the steps of one execution nearly always
 * fall in one second, whose text is kept and followed by the microseconds
 * (trailing zeros dropped, none when zero) and the zone.
 */
static void
append_time(StringInfo buf, TimestampTz time)
{
	static TimestampTz second = DT_NOBEGIN;
	static char second_text[MAXDATELEN + 1];
	static int	second_len = 0;
	char		text[MAXDATELEN + 1];
	const int	utc = 0;
	TimestampTz whole = DT_NOEND;
	int			usec;

	if (!TIMESTAMP_NOT_FINITE(time))
	{
		whole = time - time % USECS_PER_SEC;
		if (time < whole)
			whole -= USECS_PER_SEC;
	}
	if (whole != second && whole != DT_NOEND)
	{
		int			len;

		JsonEncodeDateTime(text, TimestampTzGetDatum(whole), TIMESTAMPTZOID,
						   &utc);
		len = strlen(text);
		/* a year BC ends in " BC": written whole every time */
		if (len > 6 && strcmp(text + len - 6, "+00:00") == 0)
		{
			second_len = len - 6;
			memcpy(second_text, text, second_len);
			second = whole;
		}
		else
			second = DT_NOBEGIN;
	}
	appendStringInfoChar(buf, '"');
	if (whole != second)
		appendStringInfoString(buf, JsonEncodeDateTime(text, TimestampTzGetDatum(time),
													   TIMESTAMPTZOID, &utc));
	else
	{
		appendBinaryStringInfo(buf, second_text, second_len);
		usec = (int) (time - whole);
		if (usec != 0)
		{
			int			len = 7;
			int			i;

			text[0] = '.';
			for (i = 6; i > 0; i--, usec /= 10)
				text[i] = '0' + usec % 10;
			while (text[len - 1] == '0')
				len--;
			appendBinaryStringInfo(buf, text, len);
		}
		appendStringInfoString(buf, "+00:00");
	}
	appendStringInfoChar(buf, '"');
}

/*
 * The items written so far into one steps document, where their text is:
 * nodes such as if, filter and merge pass on the very items they received,
 * whose text is then copied rather than written again.
 */
#define RR_WRITTEN_ITEMS 64

typedef struct WrittenItems
{
	int			count;
	struct
	{
		const Jsonb *item;
		int			offset;
		int			length;
	}			at[RR_WRITTEN_ITEMS];
} WrittenItems;

static void
append_item(StringInfo buf, const Jsonb *item, WrittenItems *written)
{
	int			i;

	for (i = 0; i < written->count; i++)
		if (written->at[i].item == item)
		{
			/* enlarged first: the copy is from the buffer itself */
			enlargeStringInfo(buf, written->at[i].length);
			memcpy(buf->data + buf->len, buf->data + written->at[i].offset,
				   written->at[i].length);
			buf->len += written->at[i].length;
			buf->data[buf->len] = '\0';
			return;
		}
	i = buf->len;
	rr_jsonb_append_text(buf, item);
	if (written->count < RR_WRITTEN_ITEMS)
	{
		written->at[written->count].item = item;
		written->at[written->count].offset = i;
		written->at[written->count].length = buf->len - i;
		written->count++;
	}
}

/* {"output name": [items], ...}, as rr_step_outputs_jsonb() has them */
static void
append_outputs(StringInfo buf, const RrStep *step, WrittenItems *written)
{
	const RrPlanNode *node = step->node;
	int			output;

	appendStringInfoChar(buf, '{');
	for (output = 0; output < node->noutputs; output++)
	{
		ListCell   *lc;

		if (output > 0)
			appendStringInfoString(buf, ", ");
		escape_json(buf, node->output_names[output]);
		appendStringInfoString(buf, ": [");
		foreach(lc, step->outputs[output])
		{
			if (lc != list_head(step->outputs[output]))
				appendStringInfoString(buf, ", ");
			append_item(buf, lfirst(lc), written);
		}
		appendStringInfoChar(buf, ']');
	}
	appendStringInfoChar(buf, '}');
}

text *
rr_journal_steps_json(List *steps)
{
	StringInfoData buf;
	WrittenItems written;
	ListCell   *lc;

	written.count = 0;
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	foreach(lc, steps)
	{
		RrStep	   *step = lfirst(lc);

		if (lc != list_head(steps))
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, "{\"node\": ");
		escape_json(&buf, step->node->name);
		append_key(&buf, "status");
		appendStringInfoChar(&buf, '"');
		appendStringInfoString(&buf, rr_step_status_name(step->status));
		appendStringInfoChar(&buf, '"');
		if (step->run_index > 0)
			appendStringInfo(&buf, ", \"run_index\": %d", step->run_index);
		if (step->attempt > 1)
			appendStringInfo(&buf, ", \"attempt\": %d", step->attempt);
		/* a step that failed the execution has no outputs */
		if (step->outputs)
		{
			append_key(&buf, "output");
			append_outputs(&buf, step, &written);
			if (step->paired)
			{
				append_key(&buf, "paired");
				rr_pairing_append_json(&buf, step->node, step->paired);
			}
		}
		if (step->error)
		{
			append_key(&buf, "error");
			rr_jsonb_append_text(&buf, step->error);
		}
		append_key(&buf, "started_at");
		append_time(&buf, step->started_at);
		append_key(&buf, "finished_at");
		append_time(&buf, step->finished_at);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, ']');
	return cstring_to_text_with_len(buf.data, buf.len);
}

/*
 * Steps (a json array) as execution.steps stores them: compressed now,
 * although PostgreSQL would compress a value only in a row of 2 kB or more,
 * because nearly every execution's row is smaller than that.  JSON text
 * compresses better than jsonb: 300 bytes against 500 for the four steps
 * of the benchmark's workflow, from 961 and 1,205.
 *
 * The value is what toast_compress_datum() makes (PostgreSQL decompresses
 * it), but with lz4 it is compressed here: LZ4_compress_default() clears a
 * 16 kB table for every value, which cost more than compressing a
 * kilobyte, and a stream kept for the backend's life is reset without it.
 */
#ifdef USE_LZ4
static Datum
compressed_steps(text *steps)
{
	static LZ4_stream_t *stream = NULL;
	int32		size = VARSIZE_ANY_EXHDR(steps);
	int32		bound = LZ4_compressBound(size);
	struct varlena *compressed;
	int			length;

	if (stream == NULL)
		stream = LZ4_initStream(MemoryContextAlloc(TopMemoryContext,
												   sizeof(LZ4_stream_t)),
								sizeof(LZ4_stream_t));
	LZ4_resetStream_fast(stream);
	compressed = palloc(bound + VARHDRSZ_COMPRESSED);
	length = LZ4_compress_fast_continue(stream, VARDATA_ANY(steps),
										(char *) compressed + VARHDRSZ_COMPRESSED,
										size, bound, 1);
	if (length <= 0)
		elog(ERROR, "lz4 compression failed");
	/* as toast_compress_datum: stored as it is unless that saves bytes */
	if (length + VARHDRSZ_COMPRESSED >= size - 2)
	{
		pfree(compressed);
		return PointerGetDatum(steps);
	}
	SET_VARSIZE_COMPRESSED(compressed, length + VARHDRSZ_COMPRESSED);
	TOAST_COMPRESS_SET_SIZE_AND_COMPRESS_METHOD(compressed, size,
												TOAST_LZ4_COMPRESSION_ID);
	return PointerGetDatum(compressed);
}
#else
static Datum
compressed_steps(text *steps)
{
	Datum		compressed = toast_compress_datum(PointerGetDatum(steps),
												  TOAST_PGLZ_COMPRESSION);

	return DatumGetPointer(compressed) != NULL ? compressed : PointerGetDatum(steps);
}
#endif

void
rr_journal_write(RrExecution *execution, const char *status, Jsonb *output,
				 Jsonb *error, Oid created_by)
{
	Datum		values[lengthof(journal_columns)];
	bool		isnull[lengthof(journal_columns)];

	memset(isnull, false, sizeof(isnull));
	values[0] = Int64GetDatum(execution->id);
	values[1] = Int64GetDatum(execution->plan->workflow_id);
	values[2] = Int32GetDatum(execution->plan->version);
	values[3] = ObjectIdGetDatum(execution->plan->owner);
	values[4] = CStringGetTextDatum(status);
	values[5] = CStringGetTextDatum(execution->mode);
	values[6] = JsonbPGetDatum(execution->input);
	values[7] = PointerGetDatum(output);
	isnull[7] = output == NULL;
	values[8] = PointerGetDatum(error);
	isnull[8] = error == NULL;
	values[9] = ObjectIdGetDatum(created_by);
	values[10] = TimestampTzGetDatum(execution->started_at);
	values[11] = values[10];
	values[12] = TimestampTzGetDatum(GetCurrentTimestamp());
	values[13] = compressed_steps(rr_journal_steps_json(execution->steps));
	values[14] = Int64GetDatum(execution->trigger_id);
	isnull[14] = execution->trigger_id == 0;
	values[15] = Int64GetDatum(execution->parent_id);
	isnull[15] = execution->parent_id == 0;
	values[16] = Int32GetDatum(1);

	rr_version_hold(execution->plan->workflow_id, execution->plan->version,
					true);
	rr_row_insert(&journal_target, values, isnull);
}

void
rr_notify_execution(int64 id)
{
	char		payload[64];

	snprintf(payload, sizeof(payload), "{\"id\": " INT64_FORMAT "}", id);
	Async_Notify("reporunner_execution", payload);
}


/* ---------- The SQL API's writes (src/catalog/execute.c) ---------- */

/*
 * start(), triggers and sub-workflows: $1 workflow, $2 version, $3 owner,
 * $4 input (NULL: '[]' and the packed rows $12), $5 key, $6 caller, $7
 * priority, $8 ready_at, $9 mode, $10 trigger, $11 calling execution (0:
 * none); returns the new execution's id, or none when the idempotency key
 * was used before.  The conflict names no key: the idempotency key's
 * unique index gains "owner" on Citus (src/sql/90_distribute.sql), and the
 * id, the only other unique key, comes from a sequence.  The journal's
 * conflicts below name its primary key for the same reason.
 *
 * Without a key no conflict is possible, and the two rows go in without a
 * statement (src/catalog/row_insert.c): ON CONFLICT inserts speculatively
 * (a probe of every unique index first, one more WAL record after), and
 * any INSERT starts an executor, costs start() and every row of a table
 * trigger would pay for nothing.
 */
#define SQL_ENQUEUE_ONCE \
	"WITH e AS (INSERT INTO reporunner.execution (workflow_id, version, owner," \
	" status, mode, input, idempotency_key, created_by, trigger_id, parent_id," \
	" input_rows, call_level)" \
	" VALUES ($1, $2, $3, 'queued', $9, coalesce($4, '[]'), $5, $6," \
	" NULLIF($10, 0), NULLIF($11, 0), $12, NULLIF($13, 1))" \
	" ON CONFLICT DO NOTHING RETURNING id)" \
	" INSERT INTO reporunner.queue (execution_id, owner, priority, ready_at)" \
	" SELECT id, $3, $7, $8 FROM e RETURNING execution_id"

/* The rows of start() without an idempotency key */
static const char *const queued_columns[] = {
	"id", "workflow_id", "version", "owner", "status", "mode", "input",
	"created_by", "created_at", "trigger_id", "parent_id", "input_rows",
	"attempt", "call_level"
};
static const char *const queue_columns[] = {
	"execution_id", "owner", "priority", "ready_at"
};
static RrRowTarget queued_target = RR_ROW_TARGET("execution", queued_columns);
static RrRowTarget queue_target = RR_ROW_TARGET("queue", queue_columns);

#define SQL_BY_KEY \
	"SELECT id FROM reporunner.execution" \
	" WHERE workflow_id = $1 AND idempotency_key = $2 AND owner = $3"

/* cancel(): the execution $1 (owner $2), and the worker that runs it, if any */
#define SQL_CANCEL \
	"WITH q AS (DELETE FROM reporunner.queue WHERE execution_id = $1" \
	" AND owner = $2 RETURNING lease_owner)" \
	" UPDATE reporunner.execution e SET status = 'canceled', finished_at = now()" \
	" WHERE e.id = $1 AND e.owner = $2" \
	" AND e.status IN ('queued', 'running', 'waiting')" \
	RR_SQL_AFTER_QUEUE_ROW("q") \
	" RETURNING (SELECT lease_owner FROM q)"

/*
 * The sub-workflows execution $1 runs and that have not ended, with their
 * owners.  A sub-workflow may be another owner's (a shared workflow), so
 * this names none: on Citus it reads every shard, as cancel() may.
 */
#define SQL_RUNNING_CALLS \
	"SELECT id, owner FROM reporunner.execution WHERE parent_id = $1" \
	" AND mode = 'subworkflow' AND status IN ('queued', 'running', 'waiting')"

/*
 * A sub-workflow the calling execution waits for ended ($1, owner $2): its
 * caller and the caller's owner.  The caller is the role that queued the
 * sub-workflow (created_by): its node code runs as its workflow's owner.
 * Sub-workflows started without waiting (no key) wake nobody.
 */
#define SQL_PARENT_OF \
	"SELECT parent_id, created_by FROM reporunner.execution" \
	" WHERE id = $1 AND owner = $2 AND mode = 'subworkflow'" \
	" AND idempotency_key IS NOT NULL AND parent_id IS NOT NULL"

/*
 * Lock the caller ($1, owner $2), if it waits, so that of two last children
 * ending at once the second sees the first ended (each statement of a
 * transaction in READ COMMITTED sees what committed before it began) ...
 */
#define SQL_LOCK_WAITING_PARENT \
	"SELECT FROM reporunner.execution WHERE id = $1 AND owner = $2" \
	" AND status = 'waiting' FOR NO KEY UPDATE"

/*
 * ... see whether any of the sub-workflows it waits for (those with a key;
 * fire-and-forget ones have none) is left: $1 the caller, $2 the owner of
 * the one that ended.  The caller waits at one node, for calls of one
 * workflow, so all of those have the same owner ...
 */
#define SQL_CALLS_LEFT \
	"SELECT FROM reporunner.execution WHERE parent_id = $1 AND owner = $2" \
	" AND mode = 'subworkflow' AND idempotency_key IS NOT NULL" \
	" AND status IN ('queued', 'running', 'waiting') LIMIT 1"

/* ... and, when none is, queue the caller ($1, owner $2) again */
#define SQL_WAKE_PARENT \
	"WITH e AS (UPDATE reporunner.execution SET status = 'queued', wake_at = NULL" \
	" WHERE id = $1 AND owner = $2 AND status = 'waiting' RETURNING id)" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, $2, now() FROM e ON CONFLICT DO NOTHING" \
	" RETURNING execution_id"

/*
 * resume(): $1 execution, $2 the paused node's new output items (NULL:
 * keep its input), $3 its owner.  The paused step becomes done, and the
 * execution goes back into the queue.
 */
#define SQL_RESUME \
	"WITH s AS (UPDATE reporunner.step_journal SET status = 'succeeded'," \
	" finished_at = now(), retry_at = NULL," \
	" output = CASE WHEN $2::jsonb IS NULL THEN output" \
	" ELSE pg_catalog.jsonb_build_object('main', $2::jsonb) END," \
	" paired = CASE WHEN $2::jsonb IS NULL THEN paired END" \
	" WHERE execution_id = $1 AND owner = $3 AND status = 'waiting'" \
	" RETURNING execution_id)," \
	" e AS (UPDATE reporunner.execution SET status = 'queued', wake_at = NULL" \
	" WHERE id = $1 AND owner = $3 AND status = 'waiting'" \
	" AND EXISTS (SELECT FROM s) RETURNING id)" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, $3, now() FROM e ON CONFLICT DO NOTHING RETURNING execution_id"

/*
 * retry(): a new execution of the failed one ($1, owner $4) by $2, at
 * level $5 (src/engine/executor.c, rr_check_queued_call_depth); its
 * steps are those of the failed one that succeeded, before from_node's run
 * when given ($3 its start), so the workers adopt them and run only the
 * rest.
 */
#define SQL_RETRY \
	"WITH old AS (SELECT * FROM reporunner.execution WHERE id = $1" \
	" AND owner = $4)," \
	" e AS (INSERT INTO reporunner.execution (workflow_id, version, owner," \
	" status, mode, input, input_rows, parent_id, attempt, created_by," \
	" call_level)" \
	" SELECT workflow_id, version, $4, 'queued', 'retry', input, input_rows," \
	" id, attempt + 1, $2, NULLIF($5, 1) FROM old RETURNING id)," \
	" s AS (INSERT INTO reporunner.step_journal (execution_id, node, run_index," \
	" owner, attempt, status, output, error, started_at, finished_at, paired)" \
	" SELECT e.id, st.node, st.run_index, $4, st.attempt, st.status," \
	" st.output, st.error, st.started_at, st.finished_at, st.paired" \
	" FROM e, reporunner.step st WHERE st.execution_id = $1 AND st.owner = $4" \
	" AND st.status IN ('succeeded', 'skipped')" \
	" AND ($3::timestamptz IS NULL OR st.started_at < $3))" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, $4, now() FROM e RETURNING execution_id"

/* A statement's rows unpacked: $2 the items of execution $1 (owner $3) */
#define SQL_UNPACKED_INPUT \
	"UPDATE reporunner.execution SET input = $2, input_rows = NULL" \
	" WHERE id = $1 AND owner = $3"

/*
 * The owner of execution $1, for the API calls given only its id: every
 * shard on Citus, once per call.
 */
#define SQL_OWNER_OF \
	"SELECT owner FROM reporunner.execution WHERE id = $1"

static SPIPlanPtr enqueue_once_plan = NULL;
static SPIPlanPtr unpacked_input_plan = NULL;
static SPIPlanPtr by_key_plan = NULL;
static SPIPlanPtr cancel_plan = NULL;
static SPIPlanPtr running_calls_plan = NULL;
static SPIPlanPtr parent_of_plan = NULL;
static SPIPlanPtr lock_parent_plan = NULL;
static SPIPlanPtr calls_left_plan = NULL;
static SPIPlanPtr owner_of_plan = NULL;
static SPIPlanPtr wake_parent_plan = NULL;
static SPIPlanPtr resume_plan = NULL;
static SPIPlanPtr retry_plan = NULL;

/*
 * start() without an idempotency key: its two rows, no statement; parent_id
 * and call_level as rr_journal_enqueue() found them
 */
static int64
enqueue_directly(const RrEnqueue *queued, int64 parent_id, int call_level)
{
	Datum		values[lengthof(queued_columns)];
	bool		isnull[lengthof(queued_columns)];
	Datum		queue_values[lengthof(queue_columns)];
	bool		queue_isnull[lengthof(queue_columns)] = {false};
	int64		id = rr_journal_new_id();

	memset(isnull, false, sizeof(isnull));
	values[0] = Int64GetDatum(id);
	values[1] = Int64GetDatum(queued->workflow_id);
	values[2] = Int32GetDatum(queued->version);
	values[3] = ObjectIdGetDatum(queued->owner);
	values[4] = CStringGetTextDatum("queued");
	values[5] = CStringGetTextDatum(queued->mode);
	values[6] = queued->input != NULL ? JsonbPGetDatum(queued->input) :
		DirectFunctionCall1(jsonb_in, CStringGetDatum("[]"));
	values[7] = ObjectIdGetDatum(queued->caller);
	values[8] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	values[9] = Int64GetDatum(queued->trigger_id);
	isnull[9] = queued->trigger_id == 0;
	values[10] = Int64GetDatum(parent_id);
	isnull[10] = parent_id == 0;
	values[11] = PointerGetDatum(queued->input_rows);
	isnull[11] = queued->input_rows == NULL;
	values[12] = Int32GetDatum(1);
	values[13] = Int16GetDatum(call_level);
	isnull[13] = call_level <= 1;
	rr_row_insert(&queued_target, values, isnull);

	queue_values[0] = Int64GetDatum(id);
	queue_values[1] = ObjectIdGetDatum(queued->owner);
	queue_values[2] = Int32GetDatum(queued->priority);
	queue_values[3] = TimestampTzGetDatum(queued->ready_at);
	rr_row_insert(&queue_target, queue_values, queue_isnull);
	return id;
}

int64
rr_journal_enqueue(const RrEnqueue *queued)
{
	Oid			argtypes[13] = {INT8OID, INT4OID, OIDOID, JSONBOID, TEXTOID,
		OIDOID, INT4OID, TIMESTAMPTZOID, TEXTOID, INT8OID, INT8OID,
	BYTEAOID, INT2OID};
	Datum		values[13];
	char		nulls[13];
	int			nestlevel;
	bool		isnull;
	int64		id;
	int64		parent_id;
	int			call_level;

	Assert((queued->input == NULL) != (queued->input_rows == NULL));
	parent_id = rr_check_queued_call_depth(queued->workflow_name, &call_level);
	if (queued->parent_id != 0)
		parent_id = queued->parent_id;
	rr_version_hold(queued->workflow_id, queued->version, true);
	if (queued->idempotency_key == NULL)
		return enqueue_directly(queued, parent_id, call_level);

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(queued->workflow_id);
	values[1] = Int32GetDatum(queued->version);
	values[2] = ObjectIdGetDatum(queued->owner);
	values[3] = PointerGetDatum(queued->input);
	nulls[3] = queued->input ? ' ' : 'n';
	values[4] = CStringGetTextDatum(queued->idempotency_key);
	values[5] = ObjectIdGetDatum(queued->caller);
	values[6] = Int32GetDatum(queued->priority);
	values[7] = TimestampTzGetDatum(queued->ready_at);
	values[8] = CStringGetTextDatum(queued->mode);
	values[9] = Int64GetDatum(queued->trigger_id);
	values[10] = Int64GetDatum(parent_id);
	values[11] = PointerGetDatum(queued->input_rows);
	nulls[11] = queued->input_rows ? ' ' : 'n';
	values[12] = Int16GetDatum(call_level);

	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&enqueue_once_plan, SQL_ENQUEUE_ONCE, 13,
							   argtypes, values, nulls,
							   SPI_OK_INSERT_RETURNING);
	if (SPI_processed != 1)
	{
		/* the key was used before: that execution */
		Oid			keytypes[3] = {INT8OID, TEXTOID, OIDOID};
		Datum		keyvalues[3];

		keyvalues[0] = values[0];
		keyvalues[1] = values[4];
		keyvalues[2] = values[2];
		rr_store_run_kept_as_owner(&by_key_plan, SQL_BY_KEY, 3, keytypes, keyvalues,
						   NULL, SPI_OK_SELECT);
		if (SPI_processed != 1)
			elog(ERROR, "execution with idempotency key \"%s\" not found",
				 queued->idempotency_key);
	}
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
									 SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	return id;
}

Oid
rr_journal_execution_owner(int64 execution)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	int			nestlevel;
	bool		isnull;
	Oid			owner = InvalidOid;

	values[0] = Int64GetDatum(execution);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&owner_of_plan, SQL_OWNER_OF, 1, argtypes,
							   values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 1)
		owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
											   SPI_tuptable->tupdesc, 1,
											   &isnull));
	rr_store_end(nestlevel);
	return owner;
}

static bool cancel_directly(int64 execution, Oid owner, bool *canceled,
							int32 *lease_pid);

/*
 * Cancel execution (of owner) and, when that did, the sub-workflows it
 * runs, theirs in turn; the processes running them are added to
 * *worker_pids.  Each is canceled by a statement of its own, locking its
 * queue row before its execution row, as every statement on both does.
 */
static bool
cancel_tree(int64 execution, Oid owner, List **worker_pids,
			MemoryContext caller)
{
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	int64	   *calls;
	Oid		   *call_owners;
	uint64		ncalls;
	uint64		i;
	int			nestlevel;
	bool		isnull;
	bool		canceled;
	int32		pid = 0;

	values[0] = Int64GetDatum(execution);
	values[1] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	if (!cancel_directly(execution, owner, &canceled, &pid))
	{
		rr_store_run_kept_as_owner(&cancel_plan, SQL_CANCEL, 2, argtypes,
								   values, NULL, SPI_OK_UPDATE_RETURNING);
		canceled = SPI_processed == 1;
		if (canceled)
		{
			Datum		lease_owner = SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1,
													&isnull);

			pid = isnull ? 0 : DatumGetInt32(lease_owner);
		}
	}
	if (!canceled)
	{
		rr_store_end(nestlevel);
		return false;
	}
	if (pid != 0)
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		*worker_pids = lappend_int(*worker_pids, pid);
		MemoryContextSwitchTo(old);
	}
	rr_store_run_kept_as_owner(&running_calls_plan, SQL_RUNNING_CALLS, 1,
							   argtypes, values, NULL, SPI_OK_SELECT);
	ncalls = SPI_processed;
	calls = MemoryContextAlloc(caller, sizeof(int64) * Max(ncalls, 1));
	call_owners = MemoryContextAlloc(caller, sizeof(Oid) * Max(ncalls, 1));
	for (i = 0; i < ncalls; i++)
	{
		calls[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
											   SPI_tuptable->tupdesc, 1,
											   &isnull));
		call_owners[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
														SPI_tuptable->tupdesc,
														2, &isnull));
	}
	rr_store_end(nestlevel);

	rr_notify_execution(execution);
	for (i = 0; i < ncalls; i++)
	{
		check_stack_depth();
		(void) cancel_tree(calls[i], call_owners[i], worker_pids, caller);
	}
	return true;
}

void
rr_journal_unpacked_input(int64 execution, Oid owner, Jsonb *input)
{
	Oid			argtypes[3] = {INT8OID, JSONBOID, OIDOID};
	Datum		values[3];
	int			nestlevel;

	values[0] = Int64GetDatum(execution);
	values[1] = JsonbPGetDatum(input);
	values[2] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&unpacked_input_plan, SQL_UNPACKED_INPUT, 3, argtypes,
					  values, NULL, SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

bool
rr_journal_cancel(int64 execution, Oid owner, List **worker_pids,
				  bool *woke_parent)
{
	bool		canceled;

	*worker_pids = NIL;
	canceled = cancel_tree(execution, owner, worker_pids, CurrentMemoryContext);

	/* a sub-workflow canceled on its own fails the node that waits for it */
	*woke_parent = canceled && rr_journal_wake_parent(execution, owner);
	return canceled;
}

bool
rr_journal_wake_parent(int64 child, Oid owner)
{
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	Datum		parent[2];
	int			nestlevel;
	bool		isnull;
	bool		woke = false;

	values[0] = Int64GetDatum(child);
	values[1] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&parent_of_plan, SQL_PARENT_OF, 2, argtypes,
							   values, NULL, SPI_OK_SELECT);
	if (SPI_processed != 1)
	{
		rr_store_end(nestlevel);
		return false;
	}
	parent[0] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
							  &isnull);
	parent[1] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
							  &isnull);
	rr_store_run_kept_as_owner(&lock_parent_plan, SQL_LOCK_WAITING_PARENT, 2,
							   argtypes, parent, NULL, SPI_OK_SELECT);
	if (SPI_processed == 1)
	{
		values[0] = parent[0];
		rr_store_run_kept_as_owner(&calls_left_plan, SQL_CALLS_LEFT, 2,
								   argtypes, values, NULL, SPI_OK_SELECT);
		if (SPI_processed == 0)
		{
			rr_store_run_kept_as_owner(&wake_parent_plan, SQL_WAKE_PARENT, 2,
									   argtypes, parent, NULL,
									   SPI_OK_INSERT_RETURNING);
			woke = SPI_processed == 1;
		}
	}
	rr_store_end(nestlevel);
	return woke;
}

bool
rr_journal_resume(int64 execution, Oid owner, Jsonb *payload)
{
	Oid			argtypes[3] = {INT8OID, JSONBOID, OIDOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	int			nestlevel;
	bool		resumed;

	values[0] = Int64GetDatum(execution);
	values[1] = payload ? JsonbPGetDatum(payload) : (Datum) 0;
	nulls[1] = payload ? ' ' : 'n';
	values[2] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&resume_plan, SQL_RESUME, 3, argtypes, values, nulls,
							   SPI_OK_INSERT_RETURNING);
	resumed = SPI_processed == 1;
	rr_store_end(nestlevel);
	return resumed;
}

int64
rr_journal_retry(int64 execution, Oid owner, int64 workflow_id, int32 version,
				 const char *workflow, Oid caller, TimestampTz from_node_start)
{
	Oid			argtypes[5] = {INT8OID, OIDOID, TIMESTAMPTZOID, OIDOID, INT2OID};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	int			level;
	int			nestlevel;
	bool		isnull;
	int64		retried;

	values[0] = Int64GetDatum(execution);
	values[1] = ObjectIdGetDatum(caller);
	values[2] = TimestampTzGetDatum(from_node_start);
	nulls[2] = from_node_start != 0 ? ' ' : 'n';
	values[3] = ObjectIdGetDatum(owner);
	/* its parent is the failed execution, whatever queues it */
	(void) rr_check_queued_call_depth(workflow, &level);
	values[4] = Int16GetDatum(level);
	rr_version_hold(workflow_id, version, true);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&retry_plan, SQL_RETRY, 5, argtypes, values, nulls,
							   SPI_OK_INSERT_RETURNING);
	retried = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	return retried;
}


/* ---------- A failed execute(), apart (src/engine/failed_call.c) ---------- */

/*
 * The record $1 of a failed execute(): {"execution": {...}, "steps":
 * [...]}, written in the failed-call worker's own transaction; $2 the
 * steps, compressed.
 */
#define SQL_FAILED_CALL \
	"WITH x AS (SELECT $1::jsonb -> 'execution' AS x)" \
	" INSERT INTO reporunner.execution (id, workflow_id, version, owner," \
	" status, mode, input, error, created_by, created_at, started_at," \
	" finished_at, steps, trigger_id, parent_id)" \
	" SELECT (x ->> 'id')::int8, (x ->> 'workflow_id')::int8," \
	" (x ->> 'version')::int4, (x ->> 'owner')::oid, 'failed', x ->> 'mode'," \
	" x -> 'input', x -> 'error', (x ->> 'created_by')::oid," \
	" (x ->> 'started_at')::timestamptz, (x ->> 'started_at')::timestamptz," \
	" pg_catalog.clock_timestamp(), $2, (x ->> 'trigger_id')::int8," \
	" (x ->> 'parent_id')::int8 FROM x"

static SPIPlanPtr failed_call_plan = NULL;

void
rr_journal_write_failed_call(Jsonb *record, int64 workflow_id, int32 version)
{
	Oid			argtypes[2] = {JSONBOID, JSONOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	Jsonb	   *steps;
	StringInfoData text;
	int			nestlevel;

	steps = DatumGetJsonbP(DirectFunctionCall2(jsonb_object_field,
											   JsonbPGetDatum(record),
											   CStringGetTextDatum("steps")));
	initStringInfo(&text);
	rr_jsonb_append_text(&text, steps);
	values[0] = JsonbPGetDatum(record);
	values[1] = compressed_steps(cstring_to_text_with_len(text.data, text.len));
	rr_version_hold(workflow_id, version, false);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&failed_call_plan, SQL_FAILED_CALL, 2,
							   argtypes, values, nulls, SPI_OK_INSERT);
	rr_store_end(nestlevel);
}

/* ---------- Durable runs (src/engine/durable_run.c) ---------- */

/*
 * Steps of the execution $1 (owner $2), from one array per column
 * ($3..$9); a retried node's row was written before, by its last attempt.
 */
#define SQL_SAVE_STEPS \
	"INSERT INTO reporunner.step_journal AS t (execution_id, node, run_index," \
	" owner, attempt, status, output, error, started_at, finished_at, paired)" \
	" SELECT $1, s.node, s.run_index, $2, s.attempt, s.status, s.output," \
	" s.error, s.started_at, s.finished_at, s.paired" \
	" FROM " STEP_ROWS("$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11") \
	" ON CONFLICT ON CONSTRAINT step_journal_pkey DO UPDATE SET" \
	" attempt = EXCLUDED.attempt, status = EXCLUDED.status," \
	" output = EXCLUDED.output, error = EXCLUDED.error, paired = EXCLUDED.paired," \
	" started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at," \
	" retry_at = NULL"
#define SAVE_STEPS_ARGS			(2 + STEP_ARRAYS)

/*
 * The first commit of a run: the execution ($1, owner $4) is running ($3:
 * when it started), leased by this process ($2, for cancel()), and out of
 * the claims' way (ready_at infinity) until it waits, ends or is requeued.
 */
#define SQL_START_RUNNING \
	"WITH q AS (UPDATE reporunner.queue SET lease_owner = $2," \
	" ready_at = 'infinity'" \
	" WHERE execution_id = $1 AND owner = $4 RETURNING execution_id)" \
	" UPDATE reporunner.execution SET status = 'running'," \
	" started_at = coalesce(started_at, $3) WHERE id = $1 AND owner = $4" \
	RR_SQL_AFTER_QUEUE_ROW("q")

/*
 * The end of a run: $1 execution, $2 status, $3 output, $4 error, $5
 * started, $6 finished, $7 its steps (NULL: they are journaled rows), $8
 * its owner, out of the queue.  A canceled execution stays canceled.
 */
#define SQL_FINISH \
	"WITH done AS (DELETE FROM reporunner.queue WHERE execution_id = $1" \
	" AND owner = $8 RETURNING execution_id)" \
	" UPDATE reporunner.execution SET status = $2, output = $3, error = $4," \
	" started_at = coalesce(started_at, $5), finished_at = $6, steps = $7" \
	" WHERE id = $1 AND owner = $8 AND status <> 'canceled'" RR_SQL_AFTER_QUEUE_ROW("done")

/*
 * A node pauses the execution: $1 execution, $2 node, $3 owner, $4 its
 * kept input as outputs, $5 started, $6 wake time (NULL: until resume()),
 * $7 when the execution started, $8 the node's attempt.
 */
#define SUSPENDED_STEP \
	"INSERT INTO reporunner.step_journal AS s (execution_id, node," \
	" run_index, owner, attempt, status, output, started_at, retry_at)" \
	" VALUES ($1, $2, $9, $3, $8, 'waiting', $4, $5, $6)" \
	" ON CONFLICT ON CONSTRAINT step_journal_pkey DO UPDATE SET" \
	" attempt = EXCLUDED.attempt, status = 'waiting'," \
	" output = EXCLUDED.output, paired = NULL, retry_at = EXCLUDED.retry_at"
#define SQL_SUSPEND \
	"WITH s AS (" SUSPENDED_STEP ")," \
	" q AS (DELETE FROM reporunner.queue WHERE execution_id = $1" \
	" AND owner = $3 RETURNING execution_id)" \
	" UPDATE reporunner.execution SET status = 'waiting', wake_at = $6," \
	" started_at = coalesce(started_at, $7)" \
	" WHERE id = $1 AND owner = $3 AND status <> 'canceled'" RR_SQL_AFTER_QUEUE_ROW("q")
/* The paused step alone, with SQL_SUSPEND's parameters */
#define SQL_SUSPENDED_STEP SUSPENDED_STEP

/*
 * A failed attempt that will be retried: $1 execution, $2 node, $3 owner,
 * $4 attempt, $5 error, $6 started, $7 retry at, $8 when the execution
 * started.  The attempt is added to the step's history.
 */
#define RETRYING_STEP \
	"INSERT INTO reporunner.step_journal AS s (execution_id, node," \
	" run_index, owner, attempt, status, error, started_at, finished_at," \
	" retry_at, attempts)" \
	" VALUES ($1, $2, $9, $3, $4, 'retrying', $5, $6, now(), $7," \
	" pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('attempt', $4," \
	" 'error', $5, 'failed_at', pg_catalog.now(), 'retry_at', $7)))" \
	" ON CONFLICT ON CONSTRAINT step_journal_pkey DO UPDATE SET" \
	" attempt = EXCLUDED.attempt, status = 'retrying', error = EXCLUDED.error," \
	" started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at," \
	" retry_at = EXCLUDED.retry_at," \
	" attempts = coalesce(s.attempts, '[]') || EXCLUDED.attempts"
#define SQL_RETRY_LATER \
	"WITH s AS (" RETRYING_STEP ")," \
	" q AS (UPDATE reporunner.queue SET ready_at = $7, lease_owner = NULL" \
	" WHERE execution_id = $1 AND owner = $3 RETURNING execution_id)" \
	" UPDATE reporunner.execution SET status = 'queued', wake_at = $7," \
	" started_at = coalesce(started_at, $8) WHERE id = $1 AND owner = $3" \
	" AND status <> 'canceled'" RR_SQL_AFTER_QUEUE_ROW("q")
/* The failed attempt's step alone, with SQL_RETRY_LATER's parameters */
#define SQL_RETRYING_STEP RETRYING_STEP

/*
 * An interrupted execution ($1, started $2, owner $3) goes back into the
 * queue
 */
#define SQL_REQUEUE \
	"WITH q AS (UPDATE reporunner.queue SET lease_owner = NULL," \
	" ready_at = now() WHERE execution_id = $1 AND owner = $3" \
	" RETURNING execution_id)" \
	" UPDATE reporunner.execution SET started_at = coalesce(started_at, $2)" \
	" WHERE id = $1 AND owner = $3" RR_SQL_AFTER_QUEUE_ROW("q")

/*
 * The lease of a worker that died ($2, on execution $1 of owner $3) is
 * given up, unless another transaction has the queue row locked.
 */
#define SQL_FREE_LEASE \
	"UPDATE reporunner.queue SET lease_owner = NULL, ready_at = now()" \
	" WHERE execution_id = (SELECT execution_id FROM reporunner.queue" \
	" WHERE execution_id = $1 AND owner = $3 FOR NO KEY UPDATE SKIP LOCKED)" \
	" AND lease_owner = $2 AND owner = $3"

/*
 * An execution whose workflow has all its settings.concurrency slots
 * taken steps out of the way of the claims for a while ($2: until when),
 * so that it does not hold up the executions behind it.  It gives up its
 * lease, if it had one already (durable_run.c leases an execution before
 * building its plan): a lease kept while nobody runs the execution would
 * count against its owner's share of the workers.
 */
#define SQL_HOLD_BACK \
	"UPDATE reporunner.queue SET ready_at = $2, lease_owner = NULL" \
	" WHERE execution_id = $1 AND owner = $3"

/*
 * The error workflow of a failed execution, if its owner has one by that
 * name: $1 owner, $2 name; then its execution: $1 owner, $2 the workflow,
 * $3 its active version, $4 input, $5 the failed execution.
 */
#define SQL_ERROR_WORKFLOW \
	"SELECT id, active_version FROM reporunner.workflow" \
	" WHERE owner = $1 AND name = $2 AND active_version IS NOT NULL"
#define SQL_START_ERROR_WORKFLOW \
	"WITH e AS (INSERT INTO reporunner.execution (workflow_id, version," \
	" owner, status, mode, input, parent_id, created_by, call_level)" \
	" VALUES ($2, $3, $1, 'queued', 'error', $4, $5, $1, $6) RETURNING id)" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, $1, now() FROM e"

/*
 * Owner $1's waiting executions whose time has come go back into the
 * queue; not one whose row another transaction holds (a tenant's
 * cancel() or DELETE left open), which every claim would wait for:
 * queue.c looks again a second later.
 */
#define SQL_WAKE_DUE \
	"WITH due AS (UPDATE reporunner.execution SET status = 'queued'" \
	" WHERE owner = $1 AND status = 'waiting' AND id IN (SELECT id" \
	" FROM reporunner.execution WHERE owner = $1 AND status = 'waiting'" \
	" AND wake_at <= now() FOR NO KEY UPDATE SKIP LOCKED)" \
	" RETURNING id)" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, $1, now() FROM due ON CONFLICT DO NOTHING"

/*
 * The owners with waiting executions whose time has come: every shard on
 * Citus, and no lock (rr_journal_wake_due wakes each owner's in a
 * statement of its own, on its shard).
 */
#define SQL_DUE_OWNERS \
	"SELECT DISTINCT owner FROM reporunner.execution" \
	" WHERE status = 'waiting' AND wake_at <= now()"

/* retention: a batch of executions finished more than $1 seconds ago */
#define SQL_PRUNE \
	"DELETE FROM reporunner.execution WHERE id IN (SELECT id" \
	" FROM reporunner.execution WHERE " RR_SQL_PRUNABLE " LIMIT $2" \
	" FOR UPDATE SKIP LOCKED)"

/*
 * the same, of one owner ($3): on Citus a statement on that owner's shard,
 * run by local execution on the node that holds it
 */
#define SQL_PRUNE_OWNER \
	"DELETE FROM reporunner.execution WHERE owner = $3 AND id IN (SELECT id" \
	" FROM reporunner.execution WHERE owner = $3" \
	" AND " RR_SQL_PRUNABLE " LIMIT $2)"

static SPIPlanPtr save_steps_plan = NULL;
static SPIPlanPtr start_running_plan = NULL;
static SPIPlanPtr finish_plan = NULL;
static SPIPlanPtr suspend_plan = NULL;
static SPIPlanPtr suspended_step_plan = NULL;
static SPIPlanPtr retry_later_plan = NULL;
static SPIPlanPtr retrying_step_plan = NULL;
static SPIPlanPtr free_lease_plan = NULL;
static SPIPlanPtr requeue_plan = NULL;
static SPIPlanPtr hold_back_plan = NULL;
static SPIPlanPtr find_error_workflow_plan = NULL;
static SPIPlanPtr error_workflow_plan = NULL;
static SPIPlanPtr wake_due_plan = NULL;
static SPIPlanPtr due_owners_plan = NULL;
static SPIPlanPtr prune_plan = NULL;
static SPIPlanPtr prune_owner_plan = NULL;

/*
 * The rows a worker's run writes without statements (rr_row_direct()), as
 * SQL_START_RUNNING, SQL_FINISH, SQL_REQUEUE and SQL_HOLD_BACK do: each
 * target's first column is the row's owner, the others those the
 * statement sets.
 */
static const char *const owner_column[] = {"owner"};
static RrRowTarget finished_queue_target = RR_ROW_TARGET("queue", owner_column);
static const char *const lease_columns[] = {"owner", "lease_owner", "ready_at"};
static RrRowTarget lease_target = RR_ROW_TARGET("queue", lease_columns);
static const char *const running_columns[] = {"owner", "status", "started_at"};
static RrRowTarget running_target = RR_ROW_TARGET("execution", running_columns);
static const char *const started_columns[] = {"owner", "started_at"};
static RrRowTarget started_target = RR_ROW_TARGET("execution", started_columns);
static const char *const finish_columns[] = {
	"owner", "status", "output", "error", "started_at", "finished_at", "steps"
};
static RrRowTarget finish_target = RR_ROW_TARGET("execution", finish_columns);
static const char *const canceled_columns[] = {"owner", "status", "finished_at"};
static RrRowTarget canceled_target = RR_ROW_TARGET("execution", canceled_columns);
static const char *const paused_columns[] = {
	"owner", "status", "wake_at", "started_at"
};
static RrRowTarget paused_target = RR_ROW_TARGET("execution", paused_columns);

/*
 * What owned_row_change() writes: values[i] and isnull[i] for column i of
 * its target (i >= 1, ncolumns in all), into the row of owner alone; the
 * column keep (if > 0) only when the row has none (coalesce); nothing into
 * a canceled execution when unless_canceled (column 1 is the status).
 */
typedef struct OwnedRowChange
{
	Oid			owner;
	int			ncolumns;
	int			keep;
	bool		unless_canceled;
	Datum		values[lengthof(finish_columns)];
	bool		isnull[lengthof(finish_columns)];
} OwnedRowChange;

/* An RrRowChange: whether the row is the owner's (arg, an Oid) */
static bool
row_of_owner(Datum *values, bool *isnull, void *arg)
{
	return !isnull[0] && DatumGetObjectId(values[0]) == *(Oid *) arg;
}

/* Whether a status (a text Datum) is name */
static bool
status_is(Datum status, const char *name)
{
	text	   *value = DatumGetTextPP(status);

	return VARSIZE_ANY_EXHDR(value) == strlen(name) &&
		memcmp(VARDATA_ANY(value), name, strlen(name)) == 0;
}

/* An RrRowChange that makes the change arg (an OwnedRowChange) */
static bool
owned_row_change(Datum *values, bool *isnull, void *arg)
{
	OwnedRowChange *change = arg;
	int			i;

	if (!row_of_owner(values, isnull, &change->owner) ||
		(change->unless_canceled && status_is(values[1], "canceled")))
		return false;
	for (i = 1; i < change->ncolumns; i++)
	{
		if (i == change->keep && !isnull[i])
			continue;
		values[i] = change->values[i];
		isnull[i] = change->isnull[i];
	}
	return true;
}

/* cancel()'s queue row: whose it must be, and the worker that leased it */
typedef struct CanceledQueueRow
{
	Oid			owner;
	int32		lease_owner;	/* 0: none */
} CanceledQueueRow;

/* An RrRowChange (lease_target): the owner's row, noting its lease */
static bool
note_lease(Datum *values, bool *isnull, void *arg)
{
	CanceledQueueRow *row = arg;

	if (!row_of_owner(values, isnull, &row->owner))
		return false;
	row->lease_owner = isnull[1] ? 0 : DatumGetInt32(values[1]);
	return true;
}

/*
 * An RrRowChange (canceled_target): the owner's (arg) execution, when it
 * has not ended, becomes canceled now
 */
static bool
cancel_change(Datum *values, bool *isnull, void *arg)
{
	if (!row_of_owner(values, isnull, arg) ||
		!(status_is(values[1], "queued") || status_is(values[1], "running") ||
		  status_is(values[1], "waiting")))
		return false;
	values[1] = CStringGetTextDatum("canceled");
	values[2] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	isnull[2] = false;
	return true;
}

/*
 * cancel() of execution (of owner) as SQL_CANCEL makes it, without the
 * statement, by primary key: planned on statistics of a short queue, the
 * statement read every queue row of the owner.  False, with nothing done,
 * where the tables take no such change, or in a transaction that reads
 * one snapshot (where an UPDATE of a row changed since it began fails;
 * the statement keeps that).  Else *canceled and the lease's *lease_pid.
 */
static bool
cancel_directly(int64 execution, Oid owner, bool *canceled, int32 *lease_pid)
{
	CanceledQueueRow queue_row = {.owner = owner};

	if (IsolationUsesXactSnapshot() ||
		!rr_row_direct(&lease_target, CMD_DELETE) ||
		!rr_row_direct(&canceled_target, CMD_UPDATE))
		return false;
	/* the queue row first, as a worker's claim locks them */
	(void) rr_row_delete(&lease_target, execution, note_lease, &queue_row);
	*canceled = rr_row_update(&canceled_target, execution, cancel_change,
							  &owner);
	*lease_pid = *canceled ? queue_row.lease_owner : 0;
	return true;
}

void
rr_journal_save_steps(int64 execution, Oid owner, List *steps)
{
	Oid			argtypes[SAVE_STEPS_ARGS] = {INT8OID, OIDOID};
	Datum		values[SAVE_STEPS_ARGS];
	int			nestlevel;

	if (steps == NIL)
		return;
	memcpy(&argtypes[2], step_array_types, sizeof(step_array_types));
	values[0] = Int64GetDatum(execution);
	values[1] = ObjectIdGetDatum(owner);
	step_arrays(steps, &values[2]);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&save_steps_plan, SQL_SAVE_STEPS, SAVE_STEPS_ARGS,
					  argtypes, values, NULL, SPI_OK_INSERT);
	rr_store_end(nestlevel);
}

void
rr_journal_start_running(int64 execution, Oid owner, TimestampTz started_at)
{
	Oid			argtypes[4] = {INT8OID, INT4OID, TIMESTAMPTZOID, OIDOID};
	Datum		values[4];
	int			nestlevel;

	if (rr_row_direct(&lease_target, CMD_UPDATE) &&
		rr_row_direct(&running_target, CMD_UPDATE))
	{
		OwnedRowChange lease = {.owner = owner,
		.ncolumns = lengthof(lease_columns)};
		OwnedRowChange running = {.owner = owner,
			.ncolumns = lengthof(running_columns),
		.keep = 2};				/* started_at = coalesce(started_at, $3) */
		TimestampTz out_of_the_way;

		TIMESTAMP_NOEND(out_of_the_way);
		lease.values[1] = Int32GetDatum(MyProcPid);
		lease.values[2] = TimestampTzGetDatum(out_of_the_way);
		running.values[1] = CStringGetTextDatum("running");
		running.values[2] = TimestampTzGetDatum(started_at);
		/* the queue row first, as a worker's claim locks them */
		(void) rr_row_update(&lease_target, execution, owned_row_change, &lease);
		(void) rr_row_update(&running_target, execution, owned_row_change,
							 &running);
		return;
	}
	values[0] = Int64GetDatum(execution);
	values[1] = Int32GetDatum(MyProcPid);
	values[2] = TimestampTzGetDatum(started_at);
	values[3] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&start_running_plan, SQL_START_RUNNING, 4, argtypes,
					  values, NULL, SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

bool
rr_journal_finish(int64 execution, Oid owner, List *steps,
				  bool steps_journaled, const char *status, Jsonb *output,
				  Jsonb *error, TimestampTz started_at)
{
	Oid			argtypes[8] = {INT8OID, TEXTOID, JSONBOID, JSONBOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID, JSONOID, OIDOID};
	Datum		values[8];
	char		nulls[8];
	OwnedRowChange end = {.owner = owner,
		.ncolumns = lengthof(finish_columns),
		.keep = 4,				/* started_at = coalesce(started_at, $5) */
	.unless_canceled = true};
	int			nestlevel;
	int			i;
	bool		finished;

	/* once an execution has journaled rows, all its steps are rows */
	if (steps_journaled)
		rr_journal_save_steps(execution, owner, steps);

	/* $1 .. $8 of SQL_FINISH, and $2 .. $7 as the end's columns 1 .. 6 */
	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(execution);
	values[1] = CStringGetTextDatum(status);
	values[2] = output ? JsonbPGetDatum(output) : (Datum) 0;
	nulls[2] = output ? ' ' : 'n';
	values[3] = error ? JsonbPGetDatum(error) : (Datum) 0;
	nulls[3] = error ? ' ' : 'n';
	values[4] = TimestampTzGetDatum(started_at);
	nulls[4] = started_at ? ' ' : 'n';
	values[5] = TimestampTzGetDatum(GetCurrentTimestamp());
	values[6] = steps_journaled ? (Datum) 0 :
		compressed_steps(rr_journal_steps_json(steps));
	nulls[6] = steps_journaled ? 'n' : ' ';
	values[7] = ObjectIdGetDatum(owner);

	if (rr_row_direct(&finished_queue_target, CMD_DELETE) &&
		rr_row_direct(&finish_target, CMD_UPDATE))
	{
		for (i = 1; i < lengthof(finish_columns); i++)
		{
			end.values[i] = values[i];
			end.isnull[i] = nulls[i] == 'n';
		}
		/* the queue row first, as a worker's claim locks them */
		(void) rr_row_delete(&finished_queue_target, execution, row_of_owner,
							 &owner);
		finished = rr_row_update(&finish_target, execution, owned_row_change,
								 &end);
	}
	else
	{
		nestlevel = rr_store_begin();
		rr_store_run_kept(&finish_plan, SQL_FINISH, 8, argtypes, values,
						  nulls, SPI_OK_UPDATE);
		finished = SPI_processed == 1;
		rr_store_end(nestlevel);
	}

	/* canceled meanwhile: cancel() has notified */
	if (finished)
		rr_notify_execution(execution);
	return finished;
}

/*
 * The execution's queue row, directly (lease_target): its lease given up,
 * ready at ready_at, as SQL_REQUEUE, SQL_HOLD_BACK and SQL_RETRY_LATER
 * set it.
 */
static void
give_up_lease(int64 execution, Oid owner, TimestampTz ready_at)
{
	OwnedRowChange lease = {.owner = owner,
		.ncolumns = lengthof(lease_columns),
	.isnull = {false, true, false}};	/* lease_owner = NULL */

	lease.values[2] = TimestampTzGetDatum(ready_at);
	(void) rr_row_update(&lease_target, execution, owned_row_change, &lease);
}

/*
 * The execution row of a run that pauses (status "waiting") or waits for
 * a retry ("queued") until wake_at, directly (paused_target), after its
 * queue row, as SQL_SUSPEND and SQL_RETRY_LATER set it: not when cancel()
 * has canceled it meanwhile.
 */
static void
pause_execution(const char *status, Datum wake_at, bool wake_never,
				int64 execution, Oid owner, TimestampTz started_at)
{
	OwnedRowChange paused = {.owner = owner,
		.ncolumns = lengthof(paused_columns),
		.keep = 3,				/* started_at = coalesce(started_at, $n) */
	.unless_canceled = true};

	paused.values[1] = CStringGetTextDatum(status);
	paused.values[2] = wake_at;
	paused.isnull[2] = wake_never;
	paused.values[3] = TimestampTzGetDatum(started_at);
	paused.isnull[3] = started_at == 0;
	(void) rr_row_update(&paused_target, execution, owned_row_change, &paused);
}

void
rr_journal_suspend(int64 execution, Oid owner, const RrStep *step,
				   TimestampTz started_at)
{
	Oid			argtypes[9] = {INT8OID, TEXTOID, OIDOID, JSONBOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID, INT4OID};
	Datum		values[9];
	char		nulls[9] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	int			nestlevel;

	values[0] = Int64GetDatum(execution);
	values[1] = CStringGetTextDatum(step->node->name);
	values[2] = ObjectIdGetDatum(owner);
	values[3] = JsonbPGetDatum(rr_step_outputs_jsonb(step));
	values[4] = TimestampTzGetDatum(step->started_at);
	values[5] = TimestampTzGetDatum(step->wake_at);
	if (TIMESTAMP_IS_NOEND(step->wake_at))
		nulls[5] = 'n';
	values[6] = TimestampTzGetDatum(started_at);
	values[7] = Int32GetDatum(step->attempt);
	values[8] = Int32GetDatum(step->run_index);
	nestlevel = rr_store_begin();
	if (rr_row_direct(&finished_queue_target, CMD_DELETE) &&
		rr_row_direct(&paused_target, CMD_UPDATE))
	{
		rr_store_run_kept(&suspended_step_plan, SQL_SUSPENDED_STEP, 9,
						  argtypes, values, nulls, SPI_OK_INSERT);
		(void) rr_row_delete(&finished_queue_target, execution, row_of_owner,
							 &owner);
		pause_execution("waiting", values[5], nulls[5] == 'n', execution,
						owner, started_at);
	}
	else
		rr_store_run_kept(&suspend_plan, SQL_SUSPEND, 9, argtypes, values,
						  nulls, SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

void
rr_journal_retry_later(int64 execution, const char *node, int run_index,
					   Oid owner, int attempt, Jsonb *error, int64 delay_ms,
					   TimestampTz started_at)
{
	Oid			argtypes[9] = {INT8OID, TEXTOID, OIDOID, INT4OID, JSONBOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID};
	Datum		values[9];
	char		nulls[9] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	TimestampTz now = GetCurrentTimestamp();
	int			nestlevel;

	values[0] = Int64GetDatum(execution);
	values[1] = CStringGetTextDatum(node);
	values[2] = ObjectIdGetDatum(owner);
	values[3] = Int32GetDatum(attempt);
	values[4] = JsonbPGetDatum(error);
	values[5] = TimestampTzGetDatum(now);
	values[6] = TimestampTzGetDatum(TimestampTzPlusMilliseconds(now, delay_ms));
	values[7] = TimestampTzGetDatum(started_at);
	nulls[7] = started_at ? ' ' : 'n';
	values[8] = Int32GetDatum(run_index);
	nestlevel = rr_store_begin();
	if (rr_row_direct(&lease_target, CMD_UPDATE) &&
		rr_row_direct(&paused_target, CMD_UPDATE))
	{
		rr_store_run_kept(&retrying_step_plan, SQL_RETRYING_STEP, 9, argtypes,
						  values, nulls, SPI_OK_INSERT);
		give_up_lease(execution, owner, DatumGetTimestampTz(values[6]));
		pause_execution("queued", values[6], false, execution, owner,
						started_at);
	}
	else
		rr_store_run_kept(&retry_later_plan, SQL_RETRY_LATER, 9, argtypes,
						  values, nulls, SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

void
rr_journal_requeue(int64 execution, Oid owner, TimestampTz started_at)
{
	Oid			argtypes[3] = {INT8OID, TIMESTAMPTZOID, OIDOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	int			nestlevel;

	if (rr_row_direct(&lease_target, CMD_UPDATE) &&
		rr_row_direct(&started_target, CMD_UPDATE))
	{
		OwnedRowChange started = {.owner = owner,
			.ncolumns = lengthof(started_columns),
		.keep = 1};				/* started_at = coalesce(started_at, $2) */

		started.values[1] = TimestampTzGetDatum(started_at);
		started.isnull[1] = started_at == 0;
		/* the queue row first (ready_at = now()), as a claim locks them */
		give_up_lease(execution, owner, GetCurrentTransactionStartTimestamp());
		(void) rr_row_update(&started_target, execution, owned_row_change,
							 &started);
		return;
	}
	values[0] = Int64GetDatum(execution);
	values[1] = TimestampTzGetDatum(started_at);
	nulls[1] = started_at ? ' ' : 'n';
	values[2] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&requeue_plan, SQL_REQUEUE, 3, argtypes, values, nulls,
					  SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

/* A worker's lease on a queue row, for dead_lease() */
typedef struct LeaseOfOwner
{
	Oid			owner;
	int32		pid;
} LeaseOfOwner;

/* An RrRowChange (lease_target): the lease is arg's, and is given up now */
static bool
dead_lease(Datum *values, bool *isnull, void *arg)
{
	LeaseOfOwner *lease = arg;

	if (!row_of_owner(values, isnull, &lease->owner) || isnull[1] ||
		DatumGetInt32(values[1]) != lease->pid)
		return false;
	isnull[1] = true;
	values[2] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	return true;
}

/*
 * Run a kept UPDATE of a queue row by a statement (SQL_FREE_LEASE,
 * SQL_HOLD_BACK): $1 the execution, $2 value (of type type), $3 the
 * owner.  Returns the number of rows updated.
 */
static uint64
update_queue_row(SPIPlanPtr *plan, const char *sql, int64 execution,
				 Oid type, Datum value, Oid owner)
{
	Oid			argtypes[3] = {INT8OID, type, OIDOID};
	Datum		values[3];
	int			nestlevel;
	uint64		updated;

	values[0] = Int64GetDatum(execution);
	values[1] = value;
	values[2] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept(plan, sql, 3, argtypes, values, NULL, SPI_OK_UPDATE);
	updated = SPI_processed;
	rr_store_end(nestlevel);
	return updated;
}

bool
rr_journal_free_lease(int64 execution, Oid owner, int32 pid)
{
	LeaseOfOwner lease = {.owner = owner,.pid = pid};

	if (rr_row_direct(&lease_target, CMD_UPDATE))
		return rr_row_update_unless_locked(&lease_target, execution,
										   dead_lease, &lease);
	return update_queue_row(&free_lease_plan, SQL_FREE_LEASE, execution,
							INT4OID, Int32GetDatum(pid), owner) == 1;
}

void
rr_journal_hold_back(int64 execution, Oid owner, TimestampTz until)
{
	if (rr_row_direct(&lease_target, CMD_UPDATE))
		give_up_lease(execution, owner, until);
	else
		(void) update_queue_row(&hold_back_plan, SQL_HOLD_BACK, execution,
								TIMESTAMPTZOID, TimestampTzGetDatum(until),
								owner);
}

bool
rr_journal_start_error_workflow(Oid owner, const char *workflow,
								Jsonb *input, int64 failed, int failed_level)
{
	Oid			find_types[2] = {OIDOID, TEXTOID};
	Oid			argtypes[6] = {OIDOID, INT8OID, INT4OID, JSONBOID, INT8OID,
	INT2OID};
	Datum		values[6];
	int			nestlevel;
	bool		isnull;
	bool		found;

	values[0] = ObjectIdGetDatum(owner);
	values[1] = CStringGetTextDatum(workflow);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&find_error_workflow_plan, SQL_ERROR_WORKFLOW, 2,
					  find_types, values, NULL, SPI_OK_SELECT);
	found = SPI_processed == 1;
	if (found)
	{
		values[1] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
								  1, &isnull);
		values[2] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
								  2, &isnull);
		values[3] = JsonbPGetDatum(input);
		values[4] = Int64GetDatum(failed);
		values[5] = Int16GetDatum(rr_error_workflow_level(failed_level));
		rr_version_hold(DatumGetInt64(values[1]), DatumGetInt32(values[2]),
						true);
		rr_store_run_kept(&error_workflow_plan, SQL_START_ERROR_WORKFLOW, 6,
						  argtypes, values, NULL, SPI_OK_INSERT);
	}
	rr_store_end(nestlevel);
	return found;
}

void
rr_journal_wake_due_owner(Oid owner)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	int			nestlevel;

	values[0] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&wake_due_plan, SQL_WAKE_DUE, 1, argtypes, values, NULL,
					  SPI_OK_INSERT);
	rr_store_end(nestlevel);
}

void
rr_journal_wake_due(void)
{
	Oid		   *owners;
	uint64		nowners;
	uint64		i;
	int			nestlevel;
	bool		isnull;

	nestlevel = rr_store_begin();
	rr_store_run_kept(&due_owners_plan, SQL_DUE_OWNERS, 0, NULL, NULL, NULL,
					  SPI_OK_SELECT);
	nowners = SPI_processed;
	owners = palloc(sizeof(Oid) * Max(nowners, 1));
	for (i = 0; i < nowners; i++)
		owners[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
												   SPI_tuptable->tupdesc, 1,
												   &isnull));
	for (i = 0; i < nowners; i++)
		rr_journal_wake_due_owner(owners[i]);
	rr_store_end(nestlevel);
}

/* One batch of prune_executions(): of owner only, unless InvalidOid */
static int64
prune_batch(Oid owner, int64 older_than_seconds, int limit)
{
	Oid			argtypes[3] = {INT8OID, INT4OID, OIDOID};
	Datum		values[3];
	int			nestlevel;
	int64		pruned;

	values[0] = Int64GetDatum(older_than_seconds);
	values[1] = Int32GetDatum(limit);
	values[2] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	if (OidIsValid(owner))
		rr_store_run_kept_as_owner(&prune_owner_plan, SQL_PRUNE_OWNER, 3,
								   argtypes, values, NULL, SPI_OK_DELETE);
	else
		rr_store_run_kept_as_owner(&prune_plan, SQL_PRUNE, 2, argtypes,
								   values, NULL, SPI_OK_DELETE);
	pruned = (int64) SPI_processed;
	rr_store_end(nestlevel);
	return pruned;
}

int64
rr_prune_executions(int64 older_than_seconds, int limit)
{
	return prune_batch(InvalidOid, older_than_seconds, limit);
}

int64
rr_prune_executions_owner(Oid owner, int64 older_than_seconds, int limit)
{
	Assert(OidIsValid(owner));
	return prune_batch(owner, older_than_seconds, limit);
}

void
rr_journal_forget_plans(void)
{
	SPIPlanPtr *const plans[] = {
		&save_steps_plan, &start_running_plan,
		&finish_plan, &suspend_plan, &suspended_step_plan, &retry_later_plan,
		&retrying_step_plan, &free_lease_plan, &requeue_plan,
		&hold_back_plan,
		&find_error_workflow_plan, &error_workflow_plan, &wake_due_plan,
		&due_owners_plan, &prune_plan, &prune_owner_plan,
		&enqueue_once_plan, &by_key_plan, &unpacked_input_plan,
		&cancel_plan, &running_calls_plan, &parent_of_plan, &lock_parent_plan,
		&calls_left_plan, &wake_parent_plan, &owner_of_plan, &resume_plan,
		&retry_plan
	};
	int			i;

	for (i = 0; i < lengthof(plans); i++)
	{
		if (*plans[i] == NULL)
			continue;
		SPI_freeplan(*plans[i]);
		*plans[i] = NULL;
	}
}

/*
 * A model call of an ai_agent node (src/nodes/ai_agent.c): $1 execution,
 * $2 node, $3 the node's attempt, $4 item, $5 turn, $6 owner, $7 the
 * model's message, $8 its usage.  Not kept: one per model call.
 */
#define SQL_AGENT_TURN \
	"INSERT INTO reporunner.agent_turn (execution_id, node, run_index," \
	" attempt, item, turn, owner, message, usage)" \
	" VALUES ($1, $2, $9, $3, $4, $5, $6, $7, $8)"

void
rr_journal_agent_turn(int64 execution, const char *node, int run_index,
					  int attempt, int item, int turn, Oid owner,
					  Jsonb *message, Jsonb *usage)
{
	Oid			argtypes[9] = {INT8OID, TEXTOID, INT4OID, INT4OID, INT4OID,
	OIDOID, JSONBOID, JSONBOID, INT4OID};
	Datum		values[9];
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;

	values[0] = Int64GetDatum(execution);
	values[1] = CStringGetTextDatum(node);
	values[2] = Int32GetDatum(attempt);
	values[3] = Int32GetDatum(item);
	values[4] = Int32GetDatum(turn);
	values[5] = ObjectIdGetDatum(owner);
	values[6] = JsonbPGetDatum(message);
	values[7] = JsonbPGetDatum(usage);
	values[8] = Int32GetDatum(run_index);
	nestlevel = rr_store_begin();
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run(SQL_AGENT_TURN, 9, argtypes, values, SPI_OK_INSERT);
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);
}

/*
 * The queue rows of workflow $1's executions (owner $2), deleted before the
 * workflow: its deletion then locks queue rows before execution rows, as a
 * worker does (RR_SQL_AFTER_QUEUE_ROW).  Left to the cascade from the
 * workflow, it would lock an execution row first and its queue row after,
 * and could deadlock with a worker running that execution.
 */
#define SQL_FORGET_QUEUED \
	"DELETE FROM reporunner.queue q USING reporunner.execution e" \
	" WHERE q.execution_id = e.id AND e.workflow_id = $1" \
	" AND e.owner = $2 AND q.owner = $2"

static SPIPlanPtr forget_queued_plan = NULL;

void
rr_journal_forget_queued(int64 workflow_id, Oid owner)
{
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	int			nestlevel;

	values[0] = Int64GetDatum(workflow_id);
	values[1] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&forget_queued_plan, SQL_FORGET_QUEUED, 2,
							   argtypes, values, NULL, SPI_OK_DELETE);
	rr_store_end(nestlevel);
}
