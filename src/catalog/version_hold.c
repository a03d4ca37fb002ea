/*-------------------------------------------------------------------------
 *
 * version_hold.c
 *		Executions and the workflow versions they run, kept consistent
 *		without a foreign key.
 *
 * Every execution row names the version it runs (workflow_id, version),
 * and deleting a workflow deletes its executions.  A foreign key did both
 * until 0.3.0: each insert locked the version's row FOR KEY SHARE, a write
 * of that row (and, on a workflow many sessions run at once, a MultiXact
 * per lock), which cost 45,000 instructions of the 273,000 of a saved
 * execute() and 37,000 of a start().  The same guarantee now comes from a
 * lock of the lock manager, which writes nothing:
 *
 *  - a writer of an execution row (src/engine/journal.c) first calls
 *    rr_version_hold(): the workflow's lock in share mode, then a check,
 *    with the latest snapshot, that the version still exists;
 *  - deleting a workflow (delete_workflow(), or a tenant's own DELETE)
 *    fires reporunner.delete_workflow_executions() for the row, which takes
 *    the lock in exclusive mode, so waits for the writers in flight, and
 *    then deletes the workflow's executions as the foreign key's cascade
 *    did: under READ COMMITTED with a snapshot taken after the lock, under
 *    REPEATABLE READ and SERIALIZABLE with the latest one, failing with a
 *    serialization error on a row its own snapshot cannot see.
 *
 * A writer that checks before the deleter commits holds the lock until it
 * commits itself, so the deleter's delete, which waits for it, sees its
 * row; a writer that checks after finds the version gone.  The lock is an
 * advisory lock of the lock manager, tagged with the database, the
 * workflow id's two halves and RR_VERSION_HOLD_TAG (in pg_locks: locktype
 * advisory, classid and objid the id, objsubid 29298), held to the end of
 * the transaction.
 *
 * On Citus the foreign key stays (distribute() puts it back, with the
 * owner column): the executions are written on the owner's node and the
 * workflow deleted through the coordinator, and one node's lock manager
 * holds nothing on another.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "catalog/table_lookup.h"
#include "catalog/version_hold.h"
#include "catalog/workflow_cache.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

/* The fourth field of the lock's tag: 'r' 'r', apart from SQL's 1 and 2 */
#define RR_VERSION_HOLD_TAG 0x7272

PG_FUNCTION_INFO_V1(reporunner_delete_workflow_executions);

/*
 * The lock of workflow id, in mode (ShareLock or ExclusiveLock); false
 * when another transaction holds or awaits a conflicting one and wait is
 * false.
 */
static bool
lock_workflow(int64 workflow_id, LOCKMODE mode, bool wait)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) ((uint64) workflow_id >> 32),
						 (uint32) workflow_id, RR_VERSION_HOLD_TAG);
	return LockAcquire(&tag, mode, false, !wait) != LOCKACQUIRE_NOT_AVAIL;
}

/* Versions, looked up by the primary key (workflow_id, version) */
static const char *const version_columns[] = {"workflow_id", "version"};
static RrTableLookup version_table =
RR_TABLE_LOOKUP("workflow_version", NULL, version_columns);

/* Whether version of workflow_id exists, seen with the latest snapshot */
static bool
version_exists(int64 workflow_id, int32 version)
{
	Relation	rel = rr_table_lookup_open(&version_table, AccessShareLock);
	ScanKeyData keys[2];
	SysScanDesc scan;
	bool		found;

	ScanKeyInit(&keys[0], version_table.attnums[0], BTEqualStrategyNumber,
				F_INT8EQ, Int64GetDatum(workflow_id));
	ScanKeyInit(&keys[1], version_table.attnums[1], BTEqualStrategyNumber,
				F_INT4EQ, Int32GetDatum(version));
	scan = systable_beginscan(rel, version_table.indexid, true,
							  GetLatestSnapshot(), 2, keys);
	found = HeapTupleIsValid(systable_getnext(scan));
	systable_endscan(scan);
	table_close(rel, NoLock);
	return found;
}

bool
rr_version_hold_try(int64 workflow_id, int32 version, bool wait)
{
	if (rr_store_on_citus())
		return true;
	if (!lock_workflow(workflow_id, ShareLock, wait))
		return false;
	/* found in this transaction, and no workflow changed since */
	if (rr_workflow_unchanged_since_lookup(workflow_id))
		return true;
	if (!version_exists(workflow_id, version))
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("version %d of workflow " INT64_FORMAT " was deleted",
						version, workflow_id),
				 errdetail("The workflow was deleted while an execution of it was being written.")));
	return true;
}

void
rr_version_hold(int64 workflow_id, int32 version, bool wait)
{
	if (!rr_version_hold_try(workflow_id, version, wait))
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("workflow " INT64_FORMAT " is being deleted", workflow_id)));
}

/*
 * DELETE FROM reporunner.execution WHERE workflow_id = $1 (owner $2, which
 * routes nothing here but keeps the statement like the journal's others).
 */
#define SQL_DELETE_EXECUTIONS \
	"DELETE FROM reporunner.execution WHERE workflow_id = $1 AND owner = $2"

static SPIPlanPtr delete_executions_plan = NULL;

Datum
reporunner_delete_workflow_executions(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	bool		isnull;
	int			nestlevel;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ||
		!rr_table_is_ours(RelationGetRelid(trigdata->tg_relation)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("reporunner.delete_workflow_executions() must be fired after DELETE on reporunner.workflow, for each row")));
	desc = RelationGetDescr(trigdata->tg_relation);
	values[0] = heap_getattr(trigdata->tg_trigtuple, SPI_fnumber(desc, "id"),
							 desc, &isnull);
	values[1] = heap_getattr(trigdata->tg_trigtuple, SPI_fnumber(desc, "owner"),
							 desc, &isnull);

	/* the writers in flight commit first */
	(void) lock_workflow(DatumGetInt64(values[0]), ExclusiveLock, true);
	nestlevel = rr_store_begin();
	rr_store_cascade_as_owner(&delete_executions_plan, SQL_DELETE_EXECUTIONS,
							  2, argtypes, values, SPI_OK_DELETE);
	rr_store_end(nestlevel);
	return PointerGetDatum(NULL);
}
