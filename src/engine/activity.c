/*-------------------------------------------------------------------------
 *
 * activity.c
 *		What each process runs now: the execution, its workflow and the
 *		node it is at, in shared memory, read by reporunner.activity.
 *
 * One entry per backend (MaxBackends of them, background workers
 * included), found by MyBackendId and written only by its own process,
 * with the change count protocol of PostgreSQL's PgBackendStatus: the
 * writer makes the count odd while it writes, and a reader copies an
 * entry until it sees the same even count before and after.  No lock is
 * taken, so the executor publishes every node at the cost of a copy.
 *
 * An execution that runs inside another (execute() in a node of a running
 * workflow) is published over it; the outer one is published again when
 * it ends, also by an error (src/engine/executor.c).  A process that
 * exits clears its entry.  Without shared_preload_libraries there is no
 * shared memory, and nothing is published.
 *
 * reporunner.activity_entries() lists the entries of the current
 * database whose workflow owner the caller may act for
 * (reporunner.has_owner_access, the function every policy calls), so a
 * tenant sees nothing of another's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "engine/activity.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "port/atomics.h"
#include "storage/backendid.h"
#include "storage/ipc.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(reporunner_activity_entries);

#define RR_ACTIVITY_NAME	"reporunner_activity"

/* The entry of one process */
typedef struct ActivityEntry
{
	uint32		changecount;	/* odd while its process writes it */
	int			pid;			/* 0: runs no execution */
	Oid			database;
	bool		worker;			/* a background worker, not a session */
	RrActivity	activity;
} ActivityEntry;

static ActivityEntry *entries = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* The entry of this process, once it has published something */
static ActivityEntry *my_entry = NULL;

static Size
activity_size(void)
{
	return mul_size(MaxBackends, sizeof(ActivityEntry));
}

static void
activity_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(activity_size());
}

static void
activity_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	entries = ShmemInitStruct(RR_ACTIVITY_NAME, activity_size(), &found);
	if (!found)
		memset(entries, 0, activity_size());
	LWLockRelease(AddinShmemInitLock);
}

void
rr_activity_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = activity_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = activity_shmem_startup;
}

/* Write the entry: everything, or (activity NULL) that nothing runs */
static void
publish(const RrActivity *activity)
{
	ActivityEntry *entry = my_entry;

	entry->changecount++;
	pg_write_barrier();
	entry->pid = activity != NULL && OidIsValid(activity->owner) ? MyProcPid : 0;
	if (activity != NULL)
		memcpy(&entry->activity, activity, sizeof(RrActivity));
	pg_write_barrier();
	entry->changecount++;
}

/* on_shmem_exit: a process that exits runs nothing */
static void
clear_on_exit(int code, Datum arg)
{
	publish(NULL);
}

/* This process's entry, taken on first use; NULL without shared memory */
static ActivityEntry *
own_entry(void)
{
	if (my_entry != NULL || entries == NULL ||
		MyBackendId <= 0 || MyBackendId > MaxBackends)
		return my_entry;
	my_entry = &entries[MyBackendId - 1];
	my_entry->database = MyDatabaseId;
	my_entry->worker = MyBackendType == B_BG_WORKER;
	publish(NULL);
	on_shmem_exit(clear_on_exit, (Datum) 0);
	return my_entry;
}

void
rr_activity_begin(const RrExecution *execution, RrActivity *outer)
{
	RrActivity	activity;

	if (own_entry() == NULL)
		return;
	memcpy(outer, &my_entry->activity, sizeof(RrActivity));
	if (my_entry->pid == 0)
		outer->owner = InvalidOid;
	memset(&activity, 0, sizeof(activity));
	activity.owner = execution->plan->owner;
	activity.workflow_id = execution->plan->workflow_id;
	activity.version = execution->plan->version;
	activity.execution_id = execution->id;
	strlcpy(activity.mode, execution->mode ? execution->mode : "",
			sizeof(activity.mode));
	activity.execution_started = execution->started_at != 0 ?
		execution->started_at : GetCurrentTimestamp();
	publish(&activity);
}

void
rr_activity_node(const char *node)
{
	ActivityEntry *entry = my_entry;

	if (entry == NULL)
		return;
	entry->changecount++;
	pg_write_barrier();
	strlcpy(entry->activity.node, node, sizeof(entry->activity.node));
	entry->activity.node_started = GetCurrentTimestamp();
	pg_write_barrier();
	entry->changecount++;
}

void
rr_activity_end(const RrActivity *outer)
{
	if (my_entry != NULL)
		publish(outer);
}

/* A consistent copy of an entry that another process may be writing */
static void
read_entry(volatile ActivityEntry *entry, ActivityEntry *copy)
{
	for (;;)
	{
		uint32		before = entry->changecount;

		pg_read_barrier();
		memcpy(copy, (ActivityEntry *) entry, sizeof(ActivityEntry));
		pg_read_barrier();
		if (before == entry->changecount && (before & 1) == 0)
			return;
		CHECK_FOR_INTERRUPTS();
	}
}

Datum
reporunner_activity_entries(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			argtypes[1] = {OIDOID};
	Oid			has_owner_access;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (entries == NULL)
		return (Datum) 0;
	has_owner_access = LookupFuncName(list_make2(makeString("reporunner"),
												 makeString("has_owner_access")),
									  1, argtypes, false);
	for (i = 0; i < MaxBackends; i++)
	{
		ActivityEntry entry;
		RrActivity *a = &entry.activity;
		Datum		values[10];
		bool		nulls[10];

		read_entry(&entries[i], &entry);
		if (entry.pid == 0 || entry.database != MyDatabaseId ||
			!DatumGetBool(OidFunctionCall1(has_owner_access,
										   ObjectIdGetDatum(a->owner))))
			continue;
		memset(nulls, 0, sizeof(nulls));
		values[0] = Int32GetDatum(entry.pid);
		values[1] = CStringGetTextDatum(entry.worker ? "worker" : "backend");
		values[2] = ObjectIdGetDatum(a->owner);
		values[3] = Int64GetDatum(a->workflow_id);
		values[4] = Int32GetDatum(a->version);
		values[5] = Int64GetDatum(a->execution_id);
		nulls[5] = a->execution_id == 0;
		values[6] = CStringGetTextDatum(a->mode);
		values[7] = CStringGetTextDatum(a->node);
		nulls[7] = a->node_started == 0;
		values[8] = TimestampTzGetDatum(a->execution_started);
		values[9] = TimestampTzGetDatum(a->node_started);
		nulls[9] = a->node_started == 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
