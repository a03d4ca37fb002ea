/*-------------------------------------------------------------------------
 *
 * owner_role.h
 *		The role an owner is on this node, on Citus worker nodes too.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_OWNER_ROLE_H
#define RR_OWNER_ROLE_H

#include "postgres.h"

/*
 * The role that owner (an owner as the tables hold it: a role's OID on
 * the coordinator) is on this node, to act as it or check its rights;
 * InvalidOid when no role of that name exists here.  owner itself on one
 * server and on the Citus coordinator.
 */
extern Oid	rr_owner_role(Oid owner);

/*
 * The reverse: the owner (its OID on the coordinator) that role, a role of
 * this node, is in the tables, as reporunner.current_owner() gives it;
 * InvalidOid when the role has no owner recorded.  role itself on one
 * server and on the Citus coordinator.
 */
extern Oid	rr_role_owner(Oid role);

/*
 * On the Citus coordinator, record owner's name for the worker nodes
 * (reporunner.owner_role) unless it is there already.  Nothing elsewhere.
 */
extern void rr_owner_role_register(Oid owner);

/*
 * Whether this node is a Citus worker node (looked up once per backend);
 * false on one server and on the coordinator.
 */
extern bool rr_owner_on_worker_node(void);

#endif							/* RR_OWNER_ROLE_H */
