/*-------------------------------------------------------------------------
 *
 * row_write.h
 *		Writing one row of one of Reporunner's tables on a hot path:
 *		inserting it, updating or deleting it by its primary key.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ROW_WRITE_H
#define RR_ROW_WRITE_H

#include "postgres.h"

#include "executor/spi.h"
#include "nodes/nodes.h"

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
	bool		direct_update;	/* updated by key without a statement */
	bool		direct_delete;	/* deleted by key without a statement */
	Oid			primary_key;	/* its index, when one bigint column */
	AttrNumber *attnums;		/* per column */
	Oid		   *domains;		/* per column: its domain, or InvalidOid */
	void	  **domain_checks;	/* per column: domain_check()'s cache */
	Oid		   *argtypes;		/* per column: the statement's parameter */
	int			nindexes;		/* when direct: the table's indexes */
	struct RrRowIndex *indexes; /* or NULL: through ExecOpenIndices() */
	char	   *sql;			/* the INSERT statement, when not direct */
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

/*
 * Whether target's table takes an update or a delete (operation) of a row
 * found by its primary key without a statement: not on Citus, nor when the
 * table has row triggers that run before it, statement-level triggers for
 * it, or a primary key of another kind than one bigint column.  Callers
 * that get false run a statement of their own instead.
 */
extern bool rr_row_direct(RrRowTarget *target, CmdType operation);

/*
 * Given the current values of a row's target columns (values[i] and
 * isnull[i] for columns[i]), whether to write it: for an update, after
 * changing them in place to the row's new values (a new value must live
 * until the write).
 */
typedef bool (*RrRowChange) (Datum *values, bool *isnull, void *arg);

/*
 * Update or delete the row of target's table whose primary key is key, if
 * there is one and change says so, as the tables' owner, in the caller's
 * transaction, and make that visible to the caller's next command; return
 * whether it was written.  The row is locked first (FOR NO KEY UPDATE, or
 * FOR UPDATE to delete it), waiting for a concurrent writer and reading
 * its latest version, as an UPDATE in READ COMMITTED would; change sees
 * that version.  Only where rr_row_direct() said so.
 */
extern bool rr_row_update(RrRowTarget *target, int64 key, RrRowChange change,
						  void *arg);
extern bool rr_row_delete(RrRowTarget *target, int64 key, RrRowChange check,
						  void *arg);

/*
 * rr_row_update(), except that a row another transaction has locked is
 * neither waited for nor written (false, as for no row).  The row it
 * finds unlocked stays locked to the end of the transaction, written or
 * not.
 */
extern bool rr_row_update_unless_locked(RrRowTarget *target, int64 key,
										RrRowChange change, void *arg);

#endif							/* RR_ROW_WRITE_H */
