/*-------------------------------------------------------------------------
 *
 * node_search_path.h
 *		The search_path node code runs with, and the check that no other
 *		role can put objects in its way.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_NODE_SEARCH_PATH_H
#define RR_NODE_SEARCH_PATH_H

#include "postgres.h"

/* Define reporunner.node_search_path (from _PG_init). */
extern void rr_node_search_path_init(void);

/* The search_path of node code (reporunner.node_search_path). */
extern const char *rr_node_search_path(void);

/*
 * Raise an ERROR (42501) if a schema of the node search_path, as it
 * resolves for owner, is owned by or open to CREATE for a role whose
 * objects the owner should not run: anyone but the owner, roles whose
 * privileges it has, superusers and the database's owner.
 */
extern void rr_check_node_search_path(Oid owner, const char *workflow);

#endif							/* RR_NODE_SEARCH_PATH_H */
