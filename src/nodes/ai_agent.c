/*-------------------------------------------------------------------------
 *
 * ai_agent.c
 *		The "ai_agent" node: a tool-calling loop over the chat completions
 *		of the shipped "openai" connector (docs/ai_agent.md).
 *
 * Params: model, system (a prompt), message (the user's message, per
 * item), tools (workflows, each exposed to the model as a function whose
 * parameters are the workflow's settings.input_schema), max_iterations,
 * max_tokens, credential, base_url, and the connector node's timeout,
 * connect_timeout, max_redirects, verify_tls and proxy.
 *
 * The model is called through a connector node of operation
 * "chat.completions.create", prepared here with the agent's params
 * (src/nodes/connector.c), so the request is the http node's: retries,
 * the credential, timeouts and the SSRF guard are its own.  The tools are
 * found when the plan is built (at save_workflow()), as the workflow's
 * owner finds them, with their input schemas.
 *
 * For each input item, one conversation: the model is called with the
 * system prompt, the message and the tools; each function it calls is a
 * call of that workflow (a sub-workflow run in this transaction, as the
 * execute_workflow node's waiting calls inside execute(), journaled as
 * mode "subworkflow" with this execution as its parent) with the call's
 * arguments as its one item, whose result items go back to the model as
 * the tool's answer; until the model answers without calling tools, or
 * max_iterations model calls were made (an ERROR, 54000).  The node's
 * output is one item per input item: the answer, the summed token usage,
 * the number of model calls and the steps (each model call with its
 * usage, each tool call).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/execute.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/node_util.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/jsonfuncs.h"

extern const RrNodeHandler rr_node_connector;

/* Longest function name a model takes (OpenAI's rule). */
#define AGENT_FUNCTION_NAME_LEN	64

/* The input schema of the tool workflow $1's version $2, or NULL. */
#define SQL_INPUT_SCHEMA \
	"SELECT definition -> 'settings' -> 'input_schema'" \
	" FROM reporunner.workflow_version WHERE workflow_id = $1 AND version = $2"

/* A workflow the model may call. */
typedef struct AgentTool
{
	char	   *workflow;		/* its name */
	char	   *function;		/* the name the model calls it by */
} AgentTool;

typedef struct AgentState
{
	void	   *connector;		/* the connector node's prepared state */
	RrParam		system;
	RrParam		message;
	int			ntools;
	AgentTool  *tools;
	char	   *tools_json;		/* the tools as the API wants them; NULL:
								 * none */
	int			max_iterations;
} AgentState;

/* Token usage summed over model calls. */
typedef struct AgentUsage
{
	int64		prompt;
	int64		completion;
	int64		total;
} AgentUsage;


/* ---------- Preparing ---------- */

/* Append "key": value_json to an object's members being written. */
static void
append_member(StringInfo buf, const char *key, const char *value_json)
{
	if (buf->len > 1)
		appendStringInfoChar(buf, ',');
	escape_json(buf, key);
	appendStringInfoChar(buf, ':');
	appendStringInfoString(buf, value_json);
}

/* A C string as a JSON string. */
static char *
json_string_of(const char *text)
{
	StringInfoData buf;

	initStringInfo(&buf);
	escape_json(&buf, text);
	return buf.data;
}

/* A string field of an object value, or NULL when absent. */
static char *
string_field(JsonbValue *object, const char *key)
{
	JsonbValue *value = getKeyJsonValueFromContainer(object->val.binary.data,
													 key, strlen(key), NULL);

	if (value == NULL || value->type != jbvString)
		return NULL;
	return pnstrdup(value->val.string.val, value->val.string.len);
}

/*
 * tool_schema
 *		The input schema of the active version of the tool workflow, as JSON
 *		text; an object with no properties when it declares none.  ERROR
 *		when the owner cannot run the workflow or it has no active version.
 */
static char *
tool_schema(const char *node, const char *workflow)
{
	RrWorkflowRef ref;
	Oid			argtypes[2] = {INT8OID, INT4OID};
	Datum		values[2];
	Oid			save_userid;
	int			save_sec_context;
	char	   *schema = NULL;
	int			nestlevel;

	nestlevel = rr_store_begin();
	if (!rr_workflow_find(workflow, RR_WORKFLOW_RUN, InvalidOid, &ref))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("node \"%s\": tool workflow \"%s\" does not exist",
						node, workflow),
				 errhint("Save the tool workflow before the agent that calls it.")));
	if (ref.active_version == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("node \"%s\": tool workflow \"%s\" has no active version",
						node, workflow),
				 errhint("Activate one with reporunner.activate_version().")));
	values[0] = Int64GetDatum(ref.id);
	values[1] = Int32GetDatum(ref.active_version);
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run(SQL_INPUT_SCHEMA, 2, argtypes, values, SPI_OK_SELECT);
	rr_store_restore_user(save_userid, save_sec_context);
	if (SPI_processed == 1)
		schema = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	schema = schema != NULL ? pstrdup(schema) :
		pstrdup("{\"type\":\"object\",\"properties\":{}}");
	rr_store_end(nestlevel);
	return schema;
}

/* Whether a name is one a model may call a function by. */
static bool
is_function_name(const char *name)
{
	const char *c;

	if (*name == '\0' || strlen(name) > AGENT_FUNCTION_NAME_LEN)
		return false;
	for (c = name; *c != '\0'; c++)
	{
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
			return false;
	}
	return true;
}

/*
 * prepare_tools
 *		The tools param: each tool's workflow found with its schema, its
 *		function name checked and unique; the tools as the API wants them.
 */
static void
prepare_tools(RrPlanNode *node, AgentState *state)
{
	JsonbValue *tools = rr_node_param(node, "tools");
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken token;
	StringInfoData json;

	if (tools == NULL || tools->type != jbvBinary)
		return;
	state->tools = palloc0(sizeof(AgentTool) *
						   JsonContainerSize(tools->val.binary.data));
	initStringInfo(&json);
	appendStringInfoChar(&json, '[');
	it = JsonbIteratorInit(tools->val.binary.data);
	while ((token = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		AgentTool  *tool = &state->tools[state->ntools];
		char	   *description;
		StringInfoData function;
		int			i;

		if (token != WJB_ELEM)
			continue;
		tool->workflow = string_field(&elem, "workflow");
		tool->function = string_field(&elem, "name");
		if (tool->function == NULL)
			tool->function = tool->workflow;
		if (!is_function_name(tool->function))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\": tool \"%s\" is no function name a model takes",
							node->name, tool->function),
					 errdetail("A function name is 1 to %d letters, digits, \"_\" or \"-\".",
							   AGENT_FUNCTION_NAME_LEN),
					 errhint("Give the tool a \"name\".")));
		for (i = 0; i < state->ntools; i++)
		{
			if (strcmp(state->tools[i].function, tool->function) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\": two tools are called \"%s\"",
								node->name, tool->function),
						 errhint("Give one of them another \"name\".")));
		}
		description = string_field(&elem, "description");

		initStringInfo(&function);
		appendStringInfoChar(&function, '{');
		append_member(&function, "name", json_string_of(tool->function));
		if (description != NULL)
			append_member(&function, "description",
						  json_string_of(description));
		append_member(&function, "parameters",
					  tool_schema(node->name, tool->workflow));
		appendStringInfoChar(&function, '}');
		appendStringInfo(&json, "%s{\"type\":\"function\",\"function\":%s}",
						 state->ntools > 0 ? "," : "", function.data);
		state->ntools++;
	}
	appendStringInfoChar(&json, ']');
	if (state->ntools > 0)
		state->tools_json = json.data;
}

/*
 * connector_params
 *		The params of the connector node the model is called through: the
 *		agent's own, and the conversation and tools from the request item.
 */
static Jsonb *
connector_params(RrPlanNode *node, AgentState *state)
{
	static const char *const passed[] = {"credential", "base_url", "model",
		"max_tokens", "timeout", "connect_timeout", "max_redirects",
	"verify_tls", "proxy", NULL};
	const char *const *name;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	append_member(&buf, "connector", "\"openai\"");
	append_member(&buf, "operation", "\"chat.completions.create\"");
	for (name = passed; *name != NULL; name++)
	{
		JsonbValue *value = rr_node_param(node, *name);

		if (value != NULL)
			append_member(&buf, *name, rr_value_to_text(value));
	}
	append_member(&buf, "messages", "\"{{ $json.messages }}\"");
	if (state->tools_json != NULL)
		append_member(&buf, "tools", "\"{{ $json.tools }}\"");
	appendStringInfoChar(&buf, '}');
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
											  CStringGetDatum(buf.data)));
}

static void *
ai_agent_prepare(RrPlanNode *node)
{
	AgentState *state = palloc0(sizeof(AgentState));
	RrPlanNode	connector = *node;
	JsonbValue *value;

	rr_param_compile(node, "system", &state->system);
	rr_param_compile(node, "message", &state->message);
	value = rr_node_param(node, "max_iterations");
	state->max_iterations = value != NULL && value->type == jbvNumeric ?
		DatumGetInt32(DirectFunctionCall1(numeric_int4,
										  NumericGetDatum(value->val.numeric))) : 10;
	prepare_tools(node, state);
	connector.params = connector_params(node, state);
	state->connector = rr_node_connector.prepare(&connector);
	return state;
}


/* ---------- Running ---------- */

/* A param's value for the item as text (strings as they are). */
static char *
param_text(const RrParam *param, RrNodeRun *run, Jsonb *item, int index)
{
	JsonbValue *value = rr_param_eval(param, run, item, index);

	if (value == NULL)
		return NULL;
	return rr_value_text(value);
}

/*
 * call_model
 *		One chat completion through the connector node: the response body.
 *		The run's counters and transaction come back as the connector left
 *		them.
 */
static Jsonb *
call_model(AgentState *state, RrNodeRun *run, const char *messages)
{
	RrPlanNode	node = *run->node;
	RrNodeRun	call = *run;
	StringInfoData request;
	List	   *input;
	List	   *outputs[1] = {NIL};
	RrPairing	paired[1];

	initStringInfo(&request);
	appendStringInfo(&request, "{\"messages\":[%s]", messages);
	if (state->tools_json != NULL)
		appendStringInfo(&request, ",\"tools\":%s", state->tools_json);
	appendStringInfoChar(&request, '}');
	input = list_make1(DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
														  CStringGetDatum(request.data))));

	memset(paired, 0, sizeof(paired));
	node.state = state->connector;
	call.node = &node;
	call.ninputs = 1;
	call.inputs = &input;
	call.noutputs = 1;
	call.outputs = outputs;
	call.paired = paired;
	call.expr_cache = NULL;
	call.may_defer = false;
	call.deferred = NULL;
	PG_TRY();
	{
		rr_node_connector.execute(&call);
	}
	PG_FINALLY();
	{
		run->items_seen = call.items_seen;
		run->in_subtransaction = call.in_subtransaction;
		run->transaction_renewed = call.transaction_renewed;
	}
	PG_END_TRY();
	if (list_length(outputs[0]) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("the model's response is not one JSON object")));
	return (Jsonb *) linitial(outputs[0]);
}

/* Member key of a JSON object value; NULL when absent or no object. */
static JsonbValue *
member(JsonbValue *object, const char *key)
{
	if (object == NULL || !rr_value_is_object(object))
		return NULL;
	return rr_value_normalize(getKeyJsonValueFromContainer(object->val.binary.data,
														   key, strlen(key),
														   NULL));
}

/* An integer member, 0 when absent or no number. */
static int64
count_member(JsonbValue *object, const char *key)
{
	JsonbValue *value = member(object, key);

	if (value == NULL || value->type != jbvNumeric)
		return 0;
	return DatumGetInt64(DirectFunctionCall1(numeric_int8,
											 NumericGetDatum(value->val.numeric)));
}

/* The usage of a response, added to the sums; its JSON text. */
static char *
add_usage(AgentUsage *sums, JsonbValue *response)
{
	JsonbValue *usage = member(response, "usage");
	AgentUsage	one;

	one.prompt = count_member(usage, "prompt_tokens");
	one.completion = count_member(usage, "completion_tokens");
	one.total = count_member(usage, "total_tokens");
	sums->prompt += one.prompt;
	sums->completion += one.completion;
	sums->total += one.total;
	return psprintf("{\"prompt_tokens\":" INT64_FORMAT
					",\"completion_tokens\":" INT64_FORMAT
					",\"total_tokens\":" INT64_FORMAT "}",
					one.prompt, one.completion, one.total);
}

/* The tool the model calls by name; NULL when there is none. */
static AgentTool *
find_tool(AgentState *state, const char *function)
{
	int			i;

	for (i = 0; i < state->ntools; i++)
	{
		if (strcmp(state->tools[i].function, function) == 0)
			return &state->tools[i];
	}
	return NULL;
}

/*
 * arguments_item
 *		The arguments of a function call (JSON text in a string) as an
 *		item; NULL when they are no JSON object.
 */
static Jsonb *
arguments_item(JsonbValue *arguments)
{
	JsonLexContext *lex;
	Jsonb	   *item;
	char	   *text;

	if (arguments == NULL || arguments->type != jbvString)
		return NULL;
	text = pnstrdup(arguments->val.string.val, arguments->val.string.len);
	lex = makeJsonLexContextCstringLen(text, strlen(text),
									   GetDatabaseEncoding(), true);
	if (pg_parse_json(lex, &nullSemAction) != JSON_SUCCESS)
		return NULL;
	item = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
											  CStringGetDatum(text)));
	return JB_ROOT_IS_OBJECT(item) ? item : NULL;
}

/*
 * call_tool
 *		One function call of the model: the workflow called with the
 *		arguments as its one item; what goes back to the model (its result
 *		items as JSON text, or what was wrong with the call).
 */
static char *
call_tool(AgentState *state, RrNodeRun *run, const char *function,
		  JsonbValue *arguments)
{
	AgentTool  *tool = find_tool(state, function);
	Jsonb	   *item = arguments_item(arguments);
	RrPlan	   *plan;
	Jsonb	   *result;

	if (tool == NULL)
		return psprintf("error: there is no tool called %s", function);
	if (item == NULL)
		return pstrdup("error: the arguments are no JSON object");
	plan = rr_runnable_plan(tool->workflow, InvalidOid, 0, RR_RUN_CALL);
	result = rr_run_in_caller(plan, "subworkflow", list_make1(item),
							  plan->save, GetUserId(), 0,
							  run->execution->id);
	return JsonbToCString(NULL, &result->root, VARSIZE(result));
}

/*
 * run_tool_calls
 *		Every function call of a model's message, in order: each answer
 *		appended to the conversation as a "tool" message, each call to the
 *		steps.
 */
static void
run_tool_calls(AgentState *state, RrNodeRun *run, JsonbValue *calls,
			   int turn, StringInfo messages, StringInfo steps)
{
	JsonbIterator *it = JsonbIteratorInit(calls->val.binary.data);
	JsonbValue	elem;
	JsonbIteratorToken token;

	while ((token = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		JsonbValue *call;
		JsonbValue *function;
		JsonbValue *id;
		JsonbValue *name;
		char	   *function_name;
		char	   *answer;
		StringInfoData message;

		if (token != WJB_ELEM)
			continue;
		call = rr_value_normalize(&elem);
		function = member(call, "function");
		id = member(call, "id");
		name = member(function, "name");
		if (id == NULL || id->type != jbvString ||
			name == NULL || name->type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("the model called a tool without an id or a function name")));
		function_name = pnstrdup(name->val.string.val, name->val.string.len);
		answer = call_tool(state, run, function_name,
						   member(function, "arguments"));

		initStringInfo(&message);
		appendStringInfoChar(&message, '{');
		append_member(&message, "role", "\"tool\"");
		append_member(&message, "tool_call_id", rr_value_to_text(id));
		append_member(&message, "content", json_string_of(answer));
		appendStringInfoChar(&message, '}');
		appendStringInfo(messages, ",%s", message.data);
		appendStringInfo(steps, ",{\"kind\":\"tool\",\"turn\":%d,\"tool\":%s,\"call_id\":%s}",
						 turn, json_string_of(function_name),
						 rr_value_to_text(id));
		rr_item_done(run);
	}
}

/*
 * converse
 *		The conversation of one item, until the model answers: the node's
 *		output item for it.
 */
static Jsonb *
converse(AgentState *state, RrNodeRun *run, Jsonb *item, int index)
{
	StringInfoData messages;
	StringInfoData steps;
	StringInfoData output;
	AgentUsage	usage = {0, 0, 0};
	char	   *system = param_text(&state->system, run, item, index);
	char	   *message = param_text(&state->message, run, item, index);
	int			turn;

	if (message == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the message is empty")));
	initStringInfo(&messages);
	initStringInfo(&steps);
	if (system != NULL)
		appendStringInfo(&messages, "{\"role\":\"system\",\"content\":%s},",
						 json_string_of(system));
	appendStringInfo(&messages, "{\"role\":\"user\",\"content\":%s}",
					 json_string_of(message));

	for (turn = 1;; turn++)
	{
		Jsonb	   *body = call_model(state, run, messages.data);
		JsonbValue	response;
		JsonbValue *choices;
		JsonbValue *choice = NULL;
		JsonbValue *reply;
		JsonbValue *calls;
		char	   *turn_usage;

		response.type = jbvBinary;
		response.val.binary.data = &body->root;
		response.val.binary.len = VARSIZE(body) - VARHDRSZ;
		turn_usage = add_usage(&usage, &response);
		choices = member(&response, "choices");
		if (choices != NULL && rr_value_is_array(choices))
			choice = getIthJsonbValueFromContainer(choices->val.binary.data, 0);
		reply = choice != NULL ? member(rr_value_normalize(choice),
										"message") : NULL;
		if (reply == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("the model's response has no message")));
		calls = member(reply, "tool_calls");
		appendStringInfo(&steps, "%s{\"kind\":\"model\",\"turn\":%d,\"usage\":%s}",
						 turn > 1 ? "," : "", turn, turn_usage);
		if (calls == NULL || !rr_value_is_array(calls) ||
			JsonContainerSize(calls->val.binary.data) == 0)
		{
			JsonbValue *content = member(reply, "content");

			initStringInfo(&output);
			appendStringInfoChar(&output, '{');
			append_member(&output, "answer",
						  content != NULL ? rr_value_to_text(content) : "null");
			append_member(&output, "usage",
						  psprintf("{\"prompt_tokens\":" INT64_FORMAT
								   ",\"completion_tokens\":" INT64_FORMAT
								   ",\"total_tokens\":" INT64_FORMAT "}",
								   usage.prompt, usage.completion,
								   usage.total));
			append_member(&output, "model_calls", psprintf("%d", turn));
			append_member(&output, "steps", psprintf("[%s]", steps.data));
			appendStringInfoChar(&output, '}');
			return DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
													  CStringGetDatum(output.data)));
		}
		if (turn >= state->max_iterations)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the model gave no answer in %d calls",
							state->max_iterations),
					 errdetail("It still called tools after the last call max_iterations allows."),
					 errhint("Raise max_iterations, or tell the model in the system prompt when to answer.")));
		appendStringInfo(&messages, ",%s", rr_value_to_text(reply));
		run_tool_calls(state, run, calls, turn, &messages, &steps);
	}
}

static void
ai_agent_execute(RrNodeRun *run)
{
	AgentState *state = (AgentState *) run->node->state;
	ListCell   *lc;

	foreach(lc, run->inputs[0])
	{
		int			index = foreach_current_index(lc);

		rr_emit_paired(run, 0, converse(state, run, (Jsonb *) lfirst(lc),
										index), index);
	}
}

const RrNodeHandler rr_node_ai_agent = {
	.side_effects = true,
	.prepare = ai_agent_prepare,
	.execute = ai_agent_execute,
};
