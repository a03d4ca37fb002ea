/*-------------------------------------------------------------------------
 *
 * test_workflow.c
 *		reporunner.test_workflow(): run test cases against a version of a
 *		workflow and compare chosen nodes' outputs with what was expected.
 *
 * Each case is {"name", "input", "pinned", "expected", "version"}.  It
 * runs as execute() runs the workflow (rr_runnable_plan: the caller's
 * rights, the owner rules; the executor as the owner), with save "none",
 * inside a subtransaction that is always rolled back: whatever the nodes
 * wrote is gone after the case, and sub-workflows they call journal
 * nothing meanwhile (rr_test_workflow_running), not even a failure, which
 * execute() records apart from the transaction.  Pinned nodes (the case's "pinned", or else the version's
 * "pin_data") do not run: the executor hands on their items instead
 * (RrExecution.pinned), so a pinned sql node never touches its table and
 * a pinned http node sends nothing.
 *
 * One row per expected node and case, in the document's node order:
 * whether the node's output equals the expected items.  An expected
 * array is the node's first output; an object names outputs ({"true":
 * [...], "false": [...]}); null means the node must not run.  A case
 * whose run fails gives rows whose actual value is {"error": {...}}.
 * Mistakes in the cases (shapes, unknown nodes or outputs) raise an ERROR
 * before anything runs.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/execute.h"
#include "catalog/pg_type.h"
#include "catalog/plan.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "engine/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/resowner.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(reporunner_test_workflow);

/* One test case, as read from the cases argument. */
typedef struct TestCase
{
	char	   *name;
	int32		version;		/* 0 = the active version */
	List	   *input;			/* items */
	bool		pinned_given;	/* else the version's pin_data applies */
	Jsonb	   *pinned;			/* {"node": [items]} or NULL */
	Jsonb	   *expected;		/* {"node": [items] | {"output": [items]} |
								 * null} */
} TestCase;

/* The version's pin_data, read as the tables' owner (run rights checked) */
#define SQL_PIN_DATA \
	"SELECT definition -> 'pin_data' FROM reporunner.workflow_version" \
	" WHERE workflow_id = $1 AND version = $2 AND owner = $3"
static SPIPlanPtr pin_data_plan = NULL;

/* A case runs now (rr_test_workflow_running) */
static bool case_running = false;

bool
rr_test_workflow_running(void)
{
	return case_running;
}

/* ERROR 22023 about case number index (from 1) */
static pg_attribute_noreturn() void
bad_case(int index, const char *name, const char *message, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 name != NULL ?
			 errmsg("test case \"%s\": %s", name, message) :
			 errmsg("test case %d: %s", index, message),
			 errhint("%s", hint)));
}

/* Push a whole jsonb document as a value (or element) */
static void
push_jsonb(JsonbParseState **state, JsonbIteratorToken token, Jsonb *value)
{
	JsonbValue	v;

	rr_jsonb_value(value, &v);
	pushJsonbValue(state, token, &v);
}

/* A case's "version": a positive int4, else 0 */
static int32
version_value(JsonbValue *v)
{
	Numeric		n;
	int32		version;
	bool		too_large = false;

	if (v->type != jbvNumeric)
		return 0;
	n = v->val.numeric;
	if (!DatumGetBool(DirectFunctionCall2(numeric_eq, NumericGetDatum(n),
										  DirectFunctionCall1(numeric_floor,
															  NumericGetDatum(n)))))
		return 0;
	version = numeric_int4_opt_error(n, &too_large);
	return !too_large && version > 0 ? version : 0;
}

/* Whether a jsonb value is an array whose elements are all objects */
static bool
is_item_array(Jsonb *value)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;

	if (!JB_ROOT_IS_ARRAY(value) || JB_ROOT_IS_SCALAR(value))
		return false;
	it = JsonbIteratorInit(&value->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_ELEM && v.type != jbvBinary)
			return false;
		if (token == WJB_ELEM && !JsonContainerIsObject(v.val.binary.data))
			return false;
	}
	return true;
}

/* Read case number index (from 1) out of its JSON object. */
static void
read_case(JsonbValue *element, int index, TestCase *tc)
{
	JsonbContainer *object;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	char	   *key = NULL;

	memset(tc, 0, sizeof(*tc));
	if (element->type != jbvBinary || !JsonContainerIsObject(element->val.binary.data))
		bad_case(index, NULL, "must be a JSON object",
				 "Write each case as {\"name\": ..., \"input\": [...], \"pinned\": {...}, \"expected\": {...}}.");
	object = element->val.binary.data;

	/* the name first, so that later errors can say it */
	{
		JsonbValue *name = getKeyJsonValueFromContainer(object, "name", 4, NULL);

		if (name == NULL || name->type != jbvString || name->val.string.len == 0)
			bad_case(index, NULL, "\"name\" must be a non-empty string",
					 "Name every case; the name is in every row it gives.");
		tc->name = pnstrdup(name->val.string.val, name->val.string.len);
	}

	it = JsonbIteratorInit(object);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (token != WJB_VALUE || strcmp(key, "name") == 0)
			continue;
		if (strcmp(key, "input") == 0)
		{
			if (v.type != jbvBinary)
				bad_case(index, tc->name, "\"input\" must be an object or an array of objects",
						 "The input items are what execute() would be given.");
			tc->input = rr_items_from_jsonb(JsonbValueToJsonb(&v));
		}
		else if (strcmp(key, "pinned") == 0 || strcmp(key, "expected") == 0)
		{
			if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
				bad_case(index, tc->name,
						 psprintf("\"%s\" must be an object whose keys are node names", key),
						 "Write {\"node name\": [items], ...}.");
			if (strcmp(key, "pinned") == 0)
			{
				tc->pinned_given = true;
				tc->pinned = JsonbValueToJsonb(&v);
			}
			else
				tc->expected = JsonbValueToJsonb(&v);
		}
		else if (strcmp(key, "version") == 0)
		{
			tc->version = version_value(&v);
			if (tc->version == 0)
				bad_case(index, tc->name, "\"version\" must be a positive integer",
						 "Give a saved version number, such as 2, or leave it out for the active version.");
		}
		else
			bad_case(index, tc->name, psprintf("unknown key \"%s\"", key),
					 "The keys of a case are \"name\", \"input\", \"pinned\", \"expected\" and \"version\".");
	}
	if (tc->expected == NULL || JB_ROOT_COUNT(tc->expected) == 0)
		bad_case(index, tc->name, "\"expected\" names no node",
				 "Give the expected output of at least one node, such as {\"Load\": [{\"id\": 1}]}.");
}

/* The node of plan called name; ERROR 42704 naming what the case said */
static RrPlanNode *
case_node(RrPlan *plan, const TestCase *tc, const char *what, const char *name)
{
	RrPlanNode *node = rr_plan_find_node(plan, name);

	if (node == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("test case \"%s\": %s node \"%s\" does not exist in workflow \"%s\" version %d",
						tc->name, what, name, plan->workflow_name, plan->version)));
	return node;
}

/* The version's pin_data, or NULL when it has none. */
static Jsonb *
version_pin_data(const RrPlan *plan)
{
	MemoryContext caller = CurrentMemoryContext;
	Oid			argtypes[3] = {INT8OID, INT4OID, OIDOID};
	Datum		values[3];
	Jsonb	   *result = NULL;
	bool		isnull = true;
	Datum		value = (Datum) 0;
	int			nestlevel;

	values[0] = Int64GetDatum(plan->workflow_id);
	values[1] = Int32GetDatum(plan->version);
	values[2] = ObjectIdGetDatum(plan->owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&pin_data_plan, SQL_PIN_DATA, 3, argtypes,
							   values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 1)
		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
							  1, &isnull);
	if (!isnull)
	{
		MemoryContext spi = MemoryContextSwitchTo(caller);

		result = DatumGetJsonbPCopy(value);
		MemoryContextSwitchTo(spi);
	}
	rr_store_end(nestlevel);
	return result;
}

/*
 * The pins of a case as RrExecution.pinned wants them, checked against the
 * plan; NULL when nothing is pinned.
 */
static Jsonb **
case_pins(RrPlan *plan, const TestCase *tc)
{
	Jsonb	   *pinned = tc->pinned_given ? tc->pinned : version_pin_data(plan);
	Jsonb	  **pins;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	RrPlanNode *node = NULL;

	if (pinned == NULL || JB_ROOT_COUNT(pinned) == 0)
		return NULL;
	pins = palloc0(sizeof(Jsonb *) * plan->nnodes);
	it = JsonbIteratorInit(&pinned->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_KEY)
			node = case_node(plan, tc, "pinned",
							 pnstrdup(v.val.string.val, v.val.string.len));
		else if (token == WJB_VALUE)
		{
			Jsonb	   *items = v.type == jbvBinary ? JsonbValueToJsonb(&v) : NULL;

			if (items == NULL || !is_item_array(items))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("test case \"%s\": pinned items of node \"%s\" must be an array of objects",
								tc->name, node->name)));
			pins[node->index] = items;
		}
	}
	return pins;
}

/*
 * Check what the case expects of node: an array of items, null, or an
 * object of output names and arrays of items.
 */
static void
check_expected(const RrPlanNode *node, const TestCase *tc, Jsonb *expected)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;

	if (expected == NULL || is_item_array(expected))
		return;
	if (!JB_ROOT_IS_OBJECT(expected))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("test case \"%s\": expected output of node \"%s\" must be an array of objects, an object of outputs or null",
						tc->name, node->name),
				 errhint("An array is the node's first output; {\"true\": [...], \"false\": [...]} names outputs; null means the node does not run.")));
	it = JsonbIteratorInit(&expected->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_KEY &&
			rr_plan_output_index(node, pnstrdup(v.val.string.val, v.val.string.len)) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("test case \"%s\": node \"%s\" has no output \"%.*s\"",
							tc->name, node->name, v.val.string.len,
							v.val.string.val)));
		if (token == WJB_VALUE &&
			(v.type != jbvBinary || !is_item_array(JsonbValueToJsonb(&v))))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("test case \"%s\": expected items of node \"%s\" must be arrays of objects",
							tc->name, node->name)));
	}
}

/* What the case expects of node: NULL for null */
static Jsonb *
expected_of(const TestCase *tc, const RrPlanNode *node)
{
	JsonbValue *v = getKeyJsonValueFromContainer(&tc->expected->root,
												 node->name,
												 strlen(node->name), NULL);

	return v == NULL || v->type == jbvNull ? NULL : JsonbValueToJsonb(v);
}

/*
 * What the node did, in the form of what was expected: its first output,
 * or the outputs the expected object names; NULL when it did not run.
 */
static Jsonb *
actual_of(const RrExecution *execution, const RrPlanNode *node,
		  Jsonb *expected)
{
	RrStep	   *step = execution->states[node->index].step;
	JsonbParseState *state = NULL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	int			output;

	if (step == NULL)
		return NULL;
	if (expected == NULL || JB_ROOT_IS_ARRAY(expected))
		return rr_items_to_jsonb(node->noutputs > 0 ? step->outputs[0] : NIL);

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	it = JsonbIteratorInit(&expected->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token != WJB_KEY)
			continue;
		output = rr_plan_output_index(node, pnstrdup(v.val.string.val,
											 v.val.string.len));
		pushJsonbValue(&state, WJB_KEY, &v);
		push_jsonb(&state, WJB_VALUE, rr_items_to_jsonb(step->outputs[output]));
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* Whether two expected/actual values (NULL for null) are equal */
static bool
same(Jsonb *a, Jsonb *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return compareJsonbContainers(&a->root, &b->root) == 0;
}

/*
 * Run one case in a subtransaction that is rolled back, and add its rows
 * to the result.
 */
static void
run_case(RrPlan *plan, const TestCase *tc, Jsonb **pins,
		 ReturnSetInfo *rsinfo)
{
	MemoryContext caller = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	MemoryContext context;
	Jsonb	  **actual = palloc0(sizeof(Jsonb *) * plan->nnodes);
	ErrorData  *volatile error = NULL;
	bool		was_running;
	int			i;

	context = AllocSetContextCreate(caller, "reporunner test case",
									ALLOCSET_DEFAULT_SIZES);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(context);
	was_running = case_running;
	case_running = true;
	PG_TRY();
	{
		RrExecution *execution = palloc0(sizeof(RrExecution));

		execution->context = context;
		execution->plan = plan;
		execution->mode = "call";
		execution->pinned = pins;
		execution->input = rr_items_to_jsonb(tc->input);
		(void) rr_execution_run(execution, tc->input);

		/* in the caller's memory, before the rollback */
		MemoryContextSwitchTo(caller);
		for (i = 0; i < plan->nnodes; i++)
		{
			RrPlanNode *node = &plan->nodes[i];

			if (getKeyJsonValueFromContainer(&tc->expected->root, node->name,
											 strlen(node->name), NULL) != NULL)
				actual[i] = actual_of(execution, node, expected_of(tc, node));
		}
		case_running = was_running;
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		case_running = was_running;
		MemoryContextSwitchTo(caller);
		error = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(caller);
	CurrentResourceOwner = owner;
	MemoryContextDelete(context);

	/* a cancel or a timeout of the statement ends the test */
	if (error != NULL && (error->sqlerrcode == ERRCODE_QUERY_CANCELED ||
						  error->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN))
		ReThrowError(error);

	for (i = 0; i < plan->nnodes; i++)
	{
		RrPlanNode *node = &plan->nodes[i];
		Jsonb	   *expected;
		Jsonb	   *got;
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		if (getKeyJsonValueFromContainer(&tc->expected->root, node->name,
										 strlen(node->name), NULL) == NULL)
			continue;
		expected = expected_of(tc, node);
		got = actual[i];
		if (error != NULL)
		{
			Jsonb	   *failure = rr_error_jsonb(NULL, error);
			JsonbValue	value;

			rr_jsonb_value(failure, &value);
			got = rr_jsonb_wrap("error", &value);
		}
		values[0] = CStringGetTextDatum(tc->name);
		values[1] = CStringGetTextDatum(node->name);
		values[2] = BoolGetDatum(error == NULL && same(expected, got));
		values[3] = expected != NULL ? JsonbPGetDatum(expected) : (Datum) 0;
		nulls[3] = expected == NULL;
		values[4] = got != NULL ? JsonbPGetDatum(got) : (Datum) 0;
		nulls[4] = got == NULL;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * test_workflow(workflow, cases): every case checked first, then each run
 * in turn.
 */
Datum
reporunner_test_workflow(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *name = rr_workflow_name_arg(fcinfo, 0);
	Jsonb	   *cases;
	int			ncases;
	TestCase   *tcs;
	RrPlan	  **plans;
	Jsonb	 ***pins;
	int			i;
	int			j;

	if (PG_ARGISNULL(1))
		rr_invalid_parameter("test cases must not be null",
							 "Pass a JSON array of test cases.");
	cases = PG_GETARG_JSONB_P(1);
	if (!JB_ROOT_IS_ARRAY(cases) || JB_ROOT_IS_SCALAR(cases) ||
		JB_ROOT_COUNT(cases) == 0)
		rr_invalid_parameter("test cases must be a non-empty JSON array",
							 "Pass [{\"name\": ..., \"input\": [...], \"pinned\": {...}, \"expected\": {...}}, ...].");
	InitMaterializedSRF(fcinfo, 0);

	ncases = JB_ROOT_COUNT(cases);
	tcs = palloc0(sizeof(TestCase) * ncases);
	plans = palloc0(sizeof(RrPlan *) * ncases);
	pins = palloc0(sizeof(Jsonb **) * ncases);
	for (i = 0; i < ncases; i++)
	{
		TestCase   *tc = &tcs[i];
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken token;

		read_case(getIthJsonbValueFromContainer(&cases->root, i), i + 1, tc);
		plans[i] = rr_runnable_plan(name, InvalidOid, tc->version, RR_RUN_CALL);
		pins[i] = case_pins(plans[i], tc);
		it = JsonbIteratorInit(&tc->expected->root);
		while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (token == WJB_KEY)
			{
				RrPlanNode *node = case_node(plans[i], tc, "expected",
											 pnstrdup(v.val.string.val,
													  v.val.string.len));

				check_expected(node, tc, expected_of(tc, node));
			}
		}
	}
	for (j = 0; j < ncases; j++)
		run_case(plans[j], &tcs[j], pins[j], rsinfo);
	return (Datum) 0;
}
