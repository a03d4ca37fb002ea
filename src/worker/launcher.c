/*-------------------------------------------------------------------------
 *
 * launcher.c
 *		The launcher: one background process that starts the workers.
 *
 * The launcher connects to no database (so it never holds up DROP
 * DATABASE); what it knows is in the slots (slots.c), beyond the handles
 * of the workers it started and the databases it has still to visit.  It
 * starts a worker for a database when the
 * database's slot is wanted (a transaction that queued work committed
 * there, or a worker asked for help) and fewer than
 * reporunner.workers_per_database workers run there, or when the slot's
 * timer is due and none runs there.  Otherwise it sleeps on its latch
 * until the earliest timer, a wake-up, or the exit of one of its workers
 * (it is their bgw_notify_pid).
 *
 * When it starts, after a server start, a crash or its own restart, it
 * visits every database that accepts connections (templates aside): it
 * marks them wanted, a few at a time.  The worker started there resumes
 * what was interrupted, or exits at once when the database does not have
 * the extension.  On a server with Citus it visits them all again every
 * RR_LAUNCHER_CITUS_VISIT_MS: a worker node gets the extension, and work,
 * from another node.
 *
 * It also starts the NOTIFY listener of a database whose slot asks for one
 * (listen_wanted) when none runs there and none it started is on its way;
 * the listener itself makes sure there is only one per database.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "reporunner.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "worker/slots.h"
#include "worker/worker.h"

/* Longest sleep of the launcher, in milliseconds */
#define RR_LAUNCHER_NAPTIME_MS		10000

/* Sleep before trying again to start a worker that could not start */
#define RR_LAUNCHER_RETRY_MS		1000

/*
 * Most databases visited at a time, and how long a worker started for a
 * visit counts as one (after that it has left, or found real work)
 */
#define RR_LAUNCHER_VISITS			4
#define RR_LAUNCHER_VISIT_MS		2000

/*
 * On a server with Citus, how often every database is visited again: a
 * worker node's extension is created by the coordinator (citus_add_node)
 * after the server started, and executions are queued there by other
 * nodes, which wake nobody on this one (src/engine/queue.c polls once
 * workers run)
 */
#define RR_LAUNCHER_CITUS_VISIT_MS	10000

/* Least time between two complaints about the same shortage */
#define RR_LAUNCHER_COMPLAIN_MS		60000

/* A worker the launcher started and has not yet seen exit */
typedef struct RrLaunchedWorker
{
	BackgroundWorkerHandle *handle;
	Oid			dboid;
	bool		listener;		/* a NOTIFY listener, not a worker */
	TimestampTz visit_until;	/* counts as a visit until then, or 0 */
} RrLaunchedWorker;

/* A database that needs a worker, in one pass of the launcher */
typedef struct RrToStart
{
	Oid			dboid;
	bool		first;			/* it has none */
} RrToStart;

/* Whether rr_worker_init() set the workers up in this server */
static bool workers_enabled = false;

/* State of the launcher process */
static RrLaunchedWorker *launched = NULL;
static int	nlaunched = 0;
static List *unvisited = NIL;	/* databases to visit */
static List *visiting = NIL;	/* databases wanted for a visit, no worker
								 * started yet */
static RrToStart *to_start = NULL;	/* scratch array, one entry per slot */
static TimestampTz complained_no_bgworker = 0;
static TimestampTz complained_no_slot = 0;

void
rr_worker_describe(BackgroundWorker *worker, const char *function,
				   const char *type, int restart_time, Datum arg,
				   pid_t notify_pid)
{
	memset(worker, 0, sizeof(*worker));
	worker->bgw_flags = BGWORKER_SHMEM_ACCESS |
		BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker->bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker->bgw_restart_time = restart_time;
	strlcpy(worker->bgw_library_name, "reporunner", BGW_MAXLEN);
	strlcpy(worker->bgw_function_name, function, BGW_MAXLEN);
	strlcpy(worker->bgw_name, type, BGW_MAXLEN);
	strlcpy(worker->bgw_type, type, BGW_MAXLEN);
	worker->bgw_main_arg = arg;
	worker->bgw_notify_pid = notify_pid;
}

/*
 * Called from _PG_init.  When the library is loaded by
 * shared_preload_libraries, ask for shared memory and register the
 * launcher; otherwise do nothing, and the workers stay disabled.
 */
void
rr_worker_init(void)
{
	BackgroundWorker worker;

	if (!process_shared_preload_libraries_in_progress || IsBinaryUpgrade)
		return;

	rr_slots_install_hooks();

	rr_worker_describe(&worker, "rr_launcher_main", "reporunner launcher", 1,
					   (Datum) 0, 0);
	RegisterBackgroundWorker(&worker);

	workers_enabled = true;
}

/* Whether the launcher was set up (the library is preloaded). */
bool
rr_workers_enabled(void)
{
	return workers_enabled;
}

/*
 * The databases a worker may connect to, read from pg_database (a shared
 * catalog, readable without a database).  To visit, templates are left
 * out: a worker connected to one, even briefly, makes CREATE DATABASE
 * fail.
 */
static List *
rr_launcher_databases(bool to_visit)
{
	MemoryContext resultcxt = CurrentMemoryContext;
	List	   *dbs = NIL;
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	(void) GetTransactionSnapshot();

	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);
		MemoryContext oldcxt;

		if (!db->datallowconn || (to_visit && db->datistemplate) ||
			database_is_invalid_form(db))
			continue;
		oldcxt = MemoryContextSwitchTo(resultcxt);
		dbs = lappend_oid(dbs, db->oid);
		MemoryContextSwitchTo(oldcxt);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);

	CommitTransactionCommand();
	return dbs;
}

/* before_shmem_exit callback: the launcher is gone. */
static void
rr_launcher_detach(int code, Datum arg)
{
	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	if (rr_worker_shared->launcher == MyProc)
		rr_worker_shared->launcher = NULL;
	LWLockRelease(rr_worker_shared->lock);
}

/*
 * Forget the workers and listeners that exited, giving the slots back the
 * count of their workers.
 */
static void
rr_launcher_reap(void)
{
	int			i = 0;

	while (i < nlaunched)
	{
		pid_t		pid;
		BgwHandleStatus status;

		status = GetBackgroundWorkerPid(launched[i].handle, &pid);
		if (status == BGWH_POSTMASTER_DIED)
			proc_exit(1);
		if (status != BGWH_STOPPED)
		{
			i++;
			continue;
		}

		if (!launched[i].listener)
		{
			RrDatabaseSlot *slot;

			LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
			slot = rr_slot_find(launched[i].dboid);
			if (slot != NULL && slot->nworkers > 0)
				slot->nworkers--;
			LWLockRelease(rr_worker_shared->lock);
		}

		pfree(launched[i].handle);
		launched[i] = launched[--nlaunched];
	}
}

/* Put every database among those to visit. */
static void
rr_launcher_visit_all(void)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	List	   *dbs = rr_launcher_databases(true);

	unvisited = list_concat_unique_oid(unvisited, dbs);
	list_free(dbs);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Mark the databases not visited yet wanted, a few at a time (so that
 * visits do not take every background worker slot after a restart) and as
 * far as database slots allow.  When a wake-up found no free database
 * slot, every database is visited again.
 */
static void
rr_launcher_visit_databases(void)
{
	Oid			marked[RR_LAUNCHER_VISITS];
	int			nmarked = 0;
	int			nvisiting = 0;
	bool		overflowed;
	bool		no_slot = false;
	TimestampTz now;
	MemoryContext oldcxt;
	ListCell   *lc;
	int			i;

	/* forget the visits whose wake-up a running worker took */
	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	overflowed = rr_worker_shared->overflowed;
	rr_worker_shared->overflowed = false;
	foreach(lc, visiting)
	{
		RrDatabaseSlot *slot = rr_slot_find(lfirst_oid(lc));

		if (slot == NULL || !slot->wanted)
			visiting = foreach_delete_current(visiting, lc);
	}
	LWLockRelease(rr_worker_shared->lock);

	if (overflowed)
		rr_launcher_visit_all();
	oldcxt = MemoryContextSwitchTo(TopMemoryContext);

	nvisiting = list_length(visiting);
	now = GetCurrentTimestamp();
	for (i = 0; i < nlaunched; i++)
	{
		if (launched[i].visit_until > now)
			nvisiting++;
	}

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	foreach(lc, unvisited)
	{
		RrDatabaseSlot *slot;

		if (nvisiting + nmarked >= RR_LAUNCHER_VISITS)
			break;
		slot = rr_slot_acquire(lfirst_oid(lc));
		if (slot == NULL)
		{
			no_slot = true;
			break;
		}
		if (!slot->wanted)
		{
			slot->wanted = true;
			marked[nmarked++] = slot->dboid;
		}
		unvisited = foreach_delete_current(unvisited, lc);
	}
	LWLockRelease(rr_worker_shared->lock);

	for (i = 0; i < nmarked; i++)
		visiting = lappend_oid(visiting, marked[i]);
	MemoryContextSwitchTo(oldcxt);

	if (no_slot && rr_due_now(&complained_no_slot, RR_LAUNCHER_COMPLAIN_MS))
		ereport(WARNING,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("more databases have background work than reporunner.max_databases allows"),
				 errdetail("%d databases wait for a free slot.",
						   list_length(unvisited)),
				 errhint("Consider increasing the configuration parameter \"reporunner.max_databases\".")));
}

/*
 * Register a worker, or a NOTIFY listener, for a database.  False when no
 * background worker slot is free.
 */
static bool
rr_launcher_start_worker(Oid dboid, bool listener)
{
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	MemoryContext oldcxt;
	bool		started;
	const char *type = listener ? "reporunner listener" : "reporunner worker";

	if (nlaunched >= max_worker_processes)
		return false;

	rr_worker_describe(&worker, listener ? "rr_listener_main" : "rr_worker_main",
					   type, BGW_NEVER_RESTART, ObjectIdGetDatum(dboid),
					   MyProcPid);
	snprintf(worker.bgw_name, BGW_MAXLEN, "%s for database %u", type, dboid);

	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	started = RegisterDynamicBackgroundWorker(&worker, &handle);
	MemoryContextSwitchTo(oldcxt);
	if (!started)
		return false;

	launched[nlaunched].handle = handle;
	launched[nlaunched].dboid = dboid;
	launched[nlaunched].listener = listener;
	launched[nlaunched].visit_until = 0;
	if (!listener && list_member_oid(visiting, dboid))
	{
		launched[nlaunched].visit_until =
			TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										RR_LAUNCHER_VISIT_MS);
		visiting = list_delete_oid(visiting, dboid);
	}
	nlaunched++;
	return true;
}

/*
 * Take the databases that were dropped (or no longer accept connections)
 * out of the first n entries of to_start, and give their slots back, so
 * that no worker is started only to fail to connect.
 */
static void
rr_launcher_forget_dropped(int n)
{
	List	   *dbs = rr_launcher_databases(false);
	int			i;

	for (i = 0; i < n; i++)
	{
		RrDatabaseSlot *slot;

		if (list_member_oid(dbs, to_start[i].dboid))
			continue;

		LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
		slot = rr_slot_find(to_start[i].dboid);
		if (slot != NULL && slot->nworkers == 0 && slot->listener == NULL)
			memset(slot, 0, sizeof(RrDatabaseSlot));
		LWLockRelease(rr_worker_shared->lock);
		to_start[i].dboid = InvalidOid;
	}
	list_free(dbs);
}

/*
 * Start the workers that are needed now.  Returns how long to sleep, in
 * milliseconds: until the earliest timer of a database without workers
 * (a database with workers is theirs to watch), at most the naptime.
 */
static long
rr_launcher_start_workers(void)
{
	TimestampTz now = GetCurrentTimestamp();
	long		sleep_ms = RR_LAUNCHER_NAPTIME_MS;
	bool		retry = false;
	bool		stranded = false;
	int			nstart = 0;
	int			i;

	/* which databases need a worker; nothing can fail with the lock held */
	LWLockAcquire(rr_worker_shared->lock, LW_SHARED);
	for (i = 0; i < rr_worker_shared->nslots; i++)
	{
		RrDatabaseSlot *slot = &rr_worker_shared->slots[i];
		bool		due;

		/* paused (workers_per_database 0): neither work nor timers start one */
		if (slot->dboid == InvalidOid || rr_workers_per_database == 0)
			continue;

		due = slot->next_wake != 0 && slot->next_wake <= now;
		if ((slot->wanted && slot->nworkers < rr_workers_per_database) ||
			(due && slot->nworkers == 0))
		{
			to_start[nstart].dboid = slot->dboid;
			to_start[nstart].first = (slot->nworkers == 0);
			nstart++;
		}
		else if (slot->next_wake != 0 && slot->nworkers == 0)
			sleep_ms = Min(sleep_ms,
						   TimestampDifferenceMilliseconds(now, slot->next_wake));
	}
	LWLockRelease(rr_worker_shared->lock);

	if (nstart > 0)
		rr_launcher_forget_dropped(nstart);

	for (i = 0; i < nstart; i++)
	{
		RrDatabaseSlot *slot;

		if (to_start[i].dboid == InvalidOid)
			continue;
		if (!rr_launcher_start_worker(to_start[i].dboid, false))
		{
			/* only a database left without any worker is worth a warning */
			retry = true;
			if (to_start[i].first)
				stranded = true;
			continue;
		}

		/*
		 * The new worker runs the queue before anything else, so it sees
		 * all that made the slot wanted or due, even if that changed since
		 * the slot was looked at.  A slot that is wanted or has workers is
		 * never given to another database.
		 */
		LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
		slot = rr_slot_find(to_start[i].dboid);
		if (slot != NULL)
		{
			slot->nworkers++;
			slot->wanted = false;
			if (slot->next_wake != 0 && slot->next_wake <= now)
				slot->next_wake = 0;
		}
		LWLockRelease(rr_worker_shared->lock);
	}

	if (retry)
		sleep_ms = Min(sleep_ms, RR_LAUNCHER_RETRY_MS);

	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	rr_worker_shared->starved = stranded;
	LWLockRelease(rr_worker_shared->lock);
	if (stranded && rr_due_now(&complained_no_bgworker, RR_LAUNCHER_COMPLAIN_MS))
		ereport(WARNING,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start a reporunner worker: out of background worker slots"),
				 errdetail("Queued work waits until a worker can start."),
				 errhint("Consider increasing the configuration parameter \"max_worker_processes\".")));
	return sleep_ms;
}

/*
 * Start the NOTIFY listener of each database that asks for one and has
 * none, unless one this launcher started is still on its way.  True when
 * one could not start, for want of a background worker slot.
 */
static bool
rr_launcher_start_listeners(void)
{
	int			nstart = 0;
	bool		retry = false;
	int			i;
	int			j;

	LWLockAcquire(rr_worker_shared->lock, LW_SHARED);
	for (i = 0; i < rr_worker_shared->nslots; i++)
	{
		RrDatabaseSlot *slot = &rr_worker_shared->slots[i];

		if (slot->dboid != InvalidOid && slot->listen_wanted &&
			slot->listener == NULL)
			to_start[nstart++].dboid = slot->dboid;
	}
	LWLockRelease(rr_worker_shared->lock);

	/* a listener started for a dropped database would fail at once, again */
	if (nstart > 0)
		rr_launcher_forget_dropped(nstart);

	for (i = 0; i < nstart; i++)
	{
		bool		on_its_way = false;

		if (to_start[i].dboid == InvalidOid)
			continue;
		for (j = 0; j < nlaunched && !on_its_way; j++)
			on_its_way = launched[j].listener &&
				launched[j].dboid == to_start[i].dboid;
		if (!on_its_way && !rr_launcher_start_worker(to_start[i].dboid, true))
			retry = true;
	}
	return retry;
}

/*
 * On a server with Citus (preloaded: its settings exist), put every
 * database back among those to visit, once every
 * RR_LAUNCHER_CITUS_VISIT_MS.
 */
static void
rr_launcher_revisit_on_citus(void)
{
	static TimestampTz last_visit = 0;

	if (GetConfigOption("citus.shard_count", true, false) != NULL &&
		rr_due_now(&last_visit, RR_LAUNCHER_CITUS_VISIT_MS))
		rr_launcher_visit_all();
}

/*
 * Main function of the launcher.
 */
void
rr_launcher_main(Datum main_arg)
{
	int			i;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	/* no database: shared catalogs only, and DROP DATABASE never waits */
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);

	launched = MemoryContextAllocZero(TopMemoryContext,
									  mul_size(max_worker_processes,
											   sizeof(RrLaunchedWorker)));
	to_start = MemoryContextAlloc(TopMemoryContext,
								  mul_size(rr_worker_shared->nslots,
										   sizeof(RrToStart)));

	/*
	 * Become the launcher.  Workers a previous launcher started are no
	 * longer counted: until they exit, a database may briefly have more
	 * workers than reporunner.workers_per_database.
	 */
	LWLockAcquire(rr_worker_shared->lock, LW_EXCLUSIVE);
	rr_worker_shared->launcher = MyProc;
	for (i = 0; i < rr_worker_shared->nslots; i++)
		rr_worker_shared->slots[i].nworkers = 0;
	LWLockRelease(rr_worker_shared->lock);
	before_shmem_exit(rr_launcher_detach, (Datum) 0);

	/* visit every database once, to resume what was interrupted */
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);

		unvisited = rr_launcher_databases(true);
		MemoryContextSwitchTo(oldcxt);
	}

	ereport(DEBUG1,
			(errmsg_internal("reporunner launcher started")));

	for (;;)
	{
		long		sleep_ms;

		rr_launcher_reap();
		rr_launcher_revisit_on_citus();
		rr_launcher_visit_databases();
		sleep_ms = rr_launcher_start_workers();
		if (rr_launcher_start_listeners() || unvisited != NIL)
			sleep_ms = Min(sleep_ms, RR_LAUNCHER_RETRY_MS);

		(void) WaitLatch(MyLatch,
						 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 sleep_ms,
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);

		CHECK_FOR_INTERRUPTS();

		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
	}
}
