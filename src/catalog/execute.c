/*-------------------------------------------------------------------------
 *
 * execute.c
 *		reporunner.execute(): run a workflow in the caller's transaction.
 *
 * The workflow is found by name among those the caller may run (its own,
 * its roles', or shared with it), its version pinned (the active one
 * unless options name another), and its plan run by the executor.  The
 * journal rows, when saved, are written in the caller's transaction like
 * everything the workflow's SQL does: a rollback removes them all.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/plan.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

PG_FUNCTION_INFO_V1(reporunner_execute);

/* What the options argument may say. */
typedef struct ExecuteOptions
{
	int32		version;		/* 0 = the active version */
	bool		save_given;
	RrSaveMode	save;
} ExecuteOptions;

static void
invalid_option(const char *message, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 errdetail("%s", detail)));
}

/* Read the options object. */
static void
parse_options(Jsonb *options, ExecuteOptions *opts)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	char	   *key = NULL;

	memset(opts, 0, sizeof(*opts));
	if (!JB_ROOT_IS_OBJECT(options))
		invalid_option("execute options must be a JSON object",
					   "Pass an object such as {\"version\": 2, \"save\": \"none\"}.");

	it = JsonbIteratorInit(&options->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (token == WJB_VALUE && strcmp(key, "version") == 0)
		{
			if (v.type != jbvNumeric)
				invalid_option("execute option \"version\" must be an integer",
							   "Give a saved version number, such as 2.");
			opts->version = DatumGetInt32(DirectFunctionCall1(numeric_int4,
															  NumericGetDatum(v.val.numeric)));
			if (!DatumGetBool(DirectFunctionCall2(numeric_eq,
												  NumericGetDatum(v.val.numeric),
												  NumericGetDatum(int64_to_numeric(opts->version)))))
				invalid_option("execute option \"version\" must be an integer",
							   "Give a saved version number, such as 2.");
			if (opts->version <= 0)
				invalid_option("execute option \"version\" must be positive",
							   "Versions are numbered from 1.");
		}
		else if (token == WJB_VALUE && strcmp(key, "save") == 0)
		{
			char	   *save = v.type == jbvString ?
			pnstrdup(v.val.string.val, v.val.string.len) : "";

			opts->save_given = true;
			if (strcmp(save, "all") == 0)
				opts->save = RR_SAVE_ALL;
			else if (strcmp(save, "errors") == 0)
				opts->save = RR_SAVE_ERRORS;
			else if (strcmp(save, "none") == 0)
				opts->save = RR_SAVE_NONE;
			else
				invalid_option("execute option \"save\" must be \"all\", \"errors\" or \"none\"",
							   "It says what is written to reporunner.execution and reporunner.step.");
		}
		else if (token == WJB_VALUE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown execute option \"%s\"", key),
					 errhint("The options are \"version\" and \"save\".")));
	}
}

/* The input items: an array of objects, or one object meaning one item. */
static List *
input_items(Jsonb *input)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	List	   *items = NIL;

	if (JB_ROOT_IS_OBJECT(input))
		return list_make1(input);
	if (JB_ROOT_IS_SCALAR(input) || !JB_ROOT_IS_ARRAY(input))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("workflow input must be an array of objects or one object")));

	it = JsonbIteratorInit(&input->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("workflow input item %d is not an object",
							list_length(items)),
					 errdetail("Items are JSON objects, such as {\"id\": 1}.")));
		items = lappend(items, JsonbValueToJsonb(&v));
	}
	return items;
}

/* The items as one jsonb array. */
static Jsonb *
items_to_array(List *items)
{
	JsonbParseState *state = NULL;
	ListCell   *lc;

	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	foreach(lc, items)
	{
		Jsonb	   *item = lfirst(lc);
		JsonbValue	value;

		value.type = jbvBinary;
		value.val.binary.data = &item->root;
		value.val.binary.len = VARSIZE(item) - VARHDRSZ;
		pushJsonbValue(&state, WJB_ELEM, &value);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_ARRAY, NULL));
}

Datum
reporunner_execute(PG_FUNCTION_ARGS)
{
	char	   *name;
	Jsonb	   *input;
	ExecuteOptions opts;
	RrWorkflowRef ref;
	RrExecution *execution;
	RrSaveMode	save;
	MemoryContext context;
	MemoryContext oldcontext;
	Oid			caller = GetUserId();
	Jsonb	   *result;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("workflow name must not be null")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (PG_ARGISNULL(2))
		memset(&opts, 0, sizeof(opts));
	else
		parse_options(PG_GETARG_JSONB_P(2), &opts);

	/*
	 * The lookup runs as the caller, through a kept plan whose names are
	 * all schema-qualified, so it needs no pinned search_path.
	 */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rr_workflow_get(name, RR_WORKFLOW_RUN, &ref);
	SPI_finish();
	if (opts.version == 0)
	{
		if (ref.active_version == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("workflow \"%s\" has no active version", name),
					 errhint("Pass {\"version\": N} in the options, or activate one with reporunner.activate_version().")));
		opts.version = ref.active_version;
	}

	context = AllocSetContextCreate(CurrentMemoryContext,
									"reporunner execution",
									ALLOCSET_DEFAULT_SIZES);
	oldcontext = MemoryContextSwitchTo(context);

	execution = palloc0(sizeof(RrExecution));
	execution->context = context;
	execution->plan = rr_plan_get(ref.id, opts.version, name);
	execution->mode = "call";
	input = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	if (input == NULL)
		input = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
												   CStringGetDatum("[]")));
	save = opts.save_given ? opts.save : execution->plan->save;
	if (save != RR_SAVE_NONE)
		execution->id = rr_journal_new_id();

	{
		List	   *items = input_items(input);

		execution->input = items_to_array(items);
		result = items_to_array(rr_execution_run(execution, items));
	}

	if (save == RR_SAVE_ALL || (save == RR_SAVE_ERRORS && execution->any_failed))
		rr_journal_write(execution, "succeeded", result, NULL, caller);

	MemoryContextSwitchTo(oldcontext);
	result = DatumGetJsonbPCopy(JsonbPGetDatum(result));
	MemoryContextDelete(context);
	PG_RETURN_JSONB_P(result);
}
