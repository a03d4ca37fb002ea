/*-------------------------------------------------------------------------
 *
 * limit.c
 *		The "limit" node: passes on the first or the last "max" items.
 *
 * "max" may be an expression; it is computed once per run, for the first
 * item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "nodes/node_util.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

/* What prepare compiles. */
typedef struct LimitState
{
	const char *node_name;
	RrParam		max;
	int			max_value;		/* when "max" is constant */
	bool		from_end;		/* "from": "end" */
} LimitState;

/*
 * limit_decode_max
 *		A value of "max" as a count of items: a non-negative whole number;
 *		numbers above INT_MAX mean "all items".
 */
static int
limit_decode_max(LimitState *state, JsonbValue *value)
{
	Datum		num;
	bool		overflow = false;
	int32		result;

	if (value == NULL || value->type != jbvNumeric)
		rr_param_type_error(state->node_name, "max", "an integer", value);

	num = NumericGetDatum(value->val.numeric);
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, num,
										  DirectFunctionCall2(numeric_trunc, num,
															  Int32GetDatum(0)))) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("node \"%s\" param \"max\" must be an integer",
						state->node_name),
				 errdetail("Its expression gave %s.", rr_value_to_text(value))));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, num,
										  NumericGetDatum(int64_to_numeric(0)))) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"max\" must be at least 0",
						state->node_name),
				 errdetail("Its expression gave %s.", rr_value_to_text(value))));

	result = numeric_int4_opt_error(value->val.numeric, &overflow);
	return overflow ? INT_MAX : result;
}

/*
 * limit_prepare
 *		Compile "max"; read "from".
 */
static void *
limit_prepare(RrPlanNode *node)
{
	LimitState *state = palloc0(sizeof(LimitState));
	JsonbValue *from = rr_node_param(node, "from");

	state->node_name = node->name;
	rr_param_compile(node, "max", &state->max);
	if (state->max.constant != NULL)
		state->max_value = limit_decode_max(state, state->max.constant);
	state->from_end = rr_value_is_word(from, "end");
	return state;
}

/*
 * limit_execute
 *		Emit the first or last items, in their input order.
 */
static void
limit_execute(RrNodeRun *run)
{
	LimitState *state = (LimitState *) run->node->state;
	List	   *items = run->inputs[0];
	int			n = list_length(items);
	int			max = state->max_value;
	int			start;
	int			i;

	if (n == 0)
		return;
	if (state->max.constant == NULL)
		max = limit_decode_max(state,
							   rr_param_eval(&state->max, run,
											 rr_first_item(run), 0));

	start = (state->from_end && max < n) ? n - max : 0;
	for (i = start; i < n && i - start < max; i++)
		rr_emit_paired(run, 0, (Jsonb *) list_nth(items, i), i);
}

const RrNodeHandler rr_node_limit = {
	.side_effects = false,
	.prepare = limit_prepare,
	.execute = limit_execute,
};
