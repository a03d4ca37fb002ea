/*-------------------------------------------------------------------------
 *
 * wake.c
 *		Wake the background workers when a transaction that queued work
 *		commits.
 *
 * start() queues an execution in the caller's transaction and calls
 * rr_worker_wake_at_commit().  Nothing is signalled then: the queued row
 * is not visible to a worker before the commit.  A transaction callback
 * marks the database's slot wanted and sets the launcher's latch once,
 * at commit, however many executions the transaction queued; an aborted
 * transaction wakes nobody.  A transaction that made or removed NOTIFY
 * triggers wakes the database's NOTIFY listener the same way.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "worker/slots.h"
#include "worker/worker.h"

/* Whether the current transaction queued work */
static bool wake_pending = false;

/* Whether the current transaction changed NOTIFY triggers */
static bool listener_pending = false;

/* Whether rr_wake_xact_callback is registered in this process */
static bool callback_registered = false;

static void
rr_wake_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_PREPARE:

			/*
			 * A prepared transaction is committed later by COMMIT PREPARED,
			 * which runs no callback of ours: its work would never be
			 * woken for.
			 */
			if (wake_pending)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot PREPARE a transaction that has queued background work")));
			break;
		case XACT_EVENT_COMMIT:
			if (wake_pending)
			{
				wake_pending = false;
				rr_slots_wake(MyDatabaseId);
			}
			if (listener_pending)
			{
				listener_pending = false;
				rr_listener_request(MyDatabaseId);
			}
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			wake_pending = false;
			listener_pending = false;
			break;
		default:
			break;
	}
}

static void
rr_wake_register_callback(void)
{
	if (!callback_registered)
	{
		RegisterXactCallback(rr_wake_xact_callback, NULL);
		callback_registered = true;
	}
}

/*
 * Make sure a worker of the current database runs soon after the current
 * transaction commits.
 */
void
rr_worker_wake_at_commit(void)
{
	if (!rr_workers_enabled())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("background workers are not running"),
				 errhint("Add reporunner to shared_preload_libraries and restart the server.")));

	rr_wake_register_callback();
	wake_pending = true;
}

/*
 * Make sure the NOTIFY listener of the current database reads its triggers
 * again soon after the current transaction commits.  A prepared
 * transaction wakes nobody: it cannot make a trigger (that asks for a
 * worker, above), and a removal is seen at the listener's next periodic
 * read.
 */
void
rr_listener_wake_at_commit(void)
{
	if (!rr_workers_enabled())
		return;
	rr_wake_register_callback();
	listener_pending = true;
}
