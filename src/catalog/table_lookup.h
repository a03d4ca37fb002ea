/*-------------------------------------------------------------------------
 *
 * table_lookup.h
 *		Reporunner's tables as hot paths read them without SQL.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_TABLE_LOOKUP_H
#define RR_TABLE_LOOKUP_H

#include "postgres.h"

#include "storage/lockdefs.h"
#include "utils/relcache.h"

#define RR_TABLE_LOOKUP_MAX_COLUMNS 4

/*
 * A table of schema reporunner, one of its indexes and some of its
 * columns.  Declare one static per use with RR_TABLE_LOOKUP; the rest is
 * filled by rr_table_lookup_open() and forgotten when the table changes.
 */
typedef struct RrTableLookup
{
	const char *table;
	const char *index;			/* NULL: the primary key */
	int			ncolumns;
	const char *const *columns;

	/* looked up when relid is invalid */
	Oid			relid;
	Oid			indexid;
	AttrNumber	attnums[RR_TABLE_LOOKUP_MAX_COLUMNS];	/* per column */
	struct RrTableLookup *next; /* lookups made, for forgetting */
} RrTableLookup;

#define RR_TABLE_LOOKUP(table_name, index_name, column_names) \
	{.table = (table_name), .index = (index_name), \
	 .ncolumns = lengthof(column_names), .columns = (column_names)}

/* The OID of table reporunner.<table> (ERROR when it is missing) */
extern Oid	rr_table_relid(const char *table);

/*
 * Whether relation relid is in schema reporunner, where only the
 * extension makes tables (one of its own, or a Citus shard of one): the
 * extension's trigger functions act as the tables' owner on the rows they
 * are given, so they check that they were not put on a tenant's table
 */
extern bool rr_table_is_ours(Oid relid);

/*
 * Open the table in mode, its index and columns looked up (ERROR when one
 * is missing: the extension's SQL objects are of another version).
 */
extern Relation rr_table_lookup_open(RrTableLookup *lookup, LOCKMODE mode);

#endif							/* RR_TABLE_LOOKUP_H */
