/*-------------------------------------------------------------------------
 *
 * context.c
 *		The variables of expressions: $input, $nodes, $execution, ...
 *
 * An expression's root is the current item; everything else it may read
 * is passed to jsonpath as variables in one jsonb object.  Building that
 * object costs a copy of the items it holds, so it is built only when an
 * expression of the node asks for one of its members, with just the
 * members asked for, and kept for the rest of the node's run.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "engine/executor.h"
#include "expr/expression.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

/* The object used when an expression reads nothing but the item. */
static Jsonb *empty_object = NULL;

static void
push_key(JsonbParseState **state, const char *name)
{
	JsonbValue	key;

	key.type = jbvString;
	key.val.string.val = (char *) name;
	key.val.string.len = strlen(name);
	pushJsonbValue(state, WJB_KEY, &key);
}

/* Push a jsonb value (object, array or scalar) as the next value/element. */
static void
push_jsonb(JsonbParseState **state, JsonbIteratorToken token, Jsonb *jsonb)
{
	JsonbValue	value;

	if (JsonbExtractScalar(&jsonb->root, &value))
	{
		pushJsonbValue(state, token, &value);
		return;
	}
	value.type = jbvBinary;
	value.val.binary.data = &jsonb->root;
	value.val.binary.len = VARSIZE(jsonb) - VARHDRSZ;
	pushJsonbValue(state, token, &value);
}

static void
push_string(JsonbParseState **state, const char *text)
{
	JsonbValue	value;

	value.type = jbvString;
	value.val.string.val = (char *) text;
	value.val.string.len = strlen(text);
	pushJsonbValue(state, WJB_VALUE, &value);
}

static void
push_number(JsonbParseState **state, int64 number)
{
	JsonbValue	value;

	value.type = jbvNumeric;
	value.val.numeric = int64_to_numeric(number);
	pushJsonbValue(state, WJB_VALUE, &value);
}

static void
push_items(JsonbParseState **state, List *items)
{
	ListCell   *lc;

	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	foreach(lc, items)
		push_jsonb(state, WJB_ELEM, (Jsonb *) lfirst(lc));
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* $nodes: {"N": {"json": first item, "items": [...]}} of the nodes that ran */
static void
push_nodes(JsonbParseState **state, RrExecution *execution)
{
	ListCell   *lc;

	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, execution->steps)
	{
		RrStep	   *step = lfirst(lc);
		List	   *items = step->node->noutputs > 0 ? step->outputs[0] : NIL;

		push_key(state, step->node->name);
		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		push_key(state, "json");
		if (items != NIL)
			push_jsonb(state, WJB_VALUE, (Jsonb *) linitial(items));
		else
		{
			pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
			pushJsonbValue(state, WJB_END_OBJECT, NULL);
		}
		push_key(state, "items");
		push_items(state, items);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

Jsonb *
rr_run_context_vars(RrNodeRun *run, int uses)
{
	RrExecution *execution = run->execution;
	RrPlan	   *plan = execution->plan;
	JsonbParseState *state = NULL;
	MemoryContext old;

	if (uses == 0)
	{
		if (empty_object == NULL)
		{
			old = MemoryContextSwitchTo(TopMemoryContext);
			empty_object = rr_jsonb_empty_object();
			MemoryContextSwitchTo(old);
		}
		return empty_object;
	}
	if (run->context_vars != NULL && (run->context_uses & uses) == uses)
		return run->context_vars;

	/*
	 * Kept for the node run, so not in a context of the node's own (the
	 * http node resets one per round of requests): the execution's.
	 */
	old = MemoryContextSwitchTo(execution->context);
	uses |= run->context_uses;
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	if (uses & RR_EXPR_USES_INPUT)
	{
		push_key(&state, "input");
		push_items(&state, run->ninputs > 0 ? run->inputs[0] : NIL);
	}
	if (uses & RR_EXPR_USES_NODES)
	{
		push_key(&state, "nodes");
		push_nodes(&state, execution);
	}
	if (uses & RR_EXPR_USES_EXECUTION)
	{
		push_key(&state, "execution");
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		push_key(&state, "id");
		if (execution->id != 0)
			push_number(&state, execution->id);
		else
		{
			JsonbValue	null;

			null.type = jbvNull;
			pushJsonbValue(&state, WJB_VALUE, &null);
		}
		push_key(&state, "mode");
		push_string(&state, execution->mode);
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	if (uses & RR_EXPR_USES_WORKFLOW)
	{
		push_key(&state, "workflow");
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		push_key(&state, "id");
		push_number(&state, plan->workflow_id);
		push_key(&state, "name");
		push_string(&state, plan->workflow_name);
		push_key(&state, "version");
		push_number(&state, plan->version);
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	if (uses & RR_EXPR_USES_VARS)
	{
		push_key(&state, "vars");
		push_jsonb(&state, WJB_VALUE, plan->vars);
	}
	if (uses & RR_EXPR_USES_NOW)
	{
		push_key(&state, "now");
		push_string(&state,
					JsonEncodeDateTime(NULL,
									   TimestampTzGetDatum(execution->started_at),
									   TIMESTAMPTZOID, NULL));
	}
	run->context_vars = JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT,
														 NULL));
	run->context_uses = uses;
	MemoryContextSwitchTo(old);
	return run->context_vars;
}
