/*-------------------------------------------------------------------------
 *
 * row_insert.c
 *		Inserting one row into one of Reporunner's tables on a hot path.
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
 * Row-level security is not applied on either path: the row is written as
 * the tables' owner, for a caller whose right to have it written was
 * checked with its own identity (tenants only read these tables).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/pg_type.h"
#include "catalog/row_insert.h"
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
#include "utils/rel.h"

/* One index of a directly inserted table, as looked up */
typedef struct RrRowIndex
{
	Oid			indexoid;
	IndexInfo  *info;			/* BuildIndexInfo()'s, in the target's context */
	ExprState  *predicate;		/* a partial index's, compiled; else NULL */
	IndexUniqueCheck check;
} RrRowIndex;

/* The targets looked up so far, so that a change of a table forgets them */
static RrRowTarget *looked_up = NULL;

/* Whether target's lookup depends on relation relid: its table or an index */
static bool
depends_on(RrRowTarget *target, Oid relid)
{
	int			i;

	if (relid == InvalidOid || target->relid == relid)
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

/*
 * Look up rel's indexes for inserting into them here (in the target's
 * context, the current one): target->indexes stays NULL when one of them
 * needs the executor's functions.
 */
static void
look_up_indexes(RrRowTarget *target, Relation rel)
{
	List	   *oids = RelationGetIndexList(rel);
	RrRowIndex *indexes = palloc0(Max(list_length(oids), 1) * sizeof(RrRowIndex));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, oids)
	{
		Relation	index = index_open(lfirst_oid(lc), RowExclusiveLock);
		Form_pg_index form = index->rd_index;
		IndexInfo  *info = BuildIndexInfo(index);
		bool		covered = info->ii_Expressions == NIL &&
			info->ii_ExclusionOps == NULL &&
			(!form->indisunique || form->indimmediate);

		index_close(index, NoLock);
		if (!covered)
			return;
		indexes[n].indexoid = lfirst_oid(lc);
		indexes[n].info = info;
		indexes[n].predicate = info->ii_Predicate != NIL ?
			ExecInitQual(info->ii_Predicate, NULL) : NULL;
		indexes[n].check = form->indisunique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO;
		n++;
	}
	target->indexes = indexes;
	target->nindexes = n;
}

/* Whether the INSERT triggers of rel are all row triggers without NEW TABLE */
static bool
row_triggers_only(Relation rel)
{
	TriggerDesc *triggers = rel->trigdesc;

	return triggers == NULL ||
		!(triggers->trig_insert_instead_row ||
		  triggers->trig_insert_before_statement ||
		  triggers->trig_insert_after_statement ||
		  triggers->trig_insert_new_table);
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
	target->direct = all_found && others_plain &&
		rel->rd_rel->relkind == RELKIND_RELATION &&
		row_triggers_only(rel) && !rr_store_on_citus();
	target->sql = NULL;
	old = MemoryContextSwitchTo(target->context);
	if (target->direct)
		look_up_indexes(target, rel);
	else
		target->sql = insert_statement(target);
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
 * as ExecInsertIndexTuples() makes them, in the indexes looked up.
 */
static void
insert_index_entries(RrRowTarget *target, Relation rel, EState *estate,
					 TupleTableSlot *slot)
{
	ExprContext *econtext = GetPerTupleExprContext(estate);
	Datum		values[INDEX_MAX_KEYS];
	bool		isnull[INDEX_MAX_KEYS];
	int			i;

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
			index_insert(index, values, isnull, &slot->tts_tid, rel,
						 entry->check, false, entry->info);
			entry->info->ii_AmCache = NULL;
		}
		index_close(index, NoLock);
	}
	ResetExprContext(econtext);
}

/* The row straight into rel's heap and indexes, as the apply worker does */
static void
insert_directly(RrRowTarget *target, Relation rel, Datum *values,
				bool *isnull)
{
	EState	   *estate = CreateExecutorState();
	RangeTblEntry *rte = makeNode(RangeTblEntry);
	ResultRelInfo *result = makeNode(ResultRelInfo);
	TupleTableSlot *slot;
	Oid			save_userid;
	int			save_sec_context;
	int			i;

	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(rel);
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	ExecInitRangeTable(estate, list_make1(rte));
	InitResultRelInfo(result, rel, 1, NULL, 0);
	/* where the after-trigger code finds it, rather than opening it again */
	estate->es_opened_result_relations = list_make1(result);
	estate->es_output_cid = GetCurrentCommandId(true);
	if (target->indexes == NULL)
		ExecOpenIndices(result, false);

	slot = ExecInitExtraTupleSlot(estate, RelationGetDescr(rel),
								  &TTSOpsVirtual);
	ExecClearTuple(slot);
	memset(slot->tts_isnull, true,
		   RelationGetDescr(rel)->natts * sizeof(bool));
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

	rr_store_become_owner(&save_userid, &save_sec_context);
	AfterTriggerBeginQuery();
	ExecSimpleRelationInsert(result, estate, slot);
	if (target->indexes != NULL)
		insert_index_entries(target, rel, estate, slot);
	AfterTriggerEndQuery(estate);
	rr_store_restore_user(save_userid, save_sec_context);

	ExecCloseResultRelations(estate);
	ExecResetTupleTable(estate->es_tupleTable, false);
	FreeExecutorState(estate);
	CommandCounterIncrement();
}

void
rr_row_insert(RrRowTarget *target, Datum *values, bool *isnull)
{
	Oid			relid = target->relid;
	Relation	rel;

	if (!OidIsValid(relid))
		relid = rr_table_relid(target->table);
	rel = table_open(relid, RowExclusiveLock);
	/* not looked up yet, or forgotten while the lock was taken */
	if (target->relid != relid)
		look_up(target, rel);
	if (target->direct)
		insert_directly(target, rel, values, isnull);
	table_close(rel, NoLock);
	if (!target->direct)
		insert_by_statement(target, values, isnull);
}
