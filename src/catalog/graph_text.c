/*-------------------------------------------------------------------------
 *
 * graph_text.c
 *		Writing a workflow graph as a Mermaid flowchart or Graphviz DOT.
 *
 * Names come from users and may hold anything: quotes, brackets, '#',
 * newlines, non-ASCII.  Mermaid node ids are generated (n0, n1, ...) and
 * every label is quoted, with Mermaid's entity codes for the characters
 * its parser or its HTML labels would take as syntax; DOT ids are the
 * names, quoted, with '"' and '\' escaped, and labels use DOT's "\n" line
 * breaks and '&amp;' (Graphviz reads entities in plain labels too).
 *
 * The graph is built by src/catalog/render.c; nothing here reads tables.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/graph_text.h"
#include "lib/stringinfo.h"

typedef struct StateStyle
{
	const char *name;			/* also the Mermaid class name */
	const char *fill;
	const char *border;
	bool		dashed;
} StateStyle;

static const StateStyle state_styles[] = {
	[RR_STATE_NONE] = {NULL, NULL, NULL, false},
	[RR_STATE_SUCCEEDED] = {"succeeded", "#d4f7d4", "#2e7d32", false},
	[RR_STATE_FAILED] = {"failed", "#fde0e0", "#c62828", false},
	[RR_STATE_SKIPPED] = {"skipped", "#eeeeee", "#9e9e9e", false},
	[RR_STATE_WAITING] = {"waiting", "#dbeafe", "#1d4ed8", false},
	[RR_STATE_RETRYING] = {"retrying", "#ffe6cc", "#c05621", false},
	[RR_STATE_RUNNING] = {"running", "#fff9c4", "#b7791f", false},
	[RR_STATE_CANCELED] = {"canceled", "#eeeeee", "#616161", false},
	[RR_STATE_NOT_RUN] = {"not_run", "#ffffff", "#bdbdbd", false},
	[RR_STATE_ADDED] = {"added", "#d4f7d4", "#2e7d32", false},
	[RR_STATE_REMOVED] = {"removed", "#fde0e0", "#c62828", true},
	[RR_STATE_CHANGED] = {"changed", "#fff1c1", "#b7791f", false},
};

#define NUM_STATES lengthof(state_styles)

RrGraphState
rr_graph_state(const char *name)
{
	int			state;

	for (state = RR_STATE_NONE + 1; state < NUM_STATES; state++)
		if (strcmp(state_styles[state].name, name) == 0)
			return (RrGraphState) state;
	return RR_STATE_NONE;
}

/*
 * Append s for a quoted Mermaid label: entity codes for what Mermaid
 * would read as syntax or HTML, "<br/>" for a line break.
 */
static void
append_mermaid(StringInfo buf, const char *s)
{
	for (; *s; s++)
	{
		switch (*s)
		{
			case '"':
				appendStringInfoString(buf, "#quot;");
				break;
			case '#':
				appendStringInfoString(buf, "#35;");
				break;
			case '&':
				appendStringInfoString(buf, "#amp;");
				break;
			case '<':
				appendStringInfoString(buf, "#lt;");
				break;
			case '>':
				appendStringInfoString(buf, "#gt;");
				break;
			case '|':
				appendStringInfoString(buf, "#124;");
				break;
			case '`':
				appendStringInfoString(buf, "#96;");
				break;
			case '\n':
				appendStringInfoString(buf, "<br/>");
				break;
			case '\r':
				break;
			default:
				appendStringInfoChar(buf, (unsigned char) *s < ' ' ? ' ' : *s);
		}
	}
}

/* Append s for a quoted DOT id or label */
static void
append_dot(StringInfo buf, const char *s)
{
	for (; *s; s++)
	{
		switch (*s)
		{
			case '"':
				appendStringInfoString(buf, "\\\"");
				break;
			case '\\':
				appendStringInfoString(buf, "\\\\");
				break;
			case '&':
				appendStringInfoString(buf, "&amp;");
				break;
			case '\n':
				appendStringInfoString(buf, "\\n");
				break;
			case '\r':
				break;
			default:
				appendStringInfoChar(buf, (unsigned char) *s < ' ' ? ' ' : *s);
		}
	}
}

typedef void (*Escaper) (StringInfo buf, const char *s);

/* A node's label: name, type (and "disabled"), further lines */
static void
append_node_label(StringInfo buf, const RrGraphNode *node, Escaper escape,
				  const char *line_break)
{
	ListCell   *lc;

	escape(buf, node->name);
	appendStringInfoString(buf, line_break);
	escape(buf, node->type);
	if (node->disabled)
		appendStringInfoString(buf, " (disabled)");
	foreach(lc, node->lines)
	{
		appendStringInfoString(buf, line_break);
		escape(buf, (const char *) lfirst(lc));
	}
}

/*
 * An edge's label, or NULL for none: its output unless "main", and its
 * input number when it goes into a merge.
 */
static char *
edge_label(const RrGraph *graph, const RrGraphEdge *edge)
{
	const RrGraphNode *to = list_nth(graph->nodes, edge->to);
	bool		named = strcmp(edge->output, "main") != 0;

	if (strcmp(to->type, "merge") == 0)
		return named ? psprintf("%s, input %d", edge->output, edge->input) :
			psprintf("input %d", edge->input);
	return named ? edge->output : NULL;
}

static void
write_mermaid(StringInfo buf, const RrGraph *graph)
{
	ListCell   *lc;
	int			state;
	bool		any_disabled = false;

	appendStringInfoString(buf, "flowchart LR\n");
	foreach(lc, graph->nodes)
	{
		const RrGraphNode *node = lfirst(lc);

		appendStringInfo(buf, "    n%d[\"", foreach_current_index(lc));
		append_node_label(buf, node, append_mermaid, "<br/>");
		appendStringInfoString(buf, "\"]\n");
		any_disabled |= node->disabled;
	}
	foreach(lc, graph->edges)
	{
		const RrGraphEdge *edge = lfirst(lc);
		char	   *label = edge_label(graph, edge);

		appendStringInfo(buf, "    n%d %s", edge->from,
						 state_styles[edge->state].dashed ? "-.->" : "-->");
		if (label != NULL)
		{
			appendStringInfoString(buf, "|\"");
			append_mermaid(buf, label);
			appendStringInfoString(buf, "\"|");
		}
		appendStringInfo(buf, " n%d\n", edge->to);
	}

	/* the classes: disabled (dashed), then one per state drawn */
	if (any_disabled)
	{
		const char *sep = " ";

		appendStringInfoString(buf, "    classDef disabled stroke-dasharray:5 5\n    class");
		foreach(lc, graph->nodes)
		{
			if (!((const RrGraphNode *) lfirst(lc))->disabled)
				continue;
			appendStringInfo(buf, "%sn%d", sep, foreach_current_index(lc));
			sep = ",";
		}
		appendStringInfoString(buf, " disabled\n");
	}
	for (state = RR_STATE_NONE + 1; state < NUM_STATES; state++)
	{
		const StateStyle *style = &state_styles[state];
		const char *sep = " ";

		foreach(lc, graph->nodes)
		{
			if (((const RrGraphNode *) lfirst(lc))->state != state)
				continue;
			if (*sep == ' ')
				appendStringInfo(buf, "    classDef %s fill:%s,stroke:%s%s\n    class",
								 style->name, style->fill, style->border,
								 style->dashed ? ",stroke-dasharray:5 5" : "");
			appendStringInfo(buf, "%sn%d", sep, foreach_current_index(lc));
			sep = ",";
		}
		if (*sep == ',')
			appendStringInfo(buf, " %s\n", style->name);
	}
	foreach(lc, graph->edges)
	{
		const RrGraphEdge *edge = lfirst(lc);

		if (edge->state != RR_STATE_NONE)
			appendStringInfo(buf, "    linkStyle %d stroke:%s,stroke-width:2px\n",
							 foreach_current_index(lc),
							 state_styles[edge->state].border);
	}
}

static void
write_dot(StringInfo buf, const RrGraph *graph)
{
	ListCell   *lc;

	appendStringInfoString(buf, "digraph \"");
	append_dot(buf, graph->title);
	appendStringInfoString(buf, "\" {\n"
						   "\trankdir=LR;\n"
						   "\tnode [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#555555\", fontname=\"Helvetica\"];\n"
						   "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	foreach(lc, graph->nodes)
	{
		const RrGraphNode *node = lfirst(lc);
		const StateStyle *style = &state_styles[node->state];

		appendStringInfoString(buf, "\t\"");
		append_dot(buf, node->name);
		appendStringInfoString(buf, "\" [label=\"");
		append_node_label(buf, node, append_dot, "\\n");
		appendStringInfoChar(buf, '"');
		if (style->name != NULL)
			appendStringInfo(buf, ", fillcolor=\"%s\", color=\"%s\"",
							 style->fill, style->border);
		if (node->disabled || style->dashed)
			appendStringInfoString(buf, ", style=\"rounded,filled,dashed\"");
		appendStringInfoString(buf, "];\n");
	}
	foreach(lc, graph->edges)
	{
		const RrGraphEdge *edge = lfirst(lc);
		const StateStyle *style = &state_styles[edge->state];
		char	   *label = edge_label(graph, edge);
		const char *sep = " [";

		appendStringInfoString(buf, "\t\"");
		append_dot(buf, ((const RrGraphNode *) list_nth(graph->nodes, edge->from))->name);
		appendStringInfoString(buf, "\" -> \"");
		append_dot(buf, ((const RrGraphNode *) list_nth(graph->nodes, edge->to))->name);
		appendStringInfoChar(buf, '"');
		if (label != NULL)
		{
			appendStringInfoString(buf, " [label=\"");
			append_dot(buf, label);
			appendStringInfoChar(buf, '"');
			sep = ", ";
		}
		if (style->name != NULL)
		{
			appendStringInfo(buf, "%scolor=\"%s\", penwidth=2%s", sep,
							 style->border, style->dashed ? ", style=dashed" : "");
			sep = ", ";
		}
		appendStringInfoString(buf, *sep == ',' ? "];\n" : ";\n");
	}
	appendStringInfoString(buf, "}\n");
}

char *
rr_graph_text(const RrGraph *graph, RrGraphFormat format)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (format == RR_GRAPH_MERMAID)
		write_mermaid(&buf, graph);
	else
		write_dot(&buf, graph);
	return buf.data;
}
