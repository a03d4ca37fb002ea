/*-------------------------------------------------------------------------
 *
 * slots.h
 *		Shared memory of the background workers: one slot per database.
 *
 * The files of src/worker use this header, and src/engine/queue.c, to
 * wake another worker when it gives back executions (rr_slots_wake); the
 * rest of Reporunner talks to the workers through worker.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_WORKER_SLOTS_H
#define RR_WORKER_SLOTS_H

#include "datatype/timestamp.h"
#include "storage/lwlock.h"
#include "storage/proc.h"

/*
 * What the launcher knows about one database.  A slot whose database has
 * no work waiting, no timer, no worker and no NOTIFY listener is idle and
 * may be given to another database.
 */
/* Most idle workers of one database that a wake-up reaches directly. */
#define RR_IDLE_WORKERS		8

typedef struct RrDatabaseSlot
{
	Oid			dboid;			/* InvalidOid: never used */
	bool		wanted;			/* work may be waiting: start a worker */
	int			nworkers;		/* workers started and not yet seen to exit */
	TimestampTz next_wake;		/* earliest due timer, 0 = none */
	PGPROC	   *idle[RR_IDLE_WORKERS];	/* workers waiting for work, to wake
										 * at once (NULL: free) */
	bool		listen_wanted;	/* its NOTIFY triggers changed, or may exist:
								 * the listener reads them (and starts if
								 * none runs) */
	PGPROC	   *listener;		/* its NOTIFY listener, NULL if none runs */
} RrDatabaseSlot;

typedef struct RrWorkerShared
{
	LWLock	   *lock;			/* protects everything below */
	PGPROC	   *launcher;		/* NULL while no launcher runs */
	bool		overflowed;		/* a database found no free slot */
	bool		starved;		/* a database without workers could not get
								 * one: a database with several may yield */
	int			nslots;
	RrDatabaseSlot slots[FLEXIBLE_ARRAY_MEMBER];
} RrWorkerShared;

/* in slots.c */
extern RrWorkerShared *rr_worker_shared;

extern void rr_slots_install_hooks(void);
extern RrDatabaseSlot *rr_slot_find(Oid dboid);
extern RrDatabaseSlot *rr_slot_acquire(Oid dboid);
extern bool rr_slot_is_idle(RrDatabaseSlot *slot);
extern void rr_slots_wake(Oid dboid);
extern void rr_slots_set_next_wake(Oid dboid, TimestampTz next_wake);
extern void rr_slot_set_idle(RrDatabaseSlot *slot, PGPROC *proc, bool idle);
extern bool rr_listener_running(Oid dboid);

/* in launcher.c and worker.c: entry points of the processes */
extern PGDLLEXPORT void rr_launcher_main(Datum main_arg) pg_attribute_noreturn();
extern PGDLLEXPORT void rr_worker_main(Datum main_arg) pg_attribute_noreturn();

#endif							/* RR_WORKER_SLOTS_H */
