/*-------------------------------------------------------------------------
 *
 * store.h
 *		Running Reporunner's own SQL statements against its tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_STORE_H
#define RR_STORE_H

#include "postgres.h"

#include "executor/spi.h"

/*
 * Open SPI and pin search_path to pg_catalog, pg_temp for the statements
 * that follow, so no schema of the caller can capture a function or
 * operator they use.  Returns the nest level to hand to rr_store_end.
 */
extern int	rr_store_begin(void);

/*
 * Whether the database is distributed by Citus: then every statement run
 * through here runs as the tables' owner, and must name the owner it acts
 * for (store.c).
 */
extern bool rr_store_on_citus(void);
extern void rr_store_end(int nestlevel);

/* Run a parameterised statement; ERROR unless SPI answers "expected". */
extern void rr_store_run(const char *sql, int nargs, Oid *argtypes,
						 Datum *values, int expected);

/*
 * The same for a statement on a hot path: prepared on first use and kept
 * in *plan for the life of the backend (PostgreSQL replans it when the
 * tables change).  nulls as for SPI_execute_plan, or NULL.  Refuses to
 * prepare one while the database has the extension's SQL objects at
 * another version than the library's (before ALTER EXTENSION UPDATE).
 */
extern void rr_store_run_kept(SPIPlanPtr *plan, const char *sql, int nargs,
							  Oid *argtypes, Datum *values, const char *nulls,
							  int expected);

/*
 * rr_store_run_kept for a statement that must read its tables in an
 * index's order however stale their statistics are (a worker's claim on a
 * queue of any length): planned, and replanned, with sequential scans and
 * explicit sorts priced out.
 */
extern void rr_store_run_kept_indexed(SPIPlanPtr *plan, const char *sql,
									  int nargs, Oid *argtypes, Datum *values,
									  const char *nulls, int expected);

/*
 * Lock order of the journal: a statement that changes both an execution's
 * queue row and its execution row must lock the queue row first, as a
 * worker's claim does, or the two can deadlock.  A data-modifying CTE on
 * the queue runs after the main statement unless the main statement reads
 * it; this condition, appended to the main statement's WHERE, reads the
 * CTE (which must have a RETURNING list) before any row is updated.
 */
#define RR_SQL_AFTER_QUEUE_ROW(cte) \
	" AND (SELECT count(*) FROM " cte ") IS NOT NULL"

/* The role that owns Reporunner's tables (the extension's owner). */
extern Oid	rr_store_owner(void);

/*
 * Switch to the tables' owner for writes tenants may not make themselves
 * (versions, the journal), in a security-restricted operation; and back.
 */
extern void rr_store_become_owner(Oid *save_userid, int *save_sec_context);
extern void rr_store_restore_user(Oid save_userid, int save_sec_context);

/*
 * rr_store_run_kept as the tables' owner, for one statement: a write the
 * caller's right to make was checked with its own identity (or a read of
 * rows the caller may not see).
 */
extern void rr_store_run_kept_as_owner(SPIPlanPtr *plan, const char *sql,
									   int nargs, Oid *argtypes,
									   Datum *values, const char *nulls,
									   int expected);

/*
 * A call of one of Reporunner's own functions (a kept plan of one row and
 * one column) as the tables' owner, outside a security-restricted
 * operation: the function runs a workflow, whose nodes act as the
 * workflow's owner as they do under execute().  Returns the value, copied
 * to the memory of the caller of SPI (*isnull when null).
 */
extern Datum rr_store_call_as_owner(SPIPlanPtr *plan, const char *sql,
									int nargs, Oid *argtypes, Datum *values,
									const char *nulls, bool *isnull);

/*
 * A read (a kept plan) as the tables' owner that sees every committed row,
 * even under REPEATABLE READ or SERIALIZABLE, whose own snapshot may be
 * older: for a check made under a lock, which must see what the lock's
 * last holder committed (as the foreign key triggers do).
 */
extern void rr_store_read_latest_as_owner(SPIPlanPtr *plan, const char *sql,
										  int nargs, Oid *argtypes,
										  Datum *values);

/*
 * A write (a kept plan) as the tables' owner with the snapshots of a
 * foreign key's cascade: under READ COMMITTED a new one, taken after the
 * caller's lock; under REPEATABLE READ and SERIALIZABLE the latest, with
 * the transaction's as the cross-check, so that a row committed since the
 * transaction's snapshot fails the statement (40001) rather than being
 * missed.
 */
extern void rr_store_cascade_as_owner(SPIPlanPtr *plan, const char *sql,
									  int nargs, Oid *argtypes,
									  Datum *values, int expected);

/*
 * After a query for the latest saved version of a document that gives
 * (version integer, identical boolean): the version a save writes (1 when
 * none is saved), and *identical when the latest already holds the same
 * document, so that nothing is to be written.
 */
extern int32 rr_store_next_version(bool *identical);

#endif							/* RR_STORE_H */
