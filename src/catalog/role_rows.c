/*-------------------------------------------------------------------------
 *
 * role_rows.c
 *		The rows a role owns in Reporunner when the role goes away.
 *
 * The owner column of Reporunner's tables holds a role's OID, which
 * PostgreSQL's own dependency tracking does not know: DROP ROLE would
 * leave the rows behind, owned by nobody (and by whichever role is later
 * created with the same OID).  So, as PostgreSQL does for the objects a
 * role owns:
 *
 *	- DROP ROLE of a role that owns workflows, credentials or connectors in
 *	  the current database fails (SQLSTATE 2BP01), saying how many and what
 *	  to do.
 *	  Other databases cannot be read from here: drop the rows there first.
 *	- reporunner.reassign_workflows(from, to), like REASSIGN OWNED, hands
 *	  every row of one role to another in one statement: workflows with
 *	  their versions, graphs, shares, executions, steps, queue entries,
 *	  triggers, dedup keys, connectors, ai_agent turns and credentials
 *	  (sealed anew for their new owner, src/crypto/credential.c).  The
 *	  caller needs the privileges of both roles (a superuser has them).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/audit.h"
#include "catalog/pg_type.h"
#include "catalog/role_rows.h"
#include "catalog/store.h"
#include "crypto/credential.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(reporunner_reassign_workflows);

/* What role $1 owns: workflows, credentials and connectors */
#define SQL_OWNED \
	"SELECT (SELECT count(*) FROM reporunner.workflow WHERE owner = $1)," \
	" (SELECT count(*) FROM reporunner.credential WHERE owner = $1)," \
	" (SELECT count(DISTINCT name) FROM reporunner.connector WHERE owner = $1)"

/*
 * Every row of $1 to $2, in one statement: the foreign keys on
 * (workflow_id, owner) are checked at its end, when parents and children
 * agree again.
 */
#define SQL_REASSIGN \
	"WITH w AS (UPDATE reporunner.workflow SET owner = $2 WHERE owner = $1 RETURNING id)," \
	" v AS (UPDATE reporunner.workflow_version SET owner = $2 WHERE owner = $1)," \
	" n AS (UPDATE reporunner.node SET owner = $2 WHERE owner = $1)," \
	" ed AS (UPDATE reporunner.edge SET owner = $2 WHERE owner = $1)," \
	" sh AS (UPDATE reporunner.workflow_share SET owner = $2 WHERE owner = $1)," \
	" ex AS (UPDATE reporunner.execution SET owner = $2 WHERE owner = $1)," \
	" st AS (UPDATE reporunner.step_journal SET owner = $2 WHERE owner = $1)," \
	" q AS (UPDATE reporunner.queue SET owner = $2 WHERE owner = $1)," \
	" t AS (UPDATE reporunner.trigger SET owner = $2 WHERE owner = $1)," \
	" d AS (UPDATE reporunner.dedup_key SET owner = $2 WHERE owner = $1)," \
	" c AS (UPDATE reporunner.connector SET owner = $2 WHERE owner = $1)," \
	" a AS (UPDATE reporunner.agent_turn SET owner = $2 WHERE owner = $1)" \
	" SELECT count(*) FROM w"

/* On Citus: whether Reporunner's tables are distributed (docs/scaling.md) */
#define SQL_DISTRIBUTED \
	"SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_partition" \
	" WHERE logicalrelid = 'reporunner.workflow'::pg_catalog.regclass)"

static SPIPlanPtr owned_plan = NULL;
static SPIPlanPtr reassign_plan = NULL;

/*
 * Whether the tables are distributed by Citus: then a row's owner, their
 * distribution column, cannot change (its rows would have to move to
 * another shard, maybe another node).
 */
static bool
tables_distributed(void)
{
	bool		distributed;
	bool		isnull;
	int			nestlevel;

	if (!rr_store_on_citus())
		return false;
	nestlevel = rr_store_begin();
	rr_store_run(SQL_DISTRIBUTED, 0, NULL, NULL, SPI_OK_SELECT);
	distributed = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
											 SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	return distributed;
}

void
rr_role_rows_check_utility(Node *utility)
{
	DropRoleStmt *stmt;
	ListCell   *lc;

	if (!IsA(utility, DropRoleStmt) ||
		!OidIsValid(get_extension_oid("reporunner", true)))
		return;
	stmt = (DropRoleStmt *) utility;
	foreach(lc, stmt->roles)
	{
		RoleSpec   *spec = lfirst(lc);
		Oid			role = get_rolespec_oid(spec, true);
		Oid			argtypes[1] = {OIDOID};
		Datum		values[1];
		int64		workflows;
		int64		credentials;
		int64		connectors;
		bool		isnull;
		int			nestlevel;

		if (!OidIsValid(role))
			continue;			/* DROP ROLE itself reports it */
		values[0] = ObjectIdGetDatum(role);
		nestlevel = rr_store_begin();
		rr_store_run_kept_as_owner(&owned_plan, SQL_OWNED, 1, argtypes,
								   values, NULL, SPI_OK_SELECT);
		workflows = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 1,
												&isnull));
		credentials = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 2,
												  &isnull));
		connectors = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												 SPI_tuptable->tupdesc, 3,
												 &isnull));
		rr_store_end(nestlevel);
		if (workflows > 0 || credentials > 0 || connectors > 0)
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("role \"%s\" cannot be dropped because it owns Reporunner workflows, credentials or connectors",
							get_rolespec_name(spec)),
					 errdetail("It owns " INT64_FORMAT " workflows, " INT64_FORMAT " credentials and " INT64_FORMAT " connectors in database \"%s\".",
							   workflows, credentials, connectors,
							   get_database_name(MyDatabaseId)),
					 errhint("Give them to another role with reporunner.reassign_workflows(), or delete them, first; do the same in every other database where the role owns some.")));
	}
}

/*
 * The audit rows of a reassignment: one for each role, so that both see
 * it.
 */
static void
audit_reassign(Oid from, Oid to, int64 moved)
{
	RrAuditEntry entry = {0};
	StringInfoData details;

	initStringInfo(&details);
	rr_audit_detail(&details, "to", rr_audit_role_name(to));
	rr_audit_detail_int(&details, "workflows", moved);
	entry.action = "reassign";
	entry.object_kind = "role";
	entry.object_name = rr_audit_role_name(from);
	entry.owner = from;
	entry.details = &details;
	rr_audit(&entry);
	if (to != from)
	{
		entry.owner = to;
		rr_audit(&entry);
	}
}

/*
 * reassign_workflows(from regrole, to regrole): every Reporunner row of
 * one role to another; returns how many workflows moved.
 */
Datum
reporunner_reassign_workflows(PG_FUNCTION_ARGS)
{
	Oid			from = PG_GETARG_OID(0);
	Oid			to = PG_GETARG_OID(1);
	Oid			argtypes[2] = {OIDOID, OIDOID};
	Datum		values[2];
	bool		isnull;
	int			nestlevel;
	int64		moved;

	if (!has_privs_of_role(GetUserId(), from) ||
		!has_privs_of_role(GetUserId(), to))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to reassign workflows"),
				 errdetail("Only roles with the privileges of both roles may give one role's workflows to the other.")));
	if (tables_distributed())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("reassign_workflows() is not available on Citus"),
				 errdetail("Reporunner's tables are distributed by owner: Citus cannot change a row's owner, and each owner's rows live in a shard of their own."),
				 errhint("Save the workflows again as the new owner (export_workflow(), then import_workflow() as it), then delete the old owner's with delete_workflow().")));
	values[0] = ObjectIdGetDatum(from);
	values[1] = ObjectIdGetDatum(to);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&reassign_plan, SQL_REASSIGN, 2, argtypes,
							   values, NULL, SPI_OK_SELECT);
	moved = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	/* sealed for their owner: sealed anew for the new one */
	rr_credential_reassign(from, to);
	audit_reassign(from, to, moved);
	PG_RETURN_INT64(moved);
}
