/*-------------------------------------------------------------------------
 *
 * executor.h
 *		Running a plan: the order of nodes, items between them, failures.
 *
 * The executor does not know who runs it (a SQL call or, later, a
 * background worker): it gets a plan and input items, runs the nodes as
 * the workflow's owner, and leaves a record of every node run (RrStep)
 * for the caller to journal.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_EXECUTOR_H
#define RR_EXECUTOR_H

#include "postgres.h"

#include "catalog/plan.h"
#include "datatype/timestamp.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"

/* Final states of a node run, as written to reporunner.step.status */
typedef enum RrStepStatus
{
	RR_STEP_SUCCEEDED,
	RR_STEP_FAILED,				/* failed; on_error let the execution go on */
	RR_STEP_SKIPPED				/* disabled: items passed through */
} RrStepStatus;

/* One node run, for the journal. */
typedef struct RrStep
{
	const RrPlanNode *node;
	RrStepStatus status;
	List	  **outputs;		/* per output: items */
	Jsonb	   *error;			/* {"message", "sqlstate", ...} or NULL */
	TimestampTz started_at;
	TimestampTz finished_at;
} RrStep;

/* Per-node bookkeeping while an execution runs. */
typedef struct RrNodeState
{
	bool		done;			/* ran, or will never run */
	int			pending;		/* connections in that have not delivered */
	List	  **inputs;			/* per input: items delivered so far */
	RrStep	   *step;			/* when it ran */
} RrNodeState;

/* One execution of a plan. */
typedef struct RrExecution
{
	RrPlan	   *plan;
	int64		id;				/* reporunner.execution.id, 0 if none */
	const char *mode;			/* "call", ... */
	Jsonb	   *input;			/* the input items as a jsonb array */
	TimestampTz started_at;
	TimestampTz deadline;		/* 0 = no execution timeout */
	RrNodeState *states;		/* per plan node */
	List	   *steps;			/* RrStep *, in the order nodes ran */
	bool		any_failed;		/* some step failed (and on_error went on) */
	MemoryContext context;		/* everything of this execution */
} RrExecution;

/*
 * Run the plan on the input items (a list of Jsonb objects).  Returns the
 * items of the final nodes: those without connections out, in the order
 * they ran.  A node failure that its on_error does not absorb raises an
 * ERROR naming the workflow and node, with the node's SQLSTATE.
 */
extern List *rr_execution_run(RrExecution *execution, List *input_items);

#endif							/* RR_EXECUTOR_H */
