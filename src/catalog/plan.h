/*-------------------------------------------------------------------------
 *
 * plan.h
 *		Executable plans: a saved workflow version loaded for running.
 *
 * A plan is built from the node and edge tables of one (workflow,
 * version) the first time a backend runs that version, and cached for the
 * life of the backend.  Versions are immutable, so a cached plan never
 * goes stale; a newly activated version is simply another plan.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_PLAN_H
#define RR_PLAN_H

#include "postgres.h"

#include "engine/node_handler.h"
#include "utils/jsonb.h"

typedef enum RrOnError
{
	RR_ON_ERROR_STOP,
	RR_ON_ERROR_CONTINUE,
	RR_ON_ERROR_OUTPUT
} RrOnError;

typedef enum RrSaveMode
{
	RR_SAVE_ALL,
	RR_SAVE_ERRORS,
	RR_SAVE_NONE
} RrSaveMode;

/* A connection leaving a node's output. */
typedef struct RrPlanEdge
{
	int			output;			/* output of the source node */
	int			to;				/* index of the target node */
	int			input;			/* input of the target node */
} RrPlanEdge;

/* One node of a plan. */
typedef struct RrPlanNode
{
	int			index;			/* position in RrPlan.nodes */
	char	   *name;
	char	   *type_name;
	const RrNodeHandler *handler;
	Jsonb	   *params;			/* as saved; expressions not evaluated */
	int			ninputs;
	int			noutputs;		/* all outputs, "error" included */
	char	  **output_names;
	int			error_output;	/* index of "error", or -1 */
	RrOnError	on_error;
	int64		timeout_ms;		/* 0 = none */
	bool		execute_once;
	bool		always_output_data;
	bool		disabled;
	bool		is_trigger;
	Jsonb	   *retry;			/* retry policy as saved, or NULL */
	int		   *nedges;			/* per output: number of connections */
	RrPlanEdge **edges;			/* per output: connections, in target
								 * position order */
	/*
	 * Every connection out, in the order the targets are taken up after
	 * the node ran.  n8n's v1 order: by the targets' canvas positions, top
	 * first then left, when every node of the document has a position;
	 * else output by output, each output's in the targets' document order.
	 * The v0 order (RrPlan.legacy_order): output by output, each output's
	 * in the document's order of connections.
	 */
	int			nout;
	RrPlanEdge **out;
	int		   *incoming;		/* per input: number of connections in */
	int			nincoming;		/* connections in, over all inputs */

	/*
	 * Loops: the nodes that lie on a cycle together (a strongly connected
	 * component of the graph) share component, the index of the first of
	 * them; a node on no cycle is its own (component == index, on_loop
	 * false).  nexternal, at the component's first node: the connections
	 * into the component from outside it.
	 */
	int			component;
	bool		on_loop;
	int			nexternal;
	void	   *state;			/* from handler->prepare */
} RrPlanNode;

/*
 * Whether running the node may write data or send anything out: its type
 * has side effects and it is not disabled (a disabled node only passes its
 * items on).  A background run commits before and after such a node.
 */
static inline bool
rr_node_has_effects(const RrPlanNode *node)
{
	return node->handler->side_effects && !node->disabled;
}

/* A loaded workflow version. */
typedef struct RrPlan
{
	int64		workflow_id;
	int32		version;
	Oid			owner;
	char	   *workflow_name;
	int			nnodes;
	RrPlanNode *nodes;			/* in document order */
	int64		timeout_ms;		/* settings.timeout, 0 = none */
	RrSaveMode	save;			/* settings.save */
	Jsonb	   *vars;			/* settings.vars, or an empty object */
	int			concurrency;	/* settings.concurrency, 0 = no limit */
	char	   *error_workflow; /* settings.error_workflow, or NULL */
	char	   *timezone;		/* settings.timezone, or NULL (UTC) */
	int			max_node_runs;	/* settings.max_node_runs */
	bool		legacy_order;	/* settings.execution_order "v0": n8n's
								 * legacy order (src/engine/executor.c) */
	bool		has_side_effects;	/* some node runs SQL or sends anything */
	TransactionId created_xid;	/* transaction that saved the version, while
								 * it may still roll back; else invalid */
	MemoryContext context;		/* holds everything above */
} RrPlan;

/* settings.max_node_runs when the document does not say */
#define RR_DEFAULT_MAX_NODE_RUNS	100000

/*
 * The plan of (workflow_id, version), built and cached on first use, or
 * again when the cached one has another owner than owner, the workflow's
 * owner as the caller read it.  The caller must already have checked that
 * the current role may run it; name is the workflow's name as the caller
 * wrote it, for messages.
 */
extern RrPlan *rr_plan_get(int64 workflow_id, int32 version, Oid owner,
						   const char *name);

/* Whether rr_plan_get would find the plan built already. */
extern bool rr_plan_is_cached(int64 workflow_id, int32 version);

/*
 * Whether the plan's version was saved by the current transaction, which
 * has not committed it: no other session can see that version yet.  Reads
 * no table (it may be asked while an error is being handled).
 */
extern bool rr_plan_saved_here(const RrPlan *plan);

/* Find a node of a plan by name; NULL if there is none. */
extern RrPlanNode *rr_plan_find_node(RrPlan *plan, const char *name);

/* Index of an output of a node by name; -1 if there is none. */
extern int	rr_plan_output_index(const RrPlanNode *node, const char *name);

/*
 * Whether node to can be reached from node from along one connection or
 * more (a node reaches itself only through a loop).
 */
extern bool rr_plan_reaches(const RrPlan *plan, int from, int to);

/*
 * Helpers for handlers' prepare functions: the value of a param, or NULL
 * when the node has no such param.
 */
extern JsonbValue *rr_node_param(const RrPlanNode *node, const char *name);

/*
 * For handlers' prepare functions: the owner of the plan being built (whose
 * connectors and credentials its nodes use).
 */
extern Oid	rr_plan_preparing_owner(void);

#endif							/* RR_PLAN_H */
