/*-------------------------------------------------------------------------
 *
 * node_search_path.c
 *		The search_path node code runs with, and the check that no other
 *		role can put objects in its way.
 *
 * Nodes that run SQL do so with search_path = reporunner.node_search_path
 * (by default "$user", public, pg_temp), whoever calls the workflow.  A
 * schema in that path where another role may create objects is a trap
 * (CVE-2018-1058): a function public.lower(varchar) created by anyone
 * with CREATE on public is a better match for lower(a_varchar) than
 * pg_catalog.lower(text), and would run as the workflow's owner.
 * PostgreSQL 15 no longer lets every role create in public, but databases
 * upgraded from older releases, or a GRANT, still may.
 *
 * So before a workflow's SQL runs, every schema of the path (with "$user"
 * as its owner's name) must be owned by, and open to CREATE for, no one
 * but trusted roles: the workflow's owner, roles whose privileges it has,
 * superusers and the owner of the database.  Otherwise the execution
 * fails, naming the schema and the role, rather than run with a path some
 * other tenant can write.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_database.h"
#include "catalog/pg_namespace.h"
#include "engine/node_search_path.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/syscache.h"
#include "utils/varlena.h"

#define RR_DEFAULT_NODE_SEARCH_PATH "\"$user\", public, pg_temp"

static char *node_search_path = NULL;

void
rr_node_search_path_init(void)
{
	DefineCustomStringVariable("reporunner.node_search_path",
							   "search_path of the SQL that workflow nodes run.",
							   "Every schema in it must be writable only by the workflow's owner and roles it trusts.",
							   &node_search_path,
							   RR_DEFAULT_NODE_SEARCH_PATH,
							   PGC_SUSET,
							   GUC_LIST_INPUT,
							   NULL,
							   NULL,
							   NULL);
}

const char *
rr_node_search_path(void)
{
	return node_search_path;
}

/* Whether objects of role may stand in the way of owner's node code. */
static bool
is_trusted(Oid role, Oid owner, Oid database_owner)
{
	if (role == ACL_ID_PUBLIC)
		return false;
	if (role == ROLE_PG_DATABASE_OWNER || role == database_owner)
		return true;
	return superuser_arg(role) || has_privs_of_role(owner, role);
}

/* The role other than a trusted one that may create in the schema, if any. */
static Oid
untrusted_writer(HeapTuple tuple, Oid owner, Oid database_owner)
{
	Form_pg_namespace nsp = (Form_pg_namespace) GETSTRUCT(tuple);
	Datum		datum;
	bool		isnull;
	Acl		   *acl;
	AclItem    *items;
	int			i;

	if (!is_trusted(nsp->nspowner, owner, database_owner))
		return nsp->nspowner;
	datum = SysCacheGetAttr(NAMESPACEOID, tuple, Anum_pg_namespace_nspacl,
							&isnull);
	if (isnull)
		return InvalidOid;		/* the default: only its owner creates */
	acl = DatumGetAclP(datum);
	items = ACL_DAT(acl);
	for (i = 0; i < ACL_NUM(acl); i++)
	{
		if ((ACLITEM_GET_PRIVS(items[i]) & ACL_CREATE) != 0 &&
			!is_trusted(items[i].ai_grantee, owner, database_owner))
			return items[i].ai_grantee;
	}
	return InvalidOid;
}

void
rr_check_node_search_path(Oid owner, const char *workflow)
{
	char	   *rawname = pstrdup(node_search_path);
	List	   *names;
	ListCell   *lc;
	HeapTuple	dbtuple;
	Oid			database_owner;

	if (!SplitIdentifierString(rawname, ',', &names))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid list syntax in reporunner.node_search_path")));
	dbtuple = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(MyDatabaseId));
	if (!HeapTupleIsValid(dbtuple))
		elog(ERROR, "cache lookup failed for database %u", MyDatabaseId);
	database_owner = ((Form_pg_database) GETSTRUCT(dbtuple))->datdba;
	ReleaseSysCache(dbtuple);

	foreach(lc, names)
	{
		char	   *name = (char *) lfirst(lc);
		Oid			nspid;
		HeapTuple	tuple;
		Oid			writer;

		if (strcmp(name, "$user") == 0)
		{
			name = GetUserNameFromId(owner, true);
			if (name == NULL)
				continue;
		}
		else if (strcmp(name, "pg_temp") == 0 || strcmp(name, "pg_catalog") == 0)
			continue;			/* the session's own, and the system's */
		nspid = get_namespace_oid(name, true);
		if (!OidIsValid(nspid))
			continue;
		tuple = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nspid));
		if (!HeapTupleIsValid(tuple))
			continue;
		writer = untrusted_writer(tuple, owner, database_owner);
		ReleaseSysCache(tuple);
		if (OidIsValid(writer))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("schema \"%s\" in the search_path of workflow \"%s\" can be written by %s",
							name, workflow,
							writer == ACL_ID_PUBLIC ? "every role" :
							psprintf("role \"%s\"", GetUserNameFromId(writer, false))),
					 errdetail("A function or operator created there could capture the calls of the workflow's SQL, which runs as role \"%s\".",
							   GetUserNameFromId(owner, false)),
					 errhint("Let only the workflow's owner and roles it trusts create objects in \"%s\" (REVOKE CREATE ON SCHEMA), or leave it out of reporunner.node_search_path.",
							 name)));
	}
}
