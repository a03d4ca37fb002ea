/*-------------------------------------------------------------------------
 *
 * node_guard.h
 *		What node code may not do to the session it runs in.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_NODE_GUARD_H
#define RR_NODE_GUARD_H

#include "nodes/nodes.h"

/* Install the hooks (from _PG_init). */
extern void rr_node_guard_init(void);

/* Refuse a utility statement node code may not run (ProcessUtility_hook). */
extern void rr_node_guard_check_utility(Node *stmt);

/*
 * Node code starts or stops running (the executor's owner scope).  Scopes
 * nest; rr_node_guard_depth and rr_node_guard_reset let the executor put
 * the depth back after an error.
 */
extern void rr_node_guard_enter(void);
extern void rr_node_guard_leave(void);
extern int	rr_node_guard_depth(void);
extern void rr_node_guard_reset(int depth);

#endif							/* RR_NODE_GUARD_H */
