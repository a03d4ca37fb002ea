/*-------------------------------------------------------------------------
 *
 * execute.c
 *		reporunner.execute() and reporunner.start(): run a workflow now, in
 *		the caller's transaction, or queue it for the background workers.
 *
 * The workflow is found by name among those the caller may run (its own,
 * its roles', or shared with it), its version pinned (the active one
 * unless options name another), and its plan run by the executor.  The
 * journal rows, when saved, are written in the caller's transaction like
 * everything the workflow's SQL does: a rollback removes them all.
 *
 * On the Citus coordinator, execute() checks the caller's right there and
 * hands the run to the node that holds the owner's rows: it calls
 * reporunner.execute_on_node(), a function Citus delegates by its owner
 * argument, in the caller's distributed transaction.  There the sql steps
 * and the journal run by Citus's local execution, as in a background
 * worker; from the coordinator they would go over two connections to one
 * node, as two users, which Citus refuses (docs/scaling.md).
 *
 * start() writes a queued execution and its queue row in the caller's
 * transaction and wakes a worker when that transaction commits, so a
 * rolled-back start() leaves nothing and wakes nobody (src/worker,
 * src/engine/queue.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>

#include "catalog/execute.h"
#include "catalog/owner_role.h"
#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "document/document.h"
#include "engine/executor.h"
#include "engine/failed_call.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "worker/worker.h"

PG_FUNCTION_INFO_V1(reporunner_execute);
PG_FUNCTION_INFO_V1(reporunner_execute_on_node);
PG_FUNCTION_INFO_V1(reporunner_start);
PG_FUNCTION_INFO_V1(reporunner_start_on_node);
PG_FUNCTION_INFO_V1(reporunner_cancel);
PG_FUNCTION_INFO_V1(reporunner_resume);
PG_FUNCTION_INFO_V1(reporunner_prune_executions);
PG_FUNCTION_INFO_V1(reporunner_retry);

/* What the options argument may say. */
typedef struct ExecuteOptions
{
	int32		version;		/* 0 = the active version */
	Oid			owner;			/* InvalidOid = any the caller may manage */
	bool		save_given;		/* execute() only */
	RrSaveMode	save;
	char	   *idempotency_key;	/* start() only, from here on */
	int32		priority;
	int64		delay_ms;
	char	   *run_at;			/* timestamptz text, or NULL */
} ExecuteOptions;

/* Read the options object of execute() or, with for_start, of start(). */
static void
parse_options(Jsonb *options, bool for_start, ExecuteOptions *opts)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	char	   *key = NULL;
	const char *function = for_start ? "start" : "execute";

	memset(opts, 0, sizeof(*opts));
	if (!JB_ROOT_IS_OBJECT(options))
		rr_invalid_parameter(psprintf("%s options must be a JSON object", function),
							 "Pass an object such as {\"version\": 2, \"save\": \"none\"}.");

	it = JsonbIteratorInit(&options->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (token == WJB_VALUE && strcmp(key, "version") == 0)
		{
			if (v.type != jbvNumeric)
				rr_invalid_parameter(psprintf("%s option \"version\" must be an integer", function),
									 "Give a saved version number, such as 2.");
			opts->version = DatumGetInt32(DirectFunctionCall1(numeric_int4,
															  NumericGetDatum(v.val.numeric)));
			if (!DatumGetBool(DirectFunctionCall2(numeric_eq,
												  NumericGetDatum(v.val.numeric),
												  NumericGetDatum(int64_to_numeric(opts->version)))))
				rr_invalid_parameter(psprintf("%s option \"version\" must be an integer", function),
									 "Give a saved version number, such as 2.");
			if (opts->version <= 0)
				rr_invalid_parameter(psprintf("%s option \"version\" must be positive", function),
									 "Versions are numbered from 1.");
		}
		else if (token == WJB_VALUE && strcmp(key, "owner") == 0)
		{
			if (v.type != jbvString || v.val.string.len == 0)
				rr_invalid_parameter(psprintf("%s option \"owner\" must be a role name", function),
									 "Name the role that owns the workflow, such as \"alice\".");
			opts->owner = get_role_oid(pnstrdup(v.val.string.val,
												v.val.string.len), false);
		}
		else if (token == WJB_VALUE && for_start &&
				 strcmp(key, "idempotency_key") == 0)
		{
			if (v.type != jbvString || v.val.string.len == 0)
				rr_invalid_parameter("start option \"idempotency_key\" must be a non-empty string",
									 "A second start() with the same key returns the first execution.");
			opts->idempotency_key = pnstrdup(v.val.string.val, v.val.string.len);
		}
		else if (token == WJB_VALUE && for_start && strcmp(key, "priority") == 0)
		{
			if (v.type != jbvNumeric)
				rr_invalid_parameter("start option \"priority\" must be an integer",
									 "Executions with a higher priority run first.");
			opts->priority = DatumGetInt32(DirectFunctionCall1(numeric_int4,
															   NumericGetDatum(v.val.numeric)));
		}
		else if (token == WJB_VALUE && for_start && strcmp(key, "delay") == 0)
		{
			int64_t		ms;

			if (!rr_jsonb_duration(&v, &ms))
				rr_invalid_parameter("start option \"delay\" must be a duration",
									 "Durations are a number and a unit such as \"500ms\", \"30s\", \"5min\", \"2h\" or \"1d\".");
			opts->delay_ms = ms;
		}
		else if (token == WJB_VALUE && for_start && strcmp(key, "run_at") == 0)
		{
			if (v.type != jbvString)
				rr_invalid_parameter("start option \"run_at\" must be a timestamp",
									 "Give a time such as \"2026-12-01 09:00:00+00\".");
			opts->run_at = pnstrdup(v.val.string.val, v.val.string.len);
		}
		else if (token == WJB_VALUE && !for_start && strcmp(key, "save") == 0)
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
				rr_invalid_parameter("execute option \"save\" must be \"all\", \"errors\" or \"none\"",
									 "It says what is written to reporunner.execution and reporunner.step.");
		}
		else if (token == WJB_VALUE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown %s option \"%s\"",
							for_start ? "start" : "execute", key),
					 for_start ?
					 errhint("The options are \"version\", \"owner\", \"idempotency_key\", \"priority\", \"delay\" and \"run_at\".") :
					 errhint("The options are \"version\", \"owner\" and \"save\".")));
	}
}

/*
 * The workflow name (first argument) and options (third) of execute() or,
 * with for_start, of start().
 */
static char *
call_arguments(FunctionCallInfo fcinfo, bool for_start, ExecuteOptions *opts)
{
	char	   *name = rr_workflow_name_arg(fcinfo, 0);

	if (PG_ARGISNULL(2))
		memset(opts, 0, sizeof(*opts));
	else
		parse_options(PG_GETARG_JSONB_P(2), for_start, opts);
	return name;
}

/*
 * The workflow the current role may run under name (*ref), and the version
 * to run (the active one when version is 0), checked by path.  The lookup
 * runs as the caller, under the pinned search_path of src/catalog/store.c.
 */
static int32
runnable_workflow(const char *name, Oid owner, int32 version, RrRunPath path,
				  RrWorkflowRef *ref)
{
	/* most runs are of the caller's own workflow: found without SPI */
	if (!((owner == InvalidOid || owner == GetUserId()) &&
		  rr_workflow_find_own(name, ref)))
	{
		int			nestlevel = rr_store_begin();

		rr_workflow_get(name, RR_WORKFLOW_RUN, owner, ref);
		rr_store_end(nestlevel);
	}
	if (version == 0)
	{
		if (ref->active_version == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("workflow \"%s\" has no active version", name),
					 errhint("Name a version, or activate one with reporunner.activate_version().")));
		version = ref->active_version;
	}
	/* the owner's role on this node (a run on a Citus worker node) */
	rr_check_run_as(GetUserId(), rr_owner_role(ref->owner), ref->id, name,
					version == ref->active_version, path);
	return version;
}

RrPlan *
rr_runnable_plan(const char *name, Oid owner, int32 version, RrRunPath path)
{
	RrWorkflowRef ref;

	version = runnable_workflow(name, owner, version, path, &ref);
	return rr_plan_get(ref.id, version, ref.owner, name);
}

/* The input argument when it is the items' own array (not one object) */
static Jsonb *
input_array(Jsonb *input)
{
	return input != NULL && JB_ROOT_IS_ARRAY(input) && !JB_ROOT_IS_SCALAR(input) ?
		input : NULL;
}

Jsonb *
rr_run_in_caller(RrPlan *plan, const char *mode, List *items, Jsonb *input,
				 RrSaveMode save, Oid caller, int64 trigger_id,
				 int64 parent_id)
{
	RrExecution *execution;
	MemoryContext context;
	MemoryContext oldcontext;
	Jsonb	   *volatile result = NULL;

	context = AllocSetContextCreate(CurrentMemoryContext,
									"reporunner execution",
									ALLOCSET_DEFAULT_SIZES);
	oldcontext = MemoryContextSwitchTo(context);

	execution = palloc0(sizeof(RrExecution));
	execution->context = context;
	execution->plan = plan;
	execution->mode = mode;
	execution->trigger_id = trigger_id;
	execution->parent_id = parent_id;
	/* journaled: it has an id; never inside test_workflow() */
	if (save != RR_SAVE_NONE && !rr_test_workflow_running())
		execution->id = rr_journal_new_id();
	execution->input = input != NULL ? input : rr_items_to_jsonb(items);
	PG_TRY();
	{
		result = rr_items_to_jsonb(rr_execution_run(execution, items));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/*
		 * A failed run is journaled apart, then fails the call as it was;
		 * not when its version exists in this transaction only: a record
		 * committed apart could not name it, and whatever execute() wrote
		 * here is rolled back with the error.
		 */
		if (execution->id == 0 || rr_plan_saved_here(execution->plan))
			PG_RE_THROW();
		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		FlushErrorState();
		rr_journal_failed_call(execution, edata, caller);
		ReThrowError(edata);
	}
	PG_END_TRY();

	if (execution->id != 0 &&
		(save == RR_SAVE_ALL || (save == RR_SAVE_ERRORS && execution->any_failed)))
		rr_journal_write(execution, "succeeded", result, NULL, caller);

	MemoryContextSwitchTo(oldcontext);
	result = DatumGetJsonbPCopy(JsonbPGetDatum(result));
	MemoryContextDelete(context);
	return result;
}

/*
 * execute() on the Citus coordinator: the run, on the node that holds the
 * owner's rows.  The owner is a constant of the statement (a custom plan),
 * which Citus needs to delegate the call of a function distributed by it.
 * On a node that holds the shards itself the call runs here.
 */
#define SQL_EXECUTE_ON_NODE \
	"SELECT * FROM reporunner.execute_on_node($1, $2, $3, $4, $5, $6, $7, $8)"

static SPIPlanPtr execute_on_node_plan = NULL;

static const char *const save_names[] = {
	[RR_SAVE_ALL] = "all",
	[RR_SAVE_ERRORS] = "errors",
	[RR_SAVE_NONE] = "none",
};

/*
 * Call the node function of sql (function; a kept plan in *plan) for
 * version of the workflow ref, which the caller may run under name
 * (runnable_workflow(): who may run what is decided on the coordinator,
 * where roles are what they say).  Its first four arguments are the
 * workflow's owner, id, version and name, set here; the caller sets the
 * others.
 */
static Datum
call_on_owner_node(const RrWorkflowRef *ref, int32 version, const char *name,
				   SPIPlanPtr *plan, const char *sql, const char *function,
				   int nargs, Oid *argtypes, Datum *values, char *nulls)
{
	int			nestlevel;
	bool		isnull;
	Datum		result;

	values[0] = ObjectIdGetDatum(ref->owner);
	values[1] = Int64GetDatum(ref->id);
	values[2] = Int32GetDatum(version);
	values[3] = CStringGetTextDatum(name);
	memset(nulls, ' ', 4);
	nestlevel = rr_store_begin();
	result = rr_store_call_as_owner(plan, sql, nargs, argtypes, values, nulls,
									&isnull);
	rr_store_end(nestlevel);
	if (isnull)
		elog(ERROR, "reporunner.%s() returned null", function);
	return result;
}

static Jsonb *
execute_on_owner_node(const char *name, const ExecuteOptions *opts,
					  Jsonb *input)
{
	RrWorkflowRef ref;
	int32		version;
	Oid			argtypes[8] = {OIDOID, INT8OID, INT4OID, TEXTOID, JSONBOID,
	TEXTOID, OIDOID, INT4OID};
	Datum		values[8];
	char		nulls[8];

	version = runnable_workflow(name, opts->owner, opts->version, RR_RUN_CALL,
								&ref);
	values[4] = input ? JsonbPGetDatum(input) : (Datum) 0;
	nulls[4] = input ? ' ' : 'n';
	values[5] = opts->save_given ?
		CStringGetTextDatum(save_names[opts->save]) : (Datum) 0;
	nulls[5] = opts->save_given ? ' ' : 'n';
	values[6] = ObjectIdGetDatum(GetUserId());
	nulls[6] = ' ';
	values[7] = Int32GetDatum(rr_running_level());
	nulls[7] = ' ';
	return DatumGetJsonbP(call_on_owner_node(&ref, version, name,
											 &execute_on_node_plan,
											 SQL_EXECUTE_ON_NODE,
											 "execute_on_node", 8, argtypes,
											 values, nulls));
}

Datum
reporunner_execute(PG_FUNCTION_ARGS)
{
	char	   *name;
	Jsonb	   *input;
	ExecuteOptions opts;
	RrPlan	   *plan;

	name = call_arguments(fcinfo, false, &opts);
	if (rr_store_on_citus() && !rr_owner_on_worker_node())
		PG_RETURN_JSONB_P(execute_on_owner_node(name, &opts,
												PG_ARGISNULL(1) ? NULL :
												PG_GETARG_JSONB_P(1)));
	plan = rr_runnable_plan(name, opts.owner, opts.version, RR_RUN_CALL);
	input = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	PG_RETURN_JSONB_P(rr_run_in_caller(plan, "call",
									   input ? rr_items_from_jsonb(input) : NIL,
									   input_array(input),
									   opts.save_given ? opts.save : plan->save,
									   GetUserId(), 0, 0));
}

/*
 * The checks of execute_on_node() and start_on_node(), called as function
 * by caller (execute() or start()): the current role is the tables' owner
 * or a superuser, and only the arguments in nullable (a bit per argument)
 * are null.
 */
static void
check_node_call(FunctionCallInfo fcinfo, const char *function,
				const char *caller, uint32 nullable)
{
	int			argno;

	if (!superuser() && GetUserId() != rr_store_owner())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for function %s", function),
				 errdetail("Only %s calls it, as the owner of Reporunner's tables.",
						   caller)));
	for (argno = 0; argno < PG_NARGS(); argno++)
		if (PG_ARGISNULL(argno) && (nullable & (1 << argno)) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s() argument %d must not be null",
							function, argno + 1)));
}

/*
 * reporunner.execute_on_node(owner, workflow_id, version, name, input, save,
 * caller, call_level): execute()'s run of a workflow on the node that
 * holds its owner's rows, where Citus delegates the call
 * (execute_on_owner_node), as deep as the executions running where
 * execute() was called (call_level) make it.
 * caller, the role that called execute() (its OID on the coordinator), is
 * the execution's creator; its right to run the workflow was checked on
 * the coordinator, so only the tables' owner (and superusers) may call
 * this: a tenant that could would run anyone's workflows as anyone.
 */
Datum
reporunner_execute_on_node(PG_FUNCTION_ARGS)
{
	RrPlan	   *plan;
	Jsonb	   *input;
	RrSaveMode	save;
	int			saved_level;
	Jsonb	   *volatile result = NULL;

	check_node_call(fcinfo, "execute_on_node", "execute()",
					(1 << 4) | (1 << 5));

	plan = rr_plan_get(PG_GETARG_INT64(1), PG_GETARG_INT32(2),
					   PG_GETARG_OID(0), text_to_cstring(PG_GETARG_TEXT_PP(3)));
	input = PG_ARGISNULL(4) ? NULL : PG_GETARG_JSONB_P(4);
	save = plan->save;
	if (!PG_ARGISNULL(5))
	{
		char	   *given = text_to_cstring(PG_GETARG_TEXT_PP(5));
		int			i;

		for (i = 0; i < lengthof(save_names); i++)
			if (strcmp(given, save_names[i]) == 0)
				break;
		if (i == lengthof(save_names))
			rr_invalid_parameter("execute option \"save\" must be \"all\", \"errors\" or \"none\"",
								 "It says what is written to reporunner.execution and reporunner.step.");
		save = (RrSaveMode) i;
	}
	saved_level = rr_enter_call_level(PG_GETARG_INT32(7));
	PG_TRY();
	{
		result = rr_run_in_caller(plan, "call",
								  input ? rr_items_from_jsonb(input) : NIL,
								  input_array(input), save, PG_GETARG_OID(6),
								  0, 0);
	}
	PG_FINALLY();
	{
		rr_leave_call_level(saved_level);
	}
	PG_END_TRY();
	PG_RETURN_JSONB_P(result);
}

/*
 * start() on the Citus coordinator: the queued execution, written on the
 * node that holds the owner's rows, in one call that Citus delegates there
 * (as execute_on_owner_node), so that the node's workers are woken when it
 * commits; from the coordinator, the statements would each go to that
 * node, and nothing would wake its workers.
 */
#define SQL_START_ON_NODE \
	"SELECT * FROM reporunner.start_on_node($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"

static SPIPlanPtr start_on_node_plan = NULL;

static int64
start_on_owner_node(const RrWorkflowRef *ref, int32 version, const char *name,
					const ExecuteOptions *opts, Jsonb *input,
					TimestampTz ready_at)
{
	Oid			argtypes[10] = {OIDOID, INT8OID, INT4OID, TEXTOID, JSONBOID,
	TEXTOID, OIDOID, INT4OID, TIMESTAMPTZOID, INT4OID};
	Datum		values[10];
	char		nulls[10] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};

	values[4] = JsonbPGetDatum(input);
	values[5] = opts->idempotency_key ?
		CStringGetTextDatum(opts->idempotency_key) : (Datum) 0;
	nulls[5] = opts->idempotency_key ? ' ' : 'n';
	values[6] = ObjectIdGetDatum(GetUserId());
	values[7] = Int32GetDatum(opts->priority);
	values[8] = TimestampTzGetDatum(ready_at);
	values[9] = Int32GetDatum(rr_running_level());
	return DatumGetInt64(call_on_owner_node(ref, version, name,
											&start_on_node_plan,
											SQL_START_ON_NODE, "start_on_node",
											10, argtypes, values, nulls));
}

Datum
reporunner_start(PG_FUNCTION_ARGS)
{
	char	   *name;
	Jsonb	   *input;
	ExecuteOptions opts;
	RrPlan	   *plan = NULL;
	RrWorkflowRef ref;
	int32		version = 0;
	bool		on_coordinator = rr_store_on_citus() && !rr_owner_on_worker_node();
	TimestampTz ready_at;

	name = call_arguments(fcinfo, true, &opts);

	/* before any write: refuse at once when no worker can run it */
	rr_worker_wake_at_commit();

	/* the workflow first: on the Citus coordinator, found and checked here */
	if (on_coordinator)
		version = runnable_workflow(name, opts.owner, opts.version,
									RR_RUN_QUEUE, &ref);
	else
		plan = rr_runnable_plan(name, opts.owner, opts.version, RR_RUN_QUEUE);
	input = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	input = input == NULL ? rr_items_to_jsonb(NIL) :
		rr_items_to_jsonb(rr_items_from_jsonb(input));

	ready_at = opts.run_at != NULL ?
		DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
												CStringGetDatum(opts.run_at),
												ObjectIdGetDatum(InvalidOid),
												Int32GetDatum(-1))) :
		TimestampTzPlusMilliseconds(GetCurrentTransactionStartTimestamp(),
									opts.delay_ms);

	if (on_coordinator)
		PG_RETURN_INT64(start_on_owner_node(&ref, version, name, &opts, input,
											ready_at));
	PG_RETURN_INT64(rr_journal_enqueue(&(RrEnqueue) {
		.workflow_id = plan->workflow_id,
			.workflow_name = plan->workflow_name,
			.version = plan->version,
			.owner = plan->owner,
			.input = input,
			.idempotency_key = opts.idempotency_key,
			.caller = GetUserId(),
			.priority = opts.priority,
			.ready_at = ready_at,
			.mode = "start"
	}));
}

/*
 * reporunner.start_on_node(owner, workflow_id, version, name, input,
 * idempotency_key, caller, priority, ready_at, call_level): start()'s
 * queued execution on the node that holds its owner's rows, where Citus
 * delegates the call (start_on_owner_node), at the level the executions
 * running where start() was called (call_level) make it, and the wake-up
 * of that node's workers when it commits.  As execute_on_node(): the
 * caller's right was checked on the coordinator, so only the tables'
 * owner (and superusers) may call this.
 */
Datum
reporunner_start_on_node(PG_FUNCTION_ARGS)
{
	RrPlan	   *plan;
	int			saved_level;
	volatile int64 id = 0;

	check_node_call(fcinfo, "start_on_node", "start()", 1 << 5);
	rr_worker_wake_at_commit();
	plan = rr_plan_get(PG_GETARG_INT64(1), PG_GETARG_INT32(2),
					   PG_GETARG_OID(0), text_to_cstring(PG_GETARG_TEXT_PP(3)));
	saved_level = rr_enter_call_level(PG_GETARG_INT32(9));
	PG_TRY();
	{
		id = rr_journal_enqueue(&(RrEnqueue) {
			.workflow_id = plan->workflow_id,
				.workflow_name = plan->workflow_name,
				.version = plan->version,
				.owner = plan->owner,
				.input = PG_GETARG_JSONB_P(4),
				.idempotency_key = PG_ARGISNULL(5) ? NULL :
				text_to_cstring(PG_GETARG_TEXT_PP(5)),
				.caller = PG_GETARG_OID(6),
				.priority = PG_GETARG_INT32(7),
				.ready_at = PG_GETARG_TIMESTAMPTZ(8),
				.mode = "start"
		});
	}
	PG_FINALLY();
	{
		rr_leave_call_level(saved_level);
	}
	PG_END_TRY();
	PG_RETURN_INT64(id);
}

/*
 * cancel() and resume(): the execution as the caller sees it.  Only its id
 * is known: on Citus a read of every shard (its owner is not known yet).
 */
#define SQL_VISIBLE_EXECUTION \
	"SELECT owner, created_by FROM reporunner.execution WHERE id = $1"

static SPIPlanPtr visible_execution_plan = NULL;

/*
 * Raise "does not exist" unless the caller may see the execution, whose
 * owner and creator are the columns owner_col and owner_col + 1 of the
 * current SPI row: row-level security decides on one server; on Citus,
 * where the statements run as the tables' owner, the same rules of the
 * policies of reporunner.execution are checked here.
 */
static void
check_execution_visible(int64 id, int owner_col)
{
	bool		visible = SPI_processed == 1;

	if (visible && rr_store_on_citus())
	{
		HeapTuple	row = SPI_tuptable->vals[0];
		bool		isnull;
		Oid			owner = DatumGetObjectId(SPI_getbinval(row, SPI_tuptable->tupdesc,
														   owner_col, &isnull));
		Datum		created_by = SPI_getbinval(row, SPI_tuptable->tupdesc,
											   owner_col + 1, &isnull);

		visible = rr_has_owner_access(GetUserId(), owner) ||
			(!isnull && has_privs_of_role(GetUserId(),
										  DatumGetObjectId(created_by)));
	}
	if (!visible)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("execution " INT64_FORMAT " does not exist", id)));
}

static void
require_visible_execution(int64 id)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	int			nestlevel;

	values[0] = Int64GetDatum(id);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&visible_execution_plan, SQL_VISIBLE_EXECUTION, 1,
					  argtypes, values, NULL, SPI_OK_SELECT);
	check_execution_visible(id, 1);
	rr_store_end(nestlevel);
}

/*
 * Cancel the statement a background worker of this database runs, so a
 * canceled execution stops at once, even inside a long sql step.  The
 * worker finds the execution canceled and records nothing more; had the
 * process meanwhile moved on to another execution, that one is merely
 * interrupted and resumes from its last committed step.
 */
static void
interrupt_worker(int pid)
{
	PGPROC	   *proc;

	if (pid == 0)
		return;
	proc = BackendPidGetProc(pid);
	if (proc == NULL || !proc->isBackgroundWorker ||
		proc->databaseId != MyDatabaseId)
		return;
	(void) kill(pid, SIGINT);
}

/*
 * cancel(execution): a queued or waiting execution is canceled at once; a
 * running one is interrupted (its worker sees the status).  The
 * sub-workflows it runs are canceled with it.  Returns false when it had
 * already finished.
 */
Datum
reporunner_cancel(PG_FUNCTION_ARGS)
{
	int64		id = PG_GETARG_INT64(0);
	List	   *workers;
	bool		woke_parent;
	bool		canceled;
	ListCell   *lc;

	require_visible_execution(id);
	canceled = rr_journal_cancel(id, rr_journal_execution_owner(id), &workers,
								 &woke_parent);
	foreach(lc, workers)
		interrupt_worker(lfirst_int(lc));
	if (woke_parent)
		rr_worker_wake_at_commit();
	PG_RETURN_BOOL(canceled);
}

/*
 * resume(execution, payload): wake a waiting execution now.  The payload
 * (an object or an array of objects) becomes the output of the node that
 * waited; without one, the node passes its input on.  Returns false when
 * the execution was not waiting.
 */
Datum
reporunner_resume(PG_FUNCTION_ARGS)
{
	int64		id;
	Jsonb	   *payload = NULL;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	id = PG_GETARG_INT64(0);
	if (!PG_ARGISNULL(1))
		payload = rr_items_to_jsonb(rr_items_from_jsonb(PG_GETARG_JSONB_P(1)));

	rr_worker_wake_at_commit();
	require_visible_execution(id);
	PG_RETURN_BOOL(rr_journal_resume(id, rr_journal_execution_owner(id),
									 payload));
}

float8
rr_prune_arg(Interval *older_than, const char *what)
{
	float8		seconds;

	if (!superuser() &&
		!has_privs_of_role(GetUserId(), get_role_oid("reporunner_admin", false)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to prune %s", what),
				 errdetail("Only superusers and members of reporunner_admin may prune %s.", what)));
	seconds = DatumGetFloat8(DirectFunctionCall2(interval_part,
												 CStringGetTextDatum("epoch"),
												 IntervalPGetDatum(older_than)));
	if (seconds < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("older_than must not be negative")));
	return seconds;
}

/*
 * prune_executions(older_than): delete executions that finished more than
 * older_than ago, with their steps, as the background workers do with
 * reporunner.retention.  For superusers and reporunner_admin.
 */
Datum
reporunner_prune_executions(PG_FUNCTION_ARGS)
{
	float8		seconds = rr_prune_arg(PG_GETARG_INTERVAL_P(0), "executions");
	int64		total = 0;
	int64		pruned;

	do
	{
		pruned = rr_prune_executions((int64) seconds, 1000);
		total += pruned;
	} while (pruned == 1000);
	PG_RETURN_INT64(total);
}

/*
 * retry(): the failed execution, as the caller sees it (by id only, as
 * SQL_VISIBLE_EXECUTION; the joins pair the owners, for Citus)
 */
#define SQL_RETRY_SOURCE \
	"SELECT e.status, (SELECT started_at FROM reporunner.step" \
	" WHERE execution_id = $1 AND owner = e.owner AND node = $2" \
	" AND run_index = 0)," \
	" e.owner, e.created_by, e.workflow_id, w.name, e.version" \
	" FROM reporunner.execution e JOIN reporunner.workflow w" \
	" ON w.id = e.workflow_id AND w.owner = e.owner WHERE e.id = $1"
static SPIPlanPtr retry_source_plan = NULL;

/*
 * retry(execution, from_node): run a failed (or canceled) execution again
 * as a new execution (mode retry, parent the old one), reusing the outputs
 * of the steps that succeeded — all of them, or those before from_node.
 * Returns the new execution's id.
 */
Datum
reporunner_retry(PG_FUNCTION_ARGS)
{
	int64		id;
	char	   *from_node = NULL;
	Oid			source_types[2] = {INT8OID, TEXTOID};
	Datum		source_values[2];
	char		source_nulls[2] = {' ', 'n'};
	int			nestlevel;
	bool		isnull;
	char	   *status;
	TimestampTz cut = 0;
	Oid			owner;
	int64		workflow_id;
	int32		version;
	char	   *workflow;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	id = PG_GETARG_INT64(0);
	source_values[0] = Int64GetDatum(id);
	if (!PG_ARGISNULL(1))
	{
		from_node = text_to_cstring(PG_GETARG_TEXT_PP(1));
		source_values[1] = CStringGetTextDatum(from_node);
		source_nulls[1] = ' ';
	}

	rr_worker_wake_at_commit();
	nestlevel = rr_store_begin();
	rr_store_run_kept(&retry_source_plan, SQL_RETRY_SOURCE, 2, source_types,
					  source_values, source_nulls, SPI_OK_SELECT);
	check_execution_visible(id, 3);
	status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (strcmp(status, "failed") != 0 && strcmp(status, "canceled") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("execution " INT64_FORMAT " is %s, not failed", id, status),
				 errhint("Only failed or canceled executions can be retried.")));
	if (from_node != NULL)
	{
		Datum		started = SPI_getbinval(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc, 2, &isnull);

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("node \"%s\" did not run in execution " INT64_FORMAT,
							from_node, id)));
		cut = DatumGetTimestampTz(started);
	}
	owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 3, &isnull));
	workflow_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, 5, &isnull));
	workflow = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 6);
	version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 7, &isnull));
	rr_check_run_as(GetUserId(), owner, workflow_id, workflow, true,
					RR_RUN_QUEUE);
	rr_store_end(nestlevel);

	PG_RETURN_INT64(rr_journal_retry(id, owner, workflow_id, version,
									 workflow, GetUserId(), cut));
}
