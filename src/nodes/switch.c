/*-------------------------------------------------------------------------
 *
 * switch.c
 *		The "switch" node: routes items to one output per rule.
 *
 * Outputs are numbered like the rules, then "fallback".  A rule's test is
 * its "condition" (one expression) or its "conditions" (n8n's filter
 * rules, src/expr/conditions.c).  In mode "first" an item goes to the
 * first rule whose test passes; in mode "all" to
 * every such rule.  An item that matches no rule goes to "fallback" when
 * the "fallback" param is true, and is dropped otherwise.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/item_errors.h"
#include "expr/conditions.h"
#include "nodes/node_util.h"

/* What prepare compiles. */
typedef struct SwitchState
{
	const char *node_name;
	int			nrules;
	RrConditions **tests;		/* one per rule */
	bool		all;			/* mode "all" */
	RrParam		fallback;
	bool		fallback_value; /* when "fallback" is constant */
} SwitchState;

/*
 * switch_fallback
 *		Decode a value of "fallback": a boolean; null means false.
 */
static bool
switch_fallback(SwitchState *state, JsonbValue *value)
{
	if (value == NULL || value->type == jbvNull)
		return false;
	if (value->type != jbvBool)
		rr_param_type_error(state->node_name, "fallback", "a boolean", value);
	return value->val.boolean;
}

/*
 * switch_prepare
 *		Compile the rules' conditions; read mode and fallback.
 */
static void *
switch_prepare(RrPlanNode *node)
{
	SwitchState *state = palloc0(sizeof(SwitchState));
	JsonbValue *rules = rr_node_param(node, "rules");
	JsonbValue *mode = rr_node_param(node, "mode");
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	state->node_name = node->name;

	/* the validator guarantees 1 to 64 rule objects with one test each */
	if (rules == NULL || !rr_value_is_array(rules))
		elog(ERROR, "node \"%s\" has no rules", node->name);
	state->nrules = JsonContainerSize(rules->val.binary.data);
	state->tests = palloc(sizeof(RrConditions *) * state->nrules);
	it = JsonbIteratorInit(rules->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		JsonbValue	cond;
		JsonbValue	conds;
		char	   *owner;

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			elog(ERROR, "node \"%s\" rule %d is not an object",
				 node->name, n);
		owner = psprintf("params.rules[%d]", n);
		state->tests[n] = rr_conditions_compile(
			getKeyJsonValueFromContainer(v.val.binary.data, "condition",
										 strlen("condition"), &cond),
			getKeyJsonValueFromContainer(v.val.binary.data, "conditions",
										 strlen("conditions"), &conds),
			node->name, owner);
		pfree(owner);
		n++;
	}

	state->all = (mode != NULL && mode->type == jbvString &&
				  mode->val.string.len == 3 &&
				  memcmp(mode->val.string.val, "all", 3) == 0);

	rr_param_compile(node, "fallback", &state->fallback);
	if (state->fallback.constant != NULL)
		state->fallback_value = switch_fallback(state,
												state->fallback.constant);
	return state;
}

/* Where one item goes, found by rr_item_attempt (src/engine/item_errors.c) */
typedef struct SwitchRoute
{
	SwitchState *state;
	RrNodeRun  *run;
	Jsonb	   *item;
	int			index;
	bool	   *matched;		/* per rule */
	bool		fallback;
} SwitchRoute;

/* Test the item against the rules, and the fallback when none matched. */
static void
switch_route(void *arg)
{
	SwitchRoute *route = (SwitchRoute *) arg;
	SwitchState *state = route->state;
	bool		any = false;
	int			r;

	memset(route->matched, 0, sizeof(bool) * state->nrules);
	route->fallback = false;
	for (r = 0; r < state->nrules && !(any && !state->all); r++)
	{
		route->matched[r] = rr_conditions_eval(state->tests[r], route->run,
											   route->item, route->index);
		any |= route->matched[r];
	}
	if (any)
		return;
	route->fallback = state->fallback_value;
	if (state->fallback.value != NULL && state->fallback.constant == NULL)
		route->fallback = switch_fallback(state,
										  rr_param_eval(&state->fallback,
														route->run,
														route->item,
														route->index));
}

/*
 * switch_execute
 *		Route every item by the rules.  With on_error continue or
 *		error_output, an item whose rules fail with an error becomes n8n's
 *		error item, {"error": ...}, and the others are routed as usual.
 */
static void
switch_execute(RrNodeRun *run)
{
	SwitchState *state = (SwitchState *) run->node->state;
	SwitchRoute route;
	ListCell   *lc;
	int			index = 0;

	Assert(run->noutputs >= state->nrules + 1);

	route.state = state;
	route.run = run;
	route.matched = palloc(sizeof(bool) * state->nrules);
	foreach(lc, run->inputs[0])
	{
		Jsonb	   *error;
		int			r;

		route.item = (Jsonb *) lfirst(lc);
		route.index = index;
		error = rr_item_attempt(run, switch_route, &route);
		if (error != NULL)
			rr_emit_item_error(run, error, index);
		else
		{
			for (r = 0; r < state->nrules; r++)
				if (route.matched[r])
					rr_emit_paired(run, r, route.item, index);
			if (route.fallback)
				rr_emit_paired(run, state->nrules, route.item, index);
		}
		index++;
	}
	pfree(route.matched);
}

const RrNodeHandler rr_node_switch = {
	.side_effects = false,
	.prepare = switch_prepare,
	.execute = switch_execute,
};
