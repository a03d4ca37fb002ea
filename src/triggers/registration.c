/*-------------------------------------------------------------------------
 *
 * registration.c
 *		Registrations of what starts workflows: writing them, drop_trigger(),
 *		and the cleanup of each kind when one is deleted.
 *
 * A registration is a row of reporunner.trigger, written here as the
 * tables' owner once the caller's right to make it has been checked.
 * Whatever deletes it (drop_trigger(), delete_workflow() through the
 * foreign key, the sql_drop event trigger of table triggers) fires
 * reporunner.forget_trigger(), which removes what the registration made:
 * the PostgreSQL triggers of a table trigger, the pg_cron job of a
 * schedule, the LISTEN of a NOTIFY trigger (its listener is woken).
 *
 * On Citus (src/triggers/README.md) every statement names the owner, and
 * forget_trigger() fires on the shard, on a worker node, where none of
 * what a registration made is: there it does nothing, and the statements
 * here that delete registrations forget them themselves, on the
 * coordinator (rr_registration_deleted()).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/audit.h"
#include "catalog/pg_type.h"
#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "catalog/namespace.h"
#include "catalog/workflow_cache.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "triggers/triggers.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "worker/worker.h"

PG_FUNCTION_INFO_V1(reporunner_drop_trigger);
PG_FUNCTION_INFO_V1(reporunner_forget_trigger);

#define SQL_REGISTER \
	"INSERT INTO reporunner.trigger (workflow_id, owner, kind, target," \
	" options, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
/* registration $1 of kind $2, of owner $3 (SQL_REGISTRATION_ANY: unknown) */
#define SQL_REGISTRATION_ANY \
	"SELECT t.workflow_id, t.owner, t.created_by, w.name, w.active_version," \
	" t.options FROM reporunner.trigger t JOIN reporunner.workflow w" \
	" ON w.id = t.workflow_id AND w.owner = t.owner" \
	" WHERE t.id = $1 AND t.kind = $2"
#define SQL_REGISTRATION SQL_REGISTRATION_ANY " AND t.owner = $3"
/* the owner of registration $1, if the caller sees it (one server: RLS) */
#define SQL_VISIBLE_TRIGGER \
	"SELECT owner FROM reporunner.trigger WHERE id = $1"
/* the registrations of workflow $1 (owner $2) */
#define SQL_WORKFLOW_REGISTRATIONS \
	"SELECT id, kind FROM reporunner.trigger" \
	" WHERE workflow_id = $1 AND owner = $2"
#define SQL_UNREGISTER \
	"WITH t AS (DELETE FROM reporunner.trigger WHERE id = $1 AND owner = $2" \
	" RETURNING " RR_SQL_DELETED_REGISTRATION ")" \
	" SELECT t.*, w.name FROM t JOIN reporunner.workflow w" \
	" ON w.id = t.workflow_id AND w.owner = t.owner"

static SPIPlanPtr register_plan = NULL;
static SPIPlanPtr registration_plan = NULL;
static SPIPlanPtr registration_any_plan = NULL;
static SPIPlanPtr visible_trigger_plan = NULL;
static SPIPlanPtr unregister_plan = NULL;
static SPIPlanPtr workflow_registrations_plan = NULL;

void
rr_registration_workflow(const char *name, bool queues, RrWorkflowRef *ref)
{
	int			nestlevel;

	nestlevel = rr_store_begin();
	rr_workflow_get(name, RR_WORKFLOW_RUN, InvalidOid, ref);
	rr_store_end(nestlevel);
	rr_check_run_as(GetUserId(), ref->owner, ref->id, name, true, RR_RUN_QUEUE);
	/* refuses at once when no worker could run what it starts */
	if (queues)
		rr_worker_wake_at_commit();
}

/*
 * The audit row of a registration made or deleted: its kind, its target
 * and its options, but not the input items of a schedule.
 */
static void
audit_registration(const char *action, int64 id, Oid owner,
				   const char *workflow, const char *kind,
				   const char *target, Jsonb *options)
{
	RrAuditEntry entry = {0};
	StringInfoData details;

	initStringInfo(&details);
	rr_audit_detail(&details, "kind", kind);
	rr_audit_detail(&details, "target", target);
	rr_audit_detail_jsonb(&details, "options",
						  DatumGetJsonbP(DirectFunctionCall2(jsonb_delete,
															 JsonbPGetDatum(options),
															 CStringGetTextDatum("input"))));
	entry.action = action;
	entry.object_kind = "trigger";
	entry.object_id = id;
	entry.object_name = workflow;
	entry.owner = owner;
	entry.details = &details;
	rr_audit(&entry);
}

/*
 * forget
 *		Remove what registration id of kind made.
 */
static void
forget(int64 id, const char *kind)
{
	if (strcmp(kind, "table") == 0)
		rr_table_trigger_drop(id);
	else if (strcmp(kind, "schedule") == 0)
		rr_schedule_drop(id);
	else if (strcmp(kind, "notify") == 0)
		rr_notify_drop(id);
}

void
rr_registration_deleted(void)
{
	SPITupleTable *rows = SPI_tuptable;
	uint64		nrows = SPI_processed;
	uint64		row;

	for (row = 0; row < nrows; row++)
	{
		HeapTuple	tuple = rows->vals[row];
		TupleDesc	desc = rows->tupdesc;
		bool		isnull;

		audit_registration("drop_trigger",
						   DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull)),
						   DatumGetObjectId(SPI_getbinval(tuple, desc, 2, &isnull)),
						   SPI_getvalue(tuple, desc, 7),
						   SPI_getvalue(tuple, desc, 3),
						   SPI_getvalue(tuple, desc, 4),
						   DatumGetJsonbP(SPI_getbinval(tuple, desc, 5, &isnull)));
		/* on one server, forget_trigger() did it */
		if (rr_store_on_citus())
			forget(DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull)),
				   SPI_getvalue(tuple, desc, 3));
	}
}

void
rr_registrations_forget_workflow(int64 workflow_id, Oid owner)
{
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	int			nestlevel;
	int64	   *ids;
	char	  **kinds;
	uint64		n;
	uint64		row;

	if (!rr_store_on_citus())
		return;
	values[0] = Int64GetDatum(workflow_id);
	values[1] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&workflow_registrations_plan,
							   SQL_WORKFLOW_REGISTRATIONS, 2, argtypes, values,
							   NULL, SPI_OK_SELECT);
	/* kept apart: forgetting one runs statements of its own */
	n = SPI_processed;
	ids = palloc(sizeof(int64) * Max(n, 1));
	kinds = palloc(sizeof(char *) * Max(n, 1));
	for (row = 0; row < n; row++)
	{
		bool		isnull;

		ids[row] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[row],
											   SPI_tuptable->tupdesc, 1,
											   &isnull));
		kinds[row] = SPI_getvalue(SPI_tuptable->vals[row],
								  SPI_tuptable->tupdesc, 2);
	}
	for (row = 0; row < n; row++)
		forget(ids[row], kinds[row]);
	rr_store_end(nestlevel);
}

int64
rr_registration_insert(const RrWorkflowRef *ref, const char *workflow,
					   const char *kind, const char *target, Jsonb *options)
{
	Oid			argtypes[6] = {INT8OID, OIDOID, TEXTOID, TEXTOID, JSONBOID, OIDOID};
	Datum		values[6];
	bool		isnull;
	int64		id;
	int			nestlevel;

	values[0] = Int64GetDatum(ref->id);
	values[1] = ObjectIdGetDatum(ref->owner);
	values[2] = CStringGetTextDatum(kind);
	values[3] = CStringGetTextDatum(target);
	values[4] = JsonbPGetDatum(options);
	values[5] = ObjectIdGetDatum(GetUserId());
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&register_plan, SQL_REGISTER, 6, argtypes,
							   values, NULL, SPI_OK_INSERT_RETURNING);
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
									 SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	audit_registration("register_trigger", id, ref->owner, workflow, kind,
					   target, options);
	return id;
}

/*
 * read_registration
 *		rr_registration_read() with the owner, or without it (InvalidOid).
 */
static bool
read_registration(int64 id, Oid owner, const char *kind,
				  RrRegistration *registration)
{
	MemoryContext caller = CurrentMemoryContext;
	Oid			argtypes[3] = {INT8OID, TEXTOID, OIDOID};
	Datum		values[3];
	HeapTuple	row;
	TupleDesc	desc;
	Datum		options;
	bool		isnull;
	int			nestlevel;

	values[0] = Int64GetDatum(id);
	values[1] = CStringGetTextDatum(kind);
	values[2] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	if (OidIsValid(owner))
		rr_store_run_kept_as_owner(&registration_plan, SQL_REGISTRATION, 3,
								   argtypes, values, NULL, SPI_OK_SELECT);
	else
		rr_store_run_kept_as_owner(&registration_any_plan,
								   SQL_REGISTRATION_ANY, 2, argtypes, values,
								   NULL, SPI_OK_SELECT);
	if (SPI_processed != 1)
	{
		rr_store_end(nestlevel);
		return false;
	}
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	registration->id = id;
	registration->workflow_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
	registration->owner = DatumGetObjectId(SPI_getbinval(row, desc, 2, &isnull));
	registration->created_by = DatumGetObjectId(SPI_getbinval(row, desc, 3, &isnull));
	/* copied out of SPI's memory, which rr_store_end releases */
	registration->workflow = MemoryContextStrdup(caller, SPI_getvalue(row, desc, 4));
	registration->version = DatumGetInt32(SPI_getbinval(row, desc, 5, &isnull));
	if (isnull)
		registration->version = 0;
	options = SPI_datumTransfer(SPI_getbinval(row, desc, 6, &isnull), false, -1);
	rr_store_end(nestlevel);
	/* detoasted only now: a copy made while SPI is open goes with it */
	registration->options = DatumGetJsonbP(options);
	return true;
}

/*
 * On Citus, the owners of the registrations this backend read, by id: a
 * table trigger's firing and pg_cron's fire_schedule() know the id only,
 * and a read by id alone goes to every shard, at every row a row trigger
 * fires for.  A registration's owner changes only when
 * reassign_workflows() gives it away, and its id is never used again; an
 * entry that no longer holds finds nothing, and the read by id alone runs.
 */
typedef struct OwnerEntry
{
	int64		id;				/* the key */
	Oid			owner;
} OwnerEntry;

static HTAB *owners = NULL;

static Oid
cached_owner(int64 id)
{
	OwnerEntry *entry;

	if (owners == NULL)
		return InvalidOid;
	entry = hash_search(owners, &id, HASH_FIND, NULL);
	return entry != NULL ? entry->owner : InvalidOid;
}

static void
remember_owner(int64 id, Oid owner)
{
	if (owners == NULL)
	{
		HASHCTL		ctl = {0};

		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(OwnerEntry);
		owners = hash_create("reporunner registration owners", 64, &ctl,
							 HASH_ELEM | HASH_BLOBS);
	}
	((OwnerEntry *) hash_search(owners, &id, HASH_ENTER, NULL))->owner = owner;
}

/*
 * On one server, the registrations read by id alone (a table trigger's
 * firing, at every row; a schedule's; a channel's), kept between
 * transactions as src/catalog/workflow_cache.c keeps workflows: while the
 * generation of reporunner.trigger and reporunner.workflow, read before
 * the read's snapshot, has not moved.  When it moves, all of them go.
 */
typedef struct KeptRegistration
{
	int64		id;				/* the key */
	char		kind[NAMEDATALEN];
	RrRegistration registration;	/* its strings in the kept context */
} KeptRegistration;

static RrKept registrations_kept =
RR_KEPT("Reporunner registrations by id", int64, KeptRegistration);

/* registration with its strings copied into context */
static void
copy_registration(RrRegistration *to, const RrRegistration *from,
				  MemoryContext context)
{
	*to = *from;
	to->workflow = MemoryContextStrdup(context, from->workflow);
	to->options = MemoryContextAlloc(context, VARSIZE(from->options));
	memcpy(to->options, from->options, VARSIZE(from->options));
}

/* read_registration() by id alone, through the kept registrations */
static bool
read_kept_registration(int64 id, const char *kind,
					   RrRegistration *registration)
{
	uint64		generation = rr_workflow_generation();
	KeptRegistration *entry;

	if (generation == 0 || strlen(kind) >= NAMEDATALEN)
		return read_registration(id, InvalidOid, kind, registration);
	entry = hash_search(rr_kept_table(&registrations_kept, generation), &id,
						HASH_FIND, NULL);
	if (entry == NULL)
	{
		/* read with a snapshot taken after the generation was */
		if (!read_registration(id, InvalidOid, kind, registration))
			return false;
		entry = hash_search(rr_kept_table(&registrations_kept, generation),
							&id, HASH_ENTER, NULL);
		strlcpy(entry->kind, kind, sizeof(entry->kind));
		copy_registration(&entry->registration, registration,
						  registrations_kept.context);
	}
	else if (strcmp(entry->kind, kind) != 0)
		return false;
	else
		copy_registration(registration, &entry->registration,
						  CurrentMemoryContext);
	/* its workflow existed then: rr_version_hold() need not look again */
	rr_workflow_found(registration->workflow_id, generation);
	return true;
}

bool
rr_registration_read(int64 id, Oid owner, const char *kind,
					 RrRegistration *registration)
{
	Oid			known;

	if (!OidIsValid(owner) && !rr_store_on_citus())
		return read_kept_registration(id, kind, registration);
	if (OidIsValid(owner) || !rr_store_on_citus())
		return read_registration(id, owner, kind, registration);
	known = cached_owner(id);
	if (OidIsValid(known) && read_registration(id, known, kind, registration))
		return true;
	if (!read_registration(id, InvalidOid, kind, registration))
		return false;
	remember_owner(id, registration->owner);
	return true;
}

RrPlan *
rr_registration_plan(const RrRegistration *registration, RrRunPath path)
{
	if (registration->version == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("workflow \"%s\" has no active version",
						registration->workflow),
				 errdetail("Trigger " INT64_FORMAT " starts it.", registration->id),
				 errhint("Activate a version with reporunner.activate_version(), or remove the trigger with reporunner.drop_trigger().")));
	rr_check_run_as(registration->created_by, registration->owner,
					registration->workflow_id, registration->workflow, true,
					path);
	return rr_plan_get(registration->workflow_id, registration->version,
					   registration->owner, registration->workflow);
}

/* The value of option key, or NULL when the options do not have it */
static JsonbValue *
find_option(const RrRegistration *registration, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	return findJsonbValueFromContainer(&registration->options->root,
									   JB_FOBJECT, &k);
}

Jsonb *
rr_registration_option_jsonb(const RrRegistration *registration,
							 const char *key)
{
	JsonbValue *v = find_option(registration, key);

	return v == NULL || v->type == jbvNull ? NULL : JsonbValueToJsonb(v);
}

char *
rr_registration_option(const RrRegistration *registration, const char *key)
{
	JsonbValue *v = find_option(registration, key);

	if (v == NULL || v->type != jbvString)
		return NULL;
	return pnstrdup(v->val.string.val, v->val.string.len);
}

void
rr_registration_delete(int64 id, Oid owner)
{
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	int			nestlevel;

	values[0] = Int64GetDatum(id);
	values[1] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&unregister_plan, SQL_UNREGISTER, 2, argtypes,
							   values, NULL, SPI_OK_SELECT);
	rr_registration_deleted();
	rr_store_end(nestlevel);
}

void
rr_registration_run_as_caller(const char *sql, int nargs, Oid *argtypes,
							  Datum *values, int expected)
{
	int			ret = SPI_execute_with_args(sql, nargs, argtypes, values, NULL,
											false, 0);

	if (ret != expected)
		elog(ERROR, "SPI_execute_with_args failed: %s",
			 SPI_result_code_string(ret));
}

/*
 * drop_trigger(id): delete a registration the caller may see; what it
 * made goes with it (forget_trigger()).  On one server row-level security
 * decides; on Citus, where the statement runs as the tables' owner (a
 * read of every shard: off the hot path), the same rule is checked here.
 */
Datum
reporunner_drop_trigger(PG_FUNCTION_ARGS)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	int			nestlevel;
	Oid			owner = InvalidOid;

	values[0] = PG_GETARG_DATUM(0);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&visible_trigger_plan, SQL_VISIBLE_TRIGGER, 1, argtypes,
					  values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 1)
	{
		bool		isnull;

		owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
											   SPI_tuptable->tupdesc, 1,
											   &isnull));
	}
	rr_store_end(nestlevel);
	if (!OidIsValid(owner) || !rr_has_owner_access(GetUserId(), owner))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("trigger " INT64_FORMAT " does not exist",
						PG_GETARG_INT64(0))));
	rr_registration_delete(PG_GETARG_INT64(0), owner);
	PG_RETURN_VOID();
}

/*
 * AFTER DELETE trigger of reporunner.trigger, for each row: remove what
 * the registration made.
 */
Datum
reporunner_forget_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	bool		isnull;
	int64		id;
	char	   *kind;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("reporunner.forget_trigger() must be fired by DELETE on reporunner.trigger, for each row")));
	/* fired on a Citus shard: the deleter forgets (rr_registration_deleted) */
	if (RelationGetRelid(trigdata->tg_relation) !=
		get_relname_relid("trigger", get_namespace_oid("reporunner", false)))
		return PointerGetDatum(NULL);
	desc = RelationGetDescr(trigdata->tg_relation);
	id = DatumGetInt64(heap_getattr(trigdata->tg_trigtuple,
									SPI_fnumber(desc, "id"), desc, &isnull));
	kind = TextDatumGetCString(heap_getattr(trigdata->tg_trigtuple,
											SPI_fnumber(desc, "kind"), desc,
											&isnull));
	forget(id, kind);
	return PointerGetDatum(NULL);
}
