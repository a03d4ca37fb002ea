/*-------------------------------------------------------------------------
 *
 * graph_text.h
 *		A workflow drawn as text: the graph render() builds, and its
 *		Mermaid and Graphviz DOT writers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_GRAPH_TEXT_H
#define RR_GRAPH_TEXT_H

#include "postgres.h"

#include "nodes/pg_list.h"

typedef enum RrGraphFormat
{
	RR_GRAPH_MERMAID,
	RR_GRAPH_DOT
} RrGraphFormat;

/*
 * How a node or a connection is coloured: by a step status of an
 * execution, or by what a diff says of it.  RR_STATE_NONE draws it plain.
 */
typedef enum RrGraphState
{
	RR_STATE_NONE,
	RR_STATE_SUCCEEDED,
	RR_STATE_FAILED,
	RR_STATE_SKIPPED,
	RR_STATE_WAITING,
	RR_STATE_RETRYING,
	RR_STATE_RUNNING,
	RR_STATE_CANCELED,
	RR_STATE_NOT_RUN,
	RR_STATE_ADDED,
	RR_STATE_REMOVED,
	RR_STATE_CHANGED
} RrGraphState;

typedef struct RrGraphNode
{
	char	   *name;
	char	   *type;
	bool		disabled;
	RrGraphState state;
	List	   *lines;			/* further label lines (char *), unescaped */
} RrGraphNode;

typedef struct RrGraphEdge
{
	int			from;			/* index into the graph's nodes */
	int			to;
	char	   *output;			/* output name ("main" draws no label) */
	int			input;			/* input number (drawn into a merge) */
	RrGraphState state;
} RrGraphEdge;

typedef struct RrGraph
{
	char	   *title;
	List	   *nodes;			/* RrGraphNode *, in the document's order */
	List	   *edges;			/* RrGraphEdge * */
} RrGraph;

extern RrGraphState rr_graph_state(const char *name);
extern char *rr_graph_text(const RrGraph *graph, RrGraphFormat format);

#endif							/* RR_GRAPH_TEXT_H */
