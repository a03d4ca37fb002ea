/*-------------------------------------------------------------------------
 *
 * worker.c
 *		A worker: runs the queued executions of one database, then exits.
 *
 * The launcher starts a worker with the OID of a database.  The worker
 * connects to it as the bootstrap superuser (the engine runs each
 * workflow as its owner), exits at once when the database does not have
 * the extension, and otherwise calls rr_queue_work() while that reports
 * more work.  It then waits for new work or a due timer: a committed
 * start() sets its latch (it is noted in its slot as idle), and it looks
 * at its slot every RR_WORKER_POLL_MS anyway; it exits after
 * RR_WORKER_IDLE_MS without work:
 * no worker stays connected to an idle database, so DROP DATABASE (which
 * waits a few seconds for other sessions to leave) goes through.  On
 * Citus the queue's timer is never further than a second ahead
 * (src/engine/queue.c), so one worker stays and polls.
 *
 * With reporunner.workers_per_database 0 execution is paused: the launcher
 * starts no worker, and a worker leaves after its batch (within about
 * RR_WORKER_BATCH_MS), or at once when it waits for work.  Whatever is
 * queued, due or wanted meanwhile stays so, for the workers that start
 * once the setting is raised again.
 *
 * When its batch leaves more work, a worker asks the launcher for a helper
 * (up to reporunner.workers_per_database).  When the launcher could not
 * start a worker for a database that has none, for want of background
 * worker slots, one worker of a database that has several leaves after
 * its batch instead, giving its slot up.
 *
 * While it runs the queue, a worker holds a session lock on the extension
 * (the lock DROP EXTENSION takes first), so DROP EXTENSION waits for the
 * batch in progress; the worker then finds the extension gone and exits.
 *
 * At its start, a worker of a database that has NOTIFY triggers and no
 * listener asks for one: so the listener comes back after a restart, and
 * after it failed.
 *
 * A worker that exits with an error (its tables were dropped under it, it
 * was terminated, rr_queue_work failed) sets its database's timer
 * RR_WORKER_RETRY_MS ahead, so that what it left is picked up again
 * without starting workers in a tight loop.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_extension.h"
#include "catalog/run_as.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "worker/slots.h"
#include "worker/worker.h"

/* How long one call of rr_queue_work may run, in milliseconds */
#define RR_WORKER_BATCH_MS		1000

/* How often an idle worker looks at its slot, besides being woken */
#define RR_WORKER_POLL_MS		200

/* How long a worker stays without work before it exits */
#define RR_WORKER_IDLE_MS		1000

/* Delay before a database is looked at again after a worker failed */
#define RR_WORKER_RETRY_MS		10000

/* Stop being reachable as an idle worker of the database. */
static void
rr_worker_leave_slot(void)
{
	RrDatabaseSlot *slot;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_find(MyDatabaseId);
	if (slot != NULL)
		rr_slot_set_idle(slot, MyProc, false);
	LWLockRelease(rr_worker_shared->lock);
}

/*
 * before_shmem_exit callback: the worker is no longer an idle worker of its
 * database, and after an error exit the database is looked at again in a
 * while.  The lock is never held where an error can happen, so it can be
 * taken here.
 */
static void
rr_worker_on_exit(int code, Datum arg)
{
	rr_worker_leave_slot();
	if (code == 0)
		return;
	rr_slots_set_next_wake(MyDatabaseId,
						   TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   RR_WORKER_RETRY_MS));
}

/*
 * Lock the extension of the current database for the session, so that a
 * DROP EXTENSION waits for the work in progress instead of deadlocking
 * with it (DROP EXTENSION locks the extension before its tables; the
 * engine locks the tables only).  Returns the extension's OID, or
 * InvalidOid, locking nothing, when the database does not have it, or no
 * longer has it once the lock is granted.
 */
static Oid
rr_worker_lock_extension(void)
{
	Oid			extoid;
	LOCKTAG		tag;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();

	extoid = get_extension_oid("reporunner", true);
	if (OidIsValid(extoid))
	{
		SET_LOCKTAG_OBJECT(tag, MyDatabaseId, ExtensionRelationId, extoid, 0);
		(void) LockAcquire(&tag, AccessShareLock, true, false);

		/* look again, seeing what committed while the lock was waited for */
		AcceptInvalidationMessages();
		InvalidateCatalogSnapshot();
		if (get_extension_oid("reporunner", true) != extoid)
		{
			LockRelease(&tag, AccessShareLock, true);
			extoid = InvalidOid;
		}
	}

	CommitTransactionCommand();
	return extoid;
}

/* Release the lock taken by rr_worker_lock_extension(). */
static void
rr_worker_unlock_extension(Oid extoid)
{
	LOCKTAG		tag;

	SET_LOCKTAG_OBJECT(tag, MyDatabaseId, ExtensionRelationId, extoid, 0);
	/* an aborted transaction in the batch has released it already */
	if (LockHeldByMe(&tag, AccessShareLock))
		LockRelease(&tag, AccessShareLock, true);
}

/*
 * Take the wake-up of the database, if any: true when its slot was wanted
 * or its timer is due, which this worker now answers for.  Otherwise
 * return the timer (0 = none) in *next_wake.
 */
static bool
rr_worker_take_wake(TimestampTz now, TimestampTz *next_wake)
{
	RrDatabaseSlot *slot;
	bool		take = false;

	*next_wake = 0;
	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_find(MyDatabaseId);
	if (slot != NULL)
	{
		if (slot->wanted)
		{
			slot->wanted = false;
			take = true;
		}
		if (slot->next_wake != 0 && slot->next_wake <= now)
		{
			slot->next_wake = 0;
			take = true;
		}
		*next_wake = slot->next_wake;
		/* waiting from now on: a wake-up sets our latch directly */
		rr_slot_set_idle(slot, MyProc, !take);
	}
	LWLockRelease(rr_worker_shared->lock);
	return take;
}

/*
 * There is more work than this worker does right away: ask the launcher
 * for another worker, if the database may have one more.
 */
static void
rr_worker_ask_for_help(void)
{
	RrDatabaseSlot *slot;
	PGPROC	   *launcher = NULL;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_find(MyDatabaseId);
	if (slot != NULL && !slot->wanted &&
		slot->nworkers < rr_workers_per_database)
	{
		slot->wanted = true;
		launcher = rr_worker_shared->launcher;
	}
	LWLockRelease(rr_worker_shared->lock);

	if (launcher != NULL)
		SetLatch(&launcher->procLatch);
}

/*
 * Whether background execution is paused (reporunner.workers_per_database
 * 0): then the worker leaves.  With more_work, the database is marked as
 * having work, which the launcher gives a worker once execution resumes.
 */
static bool
rr_worker_paused(bool more_work)
{
	RrDatabaseSlot *slot;

	if (rr_workers_per_database > 0)
		return false;
	if (more_work)
	{
		LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
		slot = rr_slot_find(MyDatabaseId);
		if (slot != NULL)
			slot->wanted = true;
		LWLockRelease(rr_worker_shared->lock);
	}
	return true;
}

/*
 * Whether to leave while there is more work, so that the background worker
 * slot goes to a database that has no worker: only when this database has
 * another worker, and only one worker each time the launcher asks.
 */
static bool
rr_worker_should_yield(void)
{
	RrDatabaseSlot *slot;
	bool		yield = false;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	if (rr_worker_shared->starved)
	{
		slot = rr_slot_find(MyDatabaseId);
		if (slot != NULL && slot->nworkers > 1)
		{
			rr_worker_shared->starved = false;
			yield = true;
		}
	}
	LWLockRelease(rr_worker_shared->lock);
	return yield;
}

/*
 * Main function of a worker; main_arg is the OID of its database.
 */
void
rr_worker_main(Datum main_arg)
{
	Oid			dboid = DatumGetObjectId(main_arg);
	MemoryContext work_context;
	bool		run = true;		/* the first pass always runs the queue */
	bool		first = true;
	TimestampTz idle_since = 0;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	/* as the bootstrap superuser; fails if the database was dropped */
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	/* pg_stat_activity says what it is; the query, what it runs */
	SetConfigOption("application_name", "reporunner worker", PGC_USERSET,
					PGC_S_SESSION);

	before_shmem_exit(rr_worker_on_exit, (Datum) 0);
	rr_run_as_worker_process();

	work_context = AllocSetContextCreate(TopMemoryContext,
										 "reporunner worker",
										 ALLOCSET_DEFAULT_SIZES);

	for (;;)
	{
		TimestampTz next_wake;
		MemoryContext oldcontext;
		Oid			extoid;

		CHECK_FOR_INTERRUPTS();

		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		if (!run)
		{
			TimestampTz now = GetCurrentTimestamp();
			long		wait_ms = RR_WORKER_POLL_MS;

			/* a wake-up not taken stays for the workers after the pause */
			if (rr_worker_paused(false))
				break;
			run = rr_worker_take_wake(now, &next_wake);
			if (!run)
			{
				if (TimestampDifferenceExceeds(idle_since, now,
											   RR_WORKER_IDLE_MS))
					break;
				if (next_wake != 0)
					wait_ms = Min(wait_ms,
								  TimestampDifferenceMilliseconds(now, next_wake));

				(void) WaitLatch(MyLatch,
								 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
								 wait_ms,
								 PG_WAIT_EXTENSION);
				ResetLatch(MyLatch);
				continue;
			}
		}

		/* without the extension (or once it is dropped), leave */
		pgstat_report_activity(STATE_RUNNING,
							   "reporunner: looking for queued executions");
		extoid = rr_worker_lock_extension();
		if (!OidIsValid(extoid))
			break;

		/* a database with NOTIFY triggers needs its listener */
		if (first && !rr_listener_running(MyDatabaseId) && rr_notify_registered())
			rr_listener_request(MyDatabaseId);
		first = false;

		/* no transaction is open here: rr_queue_work commits as it goes */
		oldcontext = MemoryContextSwitchTo(work_context);
		run = rr_queue_work(RR_WORKER_BATCH_MS, &next_wake);
		MemoryContextSwitchTo(oldcontext);
		MemoryContextReset(work_context);

		rr_worker_unlock_extension(extoid);
		pgstat_report_stat(false);

		rr_slots_set_next_wake(MyDatabaseId, next_wake);
		if (run)
		{
			if (rr_worker_paused(true) || rr_worker_should_yield())
				break;
			rr_worker_ask_for_help();
		}
		else
		{
			idle_since = GetCurrentTimestamp();
			pgstat_report_activity(STATE_IDLE, NULL);
		}
	}

	proc_exit(0);
}
