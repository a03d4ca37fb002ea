/*-------------------------------------------------------------------------
 *
 * local_queue.h
 *		On Citus, the part of the queue this node holds: the shards of
 *		reporunner.queue and reporunner.execution placed here, the owners
 *		with work in them, when to look again, and the leases there.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_LOCAL_QUEUE_H
#define RR_LOCAL_QUEUE_H

#include "postgres.h"

#include "datatype/timestamp.h"

/*
 * Read again, when due (every RR_LOCAL_REFRESH_MS, or when "now" and
 * RR_LOCAL_RETRY_MS passed since the last time), whether the queue is
 * distributed, this node's shards of it and the owners with work there.
 * Returns whether it read them.  In an open SPI connection
 * (rr_store_begin).
 */
extern bool rr_local_queue_refresh(bool now);

/*
 * Whether the queue is distributed by Citus, as of the last refresh:
 * when it is not, the claims are the single-node ones.
 */
extern bool rr_local_queue_distributed(void);

/* Whether this node holds shards of the queue, as of the last refresh. */
extern bool rr_local_queue_held_here(void);

/*
 * The owners with queue rows ready to run on this node, ascending, as
 * of the last refresh; *nowners their number.
 */
extern const Oid *rr_local_queue_owners(int *nowners);

/* The owners with waiting executions due on this node, likewise. */
extern const Oid *rr_local_queue_due_owners(int *nowners);

/*
 * When the node's next delayed execution or wait is due, as of the last
 * refresh, or 0 when none.
 */
extern TimestampTz rr_local_queue_next_wake(void);

/*
 * Read the leases in this node's queue shards: leaves (execution_id,
 * lease_owner, owner) rows in SPI_tuptable, and returns their number
 * (0, reading nothing, when the node has no shard).  In an open SPI
 * connection.
 */
extern uint64 rr_local_queue_leases(void);

/*
 * Read the owners with executions in this node's shards that finished
 * more than older_than_seconds ago (retention): leaves (owner) rows in
 * SPI_tuptable, ascending, and returns their number (0, reading nothing,
 * when the node has no shard).  In an open SPI connection.
 */
extern uint64 rr_local_queue_prunable_owners(int64 older_than_seconds);

#endif							/* RR_LOCAL_QUEUE_H */
