/*-------------------------------------------------------------------------
 *
 * node_guard.c
 *		What node code may not do to the session it runs in.
 *
 * Node code runs as the workflow's owner in a security-restricted
 * operation, which already forbids SET ROLE, temporary tables, LISTEN,
 * PREPARE and cursors WITH HOLD, and the executor undoes every setting a
 * node changes.  Two kinds of session state escape both, and would reach
 * the caller of execute() (a grantee, or the owner's own later work) or
 * outlive the execution in a background worker:
 *
 *	- SET CONSTRAINTS, which changes the constraint checking of the rest
 *	  of the caller's transaction;
 *	- session-level advisory locks (pg_advisory_lock(), its try and shared
 *	  forms, the unlocks, and pg_advisory_unlock_all(), which would also
 *	  drop the worker's own locks on the executions it runs).
 *
 * Both are refused while node code runs (feature_not_supported, 0A000):
 * SET CONSTRAINTS when the module's ProcessUtility_hook (src/reporunner.c)
 * asks (rr_node_guard_check_utility), the lock functions through
 * object_access_hook, which the executor calls (OAT_FUNCTION_EXECUTE) for
 * every function of an expression it sets up, built-in or not, in a node's
 * statement or in a function that statement calls.  (The function
 * manager's fmgr hooks would not do: built-in functions bypass them.)
 * Transaction-level advisory locks (pg_advisory_xact_lock() and friends)
 * remain, released with the transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/objectaccess.h"
#include "engine/node_guard.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/fmgroids.h"

/* Node code scopes open in this process, one inside the other. */
static int	guard_depth = 0;

static object_access_hook_type prev_object_access = NULL;

/* Whether a function takes or drops a session-level advisory lock. */
static bool
is_session_advisory_lock(Oid fn_oid)
{
	switch (fn_oid)
	{
		case F_PG_ADVISORY_LOCK_INT8:
		case F_PG_ADVISORY_LOCK_SHARED_INT8:
		case F_PG_TRY_ADVISORY_LOCK_INT8:
		case F_PG_TRY_ADVISORY_LOCK_SHARED_INT8:
		case F_PG_ADVISORY_UNLOCK_INT8:
		case F_PG_ADVISORY_UNLOCK_SHARED_INT8:
		case F_PG_ADVISORY_LOCK_INT4_INT4:
		case F_PG_ADVISORY_LOCK_SHARED_INT4_INT4:
		case F_PG_TRY_ADVISORY_LOCK_INT4_INT4:
		case F_PG_TRY_ADVISORY_LOCK_SHARED_INT4_INT4:
		case F_PG_ADVISORY_UNLOCK_INT4_INT4:
		case F_PG_ADVISORY_UNLOCK_SHARED_INT4_INT4:
		case F_PG_ADVISORY_UNLOCK_ALL:
			return true;
		default:
			return false;
	}
}

static void
guard_object_access(ObjectAccessType access, Oid classId, Oid objectId,
					int subId, void *arg)
{
	if (access == OAT_FUNCTION_EXECUTE && guard_depth > 0 &&
		is_session_advisory_lock(objectId))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("session-level advisory locks cannot be used in a workflow"),
				 errdetail("They would outlive the workflow, in its caller's session or in a background worker."),
				 errhint("Use pg_advisory_xact_lock() and its relatives, released when the transaction ends.")));
	if (prev_object_access != NULL)
		prev_object_access(access, classId, objectId, subId, arg);
}

void
rr_node_guard_check_utility(Node *stmt)
{
	if (guard_depth > 0 && IsA(stmt, ConstraintsSetStmt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("SET CONSTRAINTS cannot be used in a workflow"),
				 errdetail("It would change how the rest of the caller's transaction checks constraints.")));
}

void
rr_node_guard_init(void)
{
	prev_object_access = object_access_hook;
	object_access_hook = guard_object_access;
}

void
rr_node_guard_enter(void)
{
	guard_depth++;
}

void
rr_node_guard_leave(void)
{
	Assert(guard_depth > 0);
	guard_depth--;
}

int
rr_node_guard_depth(void)
{
	return guard_depth;
}

void
rr_node_guard_reset(int depth)
{
	guard_depth = depth;
}
