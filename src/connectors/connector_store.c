/*-------------------------------------------------------------------------
 *
 * connector_store.c
 *		The rows of reporunner.connector: save_connector(), and loading the
 *		definition a connector node uses.
 *
 * A connector is saved as versions, like a workflow: save_connector()
 * checks the whole definition (definition.c) and inserts the caller's next
 * version, or nothing when the definition equals the latest one.  Rows are
 * written as the tables' owner (tenants have SELECT only); shipped
 * connectors are rows without an owner, from the install script.  A new
 * version writes an audit row (save_connector, connector).
 * drop_connector() deletes every version of the caller's own connector
 * (audit row drop_connector), never a shipped one, and not while an active
 * workflow version of the caller's uses it: plans are built from the
 * latest definition in every process that runs the workflow, so the
 * workflow would fail, or silently take a shipped connector of that name,
 * at its next plan.  Nodes
 * load the latest version of the workflow owner's connector of that name,
 * else the shipped one, as the tables' owner, never by what the current
 * role may see.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/audit.h"
#include "catalog/pg_type_d.h"
#include "catalog/store.h"
#include "connectors/connector.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(reporunner_save_connector);
PG_FUNCTION_INFO_V1(reporunner_drop_connector);

/* $1 owner, $2 name, $3 definition: the latest version, and whether equal */
#define SQL_LATEST \
	"SELECT version, definition = $3 FROM reporunner.connector" \
	" WHERE owner = $1 AND name = $2 ORDER BY version DESC LIMIT 1"
#define SQL_INSERT \
	"INSERT INTO reporunner.connector (owner, name, version, definition," \
	" created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id"
/* the owner's own first, then the shipped one (owner NULL) */
#define SQL_LOAD \
	"SELECT definition FROM reporunner.connector" \
	" WHERE (owner = $1 OR owner IS NULL) AND name = $2" \
	" ORDER BY owner IS NULL, version DESC LIMIT 1"
/* $1 owner, $2 name (SQL_SHIPPED: $2 only): the owner's workflows whose active version uses it */
#define SQL_USERS \
	"SELECT DISTINCT w.name FROM reporunner.workflow w" \
	" JOIN reporunner.node n ON n.workflow_id = w.id AND n.owner = w.owner" \
	" AND n.version = w.active_version" \
	" WHERE w.owner = $1 AND n.type = 'connector'" \
	" AND n.params->>'connector' = $2 ORDER BY w.name"
#define SQL_DELETE \
	"DELETE FROM reporunner.connector WHERE owner = $1 AND name = $2" \
	" RETURNING id, version"
#define SQL_SHIPPED \
	"SELECT 1 FROM reporunner.connector WHERE owner IS NULL AND name = $2"
#define SQL_CREDENTIAL_TYPE \
	"SELECT type FROM reporunner.credential WHERE owner = $1 AND name = $2"

static SPIPlanPtr latest_plan = NULL;
static SPIPlanPtr insert_plan = NULL;
static SPIPlanPtr load_plan = NULL;
static SPIPlanPtr type_plan = NULL;
static SPIPlanPtr users_plan = NULL;
static SPIPlanPtr delete_plan = NULL;
static SPIPlanPtr shipped_plan = NULL;

/* Most workflows the error of drop_connector() names. */
#define MAX_USERS_NAMED		10

/*
 * The params of the connector node itself; an operation may not declare a
 * param of these names.
 */
static const char *const node_params[] = {"connector", "operation",
	"credential", "base_url", "timeout", "connect_timeout", "max_redirects",
	"verify_tls", "max_pages", "batch_size", "batch_interval", "proxy",
"path_style", NULL};

bool
rr_connector_is_node_param(const char *name)
{
	const char *const *p;

	for (p = node_params; *p != NULL; p++)
	{
		if (strcmp(*p, name) == 0)
			return true;
	}
	return false;
}

/*
 * save_connector(name text, definition jsonb) returns integer: the
 * caller's new version of the connector, or the latest one when the
 * definition equals it.
 */
Datum
reporunner_save_connector(PG_FUNCTION_ARGS)
{
	Oid			owner = GetUserId();
	Oid			argtypes[5] = {OIDOID, TEXTOID, JSONBOID, INT4OID, OIDOID};
	Datum		values[5];
	char	   *name;
	Jsonb	   *definition;
	int32		version;
	bool		identical;
	bool		isnull;
	int			nestlevel;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the name and definition of a connector may not be null")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	definition = PG_GETARG_JSONB_P(1);
	if (name[0] == '\0' || strlen(name) > RR_CONNECTOR_NAME_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid connector name \"%s\"", name),
				 errdetail("A connector name has 1 to %d bytes.",
						   RR_CONNECTOR_NAME_LEN)));
	rr_connector_check(name, definition);

	values[0] = ObjectIdGetDatum(owner);
	values[1] = CStringGetTextDatum(name);
	values[2] = JsonbPGetDatum(definition);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&latest_plan, SQL_LATEST, 3, argtypes, values,
							   NULL, SPI_OK_SELECT);
	version = rr_store_next_version(&identical);
	if (!identical)
	{
		Oid			insert_types[5] = {OIDOID, TEXTOID, INT4OID, JSONBOID,
		OIDOID};
		RrAuditEntry entry = {0};

		values[2] = Int32GetDatum(version);
		values[3] = JsonbPGetDatum(definition);
		values[4] = ObjectIdGetDatum(owner);
		rr_store_run_kept_as_owner(&insert_plan, SQL_INSERT, 5, insert_types,
								   values, NULL, SPI_OK_INSERT_RETURNING);
		entry.action = "save_connector";
		entry.object_kind = "connector";
		entry.object_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
													  SPI_tuptable->tupdesc, 1,
													  &isnull));
		entry.object_name = name;
		entry.owner = owner;
		entry.from_version = version - 1;
		entry.to_version = version;
		rr_audit(&entry);
	}
	rr_store_end(nestlevel);
	PG_RETURN_INT32(version);
}

/*
 * lookup
 *		The first column of the one row the statement (parameters owner and
 *		name) finds, as the tables' owner, copied and detoasted into the
 *		caller's memory context; NULL when it finds none.
 */
static struct varlena *
lookup(SPIPlanPtr *plan, const char *sql, Oid owner, const char *name)
{
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];
	struct varlena *result = NULL;
	MemoryContext caller = CurrentMemoryContext;
	int			nestlevel;

	values[0] = ObjectIdGetDatum(owner);
	values[1] = CStringGetTextDatum(name);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(plan, sql, 2, argtypes, values, NULL,
							   SPI_OK_SELECT);
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		datum = SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull);
		MemoryContext old = MemoryContextSwitchTo(caller);

		/* copied out before SPI_finish frees the result */
		result = PG_DETOAST_DATUM_COPY(datum);
		MemoryContextSwitchTo(old);
	}
	rr_store_end(nestlevel);
	return result;
}

/*
 * users_of
 *		The names of owner's workflows whose active version has a connector
 *		node of connector name, quoted and separated by commas (at most
 *		MAX_USERS_NAMED, then "..."), or NULL when there is none.  Runs
 *		inside the caller's rr_store_begin().
 */
static char *
users_of(Datum *values, Oid *argtypes, MemoryContext caller)
{
	StringInfoData buf;
	MemoryContext old;
	uint64		i;

	rr_store_run_kept_as_owner(&users_plan, SQL_USERS, 2, argtypes, values,
							   NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return NULL;
	old = MemoryContextSwitchTo(caller);
	initStringInfo(&buf);
	for (i = 0; i < SPI_processed && i < MAX_USERS_NAMED; i++)
		appendStringInfo(&buf, "%s\"%s\"", i > 0 ? ", " : "",
						 SPI_getvalue(SPI_tuptable->vals[i],
									  SPI_tuptable->tupdesc, 1));
	if (SPI_processed > MAX_USERS_NAMED)
		appendStringInfoString(&buf, ", ...");
	MemoryContextSwitchTo(old);
	return buf.data;
}

/*
 * drop_connector(name text) returns integer: every version of the
 * caller's own connector deleted, how many; 42704 when it has none (42501
 * when the name is only a shipped connector's), 2BP01 while an active
 * workflow version of the caller's uses it.
 */
Datum
reporunner_drop_connector(PG_FUNCTION_ARGS)
{
	Oid			owner = GetUserId();
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];
	MemoryContext caller = CurrentMemoryContext;
	char	   *name;
	char	   *users;
	uint64		deleted = 0;
	bool		shipped = false;
	int			nestlevel;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the name of a connector may not be null")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	values[0] = ObjectIdGetDatum(owner);
	values[1] = CStringGetTextDatum(name);
	nestlevel = rr_store_begin();
	users = users_of(values, argtypes, caller);
	if (users == NULL)
	{
		rr_store_run_kept_as_owner(&delete_plan, SQL_DELETE, 2, argtypes,
								   values, NULL, SPI_OK_DELETE_RETURNING);
		deleted = SPI_processed;
	}
	if (users == NULL && deleted > 0)
	{
		RrAuditEntry entry = {0};
		bool		isnull;
		uint64		i;

		entry.action = "drop_connector";
		entry.object_kind = "connector";
		entry.object_name = name;
		entry.owner = owner;
		/* the latest version's id and number */
		for (i = 0; i < deleted; i++)
		{
			int32		version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
															  SPI_tuptable->tupdesc,
															  2, &isnull));

			if (version > entry.from_version)
			{
				entry.from_version = version;
				entry.object_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
															  SPI_tuptable->tupdesc,
															  1, &isnull));
			}
		}
		rr_audit(&entry);
	}
	else if (users == NULL)
	{
		rr_store_run_kept_as_owner(&shipped_plan, SQL_SHIPPED, 2, argtypes,
								   values, NULL, SPI_OK_SELECT);
		shipped = SPI_processed > 0;
	}
	rr_store_end(nestlevel);

	if (users != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop connector \"%s\" because active workflows use it",
						name),
				 errdetail("The active versions of the workflows %s have connector nodes of it.",
						   users),
				 errhint("Deactivate those workflows, or save and activate versions without it, first.")));
	if (shipped)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("connector \"%s\" is shipped with Reporunner and cannot be dropped",
						name),
				 errhint("A connector of your own of that name would hide it: save_connector() saves one.")));
	if (deleted == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("connector \"%s\" does not exist", name),
				 errdetail("Role \"%s\" has no connector of that name.",
						   GetUserNameFromId(owner, false))));
	PG_RETURN_INT32((int32) deleted);
}

Jsonb *
rr_connector_load(Oid owner, const char *name)
{
	Jsonb	   *definition = (Jsonb *) lookup(&load_plan, SQL_LOAD, owner, name);

	if (definition == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("connector \"%s\" does not exist", name),
				 errhint("The view reporunner.connectors lists the connectors there are; save_connector() saves one.")));
	return definition;
}

char *
rr_connector_credential_type(Oid owner, const char *name)
{
	text	   *type = (text *) lookup(&type_plan, SQL_CREDENTIAL_TYPE, owner,
									   name);

	return type == NULL ? NULL : text_to_cstring(type);
}
