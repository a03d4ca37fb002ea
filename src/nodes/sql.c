/*-------------------------------------------------------------------------
 *
 * sql.c
 *		The "sql" node: runs one SQL statement, with values passed as
 *		query parameters, once per item or once for all items.
 *
 * The statement is prepared on the node's first run, not when the plan is
 * built: parse analysis resolves names and checks permissions as the
 * current user, and only execute runs as the workflow's owner.  It is
 * prepared twice: first with PostgreSQL inferring the types of $1..$n from
 * the query (as PREPARE without types does), then for good with those
 * types fixed, parameters it could not infer becoming text.  The kept plan
 * lives as long as the backend, so later runs only bind and execute.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/node_util.h"
#include "nodes/params.h"
#include "nodes/spi_node.h"
#include "parser/parse_param.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

/* How an argument becomes the value of its parameter. */
typedef enum SqlArgKind
{
	SQL_ARG_JSONB,				/* jsonb: the value itself */
	SQL_ARG_JSON,				/* json or a domain over json/jsonb: its JSON
								 * text */
	SQL_ARG_ARRAY,				/* an array type: a JSON array element by
								 * element, anything else as text */
	SQL_ARG_TEXT				/* any other type: the value as text */
} SqlArgKind;

/* One parameter $n of the prepared statement. */
typedef struct SqlParam
{
	Oid			type;			/* inferred type */
	SqlArgKind	kind;
	FmgrInfo	input;			/* input function of type */
	Oid			ioparam;
	/* for SQL_ARG_ARRAY: the element type */
	Oid			elemtype;
	SqlArgKind	elemkind;		/* SQL_ARG_JSONB, _JSON or _TEXT */
	FmgrInfo	eleminput;
	Oid			elemioparam;
	int16		elemlen;
	bool		elembyval;
	char		elemalign;
} SqlParam;

/* The node's private state: its params, then the prepared statement. */
typedef struct SqlState
{
	char	   *query;
	RrParam		args;
	bool		once;
	MemoryContext context;		/* the plan's; holds what is set lazily */
	/* set on the first run */
	SPIPlanPtr	plan;			/* NULL until prepared */
	int			nparams;
	SqlParam   *params;
} SqlState;

/*
 * The types of $1..$n: what the first parse infers, and what the kept
 * plan's parser setup hands out whenever the plan cache re-analyzes it.
 */
typedef struct SqlParamTypes
{
	Oid		   *types;
	int			ntypes;
} SqlParamTypes;


/* ---------- Preparing the statement ---------- */

/*
 * sql_infer_setup
 *		Parser setup for the first parse: $n may appear with any number and
 *		PostgreSQL infers its type from the context.
 */
static void
sql_infer_setup(struct ParseState *pstate, void *arg)
{
	SqlParamTypes *inference = (SqlParamTypes *) arg;

	setup_parse_variable_parameters(pstate, &inference->types,
									&inference->ntypes);
}

/*
 * sql_fixed_setup
 *		Parser setup of the kept plan: the types found by the first parse.
 *		The plan cache calls it again whenever it has to re-analyze the
 *		statement (after DDL on a table it uses), with the same types.
 */
static void
sql_fixed_setup(struct ParseState *pstate, void *arg)
{
	SqlParamTypes *fixed = (SqlParamTypes *) arg;

	setup_parse_fixed_parameters(pstate, fixed->types, fixed->ntypes);
}

/*
 * sql_kind
 *		How a value for a parameter of this type is passed.
 */
static SqlArgKind
sql_kind(Oid type)
{
	Oid			base = getBaseType(type);

	if (type == JSONBOID)
		return SQL_ARG_JSONB;
	if (base == JSONOID || base == JSONBOID)
		return SQL_ARG_JSON;
	if (OidIsValid(get_element_type(type)))
		return SQL_ARG_ARRAY;
	return SQL_ARG_TEXT;
}

/*
 * sql_describe_param
 *		Fill in how to convert values for a parameter of type "type";
 *		function lookups are kept in cxt.
 */
static void
sql_describe_param(SqlParam *param, Oid type, MemoryContext cxt)
{
	Oid			input;

	param->type = type;
	param->kind = sql_kind(type);
	getTypeInputInfo(type, &input, &param->ioparam);
	fmgr_info_cxt(input, &param->input, cxt);
	if (param->kind == SQL_ARG_ARRAY)
	{
		param->elemtype = get_element_type(type);
		param->elemkind = sql_kind(param->elemtype);
		if (param->elemkind == SQL_ARG_ARRAY)
			param->elemkind = SQL_ARG_TEXT;
		getTypeInputInfo(param->elemtype, &input, &param->elemioparam);
		fmgr_info_cxt(input, &param->eleminput, cxt);
		get_typlenbyvalalign(param->elemtype, &param->elemlen,
							 &param->elembyval, &param->elemalign);
	}
}

/*
 * sql_prepare_plan
 *		Prepare the statement on the node's first run (inside SPI, as the
 *		workflow's owner) and keep it for the life of the backend.
 *
 * Nothing is stored in the state until everything has worked, so a run
 * that fails here (say the table does not exist yet) leaves the node to
 * try again next time.
 */
static void
sql_prepare_plan(const RrPlanNode *node, SqlState *state)
{
	SqlParamTypes inference;
	SqlParamTypes *fixed;
	SPIPrepareOptions options;
	SPIPlanPtr	probe;
	SPIPlanPtr	plan;
	SqlParam   *params;
	int			i;

	/*
	 * First parse: infer the types.  The parser enlarges the array with
	 * repalloc, which keeps it in this (SPI procedure) context rather than
	 * the short-lived one SPI parses in.
	 */
	inference.types = palloc0(sizeof(Oid));
	inference.ntypes = 0;
	memset(&options, 0, sizeof(options));
	options.parserSetup = sql_infer_setup;
	options.parserSetupArg = &inference;
	options.parseMode = RAW_PARSE_DEFAULT;
	probe = SPI_prepare_extended(state->query, &options);
	if (probe == NULL)
		elog(ERROR, "node \"%s\": SPI_prepare_extended failed: %s",
			 node->name, SPI_result_code_string(SPI_result));
	SPI_freeplan(probe);

	/*
	 * Parameters left unknown, or never used, are text.  The kept plan may
	 * need the types for as long as it lives, so they go into
	 * TopMemoryContext like the plan itself (under CacheMemoryContext).
	 */
	fixed = MemoryContextAlloc(TopMemoryContext, sizeof(SqlParamTypes));
	fixed->ntypes = inference.ntypes;
	fixed->types = MemoryContextAlloc(TopMemoryContext,
									  Max(inference.ntypes, 1) * sizeof(Oid));
	params = MemoryContextAllocZero(state->context,
									Max(inference.ntypes, 1) * sizeof(SqlParam));
	for (i = 0; i < inference.ntypes; i++)
	{
		Oid			type = inference.types[i];

		if (type == InvalidOid || type == UNKNOWNOID)
			type = TEXTOID;
		fixed->types[i] = type;
		sql_describe_param(&params[i], type, state->context);
	}

	/* second parse, with those types, for the plan that is kept */
	options.parserSetup = sql_fixed_setup;
	options.parserSetupArg = fixed;
	options.cursorOptions = CURSOR_OPT_PARALLEL_OK;
	plan = SPI_prepare_extended(state->query, &options);
	if (plan == NULL)
		elog(ERROR, "node \"%s\": SPI_prepare_extended failed: %s",
			 node->name, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "node \"%s\": SPI_keepplan failed", node->name);

	state->nparams = inference.ntypes;
	state->params = params;
	state->plan = plan;
}


/* ---------- Binding arguments ---------- */

/*
 * sql_scalar_datum
 *		The datum of one (non-null) value for a type of the given kind.
 */
static Datum
sql_scalar_datum(SqlArgKind kind, FmgrInfo *input, Oid ioparam,
				 JsonbValue *value)
{
	switch (kind)
	{
		case SQL_ARG_JSONB:
			return JsonbPGetDatum(JsonbValueToJsonb(value));
		case SQL_ARG_JSON:
			return InputFunctionCall(input, rr_value_to_text(value),
									 ioparam, -1);
		default:
			return InputFunctionCall(input, rr_value_text(value),
									 ioparam, -1);
	}
}

/*
 * sql_array_datum
 *		An array parameter from a JSON array: each element converted for
 *		the element type, JSON nulls becoming NULL elements.
 */
static Datum
sql_array_datum(SqlParam *param, JsonbValue *array)
{
	JsonbContainer *container = array->val.binary.data;
	int			count = JsonContainerSize(container);
	Datum	   *elems;
	bool	   *nulls;
	int			dims[1];
	int			lbs[1];
	int			i;

	if (count == 0)
		return PointerGetDatum(construct_empty_array(param->elemtype));

	elems = palloc(count * sizeof(Datum));
	nulls = palloc(count * sizeof(bool));
	for (i = 0; i < count; i++)
	{
		JsonbValue *elem = rr_value_normalize(getIthJsonbValueFromContainer(container, i));

		nulls[i] = elem->type == jbvNull;
		elems[i] = nulls[i] ? (Datum) 0 :
			sql_scalar_datum(param->elemkind, &param->eleminput,
							 param->elemioparam, elem);
	}
	dims[0] = count;
	lbs[0] = 1;
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
											  param->elemtype,
											  param->elemlen,
											  param->elembyval,
											  param->elemalign));
}

/* What sql_arg_error_callback reports. */
typedef struct SqlArgContext
{
	const char *node;
	int			number;
	int			item_index;
} SqlArgContext;

/*
 * sql_arg_error_callback
 *		Says which argument a conversion error is about.
 */
static void
sql_arg_error_callback(void *arg)
{
	SqlArgContext *context = (SqlArgContext *) arg;

	errcontext("argument $%d of node \"%s\" for item %d",
			   context->number, context->node, context->item_index);
}

/*
 * sql_bind
 *		Evaluate "args" for one item and set the values of the parameters.
 */
static void
sql_bind(RrNodeRun *run, SqlState *state, Jsonb *item, int item_index,
		 ParamListInfo paramlist)
{
	const RrPlanNode *node = run->node;
	JsonbValue *args = rr_param_eval(&state->args, run, item, item_index);
	int			nargs = 0;
	SqlArgContext context;
	ErrorContextCallback callback;
	int			i;

	if (args != NULL)
	{
		if (!rr_value_is_array(args))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("node \"%s\" param \"args\" must be an array",
							node->name),
					 errdetail("Its expression gave %s for item %d.",
							   rr_value_type_phrase(args), item_index)));
		nargs = JsonContainerSize(args->val.binary.data);
	}
	if (nargs != state->nparams)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" gives its query the wrong number of arguments",
						node->name),
				 state->nparams == 0 ?
				 errdetail_plural("The query has no parameters, but \"args\" holds %d value.",
								  "The query has no parameters, but \"args\" holds %d values.",
								  nargs, nargs) :
				 state->nparams == 1 ?
				 errdetail_plural("The query uses parameter $1, but \"args\" holds %d value.",
								  "The query uses parameter $1, but \"args\" holds %d values.",
								  nargs, nargs) :
				 errdetail_plural("The query uses parameters $1 to $%d, but \"args\" holds %d value.",
								  "The query uses parameters $1 to $%d, but \"args\" holds %d values.",
								  nargs, state->nparams, nargs),
				 errhint("Give \"args\" one value for each parameter, in order.")));

	context.node = node->name;
	context.item_index = item_index;
	callback.callback = sql_arg_error_callback;
	callback.arg = &context;
	callback.previous = error_context_stack;
	error_context_stack = &callback;

	for (i = 0; i < nargs; i++)
	{
		SqlParam   *param = &state->params[i];
		ParamExternData *prm = &paramlist->params[i];
		JsonbValue *value;

		context.number = i + 1;
		value = rr_value_normalize(getIthJsonbValueFromContainer(args->val.binary.data, i));
		prm->ptype = param->type;
		prm->pflags = PARAM_FLAG_CONST;
		prm->isnull = value->type == jbvNull;
		if (prm->isnull)
			prm->value = (Datum) 0;
		else if (param->kind == SQL_ARG_ARRAY && rr_value_is_array(value))
			prm->value = sql_array_datum(param, value);
		else
			prm->value = sql_scalar_datum(param->kind == SQL_ARG_ARRAY ?
										  SQL_ARG_TEXT : param->kind,
										  &param->input, param->ioparam,
										  value);
	}

	error_context_stack = callback.previous;
}


/* ---------- Running ---------- */

/*
 * sql_emit_result
 *		The items of one execution of the statement: one per row when it
 *		returned rows, else one {"rows_affected": n}; all of them came from
 *		input item index.
 */
static void
sql_emit_result(RrNodeRun *run, MemoryContext runcxt, int index)
{
	MemoryContext old;

	if (SPI_tuptable != NULL)
	{
		TupleDesc	tupdesc = BlessTupleDesc(SPI_tuptable->tupdesc);
		uint64		i;

		for (i = 0; i < SPI_processed; i++)
		{
			Jsonb	   *item;

			CHECK_FOR_INTERRUPTS();
			item = rr_row_to_item(SPI_tuptable->vals[i], tupdesc, runcxt);
			old = MemoryContextSwitchTo(runcxt);
			rr_emit_paired(run, 0, item, index);
			MemoryContextSwitchTo(old);
		}
	}
	else
	{
		JsonbParseState *parse = NULL;
		JsonbValue	key;
		JsonbValue	count;
		JsonbValue *object;

		old = MemoryContextSwitchTo(runcxt);
		key.type = jbvString;
		key.val.string.val = "rows_affected";
		key.val.string.len = strlen("rows_affected");
		count.type = jbvNumeric;
		count.val.numeric = int64_to_numeric((int64) SPI_processed);
		pushJsonbValue(&parse, WJB_BEGIN_OBJECT, NULL);
		pushJsonbValue(&parse, WJB_KEY, &key);
		pushJsonbValue(&parse, WJB_VALUE, &count);
		object = pushJsonbValue(&parse, WJB_END_OBJECT, NULL);
		rr_emit_paired(run, 0, JsonbValueToJsonb(object), index);
		MemoryContextSwitchTo(old);
	}
}

/*
 * sql_execute
 *		Run the statement once per item (or once), emitting what it returns.
 */
static void
sql_execute(RrNodeRun *run)
{
	const RrPlanNode *node = run->node;
	SqlState   *state = (SqlState *) node->state;
	MemoryContext runcxt = CurrentMemoryContext;
	MemoryContext scratch;
	MemoryContext old;
	ParamListInfo paramlist;
	SPIExecuteOptions options;
	List	   *items;
	ListCell   *lc;
	int			index = 0;

	if (state->once)
		items = list_make1(rr_first_item(run));
	else
		items = run->inputs[0];
	if (items == NIL)
		return;

	scratch = AllocSetContextCreate(runcxt, "sql node item",
									ALLOCSET_DEFAULT_SIZES);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "node \"%s\": SPI_connect failed", node->name);
	if (state->plan == NULL)
		sql_prepare_plan(node, state);

	paramlist = makeParamList(state->nparams);
	memset(&options, 0, sizeof(options));
	options.params = paramlist;
	options.read_only = false;
	options.tcount = 0;

	foreach(lc, items)
	{
		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(scratch);
		old = MemoryContextSwitchTo(scratch);

		sql_bind(run, state, (Jsonb *) lfirst(lc), index, paramlist);
		rr_spi_check(node, SPI_execute_plan_extended(state->plan, &options));
		/* SPI returns in its procedure context; convert rows in scratch */
		MemoryContextSwitchTo(scratch);
		sql_emit_result(run, runcxt, index);
		SPI_freetuptable(SPI_tuptable);

		MemoryContextSwitchTo(old);
		index++;
	}

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "node \"%s\": SPI_finish failed", node->name);
	MemoryContextDelete(scratch);
}

/*
 * sql_prepare
 *		Read the params; the statement itself is prepared on the first run.
 */
static void *
sql_prepare(RrPlanNode *node)
{
	SqlState   *state = palloc0(sizeof(SqlState));
	JsonbValue *query = rr_node_param(node, "query");

	if (query == NULL || query->type != jbvString)
		elog(ERROR, "node \"%s\" has no query", node->name);
	state->query = pnstrdup(query->val.string.val, query->val.string.len);
	rr_param_compile(node, "args", &state->args);
	state->once = rr_node_runs_once(node);
	state->context = CurrentMemoryContext;
	return state;
}

const RrNodeHandler rr_node_sql = {
	.side_effects = true,
	.prepare = sql_prepare,
	.execute = sql_execute,
};
