/*-------------------------------------------------------------------------
 *
 * journal.h
 *		Writing executions and their steps (see journal.c for where).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_JOURNAL_H
#define RR_JOURNAL_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "engine/executor.h"

/*
 * The steps (RrStep *) as the json array execution.steps holds: per step
 * node, status, attempt (when more than 1), output, error (when there is
 * one), started_at and finished_at (ISO 8601, UTC).
 */
extern text *rr_journal_steps_json(List *steps);

/* A step status as step.status has it: "succeeded", "failed", "skipped". */
extern const char *rr_step_status_name(RrStepStatus status);

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
 * The SQL API's writes (src/catalog/execute.c), each once the caller's
 * right to make it is checked, made as the tables' owner.  Each names the
 * owner of the execution it writes (on Citus, the shard it goes to).
 */

/*
 * The owner of an execution, InvalidOid when there is none, for callers
 * given only its id (on Citus a read of every shard: not on a hot path).
 */
extern Oid	rr_journal_execution_owner(int64 execution);

/* An execution to queue (rr_journal_enqueue) */
typedef struct RrEnqueue
{
	int64		workflow_id;
	const char *workflow_name;	/* for the nesting error */
	int32		version;
	Oid			owner;			/* the workflow's owner */
	Jsonb	   *input;			/* its items, as a jsonb array */
	bytea	   *input_rows;		/* or, with input NULL, a statement's rows
								 * (src/engine/packed_rows.c) */
	const char *idempotency_key;	/* NULL: none */
	Oid			caller;			/* the role it runs for */
	int32		priority;
	TimestampTz ready_at;
	const char *mode;			/* "start", "table", "schedule", "notify",
								 * "subworkflow" */
	int64		trigger_id;		/* the trigger that started it, or 0 */
	int64		parent_id;		/* the execution that called it, or 0: the
								 * durable run whose node code queues it,
								 * if any; its level is one more than what
								 * runs in this process
								 * (rr_check_queued_call_depth) */
} RrEnqueue;

/*
 * start(), triggers and sub-workflows: a queued execution and its queue
 * row; returns its id, or that of the execution that used its idempotency
 * key before.
 */
extern int64 rr_journal_enqueue(const RrEnqueue *queued);

/*
 * A worker turned a statement's packed rows into the execution's input
 * items: keep those instead.
 */
extern void rr_journal_unpacked_input(int64 execution, Oid owner,
									  Jsonb *input);

/*
 * cancel() of execution (of owner): true when it was queued, running or waiting and is
 * canceled now, with the sub-workflows it runs (each notified at commit);
 * *worker_pids are the processes running them.  *woke_parent: the
 * execution was a sub-workflow whose caller now runs again to fail.
 */
extern bool rr_journal_cancel(int64 execution, Oid owner,
							  List **worker_pids, bool *woke_parent);

/*
 * A sub-workflow (child, of owner) ended: when it was the last one its
 * caller waits for, queue the caller again.  True when it did.  The caller
 * may have another owner: the role that queued the child.
 */
extern bool rr_journal_wake_parent(int64 child, Oid owner);

/*
 * resume() of execution (of owner): true when it was waiting and is queued
 * again.
 */
extern bool rr_journal_resume(int64 execution, Oid owner, Jsonb *payload);

/*
 * retry(): a new execution of a failed one (of owner, running version of
 * workflow_id, called workflow) for caller, with the steps that succeeded
 * (those started before from_node_start unless that is 0), as deep as
 * what queues it makes it (rr_check_queued_call_depth); returns its id.
 */
extern int64 rr_journal_retry(int64 execution, Oid owner, int64 workflow_id,
							  int32 version, const char *workflow, Oid caller,
							  TimestampTz from_node_start);

/*
 * The record of a failed execute() of version of workflow_id
 * (src/engine/failed_call.c), in the transaction of the worker that writes
 * it apart from the caller's.
 */
extern void rr_journal_write_failed_call(Jsonb *record, int64 workflow_id,
										 int32 version);

/*
 * The writes of a durable run in a worker (src/engine/durable_run.c), in
 * the worker's transaction.
 */

/* Steps run since the last save (RrStep *), in one statement. */
extern void rr_journal_save_steps(int64 execution, Oid owner, List *steps);

/*
 * The first commit of a run: the execution is running, leased by this
 * process, and out of the claims' way until it waits, ends or is requeued.
 */
extern void rr_journal_start_running(int64 execution, Oid owner,
									 TimestampTz started_at);

/*
 * The end of a run, with its unsaved steps (as rows of step_journal when
 * steps_journaled: the execution has some), status, output or error, out
 * of the queue, notified at commit.  False when cancel() was first.
 */
extern bool rr_journal_finish(int64 execution, Oid owner, List *steps,
							  bool steps_journaled, const char *status,
							  Jsonb *output, Jsonb *error,
							  TimestampTz started_at);

/*
 * A node pauses the execution (step, its wake_at DT_NOEND: until
 * resume()): it leaves the queue and waits.
 */
extern void rr_journal_suspend(int64 execution, Oid owner, const RrStep *step,
							   TimestampTz started_at);

/* A failed attempt of node's run run_index, which runs again in delay_ms. */
extern void rr_journal_retry_later(int64 execution, const char *node,
								   int run_index, Oid owner, int attempt,
								   Jsonb *error, int64 delay_ms,
								   TimestampTz started_at);

/* An interrupted execution goes back into the queue, to resume. */
extern void rr_journal_requeue(int64 execution, Oid owner,
							   TimestampTz started_at);

/*
 * An execution whose workflow runs as many as its settings.concurrency
 * allows steps out of the claims' way until then, giving up its lease.
 */
extern void rr_journal_hold_back(int64 execution, Oid owner,
								 TimestampTz until);

/*
 * The lease of a worker (process id pid) that died is given up: the
 * execution is ready again, to resume from its last committed step.  Not
 * while another transaction has its queue row locked (one that deletes
 * the execution, say): the lease is left for a later call.  Returns
 * whether it was given up (not when the row is locked, gone, or leased
 * by another process by now).
 */
extern bool rr_journal_free_lease(int64 execution, Oid owner, int32 pid);


/*
 * Queue owner's workflow called workflow, if it has an active version,
 * with input, as the error workflow of execution failed (at call level
 * failed_level: rr_error_workflow_level() gives the error workflow's);
 * false if none.
 */
extern bool rr_journal_start_error_workflow(Oid owner, const char *workflow,
											Jsonb *input, int64 failed,
											int failed_level);

/* The queue's housekeeping (src/engine/queue.c). */

/*
 * Waiting executions whose time has come go back into the queue: those of
 * one owner (on Citus, on that owner's shard), or of every owner, each
 * owner's in a statement of its own.
 */
extern void rr_journal_wake_due_owner(Oid owner);
extern void rr_journal_wake_due(void);

/*
 * The executions retention deletes: ended more than $1 seconds ago.  One
 * condition for the statements that find them and the ones that delete
 * them (here, and src/engine/local_queue.c on Citus).
 */
#define RR_SQL_PRUNABLE \
	"finished_at < pg_catalog.now() - $1 * interval '1 second'" \
	" AND status IN ('succeeded', 'failed', 'canceled')"

/*
 * Delete up to limit executions (with their steps) that finished more
 * than older_than_seconds ago; returns how many.
 */
extern int64 rr_prune_executions(int64 older_than_seconds, int limit);

/*
 * The same for one owner's executions: on Citus, a statement on that
 * owner's shard (the workers of each node prune the owners whose
 * executions the node holds, src/engine/queue.c).
 */
extern int64 rr_prune_executions_owner(Oid owner, int64 older_than_seconds,
									   int limit);

/*
 * Drop the kept plans of these statements, to be planned afresh (workers
 * do so now and then: see src/engine/queue.c).
 */
extern void rr_journal_forget_plans(void);

/*
 * Journal a model call of an ai_agent node in a background run: the
 * model's message and usage for turn of the conversation of input item in
 * the node's run run_index (reporunner.agent_turn), in the current
 * transaction.
 */
extern void rr_journal_agent_turn(int64 execution, const char *node,
								  int run_index, int attempt, int item,
								  int turn, Oid owner, Jsonb *message,
								  Jsonb *usage);

/*
 * Before workflow_id (of owner) is deleted: the queue rows of its
 * executions, so that the deletion locks them in the workers' order.
 */
extern void rr_journal_forget_queued(int64 workflow_id, Oid owner);

#endif							/* RR_JOURNAL_H */
