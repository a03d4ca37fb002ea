/*-------------------------------------------------------------------------
 *
 * render.c
 *		render(): a workflow version drawn as Mermaid or Graphviz DOT,
 *		plain, coloured by an execution's steps, or by a diff.
 *
 * Written in C rather than PL/pgSQL to reuse the catalog's own lookup:
 * the workflow is found as export_workflow() finds it (rr_workflow_get,
 * for those who may read its versions), and its document is read by
 * rr_workflow_definition, so an unknown workflow, another tenant's, or a
 * version that does not exist give the very same errors; a PL/pgSQL
 * function could not get at the workflow's id to check an execution
 * against.  The drawing itself is src/catalog/graph_text.c.
 *
 * The graph is the saved document: nodes in its order, connections in its
 * order.  With {"execution": id}, an execution of that workflow the caller
 * can see (row-level security), the version it ran is drawn and each node
 * gets the status of its last run, its item counts per output, its
 * duration and its error.  With {"diff": [from, to]}, the version "to" is
 * drawn with the rows of diff_versions() (src/catalog/diff.c) coloured,
 * and what "from" had and "to" has not drawn dashed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/diff.h"
#include "catalog/graph_text.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

PG_FUNCTION_INFO_V1(reporunner_render);

/* The nodes, then the connections, of document $1, in its order */
#define SQL_DOCUMENT_NODES \
	"SELECT name, n->>'type', coalesce((n->'disabled')::boolean, false)" \
	" FROM (" RR_SQL_DOCUMENT_NODES("$1") ") AS d ORDER BY ord"
#define SQL_DOCUMENT_EDGES \
	"SELECT from_node, output, to_node, input" \
	" FROM (" RR_SQL_DOCUMENT_EDGES("$1") ") AS d ORDER BY ord"

/*
 * The version execution $1 of workflow $2 (of owner $3) ran, if the caller
 * sees it
 */
#define SQL_EXECUTION_VERSION \
	"SELECT version FROM reporunner.execution" \
	" WHERE id = $1 AND workflow_id = $2 AND owner = $3"

/*
 * Per node of execution $1 (of owner $2): the status and error of its last run, how
 * many runs, its items per output ("3 items", "true: 2 items, false: 1
 * item") and the time its runs took.
 */
#define SQL_STEP_STATES \
	"SELECT g.node, g.status, g.runs," \
	" (SELECT string_agg(CASE WHEN o.key = 'main' THEN '' ELSE o.key || ': ' END" \
	"   || o.n || CASE WHEN o.n = 1 THEN ' item' ELSE ' items' END, ', '" \
	"   ORDER BY o.first)" \
	"  FROM (SELECT e.key, sum(jsonb_array_length(e.value)) AS n, min(e.ord) AS first" \
	"   FROM reporunner.step s, jsonb_each(s.output) WITH ORDINALITY AS e(key, value, ord)" \
	"   WHERE s.execution_id = $1 AND s.owner = $2 AND s.node = g.node" \
	"   AND jsonb_typeof(e.value) = 'array' GROUP BY e.key) AS o)," \
	" CASE WHEN g.ms < 1000 THEN round(g.ms) || ' ms'" \
	"  ELSE round(g.ms / 1000, 1) || ' s' END," \
	" g.error" \
	" FROM (SELECT s.node," \
	"  (array_agg(s.status ORDER BY s.run_index DESC, s.attempt DESC))[1] AS status," \
	"  count(*)::integer AS runs," \
	"  extract(epoch FROM sum(s.finished_at - s.started_at)) * 1000 AS ms," \
	"  (array_agg(s.error->>'message' ORDER BY s.run_index DESC, s.attempt DESC))[1] AS error" \
	"  FROM reporunner.step s WHERE s.execution_id = $1 AND s.owner = $2" \
	"  GROUP BY s.node) AS g"

/* Longest error message drawn, and the width of its lines, in bytes */
#define ERROR_LABEL_BYTES 160
#define LABEL_WIDTH 40

static SPIPlanPtr nodes_plan = NULL;
static SPIPlanPtr edges_plan = NULL;
static SPIPlanPtr execution_plan = NULL;
static SPIPlanPtr steps_plan = NULL;

typedef struct RenderOptions
{
	int32		version;		/* 0: the active one */
	int64		execution;		/* 0: none */
	int32		diff_from;		/* 0: no diff */
	int32		diff_to;
} RenderOptions;

/* A node name and its index in the graph, sorted by name for lookups */
typedef struct NodeIndex
{
	const char *name;
	int			index;
} NodeIndex;

/* The graph being loaded, in the caller's memory, and its name index */
typedef struct Loader
{
	RrGraph		graph;
	MemoryContext cxt;
	NodeIndex  *sorted;
	int			nsorted;
} Loader;

/*
 * A positive integer option (at most max), from a JSON number such as 2
 * or 2.0.
 */
static int64
option_id(const char *key, const JsonbValue *v, int64 max)
{
	if (v->type == jbvNumeric && !numeric_is_nan(v->val.numeric) &&
		!numeric_is_inf(v->val.numeric))
	{
		char	   *digits = numeric_normalize(v->val.numeric);
		int64		id;

		if (strspn(digits, "0123456789") == strlen(digits) &&
			strlen(digits) <= 18 && (id = strtoi64(digits, NULL, 10)) > 0 &&
			id <= max)
			return id;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("render option \"%s\" must be a positive integer", key),
			 errdetail("Versions and executions are numbered from 1.")));
	return 0;					/* keep compiler quiet */
}

/* {"diff": [from, to]} */
static void
option_diff(const JsonbValue *v, RenderOptions *opts)
{
	JsonbIterator *it;
	JsonbValue	element;
	JsonbIteratorToken token;
	int			n = 0;

	if (v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data) &&
		JsonContainerSize(v->val.binary.data) == 2)
	{
		it = JsonbIteratorInit(v->val.binary.data);
		while ((token = JsonbIteratorNext(&it, &element, true)) != WJB_DONE)
			if (token == WJB_ELEM && n++ == 0)
				opts->diff_from = option_id("diff", &element, PG_INT32_MAX);
			else if (token == WJB_ELEM)
				opts->diff_to = option_id("diff", &element, PG_INT32_MAX);
		return;
	}
	rr_invalid_parameter("render option \"diff\" must be an array of two versions",
						 "Pass the older and the newer version, such as {\"diff\": [1, 2]}.");
}

static void
parse_options(Jsonb *options, RenderOptions *opts)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	char	   *key = NULL;

	memset(opts, 0, sizeof(*opts));
	if (!JB_ROOT_IS_OBJECT(options))
		rr_invalid_parameter("render options must be a JSON object",
							 "Pass an object such as {\"execution\": 42}.");
	it = JsonbIteratorInit(&options->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (token == WJB_VALUE && strcmp(key, "version") == 0)
			opts->version = option_id(key, &v, PG_INT32_MAX);
		else if (token == WJB_VALUE && strcmp(key, "execution") == 0)
			opts->execution = option_id(key, &v, PG_INT64_MAX);
		else if (token == WJB_VALUE && strcmp(key, "diff") == 0)
			option_diff(&v, opts);
		else if (token == WJB_VALUE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown render option \"%s\"", key),
					 errhint("The options are \"version\", \"execution\" and \"diff\".")));
	}
	if (opts->diff_from != 0 && (opts->execution != 0 || opts->version != 0))
		rr_invalid_parameter("render option \"diff\" cannot be combined with \"version\" or \"execution\"",
							 "A diff draws the newer of its two versions.");
}

static RrGraphFormat
parse_format(const char *format)
{
	if (strcmp(format, "mermaid") == 0)
		return RR_GRAPH_MERMAID;
	if (strcmp(format, "dot") == 0)
		return RR_GRAPH_DOT;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown render format \"%s\"", format),
			 errhint("The supported formats are \"mermaid\" and \"dot\".")));
	return RR_GRAPH_MERMAID;	/* keep compiler quiet */
}

/* Column col of row of SPI's result as a string in the loader's memory */
static char *
get_text(Loader *loader, uint64 row, int col)
{
	char	   *value = SPI_getvalue(SPI_tuptable->vals[row],
									 SPI_tuptable->tupdesc, col);

	return value == NULL ? NULL : MemoryContextStrdup(loader->cxt, value);
}

static int
get_int(uint64 row, int col)
{
	bool		isnull;
	Datum		value = SPI_getbinval(SPI_tuptable->vals[row],
									  SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? 0 : DatumGetInt32(value);
}

static bool
get_bool(uint64 row, int col)
{
	bool		isnull;
	Datum		value = SPI_getbinval(SPI_tuptable->vals[row],
									  SPI_tuptable->tupdesc, col, &isnull);

	return !isnull && DatumGetBool(value);
}

static RrGraphNode *
add_node(Loader *loader, char *name, char *type, bool disabled,
		 RrGraphState state)
{
	MemoryContext old = MemoryContextSwitchTo(loader->cxt);
	RrGraphNode *node = palloc0(sizeof(RrGraphNode));

	node->name = name;
	node->type = type;
	node->disabled = disabled;
	node->state = state;
	loader->graph.nodes = lappend(loader->graph.nodes, node);
	MemoryContextSwitchTo(old);
	return node;
}

static void
add_line(Loader *loader, RrGraphNode *node, char *line)
{
	MemoryContext old = MemoryContextSwitchTo(loader->cxt);

	node->lines = lappend(node->lines, line);
	MemoryContextSwitchTo(old);
}

static int
compare_node_index(const void *a, const void *b)
{
	return strcmp(((const NodeIndex *) a)->name, ((const NodeIndex *) b)->name);
}

/* Sort the nodes' names for find_node, once every node is in */
static void
index_nodes(Loader *loader)
{
	ListCell   *lc;

	loader->nsorted = list_length(loader->graph.nodes);
	loader->sorted = MemoryContextAlloc(loader->cxt,
										sizeof(NodeIndex) * Max(loader->nsorted, 1));
	foreach(lc, loader->graph.nodes)
	{
		loader->sorted[foreach_current_index(lc)].name =
			((RrGraphNode *) lfirst(lc))->name;
		loader->sorted[foreach_current_index(lc)].index = foreach_current_index(lc);
	}
	qsort(loader->sorted, loader->nsorted, sizeof(NodeIndex), compare_node_index);
}

/* The index of the node called name, or -1 */
static int
find_node(Loader *loader, const char *name)
{
	NodeIndex	key;
	NodeIndex  *found;

	key.name = name;
	found = bsearch(&key, loader->sorted, loader->nsorted, sizeof(NodeIndex),
					compare_node_index);
	return found == NULL ? -1 : found->index;
}

static void
add_edge(Loader *loader, const char *from, char *output, const char *to,
		 int input, RrGraphState state)
{
	MemoryContext old = MemoryContextSwitchTo(loader->cxt);
	RrGraphEdge *edge = palloc0(sizeof(RrGraphEdge));

	edge->from = find_node(loader, from);
	edge->to = find_node(loader, to);
	if (edge->from < 0 || edge->to < 0)
		elog(ERROR, "connection from \"%s\" to \"%s\" names no node", from, to);
	edge->output = output;
	edge->input = input;
	edge->state = state;
	loader->graph.edges = lappend(loader->graph.edges, edge);
	MemoryContextSwitchTo(old);
}

/* Run a statement on document $1 */
static void
run_on_document(SPIPlanPtr *plan, const char *sql, Datum definition)
{
	Oid			argtypes[1] = {JSONBOID};

	rr_store_run_kept(plan, sql, 1, argtypes, &definition, NULL,
					  SPI_OK_SELECT);
}

/* The nodes of a document (still to be indexed) */
static void
load_nodes(Loader *loader, Datum definition)
{
	uint64		row;

	run_on_document(&nodes_plan, SQL_DOCUMENT_NODES, definition);
	for (row = 0; row < SPI_processed; row++)
		(void) add_node(loader, get_text(loader, row, 1),
						get_text(loader, row, 2), get_bool(row, 3),
						RR_STATE_NONE);
}

static void
load_edges(Loader *loader, Datum definition)
{
	uint64		row;

	run_on_document(&edges_plan, SQL_DOCUMENT_EDGES, definition);
	for (row = 0; row < SPI_processed; row++)
		add_edge(loader, get_text(loader, row, 1), get_text(loader, row, 2),
				 get_text(loader, row, 3), get_int(row, 4), RR_STATE_NONE);
}

/* The version execution id of the workflow ran; an error if not visible */
static int32
execution_version(const char *name, const RrWorkflowRef *ref, int64 id)
{
	Oid			argtypes[3] = {INT8OID, INT8OID, OIDOID};
	Datum		values[3];

	values[0] = Int64GetDatum(id);
	values[1] = Int64GetDatum(ref->id);
	values[2] = ObjectIdGetDatum(ref->owner);
	rr_store_run_kept(&execution_plan, SQL_EXECUTION_VERSION, 3, argtypes,
					  values, NULL, SPI_OK_SELECT);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("execution " INT64_FORMAT " of workflow \"%s\" does not exist",
						id, name)));
	return get_int(0, 1);
}

/*
 * Add text as lines of at most LABEL_WIDTH bytes: at its own line breaks,
 * then at spaces (or, in a longer word, at a character boundary).
 */
static void
add_wrapped(Loader *loader, RrGraphNode *node, const char *text)
{
	while (*text)
	{
		int			len = strcspn(text, "\n");
		int			cut = len;

		if (len > LABEL_WIDTH)
		{
			for (cut = LABEL_WIDTH; cut > 0 && text[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = pg_mbcliplen(text, len, LABEL_WIDTH);
		}
		add_line(loader, node, pnstrdup(text, cut));
		text += cut;
		if (*text == '\n')
			text++;
		while (*text == ' ')
			text++;
	}
}

/*
 * A step's error message as drawn: without the "workflow ... failed at
 * node ...: " the executor puts before it (the box says so already), and
 * cut to ERROR_LABEL_BYTES.
 */
static char *
error_label(const char *workflow, const char *node, const char *message)
{
	char	   *prefix = psprintf("workflow \"%s\" failed at node \"%s\": ",
								  workflow, node);
	int			len;
	int			cut;

	if (strncmp(message, prefix, strlen(prefix)) == 0)
		message += strlen(prefix);
	len = strlen(message);
	cut = pg_mbcliplen(message, len, ERROR_LABEL_BYTES);
	return psprintf("error: %.*s%s", cut, message, cut < len ? "..." : "");
}

/* Colour and label every node by its steps in execution id of owner */
static void
mark_steps(Loader *loader, int64 id, Oid owner)
{
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	uint64		row;
	ListCell   *lc;
	MemoryContext old;

	values[0] = Int64GetDatum(id);
	values[1] = ObjectIdGetDatum(owner);
	rr_store_run_kept(&steps_plan, SQL_STEP_STATES, 2, argtypes, values,
					  NULL, SPI_OK_SELECT);

	/* the labels are drawn after SPI is done */
	old = MemoryContextSwitchTo(loader->cxt);
	foreach(lc, loader->graph.nodes)
		((RrGraphNode *) lfirst(lc))->state = RR_STATE_NOT_RUN;
	for (row = 0; row < SPI_processed; row++)
	{
		int			index = find_node(loader, get_text(loader, row, 1));
		char	   *status = get_text(loader, row, 2);
		int			runs = get_int(row, 3);
		char	   *items = get_text(loader, row, 4);
		char	   *duration = get_text(loader, row, 5);
		char	   *error = get_text(loader, row, 6);
		RrGraphNode *node;

		if (index < 0)
			continue;			/* not a node of this version: cannot be */
		node = list_nth(loader->graph.nodes, index);
		node->state = rr_graph_state(status);
		add_line(loader, node, runs > 1 ?
				 psprintf("%s, %d runs", status, runs) : status);
		if (items != NULL || duration != NULL)
			add_line(loader, node,
					 psprintf("%s%s%s", items ? items : "",
							  items && duration ? ", " : "",
							  duration ? duration : ""));
		if (error != NULL)
			add_wrapped(loader, node,
						error_label(loader->graph.title, node->name, error));
	}
	foreach(lc, loader->graph.nodes)
	{
		RrGraphNode *node = lfirst(lc);

		if (node->state == RR_STATE_NOT_RUN)
			add_line(loader, node, "not run");
	}
	MemoryContextSwitchTo(old);
}

/* A connection diff_versions() lists, kept while the edges load */
typedef struct EdgeChange
{
	RrGraphState state;
	char	   *from;
	char	   *output;
	char	   *to;
	int			input;
} EdgeChange;

/*
 * Colour the nodes the diff from old_definition lists, add the removed
 * ones, and return its connections (EdgeChange *) for mark_edges.
 */
static List *
mark_diff(Loader *loader, Datum old_definition, Datum new_definition)
{
	List	   *changes = NIL;
	uint64		row;
	MemoryContext old;

	rr_diff_run(old_definition, new_definition);
	index_nodes(loader);
	old = MemoryContextSwitchTo(loader->cxt);
	for (row = 0; row < SPI_processed; row++)
	{
		RrGraphState state = rr_graph_state(get_text(loader, row, 1));
		char	   *what = get_text(loader, row, 2);

		if (strcmp(what, "node") == 0 && state == RR_STATE_REMOVED)
			(void) add_node(loader, get_text(loader, row, 3),
							get_text(loader, row, 5), get_bool(row, 6), state);
		else if (strcmp(what, "node") == 0)
			((RrGraphNode *) list_nth(loader->graph.nodes,
									  find_node(loader, get_text(loader, row, 3))))->state = state;
		else
		{
			EdgeChange *change = palloc(sizeof(EdgeChange));

			change->state = state;
			change->from = get_text(loader, row, 7);
			change->output = get_text(loader, row, 8);
			change->to = get_text(loader, row, 9);
			change->input = get_int(row, 10);
			changes = lappend(changes, change);
		}
	}
	MemoryContextSwitchTo(old);
	return changes;
}

/* Colour the added connections; add the removed ones */
static void
mark_edges(Loader *loader, List *changes)
{
	ListCell   *lc;

	foreach(lc, changes)
	{
		EdgeChange *change = lfirst(lc);
		int			from = find_node(loader, change->from);
		int			to = find_node(loader, change->to);
		ListCell   *ec;

		if (change->state == RR_STATE_REMOVED)
		{
			add_edge(loader, change->from, change->output, change->to,
					 change->input, change->state);
			continue;
		}
		foreach(ec, loader->graph.edges)
		{
			RrGraphEdge *edge = lfirst(ec);

			if (edge->from == from && edge->to == to &&
				edge->input == change->input &&
				strcmp(edge->output, change->output) == 0)
				edge->state = change->state;
		}
	}
}

Datum
reporunner_render(PG_FUNCTION_ARGS)
{
	char	   *name;
	RrGraphFormat format;
	RenderOptions opts;
	RrWorkflowRef ref;
	Loader		loader;
	int32		version;
	Datum		definition;
	List	   *edge_changes = NIL;
	int			nestlevel;

	name = rr_workflow_name_arg(fcinfo, 0);
	format = parse_format(PG_ARGISNULL(1) ? "mermaid" :
						  text_to_cstring(PG_GETARG_TEXT_PP(1)));
	if (PG_ARGISNULL(2))
		memset(&opts, 0, sizeof(opts));
	else
		parse_options(PG_GETARG_JSONB_P(2), &opts);

	memset(&loader, 0, sizeof(loader));
	loader.cxt = CurrentMemoryContext;
	loader.graph.title = name;

	nestlevel = rr_store_begin();
	rr_workflow_get(name, RR_WORKFLOW_MANAGE, InvalidOid, &ref);
	version = opts.diff_to != 0 ? opts.diff_to : opts.version;
	if (opts.execution != 0)
	{
		int32		ran = execution_version(name, &ref, opts.execution);

		if (version != 0 && version != ran)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("execution " INT64_FORMAT " ran version %d of workflow \"%s\", not version %d",
							opts.execution, ran, name, version),
					 errhint("Leave out \"version\": an execution is drawn on the version it ran.")));
		version = ran;
	}
	if (version == 0 && ref.active_version == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("workflow \"%s\" has no active version", name),
				 errhint("Pass {\"version\": n}, or activate one with reporunner.activate_version().")));
	if (version == 0)
		version = ref.active_version;

	definition = rr_workflow_definition(name, &ref, version);
	load_nodes(&loader, definition);
	if (opts.diff_from != 0)
		edge_changes = mark_diff(&loader,
								 rr_workflow_definition(name, &ref, opts.diff_from),
								 definition);
	index_nodes(&loader);
	load_edges(&loader, definition);
	mark_edges(&loader, edge_changes);
	if (opts.execution != 0)
		mark_steps(&loader, opts.execution, ref.owner);
	rr_store_end(nestlevel);

	PG_RETURN_TEXT_P(cstring_to_text(rr_graph_text(&loader.graph, format)));
}
