/*-------------------------------------------------------------------------
 *
 * slots.c
 *		Shared memory of the background workers: one slot per database.
 *
 * The launcher, the workers and every backend that queues work share an
 * array of reporunner.max_databases slots (RrDatabaseSlot), protected by
 * one LWLock of the tranche "reporunner_workers".  Locking protocol:
 *
 *	- every field of every slot, and the launcher and overflowed fields,
 *	  are read and written only with the lock held; it is held exclusively
 *	  by anyone who changes something;
 *	- nworkers is changed only by the launcher, which starts the workers
 *	  and sees them exit; listener only by the NOTIFY listener itself,
 *	  which takes the place when it starts (a second listener of the same
 *	  database finds it taken and leaves) and gives it up when it exits;
 *	- nothing that may raise an ERROR runs with the lock held, so a
 *	  process exit callback may take it.
 *
 * A database gets a slot when work is queued in it (or, at start-up, to
 * be checked), or when its NOTIFY listener is asked for; a slot whose
 * database has nothing waiting, no timer, no worker and no listener is
 * idle and is given to the next database that needs one.  When
 * every slot is busy, the overflowed flag asks the launcher to visit every
 * database once a slot is free again, so no wake-up is lost for good.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "catalog/pg_authid.h"
#include "commands/dbcommands.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/shmem.h"
#include "utils/acl.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "worker/slots.h"
#include "worker/worker.h"

PG_FUNCTION_INFO_V1(reporunner_workers);

/* Name of the shared struct and of the LWLock tranche */
#define RR_SLOTS_NAME	"reporunner_workers"

/* Delay before a database is looked at again after its listener failed */
#define RR_LISTENER_RETRY_MS	10000

RrWorkerShared *rr_worker_shared = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static Size
rr_slots_size(void)
{
	return add_size(offsetof(RrWorkerShared, slots),
					mul_size(rr_max_databases, sizeof(RrDatabaseSlot)));
}

/*
 * shmem_request hook: ask for the slots and their lock.  They are created
 * or attached in rr_slots_shmem_startup().
 */
static void
rr_slots_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();

	RequestAddinShmemSpace(rr_slots_size());
	RequestNamedLWLockTranche(RR_SLOTS_NAME, 1);
}

/*
 * shmem_startup hook: create the slots, all unused, when the server starts
 * and after every crash.
 */
static void
rr_slots_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	rr_worker_shared = ShmemInitStruct(RR_SLOTS_NAME, rr_slots_size(), &found);
	if (!found)
	{
		memset(rr_worker_shared, 0, rr_slots_size());
		rr_worker_shared->lock = &(GetNamedLWLockTranche(RR_SLOTS_NAME))->lock;
		rr_worker_shared->nslots = rr_max_databases;
	}
	LWLockRelease(AddinShmemInitLock);
}

/* Called from rr_worker_init(), while shared_preload_libraries load. */
void
rr_slots_install_hooks(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = rr_slots_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = rr_slots_shmem_startup;
}

/* The slot of a database, or NULL.  The caller holds the lock. */
RrDatabaseSlot *
rr_slot_find(Oid dboid)
{
	int			i;

	for (i = 0; i < rr_worker_shared->nslots; i++)
	{
		if (rr_worker_shared->slots[i].dboid == dboid)
			return &rr_worker_shared->slots[i];
	}
	return NULL;
}

/* Whether a slot may be given to another database.  Lock held. */
bool
rr_slot_is_idle(RrDatabaseSlot *slot)
{
	return !slot->wanted && slot->next_wake == 0 && slot->nworkers == 0 &&
		!slot->listen_wanted && slot->listener == NULL;
}

/*
 * The slot of a database, given an unused or idle one if it has none yet;
 * NULL when every slot is busy.  The caller holds the lock exclusively.
 */
RrDatabaseSlot *
rr_slot_acquire(Oid dboid)
{
	RrDatabaseSlot *unused = NULL;
	RrDatabaseSlot *idle = NULL;
	RrDatabaseSlot *slot;
	int			i;

	for (i = 0; i < rr_worker_shared->nslots; i++)
	{
		slot = &rr_worker_shared->slots[i];
		if (slot->dboid == dboid)
			return slot;
		if (slot->dboid == InvalidOid)
		{
			if (unused == NULL)
				unused = slot;
		}
		else if (idle == NULL && rr_slot_is_idle(slot))
			idle = slot;
	}

	/* prefer a slot never used, so that the monitor keeps showing more */
	slot = (unused != NULL) ? unused : idle;
	if (slot != NULL)
	{
		slot->dboid = dboid;
		slot->wanted = false;
		slot->nworkers = 0;
		slot->next_wake = 0;
		slot->listen_wanted = false;
		slot->listener = NULL;
	}
	return slot;
}

/*
 * Mark a database as having work waiting and wake the launcher.  Takes the
 * lock; never raises an ERROR, so that it may run after a commit.
 */
void
rr_slots_wake(Oid dboid)
{
	RrDatabaseSlot *slot;
	PGPROC	   *launcher;
	PGPROC	   *idle[RR_IDLE_WORKERS];
	int			nidle = 0;
	int			i;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_acquire(dboid);
	if (slot != NULL)
	{
		slot->wanted = true;
		/* an idle worker of the database takes the work at once */
		for (i = 0; i < RR_IDLE_WORKERS; i++)
		{
			if (slot->idle[i] != NULL)
				idle[nidle++] = slot->idle[i];
		}
	}
	else
		rr_worker_shared->overflowed = true;
	launcher = rr_worker_shared->launcher;
	LWLockRelease(rr_worker_shared->lock);

	for (i = 0; i < nidle; i++)
		SetLatch(&idle[i]->procLatch);

	/*
	 * Setting the latch after releasing the lock is safe: if the launcher
	 * has just exited, some other process gets a spurious wake-up, which
	 * every latch user tolerates.
	 */
	if (launcher != NULL)
		SetLatch(&launcher->procLatch);
}

/*
 * Note that a worker of the slot's database waits for work (idle) or not.
 * The caller holds the lock.  When all places are taken the worker is not
 * noted; it then sees the work at its next poll.
 */
void
rr_slot_set_idle(RrDatabaseSlot *slot, PGPROC *proc, bool idle)
{
	int			i;
	int			free = -1;

	for (i = 0; i < RR_IDLE_WORKERS; i++)
	{
		if (slot->idle[i] == proc)
		{
			if (!idle)
				slot->idle[i] = NULL;
			return;
		}
		if (slot->idle[i] == NULL && free < 0)
			free = i;
	}
	if (idle && free >= 0)
		slot->idle[free] = proc;
}

/*
 * Record the earliest due timer of a database, keeping the earlier of the
 * one already recorded and next_wake (0 = none).  Takes the lock.
 */
void
rr_slots_set_next_wake(Oid dboid, TimestampTz next_wake)
{
	RrDatabaseSlot *slot;

	if (next_wake == 0)
		return;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_acquire(dboid);
	if (slot == NULL)
		rr_worker_shared->overflowed = true;
	else if (slot->next_wake == 0 || next_wake < slot->next_wake)
		slot->next_wake = next_wake;
	LWLockRelease(rr_worker_shared->lock);
}

/*
 * Ask for the NOTIFY listener of a database, whose NOTIFY triggers changed
 * or may exist: the listener that runs there reads them again, or the
 * launcher starts one.  Takes the lock; never raises an ERROR, so that it
 * may run after a commit.
 */
void
rr_listener_request(Oid dboid)
{
	RrDatabaseSlot *slot;
	PGPROC	   *wake;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_acquire(dboid);
	if (slot != NULL)
		slot->listen_wanted = true;
	else
		rr_worker_shared->overflowed = true;
	wake = (slot != NULL && slot->listener != NULL) ?
		slot->listener : rr_worker_shared->launcher;
	LWLockRelease(rr_worker_shared->lock);

	/* as in rr_slots_wake: a spurious wake-up is harmless */
	if (wake != NULL)
		SetLatch(&wake->procLatch);
}

/* Whether a NOTIFY listener runs in a database.  Takes the lock. */
bool
rr_listener_running(Oid dboid)
{
	RrDatabaseSlot *slot;
	bool		running;

	LWLockAcquire(rr_worker_shared->lock, LW_SHARED);
	slot = rr_slot_find(dboid);
	running = slot != NULL && slot->listener != NULL;
	LWLockRelease(rr_worker_shared->lock);
	return running;
}

/*
 * before_shmem_exit callback of the listener: its place is free, and after
 * an error exit its database is looked at again in a while (a worker that
 * starts there asks for a listener when the database has NOTIFY triggers).
 */
static void
rr_listener_on_exit(int code, Datum arg)
{
	RrDatabaseSlot *slot;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_find(MyDatabaseId);
	if (slot != NULL && slot->listener == MyProc)
		slot->listener = NULL;
	LWLockRelease(rr_worker_shared->lock);
	if (code != 0)
		rr_slots_set_next_wake(MyDatabaseId,
							   TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
														   RR_LISTENER_RETRY_MS));
}

bool
rr_listener_claim(void)
{
	RrDatabaseSlot *slot;
	bool		claimed = false;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_acquire(MyDatabaseId);
	if (slot != NULL && slot->listener == NULL)
	{
		slot->listener = MyProc;
		claimed = true;
	}
	LWLockRelease(rr_worker_shared->lock);
	if (claimed)
		before_shmem_exit(rr_listener_on_exit, (Datum) 0);
	return claimed;
}

bool
rr_listener_take_request(void)
{
	RrDatabaseSlot *slot;
	bool		requested = false;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_find(MyDatabaseId);
	if (slot != NULL)
	{
		requested = slot->listen_wanted;
		slot->listen_wanted = false;
	}
	LWLockRelease(rr_worker_shared->lock);
	return requested;
}

bool
rr_listener_leave(void)
{
	RrDatabaseSlot *slot;
	bool		leave = true;

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	slot = rr_slot_find(MyDatabaseId);
	if (slot != NULL && slot->listener == MyProc)
	{
		leave = !slot->listen_wanted;
		if (leave)
			slot->listener = NULL;
	}
	LWLockRelease(rr_worker_shared->lock);
	return leave;
}

/*
 * ProcessUtility check: DROP DATABASE waits for the other sessions of the
 * database to leave, and its NOTIFY listener (with its connection) would
 * stay.  When the caller may drop the database, the listener is stopped
 * first, as pg_terminate_backend() would stop it; if the DROP fails, a
 * worker brings it back after RR_LISTENER_RETRY_MS.
 */
void
rr_worker_check_utility(Node *stmt)
{
	Oid			dboid;
	RrDatabaseSlot *slot;
	int			pid = 0;

	if (!IsA(stmt, DropdbStmt) || !rr_workers_enabled())
		return;
	dboid = get_database_oid(((DropdbStmt *) stmt)->dbname, true);
	if (!OidIsValid(dboid) || !pg_database_ownercheck(dboid, GetUserId()))
		return;
	LWLockAcquire(rr_worker_shared->lock, LW_SHARED);
	slot = rr_slot_find(dboid);
	if (slot != NULL && slot->listener != NULL)
		pid = slot->listener->pid;
	LWLockRelease(rr_worker_shared->lock);
	if (pid != 0)
		(void) kill(pid, SIGTERM);
}

/*
 * reporunner_workers() returns one row per database slot in use: database
 * oid, wanted bool, workers int, next_wake timestamptz (NULL when none).
 * No rows when the workers are not enabled.  next_wake is the time of some
 * tenant's delayed execution, retry or wait: like pg_stat_statements,
 * only roles with the privileges of pg_read_all_stats see every database
 * and the times; others see their own database without them.
 */
Datum
reporunner_workers(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RrDatabaseSlot *copy;
	int			nslots;
	int			i;
	bool		see_all = has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS);

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != 4)
		elog(ERROR, "reporunner_workers must be declared with 4 result columns");

	if (!rr_workers_enabled())
		return (Datum) 0;

	/* copy the slots, so that nothing can fail with the lock held */
	nslots = rr_worker_shared->nslots;
	copy = palloc(mul_size(nslots, sizeof(RrDatabaseSlot)));
	LWLockAcquire(rr_worker_shared->lock, LW_SHARED);
	memcpy(copy, rr_worker_shared->slots, nslots * sizeof(RrDatabaseSlot));
	LWLockRelease(rr_worker_shared->lock);

	for (i = 0; i < nslots; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		if (copy[i].dboid == InvalidOid ||
			(!see_all && copy[i].dboid != MyDatabaseId))
			continue;
		values[0] = ObjectIdGetDatum(copy[i].dboid);
		values[1] = BoolGetDatum(copy[i].wanted);
		values[2] = Int32GetDatum(copy[i].nworkers);
		values[3] = TimestampTzGetDatum(copy[i].next_wake);
		nulls[3] = (copy[i].next_wake == 0 || !see_all);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	pfree(copy);

	return (Datum) 0;
}
