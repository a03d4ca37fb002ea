/*-------------------------------------------------------------------------
 *
 * store.c
 *		Running Reporunner's own SQL statements against its tables.
 *
 * Every statement Reporunner runs on its tables goes through here: SPI
 * with parameters only, under a pinned search_path.  Writes that tenants
 * may not make themselves (versions, nodes, edges, the journal) run as
 * the owner of the tables inside a security-restricted operation, after
 * the caller's right to act has been checked with its own identity.
 *
 * On Citus (docs/scaling.md) every statement runs as the tables' owner:
 * Citus refuses a transaction in which two users touch one shard (25001),
 * so reading as the caller and writing as the owner cannot work there.
 * Row-level security then filters nothing, and every statement names the
 * owner it acts for (owner = $n on each table, joins on owner too), which
 * also routes it to that owner's shard.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/store.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

bool
rr_store_on_citus(void)
{
	/* whether Citus is loaded: -1 not looked up yet */
	static int	citus_loaded = -1;
	static bool on_citus = false;

	/*
	 * Citus is loaded when its settings exist.  It must be preloaded, so
	 * the answer holds for the life of the backend either way, and a single
	 * server looks it up once.  Then whether its extension is in this
	 * database is looked up, until it is: a database does not stop being
	 * distributed while a backend lives.
	 */
	if (on_citus)
		return true;
	if (citus_loaded < 0)
		citus_loaded = GetConfigOption("citus.shard_count", true, false) != NULL;
	if (citus_loaded)
		on_citus = OidIsValid(get_extension_oid("citus", true));
	return on_citus;
}

int
rr_store_begin(void)
{
	int			nestlevel;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

void
rr_store_end(int nestlevel)
{
	AtEOXact_GUC(true, nestlevel);
	SPI_finish();
}

void
rr_store_run(const char *sql, int nargs, Oid *argtypes, Datum *values,
			 int expected)
{
	int			ret;

	Oid			save_userid;
	int			save_sec_context;
	bool		as_owner = rr_store_on_citus();

	if (as_owner)
		rr_store_become_owner(&save_userid, &save_sec_context);
	ret = SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0);
	if (as_owner)
		rr_store_restore_user(save_userid, save_sec_context);
	if (ret != expected)
		elog(ERROR, "SPI_execute_with_args failed: %s",
			 SPI_result_code_string(ret));
}

/*
 * The library's statements are written for the SQL objects of its own
 * version.  After a new build is installed and before ALTER EXTENSION
 * reporunner UPDATE, they would fail each in its own way (a missing column,
 * a missing table), or worse, not fail; so they refuse to run at all.
 * Checked whenever a statement is prepared: once per statement and backend.
 */
static void
check_installed_version(void)
{
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	char	   *version = NULL;

	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("reporunner"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		bool		isnull;
		Datum		value = heap_getattr(tuple, Anum_pg_extension_extversion,
										 RelationGetDescr(rel), &isnull);

		if (!isnull)
			version = TextDatumGetCString(value);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	if (version != NULL && strcmp(version, REPORUNNER_VERSION) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension reporunner is at version %s in this database, but its library is version %s",
						version, REPORUNNER_VERSION),
				 errhint("Run ALTER EXTENSION reporunner UPDATE.")));
}

/* Prepare the statement of a kept plan on first use */
static void
prepare_kept(SPIPlanPtr *plan, const char *sql, int nargs, Oid *argtypes)
{
	SPIPlanPtr	prepared;

	if (*plan != NULL)
		return;

	/*
	 * A generic plan: these statements are simple, and without it the plan
	 * cache may keep choosing custom plans, planning every call. Not on
	 * Citus (docs/scaling.md), whose planner finds the shards of a
	 * distributed table from the parameters' values: there every call is
	 * planned with its values.
	 */
	check_installed_version();
	prepared = SPI_prepare_cursor(sql, nargs, argtypes,
								  rr_store_on_citus() ?
								  CURSOR_OPT_CUSTOM_PLAN : CURSOR_OPT_GENERIC_PLAN);
	if (prepared == NULL)
		elog(ERROR, "SPI_prepare failed: %s",
			 SPI_result_code_string(SPI_result));
	SPI_keepplan(prepared);
	*plan = prepared;
}

void
rr_store_run_kept(SPIPlanPtr *plan, const char *sql, int nargs,
				  Oid *argtypes, Datum *values, const char *nulls,
				  int expected)
{
	int			ret;
	Oid			save_userid;
	int			save_sec_context;
	bool		as_owner = rr_store_on_citus();

	prepare_kept(plan, sql, nargs, argtypes);
	if (as_owner)
		rr_store_become_owner(&save_userid, &save_sec_context);
	ret = SPI_execute_plan(*plan, values, nulls, false, 0);
	if (as_owner)
		rr_store_restore_user(save_userid, save_sec_context);
	if (ret != expected)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(ret));
}

/*
 * The planner settings go into a nest level of their own around the
 * execution: a kept plan is made again inside SPI_execute_plan whenever
 * its tables change (an ANALYZE, say), and must be made the same way then.
 * Why: a claim's plan made while the queue was short, or after an ANALYZE
 * that saw most rows leased or delayed, estimates few ready rows, and
 * prefers reading the whole queue and sorting it to an index scan that
 * stops after a few hundred rows; with a backlog of 60,000 executions that
 * plan took 15 ms a claim and 94 % of the workers' CPU.  A sort the
 * statement cannot do without keeps the price of a disabled one (10^10):
 * without jit off, every execution of such a plan would be compiled.
 */
void
rr_store_run_kept_indexed(SPIPlanPtr *plan, const char *sql, int nargs,
						  Oid *argtypes, Datum *values, const char *nulls,
						  int expected)
{
	int			nestlevel = NewGUCNestLevel();

	(void) set_config_option("enable_seqscan", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("enable_sort", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("jit", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	rr_store_run_kept(plan, sql, nargs, argtypes, values, nulls, expected);
	AtEOXact_GUC(true, nestlevel);
}

Datum
rr_store_call_as_owner(SPIPlanPtr *plan, const char *sql, int nargs,
					   Oid *argtypes, Datum *values, const char *nulls,
					   bool *isnull)
{
	Oid			save_userid;
	int			save_sec_context;
	int			ret;
	Datum		result;
	Form_pg_attribute attr;

	prepare_kept(plan, sql, nargs, argtypes);
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(rr_store_owner(),
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	ret = SPI_execute_plan(*plan, values, nulls, false, 0);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(ret));
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
						   isnull);
	if (*isnull)
		return (Datum) 0;
	attr = TupleDescAttr(SPI_tuptable->tupdesc, 0);
	return SPI_datumTransfer(result, attr->attbyval, attr->attlen);
}

void
rr_store_read_latest_as_owner(SPIPlanPtr *plan, const char *sql, int nargs,
							  Oid *argtypes, Datum *values)
{
	Oid			save_userid;
	int			save_sec_context;
	int			ret;

	prepare_kept(plan, sql, nargs, argtypes);
	rr_store_become_owner(&save_userid, &save_sec_context);
	ret = SPI_execute_snapshot(*plan, values, NULL, GetLatestSnapshot(),
							   InvalidSnapshot, true, false, 0);
	rr_store_restore_user(save_userid, save_sec_context);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_snapshot failed: %s",
			 SPI_result_code_string(ret));
}

void
rr_store_cascade_as_owner(SPIPlanPtr *plan, const char *sql, int nargs,
						  Oid *argtypes, Datum *values, int expected)
{
	Snapshot	test_snapshot = InvalidSnapshot;
	Snapshot	crosscheck_snapshot = InvalidSnapshot;
	Oid			save_userid;
	int			save_sec_context;
	int			ret;

	prepare_kept(plan, sql, nargs, argtypes);
	if (IsolationUsesXactSnapshot())
	{
		CommandCounterIncrement();
		test_snapshot = GetLatestSnapshot();
		crosscheck_snapshot = GetTransactionSnapshot();
	}
	rr_store_become_owner(&save_userid, &save_sec_context);
	/* its own after-triggers fire now, as the owner (a foreign key's later) */
	ret = SPI_execute_snapshot(*plan, values, NULL, test_snapshot,
							   crosscheck_snapshot, false, true, 0);
	rr_store_restore_user(save_userid, save_sec_context);
	if (ret != expected)
		elog(ERROR, "SPI_execute_snapshot failed: %s",
			 SPI_result_code_string(ret));
}

/*
 * The owner of the tables, looked up on every write as the owner, is kept
 * until a change of reporunner.workflow_version's pg_class row (ALTER
 * TABLE OWNER, ALTER EXTENSION ... OWNER through REASSIGN OWNED, DROP
 * EXTENSION) sends its relcache invalidation.
 */
static Oid	tables_owner = InvalidOid;
static Oid	tables_owner_relid = InvalidOid;

static void
forget_tables_owner(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == tables_owner_relid)
		tables_owner = InvalidOid;
}

Oid
rr_store_owner(void)
{
	static bool callback_registered = false;
	Oid			relid;
	HeapTuple	tuple;
	Oid			owner;

	if (OidIsValid(tables_owner))
		return tables_owner;
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(forget_tables_owner, (Datum) 0);
		callback_registered = true;
	}
	relid = get_relname_relid("workflow_version",
							  get_namespace_oid("reporunner", false));
	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	tables_owner_relid = relid;
	tables_owner = owner;
	return owner;
}

void
rr_store_become_owner(Oid *save_userid, int *save_sec_context)
{
	GetUserIdAndSecContext(save_userid, save_sec_context);
	SetUserIdAndSecContext(rr_store_owner(),
						   *save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
}

void
rr_store_restore_user(Oid save_userid, int save_sec_context)
{
	SetUserIdAndSecContext(save_userid, save_sec_context);
}

void
rr_store_run_kept_as_owner(SPIPlanPtr *plan, const char *sql, int nargs,
						   Oid *argtypes, Datum *values, const char *nulls,
						   int expected)
{
	Oid			save_userid;
	int			save_sec_context;

	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run_kept(plan, sql, nargs, argtypes, values, nulls, expected);
	rr_store_restore_user(save_userid, save_sec_context);
}

int32
rr_store_next_version(bool *identical)
{
	int32		version;
	bool		isnull;

	*identical = false;
	if (SPI_processed != 1)
		return 1;
	version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull));
	*identical = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc, 2, &isnull));
	return *identical ? version : version + 1;
}
