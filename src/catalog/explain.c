/*-------------------------------------------------------------------------
 *
 * explain.c
 *		explain(): a workflow version's plan as the executor sees it, in
 *		lines of text for people.
 *
 * The plan is the one the executor runs (rr_plan_get: the node and edge
 * tables, each node's handler and compiled params), not the document, and
 * the order is the executor's own (rr_plan_order, src/engine/executor.c).
 * What a background run commits when follows src/engine/durable_run.c:
 * a node with side effects first commits what ran before it and then
 * commits with its step, before the next node runs or, when it is the
 * last, together with the execution's end; a node that pauses ends its
 * transaction.  Triggers are the workflow's registrations
 * (reporunner.trigger), read as the caller.
 *
 * The workflow is found as export_workflow() finds it (rr_workflow_get,
 * for those who may read its versions), so an unknown workflow, another
 * tenant's and a version that does not exist give the same errors.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "catalog/plan.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "engine/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(reporunner_explain);

/*
 * The triggers of workflow $1 (of owner $2), each described in one line,
 * oldest first
 */
#define SQL_TRIGGERS \
	"SELECT 'started by: trigger ' || t.id || ', ' || CASE t.kind" \
	" WHEN 'table' THEN 'on table ' || t.target || ': '" \
	"  || coalesce(t.options->>'timing', 'after') || ' '" \
	"  || (SELECT string_agg(e, ' or ')" \
	"   FROM jsonb_array_elements_text(t.options->'events') AS e)" \
	"  || ', for each ' || coalesce(t.options->>'level', 'row')" \
	"  || CASE WHEN t.options->>'mode' = 'sync'" \
	"   THEN ', sync (runs inside the statement)'" \
	"   ELSE ', async (queues an execution)' END" \
	"  || coalesce(', when ' || (t.options->>'condition'), '')" \
	" WHEN 'schedule' THEN 'on schedule \"' || t.target || '\" (pg_cron)'" \
	"  || coalesce(', input ' || (t.options->'input')::text, '')" \
	" ELSE 'on NOTIFY channel \"' || t.target || '\", the payload as input'" \
	" END FROM reporunner.trigger t WHERE t.workflow_id = $1 AND t.owner = $2" \
	" ORDER BY t.id"

static SPIPlanPtr triggers_plan = NULL;

/* The lines being written, in the caller's memory */
typedef struct Explain
{
	List	   *lines;
	MemoryContext cxt;
} Explain;

static void
add_line(Explain *explain, char *line)
{
	MemoryContext old = MemoryContextSwitchTo(explain->cxt);

	explain->lines = lappend(explain->lines, line);
	MemoryContextSwitchTo(old);
}

/* A duration of milliseconds in the largest unit that divides it */
static char *
duration_text(int64 ms)
{
	if (ms % (3600 * 1000) == 0)
		return psprintf(INT64_FORMAT "h", ms / (3600 * 1000));
	if (ms % (60 * 1000) == 0)
		return psprintf(INT64_FORMAT "min", ms / (60 * 1000));
	if (ms % 1000 == 0)
		return psprintf(INT64_FORMAT "s", ms / 1000);
	return psprintf(INT64_FORMAT "ms", ms);
}

/* The settings of the version that change how it runs */
static void
explain_settings(Explain *explain, const RrPlan *plan)
{
	if (plan->timeout_ms > 0)
		add_line(explain, psprintf("execution timeout: %s, for all its nodes together",
								   duration_text(plan->timeout_ms)));
	if (plan->concurrency > 0)
		add_line(explain, psprintf("concurrency: at most %d executions run at a time; more wait in the queue",
								   plan->concurrency));
	if (plan->error_workflow != NULL)
		add_line(explain, psprintf("error workflow: \"%s\" starts when an execution fails",
								   plan->error_workflow));
	if (plan->legacy_order)
		add_line(explain, pstrdup("execution order: n8n's legacy v0, breadth first; a node with several inputs forces the branch of an input that has not run"));
	if (plan->save != RR_SAVE_ALL)
		add_line(explain, psprintf("journal: execute() saves %s",
								   plan->save == RR_SAVE_NONE ? "nothing" :
								   "failed executions only"));
}

/* What starts the workflow: the SQL API, and its triggers */
static void
explain_triggers(Explain *explain, const RrWorkflowRef *ref)
{
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	uint64		row;
	int			nestlevel;

	add_line(explain, pstrdup("started by: reporunner.execute() (in the caller's transaction) and reporunner.start() (a background run)"));
	values[0] = Int64GetDatum(ref->id);
	values[1] = ObjectIdGetDatum(ref->owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&triggers_plan, SQL_TRIGGERS, 2, argtypes, values, NULL,
					  SPI_OK_SELECT);
	for (row = 0; row < SPI_processed; row++)
		add_line(explain, MemoryContextStrdup(explain->cxt,
											  SPI_getvalue(SPI_tuptable->vals[row],
														   SPI_tuptable->tupdesc, 1)));
	rr_store_end(nestlevel);
}

/*
 * Which nodes can run at all: triggers, and nodes a connection from a
 * node that can run leads to.  The order lists every source before its
 * targets.
 */
static bool *
runnable_nodes(const RrPlan *plan, const int *order, int n)
{
	bool	   *runnable = palloc0(sizeof(bool) * Max(plan->nnodes, 1));
	int			i;

	for (i = 0; i < n; i++)
	{
		const RrPlanNode *node = &plan->nodes[order[i]];
		int			output;
		int			e;

		if (node->is_trigger)
			runnable[node->index] = true;
		if (!runnable[node->index])
			continue;
		for (output = 0; output < node->noutputs; output++)
			for (e = 0; e < node->nedges[output]; e++)
				runnable[node->edges[output][e].to] = true;
	}
	return runnable;
}

/* "waits for ..." of a node: the connections into it from runnable nodes */
static char *
inputs_text(const RrPlan *plan, const RrPlanNode *target, const bool *runnable)
{
	StringInfoData buf;
	int			sources = 0;
	int			i;

	if (target->is_trigger)
		return "receives the execution's input";
	initStringInfo(&buf);
	appendStringInfoString(&buf, "waits for ");
	for (i = 0; i < plan->nnodes; i++)
	{
		const RrPlanNode *node = &plan->nodes[i];
		int			output;
		int			e;

		if (!runnable[i])
			continue;
		for (output = 0; output < node->noutputs; output++)
			for (e = 0; e < node->nedges[output]; e++)
			{
				if (node->edges[output][e].to != target->index)
					continue;
				appendStringInfo(&buf, "%s\"%s\"", sources++ > 0 ? ", " : "",
								 node->name);
				if (strcmp(node->output_names[output], "main") != 0)
					appendStringInfo(&buf, " (output \"%s\")",
									 node->output_names[output]);
				if (target->ninputs > 1)
					appendStringInfo(&buf, " into input %d",
									 node->edges[output][e].input);
			}
	}
	if (sources > 1 && target->ninputs == 1)
		appendStringInfoString(&buf, "; runs once per delivery of items");
	else if (target->ninputs > 1 && plan->legacy_order)
		appendStringInfoString(&buf, "; runs once every input got a delivery, or last with what came");
	else if (sources > 1 && target->handler->needs_all_inputs != NULL &&
			 target->handler->needs_all_inputs(target))
		appendStringInfoString(&buf, "; runs once all have finished, if every input got items");
	else if (sources > 1)
		appendStringInfoString(&buf, "; runs once all have finished, if any delivered items");
	else
		appendStringInfoString(&buf, "; runs if it delivered items");
	return buf.data;
}

/* The node's retry policy, its keys in the order they take effect */
static char *
retry_text(const RrPlanNode *node)
{
	static const char *const keys[] = {"tries", "delay", "backoff", "max_delay", "jitter"};
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "  retry:");
	for (i = 0; i < lengthof(keys); i++)
	{
		JsonbValue *value = getKeyJsonValueFromContainer(&node->retry->root,
														 keys[i], strlen(keys[i]),
														 NULL);
		Jsonb	   *jsonb;

		if (value == NULL)
			continue;
		jsonb = JsonbValueToJsonb(value);
		appendStringInfo(&buf, " %s %s,", keys[i],
						 JsonbToCString(NULL, &jsonb->root, VARSIZE(jsonb)));
	}
	buf.data[--buf.len] = '\0';	/* the last comma */
	appendStringInfoString(&buf, " (background runs: a failed attempt runs again later; execute() does not retry)");
	return buf.data;
}

/* A param of a node as text, or NULL when absent */
static char *
param_text(const RrPlanNode *node, const char *name)
{
	JsonbValue *value = rr_node_param(node, name);
	Jsonb	   *jsonb;

	if (value == NULL)
		return NULL;
	if (value->type == jbvString)
		return pnstrdup(value->val.string.val, value->val.string.len);
	jsonb = JsonbValueToJsonb(value);
	return JsonbToCString(NULL, &jsonb->root, VARSIZE(jsonb));
}

/* The workflow an execute_workflow node calls, and how */
static void
explain_call(Explain *explain, const RrPlanNode *node)
{
	char	   *workflow = param_text(node, "workflow");
	char	   *owner = param_text(node, "owner");
	char	   *version = param_text(node, "version");
	char	   *mode = param_text(node, "mode");
	char	   *per_item = param_text(node, "per_item");
	bool		wait = mode == NULL || strcmp(mode, "wait") == 0;

	add_line(explain, psprintf("  calls workflow \"%s\"%s%s, %s, %s",
							   workflow ? workflow : "?",
							   owner ? psprintf(" of role %s", owner) : "",
							   version ? psprintf(" version %s", version) :
							   " (its active version at the call)",
							   per_item && strcmp(per_item, "true") == 0 ?
							   "once per item" : "once with all the items",
							   wait ? "and waits for its result" :
							   "fire and forget (the node passes its input on)"));
	add_line(explain, psprintf("  in a background run each call is an execution of its own (mode subworkflow)%s",
							   wait ? "; the node pauses until they have ended" :
							   ", queued when the node commits"));
}

/*
 * What one node does, as the executor runs it.  last: no node is taken
 * up after it.
 */
static void
explain_node(Explain *explain, const RrPlan *plan, const RrPlanNode *node,
			 int number, const bool *runnable, bool last)
{
	int			output;
	int			edges = 0;

	add_line(explain, psprintf("%d. \"%s\" (%s): %s", number, node->name,
							   node->type_name,
							   inputs_text(plan, node, runnable)));
	if (node->disabled)
		add_line(explain, pstrdup("  disabled: passes the items of its first input through without running"));
	if (node->execute_once)
		add_line(explain, pstrdup("  execute once: runs on the first item of each input only"));
	if (rr_node_has_effects(node))
		add_line(explain, psprintf("  side effects: a background run commits what ran before it, then commits it with its step %s",
								   last ? "together with the end of the execution (it is the last node)" :
								   "before the next node runs"));
	if (strcmp(node->type_name, "wait") == 0 && !node->disabled)
		add_line(explain, pstrdup("  pauses: a background run commits and leaves the execution waiting, with no worker; execute() cannot pause and fails"));
	if (strcmp(node->type_name, "execute_workflow") == 0)
		explain_call(explain, node);
	if (node->timeout_ms > 0)
		add_line(explain, psprintf("  timeout: %s per run", duration_text(node->timeout_ms)));
	if (node->retry != NULL)
		add_line(explain, retry_text(node));
	if (node->on_error == RR_ON_ERROR_CONTINUE)
		add_line(explain, pstrdup("  on error: continue; its effects are undone and its input items go on, each with an \"error\" member"));
	else if (node->on_error == RR_ON_ERROR_OUTPUT)
		add_line(explain, pstrdup("  on error: error_output; its effects are undone and its input items go to output \"error\", each with an \"error\" member"));
	if (node->always_output_data)
		add_line(explain, pstrdup("  always output data: one empty item when it would output nothing"));
	for (output = 0; output < node->noutputs; output++)
		edges += node->nedges[output];
	if (edges == 0)
		add_line(explain, pstrdup("  result: its items are part of the execution's output"));
}

/*
 * The transactions of a background run that goes through every node: a
 * node with side effects runs in one of its own, and a node that pauses
 * ends one; the end of the execution commits with the last.
 */
static void
explain_transactions(Explain *explain, const RrPlan *plan, const int *order,
					 int n)
{
	StringInfoData buf;
	int			transaction = 1;
	int			members = 0;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		const RrPlanNode *node = &plan->nodes[order[i]];
		bool		alone = rr_node_has_effects(node);
		bool		pauses = strcmp(node->type_name, "wait") == 0 && !node->disabled;

		if (alone && members > 0)
		{
			add_line(explain, psprintf("background run, transaction %d: %s",
									   transaction++, buf.data));
			resetStringInfo(&buf);
			members = 0;
		}
		appendStringInfo(&buf, "%s\"%s\"", members++ > 0 ? ", " : "", node->name);
		if (pauses)
			appendStringInfoString(&buf, " (pauses; the rest runs when it wakes)");
		if ((alone || pauses) && i < n - 1)
		{
			add_line(explain, psprintf("background run, transaction %d: %s",
									   transaction++, buf.data));
			resetStringInfo(&buf);
			members = 0;
		}
	}
	add_line(explain, psprintf("background run, transaction %d: %s%sthe end of the execution",
							   transaction, buf.data, members > 0 ? ", " : ""));
}

static void
explain_plan(Explain *explain, const RrPlan *plan, const RrWorkflowRef *ref)
{
	int		   *order = palloc(sizeof(int) * Max(plan->nnodes, 1));
	int		   *runs = palloc(sizeof(int) * Max(plan->nnodes, 1));
	int			n = rr_plan_order(plan, order);
	bool	   *runnable = runnable_nodes(plan, order, n);
	StringInfoData buf;
	int			nruns = 0;
	int			edges = 0;
	int			i;

	for (i = 0; i < n; i++)
		if (runnable[order[i]])
			runs[nruns++] = order[i];
	for (i = 0; i < plan->nnodes; i++)
	{
		int			output;

		for (output = 0; output < plan->nodes[i].noutputs; output++)
			edges += plan->nodes[i].nedges[output];
	}

	add_line(explain, psprintf("workflow \"%s\" version %d%s, owned by %s: %d node%s, %d connection%s",
							   plan->workflow_name, plan->version,
							   plan->version == ref->active_version ? " (active)" : "",
							   GetUserNameFromId(plan->owner, false),
							   plan->nnodes, plan->nnodes == 1 ? "" : "s",
							   edges, edges == 1 ? "" : "s"));
	explain_settings(explain, plan);
	explain_triggers(explain, ref);

	initStringInfo(&buf);
	appendStringInfoString(&buf, "order:");
	for (i = 0; i < nruns; i++)
		appendStringInfo(&buf, "%s \"%s\"", i > 0 ? " ->" : "",
						 plan->nodes[runs[i]].name);
	add_line(explain, buf.data);
	for (i = 0; i < nruns; i++)
		explain_node(explain, plan, &plan->nodes[runs[i]], i + 1, runnable,
					 i == nruns - 1);
	for (i = 0; i < plan->nnodes; i++)
		if (!runnable[i])
			add_line(explain, psprintf("never runs: \"%s\" (%s): no connection from a trigger leads to it",
									   plan->nodes[i].name, plan->nodes[i].type_name));
	explain_transactions(explain, plan, runs, nruns);
}

Datum
reporunner_explain(PG_FUNCTION_ARGS)
{
	char	   *name = rr_workflow_name_arg(fcinfo, 0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RrWorkflowRef ref;
	int32		version;
	int			nestlevel;
	Explain		explain;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	nestlevel = rr_store_begin();
	rr_workflow_get(name, RR_WORKFLOW_MANAGE, InvalidOid, &ref);
	rr_store_end(nestlevel);
	version = rr_workflow_version_arg(fcinfo, 1, name, &ref);

	explain.lines = NIL;
	explain.cxt = CurrentMemoryContext;
	explain_plan(&explain, rr_plan_get(ref.id, version, ref.owner, name), &ref);

	foreach(lc, explain.lines)
	{
		Datum		value = CStringGetTextDatum(lfirst(lc));
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	return (Datum) 0;
}
