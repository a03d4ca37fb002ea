/*-------------------------------------------------------------------------
 *
 * registry.c
 *		The list of node types the executor knows.
 *
 * The types are those of src/document/node_types.h, each with its
 * handler rr_node_<type> in src/nodes/<type>.c; the validator's schema of
 * the same types is src/document/node_schema.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "document/node_types.h"
#include "engine/node_handler.h"

#define RR_HANDLER_DECLARE(type) extern const RrNodeHandler rr_node_##type;
RR_NODE_TYPES(RR_HANDLER_DECLARE)

/* The handler of each type, named as in the list */
typedef struct NodeHandlerEntry
{
	const char *name;
	const RrNodeHandler *handler;
} NodeHandlerEntry;

#define RR_HANDLER_ENTRY(type) {#type, &rr_node_##type},

static const NodeHandlerEntry node_handlers[] = {
	RR_NODE_TYPES(RR_HANDLER_ENTRY)
};

const RrNodeHandler *
rr_node_handler_lookup(const char *name)
{
	int			i;

	for (i = 0; i < lengthof(node_handlers); i++)
	{
		if (strcmp(node_handlers[i].name, name) == 0)
			return node_handlers[i].handler;
	}
	return NULL;
}
