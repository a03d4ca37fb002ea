/*-------------------------------------------------------------------------
 *
 * row_write.c
 *		Writing one row of one of Reporunner's tables on a hot path:
 *		inserting it, updating or deleting it by its primary key.
 *
 * A saved execute() and a start() each write a row or two.  Through SPI,
 * even with a kept plan, every INSERT starts an executor: a projection of
 * every column with its default, the domains' checks prepared again, a
 * tuple descriptor built; that was most of the cost of a saved execute().
 * Here a row goes in as logical replication's apply worker puts one in
 * (execReplication.c's ExecSimpleRelationInsert): a slot filled with the
 * values, the table's constraints, its indexes (unique ones checked), its
 * row triggers (foreign keys) fired at the end of this "query", nothing
 * parsed, planned or projected.  The domains of the columns are checked
 * here with domain_check(), as the INSERT's coercion would.
 *
 * The index entries are made here too, from the table's indexes as they
 * were looked up (RrRowIndex), rather than by ExecOpenIndices() and
 * ExecInsertIndexTuples(), which build every index's IndexInfo and compile
 * its predicate again at every row and lock and unlock every index.  A
 * partial index whose predicate the row does not satisfy (most of ours:
 * the idempotency key, the parent, the trigger, waiting executions) is not
 * opened at all: the table's lock in RowExclusiveLock already stops its
 * creation, rebuild and removal (each locks the table in a mode that
 * conflicts, or waits for its lockers).  A table with an index this does
 * not cover (on expressions, an exclusion constraint, a deferrable unique
 * constraint) goes through the executor's functions.
 *
 * That holds only while the table is what the engine was written for, so
 * it is looked up on first use and again after any change to it (relcache
 * invalidation), and the row goes through an INSERT statement instead,
 * with the same values, when:
 *  - the database is distributed by Citus (the statement is routed to the
 *    owner's shard; a heap insert would write into the coordinator's or
 *    a worker node's empty shell table);
 *  - the table has a column the caller gives no value for and that has a
 *    default, an identity or a generated expression (the statement computes
 *    it), or lacks one of the caller's (its SQL objects are of another
 *    version: the statement then refuses with the reason, store.c);
 *  - the table has INSTEAD OF or statement-level INSERT triggers, or ones
 *    with transition tables, which only a statement fires.
 *
 * A worker ends each execution by deleting its queue row and updating its
 * execution row; through SPI, starting the executor for that statement
 * was most of a worker's time.  Those rows are found by their primary key
 * (one bigint column), locked, and written here, as the apply worker
 * updates and deletes (RelationFindReplTupleByIndex(),
 * ExecSimpleRelationUpdate()): the row locked to its latest version as an
 * UPDATE in READ COMMITTED locks it, the caller's change applied to that
 * version, the new version's index entries made from the indexes as
 * looked up, the after-row triggers (foreign keys) queued.  That holds
 * under the same conditions as an insert, and as long as the table has no
 * row trigger that runs before the change and no statement-level trigger
 * for it; rr_row_direct() says so, and the caller runs a statement of its
 * own otherwise.
 *
 * Row-level security is not applied on either path: the row is written as
 * the tables' owner, for a caller whose right to have it written was
 * checked with its own identity (tenants only read these tables).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/sysattr.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/pg_type.h"
#include "catalog/row_write.h"
#include "catalog/store.h"
#include "catalog/table_lookup.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

/* One index of a directly inserted table, as looked up */
typedef struct RrRowIndex
{
	Oid			indexoid;
	IndexInfo  *info;			/* BuildIndexInfo()'s, in the target's context */
	ExprState  *predicate;		/* a partial index's, compiled; else NULL */
	IndexUniqueCheck check;
	bool		keys_written;	/* a key column is one of the target's */
} RrRowIndex;

/* The targets looked up so far, so that a change of a table forgets them */
static RrRowTarget *looked_up = NULL;

/* Whether target's lookup depends on relation relid: its table or an index */
static bool
depends_on(RrRowTarget *target, Oid relid)
{
	int			i;

	if (relid == InvalidOid || target->relid == relid ||
		target->primary_key == relid)
		return true;
	for (i = 0; i < target->nindexes && target->indexes != NULL; i++)
		if (target->indexes[i].indexoid == relid)
			return true;
	return false;
}

static void
forget_targets(Datum arg, Oid relid)
{
	RrRowTarget *target;

	for (target = looked_up; target != NULL; target = target->next)
		if (OidIsValid(target->relid) && depends_on(target, relid))
			target->relid = InvalidOid;
}

/* Whether one of target's columns is a key column of the index of info */
static bool
writes_keys(RrRowTarget *target, IndexInfo *info)
{
	int			i;
	int			c;

	for (i = 0; i < info->ii_NumIndexAttrs; i++)
		for (c = 0; c < target->ncolumns; c++)
			if (info->ii_IndexAttrNumbers[i] == target->attnums[c])
				return true;
	return false;
}

/*
 * Look up rel's indexes for making entries here (in the target's context,
 * the current one), and its primary key if it is one bigint column:
 * target->indexes stays NULL when one of them needs the executor's
 * functions.
 */
static void
look_up_indexes(RrRowTarget *target, Relation rel)
{
	List	   *oids = RelationGetIndexList(rel);
	RrRowIndex *indexes = palloc0(Max(list_length(oids), 1) * sizeof(RrRowIndex));
	bool		all_covered = true;
	ListCell   *lc;
	int			n = 0;

	foreach(lc, oids)
	{
		Relation	index = index_open(lfirst_oid(lc), RowExclusiveLock);
		Form_pg_index form = index->rd_index;
		IndexInfo  *info = BuildIndexInfo(index);
		AttrNumber	first = form->indkey.values[0];

		if (form->indisprimary && form->indnkeyatts == 1 && first > 0 &&
			TupleDescAttr(RelationGetDescr(rel), first - 1)->atttypid == INT8OID)
			target->primary_key = lfirst_oid(lc);
		index_close(index, NoLock);
		if (info->ii_Expressions != NIL || info->ii_ExclusionOps != NULL ||
			(form->indisunique && !form->indimmediate))
		{
			all_covered = false;
			continue;
		}
		indexes[n].indexoid = lfirst_oid(lc);
		indexes[n].info = info;
		indexes[n].predicate = info->ii_Predicate != NIL ?
			ExecInitQual(info->ii_Predicate, NULL) : NULL;
		indexes[n].check = form->indisunique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO;
		indexes[n].keys_written = writes_keys(target, info);
		n++;
	}
	if (all_covered)
	{
		target->indexes = indexes;
		target->nindexes = n;
	}
}

/*
 * Whether rel's triggers let a row be written here: for an insert, row
 * triggers without NEW TABLE only; for an update or a delete, after-row
 * triggers without transition tables only (those the foreign keys make).
 */
static bool
row_triggers_only(Relation rel, CmdType operation)
{
	TriggerDesc *t = rel->trigdesc;

	if (t == NULL)
		return true;
	switch (operation)
	{
		case CMD_INSERT:
			return !(t->trig_insert_instead_row ||
					 t->trig_insert_before_statement ||
					 t->trig_insert_after_statement || t->trig_insert_new_table);
		case CMD_UPDATE:
			return !(t->trig_update_instead_row ||
					 t->trig_update_before_row ||
					 t->trig_update_before_statement ||
					 t->trig_update_after_statement ||
					 t->trig_update_old_table || t->trig_update_new_table);
		case CMD_DELETE:
			return !(t->trig_delete_instead_row ||
					 t->trig_delete_before_row ||
					 t->trig_delete_before_statement ||
					 t->trig_delete_after_statement ||
					 t->trig_delete_old_table);
		default:
			elog(ERROR, "unexpected operation %d", (int) operation);
	}
	return false;
}

/* The INSERT statement for target's columns, parameters in their order */
static char *
insert_statement(RrRowTarget *target)
{
	StringInfoData sql;
	int			i;

	initStringInfo(&sql);
	appendStringInfo(&sql, "INSERT INTO reporunner.%s (",
					 quote_identifier(target->table));
	for (i = 0; i < target->ncolumns; i++)
		appendStringInfo(&sql, "%s%s", i > 0 ? ", " : "",
						 quote_identifier(target->columns[i]));
	appendStringInfoString(&sql, ") VALUES (");
	for (i = 0; i < target->ncolumns; i++)
		appendStringInfo(&sql, "%s$%d", i > 0 ? ", " : "", i + 1);
	appendStringInfoChar(&sql, ')');
	return sql.data;
}

/*
 * Look target up in rel, locked: where each column is, its domain, the
 * statement's parameter types, whether the row can go in directly, and the
 * statement when it cannot.
 */
static void
look_up(RrRowTarget *target, Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	bool		all_found = true;
	bool		others_plain = true;
	bool		plain;
	MemoryContext old;
	int			i;

	if (target->context == NULL)
	{
		static bool callback_registered = false;

		if (!callback_registered)
		{
			CacheRegisterRelcacheCallback(forget_targets, (Datum) 0);
			callback_registered = true;
		}
		target->context = AllocSetContextCreate(CacheMemoryContext,
												"Reporunner row target",
												ALLOCSET_SMALL_SIZES);
		MemoryContextSetIdentifier(target->context, target->table);
		target->next = looked_up;
		looked_up = target;
	}
	if (target->plan != NULL)
	{
		SPI_freeplan(target->plan);
		target->plan = NULL;
	}
	MemoryContextReset(target->context);
	old = MemoryContextSwitchTo(target->context);
	target->attnums = palloc0(target->ncolumns * sizeof(AttrNumber));
	target->domains = palloc0(target->ncolumns * sizeof(Oid));
	target->domain_checks = palloc0(target->ncolumns * sizeof(void *));
	target->argtypes = palloc0(target->ncolumns * sizeof(Oid));
	target->indexes = NULL;
	target->nindexes = 0;
	target->primary_key = InvalidOid;
	MemoryContextSwitchTo(old);

	for (i = 0; i < target->ncolumns; i++)
	{
		AttrNumber	attnum = get_attnum(RelationGetRelid(rel), target->columns[i]);
		Oid			type;

		if (attnum <= 0)
		{
			all_found = false;
			continue;
		}
		target->attnums[i] = attnum;
		type = TupleDescAttr(desc, attnum - 1)->atttypid;
		if (get_typtype(type) == TYPTYPE_DOMAIN)
			target->domains[i] = type;
		/* a base type, so that the statement coerces to the domain */
		target->argtypes[i] = getBaseType(type);
	}
	for (i = 0; i < desc->natts && others_plain; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(desc, i);
		int			c;

		if (attr->attisdropped)
			continue;
		for (c = 0; c < target->ncolumns; c++)
			if (target->attnums[c] == attr->attnum)
				break;
		if (c == target->ncolumns &&
			(attr->atthasdef || attr->attidentity || attr->attgenerated))
			others_plain = false;
	}
	plain = all_found && rel->rd_rel->relkind == RELKIND_RELATION &&
		!rr_store_on_citus();
	old = MemoryContextSwitchTo(target->context);
	if (plain)
		look_up_indexes(target, rel);
	target->direct = plain && others_plain &&
		row_triggers_only(rel, CMD_INSERT);
	target->direct_update = plain && OidIsValid(target->primary_key) &&
		row_triggers_only(rel, CMD_UPDATE);
	target->direct_delete = plain && OidIsValid(target->primary_key) &&
		row_triggers_only(rel, CMD_DELETE);
	target->sql = target->direct ? NULL : insert_statement(target);
	MemoryContextSwitchTo(old);
	target->relid = RelationGetRelid(rel);
}

/* The row through an INSERT statement (a kept plan), as the tables' owner */
static void
insert_by_statement(RrRowTarget *target, Datum *values, bool *isnull)
{
	char	   *nulls = palloc(target->ncolumns);
	int			nestlevel;
	int			i;

	for (i = 0; i < target->ncolumns; i++)
		nulls[i] = isnull[i] ? 'n' : ' ';
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&target->plan, target->sql,
							   target->ncolumns, target->argtypes, values,
							   nulls, SPI_OK_INSERT);
	rr_store_end(nestlevel);
	pfree(nulls);
}

/*
 * The index entries of the row just put in slot (its heap tuple's TID set),
 * as ExecInsertIndexTuples() makes them, in the indexes looked up; or by
 * ExecInsertIndexTuples() itself when they were not (ExecOpenIndices()
 * opened them in begin_write()).
 */
static void
insert_index_entries(RrRowTarget *target, Relation rel, EState *estate,
					 ResultRelInfo *result, TupleTableSlot *slot, bool update)
{
	ExprContext *econtext = GetPerTupleExprContext(estate);
	Datum		values[INDEX_MAX_KEYS];
	bool		isnull[INDEX_MAX_KEYS];
	int			i;

	if (target->indexes == NULL)
	{
		list_free(ExecInsertIndexTuples(result, slot, estate, update, false,
										NULL, NIL));
		return;
	}
	econtext->ecxt_scantuple = slot;
	for (i = 0; i < target->nindexes; i++)
	{
		RrRowIndex *entry = &target->indexes[i];
		Relation	index;

		if (entry->predicate != NULL && !ExecQual(entry->predicate, econtext))
			continue;
		index = index_open(entry->indexoid, RowExclusiveLock);
		/* still being built concurrently: not ready for entries yet */
		if (index->rd_index->indisready)
		{
			FormIndexDatum(entry->info, slot, estate, values, isnull);
			/* an access method's state for this row only (BRIN keeps one) */
			entry->info->ii_AmCache = NULL;
			entry->info->ii_Context = estate->es_query_cxt;
			/* an update's hint for bottom-up deletion, as the executor's */
			index_insert(index, values, isnull, &slot->tts_tid, rel,
						 entry->check, update && !entry->keys_written,
						 entry->info);
			entry->info->ii_AmCache = NULL;
		}
		index_close(index, NoLock);
	}
	ResetExprContext(econtext);
}

/* A write of one row of one table, as the apply worker makes one */
typedef struct RowWrite
{
	EState	   *estate;
	ResultRelInfo *result;
	Oid			save_userid;
	int			save_sec_context;
} RowWrite;

/*
 * Set up the executor's state for writing a row of rel, as the tables'
 * owner, its after-row triggers queued for the end of this "query".
 */
static void
begin_write(RowWrite *write, RrRowTarget *target, Relation rel,
			CmdType operation)
{
	RangeTblEntry *rte = makeNode(RangeTblEntry);
	int			i;

	write->estate = CreateExecutorState();
	write->result = makeNode(ResultRelInfo);
	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(rel);
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	/* for the triggers on columns (UPDATE OF) */
	for (i = 0; i < target->ncolumns && operation == CMD_UPDATE; i++)
		rte->updatedCols = bms_add_member(rte->updatedCols,
										  target->attnums[i] -
										  FirstLowInvalidHeapAttributeNumber);
	ExecInitRangeTable(write->estate, list_make1(rte));
	InitResultRelInfo(write->result, rel, 1, NULL, 0);
	/* where the after-trigger code finds it, rather than opening it again */
	write->estate->es_opened_result_relations = list_make1(write->result);
	write->estate->es_output_cid = GetCurrentCommandId(true);
	if (target->indexes == NULL)
		ExecOpenIndices(write->result, false);
	rr_store_become_owner(&write->save_userid, &write->save_sec_context);
	AfterTriggerBeginQuery();
}

/* Fire the after-row triggers, go back to the caller's identity, clean up */
static void
end_write(RowWrite *write)
{
	AfterTriggerEndQuery(write->estate);
	rr_store_restore_user(write->save_userid, write->save_sec_context);
	ExecCloseResultRelations(write->estate);
	ExecResetTupleTable(write->estate->es_tupleTable, false);
	FreeExecutorState(write->estate);
	CommandCounterIncrement();
}

/*
 * Put target's values (values[i] and isnull[i] for columns[i], checked
 * against their domains) into a virtual slot being filled, and store it.
 */
static void
set_columns(RrRowTarget *target, TupleTableSlot *slot, Datum *values,
			bool *isnull)
{
	int			i;

	for (i = 0; i < target->ncolumns; i++)
	{
		int			at = target->attnums[i] - 1;

		if (OidIsValid(target->domains[i]))
			domain_check(values[i], isnull[i], target->domains[i],
						 &target->domain_checks[i], target->context);
		slot->tts_values[at] = values[i];
		slot->tts_isnull[at] = isnull[i];
	}
	ExecStoreVirtualTuple(slot);
}

/* The row straight into rel's heap and indexes, as the apply worker does */
static void
insert_directly(RrRowTarget *target, Relation rel, Datum *values,
				bool *isnull)
{
	RowWrite	write;
	TupleTableSlot *slot;

	begin_write(&write, target, rel, CMD_INSERT);
	slot = ExecInitExtraTupleSlot(write.estate, RelationGetDescr(rel),
								  &TTSOpsVirtual);
	ExecClearTuple(slot);
	memset(slot->tts_isnull, true,
		   RelationGetDescr(rel)->natts * sizeof(bool));
	set_columns(target, slot, values, isnull);

	/* without ExecOpenIndices(), it makes no index entries */
	ExecSimpleRelationInsert(write.result, write.estate, slot);
	if (target->indexes != NULL)
		insert_index_entries(target, rel, write.estate, write.result, slot,
							 false);
	end_write(&write);
}

/* rel opened and locked for writing, with target looked up */
static Relation
open_target(RrRowTarget *target)
{
	Oid			relid = target->relid;
	Relation	rel;

	if (!OidIsValid(relid))
		relid = rr_table_relid(target->table);
	rel = table_open(relid, RowExclusiveLock);
	/* not looked up yet, or forgotten while the lock was taken */
	if (target->relid != relid)
		look_up(target, rel);
	return rel;
}

void
rr_row_insert(RrRowTarget *target, Datum *values, bool *isnull)
{
	Relation	rel = open_target(target);

	if (target->direct)
		insert_directly(target, rel, values, isnull);
	table_close(rel, NoLock);
	if (!target->direct)
		insert_by_statement(target, values, isnull);
}

/* Whether target, looked up, takes an update or a delete (operation) here */
static bool
direct_change(RrRowTarget *target, CmdType operation)
{
	return operation == CMD_UPDATE ? target->direct_update :
		target->direct_delete;
}

bool
rr_row_direct(RrRowTarget *target, CmdType operation)
{
	Relation	rel = open_target(target);
	bool		direct = direct_change(target, operation);

	table_close(rel, NoLock);
	return direct;
}

/*
 * Find the row of rel whose primary key is key with the active snapshot,
 * lock it in mode and read its latest version into slot, waiting for a
 * writer that has it (wait LockWaitBlock) or not (LockWaitSkip); false if
 * there is none, it was deleted meanwhile, or it is locked and not waited
 * for.
 */
static bool
lock_row(RrRowTarget *target, Relation rel, int64 key, LockTupleMode mode,
		 LockWaitPolicy wait, TupleTableSlot *slot)
{
	Relation	index = index_open(target->primary_key, RowExclusiveLock);
	ScanKeyData scankey;
	IndexScanDesc scan;
	bool		found;

	ScanKeyInit(&scankey, 1, BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum(key));
	scan = index_beginscan(rel, index, GetActiveSnapshot(), 1, 0);
	index_rescan(scan, &scankey, 1, NULL, 0);
	found = index_getnext_slot(scan, ForwardScanDirection, slot);
	index_endscan(scan);
	index_close(index, NoLock);
	if (found)
	{
		TM_FailureData failure;
		TM_Result	locked;

		locked = table_tuple_lock(rel, &slot->tts_tid, GetActiveSnapshot(),
								  slot, GetCurrentCommandId(false), mode,
								  wait, TUPLE_LOCK_FLAG_FIND_LAST_VERSION,
								  &failure);
		if (locked == TM_Deleted || locked == TM_WouldBlock)
			found = false;
		else if (locked != TM_Ok)
			elog(ERROR, "could not lock row of table \"%s\": status %d",
				 RelationGetRelationName(rel), (int) locked);
	}
	return found;
}

/*
 * rr_row_update() and rr_row_delete(): find and lock the row, let change
 * decide (and change the values, for an update), write it.
 */
static bool
change_row(RrRowTarget *target, CmdType operation, int64 key,
		   LockWaitPolicy wait, RrRowChange change, void *arg)
{
	Relation	rel = open_target(target);
	TupleDesc	desc = RelationGetDescr(rel);
	RowWrite	write;
	TupleTableSlot *row;
	Datum	   *values = palloc(target->ncolumns * sizeof(Datum));
	bool	   *isnull = palloc(target->ncolumns * sizeof(bool));
	bool		written = false;
	int			i;

	if (!direct_change(target, operation))
		elog(ERROR, "table \"%s\" cannot be written here",
			 RelationGetRelationName(rel));
	begin_write(&write, target, rel, operation);
	PushActiveSnapshot(GetLatestSnapshot());
	row = ExecInitExtraTupleSlot(write.estate, desc,
								 table_slot_callbacks(rel));
	if (lock_row(target, rel, key, operation == CMD_UPDATE ?
				 LockTupleNoKeyExclusive : LockTupleExclusive, wait, row))
	{
		for (i = 0; i < target->ncolumns; i++)
			values[i] = slot_getattr(row, target->attnums[i], &isnull[i]);
		written = change(values, isnull, arg);
	}
	if (written && operation == CMD_UPDATE)
	{
		TupleTableSlot *new_row = ExecInitExtraTupleSlot(write.estate, desc,
														 &TTSOpsVirtual);
		bool		update_indexes;

		ExecClearTuple(new_row);
		slot_getallattrs(row);
		memcpy(new_row->tts_values, row->tts_values,
			   desc->natts * sizeof(Datum));
		memcpy(new_row->tts_isnull, row->tts_isnull,
			   desc->natts * sizeof(bool));
		set_columns(target, new_row, values, isnull);

		CheckCmdReplicaIdentity(rel, CMD_UPDATE);
		if (desc->constr != NULL)
			ExecConstraints(write.result, new_row, write.estate);
		simple_table_tuple_update(rel, &row->tts_tid, new_row,
								  GetActiveSnapshot(), &update_indexes);
		if (update_indexes)
			insert_index_entries(target, rel, write.estate, write.result,
								 new_row, true);
		ExecARUpdateTriggers(write.estate, write.result, NULL, NULL,
							 &row->tts_tid, NULL, new_row, NIL, NULL, false);
	}
	else if (written)
	{
		CheckCmdReplicaIdentity(rel, CMD_DELETE);
		simple_table_tuple_delete(rel, &row->tts_tid, GetActiveSnapshot());
		ExecARDeleteTriggers(write.estate, write.result, &row->tts_tid, NULL,
							 NULL, false);
	}
	PopActiveSnapshot();
	end_write(&write);
	table_close(rel, NoLock);
	pfree(values);
	pfree(isnull);
	return written;
}

bool
rr_row_update(RrRowTarget *target, int64 key, RrRowChange change, void *arg)
{
	return change_row(target, CMD_UPDATE, key, LockWaitBlock, change, arg);
}

bool
rr_row_update_unless_locked(RrRowTarget *target, int64 key,
							RrRowChange change, void *arg)
{
	return change_row(target, CMD_UPDATE, key, LockWaitSkip, change, arg);
}

bool
rr_row_delete(RrRowTarget *target, int64 key, RrRowChange check, void *arg)
{
	return change_row(target, CMD_DELETE, key, LockWaitBlock, check, arg);
}
