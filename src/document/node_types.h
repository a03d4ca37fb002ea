/*-------------------------------------------------------------------------
 *
 * node_types.h
 *		Every node type, once.
 *
 * The validator's table of node types (src/document/node_schema.c) and
 * the executor's table of handlers (src/nodes/registry.c) are both built
 * from this list, so neither can miss a type or spell one differently: a
 * type listed here without its schema does not compile, without its
 * handler does not link.  Adding a node type is one line here, its
 * handler rr_node_<type> in src/nodes/<type>.c (and in the Makefile), and
 * its params as RR_SCHEMA_<type> in node_schema.c.
 *
 * Plain C; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_NODE_TYPES_H
#define RR_NODE_TYPES_H

#define RR_NODE_TYPES(X) \
	X(trigger) \
	X(set) \
	X(if) \
	X(switch) \
	X(filter) \
	X(merge) \
	X(split_out) \
	X(aggregate) \
	X(limit) \
	X(sort) \
	X(remove_duplicates) \
	X(noop) \
	X(stop_and_error) \
	X(sql) \
	X(function) \
	X(notify) \
	X(wait) \
	X(execute_workflow) \
	X(http) \
	X(connector) \
	X(rename_keys) \
	X(compare_datasets) \
	X(date_time) \
	X(ai_agent) \
	X(split_in_batches) \
	X(summarize)

#endif							/* RR_NODE_TYPES_H */
