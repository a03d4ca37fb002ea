/*-------------------------------------------------------------------------
 *
 * stats.c
 *		Counters of the HTTP requests this server sent, per database and
 *		workflow owner, in shared memory: reporunner.http_stats().
 *
 * Every request that ends (run_transfers in request.c calls
 * rr_http_stats_count once per transfer) is counted by method and outcome:
 * the class of its response's status (1xx to 5xx), a transport error (no
 * response: connection, TLS, timeout, too large, too many redirects), or
 * a refusal of the SSRF guard; with the bytes received (headers and
 * bodies).  The owner is that of the workflow the process runs now
 * (src/engine/activity.c); requests sent outside any execution count for
 * no owner (InvalidOid): those, and those of dropped owners, only
 * superusers see.  Requests still in
 * flight when a statement is canceled are not counted.
 *
 * Like pg_stat_statements' counters, these live in shared memory: they
 * start from zero when the server starts, and exist only when reporunner
 * is in shared_preload_libraries.  MAX_ENTRIES pairs of database and
 * owner are kept; the requests of further pairs count in one last entry
 * with no database and no owner.
 *
 * reporunner.http_stats() lists the entries of the current database whose
 * owner the caller may act for (reporunner.has_owner_access), so a tenant
 * sees only its own numbers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "http/stats.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(reporunner_http_stats);

#define RR_HTTP_STATS_NAME	"reporunner_http_stats"
#define MAX_ENTRIES			512

/* Methods counted apart; the last one is any other */
static const char *const methods[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"
};
#define NMETHODS	lengthof(methods)

/* Outcomes: status classes, then what gave no response */
static const char *const outcomes[] = {
	"1xx", "2xx", "3xx", "4xx", "5xx", "other", "error", "refused"
};
#define NOUTCOMES	lengthof(outcomes)
#define OUTCOME_OTHER	5
#define OUTCOME_ERROR	6
#define OUTCOME_REFUSED 7

typedef struct StatsEntry
{
	Oid			database;		/* InvalidOid: unused, or the last entry */
	Oid			owner;
	uint64		requests[NMETHODS][NOUTCOMES];
	uint64		received_bytes[NMETHODS][NOUTCOMES];
} StatsEntry;

typedef struct StatsShared
{
	LWLock	   *lock;
	int			used;			/* entries taken, the last one excepted */
	StatsEntry	entries[MAX_ENTRIES];
} StatsShared;

static StatsShared *shared = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void
stats_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sizeof(StatsShared));
	RequestNamedLWLockTranche(RR_HTTP_STATS_NAME, 1);
}

static void
stats_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	shared = ShmemInitStruct(RR_HTTP_STATS_NAME, sizeof(StatsShared), &found);
	if (!found)
	{
		memset(shared, 0, sizeof(StatsShared));
		shared->lock = &(GetNamedLWLockTranche(RR_HTTP_STATS_NAME))->lock;
	}
	LWLockRelease(AddinShmemInitLock);
}

void
rr_http_stats_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = stats_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = stats_shmem_startup;
}

/* The entry of (database, owner), taken if new; under the lock */
static StatsEntry *
entry_for(Oid database, Oid owner)
{
	StatsEntry *entry;
	int			i;

	for (i = 0; i < shared->used; i++)
	{
		entry = &shared->entries[i];
		if (entry->database == database && entry->owner == owner)
			return entry;
	}
	if (shared->used == MAX_ENTRIES - 1)
		return &shared->entries[MAX_ENTRIES - 1];
	entry = &shared->entries[shared->used++];
	entry->database = database;
	entry->owner = owner;
	return entry;
}

void
rr_http_stats_count(const RrHttpRequest *request, CURL *easy,
					CURLcode result, bool refused)
{
	curl_off_t	body = 0;
	long		header = 0;
	long		status = 0;
	int			m;
	int			outcome;
	StatsEntry *entry;

	if (shared == NULL)
		return;
	for (m = 0; m < NMETHODS - 1; m++)
		if (strcmp(request->method, methods[m]) == 0)
			break;
	if (refused)
		outcome = OUTCOME_REFUSED;
	else if (result != CURLE_OK)
		outcome = OUTCOME_ERROR;
	else
	{
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
		outcome = status >= 100 && status < 600 ? (int) (status / 100) - 1 :
			OUTCOME_OTHER;
	}
	curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &body);
	curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &header);

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	entry = entry_for(MyDatabaseId, request->owner);
	entry->requests[m][outcome]++;
	entry->received_bytes[m][outcome] += (uint64) Max(body, 0) + (uint64) Max(header, 0);
	LWLockRelease(shared->lock);
}

/*
 * http_stats(): one row per owner, method and outcome with requests, of
 * the current database and the owners the caller may act for.
 */
Datum
reporunner_http_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			argtypes[1] = {OIDOID};
	Oid			has_owner_access;
	StatsEntry *copy;
	int			used;
	int			n;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (shared == NULL)
		return (Datum) 0;
	has_owner_access = LookupFuncName(list_make2(makeString("reporunner"),
												 makeString("has_owner_access")),
									  1, argtypes, false);

	/* copy the entries out, and judge them without the lock */
	copy = palloc(sizeof(StatsEntry) * MAX_ENTRIES);
	LWLockAcquire(shared->lock, LW_SHARED);
	used = n = shared->used;
	memcpy(copy, shared->entries, sizeof(StatsEntry) * MAX_ENTRIES);
	LWLockRelease(shared->lock);
	if (superuser())
		copy[n++] = copy[MAX_ENTRIES - 1];

	for (i = 0; i < n; i++)
	{
		StatsEntry *entry = &copy[i];
		int			m;
		int			o;

		if (i < used && entry->database != MyDatabaseId)
			continue;
		/* no owner, or a dropped one: for superusers only */
		if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(entry->owner)) ?
			!superuser() :
			!DatumGetBool(OidFunctionCall1(has_owner_access,
										   ObjectIdGetDatum(entry->owner))))
			continue;
		for (m = 0; m < NMETHODS; m++)
		{
			for (o = 0; o < NOUTCOMES; o++)
			{
				Datum		values[5];
				bool		nulls[5] = {false, false, false, false, false};

				if (entry->requests[m][o] == 0)
					continue;
				values[0] = ObjectIdGetDatum(entry->owner);
				nulls[0] = !OidIsValid(entry->owner);
				values[1] = CStringGetTextDatum(methods[m]);
				values[2] = CStringGetTextDatum(outcomes[o]);
				values[3] = Int64GetDatum((int64) entry->requests[m][o]);
				values[4] = Int64GetDatum((int64) entry->received_bytes[m][o]);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
									 values, nulls);
			}
		}
	}
	return (Datum) 0;
}
