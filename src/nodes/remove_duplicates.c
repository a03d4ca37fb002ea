/*-------------------------------------------------------------------------
 *
 * remove_duplicates.c
 *		The "remove_duplicates" node: drops items equal to an earlier one.
 *
 * Two items are duplicates when they agree on the "fields" (top-level
 * keys; a field both lack counts as agreeing), or are equal as a whole
 * when "fields" is absent or empty.  Values are compared as jsonb values,
 * so 1 and 1.0 are equal.  The first item of each key is kept, in input
 * order.
 *
 * With scope "workflow", a key is also dropped when an earlier execution
 * of the same workflow saw it at this node: the keys are kept in
 * reporunner.dedup_key, as SHA-256 hashes of their jsonb text (numbers
 * with trailing zeros trimmed, so 1 and 1.0 still agree).  One INSERT ...
 * ON CONFLICT DO NOTHING RETURNING per run records the new keys and says
 * which they are; it runs in the caller's transaction, so a rollback
 * forgets them, and a concurrent execution inserting the same key waits
 * for this one and then sees it as old.  It runs as the tables' owner:
 * tenants read and delete their keys but cannot insert any.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "engine/executor.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "nodes/item_keys.h"
#include "nodes/node_util.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/hsearch.h"

/* Records a run's new keys and returns those that were not there yet. */
#define DEDUP_INSERT \
	"INSERT INTO reporunner.dedup_key AS d (workflow_id, node, key_hash, owner) " \
	"SELECT $1, $2, h, $3 FROM pg_catalog.unnest($4) AS u(h) " \
	"ON CONFLICT DO NOTHING RETURNING d.key_hash"

/* What prepare compiles. */
typedef struct DedupState
{
	const char *node_name;
	RrParam		fields;
	/* decoded constant; valid when "fields" is constant */
	char	  **fixed_fields;
	int			nfixed_fields;
	bool		workflow_scope;
} DedupState;

/*
 * remove_duplicates_prepare
 *		Compile "fields" and decode it when it is constant; read the scope.
 */
static void *
remove_duplicates_prepare(RrPlanNode *node)
{
	DedupState *state = palloc0(sizeof(DedupState));
	JsonbValue *scope = rr_node_param(node, "scope");

	state->node_name = node->name;
	rr_param_compile(node, "fields", &state->fields);
	if (state->fields.constant != NULL)
		state->fixed_fields = rr_decode_string_array(state->fields.constant,
													 node->name, "fields",
													 &state->nfixed_fields);
	/* a choice: the validator allows "input" and "workflow" only */
	state->workflow_scope = rr_value_is_word(scope, "workflow");
	return state;
}

/*
 * trim_numbers
 *		A copy of a jsonb value with every number's trailing fractional
 *		zeros removed, so that equal numbers have one text form.
 */
static Jsonb *
trim_numbers(Jsonb *value)
{
	JsonbParseState *state = NULL;
	JsonbIterator *it = JsonbIteratorInit(&value->root);
	JsonbIteratorToken tok;
	JsonbValue	v;
	JsonbValue *result = NULL;

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if ((tok == WJB_VALUE || tok == WJB_ELEM) && v.type == jbvNumeric)
			v.val.numeric =
				DatumGetNumeric(DirectFunctionCall1(numeric_trim_scale,
													NumericGetDatum(v.val.numeric)));
		result = pushJsonbValue(&state, tok,
								tok == WJB_KEY || tok == WJB_VALUE ||
								tok == WJB_ELEM || tok == WJB_BEGIN_ARRAY ?
								&v : NULL);
	}
	return JsonbValueToJsonb(result);
}

/* DEDUP_INSERT, prepared once per backend */
static SPIPlanPtr insert_plan = NULL;

/*
 * emit_new_keys
 *		Record the keys of the n items in reporunner.dedup_key and emit the
 *		items whose key no earlier execution recorded.
 */
static void
emit_new_keys(RrNodeRun *run, const DedupState *state, Jsonb **items,
			  const int *positions, Jsonb **keys, int n)
{
	RrPlan	   *plan = run->execution != NULL ? run->execution->plan : NULL;
	uint8	   *digests = palloc(PG_SHA256_DIGEST_LENGTH * n);
	Datum	   *hashes = palloc(sizeof(Datum) * n);
	pg_cryptohash_ctx *sha256;
	StringInfoData text;
	HASHCTL		ctl;
	HTAB	   *fresh;
	Oid			argtypes[4] = {INT8OID, TEXTOID, OIDOID, BYTEAARRAYOID};
	Datum		args[4];
	int			nestlevel;
	uint64		row;
	int			i;

	if (plan == NULL)
		elog(ERROR, "node \"%s\" runs outside an execution", state->node_name);

	/* the hash of each key's text */
	sha256 = pg_cryptohash_create(PG_SHA256);
	initStringInfo(&text);
	for (i = 0; i < n; i++)
	{
		Jsonb	   *key = trim_numbers(keys[i]);
		uint8	   *digest = digests + i * PG_SHA256_DIGEST_LENGTH;
		bytea	   *hash = palloc(VARHDRSZ + PG_SHA256_DIGEST_LENGTH);

		rr_item_done(run);
		resetStringInfo(&text);
		(void) JsonbToCString(&text, &key->root, VARSIZE(key));
		if (pg_cryptohash_init(sha256) < 0 ||
			pg_cryptohash_update(sha256, (uint8 *) text.data, text.len) < 0 ||
			pg_cryptohash_final(sha256, digest, PG_SHA256_DIGEST_LENGTH) < 0)
			elog(ERROR, "node \"%s\": could not compute a SHA-256 hash: %s",
				 state->node_name, pg_cryptohash_error(sha256));
		SET_VARSIZE(hash, VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
		memcpy(VARDATA(hash), digest, PG_SHA256_DIGEST_LENGTH);
		hashes[i] = PointerGetDatum(hash);
	}
	pg_cryptohash_free(sha256);

	/* the keys the INSERT added, in this run's memory */
	ctl.keysize = PG_SHA256_DIGEST_LENGTH;
	ctl.entrysize = PG_SHA256_DIGEST_LENGTH;
	ctl.hcxt = CurrentMemoryContext;
	fresh = hash_create("reporunner new dedup keys", n, &ctl,
						HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	args[0] = Int64GetDatum(plan->workflow_id);
	args[1] = CStringGetTextDatum(state->node_name);
	args[2] = ObjectIdGetDatum(plan->owner);
	args[3] = PointerGetDatum(construct_array(hashes, n, BYTEAOID, -1, false,
											  TYPALIGN_INT));

	/*
	 * Tenants may not write the table themselves (a unique violation on
	 * another tenant's key would tell them it exists): the keys of this
	 * plan's workflow are written as the tables' owner.
	 */
	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&insert_plan, DEDUP_INSERT, 4, argtypes, args,
							   NULL, SPI_OK_INSERT_RETURNING);
	for (row = 0; row < SPI_processed; row++)
	{
		bool		isnull;
		Datum		value = SPI_getbinval(SPI_tuptable->vals[row],
										  SPI_tuptable->tupdesc, 1, &isnull);

		(void) hash_search(fresh, VARDATA_ANY(DatumGetByteaPP(value)),
						   HASH_ENTER, NULL);
	}
	rr_store_end(nestlevel);

	for (i = 0; i < n; i++)
	{
		if (hash_search(fresh, digests + i * PG_SHA256_DIGEST_LENGTH,
						HASH_FIND, NULL) != NULL)
			rr_emit_paired(run, 0, items[i], positions[i]);
	}
}

/*
 * remove_duplicates_execute
 *		Keep the first item of each key; with scope "workflow", only if no
 *		earlier execution saw the key.
 */
static void
remove_duplicates_execute(RrNodeRun *run)
{
	const DedupState *state = run->node->state;
	char	  **fields = state->fixed_fields;
	int			nfields = state->nfixed_fields;
	List	   *input = run->inputs[0];
	RrKeyMap   *seen = rr_keymap_create(list_length(input));
	Jsonb	  **items = palloc(sizeof(Jsonb *) * Max(1, list_length(input)));
	Jsonb	  **keys = palloc(sizeof(Jsonb *) * Max(1, list_length(input)));
	int		   *positions = palloc(sizeof(int) * Max(1, list_length(input)));
	int			n = 0;
	int			i;
	ListCell   *lc;

	if (state->fields.value != NULL && state->fields.constant == NULL)
		fields = rr_decode_string_array(rr_param_eval(&state->fields, run,
													  rr_first_item(run), 0),
										state->node_name, "fields", &nfields);

	foreach(lc, input)
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);
		Jsonb	   *key = nfields > 0 ? rr_item_pick(item, fields, nfields) : item;
		bool		found;

		rr_item_done(run);
		(void) rr_keymap_insert(seen, key, &found);
		if (found)
			continue;
		items[n] = item;
		keys[n] = key;
		positions[n] = foreach_current_index(lc);
		n++;
	}

	if (state->workflow_scope && n > 0)
		emit_new_keys(run, state, items, positions, keys, n);
	else
	{
		for (i = 0; i < n; i++)
			rr_emit_paired(run, 0, items[i], positions[i]);
	}
}

/* scope "workflow" writes to reporunner.dedup_key */
const RrNodeHandler rr_node_remove_duplicates = {
	.side_effects = true,
	.prepare = remove_duplicates_prepare,
	.execute = remove_duplicates_execute,
};
