/*-------------------------------------------------------------------------
 *
 * node_handler.h
 *		The interface between the executor and the node types.
 *
 * Each node type is one file in src/nodes/ that exports one RrNodeHandler,
 * rr_node_<type>, for a type of the list in src/document/node_types.h.  The executor calls
 * "prepare" once when a plan is built (compile params and expressions
 * there, never per item) and "execute" for every run of the node.
 *
 * Items are jsonb objects (Jsonb *).  A node reads the items of each
 * input from run->inputs[i] and appends what it emits to run->outputs[o]
 * with rr_emit_paired() (or rr_emit_from() when an item comes from other
 * items than one of input 0), which also records the input item it came
 * from (n8n's pairedItem, followed by $('Node').item).  Outputs are
 * numbered as in the document: for "if", 0 = "true" and 1 = "false"; for
 * "switch", one per rule then "fallback";
 * "error" (when the node has on_error = error_output) is handled by the
 * executor, not by nodes.  A node reports failure by raising an ERROR; the
 * executor applies on_error, timeouts and disabled/execute_once/
 * always_output_data, so nodes never look at those settings.
 *
 * Memory: "prepare" runs in the plan's memory context (lives as long as
 * the cached plan); "execute" runs in the execution's memory context,
 * which is deleted when the execution ends, so nodes allocate freely and
 * free nothing.  Emitted items must stay valid until then.  Every loop
 * over items calls rr_item_done (rr_emit does), which checks for
 * interrupts and keeps the execution within its limits.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_NODE_HANDLER_H
#define RR_NODE_HANDLER_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"

struct RrPlanNode;
struct RrExecution;

/*
 * Where the items of one output came from (n8n's pairedItem): per item a
 * code, RR_PAIRED_NONE (from no input item), n >= 0 (item n of input 0), or
 * RR_PAIRED_LIST(at) for several sources or another input: lists[at] is
 * their count, then (input, item) pairs.  codes stays NULL while every item
 * came from the input 0 item of its own position (the common case: no
 * allocation); len counts the items described.
 */
typedef struct RrPairing
{
	int32	   *codes;
	int			len;
	int			cap;
	int32	   *lists;
	int			lists_len;
	int			lists_cap;
} RrPairing;

#define RR_PAIRED_NONE			(-1)
#define RR_PAIRED_LIST(at)		(-2 - (at))
#define RR_PAIRED_LIST_AT(code)	(-2 - (code))

/* An input item an output item came from. */
typedef struct RrItemSource
{
	int32		input;
	int32		item;
} RrItemSource;

/* One run of one node. */
typedef struct RrNodeRun
{
	struct RrExecution *execution;	/* the execution it belongs to */
	const struct RrPlanNode *node;	/* the node, with its prepared state */
	int			ninputs;
	List	  **inputs;			/* per input: list of Jsonb * items */
	int			noutputs;		/* outputs the node itself fills */
	List	  **outputs;		/* per output: list of Jsonb * items */
	RrPairing  *paired;			/* per output: where its items came from */
	void	   *expr_cache;		/* src/expr's: what expressions read more
								 * than once in this run */
	uint32		items_seen;		/* engine-private: see rr_item_done */

	/*
	 * Pausing (the wait node).  waiting_until is when an earlier run of the
	 * node asked to be woken (0 on its first run; DT_NOEND for "until
	 * resume()").  A node that wants the execution to pause sets
	 * suspend_until instead of emitting items; the executor then keeps its
	 * input items and stops until that time or a resume().
	 */
	TimestampTz waiting_until;
	TimestampTz suspend_until;

	/* 1, or the number of this try when the node's retry policy ran it again */
	int			attempt;

	/*
	 * The node's runs in this execution: run_index is 0 for the first, and
	 * *context what the node type keeps from one run to the next (NULL
	 * before the first), allocated in the execution's memory context.
	 */
	int			run_index;
	void	  **context;

	/*
	 * Deferring (src/engine/README.md): a node that may_defer may hand its
	 * work over with rr_node_defer() instead of doing it; the execution
	 * then stops at the node, the engine does the work of many executions
	 * at once (the handler's run_deferred), with no transaction open, and
	 * runs the node again with deferred set to that work, done.
	 */
	bool		may_defer;
	void	   *deferred;
	void	   *deferring;		/* engine-private: what rr_node_defer got */

	/* engine-private: see rr_node_release_transaction */
	bool		in_subtransaction;	/* on_error runs it in one */
	bool		transaction_renewed;	/* released and resumed since */
} RrNodeRun;

/* What a node type provides. */
typedef struct RrNodeHandler
{
	bool		side_effects;	/* writes data or sends anything out */

	/*
	 * Its runs depend on its earlier runs in the execution (run->context):
	 * a durable run resuming after a crash runs the node again rather than
	 * adopting its journaled steps, to rebuild the context.  Only for pure
	 * nodes, whose runs give the same outputs again.
	 */
	bool		keeps_context;

	/*
	 * Optional, for types with several inputs: whether the node runs only
	 * when every input got items (n8n's requiredInputs: Merge's choose
	 * branch).  Without it, any input with items will do, the others
	 * being empty.
	 */
	bool		(*needs_all_inputs) (const struct RrPlanNode *node);

	/*
	 * Optional.  Called once per plan; returns the node's private state
	 * (compiled params), stored in node->state.  Raise an ERROR for params
	 * the document validator cannot judge (for example a function that
	 * does not exist).
	 */
	void	   *(*prepare) (struct RrPlanNode *node);

	/* Required.  Run the node on run->inputs, filling run->outputs. */
	void		(*execute) (RrNodeRun *run);

	/*
	 * Optional, both or neither: whether a run of the node may defer its
	 * work (rr_node_defer), and doing the deferred work of n runs (of any
	 * executions) at once.  run_deferred is called with no transaction
	 * open, so it may not touch the database; an ERROR it raises (an
	 * interrupt) ends the work of all n.
	 */
	bool		(*deferrable) (const struct RrPlanNode *node);
	void		(*run_deferred) (void **work, int n);
} RrNodeHandler;

/*
 * Check for interrupts and the execution's limits (reporunner.
 * max_node_items, reporunner.max_execution_memory): ERROR when one is
 * passed.  Loops call it through rr_item_done.
 */
extern void rr_check_limits(RrNodeRun *run);

/* How many items a loop handles between two rr_check_limits. */
#define RR_LIMIT_CHECK_EVERY	1024

/*
 * Every loop over items or values calls this once per turn, so that a
 * node on many items stays cancellable and within the limits.
 */
static inline void
rr_item_done(RrNodeRun *run)
{
	if (++run->items_seen % RR_LIMIT_CHECK_EVERY == 0)
		rr_check_limits(run);
}

/*
 * Append one item to an output of the run, not saying where it came from:
 * after the run the executor applies n8n's rules (every item from the one
 * input item, or item i from input item i when the counts are equal, or
 * from none) to an output whose items were all emitted so.
 */
static inline void
rr_emit(RrNodeRun *run, int output, Jsonb *item)
{
	Assert(output >= 0 && output < run->noutputs);
	run->outputs[output] = lappend(run->outputs[output], item);
	rr_item_done(run);
}

/* Record where the next item of an output came from (src/engine/pairing.c) */
extern void rr_pairing_add(RrNodeRun *run, int output, int32 code);
extern void rr_pairing_add_list(RrNodeRun *run, int output, int nsources,
								const RrItemSource *sources);

/* Append one item that came from item source_item of input 0. */
static inline void
rr_emit_paired(RrNodeRun *run, int output, Jsonb *item, int source_item)
{
	RrPairing  *pairing = &run->paired[output];

	if (pairing->codes == NULL && source_item == pairing->len)
		pairing->len++;
	else
		rr_pairing_add(run, output, source_item);
	rr_emit(run, output, item);
}

/*
 * Append one item that came from the nsources input items of sources (an
 * aggregate, a merge; none: nsources = 0).
 */
static inline void
rr_emit_from(RrNodeRun *run, int output, Jsonb *item, int nsources,
			 const RrItemSource *sources)
{
	rr_pairing_add_list(run, output, nsources, sources);
	rr_emit(run, output, item);
}

/*
 * Wait for the world outside with no transaction open, where the run
 * allows it: in a background run, for a node that has written nothing.
 * Returns whether the transaction was let go; then
 * rr_node_resume_transaction() must follow, on every path (PG_FINALLY),
 * and in between the node may not touch the database at all: no SQL, no
 * catalog or cache lookups, nothing but memory, libraries and
 * CHECK_FOR_INTERRUPTS (src/engine/executor.c).
 */
extern bool rr_node_release_transaction(RrNodeRun *run);
extern void rr_node_resume_transaction(RrNodeRun *run);

/*
 * Hand the run's work over instead of doing it (only when run->may_defer):
 * the node returns at once, emitting nothing, and runs again later with
 * run->deferred = work, done by its handler's run_deferred.
 */
extern void rr_node_defer(RrNodeRun *run, void *work);

/* Find a node type by name; NULL if there is none (src/nodes/registry.c). */
extern const RrNodeHandler *rr_node_handler_lookup(const char *name);

#endif							/* RR_NODE_HANDLER_H */
