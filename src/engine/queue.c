/*-------------------------------------------------------------------------
 *
 * queue.c
 *		A background worker's queue: claiming executions, leases and
 *		housekeeping.
 *
 * A worker claims a batch of runnable executions from reporunner.queue,
 * serving owners in turn (FOR UPDATE SKIP LOCKED, then a session-level
 * lock on each execution that outlives the claiming transaction and
 * vanishes with the process), and hands them one after the other to
 * src/engine/durable_run.c, which runs each durably in the claiming
 * transaction and commits it as its nodes require (rr_batch_commit).
 * Between batches it wakes waiting executions whose time has come, frees
 * the leases of workers that died, prunes old executions and drops its
 * kept plans now and then.  No transaction stays open while waiting for
 * more work.  Every row of reporunner.execution and reporunner.step is
 * written by src/engine/journal.c.
 *
 * On Citus, a worker claims only the executions of its own node, owner by
 * owner (SQL_CLAIM_OWNER; the node's owners from src/engine/local_queue.c),
 * and looks again every RR_CITUS_POLL_MS, since executions queued on
 * another node wake nobody here.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "document/document.h"
#include "engine/batch.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "engine/local_queue.h"
#include "engine/retry_policy.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "reporunner.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "worker/slots.h"
#include "worker/worker.h"

/* field4 of our advisory lock tags; SQL's advisory locks use 1 and 2 */
#define RR_LOCKTAG_EXECUTION	3
#define RR_LOCKTAG_WORKFLOW_SLOT 4
#define RR_LOCKTAG_OWNER_SLOT	5

/* Queue rows claimed at once, and run in one transaction when pure */
#define RR_CLAIM_BATCH			8

/*
 * Queue rows claimed at once after a full batch that ran to its end in the
 * transaction that claimed it (its executions' nodes were all pure, and
 * quick): one claim and one commit then serve four times as many of them.
 * A batch whose members need commits of their own goes back to
 * RR_CLAIM_BATCH: the members after such a one go back to the queue.
 */
#define RR_CLAIM_BATCH_PURE		32

/*
 * Queue rows claimed at once after a batch whose executions parked at
 * http nodes (src/engine/rounds.c): their requests go out together, so
 * larger batches share the two commits among more executions.  Few
 * enough that each member's subtransaction keeps its id in the process's
 * cache (64).
 */
#define RR_CLAIM_BATCH_PARKING	32


/*
 * Candidates a claim considers from the head of the queue: eight per
 * execution it takes, so that workers claiming at the same time each find
 * enough that the others have not locked.
 */
#define RR_CLAIM_CANDIDATES		64
#define RR_CLAIM_CANDIDATES_PURE	256

/*
 * Ready rows of one priority the second part of a claim reads at most, to
 * find its candidates among (twice as many): the rows of owners at their
 * reporunner.max_workers_per_owner are passed over in them, and were read
 * to the end of the queue before (every ready execution of a busy owner,
 * at every claim of a free worker).  The first part still finds every
 * other owner's head.
 */
#define RR_CLAIM_WINDOW			128
#define RR_CLAIM_WINDOW_PURE	512

/*
 * When a claim whose every candidate was locked by someone else looks
 * again, in milliseconds
 */
#define RR_CLAIM_RETRY_MS		100

/* Owners a claim visits at most, taking the head of each one's queue */
#define RR_CLAIM_OWNER_WALK		32

/*
 * A recursive CTE, name (priority): the distinct priorities of the queue's
 * rows that meet condition ("", or more conditions on q starting with
 * AND), highest first, each found by one probe down an index, then a null.
 */
#define SQL_PRIORITIES(name, condition) \
	name " (priority) AS (" \
	" (SELECT q.priority FROM reporunner.queue q WHERE true" condition \
	" ORDER BY q.priority DESC LIMIT 1)" \
	" UNION ALL SELECT (SELECT q.priority FROM reporunner.queue q" \
	" WHERE q.priority < p.priority" condition \
	" ORDER BY q.priority DESC LIMIT 1)" \
	" FROM " name " p WHERE p.priority IS NOT NULL)"

/*
 * The candidates of a claim: runnable executions (ready_at passed; those
 * a worker runs have ready_at infinity), owners served in turn, so that
 * no tenant's backlog or priorities hold up another's.  First the head
 * (highest priority, then oldest) of each owner's ready executions,
 * visiting the owners upward from $1, then the queue's own head in that
 * order, to fill the batch; k says which (below 1000: a head, in the
 * order of the owners).  There are more candidates than a batch takes
 * (candidates): workers claiming at the same time skip each other's.  An
 * owner running $2 executions already (its leased rows) gets none; the
 * queue's head is read in a window (window rows per priority), not to the
 * end in search of rows of owners that are not.
 *
 * Ready rows are read one priority at a time, the priorities walked down
 * the index (priorities, owner_priorities): within one priority an
 * index's ready_at bounds the scan, which then stops at now().  Read in
 * (priority, ready_at) order across priorities, as before, it went on
 * through every delayed and leased row whenever fewer rows were ready than
 * it wanted, which is every claim of a trickle: 20,000 index entries read
 * per execution with 20,000 delayed ones queued.  The owners are walked
 * with ORDER BY ... LIMIT 1, not min(): on statistics that see a short
 * queue the planner computed min(owner) by reading every entry of
 * queue_owner_idx, at every claim.  Every part reads an
 * index in its order with a LIMIT (queue_owner_idx, queue_ready_idx,
 * queue_leased_idx): the plan is made once, often on a
 * near-empty queue, and must still do so when the queue is long; so the
 * limits are constants (a parameter's would be taken for a tenth of the
 * table, and could make a sort of all of it the cheaper plan), and the
 * statement is planned with sequential scans and sorts priced out
 * (rr_store_run_kept_indexed): stale statistics made it read and sort the
 * whole queue at every claim all the same.
 */
#define SQL_CLAIM_CANDIDATES(candidates, window) \
	"WITH RECURSIVE owners (owner, n) AS (" \
	" (SELECT owner, 1 FROM reporunner.queue WHERE owner > $1" \
	" ORDER BY owner LIMIT 1)" \
	" UNION ALL SELECT (SELECT q.owner FROM reporunner.queue q" \
	" WHERE q.owner > o.owner ORDER BY q.owner LIMIT 1), o.n + 1 FROM owners o" \
	" WHERE o.owner IS NOT NULL AND o.n < " CppAsString2(RR_CLAIM_OWNER_WALK) ")," \
	" busy AS (SELECT owner FROM (SELECT owner FROM reporunner.queue" \
	" WHERE lease_owner IS NOT NULL ORDER BY owner LIMIT 10000) l" \
	" GROUP BY owner HAVING count(*) >= $2)," \
	" " SQL_PRIORITIES("priorities", "") "," \
	" heads AS (SELECT h.execution_id, o.owner, o.n AS k FROM owners o," \
	" LATERAL (WITH RECURSIVE" \
	" " SQL_PRIORITIES("owner_priorities", " AND q.owner = o.owner") \
	" SELECT f.execution_id FROM owner_priorities op," \
	" LATERAL (SELECT q.execution_id, q.ready_at FROM reporunner.queue q" \
	" WHERE q.owner = o.owner AND q.priority = op.priority" \
	" AND q.ready_at <= now() ORDER BY q.ready_at LIMIT 1) f" \
	" ORDER BY op.priority DESC, f.ready_at LIMIT 1) h" \
	" WHERE o.owner NOT IN (SELECT owner FROM busy)" \
	" LIMIT " CppAsString2(RR_CLAIM_BATCH) ")," \
	" rest AS (SELECT execution_id, owner, 1000 + row_number() OVER () AS k" \
	" FROM (SELECT r.execution_id, r.owner FROM priorities p," \
	" LATERAL (SELECT w.execution_id, w.owner, w.ready_at FROM" \
	" (SELECT q.execution_id, q.owner, q.ready_at FROM reporunner.queue q" \
	" WHERE q.priority = p.priority AND q.ready_at <= now()" \
	" ORDER BY q.ready_at LIMIT " CppAsString2(window) ") w" \
	" WHERE w.owner NOT IN (SELECT owner FROM busy)" \
	" ORDER BY w.ready_at LIMIT " CppAsString2(candidates) ") r" \
	" ORDER BY p.priority DESC, r.ready_at LIMIT " CppAsString2(candidates) ") q)" \
	" SELECT execution_id, min(owner), min(k) FROM (TABLE heads UNION ALL TABLE rest) c" \
	" GROUP BY execution_id ORDER BY 3"
/*
 * The claim itself: the candidates ($1, in their order) still runnable,
 * as many as a batch takes ($2), each locked (skipping those another worker is
 * claiming) and read with its execution.  One candidate at a time, by
 * primary key, whatever the sizes of the tables.
 */
#define SQL_CLAIM \
	"SELECT x.* FROM unnest($1::pg_catalog.int8[]) AS c(id)," \
	" LATERAL (SELECT q.execution_id, e.workflow_id, e.version, w.name," \
	" e.status, e.input, e.started_at, e.mode, e.created_by, e.owner," \
	" e.input_rows, e.call_level" \
	" FROM reporunner.queue q" \
	" JOIN reporunner.execution e ON e.id = q.execution_id" \
	" JOIN reporunner.workflow w ON w.id = e.workflow_id" \
	" WHERE q.execution_id = c.id AND q.ready_at <= now()" \
	" FOR UPDATE OF q SKIP LOCKED) x" \
	" LIMIT $2"
/*
 * On Citus, the claim of one owner's executions ($1) on this node, in the
 * same order and columns: up to $3, fewer when it runs nearly $2 already
 * (leased rows).  Every table is restricted to the owner, and joined on
 * it, so that Citus runs the statement on the owner's shards alone, by
 * local execution: FOR UPDATE SKIP LOCKED is only allowed there.
 */
#define SQL_CLAIM_OWNER \
	"SELECT q.execution_id, e.workflow_id, e.version, w.name," \
	" e.status, e.input, e.started_at, e.mode, e.created_by, e.owner," \
	" e.input_rows, e.call_level" \
	" FROM reporunner.queue q" \
	" JOIN reporunner.execution e ON e.id = q.execution_id AND e.owner = q.owner" \
	" JOIN reporunner.workflow w ON w.id = e.workflow_id AND w.owner = e.owner" \
	" WHERE q.owner = $1 AND q.ready_at <= now()" \
	" ORDER BY q.priority DESC, q.ready_at" \
	" LIMIT greatest(0, least($3, $2 - (SELECT count(*) FROM reporunner.queue" \
	" WHERE owner = $1 AND lease_owner IS NOT NULL)))" \
	" FOR UPDATE OF q SKIP LOCKED"
/*
 * When a worker with nothing to claim looks again: at the next delayed
 * execution or wait, or soon (RR_CLAIM_RETRY_MS) when it skipped ready
 * executions that others had locked.  Those are not always another
 * worker's, who runs them or gives them back with a wake-up: cancel()
 * locks the queue rows it deletes, in a transaction that may roll back,
 * and while it lasts its rows can be every candidate at the queue's head.
 * The next delayed execution is found per priority (the priorities walked
 * down queue_ready_idx, then the first future ready_at of each): a plain
 * min(ready_at) read every delayed row, at every claim that found
 * nothing, 24 ms with 200,000 of them.
 */
#define SQL_NEXT_WAKE \
	"WITH RECURSIVE " SQL_PRIORITIES("priorities", "") \
	" SELECT least((SELECT min(d.ready_at) FROM priorities p," \
	" LATERAL (SELECT q.ready_at FROM reporunner.queue q" \
	" WHERE q.priority = p.priority AND q.ready_at > now()" \
	" AND q.ready_at < 'infinity' ORDER BY q.ready_at LIMIT 1) d)," \
	" (SELECT min(wake_at) FROM reporunner.execution WHERE status = 'waiting'))"
/*
 * Leases, to find those of workers that died; on Citus, this node's only
 * (rr_local_queue_leases), in the same columns: a lease of another node
 * is held by a session lock of that node's.
 */
#define SQL_LEASES \
	"SELECT execution_id, lease_owner, owner FROM reporunner.queue" \
	" WHERE lease_owner IS NOT NULL"

static SPIPlanPtr candidates_plan = NULL;
static SPIPlanPtr candidates_pure_plan = NULL;
static SPIPlanPtr claim_plan = NULL;
static SPIPlanPtr claim_owner_plan = NULL;
static SPIPlanPtr next_wake_plan = NULL;
static SPIPlanPtr leases_plan = NULL;

/*
 * A worker prepares its statements once and keeps their plans.  A plan
 * made on a near-empty table (a new database, after a TRUNCATE) can be
 * wrong for a large one, and a kept plan is made again only when its
 * tables change shape or are analyzed; so a worker drops them every
 * RR_REPLAN_MS, to be planned afresh.
 */
#define RR_REPLAN_MS			60000
static SPIPlanPtr *const kept_plans[] = {
	&candidates_plan, &candidates_pure_plan, &claim_plan, &claim_owner_plan,
	&next_wake_plan, &leases_plan
};

/* How often a worker looks for leases of workers that died, at most */
#define RR_LEASE_CHECK_MS		1000

/*
 * A lease nobody runs could not be given up yet, another transaction
 * holding its queue row (a tenant deleting or canceling the execution):
 * look again after RR_LEASE_CHECK_MS, also when nothing else is due.
 */
static bool leases_left = false;

static void
execution_locktag(LOCKTAG *tag, int64 id)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) (id >> 32),
						 (uint32) id, RR_LOCKTAG_EXECUTION);
}

static void
slot_locktag(LOCKTAG *tag, int64 workflow_id, int slot)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) workflow_id,
						 (uint32) slot, RR_LOCKTAG_WORKFLOW_SLOT);
}

static void
owner_slot_locktag(LOCKTAG *tag, Oid owner, int slot)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) owner,
						 (uint32) slot, RR_LOCKTAG_OWNER_SLOT);
}

/*
 * Take a settings.concurrency slot of the member's workflow: one of its
 * "concurrency" session locks.  False when all are taken, by other
 * processes or by members of this batch still running (parked at an http
 * node: a member gives its slot back as soon as its run ends,
 * rr_batch_free_slot).
 */
bool
rr_batch_take_slot(ClaimedExecution *member, RrPlan *plan)
{
	int			i;

	member->slot = -1;
	if (plan->concurrency <= 0)
		return true;
	for (i = 0; i < plan->concurrency; i++)
	{
		LOCKTAG		tag;
		LockAcquireResult taken;

		slot_locktag(&tag, member->workflow_id, i);
		taken = LockAcquire(&tag, ExclusiveLock, true, true);
		if (taken == LOCKACQUIRE_OK)
		{
			member->slot = i;
			return true;
		}
		if (taken == LOCKACQUIRE_ALREADY_HELD)
			LockRelease(&tag, ExclusiveLock, true);
	}
	return false;
}

void
rr_batch_free_slot(ClaimedExecution *member)
{
	LOCKTAG		tag;

	if (member->slot < 0)
		return;
	slot_locktag(&tag, member->workflow_id, member->slot);
	LockRelease(&tag, ExclusiveLock, true);
	member->slot = -1;
}

/* reporunner.max_workers_per_owner: see owner_cap */
static int	rr_max_workers_per_owner = -1;

/* Where this worker's next claim starts its walk over the owners */
static Oid	claim_cursor = InvalidOid;

/*
 * How many executions of one owner may run at once (leased, in workers)
 * before its others wait for another owner's turn: the setting, or, by
 * default (-1), one worker fewer than the database has, so that one
 * tenant's long executions never take every worker; 0 is no limit.
 */
static int
owner_cap(void)
{
	if (rr_max_workers_per_owner == 0)
		return PG_INT32_MAX;
	if (rr_max_workers_per_owner > 0)
		return rr_max_workers_per_owner;
	return Max(1, rr_workers_per_database - 1);
}

void
rr_queue_init(void)
{
	DefineCustomIntVariable("reporunner.max_workers_per_owner",
							"Most background executions of one owner running at once.",
							"-1: one fewer than reporunner.workers_per_database; 0: no limit.",
							&rr_max_workers_per_owner,
							-1,
							-1,
							1024,
							PGC_SIGHUP,
							0,
							NULL,
							NULL,
							NULL);
}

/*
 * Take a worker slot of the member's owner, before the member is first
 * marked running: one of owner_cap() session locks, which every member of
 * that owner this process runs shares (a second one finds it held
 * already), so that at most owner_cap() workers run the owner's leased
 * executions.  Claims pass over an owner with that many leased rows, but
 * two workers claiming at once both see the rows as they were before
 * either committed a lease; this lock is what holds the limit.  False when
 * other workers hold every slot: the member then steps aside.  A limit of
 * at least max_worker_processes could never be reached.
 */
bool
rr_batch_take_owner_slot(ClaimedExecution *member)
{
	int			cap = owner_cap();
	int			i;

	if (member->owner_slot >= 0 || cap >= max_worker_processes)
		return true;
	for (i = 0; i < cap; i++)
	{
		LOCKTAG		tag;

		owner_slot_locktag(&tag, member->owner, i);
		if (LockAcquire(&tag, ExclusiveLock, true, true) != LOCKACQUIRE_NOT_AVAIL)
		{
			member->owner_slot = i;
			return true;
		}
	}
	return false;
}

/* How long an execution held back by settings.concurrency steps aside */
#define RR_HOLD_BACK_MS			250

/*
 * The member's workflow runs as many executions as its settings allow:
 * move it aside (rr_journal_hold_back) for RR_HOLD_BACK_MS; it keeps its
 * priority, and its age among the others held back.
 */
void
rr_batch_hold_back(ClaimedExecution *member)
{
	rr_journal_hold_back(member->id, member->owner,
						 TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													 RR_HOLD_BACK_MS));
}

/* Give back a member's session lock, concurrency slot and owner's slot. */
static void
release_member(ClaimedExecution *member)
{
	LOCKTAG		tag;

	if (!member->locked)
		return;
	rr_batch_free_slot(member);
	if (member->owner_slot >= 0)
	{
		owner_slot_locktag(&tag, member->owner, member->owner_slot);
		LockRelease(&tag, ExclusiveLock, true);
		member->owner_slot = -1;
	}
	execution_locktag(&tag, member->id);
	LockRelease(&tag, ExclusiveLock, true);
	member->locked = false;
}

/*
 * The candidates of the next claim (SQL_CLAIM_CANDIDATES), as an int8[]
 * in their order, in the current memory context, and their number in
 * *ncandidates; and where the claim after it starts its walk: after the
 * last owner served, or from the lowest again once a walk reached the end
 * of the owners.
 */
static Datum
claim_candidates(int limit, int *ncandidates)
{
	Oid			argtypes[2] = {OIDOID, INT4OID};
	Datum		values[2];
	Datum	   *ids;
	int			heads = 0;
	Oid			last_head = InvalidOid;
	uint64		row;

	values[0] = ObjectIdGetDatum(claim_cursor);
	values[1] = Int32GetDatum(owner_cap());
	if (limit > RR_CLAIM_BATCH)
		rr_store_run_kept_indexed(&candidates_pure_plan,
								  SQL_CLAIM_CANDIDATES(RR_CLAIM_CANDIDATES_PURE,
													   RR_CLAIM_WINDOW_PURE),
								  2, argtypes, values, NULL, SPI_OK_SELECT);
	else
		rr_store_run_kept_indexed(&candidates_plan,
								  SQL_CLAIM_CANDIDATES(RR_CLAIM_CANDIDATES,
													   RR_CLAIM_WINDOW),
								  2, argtypes, values, NULL, SPI_OK_SELECT);
	ids = palloc(sizeof(Datum) * Max(SPI_processed, 1));
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		bool		isnull;

		ids[row] = SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull);
		if (DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3,
										&isnull)) < 1000)
		{
			heads++;
			last_head = DatumGetObjectId(SPI_getbinval(tuple,
													   SPI_tuptable->tupdesc,
													   2, &isnull));
		}
	}
	claim_cursor = heads == RR_CLAIM_BATCH ? last_head : InvalidOid;
	*ncandidates = (int) SPI_processed;
	return PointerGetDatum(construct_array(ids, (int) SPI_processed, INT8OID,
										   sizeof(int64), FLOAT8PASSBYVAL,
										   TYPALIGN_DOUBLE));
}

/*
 * Add the executions the last claim statement locked (SQL_CLAIM's
 * columns) to the batch's members, which have room for them: those whose
 * session lock no other worker holds.
 */
static void
add_claimed(Batch *batch)
{
	uint64		row;

	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		ClaimedExecution *member = &batch->members[batch->nmembers];
		MemoryContext old;
		LOCKTAG		tag;
		char	   *status;
		bool		isnull;
		Datum		value;

		member->id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		execution_locktag(&tag, member->id);
		if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
			continue;
		member->locked = true;
		batch->nmembers++;

		old = MemoryContextSwitchTo(batch->context);
		member->workflow_id = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
		member->version = DatumGetInt32(SPI_getbinval(tuple, desc, 3, &isnull));
		member->workflow = SPI_getvalue(tuple, desc, 4);
		status = SPI_getvalue(tuple, desc, 5);
		member->runnable = strcmp(status, "queued") == 0 ||
			strcmp(status, "running") == 0;
		member->input = DatumGetJsonbPCopy(SPI_getbinval(tuple, desc, 6, &isnull));
		value = SPI_getbinval(tuple, desc, 7, &isnull);
		member->started_at = isnull ? 0 : DatumGetTimestampTz(value);
		member->mode = SPI_getvalue(tuple, desc, 8);
		member->created_by = DatumGetObjectId(SPI_getbinval(tuple, desc, 9, &isnull));
		member->owner = DatumGetObjectId(SPI_getbinval(tuple, desc, 10, &isnull));
		value = SPI_getbinval(tuple, desc, 11, &isnull);
		member->input_rows = isnull ? NULL : DatumGetByteaPCopy(value);
		value = SPI_getbinval(tuple, desc, 12, &isnull);
		member->call_level = isnull ? 1 : DatumGetInt16(value);
		member->slot = -1;
		member->owner_slot = -1;
		MemoryContextSwitchTo(old);
	}
}

/*
 * The single-node claim: the candidates (SQL_CLAIM_CANDIDATES), up to
 * limit of them locked (SQL_CLAIM).  Returns how many candidates there
 * were.
 */
static int
claim_from_candidates(Batch *batch, int limit)
{
	Oid			argtypes[2] = {INT8ARRAYOID, INT4OID};
	Datum		values[2];
	int			ncandidates;

	rr_journal_wake_due();
	values[0] = claim_candidates(limit, &ncandidates);
	values[1] = Int32GetDatum(limit);
	rr_store_run_kept(&claim_plan, SQL_CLAIM, 2, argtypes, values, NULL,
					  SPI_OK_SELECT);
	add_claimed(batch);
	return ncandidates;
}

/*
 * On Citus, the waiting executions due on this node go back into the
 * queue, owner by owner (the owners found at the last refresh).
 */
static void
wake_local_due(void)
{
	int			nowners;
	const Oid  *owners = rr_local_queue_due_owners(&nowners);
	int			i;

	for (i = 0; i < nowners; i++)
		rr_journal_wake_due_owner(owners[i]);
}

/*
 * The claim on Citus (src/engine/local_queue.c): this node's owners with
 * ready executions in turn, from the one after the last claim's first,
 * one statement per owner (SQL_CLAIM_OWNER).  Each owner gets its share
 * of the batch first, then those that filled their share get the rest,
 * until limit executions are claimed.
 */
static void
claim_from_local_owners(Batch *batch, int limit)
{
	Oid			argtypes[3] = {OIDOID, INT4OID, INT4OID};
	Datum		values[3];
	int			nowners;
	const Oid  *owners = rr_local_queue_owners(&nowners);
	bool	   *filled;
	int			share;
	int			start;
	int			pass;
	int			i;

	if (nowners == 0)
		return;
	for (start = 0; start < nowners && owners[start] <= claim_cursor; start++)
		;
	if (start == nowners)
		start = 0;
	claim_cursor = owners[start];
	filled = palloc0(sizeof(bool) * nowners);
	share = Max(1, limit / nowners);
	values[1] = Int32GetDatum(owner_cap());
	for (pass = 0; pass < 2; pass++)
	{
		for (i = 0; i < nowners && batch->nmembers < limit; i++)
		{
			int			k = (start + i) % nowners;
			int			want = limit - batch->nmembers;

			if (pass == 0)
				want = Min(want, share);
			else if (!filled[k])
				continue;
			values[0] = ObjectIdGetDatum(owners[k]);
			values[2] = Int32GetDatum(want);
			rr_store_run_kept_indexed(&claim_owner_plan, SQL_CLAIM_OWNER, 3,
									  argtypes, values, NULL, SPI_OK_SELECT);
			filled[k] = SPI_processed == (uint64) want;
			add_claimed(batch);
		}
	}
	pfree(filled);
}

/* The earlier of two times to look again (0: none) */
static TimestampTz
earliest_wake(TimestampTz a, TimestampTz b)
{
	return (a == 0 || (b != 0 && b < a)) ? b : a;
}

/*
 * On Citus, a worker is not woken for executions that start() queued on
 * another node (the coordinator): it looks again every RR_CITUS_POLL_MS,
 * also before the queue is distributed, so that the node's workers are
 * there when it is; not on a node that holds no shard of it (the
 * coordinator, usually), whose workers leave when idle.
 */
#define RR_CITUS_POLL_MS		1000

/*
 * Claim a batch of runnable executions: lock up to RR_CLAIM_BATCH ready
 * queue rows, and keep those whose execution no other worker holds, with
 * a session lock on each that lasts until we release it or the process
 * ends.  Nothing of the executions' workflows is loaded here: a plan that
 * is slow to build or cannot be built concerns its own execution only
 * (src/engine/durable_run.c).  Returns the number claimed, with the claiming
 * transaction still open (run_batch goes on in it); when nothing is
 * runnable, commits and sets *next_wake to when to look again (SQL_NEXT_WAKE).
 */
static int
claim_batch(Batch *batch, TimestampTz *next_wake)
{
	int			nestlevel;
	int			limit;
	int			ncandidates = 0;
	bool		distributed;

	if (batch->parked_any)
		limit = RR_CLAIM_BATCH_PARKING;
	else if (batch->nmembers >= RR_CLAIM_BATCH && !batch->committed_midway)
		limit = RR_CLAIM_BATCH_PURE;
	else
		limit = RR_CLAIM_BATCH;
	batch->parked_any = false;
	batch->committed_midway = false;
	MemoryContextReset(batch->context);
	batch->nmembers = 0;
	batch->current = -1;
	batch->members = MemoryContextAllocZero(batch->context,
											sizeof(ClaimedExecution) * limit);
	rr_batch_begin_transaction();
	batch->began = GetCurrentTimestamp();
	nestlevel = rr_store_begin();
	(void) rr_local_queue_refresh(false);
	distributed = rr_local_queue_distributed();
	if (!distributed)
		ncandidates = claim_from_candidates(batch, limit);
	else
	{
		wake_local_due();
		claim_from_local_owners(batch, limit);
		if (batch->nmembers == 0 && rr_local_queue_refresh(true))
		{
			wake_local_due();
			claim_from_local_owners(batch, limit);
		}
	}

	if (batch->nmembers == 0)
	{
		TimestampTz now = GetCurrentTimestamp();
		bool		isnull;
		Datum		wake;

		if (distributed)
			*next_wake = rr_local_queue_next_wake();
		else
		{
			rr_store_run_kept_indexed(&next_wake_plan, SQL_NEXT_WAKE, 0, NULL,
									  NULL, NULL, SPI_OK_SELECT);
			wake = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
								 1, &isnull);
			*next_wake = isnull ? 0 : DatumGetTimestampTz(wake);
		}
		if (ncandidates > 0)
			*next_wake = earliest_wake(*next_wake,
									   TimestampTzPlusMilliseconds(now, RR_CLAIM_RETRY_MS));
		if (leases_left)
			*next_wake = earliest_wake(*next_wake,
									   TimestampTzPlusMilliseconds(now, RR_LEASE_CHECK_MS));

		/*
		 * A wake-up already due is of an execution whose row another
		 * transaction held when it was to be woken (rr_journal_wake_due):
		 * a second later, not in a loop.
		 */
		if (*next_wake != 0 && *next_wake <= now)
			*next_wake = TimestampTzPlusMilliseconds(now, RR_LEASE_CHECK_MS);
		if (rr_store_on_citus() && (!distributed || rr_local_queue_held_here()))
			*next_wake = earliest_wake(*next_wake,
									   TimestampTzPlusMilliseconds(now, RR_CITUS_POLL_MS));
	}
	rr_store_end(nestlevel);

	if (batch->nmembers == 0)
		rr_batch_commit_transaction();
	else
		batch->uncommitted = true;
	return batch->nmembers;
}

/*
 * Commit the batch's open transaction and begin the next one, in memory
 * context "context".  No other member then needs the transaction: the
 * ones that ran are done, the rest go back to the queue for any worker
 * (which is woken for them, unless no other worker may take them: when
 * they are all of the current member's owner, which this commit has
 * leased its one execution at a time to); only the current member stays
 * claimed.  Woken for nothing it may take, a worker claimed nothing again
 * at every commit of the busy one, about once every 2 ms.
 */
void
rr_batch_commit(Batch *batch, MemoryContext context)
{
	Oid			owner = batch->members[batch->current].owner;
	bool		gave_back = false;
	int			i;

	rr_batch_commit_transaction();
	rr_batch_begin_transaction();
	/* the caller's context may have been the transaction's */
	MemoryContextSwitchTo(context);
	batch->uncommitted = false;
	batch->committed_midway = true;
	batch->began = GetCurrentTimestamp();
	for (i = 0; i < batch->nmembers; i++)
	{
		if (i == batch->current || !batch->members[i].locked ||
			batch->members[i].parked != NULL)
			continue;
		if (i > batch->current &&
			(batch->members[i].owner != owner || owner_cap() > 1))
			gave_back = true;
		release_member(&batch->members[i]);
	}
	if (gave_back)
		rr_slots_wake(MyDatabaseId);
}

void
rr_batch_release_done(Batch *batch)
{
	int			i;

	for (i = 0; i < batch->nmembers; i++)
	{
		if (batch->members[i].parked == NULL)
			release_member(&batch->members[i]);
	}
}

/*
 * Run a claimed batch, member after member, in the claiming transaction
 * for as long as they run pure nodes only: one commit for the lot.
 * Members that stop at a node deferring its work (an http request) are
 * parked, and carried on together (src/engine/rounds.c).  Returns true
 * when a transaction had to be aborted on the way; the parked members are
 * then dropped, to go on from their last commit.
 */
static bool
run_batch(Batch *batch)
{
	bool		aborted = false;
	int			i;

	for (batch->current = 0; batch->current < batch->nmembers; batch->current++)
	{
		if (!batch->members[batch->current].locked)
			continue;			/* given back at a commit of an earlier member */
		CHECK_FOR_INTERRUPTS();
		if (rr_durable_run_member(batch))
		{
			aborted = true;
			break;
		}
	}
	if (!aborted)
		aborted = rr_rounds_run(batch);
	if (!aborted)
		rr_batch_commit_transaction();
	for (i = 0; i < batch->nmembers; i++)
	{
		rr_durable_drop_member(&batch->members[i], false);
		release_member(&batch->members[i]);
	}
	return aborted;
}

/*
 * Retention: when idle, at most once a minute, delete a batch of
 * executions (their steps go with them) finished longer ago than
 * reporunner.retention.  On Citus a DELETE that names no owner would run
 * on every node: each node's workers prune the owners whose executions
 * the node holds (src/engine/local_queue.c), a batch of each, by
 * statements that name the owner and so stay on the node's own shards.
 */
static void
prune_now_and_then(void)
{
	static TimestampTz last_prune = 0;

	if (rr_retention <= 0 || !rr_due_now(&last_prune, 60 * 1000))
		return;
	rr_batch_begin_transaction();
	if (rr_local_queue_distributed())
	{
		int			nestlevel = rr_store_begin();
		uint64		nowners = rr_local_queue_prunable_owners(rr_retention);
		Oid		   *owners = palloc(sizeof(Oid) * Max(nowners, 1));
		uint64		i;

		for (i = 0; i < nowners; i++)
		{
			bool		isnull;

			owners[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
													   SPI_tuptable->tupdesc,
													   1, &isnull));
		}
		for (i = 0; i < nowners; i++)
			(void) rr_prune_executions_owner(owners[i], rr_retention, 1000);
		rr_store_end(nestlevel);
	}
	else
		(void) rr_prune_executions(rr_retention, 1000);
	rr_batch_commit_transaction();
}

/*
 * A worker leases an execution (queue.lease_owner, and ready_at infinity)
 * at its first commit, so that claims skip it; the lease ends with the execution's queue row, or
 * when the execution goes back into the queue.  A worker that dies keeps
 * its lease but loses its session lock on the execution: an execution
 * whose lock is free is run by nobody, and its lease is given back.  At a
 * worker's start (after a crash, all leases are such), then every
 * RR_LEASE_CHECK_MS.
 */
static void
free_dead_leases(void)
{
	static TimestampTz last_check = 0;
	int64	   *ids;
	int32	   *pids;			/* lease_owner: the worker's process id */
	Oid		   *owners;		/* the execution's owner */
	uint64		nleases;
	uint64		i;
	int			nestlevel;

	if (!rr_due_now(&last_check, RR_LEASE_CHECK_MS))
		return;

	rr_batch_begin_transaction();
	nestlevel = rr_store_begin();
	(void) rr_local_queue_refresh(false);
	if (rr_local_queue_distributed())
		nleases = rr_local_queue_leases();
	else
	{
		rr_store_run_kept(&leases_plan, SQL_LEASES, 0, NULL, NULL, NULL,
						  SPI_OK_SELECT);
		nleases = SPI_processed;
	}
	leases_left = false;
	ids = palloc(sizeof(int64) * Max(nleases, 1));
	pids = palloc(sizeof(int32) * Max(nleases, 1));
	owners = palloc(sizeof(Oid) * Max(nleases, 1));
	for (i = 0; i < nleases; i++)
	{
		bool		isnull;

		ids[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
											 SPI_tuptable->tupdesc, 1, &isnull));
		pids[i] = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
												SPI_tuptable->tupdesc, 2, &isnull));
		owners[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
													SPI_tuptable->tupdesc, 3, &isnull));
	}
	for (i = 0; i < nleases; i++)
	{
		LOCKTAG		tag;

		execution_locktag(&tag, ids[i]);
		if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
			continue;			/* a live worker runs it */
		LockRelease(&tag, ExclusiveLock, true);

		/*
		 * Nobody runs it; a worker that claims it from now on leases it
		 * again only after its first commit, so the old lease is still
		 * the one to free.  Not while another transaction holds its queue
		 * row (deleting the execution, say): at a later check.
		 */
		if (!rr_journal_free_lease(ids[i], owners[i], pids[i]))
			leases_left = true;
	}
	rr_store_end(nestlevel);
	rr_batch_commit_transaction();
}

/* Drop the kept plans once every RR_REPLAN_MS (see kept_plans). */
static void
replan_now_and_then(void)
{
	static TimestampTz last_planned = 0;
	int			i;

	/* at the first call there is nothing planned yet: nothing to drop */
	if (!rr_due_now(&last_planned, RR_REPLAN_MS))
		return;
	for (i = 0; i < lengthof(kept_plans); i++)
	{
		if (*kept_plans[i] == NULL)
			continue;
		SPI_freeplan(*kept_plans[i]);
		*kept_plans[i] = NULL;
	}
	rr_journal_forget_plans();
	rr_durable_forget_plans();
}

bool
rr_queue_work(int max_ms, TimestampTz *next_wake)
{
	static Batch batch;
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   max_ms);

	if (batch.context == NULL)
		batch.context = AllocSetContextCreate(TopMemoryContext,
											  "reporunner claimed batch",
											  ALLOCSET_DEFAULT_SIZES);
	*next_wake = 0;
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		replan_now_and_then();
		free_dead_leases();
		if (claim_batch(&batch, next_wake) == 0)
		{
			prune_now_and_then();
			return false;
		}

		/*
		 * An aborted transaction released the worker's session lock on the
		 * extension (src/worker): end the call, so the worker takes it
		 * again before going on.
		 */
		if (run_batch(&batch) || GetCurrentTimestamp() >= deadline)
			return true;
	}
}
