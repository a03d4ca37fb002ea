/*-------------------------------------------------------------------------
 *
 * version_hold.h
 *		Executions and the workflow versions they run, kept consistent
 *		without a foreign key.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_VERSION_HOLD_H
#define RR_VERSION_HOLD_H

#include "postgres.h"

/*
 * Before an execution of version of workflow_id is written: keep the
 * workflow from being deleted until the transaction ends, and ERROR (40001)
 * when it was deleted already.  Without wait, ERROR (55P03) rather than
 * wait for a transaction deleting it: for a process another one waits for
 * outside the lock manager (the failed-call journal's worker, whose caller
 * may hold the lock in share mode while a deleter queues for it).  Nothing
 * on Citus (a foreign key there).
 */
extern void rr_version_hold(int64 workflow_id, int32 version, bool wait);

/*
 * The same, returning false instead of the 55P03 ERROR: for the processes
 * that serve every tenant (the webhook and NOTIFY listeners), which must
 * not wait on one tenant's transaction that deletes its workflow.
 */
extern bool rr_version_hold_try(int64 workflow_id, int32 version, bool wait);

#endif							/* RR_VERSION_HOLD_H */
