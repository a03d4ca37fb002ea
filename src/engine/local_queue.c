/*-------------------------------------------------------------------------
 *
 * local_queue.c
 *		On Citus, the part of the queue this node holds.
 *
 * Once distributed, reporunner.queue and reporunner.execution are split
 * into shards by owner, each placed on one node.  A worker claims only
 * the executions of its own node, one owner at a time, by statements
 * that name the owner (src/engine/queue.c): Citus runs those on the
 * node's shards by local execution, with no network and no distributed
 * transaction.  This file finds which owners that concerns.
 *
 * Citus's metadata (pg_dist_shard, pg_dist_placement, pg_dist_local_group,
 * on every node) names this node's shards; the owners with work, when to
 * look again and the leases are then read from those shard tables
 * directly, as plain local tables: a statement over the distributed
 * table without an owner would fan out to every node.  The statements
 * are built once per list of shards (with shard_name(), which quotes
 * identifiers as quote_identifier does), and read again every
 * RR_LOCAL_REFRESH_MS, or sooner when a claim found nothing: not per
 * claim.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "engine/journal.h"
#include "engine/local_queue.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/*
 * How often the node's owners are read again while claims find work, so
 * that an owner new to the node gets its turn; and at most how often when
 * a claim found nothing, in milliseconds
 */
#define RR_LOCAL_REFRESH_MS		1000
#define RR_LOCAL_RETRY_MS		100

/*
 * Whether the queue is distributed, and this node's shards of the queue
 * and the executions: (distributed, is a queue shard, its name), a row
 * with NULLs when the node has none.  Citus's catalogs are local tables
 * on every node.
 */
#define SQL_LOCAL_SHARDS \
	"SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_partition" \
	" WHERE logicalrelid = 'reporunner.queue'::pg_catalog.regclass)," \
	" s.is_queue, s.name FROM (SELECT) d LEFT JOIN LATERAL (" \
	" SELECT s.logicalrelid = 'reporunner.queue'::pg_catalog.regclass AS is_queue," \
	" pg_catalog.shard_name(s.logicalrelid, s.shardid) AS name, s.shardid" \
	" FROM pg_catalog.pg_dist_shard s" \
	" JOIN pg_catalog.pg_dist_placement p ON p.shardid = s.shardid" \
	" WHERE p.groupid = (SELECT groupid FROM pg_catalog.pg_dist_local_group)" \
	" AND s.logicalrelid IN ('reporunner.queue'::pg_catalog.regclass," \
	" 'reporunner.execution'::pg_catalog.regclass)) s ON true" \
	" ORDER BY s.shardid"

/* What the node holds, as of the last refresh */
typedef struct LocalQueue
{
	MemoryContext context;		/* the shards and statements */
	MemoryContext owners_context;	/* the owners */
	bool		distributed;
	char	   *shards;			/* both lists of shards, to compare */
	char	   *sql_owners;		/* (kind, owner): 1 ready, 2 waiting due */
	char	   *sql_next_wake;
	char	   *sql_leases;
	char	   *sql_prunable;	/* owners with executions to prune ($1 s) */
	Oid		   *owners;
	int			nowners;
	Oid		   *due_owners;
	int			ndue_owners;
	TimestampTz next_wake;
	TimestampTz refreshed;
} LocalQueue;

static LocalQueue local;

/* Part of a statement over the node's shards: for each shard, a SELECT */
typedef struct ShardSelect
{
	List	   *shards;			/* names, quoted */
	const char *select;			/* "SELECT <select> FROM ONLY <shard> <where>" */
	const char *where;
} ShardSelect;

/*
 * A statement: prefix, the SELECTs of each part joined by UNION ALL, then
 * suffix.
 */
static char *
over_shards(const char *prefix, const ShardSelect *parts, int nparts,
			const char *suffix)
{
	StringInfoData buf;
	bool		first = true;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, prefix);
	for (i = 0; i < nparts; i++)
	{
		ListCell   *lc;

		foreach(lc, parts[i].shards)
		{
			if (!first)
				appendStringInfoString(&buf, " UNION ALL ");
			first = false;
			appendStringInfo(&buf, "SELECT %s FROM ONLY %s %s", parts[i].select,
							 (char *) lfirst(lc), parts[i].where);
		}
	}
	appendStringInfoString(&buf, suffix);
	return buf.data;
}

/*
 * Build the statements over this node's shards (none when it has no
 * shard of the queue: then there is nothing to read).
 */
static void
build_statements(List *queue_shards, List *execution_shards)
{
	ShardSelect owners[2] = {
		{queue_shards, "1 AS kind, owner", "WHERE ready_at <= pg_catalog.now()"},
		{execution_shards, "2, owner",
		"WHERE status = 'waiting' AND wake_at <= pg_catalog.now()"}
	};
	ShardSelect wakes[2] = {
		{queue_shards, "pg_catalog.min(ready_at) AS at",
		"WHERE ready_at > pg_catalog.now() AND ready_at < 'infinity'"},
		{execution_shards, "pg_catalog.min(wake_at)", "WHERE status = 'waiting'"}
	};
	ShardSelect leases[1] = {
		{queue_shards, "execution_id, lease_owner, owner",
		"WHERE lease_owner IS NOT NULL"}
	};
	ShardSelect prunable[1] = {
		{execution_shards, "owner", "WHERE " RR_SQL_PRUNABLE}
	};

	local.sql_owners = local.sql_next_wake = local.sql_leases = NULL;
	local.sql_prunable = NULL;
	if (queue_shards == NIL)
		return;
	local.sql_owners = over_shards("SELECT DISTINCT kind, owner FROM (",
								   owners, lengthof(owners), ") o ORDER BY 1, 2");
	local.sql_next_wake = over_shards("SELECT pg_catalog.min(at) FROM (",
									  wakes, lengthof(wakes), ") m");
	local.sql_leases = over_shards("", leases, lengthof(leases), "");
	local.sql_prunable = over_shards("SELECT DISTINCT owner FROM (",
									 prunable, lengthof(prunable),
									 ") p ORDER BY 1");
}

/*
 * Read Citus's metadata: whether the queue is distributed and this node's
 * shards; the statements are built again when the shards changed (a new
 * distribution, a shard moved by the rebalancer).
 */
static void
read_shards(void)
{
	StringInfoData shards;
	List	   *queue_shards = NIL;
	List	   *execution_shards = NIL;
	MemoryContext old;
	uint64		row;

	rr_store_run(SQL_LOCAL_SHARDS, 0, NULL, NULL, SPI_OK_SELECT);
	initStringInfo(&shards);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		bool		is_queue;

		local.distributed = DatumGetBool(SPI_getbinval(tuple, desc, 1, &isnull));
		is_queue = DatumGetBool(SPI_getbinval(tuple, desc, 2, &isnull));
		if (isnull)
			continue;
		appendStringInfo(&shards, "%c%s ", is_queue ? 'q' : 'e',
						 SPI_getvalue(tuple, desc, 3));
	}
	if (local.shards != NULL && strcmp(shards.data, local.shards) == 0)
		return;

	MemoryContextReset(local.context);
	old = MemoryContextSwitchTo(local.context);
	local.shards = pstrdup(shards.data);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		bool		isnull;
		bool		is_queue = DatumGetBool(SPI_getbinval(tuple, SPI_tuptable->tupdesc,
														  2, &isnull));

		if (isnull)
			continue;
		if (is_queue)
			queue_shards = lappend(queue_shards,
								   SPI_getvalue(tuple, SPI_tuptable->tupdesc, 3));
		else
			execution_shards = lappend(execution_shards,
									   SPI_getvalue(tuple, SPI_tuptable->tupdesc, 3));
	}
	build_statements(queue_shards, execution_shards);
	MemoryContextSwitchTo(old);
}

/* Read the owners with work on this node, and when to look again. */
static void
read_owners(void)
{
	bool		isnull;
	Datum		at;
	uint64		row;

	local.nowners = local.ndue_owners = 0;
	local.next_wake = 0;
	if (local.sql_owners == NULL)
		return;

	rr_store_run(local.sql_owners, 0, NULL, NULL, SPI_OK_SELECT);
	MemoryContextReset(local.owners_context);
	local.owners = MemoryContextAlloc(local.owners_context,
									  sizeof(Oid) * Max(SPI_processed, 1));
	local.due_owners = MemoryContextAlloc(local.owners_context,
										  sizeof(Oid) * Max(SPI_processed, 1));
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		int32		kind = DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc,
													   1, &isnull));
		Oid			owner = DatumGetObjectId(SPI_getbinval(tuple,
														   SPI_tuptable->tupdesc,
														   2, &isnull));

		if (kind == 1)
			local.owners[local.nowners++] = owner;
		else
			local.due_owners[local.ndue_owners++] = owner;
	}

	rr_store_run(local.sql_next_wake, 0, NULL, NULL, SPI_OK_SELECT);
	at = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	local.next_wake = isnull ? 0 : DatumGetTimestampTz(at);
}

bool
rr_local_queue_refresh(bool now)
{
	TimestampTz current = GetCurrentTimestamp();

	if (!rr_store_on_citus())
		return false;
	if (local.context == NULL)
	{
		local.context = AllocSetContextCreate(TopMemoryContext,
											  "reporunner local shards",
											  ALLOCSET_SMALL_SIZES);
		local.owners_context = AllocSetContextCreate(TopMemoryContext,
													 "reporunner local owners",
													 ALLOCSET_SMALL_SIZES);
	}
	if (local.refreshed != 0 &&
		!TimestampDifferenceExceeds(local.refreshed, current,
									now ? RR_LOCAL_RETRY_MS : RR_LOCAL_REFRESH_MS))
		return false;

	local.refreshed = current;
	read_shards();
	read_owners();
	return true;
}

bool
rr_local_queue_distributed(void)
{
	return local.distributed;
}

bool
rr_local_queue_held_here(void)
{
	return local.sql_owners != NULL;
}

const Oid *
rr_local_queue_owners(int *nowners)
{
	*nowners = local.nowners;
	return local.owners;
}

const Oid *
rr_local_queue_due_owners(int *nowners)
{
	*nowners = local.ndue_owners;
	return local.due_owners;
}

TimestampTz
rr_local_queue_next_wake(void)
{
	return local.next_wake;
}

uint64
rr_local_queue_leases(void)
{
	if (local.sql_leases == NULL)
		return 0;
	rr_store_run(local.sql_leases, 0, NULL, NULL, SPI_OK_SELECT);
	return SPI_processed;
}

uint64
rr_local_queue_prunable_owners(int64 older_than_seconds)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];

	if (local.sql_prunable == NULL)
		return 0;
	values[0] = Int64GetDatum(older_than_seconds);
	rr_store_run(local.sql_prunable, 1, argtypes, values, SPI_OK_SELECT);
	return SPI_processed;
}
