/*-------------------------------------------------------------------------
 *
 * audit.c
 *		The audit log: writing reporunner.audit, and prune_audit().
 *
 * Every function of the API that changes what runs (save_workflow(),
 * import_workflow(), shares, triggers, credentials, rotate_key(),
 * reassign_workflows(), and the trigger on reporunner.workflow that sees
 * activations, renames and deletions however they are made) writes its
 * row through rr_audit(), in the same transaction as the change.  Rows
 * are inserted as the tables' owner: tenants may only read their own
 * (row-level security), and nobody but the tables' owner and superusers
 * may insert, update or delete them.  Details never hold a secret or
 * items.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/audit.h"
#include "catalog/table_lookup.h"
#include "catalog/execute.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(reporunner_prune_audit);
PG_FUNCTION_INFO_V1(reporunner_audit_workflow);

#define SQL_AUDIT \
	"INSERT INTO reporunner.audit (session_role, acting_role, owner, action," \
	" object_kind, object_id, object_name, from_version, to_version, details)" \
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
#define SQL_PRUNE \
	"DELETE FROM reporunner.audit WHERE at < pg_catalog.statement_timestamp() - $1"

static SPIPlanPtr audit_plan = NULL;
static SPIPlanPtr prune_plan = NULL;

void
rr_audit(const RrAuditEntry *entry)
{
	Oid			argtypes[10] = {TEXTOID, TEXTOID, OIDOID, TEXTOID, TEXTOID,
	INT8OID, TEXTOID, INT4OID, INT4OID, JSONBOID};
	Datum		values[10];
	char		nulls[10];
	const char *details = "{}";
	int			nestlevel;

	memset(nulls, ' ', sizeof(nulls));
	values[0] = CStringGetTextDatum(rr_audit_role_name(GetSessionUserId()));
	values[1] = CStringGetTextDatum(rr_audit_role_name(GetUserId()));
	values[2] = ObjectIdGetDatum(entry->owner);
	values[3] = CStringGetTextDatum(entry->action);
	values[4] = CStringGetTextDatum(entry->object_kind);
	values[5] = Int64GetDatum(entry->object_id);
	nulls[5] = entry->object_id == 0 ? 'n' : ' ';
	values[6] = entry->object_name ? CStringGetTextDatum(entry->object_name) : (Datum) 0;
	nulls[6] = entry->object_name == NULL ? 'n' : ' ';
	values[7] = Int32GetDatum(entry->from_version);
	nulls[7] = entry->from_version == 0 ? 'n' : ' ';
	values[8] = Int32GetDatum(entry->to_version);
	nulls[8] = entry->to_version == 0 ? 'n' : ' ';
	if (entry->details != NULL && entry->details->len > 0)
		details = psprintf("%s}", entry->details->data);
	values[9] = DirectFunctionCall1(jsonb_in, CStringGetDatum(details));

	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&audit_plan, SQL_AUDIT, 10, argtypes, values,
							   nulls, SPI_OK_INSERT);
	rr_store_end(nestlevel);
}

char *
rr_audit_role_name(Oid role)
{
	char	   *name = GetUserNameFromId(role, true);

	return name != NULL ? name : psprintf("%u", role);
}

/* The key of the next member of details, after "{" or ", " */
static void
detail_key(StringInfo details, const char *key)
{
	appendStringInfoString(details, details->len == 0 ? "{" : ", ");
	escape_json(details, key);
	appendStringInfoString(details, ": ");
}

void
rr_audit_detail(StringInfo details, const char *key, const char *value)
{
	detail_key(details, key);
	if (value == NULL)
		appendStringInfoString(details, "null");
	else
		escape_json(details, value);
}

void
rr_audit_detail_int(StringInfo details, const char *key, int64 value)
{
	detail_key(details, key);
	appendStringInfo(details, INT64_FORMAT, value);
}

void
rr_audit_detail_jsonb(StringInfo details, const char *key, Jsonb *value)
{
	detail_key(details, key);
	(void) JsonbToCString(details, &value->root, VARSIZE(value));
}

/*
 * AFTER UPDATE OF name, active_version OR DELETE trigger of
 * reporunner.workflow, for each row: activations, renames and deletions,
 * whether delete_workflow(), activate_version(), save_workflow() or a
 * tenant's own UPDATE or DELETE made them.
 */
Datum
reporunner_audit_workflow(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	HeapTuple	old;
	bool		isnull;
	int64		id;
	Oid			owner;
	char	   *old_name;
	int32		old_version;
	int			name_attno;
	int			version_attno;
	RrAuditEntry entry = {0};

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		!rr_table_is_ours(RelationGetRelid(trigdata->tg_relation)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("reporunner.audit_workflow() must be fired after UPDATE or DELETE on reporunner.workflow, for each row")));
	desc = RelationGetDescr(trigdata->tg_relation);
	old = trigdata->tg_trigtuple;
	name_attno = SPI_fnumber(desc, "name");
	version_attno = SPI_fnumber(desc, "active_version");
	id = DatumGetInt64(heap_getattr(old, SPI_fnumber(desc, "id"), desc, &isnull));
	owner = DatumGetObjectId(heap_getattr(old, SPI_fnumber(desc, "owner"), desc,
										  &isnull));
	old_name = TextDatumGetCString(heap_getattr(old, name_attno, desc, &isnull));
	old_version = DatumGetInt32(heap_getattr(old, version_attno, desc, &isnull));
	if (isnull)
		old_version = 0;

	entry.object_kind = "workflow";
	entry.object_id = id;
	entry.owner = owner;
	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		entry.action = "delete";
		entry.object_name = old_name;
		entry.from_version = old_version;
		rr_audit(&entry);
	}
	else
	{
		HeapTuple	new = trigdata->tg_newtuple;
		int32		new_version;

		entry.object_name = TextDatumGetCString(heap_getattr(new, name_attno,
															 desc, &isnull));
		new_version = DatumGetInt32(heap_getattr(new, version_attno, desc,
												 &isnull));
		if (isnull)
			new_version = 0;
		if (strcmp(old_name, entry.object_name) != 0)
		{
			StringInfoData details;

			initStringInfo(&details);
			rr_audit_detail(&details, "old_name", old_name);
			entry.action = "rename";
			entry.details = &details;
			rr_audit(&entry);
			entry.details = NULL;
		}
		if (old_version != new_version)
		{
			entry.action = new_version == 0 ? "deactivate" : "activate";
			entry.from_version = old_version;
			entry.to_version = new_version;
			rr_audit(&entry);
		}
	}
	return PointerGetDatum(NULL);
}

/*
 * prune_audit(older_than): delete the audit rows written longer ago than
 * older_than; for superusers and reporunner_admin.  The pruning itself is
 * audited.  Returns how many rows went.
 */
Datum
reporunner_prune_audit(PG_FUNCTION_ARGS)
{
	Interval   *older_than = PG_GETARG_INTERVAL_P(0);
	Oid			argtypes[1] = {INTERVALOID};
	Datum		values[1];
	uint64		deleted;
	float8		seconds;
	int			nestlevel;
	StringInfoData details;
	RrAuditEntry entry = {0};

	seconds = rr_prune_arg(older_than, "the audit log");
	values[0] = IntervalPGetDatum(older_than);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&prune_plan, SQL_PRUNE, 1, argtypes, values,
							   NULL, SPI_OK_DELETE);
	deleted = SPI_processed;
	rr_store_end(nestlevel);

	initStringInfo(&details);
	rr_audit_detail_int(&details, "older_than_seconds", (int64) seconds);
	rr_audit_detail_int(&details, "deleted", (int64) deleted);
	entry.action = "prune_audit";
	entry.object_kind = "audit";
	entry.owner = GetUserId();
	entry.details = &details;
	rr_audit(&entry);
	PG_RETURN_INT64((int64) deleted);
}
