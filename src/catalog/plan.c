/*-------------------------------------------------------------------------
 *
 * plan.c
 *		Load a workflow version into an executable plan, cached per backend.
 *
 * The plan of (workflow, version) is read from reporunner.node and
 * reporunner.edge once, with every node's params compiled by its handler,
 * and kept in a hash table in CacheMemoryContext.  Versions never change
 * after they are saved, so entries never go stale, with one exception: a
 * version saved by a transaction that then rolls back is gone, and the
 * next save may reuse its number.  A plan of a version whose saving
 * transaction had not committed when the plan was built therefore
 * remembers that transaction, and is rebuilt if it did not commit.
 * Deleted workflows' plans are merely unreachable.  A workflow handed to
 * another role (reporunner.reassign_workflows()) keeps its versions: a
 * cached plan whose owner is not the one the caller found is rebuilt, so
 * nodes never run as a former owner.  When the cache holds
 * too many plans it is emptied and refilled on demand.
 *
 * The caller has already checked that the current role may run the
 * workflow; the tables are read as their owner, because a role a workflow
 * is shared with may run it without seeing its graph.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "catalog/plan.h"
#include "catalog/store.h"
#include "document/document.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

/* Most plans one backend keeps. */
#define RR_PLAN_CACHE_SIZE	256

/*
 * $1 workflow id, $2 version, $3 owner.  Every table is restricted by its
 * owner and joins pair the owners too: on Citus (docs/scaling.md) that
 * routes each statement to the owner's shard, and tables join only on
 * their distribution column.
 */
#define SQL_LOAD_VERSION \
	"SELECT w.name, v.definition->'settings', v.xmin" \
	" FROM reporunner.workflow_version v" \
	" JOIN reporunner.workflow w ON w.id = v.workflow_id AND w.owner = v.owner" \
	" WHERE v.workflow_id = $1 AND v.version = $2 AND v.owner = $3"
#define SQL_LOAD_NODES \
	"SELECT name, type, params, retry, on_error," \
	" (extract(epoch FROM timeout) * 1000)::bigint," \
	" execute_once, always_output_data, disabled" \
	" FROM reporunner.node WHERE workflow_id = $1 AND version = $2" \
	" AND owner = $3 ORDER BY position"
#define SQL_LOAD_EDGES \
	"SELECT e.from_node, e.output, e.to_node, e.input" \
	" FROM reporunner.edge e" \
	" JOIN reporunner.node n ON n.workflow_id = e.workflow_id" \
	"  AND n.version = e.version AND n.name = e.to_node AND n.owner = e.owner" \
	" WHERE e.workflow_id = $1 AND e.version = $2 AND e.owner = $3" \
	" ORDER BY n.position, e.input"

/* The canvas positions of the nodes of a version ("position": [x, y]) */
#define SQL_LOAD_CANVAS \
	"SELECT n->>'name', (n->'position'->>0)::float8, (n->'position'->>1)::float8" \
	" FROM reporunner.workflow_version v," \
	"  jsonb_array_elements(v.definition->'nodes') n" \
	" WHERE v.workflow_id = $1 AND v.version = $2 AND v.owner = $3" \
	" AND n ? 'position'"

/*
 * The connections of a version in document order, for n8n's v0 order
 * (its connections are taken up in the order they were drawn)
 */
#define SQL_LOAD_CONNECTIONS \
	"SELECT c->>'from', coalesce(c->>'output', 'main'), c->>'to'," \
	" coalesce((c->>'input')::int, 0)" \
	" FROM reporunner.workflow_version v," \
	"  jsonb_array_elements(v.definition->'connections') WITH ORDINALITY AS d(c, n)" \
	" WHERE v.workflow_id = $1 AND v.version = $2 AND v.owner = $3" \
	" AND jsonb_typeof(v.definition->'connections') = 'array'" \
	" ORDER BY d.n"

typedef struct PlanKey
{
	int64		workflow_id;
	int32		version;
} PlanKey;

typedef struct PlanEntry
{
	PlanKey		key;
	RrPlan	   *plan;
} PlanEntry;

static HTAB *plan_cache = NULL;

/*
 * reporunner.workflow_version as it was when the cached plans were built.
 * DROP EXTENSION and CREATE EXTENSION start workflow ids afresh, so plans
 * of the old tables must not serve the new ones.
 */
static Oid	plan_cache_table = InvalidOid;

/* Output names collected by rr_node_outputs */
typedef struct OutputNames
{
	List	   *names;
} OutputNames;

static void
collect_output_name(const char *name, void *arg)
{
	OutputNames *names = (OutputNames *) arg;

	names->names = lappend(names->names, pstrdup(name));
}

/* A column of the current SPI row as text, or NULL. */
static char *
get_text(HeapTuple tuple, int col)
{
	return SPI_getvalue(tuple, SPI_tuptable->tupdesc, col);
}

static Datum
get_datum(HeapTuple tuple, int col, bool *isnull)
{
	return SPI_getbinval(tuple, SPI_tuptable->tupdesc, col, isnull);
}

/* Copy a jsonb column (detoasted) into the current memory context. */
static Jsonb *
get_jsonb(HeapTuple tuple, int col)
{
	bool		isnull;
	Datum		value = get_datum(tuple, col, &isnull);

	if (isnull)
		return NULL;
	return DatumGetJsonbPCopy(value);
}

static RrOnError
parse_on_error(const char *text)
{
	if (strcmp(text, "continue") == 0)
		return RR_ON_ERROR_CONTINUE;
	if (strcmp(text, "error_output") == 0)
		return RR_ON_ERROR_OUTPUT;
	return RR_ON_ERROR_STOP;
}

/* Settings of the version: timeout, save, vars, concurrency, error
 * workflow, time zone and the most node runs. */
static void
load_settings(RrPlan *plan, Jsonb *settings)
{
	JsonbValue *value;
	int64_t		ms;

	plan->save = RR_SAVE_ALL;
	plan->vars = NULL;
	plan->max_node_runs = RR_DEFAULT_MAX_NODE_RUNS;
	plan->legacy_order = false;
	if (settings == NULL || !JB_ROOT_IS_OBJECT(settings))
		return;

	if (rr_jsonb_duration(getKeyJsonValueFromContainer(&settings->root,
													   "timeout", 7, NULL),
						  &ms))
		plan->timeout_ms = ms;
	value = getKeyJsonValueFromContainer(&settings->root, "save", 4, NULL);
	if (value != NULL && value->type == jbvString)
	{
		if (strncmp(value->val.string.val, "none", value->val.string.len) == 0)
			plan->save = RR_SAVE_NONE;
		else if (strncmp(value->val.string.val, "errors", value->val.string.len) == 0)
			plan->save = RR_SAVE_ERRORS;
	}
	value = getKeyJsonValueFromContainer(&settings->root, "vars", 4, NULL);
	if (value != NULL)
		plan->vars = JsonbValueToJsonb(value);
	value = getKeyJsonValueFromContainer(&settings->root, "concurrency", 11,
										 NULL);
	if (value != NULL && value->type == jbvNumeric)
		plan->concurrency = DatumGetInt32(DirectFunctionCall1(numeric_int4,
															  NumericGetDatum(value->val.numeric)));
	value = getKeyJsonValueFromContainer(&settings->root, "max_node_runs", 13,
										 NULL);
	if (value != NULL && value->type == jbvNumeric)
		plan->max_node_runs = DatumGetInt32(DirectFunctionCall1(numeric_int4,
																NumericGetDatum(value->val.numeric)));
	value = getKeyJsonValueFromContainer(&settings->root, "execution_order",
										 15, NULL);
	if (value != NULL && value->type == jbvString)
		plan->legacy_order = strncmp(value->val.string.val, "v0",
									 value->val.string.len) == 0;
	value = getKeyJsonValueFromContainer(&settings->root, "error_workflow", 14,
										 NULL);
	if (value != NULL && value->type == jbvString)
		plan->error_workflow = pnstrdup(value->val.string.val,
										value->val.string.len);
	value = getKeyJsonValueFromContainer(&settings->root, "timezone", 8,
										 NULL);
	if (value != NULL && value->type == jbvString)
		plan->timezone = pnstrdup(value->val.string.val,
								  value->val.string.len);
}

/* Fill one node from the current row of SQL_LOAD_NODES. */
static void
load_node(RrPlan *plan, RrPlanNode *node, HeapTuple tuple)
{
	bool		isnull;
	Datum		timeout;
	char	   *params_text;
	OutputNames names = {NIL};
	ListCell   *lc;
	int			i;

	node->name = get_text(tuple, 1);
	node->type_name = get_text(tuple, 2);
	node->params = get_jsonb(tuple, 3);
	node->retry = get_jsonb(tuple, 4);
	node->on_error = parse_on_error(get_text(tuple, 5));
	timeout = get_datum(tuple, 6, &isnull);
	node->timeout_ms = isnull ? 0 : DatumGetInt64(timeout);
	node->execute_once = DatumGetBool(get_datum(tuple, 7, &isnull));
	node->always_output_data = DatumGetBool(get_datum(tuple, 8, &isnull));
	node->disabled = DatumGetBool(get_datum(tuple, 9, &isnull));

	node->handler = rr_node_handler_lookup(node->type_name);
	if (node->handler == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("node \"%s\" of workflow \"%s\" has type \"%s\", which this server cannot run",
						node->name, plan->workflow_name, node->type_name)));
	node->is_trigger = rr_node_is_trigger(node->type_name);

	params_text = JsonbToCString(NULL, &node->params->root,
								 VARSIZE(node->params));
	node->noutputs = rr_node_outputs(node->type_name, params_text,
									 strlen(params_text),
									 node->on_error == RR_ON_ERROR_OUTPUT,
									 collect_output_name, &names);
	node->ninputs = rr_node_inputs(node->type_name, params_text,
								   strlen(params_text));
	if (node->noutputs < 0 || node->ninputs < 0)
		elog(ERROR, "node \"%s\" has an unreadable shape", node->name);

	/* a trigger's one input slot receives the execution's input */
	if (node->is_trigger)
		node->ninputs = 1;

	node->output_names = palloc(sizeof(char *) * Max(node->noutputs, 1));
	node->error_output = -1;
	i = 0;
	foreach(lc, names.names)
	{
		node->output_names[i] = lfirst(lc);
		if (node->on_error == RR_ON_ERROR_OUTPUT && i == node->noutputs - 1)
			node->error_output = i;
		i++;
	}
	node->nedges = palloc0(sizeof(int) * Max(node->noutputs, 1));
	node->edges = palloc0(sizeof(RrPlanEdge *) * Max(node->noutputs, 1));
	node->incoming = palloc0(sizeof(int) * Max(node->ninputs, 1));
}

int
rr_plan_output_index(const RrPlanNode *node, const char *name)
{
	int			i;

	for (i = 0; i < node->noutputs; i++)
	{
		if (strcmp(node->output_names[i], name) == 0)
			return i;
	}
	return -1;
}

bool
rr_plan_reaches(const RrPlan *plan, int from, int to)
{
	bool	   *seen = palloc0(sizeof(bool) * Max(plan->nnodes, 1));
	List	   *frontier = list_make1_int(from);
	bool		found = false;

	while (frontier != NIL && !found)
	{
		const RrPlanNode *node = &plan->nodes[linitial_int(frontier)];
		int			e;

		frontier = list_delete_first(frontier);
		for (e = 0; e < node->nout; e++)
		{
			int			next = node->out[e]->to;

			if (next == to)
				found = true;
			else if (!seen[next])
			{
				seen[next] = true;
				frontier = lappend_int(frontier, next);
			}
		}
	}
	pfree(seen);
	list_free(frontier);
	return found;
}

/*
 * Add the connections (the rows of SQL_LOAD_EDGES), each output's in the
 * order of their target's position.
 */
static void
load_edges(RrPlan *plan)
{
	int		   *outputs = palloc(sizeof(int) * Max(SPI_processed, 1));
	uint64		row;
	int			i;

	/* find each connection's ends and count the connections per output */
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		RrPlanNode *from = rr_plan_find_node(plan, get_text(tuple, 1));
		RrPlanNode *to = rr_plan_find_node(plan, get_text(tuple, 3));
		bool		isnull;
		int			input = DatumGetInt32(get_datum(tuple, 4, &isnull));

		if (from == NULL || to == NULL)
			elog(ERROR, "connection of workflow \"%s\" refers to a missing node",
				 plan->workflow_name);
		outputs[row] = rr_plan_output_index(from, get_text(tuple, 2));
		if (outputs[row] < 0 || input < 0 || input >= to->ninputs)
			elog(ERROR, "connection from \"%s\" to \"%s\" does not fit the nodes",
				 from->name, to->name);
		from->nedges[outputs[row]]++;
		to->incoming[input]++;
		to->nincoming++;
	}
	for (i = 0; i < plan->nnodes; i++)
	{
		RrPlanNode *node = &plan->nodes[i];
		int			output;

		for (output = 0; output < node->noutputs; output++)
		{
			node->edges[output] = palloc(sizeof(RrPlanEdge) *
										 Max(node->nedges[output], 1));
			node->nedges[output] = 0;
		}
	}
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		RrPlanNode *from = rr_plan_find_node(plan, get_text(tuple, 1));
		RrPlanEdge *edge = &from->edges[outputs[row]][from->nedges[outputs[row]]++];
		bool		isnull;

		edge->output = outputs[row];
		edge->to = rr_plan_find_node(plan, get_text(tuple, 3))->index;
		edge->input = DatumGetInt32(get_datum(tuple, 4, &isnull));
	}
}

/* A connection out and where its target is drawn, for sorting */
typedef struct CanvasEdge
{
	RrPlanEdge *edge;
	int			rank;			/* its place in document order */
	double		x;
	double		y;
} CanvasEdge;

static int
canvas_cmp(const void *a, const void *b)
{
	const CanvasEdge *ea = (const CanvasEdge *) a;
	const CanvasEdge *eb = (const CanvasEdge *) b;

	if (ea->y != eb->y)
		return ea->y < eb->y ? -1 : 1;
	if (ea->x != eb->x)
		return ea->x < eb->x ? -1 : 1;
	return ea->rank - eb->rank;
}

/*
 * Order every node's connections out (RrPlanNode.out), with the rows of
 * SQL_LOAD_CANVAS: by the targets' canvas positions when every node has
 * one, else output by output in the targets' document order.
 */
static void
order_connections(RrPlan *plan)
{
	double	   *x = palloc(sizeof(double) * Max(plan->nnodes, 1));
	double	   *y = palloc(sizeof(double) * Max(plan->nnodes, 1));
	bool		canvas = plan->nnodes > 0 && SPI_processed == (uint64) plan->nnodes;
	uint64		row;
	int			i;

	for (row = 0; canvas && row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		RrPlanNode *node = rr_plan_find_node(plan, get_text(tuple, 1));
		bool		xnull;
		bool		ynull;

		if (node == NULL)
			elog(ERROR, "canvas position of workflow \"%s\" names a missing node",
				 plan->workflow_name);
		x[node->index] = DatumGetFloat8(get_datum(tuple, 2, &xnull));
		y[node->index] = DatumGetFloat8(get_datum(tuple, 3, &ynull));
		canvas = !xnull && !ynull;
	}
	for (i = 0; i < plan->nnodes; i++)
	{
		RrPlanNode *node = &plan->nodes[i];
		CanvasEdge *sorted;
		int			output;
		int			e;

		node->nout = 0;
		for (output = 0; output < node->noutputs; output++)
			node->nout += node->nedges[output];
		node->out = palloc(sizeof(RrPlanEdge *) * Max(node->nout, 1));
		sorted = palloc(sizeof(CanvasEdge) * Max(node->nout, 1));
		node->nout = 0;
		for (output = 0; output < node->noutputs; output++)
			for (e = 0; e < node->nedges[output]; e++)
			{
				RrPlanEdge *edge = &node->edges[output][e];

				sorted[node->nout].edge = edge;
				sorted[node->nout].rank = node->nout;
				sorted[node->nout].x = canvas ? x[edge->to] : 0;
				sorted[node->nout].y = canvas ? y[edge->to] : 0;
				node->nout++;
			}
		if (canvas)
			qsort(sorted, node->nout, sizeof(CanvasEdge), canvas_cmp);
		for (e = 0; e < node->nout; e++)
			node->out[e] = sorted[e].edge;
		pfree(sorted);
	}
	pfree(x);
	pfree(y);
}

/*
 * n8n's v0 order of every node's connections out (RrPlanNode.out), with
 * the rows of SQL_LOAD_CONNECTIONS: output by output, each output's in
 * the order the document lists them.
 */
static void
order_connections_v0(RrPlan *plan)
{
	int		  **fill = palloc(sizeof(int *) * Max(plan->nnodes, 1));
	uint64		row;
	int			i;

	for (i = 0; i < plan->nnodes; i++)
	{
		RrPlanNode *node = &plan->nodes[i];
		int			output;

		/* where each output's connections start in out */
		fill[i] = palloc(sizeof(int) * Max(node->noutputs, 1));
		node->nout = 0;
		for (output = 0; output < node->noutputs; output++)
		{
			fill[i][output] = node->nout;
			node->nout += node->nedges[output];
		}
		node->out = palloc(sizeof(RrPlanEdge *) * Max(node->nout, 1));
	}
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		RrPlanNode *from = rr_plan_find_node(plan, get_text(tuple, 1));
		RrPlanNode *to = rr_plan_find_node(plan, get_text(tuple, 3));
		int			output = from == NULL ? -1 :
			rr_plan_output_index(from, get_text(tuple, 2));
		bool		isnull;
		int			input = DatumGetInt32(get_datum(tuple, 4, &isnull));
		int			e;

		if (to == NULL || output < 0)
			elog(ERROR, "connection of workflow \"%s\" refers to a missing node",
				 plan->workflow_name);
		for (e = 0; e < from->nedges[output]; e++)
			if (from->edges[output][e].to == to->index &&
				from->edges[output][e].input == input)
				from->out[fill[from->index][output]++] = &from->edges[output][e];
	}
	for (i = 0; i < plan->nnodes; i++)
	{
		const RrPlanNode *node = &plan->nodes[i];
		int			end = 0;
		int			output;

		/* every connection placed: each output's run ends where it should */
		for (output = 0; output < node->noutputs; output++)
		{
			end += node->nedges[output];
			if (fill[i][output] != end)
				elog(ERROR, "connections of workflow \"%s\" do not match its document",
					 plan->workflow_name);
		}
		pfree(fill[i]);
	}
	pfree(fill);
}

/*
 * Tarjan's strongly connected components, without recursion: the nodes
 * on a cycle together share a component, numbered by the first of them
 * in the document.  A node with several inputs may not be on a loop: it
 * waits for all its connections in, which a loop resolves only when it
 * has ended.
 */
static void
find_loops(RrPlan *plan)
{
	int			n = plan->nnodes;
	int		   *order = palloc(sizeof(int) * Max(n, 1));
	int		   *low = palloc(sizeof(int) * Max(n, 1));
	int		   *next_edge = palloc0(sizeof(int) * Max(n, 1));
	int		   *next_output = palloc0(sizeof(int) * Max(n, 1));
	bool	   *on_stack = palloc0(sizeof(bool) * Max(n, 1));
	int		   *stack = palloc(sizeof(int) * Max(n, 1));
	int		   *path = palloc(sizeof(int) * Max(n, 1));
	int			depth = 0;
	int			top = 0;
	int			counter = 0;
	int			root;
	int			i;

	for (i = 0; i < n; i++)
		order[i] = -1;
	for (root = 0; root < n; root++)
	{
		if (order[root] >= 0)
			continue;
		path[depth++] = root;
		order[root] = low[root] = counter++;
		stack[top++] = root;
		on_stack[root] = true;
		while (depth > 0)
		{
			int			v = path[depth - 1];
			RrPlanNode *node = &plan->nodes[v];
			int			w = -1;

			while (next_output[v] < node->noutputs)
			{
				if (next_edge[v] < node->nedges[next_output[v]])
				{
					w = node->edges[next_output[v]][next_edge[v]++].to;
					break;
				}
				next_output[v]++;
				next_edge[v] = 0;
			}
			if (w >= 0)
			{
				if (order[w] < 0)
				{
					path[depth++] = w;
					order[w] = low[w] = counter++;
					stack[top++] = w;
					on_stack[w] = true;
				}
				else if (on_stack[w])
					low[v] = Min(low[v], order[w]);
				continue;
			}
			depth--;
			if (depth > 0)
				low[path[depth - 1]] = Min(low[path[depth - 1]], low[v]);
			if (low[v] == order[v])
			{
				int			first = n;
				int			j;
				bool		loop;

				for (j = top - 1; j >= 0; j--)
				{
					first = Min(first, stack[j]);
					if (stack[j] == v)
						break;
				}
				loop = top - 1 > j;
				for (; top > j; top--)
				{
					RrPlanNode *member = &plan->nodes[stack[top - 1]];

					on_stack[member->index] = false;
					member->component = first;
					member->on_loop = loop;
				}
			}
		}
	}

	for (i = 0; i < n; i++)
	{
		RrPlanNode *node = &plan->nodes[i];
		int			output;
		int			e;

		/* a node with a connection to itself is on a loop too */
		for (output = 0; output < node->noutputs; output++)
			for (e = 0; e < node->nedges[output]; e++)
				if (node->edges[output][e].to == i)
					node->on_loop = true;
		if (node->on_loop && node->ninputs > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("node \"%s\" of workflow \"%s\" has %d inputs and is on a loop",
							node->name, plan->workflow_name, node->ninputs),
					 errdetail("A node with several inputs waits for all of them, which a loop it is on would never give."),
					 errhint("Merge the items before the loop, or after it (on the \"done\" output of split_in_batches).")));
		for (output = 0; output < node->noutputs; output++)
			for (e = 0; e < node->nedges[output]; e++)
			{
				RrPlanNode *to = &plan->nodes[node->edges[output][e].to];

				if (to->component != node->component)
					plan->nodes[to->component].nexternal++;
			}
	}
}

/*
 * Read the version's rows (as the tables' owner) into a new plan, whose
 * owner is set: a version of another owner's workflow is not found.
 */
static void
load_plan(RrPlan *plan, const char *name)
{
	Oid			argtypes[3] = {INT8OID, INT4OID, OIDOID};
	Datum		values[3];
	bool		isnull;
	uint64		row;
	int			nestlevel;
	Oid			save_userid;
	int			save_sec_context;

	values[0] = Int64GetDatum(plan->workflow_id);
	values[1] = Int32GetDatum(plan->version);
	values[2] = ObjectIdGetDatum(plan->owner);

	nestlevel = rr_store_begin();
	rr_store_become_owner(&save_userid, &save_sec_context);

	rr_store_run(SQL_LOAD_VERSION, 3, argtypes, values, SPI_OK_SELECT);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("workflow \"%s\" has no version %d", name, plan->version)));
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		MemoryContext old = MemoryContextSwitchTo(plan->context);

		TransactionId xmin;

		plan->workflow_name = get_text(tuple, 1);
		load_settings(plan, get_jsonb(tuple, 2));
		xmin = DatumGetTransactionId(get_datum(tuple, 3, &isnull));
		if (TransactionIdIsNormal(xmin) && !TransactionIdDidCommit(xmin))
			plan->created_xid = xmin;
		MemoryContextSwitchTo(old);
	}

	rr_store_run(SQL_LOAD_NODES, 3, argtypes, values, SPI_OK_SELECT);
	{
		MemoryContext old = MemoryContextSwitchTo(plan->context);

		plan->nnodes = (int) SPI_processed;
		plan->nodes = palloc0(sizeof(RrPlanNode) * Max(plan->nnodes, 1));
		for (row = 0; row < SPI_processed; row++)
		{
			plan->nodes[row].index = (int) row;
			load_node(plan, &plan->nodes[row], SPI_tuptable->vals[row]);
		}
		MemoryContextSwitchTo(old);
	}

	rr_store_run(SQL_LOAD_EDGES, 3, argtypes, values, SPI_OK_SELECT);
	{
		MemoryContext old = MemoryContextSwitchTo(plan->context);

		load_edges(plan);
		find_loops(plan);
		MemoryContextSwitchTo(old);
	}

	rr_store_run(plan->legacy_order ? SQL_LOAD_CONNECTIONS : SQL_LOAD_CANVAS,
				 3, argtypes, values, SPI_OK_SELECT);
	{
		MemoryContext old = MemoryContextSwitchTo(plan->context);

		if (plan->legacy_order)
			order_connections_v0(plan);
		else
			order_connections(plan);
		MemoryContextSwitchTo(old);
	}

	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);
}

/* The owner of the plan whose nodes are being prepared, or InvalidOid. */
static Oid	preparing_owner = InvalidOid;

Oid
rr_plan_preparing_owner(void)
{
	Assert(OidIsValid(preparing_owner));
	return preparing_owner;
}

/* Let every handler compile its node's params. */
static void
prepare_nodes(RrPlan *plan)
{
	MemoryContext old = MemoryContextSwitchTo(plan->context);
	Oid			outer_owner = preparing_owner;	/* a plan built inside a
												 * prepare */
	int			i;

	preparing_owner = plan->owner;

	if (plan->vars == NULL)
		plan->vars = rr_jsonb_empty_object();
	for (i = 0; i < plan->nnodes; i++)
	{
		RrPlanNode *node = &plan->nodes[i];

		if (node->handler->prepare != NULL)
			node->state = node->handler->prepare(node);
		if (rr_node_has_effects(node))
			plan->has_side_effects = true;
	}
	preparing_owner = outer_owner;
	MemoryContextSwitchTo(old);
}

/* Empty the cache, freeing every plan. */
static void
reset_plan_cache(void)
{
	HASH_SEQ_STATUS status;
	PlanEntry  *entry;

	hash_seq_init(&status, plan_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		MemoryContextDelete(entry->plan->context);
		hash_search(plan_cache, &entry->key, HASH_REMOVE, NULL);
	}
}

/*
 * Whether a cached plan still describes its version: always, unless the
 * version was saved by a transaction that was still open when the plan
 * was built and has since rolled back (the version number may then have
 * been saved again with another document).
 */
static bool
plan_is_current(RrPlan *plan)
{
	if (!TransactionIdIsValid(plan->created_xid))
		return true;
	if (TransactionIdIsCurrentTransactionId(plan->created_xid))
		return true;
	if (TransactionIdDidCommit(plan->created_xid))
	{
		plan->created_xid = InvalidTransactionId;
		return true;
	}
	return false;
}

bool
rr_plan_saved_here(const RrPlan *plan)
{
	return TransactionIdIsValid(plan->created_xid) &&
		TransactionIdIsCurrentTransactionId(plan->created_xid);
}

RrPlan *
rr_plan_get(int64 workflow_id, int32 version, Oid owner, const char *name)
{
	PlanKey		key;
	PlanEntry  *entry;
	bool		found;
	RrPlan	   *plan;
	MemoryContext context;
	Oid			table;
	volatile Oid outer_owner;

	if (plan_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(PlanKey);
		ctl.entrysize = sizeof(PlanEntry);
		ctl.hcxt = CacheMemoryContext;
		plan_cache = hash_create("reporunner plans", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}

	table = get_relname_relid("workflow_version",
							  get_namespace_oid("reporunner", false));
	if (table != plan_cache_table)
		reset_plan_cache();

	memset(&key, 0, sizeof(key));
	key.workflow_id = workflow_id;
	key.version = version;
	entry = hash_search(plan_cache, &key, HASH_FIND, NULL);
	if (entry != NULL && plan_is_current(entry->plan) &&
		entry->plan->owner == owner)
		return entry->plan;
	if (entry != NULL)
	{
		MemoryContextDelete(entry->plan->context);
		hash_search(plan_cache, &key, HASH_REMOVE, NULL);
	}

	if (hash_get_num_entries(plan_cache) >= RR_PLAN_CACHE_SIZE)
		reset_plan_cache();
	plan_cache_table = table;

	/* build in a context of its own; on error it is simply deleted */
	context = AllocSetContextCreate(CacheMemoryContext, "reporunner plan",
									ALLOCSET_SMALL_SIZES);
	outer_owner = preparing_owner;
	PG_TRY();
	{
		plan = MemoryContextAllocZero(context, sizeof(RrPlan));
		plan->context = context;
		plan->workflow_id = workflow_id;
		plan->version = version;
		plan->owner = owner;
		load_plan(plan, name);
		prepare_nodes(plan);
		MemoryContextSetIdentifier(context, plan->workflow_name);
	}
	PG_CATCH();
	{
		preparing_owner = outer_owner;
		MemoryContextDelete(context);
		PG_RE_THROW();
	}
	PG_END_TRY();

	entry = hash_search(plan_cache, &key, HASH_ENTER, &found);
	entry->plan = plan;
	return plan;
}

bool
rr_plan_is_cached(int64 workflow_id, int32 version)
{
	PlanKey		key;
	PlanEntry  *entry;

	if (plan_cache == NULL)
		return false;
	memset(&key, 0, sizeof(key));
	key.workflow_id = workflow_id;
	key.version = version;
	entry = hash_search(plan_cache, &key, HASH_FIND, NULL);
	return entry != NULL && plan_is_current(entry->plan);
}

RrPlanNode *
rr_plan_find_node(RrPlan *plan, const char *name)
{
	int			i;

	for (i = 0; i < plan->nnodes; i++)
	{
		if (strcmp(plan->nodes[i].name, name) == 0)
			return &plan->nodes[i];
	}
	return NULL;
}

JsonbValue *
rr_node_param(const RrPlanNode *node, const char *name)
{
	return getKeyJsonValueFromContainer(&node->params->root, name,
										strlen(name), NULL);
}
