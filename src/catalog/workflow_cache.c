/*-------------------------------------------------------------------------
 *
 * workflow_cache.c
 *		The caller's own workflows by name, kept between transactions while
 *		no workflow has changed.
 *
 * execute() and start() find their workflow by name at every call: a lock
 * of reporunner.workflow and a scan of its index, 17,000 instructions of
 * the 209,000 of a saved execute().  What the lookup found is kept per
 * backend, keyed by the caller and the name, with the generation of the
 * table it was found in.
 *
 * The generation is a counter in shared memory.  The statement triggers
 * workflow_changed and trigger_changed (every INSERT, UPDATE, DELETE and
 * TRUNCATE of reporunner.workflow and reporunner.trigger, enabled ALWAYS,
 * so also for replication; function catalog_changed()) mark their
 * transaction,
 * and the transaction adds one to the counter when it commits
 * (XACT_EVENT_COMMIT: after its changes became visible, before it released
 * its locks and before its client hears of the commit).  A lookup reads
 * the counter before taking its snapshot and keeps its result with what
 * it read; a kept result is used while the counter still reads the same.
 * A change committed after the snapshot has moved the counter by the time
 * anyone can know of it, so a kept result is never older than a lookup at
 * that moment would have found.
 *
 * Nothing is kept or used: under REPEATABLE READ and SERIALIZABLE, whose
 * snapshot may be older than the counter read; in a transaction that
 * changed workflows itself (the counter moves only when it commits); or
 * without shared memory (the library not preloaded).  A transaction that
 * changed workflows cannot be prepared for two-phase commit: the backend
 * that commits it later would not move the counter.
 *
 * The trigger registrations a table trigger reads at every row it fires
 * for are kept the same way, with the same counter (registration.c).
 *
 * The same counter spares rr_version_hold() its check that the version an
 * execution runs still exists (src/catalog/version_hold.c): a workflow is
 * deleted only through a change of reporunner.workflow, so when the
 * counter has not moved since the lookup, read after the writer took the
 * workflow's lock, no deletion has committed in between.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/workflow_cache.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"

#define RR_WORKFLOW_GENERATION_NAME "reporunner workflow generation"

/* Workflow names are at most 128 bytes (the table's CHECK constraint) */
#define RR_WORKFLOW_NAME_SIZE 129

/* More entries kept of one kind than this and they are all dropped */
#define RR_KEPT_ENTRIES 1024

typedef struct WorkflowKey
{
	Oid			owner;
	char		name[RR_WORKFLOW_NAME_SIZE];
} WorkflowKey;

typedef struct WorkflowEntry
{
	WorkflowKey key;
	RrWorkflowRef ref;
} WorkflowEntry;

/* In shared memory: starts at 1, so that 0 means "not kept" */
static pg_atomic_uint64 *generation = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* Every kind kept so far, and the table workflows were last found in */
static RrKept *kinds_kept = NULL;
static Oid	kept_from = InvalidOid;

static RrKept workflows_kept =
RR_KEPT("Reporunner workflows by name", WorkflowKey, WorkflowEntry);

/* This transaction changed workflows or registrations (a trigger fired) */
static bool changed_here = false;

/* The last lookup: its transaction, workflow and generation */
static LocalTransactionId last_lookup_xact = InvalidLocalTransactionId;
static int64 last_lookup_id = 0;
static uint64 last_lookup_generation = 0;

PG_FUNCTION_INFO_V1(reporunner_catalog_changed);

static void
generation_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sizeof(pg_atomic_uint64));
}

static void
generation_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	generation = ShmemInitStruct(RR_WORKFLOW_GENERATION_NAME,
								 sizeof(pg_atomic_uint64), &found);
	if (!found)
		pg_atomic_init_u64(generation, 1);
	LWLockRelease(AddinShmemInitLock);
}

void
rr_workflow_cache_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = generation_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = generation_shmem_startup;
}

/* At the end of a transaction that changed workflows */
static void
workflow_xact_callback(XactEvent event, void *arg)
{
	if (!changed_here)
		return;
	switch (event)
	{
		case XACT_EVENT_PRE_PREPARE:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot PREPARE a transaction that has changed workflows or trigger registrations"),
					 errdetail("Sessions keep the workflows and registrations they read until a change is committed, which only the session that made it can announce.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			if (generation != NULL)
				pg_atomic_fetch_add_u64(generation, 1);
			changed_here = false;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			changed_here = false;
			break;
		default:
			break;
	}
}

static void
empty_kept(RrKept *kept)
{
	MemoryContextReset(kept->context);
	kept->table = NULL;
}

/*
 * A change to the workflow table's definition (a disabled trigger, the
 * extension dropped) drops everything kept
 */
static void
forget_kept(Datum arg, Oid relid)
{
	RrKept	   *kept;

	if (relid != InvalidOid && relid != kept_from)
		return;
	for (kept = kinds_kept; kept != NULL; kept = kept->next)
		empty_kept(kept);
}

HTAB *
rr_kept_table(RrKept *kept, uint64 generation)
{
	Assert(generation != 0);
	if (kept->table != NULL &&
		(kept->generation != generation ||
		 hash_get_num_entries(kept->table) >= RR_KEPT_ENTRIES))
		empty_kept(kept);
	if (kept->table == NULL)
	{
		HASHCTL		ctl;

		if (kept->context == NULL)
		{
			if (kinds_kept == NULL)
				CacheRegisterRelcacheCallback(forget_kept, (Datum) 0);
			kept->context = AllocSetContextCreate(CacheMemoryContext,
												  "Reporunner kept",
												  ALLOCSET_SMALL_SIZES);
			MemoryContextSetIdentifier(kept->context, kept->name);
			kept->next = kinds_kept;
			kinds_kept = kept;
		}
		ctl.keysize = kept->keysize;
		ctl.entrysize = kept->entrysize;
		ctl.hcxt = kept->context;
		kept->table = hash_create(kept->name, 64, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		kept->generation = generation;
	}
	return kept->table;
}

Datum
reporunner_catalog_changed(PG_FUNCTION_ARGS)
{
	static bool callback_registered = false;
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("reporunner.catalog_changed() must be fired after a statement on reporunner.workflow or reporunner.trigger")));
	if (!callback_registered)
	{
		RegisterXactCallback(workflow_xact_callback, NULL);
		callback_registered = true;
	}
	changed_here = true;
	return PointerGetDatum(NULL);
}

uint64
rr_workflow_generation(void)
{
	if (generation == NULL || changed_here || IsolationUsesXactSnapshot())
		return 0;
	return pg_atomic_read_u64(generation);
}

static void
make_key(WorkflowKey *key, const char *name)
{
	memset(key, 0, sizeof(WorkflowKey));
	key->owner = GetUserId();
	strlcpy(key->name, name, sizeof(key->name));
}

void
rr_workflow_found(int64 id, uint64 found_at)
{
	last_lookup_xact = MyProc->lxid;
	last_lookup_id = id;
	last_lookup_generation = found_at;
}

bool
rr_workflow_cache_get(const char *name, RrWorkflowRef *ref)
{
	uint64		current = rr_workflow_generation();
	WorkflowKey key;
	WorkflowEntry *entry;

	if (current == 0 || strlen(name) >= RR_WORKFLOW_NAME_SIZE)
		return false;
	make_key(&key, name);
	entry = hash_search(rr_kept_table(&workflows_kept, current), &key,
						HASH_FIND, NULL);
	if (entry == NULL)
		return false;
	*ref = entry->ref;
	rr_workflow_found(ref->id, current);
	return true;
}

void
rr_workflow_cache_put(Oid table, const char *name, const RrWorkflowRef *ref,
					  uint64 found_at)
{
	WorkflowKey key;
	WorkflowEntry *entry;

	rr_workflow_found(ref->id, found_at);
	if (found_at == 0 || strlen(name) >= RR_WORKFLOW_NAME_SIZE)
		return;
	/* the extension made again: nothing kept is of this table */
	if (table != kept_from)
	{
		forget_kept((Datum) 0, InvalidOid);
		kept_from = table;
	}
	make_key(&key, name);
	entry = hash_search(rr_kept_table(&workflows_kept, found_at), &key,
						HASH_ENTER, NULL);
	entry->ref = *ref;
}

bool
rr_workflow_unchanged_since_lookup(int64 workflow_id)
{
	return last_lookup_generation != 0 &&
		last_lookup_xact == MyProc->lxid &&
		last_lookup_id == workflow_id &&
		rr_workflow_generation() == last_lookup_generation;
}
