/*-------------------------------------------------------------------------
 *
 * registry.c
 *		The list of node types the executor knows.
 *
 * Adding a node type: write src/nodes/<type>.c exporting one
 * RrNodeHandler, declare it below and add it to the table.  Its params are
 * described in src/document/node_schema.c, which the validator uses.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/node_handler.h"

extern const RrNodeHandler rr_node_trigger;
extern const RrNodeHandler rr_node_set;
extern const RrNodeHandler rr_node_if;
extern const RrNodeHandler rr_node_switch;
extern const RrNodeHandler rr_node_filter;
extern const RrNodeHandler rr_node_merge;
extern const RrNodeHandler rr_node_split_out;
extern const RrNodeHandler rr_node_aggregate;
extern const RrNodeHandler rr_node_limit;
extern const RrNodeHandler rr_node_sort;
extern const RrNodeHandler rr_node_remove_duplicates;
extern const RrNodeHandler rr_node_noop;
extern const RrNodeHandler rr_node_stop_and_error;
extern const RrNodeHandler rr_node_sql;
extern const RrNodeHandler rr_node_function;
extern const RrNodeHandler rr_node_notify;
extern const RrNodeHandler rr_node_wait;

static const RrNodeHandler *const node_handlers[] = {
	&rr_node_trigger,
	&rr_node_set,
	&rr_node_if,
	&rr_node_switch,
	&rr_node_filter,
	&rr_node_merge,
	&rr_node_split_out,
	&rr_node_aggregate,
	&rr_node_limit,
	&rr_node_sort,
	&rr_node_remove_duplicates,
	&rr_node_noop,
	&rr_node_stop_and_error,
	&rr_node_sql,
	&rr_node_function,
	&rr_node_notify,
	&rr_node_wait,
};

const RrNodeHandler *
rr_node_handler_lookup(const char *name)
{
	int			i;

	for (i = 0; i < lengthof(node_handlers); i++)
	{
		if (strcmp(node_handlers[i]->name, name) == 0)
			return node_handlers[i];
	}
	return NULL;
}
