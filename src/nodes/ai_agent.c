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
 * system prompt, the message and the tools; each function it calls runs
 * its workflow with the call's arguments as the one item, and the
 * workflow's result items go back to the model as the call's answer;
 * until the model answers without calling tools, or max_iterations model
 * calls were made (an ERROR, 54000).  The node's output is one item per
 * input item: the answer, the token usage summed, the number of model
 * calls and the steps (each model call with its usage, each tool call).
 *
 * Inside one transaction (execute()) the tools are sub-workflow calls run
 * there and then.  In a background run every step is journaled before the
 * next: each reply of the model is a row of reporunner.agent_turn
 * (rr_journal_agent_turn; keyed by execution, node, the node's run,
 * attempt, item and turn), each tool call a child execution with an idempotency key naming
 * the same and the call (subworkflow_call.c), and the node pauses until
 * they end, as execute_workflow does.  Every run of the node first
 * rebuilds each conversation from its rows and its calls' results
 * (replay), and calls the model only past them: a crash repeats only a
 * model call whose reply was not committed, and no tool.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/execute.h"
#include "catalog/owner_role.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "common/jsonapi.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "nodes/subworkflow_call.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

extern const RrNodeHandler rr_node_connector;

/* Longest function name a model takes (OpenAI's rule). */
#define AGENT_FUNCTION_NAME_LEN	64

/* The input schema of the tool workflow $1's version $2 (owner $3), or NULL. */
#define SQL_INPUT_SCHEMA \
	"SELECT definition -> 'settings' -> 'input_schema'" \
	" FROM reporunner.workflow_version WHERE workflow_id = $1 AND version = $2" \
	" AND owner = $3"

/* A workflow the model may call. */
typedef struct AgentTool
{
	char	   *workflow;		/* its name */
	char	   *function;		/* the name the model calls it by */
	Oid			owner;			/* its owner, as found when prepared */
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

/* A jsonb value of JSON text. */
static Jsonb *
jsonb_of(const char *text)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
											  CStringGetDatum(text)));
}

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
 *		text; an object with no properties when it declares none; *owner
 *		the workflow's owner.  ERROR when the owner cannot run the workflow
 *		or it has no active version.
 */
static char *
tool_schema(const char *node, const char *workflow, Oid *owner)
{
	RrWorkflowRef ref;
	Oid			argtypes[3] = {INT8OID, INT4OID, OIDOID};
	Datum		values[3];
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
	values[2] = ObjectIdGetDatum(ref.owner);
	*owner = ref.owner;
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run(SQL_INPUT_SCHEMA, 3, argtypes, values, SPI_OK_SELECT);
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
					  tool_schema(node->name, tool->workflow, &tool->owner));
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
	return jsonb_of(buf.data);
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

/* One conversation: the messages so far, the steps, the usage. */
typedef struct Conversation
{
	AgentState *state;
	RrNodeRun  *run;
	int			item;			/* the input item's index */
	bool		durable;		/* a background run: journaled turns */
	StringInfoData messages;	/* JSON text: the messages, comma-separated */
	StringInfoData steps;		/* JSON text: the steps, comma-separated */
	AgentUsage	usage;
	int			turn;			/* model calls so far */
} Conversation;

/*
 * The model's replies of a conversation journaled so far by a background
 * run: $1 execution, $2 node, $3 attempt, $4 item, $5 the node's run, $6
 * the execution's owner.
 */
#define SQL_TURNS \
	"SELECT message, usage FROM reporunner.agent_turn WHERE execution_id = $1" \
	" AND node = $2 AND run_index = $5 AND attempt = $3 AND item = $4" \
	" AND owner = $6 ORDER BY turn"

/* A param's value for the item as text (strings as they are). */
static char *
param_text(const RrParam *param, RrNodeRun *run, Jsonb *item, int index)
{
	JsonbValue *value = rr_param_eval(param, run, item, index);

	if (value == NULL)
		return NULL;
	return rr_value_text(value);
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

/* Usage as JSON text. */
static char *
usage_json(const AgentUsage *usage)
{
	return psprintf("{\"prompt_tokens\":" INT64_FORMAT
					",\"completion_tokens\":" INT64_FORMAT
					",\"total_tokens\":" INT64_FORMAT "}",
					usage->prompt, usage->completion, usage->total);
}

/*
 * run_connector
 *		The connector node on the request item: the response bodies.  The
 *		run's counters and transaction come back as the connector left them.
 */
static List *
run_connector(AgentState *state, RrNodeRun *run, Jsonb *request)
{
	RrPlanNode	node = *run->node;
	RrNodeRun	call = *run;
	List	   *input = list_make1(request);
	List	   *outputs[1] = {NIL};
	RrPairing	paired[1];

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
	return outputs[0];
}

/*
 * call_model
 *		One chat completion with the conversation so far: the model's
 *		message, and its usage as JSON text in *usage.
 */
static Jsonb *
call_model(Conversation *c, char **usage)
{
	StringInfoData request;
	List	   *bodies;
	JsonbValue *body;
	JsonbValue *choices;
	JsonbValue *choice = NULL;
	JsonbValue *message;
	AgentUsage	one;

	initStringInfo(&request);
	appendStringInfo(&request, "{\"messages\":[%s]", c->messages.data);
	if (c->state->tools_json != NULL)
		appendStringInfo(&request, ",\"tools\":%s", c->state->tools_json);
	appendStringInfoChar(&request, '}');
	bodies = run_connector(c->state, c->run, jsonb_of(request.data));
	if (list_length(bodies) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("the model's response is not one JSON object")));

	body = rr_item_value((Jsonb *) linitial(bodies));
	choices = member(body, "choices");
	if (choices != NULL && rr_value_is_array(choices))
		choice = getIthJsonbValueFromContainer(choices->val.binary.data, 0);
	message = choice != NULL ? member(rr_value_normalize(choice), "message") : NULL;
	if (message == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("the model's response has no message")));
	one.prompt = count_member(member(body, "usage"), "prompt_tokens");
	one.completion = count_member(member(body, "usage"), "completion_tokens");
	one.total = count_member(member(body, "usage"), "total_tokens");
	*usage = usage_json(&one);
	return JsonbValueToJsonb(message);
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
	item = jsonb_of(text);
	return JB_ROOT_IS_OBJECT(item) ? item : NULL;
}

/* One function call of a model's message. */
typedef struct ToolCall
{
	char	   *id;				/* JSON text: the call's id */
	char	   *function;
	AgentTool  *tool;			/* NULL: no such tool */
	Jsonb	   *arguments;		/* NULL: no JSON object */
	char	   *answer;			/* what goes back to the model */
} ToolCall;

/* The function calls of a model's message (a non-empty array). */
static ToolCall *
tool_calls(Conversation *c, JsonbValue *calls, int *ncalls)
{
	ToolCall   *result = palloc0(sizeof(ToolCall) *
								 JsonContainerSize(calls->val.binary.data));
	JsonbIterator *it = JsonbIteratorInit(calls->val.binary.data);
	JsonbValue	elem;
	JsonbIteratorToken token;

	*ncalls = 0;
	while ((token = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		ToolCall   *call = &result[*ncalls];
		JsonbValue *function;
		JsonbValue *id;
		JsonbValue *name;

		if (token != WJB_ELEM)
			continue;
		function = member(rr_value_normalize(&elem), "function");
		id = member(rr_value_normalize(&elem), "id");
		name = member(function, "name");
		if (id == NULL || id->type != jbvString ||
			name == NULL || name->type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("the model called a tool without an id or a function name")));
		call->id = rr_value_to_text(id);
		call->function = pnstrdup(name->val.string.val, name->val.string.len);
		call->tool = find_tool(c->state, call->function);
		call->arguments = arguments_item(member(function, "arguments"));
		if (call->tool == NULL)
			call->answer = psprintf("error: there is no tool called %s",
									call->function);
		else if (call->arguments == NULL)
			call->answer = pstrdup("error: the arguments are no JSON object");
		(*ncalls)++;
		rr_item_done(c->run);
	}
	return result;
}

/*
 * The idempotency key of call k of a turn, in a background run; the
 * node's later runs in the execution (a loop) have their own
 */
static char *
tool_key(Conversation *c, int k)
{
	char	   *key = psprintf("agent " INT64_FORMAT " %d %d %d %d %s",
							   c->run->execution->id, c->run->attempt,
							   c->item, c->turn, k, c->run->node->name);

	return rr_subworkflow_run_key(key, c->run);
}

/*
 * run_tools_inline
 *		Call each tool now, in this transaction: its result items are its
 *		answer.
 */
static void
run_tools_inline(Conversation *c, ToolCall *calls, int ncalls)
{
	int			k;

	for (k = 0; k < ncalls; k++)
	{
		RrPlan	   *plan;
		Jsonb	   *result;

		if (calls[k].answer != NULL)
			continue;
		plan = rr_runnable_plan(calls[k].tool->workflow, InvalidOid, 0,
								RR_RUN_CALL);
		result = rr_run_in_caller(plan, "subworkflow",
								  list_make1(calls[k].arguments), NULL,
								  plan->save,
								  rr_role_owner(GetUserId()), 0,
								  c->run->execution->id);
		calls[k].answer = JsonbToCString(NULL, &result->root, VARSIZE(result));
	}
}

/*
 * collect_tools
 *		In a background run, the answers of the tools a turn called, each a
 *		sub-workflow execution with its key (queued first when queue): false
 *		while some have not ended.
 */
static bool
collect_tools(Conversation *c, ToolCall *calls, int ncalls, bool queue)
{
	bool		ended = true;
	int			k;

	for (k = 0; k < ncalls; k++)
	{
		char	   *key = tool_key(c, k);
		Jsonb	   *output;

		if (calls[k].answer != NULL)
			continue;
		if (queue)
		{
			RrPlan	   *plan = rr_runnable_plan(calls[k].tool->workflow,
												InvalidOid, 0, RR_RUN_QUEUE);

			rr_subworkflow_queue(c->run, plan, list_make1(calls[k].arguments),
								 key);
		}
		if (!rr_subworkflow_results(c->run, calls[k].tool->workflow,
									calls[k].tool->owner, 1, &key, &output))
			ended = false;
		else
			calls[k].answer = output == NULL ? pstrdup("[]") :
				JsonbToCString(NULL, &output->root, VARSIZE(output));
	}
	return ended;
}

/*
 * take_reply
 *		The model's reply to turn c->turn (just made, or journaled): its
 *		usage and step added; for an answer, the node's output item; for
 *		tool calls, NULL, the tools' answers added to the conversation, or
 *		*paused when some have not ended.
 */
static Jsonb *
take_reply(Conversation *c, Jsonb *message, Jsonb *usage, bool made,
		   bool *paused)
{
	JsonbValue *reply = rr_item_value(message);
	JsonbValue *calls = member(reply, "tool_calls");
	JsonbValue *content;
	ToolCall   *tools;
	int			ncalls;
	int			k;
	StringInfoData output;

	c->usage.prompt += count_member(rr_item_value(usage), "prompt_tokens");
	c->usage.completion += count_member(rr_item_value(usage), "completion_tokens");
	c->usage.total += count_member(rr_item_value(usage), "total_tokens");
	appendStringInfo(&c->steps, "%s{\"kind\":\"model\",\"turn\":%d,\"usage\":%s}",
					 c->turn > 1 ? "," : "", c->turn,
					 JsonbToCString(NULL, &usage->root, VARSIZE(usage)));

	if (calls == NULL || !rr_value_is_array(calls) ||
		JsonContainerSize(calls->val.binary.data) == 0)
	{
		content = member(reply, "content");
		initStringInfo(&output);
		appendStringInfoChar(&output, '{');
		append_member(&output, "answer",
					  content != NULL ? rr_value_to_text(content) : "null");
		append_member(&output, "usage", usage_json(&c->usage));
		append_member(&output, "model_calls", psprintf("%d", c->turn));
		append_member(&output, "steps", psprintf("[%s]", c->steps.data));
		appendStringInfoChar(&output, '}');
		return jsonb_of(output.data);
	}
	if (c->turn >= c->state->max_iterations)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the model gave no answer in %d calls",
						c->state->max_iterations),
				 errdetail("It still called tools after the last call max_iterations allows."),
				 errhint("Raise max_iterations, or tell the model in the system prompt when to answer.")));

	tools = tool_calls(c, calls, &ncalls);
	if (!c->durable)
		run_tools_inline(c, tools, ncalls);
	else if (!collect_tools(c, tools, ncalls, made))
	{
		*paused = true;
		return NULL;
	}
	appendStringInfo(&c->messages, ",%s", rr_value_to_text(reply));
	for (k = 0; k < ncalls; k++)
	{
		appendStringInfo(&c->messages,
						 ",{\"role\":\"tool\",\"tool_call_id\":%s,\"content\":%s}",
						 tools[k].id, json_string_of(tools[k].answer));
		appendStringInfo(&c->steps,
						 ",{\"kind\":\"tool\",\"turn\":%d,\"tool\":%s,\"call_id\":%s}",
						 c->turn, json_string_of(tools[k].function), tools[k].id);
	}
	return NULL;
}

/*
 * replay
 *		In a background run, the replies journaled for the conversation so
 *		far, taken in order: the output item when the last was the answer;
 *		NULL otherwise (*paused when tools it called still run).
 */
static Jsonb *
replay(Conversation *c, bool *paused)
{
	Oid			argtypes[6] = {INT8OID, TEXTOID, INT4OID, INT4OID, INT4OID,
	OIDOID};
	Datum		values[6];
	Oid			save_userid;
	int			save_sec_context;
	MemoryContext caller = CurrentMemoryContext;
	List	   *messages = NIL;
	List	   *usages = NIL;
	ListCell   *lm;
	ListCell   *lu;
	int			nestlevel;
	uint64		row;

	values[0] = Int64GetDatum(c->run->execution->id);
	values[1] = CStringGetTextDatum(c->run->node->name);
	values[2] = Int32GetDatum(c->run->attempt);
	values[3] = Int32GetDatum(c->item);
	values[4] = Int32GetDatum(c->run->run_index);
	values[5] = ObjectIdGetDatum(c->run->execution->plan->owner);
	nestlevel = rr_store_begin();
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run(SQL_TURNS, 6, argtypes, values, SPI_OK_SELECT);
	rr_store_restore_user(save_userid, save_sec_context);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		bool		isnull;
		MemoryContext old = MemoryContextSwitchTo(caller);

		messages = lappend(messages,
						   DatumGetJsonbPCopy(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull)));
		usages = lappend(usages,
						 DatumGetJsonbPCopy(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &isnull)));
		MemoryContextSwitchTo(old);
	}
	rr_store_end(nestlevel);

	forboth(lm, messages, lu, usages)
	{
		Jsonb	   *output;

		c->turn++;
		output = take_reply(c, lfirst(lm), lfirst(lu), false, paused);
		if (output != NULL || *paused)
			return output;
	}
	return NULL;
}

/*
 * converse
 *		The conversation of one item: the node's output item for it, or
 *		NULL when it paused (a background run's tools still run).
 */
static Jsonb *
converse(AgentState *state, RrNodeRun *run, Jsonb *item, int index)
{
	Conversation c;
	char	   *system = param_text(&state->system, run, item, index);
	char	   *message = param_text(&state->message, run, item, index);
	bool		paused = false;
	Jsonb	   *output;

	if (message == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the message is empty")));
	memset(&c, 0, sizeof(c));
	c.state = state;
	c.run = run;
	c.item = index;
	c.durable = run->execution->suspend != NULL;
	initStringInfo(&c.messages);
	initStringInfo(&c.steps);
	if (system != NULL)
		appendStringInfo(&c.messages, "{\"role\":\"system\",\"content\":%s},",
						 json_string_of(system));
	appendStringInfo(&c.messages, "{\"role\":\"user\",\"content\":%s}",
					 json_string_of(message));

	if (c.durable)
	{
		output = replay(&c, &paused);
		if (output != NULL || paused)
			return output;
	}
	for (;;)
	{
		char	   *usage;
		Jsonb	   *reply;

		c.turn++;
		reply = call_model(&c, &usage);
		if (c.durable)
			rr_journal_agent_turn(run->execution->id, run->node->name,
								  run->run_index, run->attempt, c.item, c.turn,
								  run->execution->plan->owner, reply,
								  jsonb_of(usage));
		output = take_reply(&c, reply, jsonb_of(usage), true, &paused);
		if (output != NULL || paused)
			return output;
	}
}

static void
ai_agent_execute(RrNodeRun *run)
{
	AgentState *state = (AgentState *) run->node->state;
	ListCell   *lc;
	bool		paused = false;

	foreach(lc, run->inputs[0])
	{
		int			index = foreach_current_index(lc);
		Jsonb	   *output = converse(state, run, (Jsonb *) lfirst(lc), index);

		if (output == NULL)
			paused = true;
		else if (!paused)
			rr_emit_paired(run, 0, output, index);
	}
	if (paused)
		run->suspend_until = DT_NOEND;
}

const RrNodeHandler rr_node_ai_agent = {
	.side_effects = true,
	.prepare = ai_agent_prepare,
	.execute = ai_agent_execute,
};
