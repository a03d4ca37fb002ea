/*-------------------------------------------------------------------------
 *
 * row_insert.h
 *		Inserting one row into one of Reporunner's tables on a hot path.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ROW_INSERT_H
#define RR_ROW_INSERT_H

#include "postgres.h"

#include "executor/spi.h"

/*
 * A table of schema reporunner and the columns a caller gives values for,
 * in the order of its values.  Declare one static per call site with
 * RR_ROW_TARGET; the rest is filled on first use and forgotten when the
 * table changes.
 */
typedef struct RrRowTarget
{
	const char *table;
	int			ncolumns;
	const char *const *columns;

	/* what the table is, looked up when relid is invalid */
	Oid			relid;
	bool		direct;			/* inserted without a statement */
	AttrNumber *attnums;		/* per column */
	Oid		   *domains;		/* per column: its domain, or InvalidOid */
	void	  **domain_checks;	/* per column: domain_check()'s cache */
	Oid		   *argtypes;		/* per column: the statement's parameter */
	int			nindexes;		/* when direct: the table's indexes */
	struct RrRowIndex *indexes; /* or NULL: through ExecOpenIndices() */
	char	   *sql;			/* the statement, when not direct */
	SPIPlanPtr	plan;			/* its kept plan */
	MemoryContext context;		/* holds the above */
	struct RrRowTarget *next;	/* targets looked up, for forgetting */
} RrRowTarget;

#define RR_ROW_TARGET(table_name, column_names) \
	{.table = (table_name), .ncolumns = lengthof(column_names), \
	 .columns = (column_names)}

/*
 * Insert one row (values[i] and isnull[i] for columns[i]; every other
 * column NULL) as the tables' owner, in the caller's transaction, and make
 * it visible to the caller's next command.  Constraints, domains, indexes
 * and row triggers (foreign keys) act as for an INSERT; row-level security
 * is not applied (the engine writes rows tenants may only read).
 */
extern void rr_row_insert(RrRowTarget *target, Datum *values, bool *isnull);

#endif							/* RR_ROW_INSERT_H */
