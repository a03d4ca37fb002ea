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
 * reporunner_execution with {"id", "workflow", "status"}.
 */
extern void rr_notify_execution(int64 id, const char *workflow,
								const char *status);

/*
 * Delete up to limit executions (with their steps) that finished more
 * than older_than_seconds ago; returns how many (src/engine/queue.c).
 */
extern int64 rr_prune_executions(int64 older_than_seconds, int limit);

#endif							/* RR_JOURNAL_H */
