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

struct RrStep;

/*
 * Items one run of a node's output delivered along one connection, or,
 * with check set, an entry of the executor's stack that only looks at a
 * node whose connections in all resolved.  A node with one input runs
 * once per delivery; a node with several collects its deliveries (next)
 * and runs once.
 */
typedef struct RrDelivery
{
	int			to;				/* index of the receiving node */
	int			input;			/* its input */
	struct RrStep *from;		/* the run that delivered; NULL: the
								 * execution's input (a trigger) */
	int			output;			/* from's output */
	List	   *items;
	bool		check;			/* no delivery: see whether to is done */
	struct RrDelivery *next;	/* the run's next delivery */
} RrDelivery;

/*
 * A delivery of items (check false, unless from and items are both NULL:
 * then a look at node to, whether it is done; executor.c).
 */
extern RrDelivery *rr_delivery_new(int to, int input, struct RrStep *from,
								   int output, List *items);

/* One node run, for the journal. */
typedef struct RrStep
{
	const RrPlanNode *node;
	int			run_index;		/* 0 for the node's first run, then 1, ... */
	RrDelivery *delivered;		/* what the run received, in order */
	RrStepStatus status;
	int			attempt;		/* 1, or more after retries */
	TimestampTz wake_at;		/* a paused node: when to go on, else 0 */
	List	  **outputs;		/* per output: items */
	RrPairing  *paired;			/* per output: where its items came from;
								 * NULL: item i from input item i (pairing.c) */
	Jsonb	   *error;			/* {"message", "sqlstate", ...} or NULL */
	TimestampTz started_at;
	TimestampTz finished_at;
} RrStep;

/*
 * Per-node bookkeeping while an execution runs.  pending and queued are
 * kept for a loop (RrPlanNode.component) at its first node only.
 */
typedef struct RrNodeState
{
	bool		done;			/* will never run (again) */
	int			pending;		/* connections in from outside its loop
								 * that have not resolved */
	int			queued;			/* deliveries on the stack, not yet run */
	int			runs;			/* runs so far: the next run_index */
	List	  **inputs;			/* per input: the items of the run at hand */
	RrDelivery *delivered;		/* their deliveries, in order */
	void	   *context;		/* the node type's, across its runs */
	RrStep	   *step;			/* its latest run */
} RrNodeState;

struct RrExecution;

/*
 * Hooks of a durable run (a background worker).  adopt_step is called
 * before every node and returns the journaled outcome of the node's run in
 * an earlier attempt of the execution, or NULL when it must run (it may
 * commit first); step_done is called after every node run, in the
 * transaction the node ran in, and may commit it.
 */
typedef RrStep *(*RrAdoptStepHook) (struct RrExecution *execution,
									const RrPlanNode *node);
typedef void (*RrStepDoneHook) (struct RrExecution *execution, RrStep *step);

/*
 * More hooks of a durable run, for nodes that pause (wait): when the
 * node's earlier run asked to be woken (0 if never), and recording that it
 * pauses now (the step holds its input items and wake_at).
 */
typedef TimestampTz (*RrWaitingUntilHook) (struct RrExecution *execution,
										   const RrPlanNode *node);
typedef void (*RrSuspendHook) (struct RrExecution *execution, RrStep *step);

/* The attempt the node's next run is: 1, or more after failed attempts. */
typedef int (*RrNextAttemptHook) (struct RrExecution *execution,
								  const RrPlanNode *node);

/*
 * Hooks of a durable run that let a node wait for the world outside with
 * no transaction open: release commits the open transaction when it holds
 * nothing (false when it must stay), resume begins the next one.
 */
typedef bool (*RrReleaseHook) (struct RrExecution *execution);
typedef void (*RrResumeHook) (struct RrExecution *execution);

struct OwnerScope;

/* One execution of a plan. */
typedef struct RrExecution
{
	RrPlan	   *plan;
	int64		id;				/* reporunner.execution.id, 0 if none */
	const char *mode;			/* "call", ... */
	int64		trigger_id;		/* the trigger that started it, or 0 */
	int64		parent_id;		/* the execution that called it, or 0 */
	int			call_level;		/* a durable run's execution.call_level (1
								 * when NULL); 0 inside one transaction */
	Jsonb	   *input;			/* the input items as a jsonb array */
	TimestampTz started_at;
	TimestampTz deadline;		/* 0 = no execution timeout */
	RrNodeState *states;		/* per plan node */
	List	   *steps;			/* RrStep *, in the order nodes ran */
	int			nruns;			/* node runs so far (settings.max_node_runs) */
	bool		any_failed;		/* some step failed (and on_error went on) */
	const RrPlanNode *running;	/* the node running now, if any */
	MemoryContext context;		/* everything of this execution */
	RrAdoptStepHook adopt_step; /* NULL for a run inside one transaction */
	RrStepDoneHook step_done;
	RrWaitingUntilHook waiting_until;
	RrSuspendHook suspend;
	RrNextAttemptHook next_attempt;
	RrReleaseHook release_transaction;
	RrResumeHook resume_transaction;
	struct OwnerScope *owner_scope; /* a durable run's node code runs in
									 * this one now */
	bool		suspended;		/* a node paused the execution */

	/*
	 * A durable run that stops to go on later in the same process, with
	 * the steps so far adopted by adopt_step when it runs the plan again:
	 * adopt_step sets stopped to stop before the node it was called for,
	 * or defer_next to let that node defer its work (rr_node_defer); a
	 * node that did stops the run too, its work in deferred.  Set
	 * deferred_node and deferred to run that node again with its work.
	 */
	bool		stopped;
	bool		defer_next;
	const RrPlanNode *deferred_node;
	void	   *deferred;
	bool		timed_out;		/* a node or the execution ran out of time */
	Jsonb	  **pinned;			/* test_workflow(): per plan node, the items
								 * it gives instead of running, or NULL */
} RrExecution;

/*
 * Run the plan on the input items (a list of Jsonb objects).  Returns the
 * items of the final nodes: those without connections out, in the order
 * they ran.  A node failure that its on_error does not absorb raises an
 * ERROR naming the workflow and node, with the node's SQLSTATE.  With
 * hooks set (a durable run), nodes whose outcome is journaled are not run
 * again, and node code runs as the owner one node at a time, so the hooks
 * may commit between nodes.  Executions nest (a node may call execute())
 * at most reporunner.max_call_depth levels deep.
 */
extern List *rr_execution_run(RrExecution *execution, List *input_items);

/*
 * Whether a durable run may let the node defer its work: its type can,
 * and no timeout (the node's or the execution's) would have to count the
 * time the work waits for others.
 */
extern bool rr_node_deferrable(RrExecution *execution, const RrPlanNode *node);

/*
 * The order in which an execution of the plan takes up its nodes, as
 * indexes into plan->nodes, in order[] (room for plan->nnodes); returns
 * how many.  The order does not depend on the items: a node taken up
 * whose inputs all received nothing is skipped instead of run.  Nodes
 * that nothing connects to, other than triggers, are never taken up.
 */
extern int	rr_plan_order(const RrPlan *plan, int *order);

/*
 * Raise the nesting error (54001) when a call of workflow would be level
 * level (the outermost execution is level 1) and reporunner.max_call_depth
 * allows fewer.
 */
extern void rr_check_call_depth(const char *workflow, int level);

/*
 * Whether the execution running in this process (with those nested in
 * it) passed one of its limits: reporunner.max_call_depth,
 * settings.max_node_runs, reporunner.max_node_items or
 * reporunner.max_execution_memory.
 */
extern bool rr_execution_limit_passed(void);

/*
 * Raise the error of reporunner.max_execution_memory (54000, which
 * on_error does not absorb) when execution holds more than that, at node:
 * after every node run, and while a node gathers much (the responses of
 * an http node's requests).
 */
extern void rr_check_execution_memory(const RrExecution *execution,
									  const RrPlanNode *node);

/*
 * The level of the innermost execution running in this process (0 when
 * none runs): those nested here, on top of the durable run's level if one
 * runs, on top of the level a call for another process was made at.
 */
extern int	rr_running_level(void);

/*
 * A call made by another process for an execution running at level (0:
 * none) runs here, on a Citus node for the coordinator (execute_on_node(),
 * start_on_node()): the executions it runs or queues count from that
 * level.  Returns what rr_leave_call_level() restores, at the end of the
 * call or on error.
 */
extern int	rr_enter_call_level(int level);
extern void rr_leave_call_level(int saved);

/*
 * An execution of workflow is queued (start(), retry(), an async table
 * trigger, ...), maybe by the code of executions running in this process:
 * sets *level to its level, one more than theirs (the durable run's
 * call_level plus the executions nested in it here), or 1 outside of any,
 * and raises the nesting error when that is deeper than
 * reporunner.max_call_depth.  Returns the id of the durable run, the
 * queued execution's parent, or 0 for none.
 */
extern int64 rr_check_queued_call_depth(const char *workflow, int *level);

/*
 * The level of the error workflow of an execution that failed at
 * failed_level: one deeper, but no deeper than reporunner.max_call_depth,
 * so that the failure of a workflow that went too deep is still reported
 * (an error workflow starts no error workflow of its own).
 */
extern int	rr_error_workflow_level(int failed_level);

/* Define the executor's settings (reporunner.max_call_depth); _PG_init. */
extern void rr_executor_init(void);

/*
 * Workflow input as items: a jsonb array of objects, or one object meaning
 * one item.  Anything else raises an ERROR.
 */
extern List *rr_items_from_jsonb(Jsonb *input);

/* Items (Jsonb objects) as one jsonb array. */
extern Jsonb *rr_items_to_jsonb(List *items);

/* Push a whole jsonb value (an item) as token WJB_ELEM or WJB_VALUE */
extern void rr_push_jsonb(JsonbParseState **state, JsonbIteratorToken token,
						  Jsonb *value);

/*
 * A failure as journaled: {"node", "message", "sqlstate", "detail",
 * "hint"} (node NULL: the execution failed outside any node), each text
 * cut to a size the journal can always hold.
 */
extern Jsonb *rr_error_jsonb(const RrPlanNode *node, ErrorData *edata);

/* The step's outputs as {"output name": [items], ...} (journal format). */
extern Jsonb *rr_step_outputs_jsonb(const RrStep *step);

/* The inverse, for adopting a journaled step: outputs per output index. */
extern List **rr_step_outputs_from_jsonb(const RrPlanNode *node, Jsonb *outputs);

#endif							/* RR_EXECUTOR_H */
