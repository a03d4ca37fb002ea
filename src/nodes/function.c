/*-------------------------------------------------------------------------
 *
 * function.c
 *		The "function" node: calls a SQL function that takes one jsonb
 *		argument, with each item or once with all items.
 *
 * The function is looked up on the node's first run, as the workflow's
 * owner and with its search_path, and called through a kept SPI plan
 * built from the resolved schema and name, so functions in any language,
 * returning one value or a set, work alike.  What it returns becomes
 * items:
 *
 *	- jsonb: an object is one item; an array gives one item per element;
 *	  any other value v gives {"result": v}; SQL NULL gives no item;
 *	- a row type (TABLE, OUT parameters, a composite type): one item per
 *	  row, columns as fields;
 *	- void: the node passes its input items on;
 *	- anything else: {"result": v} with v converted as to_jsonb() does.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/node_util.h"
#include "nodes/spi_node.h"
#include "parser/parse_func.h"
#include "reporunner.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

/* How the function's results become items. */
typedef enum FunctionResult
{
	FUNCTION_RESULT_JSONB,		/* jsonb, or a domain over it */
	FUNCTION_RESULT_ROWS,		/* a row type: one item per row */
	FUNCTION_RESULT_VOID,		/* void: pass the input on */
	FUNCTION_RESULT_VALUE		/* anything else: {"result": value} */
} FunctionResult;

/* The node's private state. */
typedef struct FunctionState
{
	char	   *name;			/* the "function" param as written */
	bool		once;
	MemoryContext context;		/* the plan's; holds what is set lazily */
	/* set on the first run */
	Oid			funcoid;		/* InvalidOid until resolved */
	char	   *display;		/* schema-qualified name, for messages */
	FunctionResult result;
	SPIPlanPtr	plan;
} FunctionState;


/*
 * function_resolve
 *		Find the function, check that the owner may call it and build the
 *		kept plan that calls it.  Runs inside SPI, as the owner.  The state
 *		changes only once everything has worked.
 */
static void
function_resolve(const RrPlanNode *node, FunctionState *state)
{
	List	   *names = stringToQualifiedNameList(state->name);
	Oid			argtypes[1] = {JSONBOID};
	Oid			funcoid;
	Oid			rettype;
	TupleDesc	tupdesc;
	char	   *schema;
	char	   *display;
	char	   *query;
	char		prokind;
	FunctionResult result;
	SPIPlanPtr	plan;

	funcoid = LookupFuncName(names, 1, argtypes, true);
	if (!OidIsValid(funcoid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("node \"%s\" calls function %s(jsonb), which does not exist",
						node->name, NameListToString(names)),
				 errdetail("The function must take exactly one argument, of type jsonb."),
				 list_length(names) == 1 ?
				 errhint("Workflows look for functions in the schema named like their owner, then in public; qualify the name with its schema to use another.") : 0));

	schema = get_namespace_name(get_func_namespace(funcoid));
	display = quote_qualified_identifier(schema, get_func_name(funcoid));

	prokind = get_func_prokind(funcoid);
	if (prokind != PROKIND_FUNCTION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("node \"%s\" calls %s(jsonb), which is not a plain function",
						node->name, display),
				 errdetail("It is %s.",
						   prokind == PROKIND_PROCEDURE ? "a procedure" :
						   prokind == PROKIND_AGGREGATE ? "an aggregate function" :
						   "a window function")));

	switch (get_func_result_type(funcoid, &rettype, &tupdesc))
	{
		case TYPEFUNC_COMPOSITE:
		case TYPEFUNC_COMPOSITE_DOMAIN:
			result = FUNCTION_RESULT_ROWS;
			break;
		default:
			if (getBaseType(rettype) == JSONBOID)
				result = FUNCTION_RESULT_JSONB;
			else if (rettype == VOIDOID)
				result = FUNCTION_RESULT_VOID;
			else
				result = FUNCTION_RESULT_VALUE;
			break;
	}

	/*
	 * "record" without a column list cannot be expanded in FROM; it is
	 * called in the select list instead and becomes one value.
	 */
	if (rettype == RECORDOID && result != FUNCTION_RESULT_ROWS)
		query = psprintf("SELECT %s($1) AS result", display);
	else
		query = psprintf("SELECT * FROM %s($1) AS result", display);

	plan = SPI_prepare(query, 1, argtypes);
	if (plan == NULL)
		elog(ERROR, "node \"%s\": SPI_prepare failed: %s",
			 node->name, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "node \"%s\": SPI_keepplan failed", node->name);

	if (state->plan != NULL)
		SPI_freeplan(state->plan);
	state->plan = plan;
	state->display = MemoryContextStrdup(state->context, display);
	state->result = result;
	state->funcoid = funcoid;
}

/*
 * function_check
 *		Before each run: resolve the function if it has not been resolved
 *		or has been dropped since, and check that the owner may execute it.
 */
static void
function_check(const RrPlanNode *node, FunctionState *state)
{
	if (!OidIsValid(state->funcoid) ||
		!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(state->funcoid)))
		function_resolve(node, state);

	if (pg_proc_aclcheck(state->funcoid, GetUserId(), ACL_EXECUTE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("node \"%s\" may not call function %s",
						node->name, state->display),
				 errdetail("Role \"%s\", which owns the workflow, lacks EXECUTE privilege on the function.",
						   GetUserNameFromId(GetUserId(), false))));
}

/*
 * function_result_item
 *		{"result": value}, for values that are not objects.
 */
static Jsonb *
function_result_item(JsonbValue *value)
{
	return rr_jsonb_wrap("result", value);
}

/*
 * function_emit
 *		Emit one item the call for input item source made (-1: the call
 *		for all items, whose pairing follows n8n's rules).
 */
static void
function_emit(RrNodeRun *run, Jsonb *item, int source)
{
	if (source >= 0)
		rr_emit_paired(run, 0, item, source);
	else
		rr_emit(run, 0, item);
}

/*
 * function_emit_value
 *		The items of one jsonb value the function returned.
 */
static void
function_emit_value(RrNodeRun *run, Jsonb *value, int source)
{
	JsonbValue	wrapped;
	JsonbValue	elem;
	JsonbIterator *it;
	JsonbIteratorToken token;

	if (JB_ROOT_IS_OBJECT(value))
	{
		function_emit(run, value, source);
		return;
	}

	if (JB_ROOT_IS_SCALAR(value))
	{
		rr_jsonb_value(value, &wrapped);
		function_emit(run, function_result_item(rr_value_normalize(&wrapped)),
					  source);
		return;
	}

	/* an array: its elements */
	it = JsonbIteratorInit(&value->root);
	while ((token = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		CHECK_FOR_INTERRUPTS();
		if (rr_value_is_object(&elem))
			function_emit(run, JsonbValueToJsonb(&elem), source);
		else
			function_emit(run, function_result_item(&elem), source);
	}
}

/*
 * function_emit_rows
 *		The items of one call: the rows in SPI_tuptable, or the input items
 *		for a void function; source as for function_emit.
 */
static void
function_emit_rows(RrNodeRun *run, FunctionState *state, List *input,
				   MemoryContext runcxt, int source)
{
	TupleDesc	tupdesc = SPI_tuptable->tupdesc;
	MemoryContext old;
	uint64		i;

	if (state->result == FUNCTION_RESULT_VOID)
	{
		ListCell   *lc;

		old = MemoryContextSwitchTo(runcxt);
		foreach(lc, input)
			function_emit(run, (Jsonb *) lfirst(lc), source);
		MemoryContextSwitchTo(old);
		return;
	}

	if (state->result != FUNCTION_RESULT_JSONB)
		tupdesc = BlessTupleDesc(tupdesc);

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];

		CHECK_FOR_INTERRUPTS();
		if (state->result == FUNCTION_RESULT_JSONB)
		{
			bool		isnull;
			Datum		value = SPI_getbinval(tuple, tupdesc, 1, &isnull);

			if (isnull)
				continue;
			old = MemoryContextSwitchTo(runcxt);
			function_emit_value(run, DatumGetJsonbPCopy(value), source);
			MemoryContextSwitchTo(old);
		}
		else
		{
			Jsonb	   *item = rr_row_to_item(tuple, tupdesc, runcxt);

			old = MemoryContextSwitchTo(runcxt);
			function_emit(run, item, source);
			MemoryContextSwitchTo(old);
		}
	}
}

/*
 * function_all_items
 *		The input items as one jsonb array, for mode "once".
 */
static Jsonb *
function_all_items(List *items)
{
	JsonbParseState *parse = NULL;
	JsonbValue *array;
	ListCell   *lc;

	pushJsonbValue(&parse, WJB_BEGIN_ARRAY, NULL);
	foreach(lc, items)
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);
		JsonbValue	elem;

		CHECK_FOR_INTERRUPTS();
		rr_jsonb_value(item, &elem);
		pushJsonbValue(&parse, WJB_ELEM, &elem);
	}
	array = pushJsonbValue(&parse, WJB_END_ARRAY, NULL);
	return JsonbValueToJsonb(array);
}

/*
 * function_execute
 *		Call the function for each item (or once for all), emitting what it
 *		returns.
 */
static void
function_execute(RrNodeRun *run)
{
	const RrPlanNode *node = run->node;
	FunctionState *state = (FunctionState *) node->state;
	MemoryContext runcxt = CurrentMemoryContext;
	MemoryContext scratch;
	MemoryContext old;
	List	   *items = run->inputs[0];
	ListCell   *lc;

	if (items == NIL && !state->once)
		return;

	scratch = AllocSetContextCreate(runcxt, "function node item",
									ALLOCSET_DEFAULT_SIZES);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "node \"%s\": SPI_connect failed", node->name);
	function_check(node, state);

	if (state->once)
	{
		Datum		arg = JsonbPGetDatum(function_all_items(items));

		old = MemoryContextSwitchTo(scratch);
		rr_spi_check(node, SPI_execute_plan(state->plan, &arg, NULL,
											false, 0));
		/* SPI returns in its procedure context; convert rows in scratch */
		MemoryContextSwitchTo(scratch);
		function_emit_rows(run, state, items, runcxt, -1);
		SPI_freetuptable(SPI_tuptable);
		MemoryContextSwitchTo(old);
	}
	else
	{
		foreach(lc, items)
		{
			Jsonb	   *item = (Jsonb *) lfirst(lc);
			Datum		arg = JsonbPGetDatum(item);

			CHECK_FOR_INTERRUPTS();
			MemoryContextReset(scratch);
			old = MemoryContextSwitchTo(scratch);
			rr_spi_check(node, SPI_execute_plan(state->plan, &arg, NULL,
												false, 0));
			MemoryContextSwitchTo(scratch);
			function_emit_rows(run, state, list_make1(item), runcxt,
							   foreach_current_index(lc));
			SPI_freetuptable(SPI_tuptable);
			MemoryContextSwitchTo(old);
		}
	}

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "node \"%s\": SPI_finish failed", node->name);
	MemoryContextDelete(scratch);
}

/*
 * function_prepare
 *		Read the params; the function is looked up on the first run.
 */
static void *
function_prepare(RrPlanNode *node)
{
	FunctionState *state = palloc0(sizeof(FunctionState));
	JsonbValue *name = rr_node_param(node, "function");

	if (name == NULL || name->type != jbvString)
		elog(ERROR, "node \"%s\" has no function", node->name);
	state->name = pnstrdup(name->val.string.val, name->val.string.len);
	state->once = rr_node_runs_once(node);
	state->context = CurrentMemoryContext;
	state->funcoid = InvalidOid;
	return state;
}

const RrNodeHandler rr_node_function = {
	.side_effects = true,
	.prepare = function_prepare,
	.execute = function_execute,
};
