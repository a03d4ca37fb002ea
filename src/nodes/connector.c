/*-------------------------------------------------------------------------
 *
 * connector.c
 *		The "connector" node: one operation of a connector, run as an http
 *		node.
 *
 * Params: connector and operation (fixed names), credential, base_url
 * (replaces the definition's), the http node's timeout, connect_timeout,
 * max_redirects, verify_tls, max_pages, batch_size, batch_interval and
 * proxy, and the operation's own params, which may hold expressions.
 *
 * When the plan is built (so at save_workflow()), the node loads the
 * latest definition of the connector of the workflow's owner (else the
 * shipped one), checks the operation exists, its required params are
 * given and no other param is, and that the credential, if the owner has
 * it already, is of a type the connector takes.  It then writes the
 * operation as the params of an http node: "{{ $param.<name> }}" in the
 * definition's path, query, headers and body becomes the node's param
 * (the param's own value, of any type, when it is the whole string; its
 * text inside a longer one, percent-encoded in the path when it is fixed
 * text; a member whose lone param is absent is left out), and pagination
 * becomes next_link, pagination (cursor or page) or next_url.  The http
 * node's handler compiles and runs those, so retries, Idempotency-Key,
 * timeouts, concurrency, the credential and the SSRF guard are the http
 * node's own.
 *
 * After the requests, each response body (an item) is checked with the
 * definition's error rule (an error a service answers with status 200,
 * such as Slack's "ok": false) and replaced by the items at the
 * definition's items path.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/plan.h"
#include "connectors/connector.h"
#include "expr/template.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

extern const RrNodeHandler rr_node_http;

typedef struct ConnectorState
{
	char	   *connector;
	char	   *operation;
	void	   *http;			/* the http node's prepared state */
	RrValue    *error_when;		/* NULL: no error rule */
	RrValue    *error_text;
	List	   *items_path;		/* names; NIL: the body's items as they are */
} ConnectorState;

/* ---------- Preparing ---------- */

/*
 * compiled
 *		A value the translation gave as JSON text, compiled; NULL for NULL.
 */
static RrValue *
compiled(RrPlanNode *node, const char *text, const char *field)
{
	Jsonb	   *jsonb;

	if (text == NULL)
		return NULL;
	jsonb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
											   CStringGetDatum(text)));
	return rr_value_compile(rr_value_normalize(rr_item_value(jsonb)),
							node->name, field);
}

static char *
string_param(RrPlanNode *node, const char *name)
{
	JsonbValue *value = rr_node_param(node, name);

	return pnstrdup(value->val.string.val, value->val.string.len);
}

static void *
connector_prepare(RrPlanNode *node)
{
	ConnectorState *state = palloc0(sizeof(ConnectorState));
	RrPlanNode	http_node = *node;
	RrConnectorOperation operation;
	Oid			owner = rr_plan_preparing_owner();

	state->connector = string_param(node, "connector");
	state->operation = string_param(node, "operation");
	rr_connector_translate(node->name, state->connector, state->operation,
						   rr_connector_load(owner, state->connector),
						   node->params, owner, &operation);
	state->error_when = compiled(node, operation.error_when, "error.when");
	state->error_text = compiled(node, operation.error_message,
								 "error.message");
	if (operation.items != NULL)
	{
		char	   *save;
		char	   *part;

		for (part = strtok_r(operation.items, ".", &save); part != NULL;
			 part = strtok_r(NULL, ".", &save))
			state->items_path = lappend(state->items_path, part);
	}
	/* the http node's handler compiles the operation as its params */
	http_node.params = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
														  CStringGetDatum(operation.http_params)));
	state->http = rr_node_http.prepare(&http_node);
	return state;
}


/* ---------- Running ---------- */

/*
 * check_service_error
 *		A response body (an item) the connector's error rule says is an
 *		error fails the node with the service's message.
 */
static void
check_service_error(ConnectorState *state, RrNodeRun *run, Jsonb *item,
					int index)
{
	JsonbValue *message;

	if (state->error_when == NULL ||
		!rr_condition_eval(state->error_when, run, item, index))
		return;
	message = rr_value_eval(state->error_text, run, item, index);
	ereport(ERROR,
			(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
			 errmsg("connector \"%s\" operation \"%s\" failed: %s",
					state->connector, state->operation,
					message == NULL ? "no message" : rr_value_text(message))));
}

/*
 * picked_items
 *		The items at the items path of one response body, appended to items
 *		as the http node makes items of a body (rr_value_items); nothing
 *		when the path leads nowhere or to null.
 */
static List *
picked_items(ConnectorState *state, List *items, Jsonb *body)
{
	JsonbValue	whole;
	JsonbValue *value = &whole;
	ListCell   *lc;

	rr_jsonb_value(body, &whole);
	foreach(lc, state->items_path)
	{
		const char *key = (const char *) lfirst(lc);

		if (!rr_value_is_object(value))
			return items;
		value = getKeyJsonValueFromContainer(value->val.binary.data, key,
											 strlen(key), NULL);
		if (value == NULL)
			return items;
		value = rr_value_normalize(value);
	}
	if (value->type == jbvNull)
		return items;
	return rr_value_items(items, value);
}

/*
 * run_http
 *		The http node's handler on the run, with the http node's state; the
 *		run comes back as the handler left it (its outputs, its counters,
 *		whether it let the transaction go), whatever happens.
 */
static void
run_http(ConnectorState *state, RrNodeRun *run)
{
	RrPlanNode	http_node = *run->node;
	RrNodeRun	http_run = *run;

	http_node.state = state->http;
	http_run.node = &http_node;
	PG_TRY();
	{
		rr_node_http.execute(&http_run);
	}
	PG_FINALLY();
	{
		http_run.node = run->node;
		*run = http_run;
	}
	PG_END_TRY();
}

static void
connector_execute(RrNodeRun *run)
{
	ConnectorState *state = (ConnectorState *) run->node->state;
	List	   *items = NIL;
	ListCell   *lc;

	run_http(state, run);
	foreach(lc, run->outputs[0])
	{
		Jsonb	   *body = (Jsonb *) lfirst(lc);

		check_service_error(state, run, body, foreach_current_index(lc));
		if (state->items_path == NIL)
			items = lappend(items, body);
		else
			items = picked_items(state, items, body);
		rr_item_done(run);
	}
	run->outputs[0] = items;
}

const RrNodeHandler rr_node_connector = {
	.side_effects = true,
	.prepare = connector_prepare,
	.execute = connector_execute,
};
