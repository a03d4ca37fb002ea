/*-------------------------------------------------------------------------
 *
 * workflow_cache.h
 *		The caller's own workflows by name, kept between transactions while
 *		no workflow has changed.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_WORKFLOW_CACHE_H
#define RR_WORKFLOW_CACHE_H

#include "postgres.h"

#include "catalog/workflow_store.h"

#include "utils/hsearch.h"

/* Shared memory for the generation; from _PG_init() */
extern void rr_workflow_cache_init(void);

/*
 * What a session keeps of one kind between transactions (workflows by
 * name here, registrations by id in src/triggers/registration.c): a hash
 * table of the entries read at one generation, in a memory context of its
 * own that also holds what the entries point to.  Declare one static per
 * kind with RR_KEPT; the rest is filled by rr_kept_table().
 */
typedef struct RrKept
{
	const char *name;
	Size		keysize;
	Size		entrysize;

	MemoryContext context;
	HTAB	   *table;			/* NULL until filled, and once emptied */
	uint64		generation;		/* of what table holds */
	struct RrKept *next;		/* every kind kept, for forgetting */
} RrKept;

#define RR_KEPT(kept_name, key_type, entry_type) \
	{.name = (kept_name), .keysize = sizeof(key_type), \
	 .entrysize = sizeof(entry_type)}

/*
 * kept's table for entries read at generation (an rr_workflow_generation()
 * that is not 0): emptied first, with its context, when the generation has
 * moved since it was filled or when it holds too many entries.
 */
extern HTAB *rr_kept_table(RrKept *kept, uint64 generation);

/*
 * The generation of reporunner.workflow and reporunner.trigger, to read
 * before the snapshot of a read whose result may be kept; 0 when none may
 * be (no shared memory, REPEATABLE READ or SERIALIZABLE, or workflows or
 * registrations changed by this transaction).
 */
extern uint64 rr_workflow_generation(void);

/* The caller's own workflow called name, if kept and still current */
extern bool rr_workflow_cache_get(const char *name, RrWorkflowRef *ref);

/*
 * Keep what a lookup of the caller's own workflow called name found in
 * table (reporunner.workflow's OID), with the generation read before its
 * snapshot (0: only remember the lookup).
 */
extern void rr_workflow_cache_put(Oid table, const char *name,
								  const RrWorkflowRef *ref, uint64 generation);

/*
 * Record that this transaction found workflow id (by a read whose snapshot
 * was taken after generation was read), for
 * rr_workflow_unchanged_since_lookup().
 */
extern void rr_workflow_found(int64 id, uint64 generation);

/*
 * Whether no workflow can have been deleted since this transaction found
 * workflow_id through the cache: true only when its last lookup found that
 * workflow and the generation has not moved since.  For rr_version_hold(),
 * after it has taken the workflow's lock.
 */
extern bool rr_workflow_unchanged_since_lookup(int64 workflow_id);

#endif							/* RR_WORKFLOW_CACHE_H */
