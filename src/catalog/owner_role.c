/*-------------------------------------------------------------------------
 *
 * owner_role.c
 *		The role an owner is on this node, on Citus worker nodes too.
 *
 * The tables hold owners as role OIDs.  On Citus every node has its own
 * pg_authid: Citus creates a tenant's role on every node under the same
 * name, but with each node's next OID, so an OID read from a shard means
 * nothing on a worker node.  The owners in the tables are the
 * coordinator's OIDs (the API runs there); reporunner.owner_role, a
 * reference table with a copy on every node, gives each one's name, and
 * a worker node acts as the role of that name.  On one server and on the
 * coordinator an owner is its own role and nothing is looked up.
 *
 * Row-level security needs the same translation on worker nodes, where
 * the queries of tenants run on the shards: prepare_distribution() gives
 * them a has_owner_access() that reads reporunner.owner_role.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "catalog/owner_role.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "executor/spi.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

/* this node's Citus group: 0 the coordinator, -1 not looked up yet */
static int	local_group = -1;

/* owners translated in this backend, until a role changes */
typedef struct OwnerRoleEntry
{
	Oid			owner;			/* hash key */
	Oid			role;
} OwnerRoleEntry;

static HTAB *owner_roles = NULL;

#define SQL_LOCAL_GROUP \
	"SELECT groupid FROM pg_catalog.pg_dist_local_group"
#define SQL_OWNER_ROLE \
	"SELECT pg_catalog.to_regrole(pg_catalog.quote_ident(name))::pg_catalog.oid" \
	" FROM reporunner.owner_role WHERE owner = $1"
#define SQL_OWNER_KNOWN \
	"SELECT 1 FROM reporunner.owner_role WHERE owner = $1"
#define SQL_OWNER_RECORD \
	"INSERT INTO reporunner.owner_role (owner, name)" \
	" SELECT oid, rolname FROM pg_catalog.pg_authid WHERE oid = $1" \
	" ON CONFLICT (owner) DO UPDATE SET name = excluded.name"

#define SQL_ROLE_OWNER \
	"SELECT owner FROM reporunner.owner_role" \
	" WHERE name = pg_catalog.pg_get_userbyid($1)"

static SPIPlanPtr owner_role_plan = NULL;
static SPIPlanPtr role_owner_plan = NULL;
static SPIPlanPtr owner_known_plan = NULL;
static SPIPlanPtr owner_record_plan = NULL;

/* a role was created, renamed or dropped: look owners up again */
static void
forget_owner_roles(Datum arg, int cacheid, uint32 hashvalue)
{
	if (owner_roles != NULL)
		hash_destroy(owner_roles);
	owner_roles = NULL;
}

bool
rr_owner_on_worker_node(void)
{
	if (!rr_store_on_citus())
		return false;
	if (local_group < 0)
	{
		int			nestlevel = rr_store_begin();

		rr_store_run(SQL_LOCAL_GROUP, 0, NULL, NULL, SPI_OK_SELECT);
		if (SPI_processed == 1)
		{
			bool		isnull;
			Datum		group = SPI_getbinval(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, 1, &isnull);

			local_group = isnull ? 0 : DatumGetInt32(group);
		}
		else
			local_group = 0;
		rr_store_end(nestlevel);
		CacheRegisterSyscacheCallback(AUTHOID, forget_owner_roles, (Datum) 0);
	}
	return local_group > 0;
}

Oid
rr_owner_role(Oid owner)
{
	OwnerRoleEntry *entry;
	bool		found;

	/* the built-in roles have the same OID everywhere */
	if (owner < FirstNormalObjectId || !rr_owner_on_worker_node())
		return owner;
	if (owner_roles == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(OwnerRoleEntry);
		ctl.hcxt = CacheMemoryContext;
		owner_roles = hash_create("reporunner owner roles", 16, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = hash_search(owner_roles, &owner, HASH_FIND, NULL);
	if (entry == NULL)
	{
		Oid			argtypes[1] = {OIDOID};
		Datum		values[1];
		Oid			role = InvalidOid;
		int			nestlevel;

		values[0] = ObjectIdGetDatum(owner);
		nestlevel = rr_store_begin();
		rr_store_run_kept(&owner_role_plan, SQL_OWNER_ROLE, 1, argtypes,
						  values, NULL, SPI_OK_SELECT);
		if (SPI_processed == 1)
		{
			bool		isnull;
			Datum		value = SPI_getbinval(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, 1, &isnull);

			if (!isnull)
				role = DatumGetObjectId(value);
		}
		rr_store_end(nestlevel);
		/* the lookup may have dropped the table (an invalidation) */
		if (owner_roles == NULL)
			return role;
		entry = hash_search(owner_roles, &owner, HASH_ENTER, &found);
		entry->role = role;
	}
	return entry->role;
}

Oid
rr_role_owner(Oid role)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	Oid			owner = InvalidOid;
	int			nestlevel;

	if (role < FirstNormalObjectId || !rr_owner_on_worker_node())
		return role;
	values[0] = ObjectIdGetDatum(role);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&role_owner_plan, SQL_ROLE_OWNER, 1, argtypes, values,
					  NULL, SPI_OK_SELECT);
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		value = SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			owner = DatumGetObjectId(value);
	}
	rr_store_end(nestlevel);
	return owner;
}

void
rr_owner_role_register(Oid owner)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	int			nestlevel;
	bool		known;

	if (owner < FirstNormalObjectId || !rr_store_on_citus() || rr_owner_on_worker_node())
		return;
	values[0] = ObjectIdGetDatum(owner);
	nestlevel = rr_store_begin();
	/* a read of the local copy; a write goes to every node */
	rr_store_run_kept(&owner_known_plan, SQL_OWNER_KNOWN, 1, argtypes,
					  values, NULL, SPI_OK_SELECT);
	known = SPI_processed > 0;
	if (!known)
		rr_store_run_kept(&owner_record_plan, SQL_OWNER_RECORD, 1, argtypes,
						  values, NULL, SPI_OK_INSERT);
	rr_store_end(nestlevel);
}
