/*-------------------------------------------------------------------------
 *
 * credential.c
 *		The credential store: set_credential(), drop_credential(),
 *		rotate_key(), opening a credential for a node, and re-sealing
 *		a role's credentials for another owner.
 *
 * A credential's secret is its jsonb text sealed (seal.c) under the
 * current master key (key.c), bound to the row by its owner and name, so
 * a sealed secret copied or moved to another row does not open.  The row
 * records the id of the key.  Tenants may not write reporunner.credential
 * nor read its secret column: the statements here run as the tables' owner
 * after the caller's identity has decided which rows they touch (always
 * the caller's own, or the workflow owner's own).  Keys and plaintext are
 * wiped as soon as they are used.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/audit.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "crypto/credential.h"
#include "crypto/key.h"
#include "crypto/seal.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "http/auth.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(reporunner_set_credential);
PG_FUNCTION_INFO_V1(reporunner_drop_credential);
PG_FUNCTION_INFO_V1(reporunner_rotate_key);

/* Rows rotate_key() re-seals per statement. */
#define ROTATE_BATCH	100

#define SQL_UPSERT \
	"INSERT INTO reporunner.credential (owner, name, type, secret, key_id)" \
	" VALUES ($1, $2, $3, $4, $5)" \
	" ON CONFLICT ON CONSTRAINT credential_owner_name_key DO UPDATE" \
	" SET type = excluded.type, secret = excluded.secret," \
	" key_id = excluded.key_id, updated_at = $6 RETURNING id"
#define SQL_DELETE \
	"DELETE FROM reporunner.credential WHERE owner = $1 AND name = $2" \
	" RETURNING id, type"
#define SQL_LOAD \
	"SELECT id, type, key_id, secret, updated_at FROM reporunner.credential" \
	" WHERE owner = $1 AND name = $2"
/* the owners of rows not sealed under key $1 (on Citus, a read of every shard) */
#define SQL_STALE_OWNERS \
	"SELECT DISTINCT owner FROM reporunner.credential WHERE key_id <> $1" \
	" ORDER BY owner"
/* owner $2's next rows not sealed under key $1 (one shard on Citus) */
#define SQL_STALE \
	"SELECT id, owner, name, key_id, secret FROM reporunner.credential" \
	" WHERE owner = $2 AND key_id <> $1 ORDER BY id" \
	" LIMIT " CppAsString2(ROTATE_BATCH) " FOR UPDATE"
#define SQL_OWNED \
	"SELECT id, owner, name, key_id, secret FROM reporunner.credential" \
	" WHERE owner = $1 ORDER BY id FOR UPDATE"
/*
 * Row $1 of owner $2 sealed anew ($3 under key $4, $5 the time).  Citus
 * refuses ON CONFLICT ... DO UPDATE and column references next to a
 * function that is not immutable: the time is a parameter
 * (GetCurrentTransactionStartTimestamp(), which is now()).
 */
#define SQL_RESEAL \
	"UPDATE reporunner.credential SET secret = $3, key_id = $4," \
	" rotated_at = CASE WHEN key_id = $4 THEN rotated_at ELSE $5 END" \
	" WHERE id = $1 AND owner = $2"
/*
 * Row $1 of owner $6 moved to owner $2, sealed anew: deleted and inserted
 * again, since Citus refuses to change a row's distribution column.
 */
#define SQL_MOVE \
	"WITH d AS (DELETE FROM reporunner.credential WHERE id = $1 AND owner = $6" \
	" RETURNING *) INSERT INTO reporunner.credential (id, owner, name, type," \
	" secret, key_id, created_at, updated_at, rotated_at)" \
	" SELECT id, $2, name, type, $3, $4, created_at, updated_at," \
	" CASE WHEN key_id = $4 THEN rotated_at ELSE $5 END FROM d"

static SPIPlanPtr upsert_plan = NULL;
static SPIPlanPtr delete_plan = NULL;
static SPIPlanPtr load_plan = NULL;
static SPIPlanPtr stale_owners_plan = NULL;
static SPIPlanPtr stale_plan = NULL;
static SPIPlanPtr owned_plan = NULL;
static SPIPlanPtr reseal_plan = NULL;
static SPIPlanPtr move_plan = NULL;

/* A row of SQL_STALE or SQL_OWNED, copied out of SPI. */
typedef struct SealedRow
{
	int64		id;
	Oid			owner;
	char	   *name;
	char	   *key_id;
	bytea	   *sealed;
} SealedRow;

/*
 * row_aad
 *		The associated data that binds a sealed secret to its row.
 */
static char *
row_aad(Oid owner, const char *name)
{
	return psprintf("reporunner credential %u %s", owner, name);
}

/*
 * open_secret
 *		The plaintext of a row's sealed secret, under current or, when the
 *		row was sealed under it, the old key; ERROR when neither opens it.
 */
static char *
open_secret(Oid owner, const char *name, const char *key_id,
			const bytea *sealed, const RrKey *current, size_t *len)
{
	RrKey		old;
	char	   *plain = NULL;
	bool		known = true;

	if (strcmp(key_id, current->id) == 0)
		plain = rr_unseal(current, row_aad(owner, name), sealed, len);
	else if (rr_key_old(&old) && strcmp(key_id, old.id) == 0)
		plain = rr_unseal(&old, row_aad(owner, name), sealed, len);
	else
		known = false;
	rr_key_forget(&old);
	if (!known)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("credential \"%s\" is sealed under key %s, which neither reporunner.key_file nor reporunner.old_key_file holds",
						name, key_id[0] != '\0' ? key_id : "(none)"),
				 errhint("Set reporunner.old_key_file to the file of key %s and run reporunner.rotate_key(), or set the credential again.",
						 key_id[0] != '\0' ? key_id : "(none)")));
	if (plain == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("credential \"%s\" could not be opened", name),
				 errdetail("Its sealed secret does not belong to this row under key %s: it was changed, or copied from another row.",
						   key_id)));
	return plain;
}

/*
 * seal_secret
 *		The jsonb secret of owner's credential name sealed under key.
 */
static bytea *
seal_secret(Oid owner, const char *name, const char *plain, size_t len,
			const RrKey *key)
{
	return rr_seal(key, row_aad(owner, name), plain, len);
}

/* A text argument that may not be NULL. */
static char *
text_arg(FunctionCallInfo fcinfo, int n, const char *what)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the %s of a credential may not be null", what)));
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/*
 * credential_name
 *		The name argument, checked.
 */
static char *
credential_name(FunctionCallInfo fcinfo)
{
	char	   *name = text_arg(fcinfo, 0, "name");

	if (name[0] == '\0' || strlen(name) > RR_MAX_NAME_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid credential name \"%s\"", name),
				 errdetail("A credential name has 1 to %d bytes.",
						   RR_MAX_NAME_BYTES)));
	return name;
}

/*
 * The audit row of a change to the caller's credential name, whose id is
 * the first column of the statement that made it: its type, never its
 * secret.
 */
static void
audit_credential(const char *action, const char *name, const char *type)
{
	RrAuditEntry entry = {0};
	StringInfoData details;
	bool		isnull;

	initStringInfo(&details);
	rr_audit_detail(&details, "type", type);
	entry.action = action;
	entry.object_kind = "credential";
	entry.object_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 1,
												  &isnull));
	entry.object_name = name;
	entry.owner = GetUserId();
	entry.details = &details;
	rr_audit(&entry);
}

/*
 * set_credential(name text, type text, secret jsonb) returns void: the
 * caller's own credential of that name, made or replaced.
 */
Datum
reporunner_set_credential(PG_FUNCTION_ARGS)
{
	char	   *name = credential_name(fcinfo);
	char	   *type = text_arg(fcinfo, 1, "type");
	Jsonb	   *secret;
	Oid			owner = GetUserId();
	char	   *plain;
	size_t		len;
	RrKey		key;
	bytea	   *sealed;
	Oid			argtypes[6] = {OIDOID, TEXTOID, TEXTOID, BYTEAOID, TEXTOID,
	TIMESTAMPTZOID};
	Datum		values[6];
	int			nestlevel;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the secret of a credential may not be null")));
	secret = PG_GETARG_JSONB_P(2);
	rr_http_auth_check(type, secret);

	rr_key_current(&key);
	plain = JsonbToCString(NULL, &secret->root, VARSIZE(secret));
	len = strlen(plain);
	sealed = seal_secret(owner, name, plain, len, &key);
	explicit_bzero(plain, len);
	values[4] = CStringGetTextDatum(key.id);
	rr_key_forget(&key);

	values[0] = ObjectIdGetDatum(owner);
	values[1] = CStringGetTextDatum(name);
	values[2] = CStringGetTextDatum(type);
	values[3] = PointerGetDatum(sealed);
	values[5] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&upsert_plan, SQL_UPSERT, 6, argtypes, values,
							   NULL, SPI_OK_INSERT_RETURNING);
	audit_credential("set_credential", name, type);
	rr_store_end(nestlevel);
	PG_RETURN_VOID();
}

/*
 * drop_credential(name text) returns void: the caller's own credential of
 * that name deleted; 42704 when it has none.
 */
Datum
reporunner_drop_credential(PG_FUNCTION_ARGS)
{
	char	   *name = credential_name(fcinfo);
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];
	int			nestlevel;
	uint64		deleted;

	values[0] = ObjectIdGetDatum(GetUserId());
	values[1] = CStringGetTextDatum(name);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&delete_plan, SQL_DELETE, 2, argtypes, values,
							   NULL, SPI_OK_DELETE_RETURNING);
	deleted = SPI_processed;
	if (deleted > 0)
		audit_credential("drop_credential", name,
						 SPI_getvalue(SPI_tuptable->vals[0],
									  SPI_tuptable->tupdesc, 2));
	rr_store_end(nestlevel);
	if (deleted == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("credential \"%s\" does not exist", name),
				 errdetail("Role \"%s\" has no credential of that name.",
						   GetUserNameFromId(GetUserId(), false))));
	PG_RETURN_VOID();
}

RrCredential *
rr_credential_load(Oid owner, const char *name)
{
	MemoryContext callercxt = CurrentMemoryContext;
	RrCredential *credential = palloc0(sizeof(RrCredential));
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];
	int			nestlevel;
	char	   *key_id = NULL;
	bytea	   *sealed = NULL;
	char	   *plain;
	size_t		len;
	RrKey		key;

	values[0] = ObjectIdGetDatum(owner);
	values[1] = CStringGetTextDatum(name);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&load_plan, SQL_LOAD, 2, argtypes, values,
							   NULL, SPI_OK_SELECT);
	if (SPI_processed == 1)
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		MemoryContext spicxt = MemoryContextSwitchTo(callercxt);
		bool		isnull;

		credential->id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		credential->type = TextDatumGetCString(SPI_getbinval(tuple, desc, 2, &isnull));
		key_id = TextDatumGetCString(SPI_getbinval(tuple, desc, 3, &isnull));
		sealed = DatumGetByteaPCopy(SPI_getbinval(tuple, desc, 4, &isnull));
		credential->updated_at = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 5, &isnull));
		MemoryContextSwitchTo(spicxt);
	}
	rr_store_end(nestlevel);
	if (sealed == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("credential \"%s\" does not exist", name),
				 errdetail("Role \"%s\", the owner of the workflow, has no credential of that name.",
						   GetUserNameFromId(owner, false)),
				 errhint("The owner of the workflow sets it with reporunner.set_credential().")));

	credential->owner = owner;
	credential->name = pstrdup(name);
	rr_key_current(&key);
	plain = open_secret(owner, name, key_id, sealed, &key, &len);
	rr_key_forget(&key);
	credential->secret = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															CStringGetDatum(plain)));
	explicit_bzero(plain, len);
	pfree(plain);
	return credential;
}

/*
 * sealed_rows
 *		The rows the last SPI statement read (SQL_STALE, SQL_OWNED), copied
 *		into cxt.
 */
static List *
sealed_rows(MemoryContext cxt)
{
	MemoryContext spicxt = MemoryContextSwitchTo(cxt);
	List	   *rows = NIL;
	uint64		i;

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		SealedRow  *row = palloc(sizeof(SealedRow));
		bool		isnull;

		row->id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		row->owner = DatumGetObjectId(SPI_getbinval(tuple, desc, 2, &isnull));
		row->name = TextDatumGetCString(SPI_getbinval(tuple, desc, 3, &isnull));
		row->key_id = TextDatumGetCString(SPI_getbinval(tuple, desc, 4, &isnull));
		row->sealed = DatumGetByteaPCopy(SPI_getbinval(tuple, desc, 5, &isnull));
		rows = lappend(rows, row);
	}
	MemoryContextSwitchTo(spicxt);
	return rows;
}

/*
 * reseal
 *		Open a row's secret and seal it again under key, for owner (the
 *		row's own, or the one it moves to).
 */
static void
reseal(const SealedRow *row, Oid owner, const RrKey *key)
{
	Oid			argtypes[6] = {INT8OID, OIDOID, BYTEAOID, TEXTOID,
	TIMESTAMPTZOID, OIDOID};
	Datum		values[6];
	size_t		len;
	char	   *plain = open_secret(row->owner, row->name, row->key_id,
									row->sealed, key, &len);
	bool		moves = owner != row->owner;

	values[0] = Int64GetDatum(row->id);
	values[1] = ObjectIdGetDatum(owner);
	values[2] = PointerGetDatum(seal_secret(owner, row->name, plain, len, key));
	values[3] = CStringGetTextDatum(key->id);
	values[4] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	values[5] = ObjectIdGetDatum(row->owner);
	explicit_bzero(plain, len);
	if (moves)
		rr_store_run_kept_as_owner(&move_plan, SQL_MOVE, 6, argtypes, values,
								   NULL, SPI_OK_INSERT);
	else
		rr_store_run_kept_as_owner(&reseal_plan, SQL_RESEAL, 5, argtypes,
								   values, NULL, SPI_OK_UPDATE);
}

/*
 * stale_owners
 *		The owners of rows not sealed under key, in the caller's memory.
 */
static List *
stale_owners(const RrKey *key)
{
	MemoryContext callercxt = CurrentMemoryContext;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	List	   *owners = NIL;
	uint64		i;
	int			nestlevel;

	values[0] = CStringGetTextDatum(key->id);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&stale_owners_plan, SQL_STALE_OWNERS, 1,
							   argtypes, values, NULL, SPI_OK_SELECT);
	for (i = 0; i < SPI_processed; i++)
	{
		MemoryContext spicxt = MemoryContextSwitchTo(callercxt);
		bool		isnull;

		owners = lappend_oid(owners,
							 DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
															SPI_tuptable->tupdesc,
															1, &isnull)));
		MemoryContextSwitchTo(spicxt);
	}
	rr_store_end(nestlevel);
	return owners;
}

/*
 * rotate
 *		Re-seal every row not sealed under key, owner by owner (each owner's
 *		rows on one shard on Citus, where FOR UPDATE needs one), ROTATE_BATCH
 *		at a time (each batch read and re-sealed in a memory context of its
 *		own); how many.
 */
static int64
rotate(const RrKey *key)
{
	MemoryContext batchcxt = AllocSetContextCreate(CurrentMemoryContext,
												   "rotate_key batch",
												   ALLOCSET_DEFAULT_SIZES);
	List	   *owners = stale_owners(key);
	ListCell   *ownercell;
	int64		count = 0;

	foreach(ownercell, owners)
	{
		int			batch;

		do
		{
			Oid			argtypes[2] = {TEXTOID, OIDOID};
			Datum		values[2];
			List	   *rows;
			ListCell   *lc;
			int			nestlevel;

			CHECK_FOR_INTERRUPTS();
			MemoryContextReset(batchcxt);
			values[0] = CStringGetTextDatum(key->id);
			values[1] = ObjectIdGetDatum(lfirst_oid(ownercell));
			nestlevel = rr_store_begin();
			rr_store_run_kept_as_owner(&stale_plan, SQL_STALE, 2, argtypes,
									   values, NULL, SPI_OK_SELECT);
			rows = sealed_rows(batchcxt);
			foreach(lc, rows)
			{
				SealedRow  *row = lfirst(lc);

				reseal(row, row->owner, key);
			}
			rr_store_end(nestlevel);
			batch = list_length(rows);
			count += batch;
		} while (batch == ROTATE_BATCH);
	}
	MemoryContextDelete(batchcxt);
	return count;
}

/*
 * rotate_key() returns bigint: every credential not sealed under the
 * current key re-sealed under it; how many.
 */
/*
 * ERROR when reporunner.old_key_file holds the current key: a rotation
 * then starts from the key it should end with, which is what a session
 * sees when key_file and old_key_file were set to the same file, or when
 * only old_key_file's new value has arrived.
 */
static void
check_old_key_differs(const char *current_id)
{
	RrKey		old;
	bool		same;

	if (!rr_key_old(&old))
		return;
	same = strcmp(old.id, current_id) == 0;
	rr_key_forget(&old);
	if (same)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("reporunner.old_key_file holds the current key %s", current_id),
				 errdetail("rotate_key() re-seals credentials under reporunner.key_file; the old key file must hold the key they are sealed under now."),
				 errhint("Set reporunner.key_file to the new key's file and reporunner.old_key_file to the old one's, and check with SHOW that this session sees both before rotating.")));
}

Datum
reporunner_rotate_key(PG_FUNCTION_ARGS)
{
	RrKey		key;
	volatile int64 count = 0;
	char		key_id[RR_KEY_ID_LEN + 1];
	RrAuditEntry entry = {0};
	StringInfoData details;

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to rotate the master key"),
				 errdetail("Only superusers may re-seal credentials.")));
	rr_key_current(&key);
	strlcpy(key_id, key.id, sizeof(key_id));
	PG_TRY();
	{
		check_old_key_differs(key_id);
		count = rotate(&key);
	}
	PG_FINALLY();
	{
		rr_key_forget(&key);
	}
	PG_END_TRY();

	initStringInfo(&details);
	rr_audit_detail_int(&details, "credentials", count);
	entry.action = "rotate_key";
	entry.object_kind = "master_key";
	entry.object_name = key_id;
	entry.owner = GetUserId();
	entry.details = &details;
	rr_audit(&entry);
	if (count == 0)
		ereport(NOTICE,
				(errmsg("every credential is sealed under the current key already"),
				 errdetail("The current key is %s, from reporunner.key_file.", key_id),
				 errhint("If that is the old key, this session has not seen the new reporunner.key_file yet: check it with SHOW and run rotate_key() again.")));
	PG_RETURN_INT64(count);
}

/*
 * reseal_all
 *		Re-seal rows under the current key, for owner.
 */
static void
reseal_all(List *rows, Oid owner)
{
	RrKey		key;
	ListCell   *lc;

	rr_key_current(&key);
	PG_TRY();
	{
		foreach(lc, rows)
			reseal(lfirst(lc), owner, &key);
	}
	PG_FINALLY();
	{
		rr_key_forget(&key);
	}
	PG_END_TRY();
}

void
rr_credential_reassign(Oid from, Oid to)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	List	   *rows;
	int			nestlevel;

	values[0] = ObjectIdGetDatum(from);
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&owned_plan, SQL_OWNED, 1, argtypes, values,
							   NULL, SPI_OK_SELECT);
	rows = sealed_rows(CurrentMemoryContext);
	if (rows != NIL)
		reseal_all(rows, to);
	rr_store_end(nestlevel);
}
