/*-------------------------------------------------------------------------
 *
 * journal.h
 *		Writing executions and their steps to reporunner.execution/step.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_JOURNAL_H
#define RR_JOURNAL_H

#include "postgres.h"

#include "engine/executor.h"

/*
 * Steps as one array per column (node, attempt, status, output, error,
 * started_at, finished_at), for an INSERT ... SELECT over RR_STEP_ROWS:
 * values[RR_STEP_ARRAYS] of the types rr_step_array_types.
 */
#define RR_STEP_ARRAYS 7
extern const Oid rr_step_array_types[RR_STEP_ARRAYS];
extern void rr_journal_step_arrays(List *steps, Datum *values);

/* The rows of those arrays, from the parameters named, as s(columns) */
#define RR_STEP_ROWS(node, attempt, status, output, error, started, finished) \
	"ROWS FROM (pg_catalog.unnest(" node "::pg_catalog.text[])," \
	" pg_catalog.unnest(" attempt "::pg_catalog.int4[])," \
	" pg_catalog.unnest(" status "::pg_catalog.text[])," \
	" pg_catalog.unnest(" output "::pg_catalog.jsonb[])," \
	" pg_catalog.unnest(" error "::pg_catalog.jsonb[])," \
	" pg_catalog.unnest(" started "::pg_catalog.timestamptz[])," \
	" pg_catalog.unnest(" finished "::pg_catalog.timestamptz[]))" \
	" AS s(node, attempt, status, output, error, started_at, finished_at)"

/* A new execution id, taken before the execution runs. */
extern int64 rr_journal_new_id(void);

/*
 * Write an execution that finished with "status" and all its steps, in
 * the current transaction.  output is the execution's result items (a
 * jsonb array) or NULL; error its failure or NULL.
 */
extern void rr_journal_write(RrExecution *execution, const char *status,
							 Jsonb *output, Jsonb *error, Oid created_by);

/*
 * Announce at commit that an execution ended: pg_notify on channel
 * reporunner_execution with {"id"} and nothing more.  Any role may LISTEN
 * on, and NOTIFY, any channel: the payload tells nothing of a tenant's
 * workflow, and listeners read the execution's row (row-level security
 * decides whether they may) rather than trust the payload.
 */
extern void rr_notify_execution(int64 id);

/*
 * Delete up to limit executions (with their steps) that finished more
 * than older_than_seconds ago; returns how many (src/engine/queue.c).
 */
extern int64 rr_prune_executions(int64 older_than_seconds, int limit);

#endif							/* RR_JOURNAL_H */
