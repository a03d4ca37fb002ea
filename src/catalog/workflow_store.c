/*-------------------------------------------------------------------------
 *
 * workflow_store.c
 *		The workflow API: save, export, activate and delete workflows.
 *
 * A workflow is a row of reporunner.workflow; each save of a changed
 * document adds an immutable reporunner.workflow_version row and the
 * version's graph in relational form (reporunner.node, reporunner.edge).
 *
 * Triggers belong to the workflow, not to a version: export_workflow()
 * lists the workflow's under "triggers" (kind, target, options: nothing
 * that names a role or an id), and a version is saved without that key.
 * save_workflow() saves a document that has one but makes no trigger;
 * import_workflow() (src/triggers/transfer.c) makes them.
 *
 * Who may do what is decided by row-level security on the caller's own
 * queries: a workflow name resolves only among the rows the caller can see.
 * Versions, nodes and edges are not writable by tenants at all; once the
 * caller's visible, locked workflow row has been found, this file inserts
 * them as the owner of the extension's tables (see insert_version).  A
 * new version is then loaded as a plan before the save returns, so every
 * saved version can run.
 *
 * Every statement runs through src/catalog/store.c: parameterised, with
 * search_path = pg_catalog, pg_temp.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/audit.h"
#include "catalog/definition.h"
#include "catalog/owner_role.h"
#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "catalog/table_lookup.h"
#include "catalog/workflow_cache.h"
#include "catalog/workflow_store.h"
#include "catalog/pg_type.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "n8n/n8n_sql.h"
#include "triggers/triggers.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(reporunner_validate_workflow);
PG_FUNCTION_INFO_V1(reporunner_save_workflow);
PG_FUNCTION_INFO_V1(reporunner_export_workflow);
PG_FUNCTION_INFO_V1(reporunner_activate_version);
PG_FUNCTION_INFO_V1(reporunner_delete_workflow);
PG_FUNCTION_INFO_V1(reporunner_share_workflow);
PG_FUNCTION_INFO_V1(reporunner_unshare_workflow);

/*
 * Named statements.  $1 is always a workflow id once one is known, and
 * $2 its owner unless said otherwise: every statement names the owner of
 * the rows it reads or writes, which on Citus (docs/scaling.md) routes it
 * to that owner's shard.
 */

/*
 * Workflows called $1 visible to the caller, the caller's own ($2) first.
 * Without an owner ($4 = 0), only those it may manage: a workflow merely
 * shared with the caller is found only when its owner is named, so that
 * no role can slip its workflow under a name the caller uses by sharing
 * it.  With $3, only those it may manage in any case.
 */
#define SQL_FIND_WORKFLOW \
	"SELECT id, owner, active_version FROM reporunner.workflow" \
	" WHERE name = $1 AND CASE WHEN $4 = 0" \
	" THEN reporunner.has_owner_access(owner)" \
	" ELSE owner = $4 AND (NOT $3 OR reporunner.has_owner_access(owner)) END" \
	" ORDER BY owner = $2 DESC, owner LIMIT 2"

/*
 * The same on Citus, where it runs as the tables' owner: every workflow
 * called $1 (of owner $4 when not 0); find_visible_workflow keeps those
 * the caller may see, as row-level security and has_owner_access decide
 * on one server.  $3 is not used.
 */
#define SQL_FIND_WORKFLOW_ANY_OWNER \
	"SELECT id, owner, active_version FROM reporunner.workflow" \
	" WHERE name = $1 AND ($4 = 0 OR owner = $4)" \
	" ORDER BY owner = $2 DESC, owner"
/* The caller's own workflow on Citus (find_own_workflow): $1 owner, $2 name */
#define SQL_FIND_OWN_WORKFLOW \
	"SELECT id, active_version FROM reporunner.workflow" \
	" WHERE owner = $1 AND name = $2"
#define SQL_LOCK_WORKFLOW \
	"SELECT id FROM reporunner.workflow WHERE id = $1 AND owner = $2 FOR UPDATE"
#define SQL_CREATE_WORKFLOW \
	"INSERT INTO reporunner.workflow (owner, name) VALUES ($1, $2)" \
	" ON CONFLICT (owner, name) DO NOTHING RETURNING id"
#define SQL_LATEST_VERSION \
	"SELECT version, definition = $3 FROM reporunner.workflow_version" \
	" WHERE workflow_id = $1 AND owner = $2 ORDER BY version DESC LIMIT 1"
#define SQL_GET_DEFINITION \
	"SELECT definition FROM reporunner.workflow_version" \
	" WHERE workflow_id = $1 AND owner = $2 AND version = $3"
#define SQL_SET_ACTIVE \
	"UPDATE reporunner.workflow SET active_version = $3, updated_at = now()" \
	" WHERE id = $1 AND owner = $2"
#define SQL_TOUCH \
	"UPDATE reporunner.workflow SET updated_at = now()" \
	" WHERE id = $1 AND owner = $2"
#define SQL_DELETE_WORKFLOW \
	"DELETE FROM reporunner.workflow WHERE id = $1 AND owner = $2"
/* The document $3 with the triggers of workflow $1, if it has any */
#define SQL_WITH_TRIGGERS \
	"SELECT $3 || jsonb_build_object('triggers', jsonb_agg(jsonb_build_object(" \
	" 'kind', kind, 'target', target, 'options', options) ORDER BY id))" \
	" FROM reporunner.trigger WHERE workflow_id = $1 AND owner = $2" \
	" HAVING count(*) > 0"

/* Shares are written as the table owner: $1 id, $2 grantee, $3 owner */
#define SQL_SHARE \
	"INSERT INTO reporunner.workflow_share (workflow_id, grantee, owner)" \
	" VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
#define SQL_UNSHARE \
	"DELETE FROM reporunner.workflow_share" \
	" WHERE workflow_id = $1 AND grantee = $2 AND owner = $3"

static SPIPlanPtr share_plan = NULL;
static SPIPlanPtr unshare_plan = NULL;

/* Inserts run as the table owner: $1 id, $2 version, $3 owner, $4 document */
#define SQL_INSERT_VERSION \
	"INSERT INTO reporunner.workflow_version" \
	" (workflow_id, version, owner, definition, created_by)" \
	" VALUES ($1, $2, $3, $4, $5)"
#define SQL_INSERT_NODES \
	"INSERT INTO reporunner.node (workflow_id, version, owner, name, position," \
	" type, params, retry, on_error, timeout, execute_once, always_output_data," \
	" disabled, notes)" \
	" SELECT $1, $2, $3, n->>'name', (t.ord - 1)::integer, n->>'type'," \
	" coalesce(n->'params', '{}'), n->'retry', coalesce(n->>'on_error', 'stop')," \
	" (n->>'timeout')::interval, coalesce((n->'execute_once')::boolean, false)," \
	" coalesce((n->'always_output_data')::boolean, false)," \
	" coalesce((n->'disabled')::boolean, false), n->>'notes'" \
	" FROM jsonb_array_elements($4->'nodes') WITH ORDINALITY AS t(n, ord)"
#define SQL_INSERT_EDGES \
	"INSERT INTO reporunner.edge (workflow_id, version, owner, from_node, output," \
	" to_node, input)" \
	" SELECT $1, $2, $3, c->>'from', coalesce(c->>'output', 'main'), c->>'to'," \
	" coalesce((c->'input')::integer, 0)" \
	" FROM jsonb_array_elements(coalesce($4->'connections', '[]')) AS c"

static int64
get_int64(int row, int col, bool *isnull)
{
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[row],
									   SPI_tuptable->tupdesc, col, isnull));
}

/* SQL_FIND_WORKFLOW, prepared once: execute() looks up names on every call */
static SPIPlanPtr find_workflow_plan = NULL;
static SPIPlanPtr find_own_plan = NULL;
static SPIPlanPtr find_any_owner_plan = NULL;

/*
 * find_own_workflow on Citus: the coordinator's own reporunner.workflow is
 * empty there (its rows are in the shards), so the index cannot be read.
 */
static bool
find_own_workflow_distributed(const char *name, RrWorkflowRef *ref)
{
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];
	bool		isnull;
	Oid			owner = rr_role_owner(GetUserId());

	/* on a worker node (a run there), the caller as the tables hold it */
	values[0] = ObjectIdGetDatum(owner);
	values[1] = CStringGetTextDatum(name);
	rr_store_run_kept(&find_own_plan, SQL_FIND_OWN_WORKFLOW, 2, argtypes,
					  values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return false;
	ref->id = get_int64(0, 1, &isnull);
	ref->owner = owner;
	ref->active_version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
													  SPI_tuptable->tupdesc, 2,
													  &isnull));
	if (isnull)
		ref->active_version = 0;
	return true;
}

/* Workflows by (owner, name), for find_own_workflow() */
static const char *const workflow_columns[] = {"owner", "name", "id",
"active_version"};
static RrTableLookup workflow_by_name =
RR_TABLE_LOOKUP("workflow", "workflow_owner_name_key", workflow_columns);

/*
 * The caller's own workflow called name, if it has one, straight from the
 * unique index on (owner, name), with the snapshot SPI would take.  Most
 * lookups are of this kind, and need nothing else checked: a role may
 * always act as itself.  Through SQL, with the row-level security policies
 * and a plan made once (often on a nearly empty table, so a sequential
 * scan), it was a sixth of a saved execute().
 */
static bool
find_own_workflow(const char *name, RrWorkflowRef *ref)
{
	Relation	rel;
	TupleDesc	desc;
	AttrNumber *attnums = workflow_by_name.attnums;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found = false;

	if (rr_store_on_citus())
		return find_own_workflow_distributed(name, ref);
	rel = rr_table_lookup_open(&workflow_by_name, AccessShareLock);
	desc = RelationGetDescr(rel);
	ScanKeyInit(&keys[0], attnums[0], BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(GetUserId()));
	ScanKeyEntryInitialize(&keys[1], 0, attnums[1], BTEqualStrategyNumber,
						   InvalidOid,
						   TupleDescAttr(desc, attnums[1] - 1)->attcollation,
						   F_TEXTEQ, CStringGetTextDatum(name));
	/* the snapshot a statement run through SPI here would have */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	UpdateActiveSnapshotCommandId();
	scan = systable_beginscan(rel, workflow_by_name.indexid, true,
							  GetActiveSnapshot(), 2, keys);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		bool		isnull;
		Datum		version;

		ref->id = DatumGetInt64(heap_getattr(tuple, attnums[2], desc, &isnull));
		ref->owner = GetUserId();
		version = heap_getattr(tuple, attnums[3], desc, &isnull);
		ref->active_version = isnull ? 0 : DatumGetInt32(version);
		found = true;
	}
	systable_endscan(scan);
	PopActiveSnapshot();
	table_close(rel, AccessShareLock);
	return found;
}

bool
rr_workflow_find_own(const char *name, RrWorkflowRef *ref)
{
	uint64		generation;

	if (rr_store_on_citus())
		return false;
	if (rr_workflow_cache_get(name, ref))
		return true;
	/* read before the lookup's snapshot is taken */
	generation = rr_workflow_generation();
	if (!find_own_workflow(name, ref))
		return false;
	rr_workflow_cache_put(workflow_by_name.relid, name, ref, generation);
	return true;
}

/* A SQL function's workflow name argument, never null (22004) */
char *
rr_workflow_name_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("workflow name must not be null")));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * Whether the caller may see the workflow on Citus, where its statements
 * run as the tables' owner: what has_owner_access and row-level security
 * decide on one server.  A workflow shared with the caller is found when
 * its owner is named, to run it.
 */
static bool
visible_when_distributed(int64 id, Oid owner, RrWorkflowAccess access,
						 Oid owner_only)
{
	if (rr_has_owner_access(GetUserId(), owner))
		return true;
	return OidIsValid(owner_only) && access == RR_WORKFLOW_RUN &&
		rr_is_shared_with(id, owner, GetUserId());
}

/*
 * Any workflow called name the caller may see, by SQL_FIND_WORKFLOW (on
 * Citus SQL_FIND_WORKFLOW_ANY_OWNER, the rows the caller may not see
 * skipped here)
 */
static bool
find_visible_workflow(const char *name, RrWorkflowAccess access,
					  Oid owner_only, RrWorkflowRef *ref)
{
	Oid			argtypes[4] = {TEXTOID, OIDOID, BOOLOID, OIDOID};
	Datum		values[4];
	bool		distributed = rr_store_on_citus();
	SPITupleTable *rows;
	uint64		nrows;
	uint64		row;
	RrWorkflowRef found[2];
	int			nfound = 0;

	values[0] = CStringGetTextDatum(name);
	values[1] = ObjectIdGetDatum(GetUserId());
	values[2] = BoolGetDatum(access != RR_WORKFLOW_RUN);
	values[3] = ObjectIdGetDatum(owner_only);
	if (distributed)
		rr_store_run_kept(&find_any_owner_plan, SQL_FIND_WORKFLOW_ANY_OWNER,
						  4, argtypes, values, NULL, SPI_OK_SELECT);
	else
		rr_store_run_kept(&find_workflow_plan, SQL_FIND_WORKFLOW, 4, argtypes,
						  values, NULL, SPI_OK_SELECT);
	rows = SPI_tuptable;
	nrows = SPI_processed;
	for (row = 0; row < nrows && nfound < 2; row++)
	{
		RrWorkflowRef *candidate = &found[nfound];
		bool		isnull;

		candidate->id = DatumGetInt64(SPI_getbinval(rows->vals[row],
													rows->tupdesc, 1, &isnull));
		candidate->owner = DatumGetObjectId(SPI_getbinval(rows->vals[row],
														  rows->tupdesc, 2,
														  &isnull));
		candidate->active_version = DatumGetInt32(SPI_getbinval(rows->vals[row],
																rows->tupdesc,
																3, &isnull));
		if (isnull)
			candidate->active_version = 0;
		if (!distributed ||
			visible_when_distributed(candidate->id, candidate->owner, access,
									 owner_only))
			nfound++;
	}
	if (nfound == 0)
		return false;

	if (nfound > 1 && found[0].owner != GetUserId())
		ereport(ERROR,
				(errcode(ERRCODE_AMBIGUOUS_PARAMETER),
				 errmsg("workflow name \"%s\" is ambiguous", name),
				 errdetail("Roles \"%s\" and \"%s\" both own a workflow of that name.",
						   GetUserNameFromId(found[0].owner, false),
						   GetUserNameFromId(found[1].owner, false)),
				 errhint("Use SET ROLE to act as the owner of the workflow you mean.")));

	*ref = found[0];
	return true;
}

bool
rr_workflow_find(const char *name, RrWorkflowAccess access, Oid owner_only,
				 RrWorkflowRef *ref)
{
	bool		own = owner_only == InvalidOid || owner_only == GetUserId();

	if (!(own && find_own_workflow(name, ref)) &&
		!find_visible_workflow(name, access, owner_only, ref))
		return false;

	if (access == RR_WORKFLOW_LOCK)
	{
		Oid			lockargtypes[2] = {INT8OID, OIDOID};
		Datum		lockvalues[2];

		/* the owner routes the lock to one shard on Citus */
		lockvalues[0] = Int64GetDatum(ref->id);
		lockvalues[1] = ObjectIdGetDatum(ref->owner);
		rr_store_run(SQL_LOCK_WORKFLOW, 2, lockargtypes, lockvalues,
					 SPI_OK_SELECT);
		if (SPI_processed != 1)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("workflow \"%s\" was deleted concurrently", name)));
	}
	return true;
}

void
rr_workflow_get(const char *name, RrWorkflowAccess access, Oid owner_only,
				RrWorkflowRef *ref)
{
	if (!rr_workflow_find(name, access, owner_only, ref))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("workflow \"%s\" does not exist", name)));
}

int32
rr_workflow_version_arg(FunctionCallInfo fcinfo, int argno, const char *name,
						const RrWorkflowRef *ref)
{
	if (!PG_ARGISNULL(argno))
		return PG_GETARG_INT32(argno);
	if (ref->active_version == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("workflow \"%s\" has no active version", name),
				 errhint("Pass a version number, or activate one with reporunner.activate_version().")));
	return ref->active_version;
}

/*
 * Return the saved document of a version, copied out of SPI's memory,
 * raising an error if the workflow has no such version.  The datum may be
 * in short or toasted form: detoast it only after SPI_finish, in the
 * caller's memory context.
 */
Datum
rr_workflow_definition(const char *name, const RrWorkflowRef *ref, int32 version)
{
	Oid			argtypes[3] = {INT8OID, OIDOID, INT4OID};
	Datum		values[3];
	bool		isnull;
	Datum		definition;

	values[0] = Int64GetDatum(ref->id);
	values[1] = ObjectIdGetDatum(ref->owner);
	values[2] = Int32GetDatum(version);
	rr_store_run(SQL_GET_DEFINITION, 3, argtypes, values, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("workflow \"%s\" has no version %d", name, version)));
	definition = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
							   1, &isnull);
	return SPI_datumTransfer(definition, false, -1);
}

/*
 * Insert a version with its nodes and edges.  Tenants cannot write these
 * tables, so the inserts run as the owner of reporunner.workflow_version
 * (the role that created the extension) in a security-restricted operation.
 * Only values from the already validated document and the caller's locked
 * workflow row are written.
 */
static void
insert_version(const RrWorkflowRef *ref, int32 version, Jsonb *definition)
{
	Oid			argtypes[5] = {INT8OID, INT4OID, OIDOID, JSONBOID, OIDOID};
	Datum		values[5];
	Oid			save_userid;
	int			save_sec_context;

	values[0] = Int64GetDatum(ref->id);
	values[1] = Int32GetDatum(version);
	values[2] = ObjectIdGetDatum(ref->owner);
	values[3] = JsonbPGetDatum(definition);
	values[4] = ObjectIdGetDatum(GetUserId());

	rr_store_become_owner(&save_userid, &save_sec_context);

	rr_store_run(SQL_INSERT_VERSION, 5, argtypes, values, SPI_OK_INSERT);
	rr_store_run(SQL_INSERT_NODES, 4, argtypes, values, SPI_OK_INSERT);
	rr_store_run(SQL_INSERT_EDGES, 4, argtypes, values, SPI_OK_INSERT);

	rr_store_restore_user(save_userid, save_sec_context);
}

/* Set the active version, or only the update time when version is 0. */
static void
touch_workflow(const RrWorkflowRef *ref, int32 version)
{
	Oid			argtypes[3] = {INT8OID, OIDOID, INT4OID};
	Datum		values[3];

	values[0] = Int64GetDatum(ref->id);
	values[1] = ObjectIdGetDatum(ref->owner);
	values[2] = Int32GetDatum(version);
	if (version > 0)
		rr_store_run(SQL_SET_ACTIVE, 3, argtypes, values, SPI_OK_UPDATE);
	else
		rr_store_run(SQL_TOUCH, 2, argtypes, values, SPI_OK_UPDATE);
	if (SPI_processed != 1)
		elog(ERROR, "workflow " INT64_FORMAT " was not updated", ref->id);
}

/*
 * Find the caller's workflow called name, creating it if there is none,
 * and lock it.
 */
static void
find_or_create_workflow(const char *name, RrWorkflowRef *ref)
{
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];
	bool		isnull;
	Oid			save_userid;
	int			save_sec_context;

	if (rr_workflow_find(name, RR_WORKFLOW_LOCK, InvalidOid, ref))
		return;

	/*
	 * As the table owner: the caller owns the row it creates, and on Citus
	 * the shard receives every column (the defaults evaluated), where the
	 * caller's column privileges (owner, name) would refuse it.
	 */
	values[0] = ObjectIdGetDatum(GetUserId());
	values[1] = CStringGetTextDatum(name);
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run(SQL_CREATE_WORKFLOW, 2, argtypes, values,
				 SPI_OK_INSERT_RETURNING);
	rr_store_restore_user(save_userid, save_sec_context);
	if (SPI_processed == 1)
	{
		ref->id = get_int64(0, 1, &isnull);
		ref->owner = GetUserId();
		ref->active_version = 0;
		/* a new owner's name, for the worker nodes of Citus */
		rr_owner_role_register(ref->owner);
		return;
	}
	/* another transaction created it first; its row is committed now */
	rr_workflow_get(name, RR_WORKFLOW_LOCK, InvalidOid, ref);
}

Datum
reporunner_validate_workflow(PG_FUNCTION_ARGS)
{
	rr_check_definition(PG_GETARG_JSONB_P(0));
	PG_RETURN_BOOL(true);
}

/* The number of triggers a document lists under "triggers" */
static int
count_triggers(Jsonb *definition)
{
	JsonbValue	key;
	JsonbValue *triggers;

	key.type = jbvString;
	key.val.string.val = "triggers";
	key.val.string.len = strlen("triggers");
	triggers = findJsonbValueFromContainer(&definition->root, JB_FOBJECT, &key);
	if (triggers == NULL || triggers->type != jbvBinary ||
		!JsonContainerIsArray(triggers->val.binary.data))
		return 0;
	return JsonContainerSize(triggers->val.binary.data);
}

int32
rr_workflow_save(const char *name, Jsonb *definition, bool activate,
				 const char *action, int64 *workflow_id)
{
	RrWorkflowRef ref;
	Oid			argtypes[3] = {INT8OID, OIDOID, JSONBOID};
	Datum		values[3];
	int32		version;
	bool		identical;
	int			nestlevel;

	rr_check_workflow_name(name);
	rr_check_definition(definition);
	/* a version is the document without the workflow's triggers */
	definition = DatumGetJsonbP(DirectFunctionCall2(jsonb_delete,
													JsonbPGetDatum(definition),
													CStringGetTextDatum("triggers")));

	nestlevel = rr_store_begin();
	find_or_create_workflow(name, &ref);

	values[0] = Int64GetDatum(ref.id);
	values[1] = ObjectIdGetDatum(ref.owner);
	values[2] = JsonbPGetDatum(definition);
	rr_store_run(SQL_LATEST_VERSION, 3, argtypes, values, SPI_OK_SELECT);
	version = rr_store_next_version(&identical);

	/*
	 * A version must load as a plan: build it now, so that whatever the
	 * node handlers check when they compile their params fails the save,
	 * never an execution (let alone a background worker) later.
	 */
	if (!identical)
	{
		RrAuditEntry entry = {0};

		insert_version(&ref, version, definition);
		(void) rr_plan_get(ref.id, version, ref.owner, name);
		entry.action = action;
		entry.object_kind = "workflow";
		entry.object_id = ref.id;
		entry.object_name = name;
		entry.owner = ref.owner;
		entry.from_version = version - 1;
		entry.to_version = version;
		rr_audit(&entry);
	}
	if (activate && ref.active_version != version)
		touch_workflow(&ref, version);
	else if (!identical)
		touch_workflow(&ref, 0);

	rr_store_end(nestlevel);
	if (workflow_id != NULL)
		*workflow_id = ref.id;
	return version;
}

Datum
reporunner_save_workflow(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Jsonb	   *definition = PG_GETARG_JSONB_P(1);
	int32		version;
	int			ntriggers = count_triggers(definition);

	version = rr_workflow_save(name, definition, PG_GETARG_BOOL(2), "save",
							   NULL);
	if (ntriggers > 0)
		ereport(NOTICE,
				(errmsg("save_workflow() does not make the triggers of the document"),
				 errdetail_plural("The document lists %d trigger; workflow \"%s\" was saved without it.",
								  "The document lists %d triggers; workflow \"%s\" was saved without them.",
								  ntriggers, ntriggers, name),
				 errhint("reporunner.import_workflow() saves a workflow and makes its triggers.")));
	PG_RETURN_INT32(version);
}

/*
 * The document with the triggers of the workflow, if it has any, copied
 * out of SPI's memory (still to be detoasted, as get_definition's).  Only
 * the caller's own row-level security decides which triggers it sees.
 */
static Datum
with_triggers(const RrWorkflowRef *ref, Datum definition)
{
	Oid			argtypes[3] = {INT8OID, OIDOID, JSONBOID};
	Datum		values[3];
	bool		isnull;

	values[0] = Int64GetDatum(ref->id);
	values[1] = ObjectIdGetDatum(ref->owner);
	values[2] = definition;
	rr_store_run(SQL_WITH_TRIGGERS, 3, argtypes, values, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return definition;
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, &isnull),
							 false, -1);
}

Datum
reporunner_export_workflow(PG_FUNCTION_ARGS)
{
	char	   *name;
	char	   *format;
	RrWorkflowRef ref;
	int32		version;
	Datum		definition;
	int			nestlevel;

	name = rr_workflow_name_arg(fcinfo, 0);
	format = PG_ARGISNULL(2) ? "native" : text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (strcmp(format, "native") != 0 && strcmp(format, "n8n") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown export format \"%s\"", format),
				 errhint("The formats are \"native\" and \"n8n\".")));

	nestlevel = rr_store_begin();
	rr_workflow_get(name, RR_WORKFLOW_MANAGE, InvalidOid, &ref);
	version = rr_workflow_version_arg(fcinfo, 1, name, &ref);
	definition = rr_workflow_definition(name, &ref, version);
	definition = with_triggers(&ref, definition);
	rr_store_end(nestlevel);

	if (strcmp(format, "n8n") == 0)
		definition = rr_n8n_export_document(definition, name);
	PG_RETURN_DATUM(definition);
}

Datum
reporunner_activate_version(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int32		version = PG_GETARG_INT32(1);
	RrWorkflowRef ref;
	int			nestlevel;

	nestlevel = rr_store_begin();
	rr_workflow_get(name, RR_WORKFLOW_LOCK, InvalidOid, &ref);
	(void) rr_workflow_definition(name, &ref, version);
	if (ref.active_version != version)
		touch_workflow(&ref, version);
	rr_store_end(nestlevel);

	PG_RETURN_VOID();
}

Datum
reporunner_delete_workflow(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	RrWorkflowRef ref;
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	int			nestlevel;

	nestlevel = rr_store_begin();
	rr_workflow_get(name, RR_WORKFLOW_LOCK, InvalidOid, &ref);
	rr_journal_forget_queued(ref.id, ref.owner);
	rr_registrations_forget_workflow(ref.id, ref.owner);
	values[0] = Int64GetDatum(ref.id);
	values[1] = ObjectIdGetDatum(ref.owner);
	rr_store_run(SQL_DELETE_WORKFLOW, 2, argtypes, values, SPI_OK_DELETE);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to delete workflow \"%s\"", name)));
	rr_store_end(nestlevel);

	PG_RETURN_VOID();
}

/*
 * Add or remove a share of the caller's workflow (shares are written as
 * the tables' owner once the caller's right to manage it is checked);
 * audited as action when it changed anything.
 */
static void
change_share(FunctionCallInfo fcinfo, SPIPlanPtr *plan, const char *sql,
			 int expected, const char *action)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Oid			grantee = PG_GETARG_OID(1);
	RrWorkflowRef ref;
	Oid			argtypes[3] = {INT8OID, OIDOID, OIDOID};
	Datum		values[3];
	int			nestlevel;

	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(grantee)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role with OID %u does not exist", grantee)));
	nestlevel = rr_store_begin();
	rr_workflow_get(name, RR_WORKFLOW_LOCK, InvalidOid, &ref);
	values[0] = Int64GetDatum(ref.id);
	values[1] = ObjectIdGetDatum(grantee);
	values[2] = ObjectIdGetDatum(ref.owner);
	rr_store_run_kept_as_owner(plan, sql, 3, argtypes, values, NULL,
							   expected);
	if (SPI_processed > 0)
	{
		RrAuditEntry entry = {0};
		StringInfoData details;

		initStringInfo(&details);
		rr_audit_detail(&details, "grantee", GetUserNameFromId(grantee, false));
		entry.action = action;
		entry.object_kind = "workflow";
		entry.object_id = ref.id;
		entry.object_name = name;
		entry.owner = ref.owner;
		entry.details = &details;
		rr_audit(&entry);
	}
	rr_store_end(nestlevel);
}

Datum
reporunner_share_workflow(PG_FUNCTION_ARGS)
{
	change_share(fcinfo, &share_plan, SQL_SHARE, SPI_OK_INSERT, "share");
	PG_RETURN_VOID();
}

Datum
reporunner_unshare_workflow(PG_FUNCTION_ARGS)
{
	change_share(fcinfo, &unshare_plan, SQL_UNSHARE, SPI_OK_DELETE,
				 "unshare");
	PG_RETURN_VOID();
}
