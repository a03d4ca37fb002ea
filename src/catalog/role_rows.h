/*-------------------------------------------------------------------------
 *
 * role_rows.h
 *		The rows a role owns in Reporunner when the role goes away.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ROLE_ROWS_H
#define RR_ROLE_ROWS_H

#include "nodes/nodes.h"

/*
 * Refuse DROP ROLE of a role that owns rows in this database's Reporunner
 * (the module's ProcessUtility_hook calls it for every utility statement).
 */
extern void rr_role_rows_check_utility(Node *stmt);

#endif							/* RR_ROLE_ROWS_H */
