/*-------------------------------------------------------------------------
 *
 * run_as.c
 *		Who may run a workflow: nodes run as the workflow's owner, so
 *		running a workflow is acting as its owner.
 *
 * A role may run a workflow as its owner when
 *
 *	- it is the owner, a member of it (it could SET ROLE to it anyway), or
 *	  a superuser;
 *	- or, through execute() only and only the active version, the owner
 *	  shared the workflow with it (a role it has the privileges of), and
 *	  the owner is not a superuser.  Sharing is the owner's consent to
 *	  lend its privileges through that workflow, as it stands.
 *
 * Seeing a workflow is not enough: members of reporunner_admin and roles
 * with BYPASSRLS see and manage every tenant's workflows, but run only
 * those of roles they could become.  A background worker checks again,
 * for the role that queued the execution, before it runs it: a share
 * withdrawn or a membership revoked meanwhile stops it.
 *
 * Row-level security (reporunner.has_owner_access) also keeps
 * administrators away from the rows of owners more privileged than they
 * are (rr_role_outranks), so they cannot plant code that a superuser
 * would later run.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(reporunner_is_more_privileged);

/* A share of $1 (owned by $3) with a role whose privileges $2 has */
#define SQL_SHARED_WITH \
	"SELECT FROM reporunner.workflow_share" \
	" WHERE workflow_id = $1 AND owner = $3" \
	" AND pg_catalog.pg_has_role($2, grantee, 'USAGE')"

static SPIPlanPtr shared_with_plan = NULL;

bool
rr_role_outranks(Oid role, Oid than)
{
	HeapTuple	tuple;
	Form_pg_authid a;
	bool		r_super,
				r_createrole,
				r_createdb,
				r_replication,
				r_bypassrls;
	bool		outranks;

	tuple = SearchSysCache1(AUTHOID, ObjectIdGetDatum(role));
	if (!HeapTupleIsValid(tuple))
		return false;			/* a dropped role has no rights */
	a = (Form_pg_authid) GETSTRUCT(tuple);
	r_super = a->rolsuper;
	r_createrole = a->rolcreaterole;
	r_createdb = a->rolcreatedb;
	r_replication = a->rolreplication;
	r_bypassrls = a->rolbypassrls;
	ReleaseSysCache(tuple);

	tuple = SearchSysCache1(AUTHOID, ObjectIdGetDatum(than));
	if (!HeapTupleIsValid(tuple))
		return true;
	a = (Form_pg_authid) GETSTRUCT(tuple);
	outranks = !a->rolsuper &&
		(r_super ||
		 (r_createrole && !a->rolcreaterole) ||
		 (r_createdb && !a->rolcreatedb) ||
		 (r_replication && !a->rolreplication) ||
		 (r_bypassrls && !a->rolbypassrls));
	ReleaseSysCache(tuple);
	return outranks;
}

bool
rr_has_owner_access(Oid role, Oid owner)
{
	Oid			admin = get_role_oid("reporunner_admin", true);

	if (has_privs_of_role(role, owner))
		return true;
	return OidIsValid(admin) && has_privs_of_role(role, admin) &&
		!rr_role_outranks(owner, role);
}

bool
rr_is_shared_with(int64 workflow_id, Oid owner, Oid caller)
{
	Oid			argtypes[3] = {INT8OID, OIDOID, OIDOID};
	Datum		values[3];
	int			nestlevel;
	bool		shared;

	values[0] = Int64GetDatum(workflow_id);
	values[1] = ObjectIdGetDatum(caller);
	values[2] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&shared_with_plan, SQL_SHARED_WITH, 3,
							   argtypes, values, NULL, SPI_OK_SELECT);
	shared = SPI_processed > 0;
	rr_store_end(nestlevel);
	return shared;
}

/* Whether this process is a worker (rr_run_as_worker_process()) */
static bool worker_process = false;

void
rr_run_as_worker_process(void)
{
	worker_process = true;
}

void
rr_check_run_as(Oid caller, Oid owner, int64 workflow_id, const char *name,
				bool version_active, RrRunPath path)
{
	const char *detail;
	char	   *owner_name;

	if (caller == owner || superuser_arg(caller) ||
		is_member_of_role(caller, owner))
		return;
	if (path == RR_RUN_CALL && worker_process)
		path = RR_RUN_QUEUE;

	if (path == RR_RUN_WORKER)
		detail = "The role that queued the execution may no longer act as the workflow's owner.";
	else if (superuser_arg(owner) || !rr_is_shared_with(workflow_id, owner, caller))
		detail = "Workflows run as their owner: only the owner, its members and superusers may run them, and roles the owner shared them with.";
	else if (path == RR_RUN_QUEUE)
		detail = "A role a workflow is shared with may run it with execute() in its own session, not queue it or run it in the background.";
	else if (!version_active)
		detail = "A role a workflow is shared with may run its active version only.";
	else
		return;

	owner_name = GetUserNameFromId(owner, true);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to run workflow \"%s\" as role \"%s\"",
					name, owner_name ? owner_name : "(dropped)"),
			 errdetail("%s", detail)));
}

/*
 * reporunner.is_more_privileged(role): whether role has a role attribute
 * the current user lacks (row-level security keeps administrators off such
 * owners' rows).
 */
Datum
reporunner_is_more_privileged(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(rr_role_outranks(PG_GETARG_OID(0), GetUserId()));
}
