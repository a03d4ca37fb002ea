/*-------------------------------------------------------------------------
 *
 * eval.c
 *		Evaluate a compiled {{ }} expression for one item: a walk of its
 *		tree over JsValues, with n8n's variables read from the node run.
 *
 * Expressions have no statements, loops, assignment or recursion, so an
 * evaluation ends after at most as many steps as its tree has nodes, times
 * the lengths of the arrays builtins iterate.  Values read from items are
 * borrowed, never copied; what the expression builds is palloc'd in the
 * caller's memory context.
 *
 * A JavaScript TypeError (reading a property of undefined, calling what is
 * not a function) does not raise an ERROR: n8n swallows it and the whole
 * {{ }} gives undefined, so the evaluator unwinds with a flag (no PG_TRY on
 * this path).  The flag also carries an optional chain's short-circuit
 * (a?.b.c with a null stops at the chain's end).
 *
 * n8n's node accessors are host objects, JsValues of kind JS_FUNCTION
 * that point to an RrHost: $input, $('Node'), $node and $node["Node"].
 * An arrow function is one too, called by the builtins that take one.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "catalog/plan.h"
#include "datatype/timestamp.h"
#include "engine/executor.h"
#include "engine/pairing.h"
#include "expr/builtins_int.h"
#include "expr/datetime.h"
#include "expr/eval.h"
#include "expr/regex.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"

typedef enum RrUnwind
{
	RR_UNWIND_NONE,
	RR_UNWIND_THROW,			/* a TypeError: the {{ }} gives undefined */
	RR_UNWIND_SHORT				/* a ?. met null or undefined */
} RrUnwind;

struct RrExprEnv
{
	RrNodeRun  *run;
	Jsonb	   *item;
	int			item_index;
	JsValue    *slots;			/* arrow parameters */
	RrUnwind	unwind;
};

typedef enum RrHostKind
{
	RR_HOST_INPUT,				/* $input */
	RR_HOST_NODE,				/* $('Node') */
	RR_HOST_NODES,				/* $node */
	RR_HOST_NODE_INDEXED,		/* $node["Node"] */
	RR_HOST_ARROW,				/* an arrow function */
	RR_HOST_FUNCTION			/* a function of builtins.c as a value */
} RrHostKind;

typedef struct RrHost
{
	RrHostKind	kind;
	const char *name;			/* the node's name */
	const RrAst *arrow;			/* RR_HOST_ARROW */
	int			function;		/* RR_HOST_FUNCTION */
} RrHost;

/*
 * What a node run's expressions read more than once, built on first use in
 * the execution's memory context (the node may reset its own between
 * items or rounds) and kept for the run: RrNodeRun.expr_cache.
 */
typedef struct RrRunCache
{
	JsValue		input_all;		/* $input.all(), or JS_UNDEFINED until built */
	JsValue		workflow;
	JsValue		execution;
	const RrZone *zone;			/* the workflow's, or NULL until built */
	JsValue		now;			/* $now and $today, or JS_UNDEFINED */
	JsValue		today;
} RrRunCache;

static JsValue eval_node(RrExprEnv *env, const RrAst *node);

void
rr_expr_throw(RrExprEnv *env)
{
	env->unwind = RR_UNWIND_THROW;
}

static JsValue
host_value(RrHostKind kind, const char *name, const RrAst *arrow)
{
	RrHost	   *host = palloc0(sizeof(RrHost));
	JsValue		v;

	host->kind = kind;
	host->name = name;
	host->arrow = arrow;
	v.kind = JS_FUNCTION;
	v.u.fn = host;
	return v;
}

static RrRunCache *
run_cache(RrNodeRun *run)
{
	if (run->expr_cache == NULL)
	{
		RrRunCache *cache = MemoryContextAlloc(run->execution->context,
											   sizeof(RrRunCache));

		cache->input_all = js_undefined();
		cache->workflow = js_undefined();
		cache->execution = js_undefined();
		cache->zone = NULL;
		cache->now = js_undefined();
		cache->today = js_undefined();
		run->expr_cache = cache;
	}
	return (RrRunCache *) run->expr_cache;
}

/* A built object from parallel arrays of keys and values */
static JsValue
make_object(int n, const char **keys, const JsValue *vals)
{
	RrObjectBuilder obj;
	int			i;

	rr_object_init(&obj, n);
	for (i = 0; i < n; i++)
		rr_object_set(&obj, keys[i], strlen(keys[i]), vals[i]);
	return rr_object_result(&obj);
}

/* n8n's item wrapper: {json, pairedItem: {item}} */
static JsValue
item_object(Jsonb *item, int index)
{
	static const char *item_keys[] = {"json", "pairedItem"};
	static const char *paired_keys[] = {"item"};
	JsValue		vals[2];
	JsValue		paired = js_number(index);

	vals[0] = js_from_jsonb(item);
	vals[1] = make_object(1, paired_keys, &paired);
	return make_object(2, item_keys, vals);
}

static JsValue
items_array(List *items)
{
	RrArrayBuilder arr;
	ListCell   *lc;

	rr_array_init(&arr, list_length(items));
	foreach(lc, items)
		rr_array_push(&arr, item_object(lfirst(lc), foreach_current_index(lc)));
	return rr_array_result(&arr);
}

static List *
input_items(RrNodeRun *run)
{
	return run->ninputs > 0 ? run->inputs[0] : NIL;
}

/*
 * Run run_index of node (its latest attempt), or NULL when the node has
 * not run that often in this execution
 */
static RrStep *
step_of_run(RrExecution *execution, const RrPlanNode *node, int run_index)
{
	RrStep	   *found = NULL;
	ListCell   *lc;

	foreach(lc, execution->steps)
	{
		RrStep	   *step = lfirst(lc);

		if (step->node == node && step->run_index == run_index)
			found = step;
	}
	return found;
}

/*
 * The items of node name's output: the one given, or (output -1) the
 * output connected to the running node, else its first; of the node's
 * run run_index, or (-1) its latest run.  ERROR when there is no such node
 * or it has not run (that often), with n8n's messages.
 */
static List *
node_output_items(RrExprEnv *env, const char *name, int output, int run_index)
{
	RrExecution *execution = env->run->execution;
	RrPlanNode *node = rr_plan_find_node(execution->plan, (char *) name);
	RrStep	   *step;

	if (env->run->node == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a table trigger's condition cannot read the items of node \"%s\"",
						name),
				 errdetail("The condition runs before the execution, on the changed row.")));
	if (node == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Referenced node doesn't exist"),
				 errdetail("The workflow has no node \"%s\".", name)));
	step = execution->states[node->index].step;
	if (step == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Node '%s' hasn't been executed", name),
				 errdetail("An expression can read a node's items only after the node ran in the same execution.")));
	if (run_index >= 0 && (step = step_of_run(execution, node, run_index)) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Run %d of node '%s' doesn't exist", run_index, name),
				 errdetail("Runs count from 0; the node has run %d time(s) in this execution so far.",
						   execution->states[node->index].step->run_index + 1)));
	if (output >= 0)
		return output < node->noutputs ? step->outputs[output] : NIL;
	for (output = 0; output < node->noutputs; output++)
	{
		int			e;

		for (e = 0; e < node->nedges[output]; e++)
			if (node->edges[output][e].to == env->run->node->index)
				return step->outputs[output];
	}
	return node->noutputs > 0 ? step->outputs[0] : NIL;
}

/* The items of node name's output that lead here */
static List *
node_items(RrExprEnv *env, const char *name)
{
	return node_output_items(env, name, -1, -1);
}

/*
 * $('name').item for item index of the input: the item of node name it
 * descends from (src/engine/pairing.c), or undefined.
 */
static JsValue
paired_item(RrExprEnv *env, const char *name, int index)
{
	RrNodeRun  *run = env->run;
	RrPlanNode *node;
	Jsonb	   *item;
	int			found;

	(void) node_items(env, name);	/* no such node, or it has not run */
	node = rr_plan_find_node(run->execution->plan, (char *) name);
	if (index < 0 || index >= list_length(input_items(run)))
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("Can't get data for expression"),
				 errdetail("Node \"%s\" has no input item %d.",
						   run->node->name, index)));
	item = rr_paired_item(run->execution, run->node, index, node, &found);
	return item != NULL ? item_object(item, found) : js_undefined();
}

/* item index of items as an item object, or undefined */
static JsValue
nth_item(List *items, int index)
{
	if (index < 0 || index >= list_length(items))
		return js_undefined();
	return item_object(list_nth(items, index), index);
}

static JsValue
workflow_object(RrNodeRun *run)
{
	RrRunCache *cache = run_cache(run);

	if (cache->workflow.kind == JS_UNDEFINED)
	{
		static const char *keys[] = {"id", "name", "version"};
		RrPlan	   *plan = run->execution->plan;
		MemoryContext old = MemoryContextSwitchTo(run->execution->context);
		JsValue		vals[3];

		vals[0] = js_cstring(psprintf(INT64_FORMAT, plan->workflow_id));
		vals[1] = js_cstring(plan->workflow_name);
		vals[2] = js_number(plan->version);
		cache->workflow = make_object(3, keys, vals);
		MemoryContextSwitchTo(old);
	}
	return cache->workflow;
}

static JsValue
execution_object(RrNodeRun *run)
{
	RrRunCache *cache = run_cache(run);

	if (cache->execution.kind == JS_UNDEFINED)
	{
		static const char *keys[] = {"id", "mode"};
		RrExecution *execution = run->execution;
		MemoryContext old = MemoryContextSwitchTo(execution->context);
		JsValue		vals[2];

		vals[0] = execution->id != 0 ?
			js_cstring(psprintf(INT64_FORMAT, execution->id)) : js_null();
		/* n8n's: "test" for a run from its editor, which has no peer here */
		vals[1] = js_cstring("production");
		cache->execution = make_object(2, keys, vals);
		MemoryContextSwitchTo(old);
	}
	return cache->execution;
}

/* $prevNode: the node run that delivered the first item of input 0 */
static JsValue
prev_node_object(RrNodeRun *run)
{
	static const char *keys[] = {"name", "outputIndex", "runIndex"};
	const RrDelivery *delivery;

	if (run->node == NULL)
		return js_undefined();	/* a table trigger's condition */
	for (delivery = run->execution->states[run->node->index].delivered;
		 delivery != NULL; delivery = delivery->next)
	{
		JsValue		vals[3];

		if (delivery->input != 0 || delivery->from == NULL)
			continue;
		vals[0] = js_cstring(delivery->from->node->name);
		vals[1] = js_number(delivery->output);
		vals[2] = js_number(delivery->from->run_index);
		return make_object(3, keys, vals);
	}
	return js_undefined();
}

/* The workflow's zone: settings.timezone (checked at save), else UTC */
const RrZone *
rr_expr_env_zone(RrExprEnv *env)
{
	return rr_run_zone(env->run);
}

const RrZone *
rr_run_zone(RrNodeRun *run)
{
	RrRunCache *cache = run_cache(run);

	if (cache->zone == NULL)
	{
		const char *name = run->execution->plan->timezone;
		MemoryContext old = MemoryContextSwitchTo(run->execution->context);

		cache->zone = name == NULL ? &rr_zone_utc :
			rr_zone_named(name, strlen(name), &rr_zone_utc);
		MemoryContextSwitchTo(old);
		if (cache->zone == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" of the workflow is not known", name),
					 errdetail("The setting \"timezone\" must name a time zone of the database, such as \"Europe/Oslo\".")));
	}
	return cache->zone;
}

/* "Now": the execution's start, in epoch milliseconds (for every item) */
double
rr_expr_env_now(RrExprEnv *env)
{
	return rr_run_now(env->run);
}

double
rr_run_now(RrNodeRun *run)
{
	TimestampTz started = run->execution->started_at;
	int64		ms = started / 1000 - (started % 1000 < 0 ? 1 : 0);

	return (double) ms +
		(double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000.0;
}

/*
 * $now (a DateTime of the execution's start in the workflow's zone) and
 * $today (the start of its day), one object each for the node run as n8n
 * has one for an evaluation ($now === $now)
 */
static JsValue
now_value(RrExprEnv *env, bool today)
{
	RrRunCache *cache = run_cache(env->run);

	if (cache->now.kind == JS_UNDEFINED)
	{
		const RrZone *zone = rr_expr_env_zone(env);
		MemoryContext old = MemoryContextSwitchTo(env->run->execution->context);

		cache->now = rr_datetime(rr_expr_env_now(env), zone);
		cache->today = rr_datetime_start_of(cache->now.u.dt, RR_UNIT_DAYS);
		MemoryContextSwitchTo(old);
	}
	return today ? cache->today : cache->now;
}

static JsValue
eval_ident(RrExprEnv *env, const RrAst *node)
{
	RrNodeRun  *run = env->run;

	if (node->ref >= RR_VAR_SLOT)
		return env->slots[node->ref - RR_VAR_SLOT];
	switch ((RrVarRef) node->ref)
	{
		case RR_VAR_JSON:
			return js_from_jsonb(env->item);
		case RR_VAR_INPUT:
			return host_value(RR_HOST_INPUT, NULL, NULL);
		case RR_VAR_ITEM_INDEX:
			return js_number(env->item_index);
		case RR_VAR_RUN_INDEX:
			return js_number(run->run_index);
		case RR_VAR_WORKFLOW:
			return workflow_object(run);
		case RR_VAR_EXECUTION:
			return execution_object(run);
		case RR_VAR_VARS:
			return js_from_jsonb(run->execution->plan->vars);
		case RR_VAR_NOW:
		case RR_VAR_TODAY:
			return now_value(env, node->ref == RR_VAR_TODAY);
		case RR_VAR_NODE:
			return host_value(RR_HOST_NODES, NULL, NULL);
		case RR_VAR_PREV_NODE:
			return prev_node_object(run);
		case RR_VAR_MODE:
			return js_cstring(run->execution->mode);
		case RR_VAR_PARAMETER:
			return js_from_jsonb(run->node->params);
		case RR_VAR_NAN:
			return js_number(get_float8_nan());
		case RR_VAR_INFINITY:
			return js_number(get_float8_infinity());
		case RR_VAR_FUNCTION:
			{
				JsValue		v = host_value(RR_HOST_FUNCTION, NULL, NULL);

				((RrHost *) v.u.fn)->function = (int) node->num;
				return v;
			}
		case RR_VAR_UNRESOLVED:
		case RR_VAR_SLOT:
			break;
	}
	elog(ERROR, "unresolved identifier \"%s\"", node->name);
	return js_undefined();		/* keep compiler quiet */
}

/* A property of a host object */
static JsValue
host_member(RrExprEnv *env, const RrHost *host, JsValue key)
{
	JsValue		name = js_to_string(key);
	const char *s = name.u.str.ptr;
	int			len = name.u.str.len;

#define KEY_IS(lit) (len == sizeof(lit) - 1 && memcmp(s, lit, len) == 0)
	switch (host->kind)
	{
		case RR_HOST_INPUT:
			if (KEY_IS("item"))
				return nth_item(input_items(env->run), env->item_index);
			if (KEY_IS("params"))
				return js_from_jsonb(env->run->node->params);	/* as $parameter */
			break;
		case RR_HOST_NODE:
			if (KEY_IS("item"))
				return paired_item(env, host->name, env->item_index);
			if (KEY_IS("isExecuted"))
			{
				RrExecution *execution = env->run->execution;
				RrPlanNode *node = rr_plan_find_node(execution->plan,
													 (char *) host->name);

				return js_bool(node != NULL &&
							   execution->states[node->index].step != NULL);
			}
			if (KEY_IS("params"))
			{
				RrPlanNode *node = rr_plan_find_node(env->run->execution->plan,
													 (char *) host->name);

				return node != NULL ? js_from_jsonb(node->params) : js_undefined();
			}
			break;
		case RR_HOST_NODES:
			return host_value(RR_HOST_NODE_INDEXED, pnstrdup(s, len), NULL);
		case RR_HOST_NODE_INDEXED:
			if (KEY_IS("json") || KEY_IS("data"))
			{
				List	   *items = node_items(env, host->name);

				if (env->item_index >= list_length(items))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("\"%s\" node has %d item(s) but you're trying to access item %d",
									host->name, list_length(items),
									env->item_index)));
				return js_from_jsonb(list_nth(items, env->item_index));
			}
			if (KEY_IS("parameter"))
			{
				RrPlanNode *node = rr_plan_find_node(env->run->execution->plan,
													 (char *) host->name);

				return node != NULL ? js_from_jsonb(node->params) : js_undefined();
			}
			if (KEY_IS("runIndex"))
			{
				RrPlanNode *node = rr_plan_find_node(env->run->execution->plan,
													 (char *) host->name);
				RrStep	   *step = node != NULL ?
					env->run->execution->states[node->index].step : NULL;

				return js_number(step != NULL ? step->run_index : 0);
			}
			break;
		case RR_HOST_ARROW:
		case RR_HOST_FUNCTION:
			break;
	}
#undef KEY_IS
	return js_undefined();
}

/* $input.all(), built once per node run */
static JsValue
input_all(RrExprEnv *env)
{
	RrRunCache *cache = run_cache(env->run);

	if (cache->input_all.kind == JS_UNDEFINED)
	{
		MemoryContext old = MemoryContextSwitchTo(env->run->execution->context);

		cache->input_all = items_array(input_items(env->run));
		MemoryContextSwitchTo(old);
	}
	return cache->input_all;
}

/*
 * $items('N', output, run): node N's items of output (0 unless given) in
 * its run run (from 0; -1 or not given: its latest run, as $('N').all()
 * gives them: a node with one input runs once per delivery); $items() the
 * input items.
 */
static JsValue
items_call(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		name;
	double		output = 0;
	double		run = -1;
	char	   *node;

	if (nargs == 0)
		return input_all(env);
	name = js_to_string(args[0]);
	node = pnstrdup(name.u.str.ptr, name.u.str.len);
	if (nargs > 1 && args[1].kind != JS_UNDEFINED)
		output = js_to_number(args[1]);
	if (nargs > 2 && args[2].kind != JS_UNDEFINED)
		run = js_to_number(args[2]);
	if (run != -1 && !(run >= 0 && run < PG_INT32_MAX && run == floor(run)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Run %g of node '%s' doesn't exist", run, node),
				 errdetail("Runs count from 0; -1 is the latest run.")));
	if (!(output >= 0 && output < PG_INT16_MAX))
		return js_undefined();
	return items_array(node_output_items(env, node, (int) output, (int) run));
}

/* A call of a host object's accessor: $input.all(), $('N').first() ... */
static JsValue
host_call(RrExprEnv *env, const RrAst *call, JsValue self, int nargs,
		  const JsValue *args)
{
	const RrHost *host = (const RrHost *) self.u.fn;
	const char *name = call->kids[0]->name;
	List	   *items;

	Assert(self.kind == JS_FUNCTION);
	if (host->kind == RR_HOST_INPUT)
	{
		items = input_items(env->run);
		if (nargs > 0 && strcmp(name, "all") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("$input.%s() should have no arguments", name)));
		if (strcmp(name, "all") == 0)
			return input_all(env);
	}
	else
		items = node_items(env, host->name);

	if (strcmp(name, "first") == 0)
		return nth_item(items, 0);
	if (strcmp(name, "last") == 0)
		return nth_item(items, list_length(items) - 1);
	if (strcmp(name, "all") == 0)
		return items_array(items);
	if (host->kind == RR_HOST_NODE &&
		(strcmp(name, "itemMatching") == 0 || strcmp(name, "pairedItem") == 0))
	{
		if (nargs < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("Missing item index for .%s()", name)));
		{
			double		index = js_to_number(args[0]);

			/* NaN and out of range: an index no input item has */
			return paired_item(env, host->name,
							   index >= 0 && index < PG_INT32_MAX ? (int) index : -1);
		}
	}
	rr_expr_throw(env);
	return js_undefined();
}

/*
 * Element index of v as array destructuring takes it: of an array, or
 * the index-th character (code point) of a string; anything else is not
 * iterable (*type_error).
 */
static JsValue
element_of(JsValue v, int index, bool *type_error)
{
	if (rr_is_array(v))
		return js_get_member(v, js_number(index), type_error);
	if (v.kind == JS_STRING)
	{
		int			at = 0;

		for (; at < v.u.str.len && index > 0; index--)
			at += rr_char_len(v.u.str.ptr + at);
		return at < v.u.str.len ?
			js_string(v.u.str.ptr + at, rr_char_len(v.u.str.ptr + at)) :
			js_undefined();
	}
	*type_error = true;
	return js_undefined();
}

/*
 * The values of kids[from..] of node, spread ones (...x) expanded, pushed
 * to out; false when evaluation unwound.  A string spreads into its
 * characters (code points, as JavaScript's string iterator); spreading
 * what is neither an array nor a string is a TypeError.
 */
static bool
eval_list(RrExprEnv *env, const RrAst *node, int from, RrArrayBuilder *out)
{
	int			i;

	for (i = from; i < node->nkids; i++)
	{
		const RrAst *kid = node->kids[i];
		bool		spread = kid->kind == RR_AST_SPREAD;
		JsValue		v = eval_node(env, spread ? kid->kids[0] : kid);

		if (env->unwind != RR_UNWIND_NONE)
			return false;
		if (!spread)
			rr_array_push(out, v);
		else if (rr_is_array(v))
		{
			JsArray    *elems = rr_array_view(v);
			int			j;

			for (j = 0; j < elems->len; j++)
				rr_array_push(out, elems->elems[j]);
		}
		else if (v.kind == JS_STRING)
		{
			int			j;

			for (j = 0; j < v.u.str.len; j += rr_char_len(v.u.str.ptr + j))
				rr_array_push(out, js_string(v.u.str.ptr + j,
											 rr_char_len(v.u.str.ptr + j)));
		}
		else
		{
			rr_expr_throw(env);
			return false;
		}
	}
	return true;
}

/*
 * A builtin that built a large string or array did work in proportion to
 * it: the run's limits are checked at once, so that a few calls building
 * megabytes each (a callback returning numberList(1, 1e6)) meet
 * reporunner.max_execution_memory before the step counter would check it.
 */
static void check_limits(RrExprEnv *env);

static void
check_built(RrExprEnv *env, JsValue v)
{
	if ((v.kind == JS_STRING && v.u.str.len >= 65536) ||
		(v.kind == JS_ARRAY && v.u.arr->len >= RR_LIMIT_CHECK_EVERY))
		check_limits(env);
}

static JsValue
eval_call(RrExprEnv *env, const RrAst *call)
{
	RrArrayBuilder args;
	JsValue		self = js_undefined();
	JsValue		result;

	if (call->ref == RR_CALL_NODE)
		return host_value(RR_HOST_NODE,
						  pnstrdup(call->kids[1]->str, call->kids[1]->len),
						  NULL);
	if (call->ref == RR_CALL_METHOD || call->ref == RR_CALL_HOST)
	{
		const RrAst *callee = call->kids[0];

		self = eval_node(env, callee->kids[0]);
		if (env->unwind != RR_UNWIND_NONE)
			return js_undefined();
		if ((callee->optional || call->optional) && js_is_nullish(self))
		{
			env->unwind = RR_UNWIND_SHORT;
			return js_undefined();
		}
	}
	rr_array_init(&args, call->nkids - 1);
	if (!eval_list(env, call, 1, &args))
		return js_undefined();

	if (call->ref == RR_CALL_HOST)
		return host_call(env, call, self, args.arr->len, args.arr->elems);
	if (call->ref == RR_CALL_ITEMS)
		return items_call(env, args.arr->len, args.arr->elems);
	if (call->ref >= RR_CALL_FUNCTION)
		result = rr_function_call(env, call->ref - RR_CALL_FUNCTION,
								  args.arr->len, args.arr->elems);
	else
	{
		Assert(call->ref == RR_CALL_METHOD);
		result = rr_method_call(env, call->kids[0]->ref - RR_METHOD, self,
								args.arr->len, args.arr->elems);
	}
	check_built(env, result);
	return result;
}

static JsValue
eval_member(RrExprEnv *env, const RrAst *member)
{
	JsValue		base = eval_node(env, member->kids[0]);
	JsValue		key;
	JsValue		result;
	bool		type_error = false;

	if (env->unwind != RR_UNWIND_NONE)
		return js_undefined();
	if (member->optional && js_is_nullish(base))
	{
		env->unwind = RR_UNWIND_SHORT;
		return js_undefined();
	}
	if (member->name != NULL)
		key = js_cstring(member->name);
	else
	{
		key = eval_node(env, member->kids[1]);
		if (env->unwind != RR_UNWIND_NONE)
			return js_undefined();
	}
	if (base.kind == JS_FUNCTION)
		return host_member(env, (const RrHost *) base.u.fn, key);
	result = js_get_member(base, key, &type_error);
	if (type_error)
		rr_expr_throw(env);
	return result;
}

static JsValue
eval_template(RrExprEnv *env, const RrAst *node)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < node->nparts; i++)
	{
		appendBinaryStringInfo(&buf, node->parts[i], node->partlens[i]);
		if (i < node->nkids)
		{
			JsValue		v = eval_node(env, node->kids[i]);

			if (env->unwind != RR_UNWIND_NONE)
				return js_undefined();
			js_append_string(&buf, v);
		}
	}
	return js_string(buf.data, buf.len);
}

static JsValue
eval_array(RrExprEnv *env, const RrAst *node)
{
	RrArrayBuilder arr;

	rr_array_init(&arr, node->nkids);
	if (!eval_list(env, node, 0, &arr))
		return js_undefined();
	return rr_array_result(&arr);
}

/*
 * An object literal: a later value of a key replaces an earlier one, and
 * {...v} copies v's own members (an array's are its indexes)
 */
static JsValue
eval_object(RrExprEnv *env, const RrAst *node)
{
	RrObjectBuilder obj;
	int			i;

	rr_object_init(&obj, node->nkids);
	for (i = 0; i < node->nkids; i++)
	{
		const RrAst *kid = node->kids[i];
		JsValue		v;

		if (kid->kind == RR_AST_SPREAD && node->keys[i] == NULL &&
			(node->computed == NULL || node->computed[i] == NULL))
		{
			JsObject   *members;
			int			j;

			v = eval_node(env, kid->kids[0]);
			if (env->unwind != RR_UNWIND_NONE)
				return js_undefined();
			members = rr_entries_view(v);
			for (j = 0; j < members->len; j++)
				rr_object_set(&obj, members->keys[j], members->keylens[j],
							  members->vals[j]);
			continue;
		}
		v = eval_node(env, kid);
		if (env->unwind != RR_UNWIND_NONE)
			return js_undefined();
		if (node->keys[i] != NULL)
			rr_object_set(&obj, node->keys[i], node->keylens[i], v);
		else
		{
			JsValue		key = eval_node(env, node->computed[i]);

			if (env->unwind != RR_UNWIND_NONE)
				return js_undefined();
			key = js_to_string(key);
			rr_object_set(&obj, key.u.str.ptr, key.u.str.len, v);
		}
	}
	return rr_object_result(&obj);
}

static JsValue
eval_unary(RrExprEnv *env, const RrAst *node)
{
	JsValue		v = eval_node(env, node->kids[0]);

	if (env->unwind != RR_UNWIND_NONE)
		return js_undefined();
	switch (node->op)
	{
		case RR_OP_NOT:
			return js_bool(!js_to_boolean(v));
		case RR_OP_NEG:
			return js_number(-js_to_number(v));
		case RR_OP_PLUS:
			return js_number(js_to_number(v));
		case RR_OP_BITNOT:
			/* ~x is x ^ -1 on ToInt32 */
			return js_arithmetic(RR_OP_BITXOR, v, js_number(-1));
		case RR_OP_TYPEOF:
			return js_cstring(js_typeof(v));
		default:
			break;
	}
	elog(ERROR, "unexpected unary operator %d", (int) node->op);
	return js_undefined();		/* keep compiler quiet */
}

static JsValue
eval_binary(RrExprEnv *env, const RrAst *node)
{
	JsValue		a = eval_node(env, node->kids[0]);
	JsValue		b;
	bool		type_error = false;
	bool		result;

	if (env->unwind != RR_UNWIND_NONE)
		return js_undefined();
	b = eval_node(env, node->kids[1]);
	if (env->unwind != RR_UNWIND_NONE)
		return js_undefined();
	switch (node->op)
	{
		case RR_OP_EQ:
			return js_bool(js_loose_equals(a, b));
		case RR_OP_NE:
			return js_bool(!js_loose_equals(a, b));
		case RR_OP_SEQ:
			return js_bool(js_strict_equals(a, b));
		case RR_OP_SNE:
			return js_bool(!js_strict_equals(a, b));
		case RR_OP_LT:
		case RR_OP_LE:
		case RR_OP_GT:
		case RR_OP_GE:
			return js_bool(js_compare(node->op, a, b));
		case RR_OP_IN:
			result = js_has_property(b, a, &type_error);
			if (type_error)
				rr_expr_throw(env);
			return js_bool(result);
		default:
			return js_arithmetic(node->op, a, b);
	}
}

static JsValue
eval_logical(RrExprEnv *env, const RrAst *node)
{
	JsValue		a = eval_node(env, node->kids[0]);

	if (env->unwind != RR_UNWIND_NONE)
		return js_undefined();
	switch (node->op)
	{
		case RR_OP_AND:
			if (!js_to_boolean(a))
				return a;
			break;
		case RR_OP_OR:
			if (js_to_boolean(a))
				return a;
			break;
		default:
			Assert(node->op == RR_OP_COALESCE);
			if (!js_is_nullish(a))
				return a;
			break;
	}
	return eval_node(env, node->kids[1]);
}

/* new Date(args), new RegExp(pattern, flags) */
static JsValue
eval_new(RrExprEnv *env, const RrAst *node)
{
	JsValue		args[7];
	int			i;
	char	   *error;
	int			error_pos;
	const RrRegex *re;

	Assert(node->nkids <= lengthof(args));
	for (i = 0; i < node->nkids; i++)
	{
		args[i] = eval_node(env, node->kids[i]);
		if (env->unwind != RR_UNWIND_NONE)
			return js_undefined();
	}
	if (node->name[0] == 'D')
		return rr_new_date(env, node->nkids, args);
	re = node->regex;
	if (re == NULL)
		re = rr_regex_new(node->nkids > 0 ? args[0] : js_undefined(),
						  node->nkids > 1 ? args[1] : js_undefined(),
						  &error, &error_pos);
	if (re == NULL)
	{
		env->unwind = RR_UNWIND_THROW;	/* a SyntaxError */
		return js_undefined();
	}
	return js_regexp(re);
}

static JsValue
eval_node(RrExprEnv *env, const RrAst *node)
{
	JsValue		v;

	switch (node->kind)
	{
		case RR_AST_NUMBER:
			return js_number(node->num);
		case RR_AST_STRING:
			return js_string(node->str, node->len);
		case RR_AST_TRUE:
			return js_bool(true);
		case RR_AST_FALSE:
			return js_bool(false);
		case RR_AST_NULL:
			return js_null();
		case RR_AST_UNDEFINED:
			return js_undefined();
		case RR_AST_TEMPLATE:
			return eval_template(env, node);
		case RR_AST_IDENT:
			return eval_ident(env, node);
		case RR_AST_ARRAY:
			return eval_array(env, node);
		case RR_AST_OBJECT:
			return eval_object(env, node);
		case RR_AST_MEMBER:
			return eval_member(env, node);
		case RR_AST_CALL:
			return eval_call(env, node);
		case RR_AST_CHAIN:
			v = eval_node(env, node->kids[0]);
			if (env->unwind == RR_UNWIND_SHORT)
			{
				env->unwind = RR_UNWIND_NONE;
				return js_undefined();
			}
			return v;
		case RR_AST_UNARY:
			return eval_unary(env, node);
		case RR_AST_BINARY:
			return eval_binary(env, node);
		case RR_AST_LOGICAL:
			return eval_logical(env, node);
		case RR_AST_CONDITIONAL:
			v = eval_node(env, node->kids[0]);
			if (env->unwind != RR_UNWIND_NONE)
				return js_undefined();
			return eval_node(env, node->kids[js_to_boolean(v) ? 1 : 2]);
		case RR_AST_ARROW:
			return host_value(RR_HOST_ARROW, NULL, node);
		case RR_AST_NEW:
			return eval_new(env, node);
		case RR_AST_REGEX:
			return js_regexp(node->regex);
		case RR_AST_SPREAD:
			break;
	}
	elog(ERROR, "unexpected expression node %d", (int) node->kind);
	return js_undefined();		/* keep compiler quiet */
}

bool
rr_expr_callable(JsValue fn)
{
	const RrHost *host = (const RrHost *) fn.u.fn;

	return fn.kind == JS_FUNCTION &&
		(host->kind == RR_HOST_ARROW || host->kind == RR_HOST_FUNCTION);
}

/*
 * Call an arrow function or a function value.  An arrow's parameters are
 * its slots: no arrow can call itself, so it is never running twice at
 * once and its slots need no saving.
 */
JsValue
rr_expr_call(RrExprEnv *env, JsValue fn, int nargs, const JsValue *args)
{
	const RrHost *host;
	const RrAst *arrow;
	int			i;

	rr_expr_step(env);
	if (!rr_expr_callable(fn))
	{
		rr_expr_throw(env);		/* TypeError: x is not a function */
		return js_undefined();
	}
	host = (const RrHost *) fn.u.fn;
	if (host->kind == RR_HOST_FUNCTION)
		return rr_function_call(env, host->function, nargs, args);
	arrow = host->arrow;
	for (i = 0; i < arrow->nparams; i++)
	{
		int			arg = arrow->param_arg[i];
		JsValue		v = arg < nargs ? args[arg] : js_undefined();
		bool		type_error = false;

		/* destructured: ([k, v]) => ..., ({a, b}) => ... */
		if (arrow->param_key[i] != NULL)
			v = js_get_named(v, arrow->param_key[i],
							 strlen(arrow->param_key[i]), &type_error);
		else if (arrow->param_element[i] >= 0)
			v = element_of(v, arrow->param_element[i], &type_error);
		if (type_error)
		{
			rr_expr_throw(env);	/* TypeError: cannot destructure */
			return js_undefined();
		}
		env->slots[arrow->ref + i] = v;
	}
	return eval_node(env, arrow->kids[0]);
}

/*
 * The run's limits (rr_check_limits); a table trigger's condition runs
 * without a node (src/triggers/table_trigger.c), and only checks for a
 * cancel.
 */
static void
check_limits(RrExprEnv *env)
{
	if (env->run->node == NULL)
		CHECK_FOR_INTERRUPTS();
	else
		rr_check_limits(env->run);
}

void
rr_expr_step(RrExprEnv *env)
{
	if (++env->run->items_seen % RR_LIMIT_CHECK_EVERY == 0)
		check_limits(env);
}

bool
rr_expr_thrown(RrExprEnv *env)
{
	return env->unwind != RR_UNWIND_NONE;
}

bool
rr_expr_eval(const RrExpr *expr, RrNodeRun *run, Jsonb *item, int item_index,
			 JsValue *result)
{
	RrExprEnv	env;

	env.run = run;
	env.item = item;
	env.item_index = item_index;
	env.slots = expr->nslots > 0 ? palloc0(sizeof(JsValue) * expr->nslots) : NULL;
	env.unwind = RR_UNWIND_NONE;
	*result = eval_node(&env, expr->ast);
	if (env.unwind != RR_UNWIND_NONE)
	{
		*result = js_undefined();
		return false;
	}
	return true;
}
