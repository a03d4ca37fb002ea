/*-------------------------------------------------------------------------
 *
 * pairing.c
 *		Paired items: which input items each output item of a node run came
 *		from (n8n's pairedItem), how steps journal it, and $('Node').item's
 *		walk back along it.
 *
 * Recording.  Nodes say where an item came from as they emit it
 * (rr_emit_paired, rr_emit_from in node_handler.h); an output whose items
 * each came from the input 0 item of their own position needs no array at
 * all (RrPairing.codes stays NULL).  An output emitted with plain rr_emit
 * gets n8n's rules after the run (rr_pairing_finish).  A step keeps its
 * outputs' pairings, or none when every output is positional, which is
 * also what a step journaled before pairing existed reads as.
 *
 * Where input items came from.  A node run keeps its deliveries
 * (RrStep.delivered, executor.c): one for a node with one input, which
 * runs once per delivery, several in order for a node with several.  The
 * walk finds the run and output an input item came from by counting
 * through them: nothing is recorded per item while the execution runs.
 *
 * The walk (rr_paired_item), as n8n's WorkflowDataProxy getPairedItem:
 * from the current input item to the output item of the node that
 * delivered it; if that node is the one referenced, that is the item;
 * otherwise on through the input item(s) it came from.  Where an item came
 * from several, each is followed and failures are dropped: one item found
 * (or the same one by several paths) is the answer, none is undefined, and
 * several distinct ones are an error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/executor.h"
#include "engine/pairing.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"

/* ---------- Recording ---------- */

/* Room for one more code; the positional codes so far written out */
static void
make_room(RrNodeRun *run, RrPairing *pairing)
{
	MemoryContext context = run->execution->context;

	if (pairing->codes == NULL)
	{
		int			i;

		pairing->cap = Max(16, pairing->len * 2);
		pairing->codes = MemoryContextAlloc(context,
											sizeof(int32) * pairing->cap);
		for (i = 0; i < pairing->len; i++)
			pairing->codes[i] = i;
	}
	else if (pairing->len == pairing->cap)
	{
		pairing->cap *= 2;
		pairing->codes = repalloc(pairing->codes, sizeof(int32) * pairing->cap);
	}
}

void
rr_pairing_add(RrNodeRun *run, int output, int32 code)
{
	RrPairing  *pairing = &run->paired[output];

	if (pairing->codes == NULL || pairing->len == pairing->cap)
		make_room(run, pairing);
	pairing->codes[pairing->len++] = code;
}

void
rr_pairing_add_list(RrNodeRun *run, int output, int nsources,
					const RrItemSource *sources)
{
	RrPairing  *pairing = &run->paired[output];
	int			need = 1 + 2 * nsources;
	int			at;
	int			i;

	if (nsources == 0)
	{
		rr_pairing_add(run, output, RR_PAIRED_NONE);
		return;
	}
	if (nsources == 1 && sources[0].input == 0)
	{
		if (pairing->codes == NULL && sources[0].item == pairing->len)
			pairing->len++;
		else
			rr_pairing_add(run, output, sources[0].item);
		return;
	}
	if (pairing->lists == NULL)
	{
		pairing->lists_cap = Max(64, need);
		pairing->lists = MemoryContextAlloc(run->execution->context,
											sizeof(int32) * pairing->lists_cap);
	}
	else if (pairing->lists_len + need > pairing->lists_cap)
	{
		pairing->lists_cap = Max(pairing->lists_cap * 2, pairing->lists_len + need);
		pairing->lists = repalloc(pairing->lists, sizeof(int32) * pairing->lists_cap);
	}
	at = pairing->lists_len;
	pairing->lists[at] = nsources;
	for (i = 0; i < nsources; i++)
	{
		pairing->lists[at + 1 + 2 * i] = sources[i].input;
		pairing->lists[at + 2 + 2 * i] = sources[i].item;
	}
	pairing->lists_len += need;
	rr_pairing_add(run, output, RR_PAIRED_LIST(at));
}

void
rr_pairing_positional(RrNodeRun *run, int output)
{
	memset(&run->paired[output], 0, sizeof(RrPairing));
	run->paired[output].len = list_length(run->outputs[output]);
}

void
rr_pairing_from_all(RrNodeRun *run, int output)
{
	RrItemSource *sources;
	int			n = 0;
	int			input;

	for (input = 0; input < run->ninputs; input++)
		n += list_length(run->inputs[input]);
	sources = palloc(sizeof(RrItemSource) * Max(n, 1));
	n = 0;
	for (input = 0; input < run->ninputs; input++)
	{
		int			i;

		for (i = 0; i < list_length(run->inputs[input]); i++)
		{
			sources[n].input = input;
			sources[n++].item = i;
		}
	}
	rr_pairing_add_list(run, output, n, sources);
	pfree(sources);
}

/*
 * n8n's rules (assignPairedItems) for an output emitted without pairing:
 * one input item in all: every item came from it; one input, one output
 * and as many items out as in: positional; otherwise from none.
 */
static void
apply_rules(RrNodeRun *run, int output)
{
	int			n = list_length(run->outputs[output]);
	int			i;

	if (run->ninputs == 1 && list_length(run->inputs[0]) == 1)
	{
		for (i = 0; i < n; i++)
			rr_pairing_add(run, output, 0);
	}
	else if (run->ninputs == 1 && run->noutputs == 1 &&
			 list_length(run->inputs[0]) == n)
		run->paired[output].len = n;
	else
	{
		for (i = 0; i < n; i++)
			rr_pairing_add(run, output, RR_PAIRED_NONE);
	}
}

RrPairing *
rr_pairing_finish(RrNodeRun *run, int noutputs)
{
	bool		positional = true;
	int			output;

	for (output = 0; output < noutputs; output++)
	{
		RrPairing  *pairing = &run->paired[output];
		int			n = list_length(run->outputs[output]);

		if (pairing->len == 0 && n > 0)
			apply_rules(run, output);
		/* a node that emitted some items without pairing: from none */
		while (pairing->len < n)
			rr_pairing_add(run, output, RR_PAIRED_NONE);
		if (pairing->codes != NULL)
			positional = false;
	}
	return positional ? NULL : run->paired;
}

/* The code of item index of an output (NULL pairing: positional) */
static int32
pairing_code(const RrPairing *pairing, int index)
{
	if (pairing == NULL || pairing->codes == NULL)
		return index;
	return pairing->codes[index];
}

/* ---------- The journal's form ---------- */

/*
 * {"output name": [per item: null (from none), n (item n of input 0), or a
 * list of n and {"input": i, "item": n}], ...}, with the positional
 * outputs left out.
 */
void
rr_pairing_append_json(StringInfo buf, const RrPlanNode *node,
					   const RrPairing *paired)
{
	bool		first = true;
	int			output;

	appendStringInfoChar(buf, '{');
	for (output = 0; output < node->noutputs; output++)
	{
		const RrPairing *pairing = &paired[output];
		int			i;

		if (pairing->codes == NULL)
			continue;
		if (!first)
			appendStringInfoString(buf, ", ");
		first = false;
		escape_json(buf, node->output_names[output]);
		appendStringInfoString(buf, ": [");
		for (i = 0; i < pairing->len; i++)
		{
			int32		code = pairing->codes[i];

			if (i > 0)
				appendStringInfoChar(buf, ',');
			if (code >= 0)
				appendStringInfo(buf, "%d", code);
			else if (code == RR_PAIRED_NONE)
				appendStringInfoString(buf, "null");
			else
			{
				const int32 *list = &pairing->lists[RR_PAIRED_LIST_AT(code)];
				int			j;

				appendStringInfoChar(buf, '[');
				for (j = 0; j < list[0]; j++)
				{
					int32		input = list[1 + 2 * j];
					int32		item = list[2 + 2 * j];

					if (j > 0)
						appendStringInfoChar(buf, ',');
					if (input == 0)
						appendStringInfo(buf, "%d", item);
					else
						appendStringInfo(buf, "{\"input\": %d, \"item\": %d}",
										 input, item);
				}
				appendStringInfoChar(buf, ']');
			}
		}
		appendStringInfoChar(buf, ']');
	}
	appendStringInfoChar(buf, '}');
}

Jsonb *
rr_pairing_jsonb(const RrPlanNode *node, const RrPairing *paired)
{
	StringInfoData buf;

	initStringInfo(&buf);
	rr_pairing_append_json(&buf, node, paired);
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* A journaled number as an int32 (the journal's own, so in range) */
static int32
journaled_int(const JsonbValue *v)
{
	return DatumGetInt32(DirectFunctionCall1(numeric_int4,
											 NumericGetDatum(v->val.numeric)));
}

/* A journaled source: n, or {"input": i, "item": n}; false if neither */
static bool
parse_source(JsonbValue *v, RrItemSource *source)
{
	JsonbValue *input;
	JsonbValue *item;

	source->input = 0;
	if (v->type == jbvNumeric)
	{
		source->item = journaled_int(v);
		return true;
	}
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		return false;
	input = getKeyJsonValueFromContainer(v->val.binary.data, "input", 5, NULL);
	item = getKeyJsonValueFromContainer(v->val.binary.data, "item", 4, NULL);
	if (input == NULL || item == NULL || input->type != jbvNumeric ||
		item->type != jbvNumeric)
		return false;
	source->input = journaled_int(input);
	source->item = journaled_int(item);
	return true;
}

/* The codes of one journaled output into run->paired[output] */
static void
parse_output(RrNodeRun *run, int output, JsonbContainer *codes)
{
	JsonbIterator *it = JsonbIteratorInit(codes);
	JsonbValue	v;
	JsonbIteratorToken token;

	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		RrItemSource source;

		if (token != WJB_ELEM)
			continue;
		if (v.type == jbvBinary && JsonContainerIsArray(v.val.binary.data))
		{
			JsonbIterator *inner = JsonbIteratorInit(v.val.binary.data);
			RrItemSource *sources;
			JsonbValue	w;
			int			n = 0;

			sources = palloc(sizeof(RrItemSource) *
							 Max(JsonContainerSize(v.val.binary.data), 1));
			while ((token = JsonbIteratorNext(&inner, &w, true)) != WJB_DONE)
			{
				if (token == WJB_ELEM && parse_source(&w, &sources[n]))
					n++;
			}
			rr_pairing_add_list(run, output, n, sources);
			pfree(sources);
		}
		else if (parse_source(&v, &source))
			rr_pairing_add(run, output, source.item);
		else
			rr_pairing_add(run, output, RR_PAIRED_NONE);
	}
}

RrPairing *
rr_pairing_from_jsonb(RrExecution *execution, const RrPlanNode *node,
					  Jsonb *paired, List **outputs)
{
	RrNodeRun	run;
	int			output;

	if (paired == NULL)
		return NULL;
	memset(&run, 0, sizeof(run));
	run.execution = execution;
	run.node = node;
	run.noutputs = node->noutputs;
	run.outputs = outputs;
	run.paired = MemoryContextAllocZero(execution->context,
										sizeof(RrPairing) * Max(node->noutputs, 1));
	for (output = 0; output < node->noutputs; output++)
	{
		const char *name = node->output_names[output];
		JsonbValue *codes = getKeyJsonValueFromContainer(&paired->root, name,
														 strlen(name), NULL);

		if (codes != NULL && codes->type == jbvBinary)
			parse_output(&run, output, codes->val.binary.data);
		else
			rr_pairing_positional(&run, output);
	}
	return run.paired;
}

/* ---------- Where input items came from ---------- */

/*
 * The step whose output delivered item *index of input input of a node
 * run, from the run's deliveries (delivered) in order (its output in
 * *output, *index its index there), or NULL.
 */
static RrStep *
delivered_by(const RrDelivery *delivered, int input, int *index, int *output)
{
	const RrDelivery *delivery;

	for (delivery = delivered; delivery != NULL; delivery = delivery->next)
	{
		int			count = list_length(delivery->items);

		if (delivery->input != input || count == 0)
			continue;
		if (*index < count)
		{
			*output = delivery->output;
			return delivery->from;
		}
		*index -= count;
	}
	return NULL;
}

/* ---------- The walk ---------- */

typedef enum WalkResult
{
	WALK_FOUND,					/* *found set (NULL: undefined) */
	WALK_NO_INFO,				/* an item came from no input item */
	WALK_INVALID,				/* a code points past a node's input items */
	WALK_NO_PATH,				/* reached a trigger, not the node */
	WALK_MULTIPLE				/* several distinct items */
} WalkResult;

typedef struct Walk
{
	RrExecution *execution;
	int			target;			/* the referenced node */
	const char *cause;			/* the node at which the walk failed */
	int			cause_item;		/* its item */
	int			found_index;	/* the item found: its index in its output */
} Walk;

/*
 * From item index of input input of a run of node node (which received
 * delivered) back to the item of the referenced node it descends from.
 */
static WalkResult
walk_back(Walk *walk, int node, const RrDelivery *delivered, int input,
		  int index, Jsonb **found)
{
	RrExecution *execution = walk->execution;
	RrPlan	   *plan = execution->plan;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	for (;;)
	{
		RrStep	   *step;
		int			output;
		int			from;
		const RrPairing *pairing;
		int32		code;
		int			asked = index;

		if (plan->nodes[node].is_trigger || input >= plan->nodes[node].ninputs)
		{
			walk->cause = plan->nodes[node].name;
			return WALK_NO_PATH;
		}
		step = delivered_by(delivered, input, &index, &output);
		if (step == NULL)
		{
			walk->cause = plan->nodes[node].name;
			walk->cause_item = asked;
			return WALK_INVALID;
		}
		from = step->node->index;
		if (from == walk->target)
		{
			*found = list_nth(step->outputs[output], index);
			walk->found_index = index;
			return WALK_FOUND;
		}

		pairing = step->paired ? &step->paired[output] : NULL;
		code = pairing_code(pairing, index);
		if (code == RR_PAIRED_NONE)
		{
			walk->cause = step->node->name;
			walk->cause_item = index;
			return WALK_NO_INFO;
		}
		if (code <= RR_PAIRED_LIST(0) &&
			pairing->lists[RR_PAIRED_LIST_AT(code)] == 1)
		{
			/* one item of another input than the first */
			const int32 *list = &pairing->lists[RR_PAIRED_LIST_AT(code)];

			node = from;
			delivered = step->delivered;
			input = list[1];
			index = list[2];
			continue;
		}
		if (code <= RR_PAIRED_LIST(0))
		{
			const int32 *list = &pairing->lists[RR_PAIRED_LIST_AT(code)];
			Jsonb	   *result = NULL;
			int			j;

			/* each path in turn; those that fail count for nothing */
			for (j = 0; j < list[0]; j++)
			{
				Walk		each = *walk;
				Jsonb	   *item = NULL;

				if (walk_back(&each, from, step->delivered, list[1 + 2 * j],
							  list[2 + 2 * j], &item) != WALK_FOUND ||
					item == NULL)
					continue;
				if (result != NULL && result != item)
				{
					walk->cause = step->node->name;
					walk->cause_item = index;
					return WALK_MULTIPLE;
				}
				result = item;
				walk->found_index = each.found_index;
			}
			*found = result;
			return WALK_FOUND;
		}
		node = from;
		delivered = step->delivered;
		input = 0;
		index = code;
	}
}

Jsonb *
rr_paired_item(RrExecution *execution, const RrPlanNode *current, int index,
			   const RrPlanNode *target, int *found_index)
{
	RrPlan	   *plan = execution->plan;
	Walk		walk;
	Jsonb	   *found = NULL;
	WalkResult	result;

	if (target == current ||
		!rr_plan_reaches(plan, target->index, current->index))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("No path back to referenced node"),
				 errdetail("Node \"%s\" does not lead to node \"%s\", so none of its items is paired with the items here.",
						   target->name, current->name),
				 errhint("Use $('%s').first(), .last() or .all() instead.",
						 target->name)));

	walk.execution = execution;
	walk.target = target->index;
	walk.cause = current->name;
	walk.cause_item = index;
	walk.found_index = -1;
	result = walk_back(&walk, current->index,
					   execution->states[current->index].delivered, 0, index,
					   &found);
	switch (result)
	{
		case WALK_FOUND:
			*found_index = walk.found_index;
			return found;
		case WALK_NO_INFO:
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("Info for expression missing from previous node"),
					 errdetail("Paired item data for item %d from node \"%s\" is unavailable: it came from no item of node \"%s\".",
							   walk.cause_item, walk.cause, target->name),
					 errhint("Use $('%s').first(), .last() or .all()[index] instead.",
							 target->name)));
			break;
		case WALK_INVALID:
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("Can't get data for expression"),
					 errdetail("Paired item data unavailable: node \"%s\" has no input item %d.",
							   walk.cause, walk.cause_item)));
			break;
		case WALK_NO_PATH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("No path back to referenced node"),
					 errdetail("Item %d here descends from no item of node \"%s\": its lineage ends at node \"%s\".",
							   index, target->name, walk.cause),
					 errhint("Use $('%s').first(), .last() or .all() instead.",
							 target->name)));
			break;
		case WALK_MULTIPLE:
			ereport(ERROR,
					(errcode(ERRCODE_CARDINALITY_VIOLATION),
					 errmsg("Multiple matching items for expression [item %d]",
							index),
					 errdetail("Multiple matches found: item %d of node \"%s\" came from several items that descend from different items of node \"%s\".",
							   walk.cause_item, walk.cause, target->name),
					 errhint("Use $('%s').first(), .last() or .all()[index] instead, or refer to a node before the items were combined.",
							 target->name)));
			break;
	}
	return NULL;				/* keep compiler quiet */
}
