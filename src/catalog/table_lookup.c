/*-------------------------------------------------------------------------
 *
 * table_lookup.c
 *		Reporunner's tables as hot paths read them without SQL: a table's
 *		OID, one of its indexes and the numbers of some of its columns.
 *
 * The lookups of a saved execute() (its workflow by name, the version it
 * holds) scan one index each with systable_beginscan().  Looking the
 * table, the index and the columns up by name every time cost as much as
 * the scan, so they are looked up once, on first use, and again after the
 * table changes (any relcache invalidation of it, or of all relations).
 * The lookup is checked after the table is locked: an invalidation that
 * arrives while the lock is taken is seen.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/table_lookup.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

/* The lookups made so far, so that a change of a table forgets them */
static RrTableLookup *lookups_made = NULL;

static void
forget_lookups(Datum arg, Oid relid)
{
	RrTableLookup *lookup;

	for (lookup = lookups_made; lookup != NULL; lookup = lookup->next)
		if (relid == InvalidOid || lookup->relid == relid)
			lookup->relid = InvalidOid;
}

/* Fill lookup from rel, locked */
static void
look_up(RrTableLookup *lookup, Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	int			i;

	Assert(lookup->ncolumns <= RR_TABLE_LOOKUP_MAX_COLUMNS);
	if (lookup->index == NULL)
		lookup->indexid = RelationGetPrimaryKeyIndex(rel);
	else
		lookup->indexid = get_relname_relid(lookup->index,
											RelationGetNamespace(rel));
	if (!OidIsValid(lookup->indexid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("index %s of table reporunner.%s does not exist",
						lookup->index ? lookup->index : "(primary key)",
						lookup->table),
				 errhint("Run ALTER EXTENSION reporunner UPDATE.")));
	for (i = 0; i < lookup->ncolumns; i++)
	{
		lookup->attnums[i] = get_attnum(relid, lookup->columns[i]);
		if (lookup->attnums[i] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table reporunner.%s does not exist",
							lookup->columns[i], lookup->table),
					 errhint("Run ALTER EXTENSION reporunner UPDATE.")));
	}
	lookup->relid = relid;
}

Oid
rr_table_relid(const char *table)
{
	Oid			relid = get_relname_relid(table,
										  get_namespace_oid("reporunner", false));

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table reporunner.%s does not exist", table),
				 errhint("Run ALTER EXTENSION reporunner UPDATE.")));
	return relid;
}

bool
rr_table_is_ours(Oid relid)
{
	return get_rel_namespace(relid) == get_namespace_oid("reporunner", false);
}

Relation
rr_table_lookup_open(RrTableLookup *lookup, LOCKMODE mode)
{
	static bool callback_registered = false;
	Oid			relid = lookup->relid;
	Relation	rel;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(forget_lookups, (Datum) 0);
		callback_registered = true;
	}
	if (!OidIsValid(relid))
		relid = rr_table_relid(lookup->table);
	rel = table_open(relid, mode);
	/* not looked up yet, or forgotten while the lock was taken */
	if (lookup->relid != relid)
	{
		RrTableLookup *made;

		for (made = lookups_made; made != NULL; made = made->next)
			if (made == lookup)
				break;
		if (made == NULL)
		{
			lookup->next = lookups_made;
			lookups_made = lookup;
		}
		look_up(lookup, rel);
	}
	return rel;
}
