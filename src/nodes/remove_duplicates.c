/*-------------------------------------------------------------------------
 *
 * remove_duplicates.c
 *		The "remove_duplicates" node: drops items equal to an earlier one.
 *
 * Two items are duplicates when they agree on the "fields" (top-level
 * keys, or with "dot_notation" paths; a field both lack counts as
 * agreeing), on every field but "except_fields" (n8n's fields: the
 * top-level keys of all items, or with "dot_notation" the leaf paths of
 * the first item, as lodash's flattenKeys gives them), or are equal as a
 * whole.  Values are compared as jsonb values, so 1 and 1.0 are equal.
 * The first item of each key is kept, in input order; with
 * "remove_other_fields", only its compared fields.  With "strict_fields",
 * n8n's checks come first: every item has every compared field (null
 * allowed), always of one JavaScript type.
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
#include "nodes/item_paths.h"
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
	RrParam		except_fields;
	/* decoded constant; valid when "fields" is constant */
	char	  **fixed_fields;
	int			nfixed_fields;
	bool		workflow_scope;
	bool		dot_notation;
	bool		strict_fields;
	bool		remove_other_fields;
} DedupState;

/* The fields a run compares (names NULL: whole items). */
typedef struct DedupKeys
{
	char	  **names;
	int			n;
	bool		paths;			/* names are paths */
} DedupKeys;

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
	rr_param_compile(node, "except_fields", &state->except_fields);
	state->dot_notation = rr_param_flag(node, "dot_notation");
	state->strict_fields = rr_param_flag(node, "strict_fields");
	state->remove_other_fields = rr_param_flag(node, "remove_other_fields");
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
 * add_name
 *		Append a name to a list of names unless it is there.
 */
static List *
add_name(List *names, const char *name)
{
	ListCell   *lc;

	foreach(lc, names)
		if (strcmp((char *) lfirst(lc), name) == 0)
			return names;
	return lappend(names, pstrdup(name));
}

/*
 * flatten_keys
 *		lodash's flattenKeys as n8n uses it: the paths ("a.b", "l.0") of the
 *		leaves under a value, added to names; empty containers give none.
 */
static List *
flatten_keys(List *names, JsonbValue *value, StringInfo prefix)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	int			index = 0;
	int			len = prefix->len;

	if (!rr_value_is_object(value) && !rr_value_is_array(value))
		return add_name(names, prefix->data);
	it = JsonbIteratorInit(value->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		prefix->len = len;
		prefix->data[len] = '\0';
		if (len > 0)
			appendStringInfoChar(prefix, '.');
		if (tok == WJB_KEY)
		{
			appendBinaryStringInfo(prefix, v.val.string.val, v.val.string.len);
			(void) JsonbIteratorNext(&it, &v, true);
		}
		else if (tok == WJB_ELEM)
			appendStringInfo(prefix, "%d", index++);
		else
			continue;
		names = flatten_keys(names, rr_value_normalize(&v), prefix);
	}
	prefix->len = len;
	prefix->data[len] = '\0';
	return names;
}

/*
 * run_keys
 *		The fields this run compares.
 */
static void
run_keys(RrNodeRun *run, const DedupState *state, DedupKeys *keys)
{
	List	   *input = run->inputs[0];
	List	   *names = NIL;
	ListCell   *lc;
	char	  **except = NULL;
	int			nexcept = 0;
	int			i;

	keys->paths = state->dot_notation;
	keys->names = state->fixed_fields;
	keys->n = state->nfixed_fields;
	if (state->fields.value != NULL && state->fields.constant == NULL)
		keys->names = rr_decode_string_array(rr_param_eval(&state->fields, run,
														   rr_first_item(run), 0),
											 state->node_name, "fields",
											 &keys->n);
	if (keys->n > 0)
		return;
	if (state->except_fields.value != NULL)
		except = rr_decode_string_array(rr_param_eval(&state->except_fields, run,
													  rr_first_item(run), 0),
										state->node_name, "except_fields",
										&nexcept);
	if (except == NULL && !state->dot_notation && !state->strict_fields &&
		!state->remove_other_fields)
	{
		keys->names = NULL;		/* whole items */
		return;
	}
	/* n8n: all items' top-level keys, or the first item's leaf paths */
	foreach(lc, input)
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);

		rr_item_done(run);
		if (state->dot_notation)
		{
			StringInfoData prefix;

			initStringInfo(&prefix);
			names = flatten_keys(names, rr_item_value(item), &prefix);
			if (except != NULL)
				break;
		}
		else
		{
			JsonbIterator *it = JsonbIteratorInit(&item->root);
			JsonbIteratorToken tok;
			JsonbValue	v;

			while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
				if (tok == WJB_KEY)
					names = add_name(names, pnstrdup(v.val.string.val,
													 v.val.string.len));
		}
	}
	keys->names = palloc(sizeof(char *) * Max(1, list_length(names)));
	keys->n = 0;
	foreach(lc, names)
	{
		for (i = 0; i < nexcept; i++)
			if (strcmp(except[i], (char *) lfirst(lc)) == 0)
				break;
		if (i == nexcept)
			keys->names[keys->n++] = (char *) lfirst(lc);
	}
}

/*
 * pick
 *		The compared fields of an item (those it has): lodash's pick, paths
 *		building nested objects; as a key, paths stay flat names.
 */
static Jsonb *
pick(Jsonb *item, const DedupKeys *keys, bool nested)
{
	JsonbValue *root;
	JsonbValue *result;
	JsonbParseState *ps = NULL;
	int			i;

	if (!keys->paths)
		return rr_item_pick(item, keys->names, keys->n);
	root = rr_item_value(item);
	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	result = rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
	for (i = 0; i < keys->n; i++)
	{
		int			len = strlen(keys->names[i]);
		JsonbValue *value = rr_item_get(root, keys->names[i], len, true);
		RrPath		path;

		if (value == NULL)
			continue;
		if (nested)
			rr_path_parse(result, keys->names[i], len, &path);
		else
		{
			path.n = 1;
			path.keys = palloc(sizeof(JsonbValue));
			path.keys[0] = rr_value_string(keys->names[i], len);
		}
		result = rr_path_set(result, &path, value);
	}
	return JsonbValueToJsonb(result);
}

/* The JavaScript typeof of a value (NULL: undefined) */
static const char *
type_of(JsonbValue *v)
{
	if (v == NULL)
		return "undefined";
	switch (v->type)
	{
		case jbvBool:
			return "boolean";
		case jbvNumeric:
			return "number";
		case jbvString:
			return "string";
		default:
			return "object";
	}
}

/*
 * check_fields
 *		n8n's checks of the compared fields: in every item (null allowed),
 *		always of one type.
 */
static void
check_fields(RrNodeRun *run, const DedupState *state, List *input,
			 const DedupKeys *keys)
{
	int			k;

	for (k = 0; k < keys->n; k++)
	{
		const char *name = keys->names[k];
		const char *type = NULL;
		int			type_item = 0;
		ListCell   *lc;

		if (name[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\": name of field to compare is blank",
							state->node_name)));
		foreach(lc, input)
		{
			JsonbValue *v = rr_item_get(rr_item_value((Jsonb *) lfirst(lc)),
										name, strlen(name), keys->paths);

			rr_item_done(run);
			if (v != NULL && v->type == jbvNull)
				continue;
			if (v == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\": '%s' field is missing from some input items",
								state->node_name, name),
						 errdetail("Item %d has no such field%s.",
								   foreach_current_index(lc),
								   !keys->paths && strchr(name, '.') != NULL ?
								   "; for a nested field, set \"dot_notation\"" : "")));
			if (type != NULL && strcmp(type, type_of(v)) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\": '%s' isn't always the same type",
								state->node_name, name),
						 errdetail("The type of this field varies between items, in item [%d] it's a %s and in item [%d] it's a %s.",
								   type_item, type, foreach_current_index(lc),
								   type_of(v))));
			type = type_of(v);
			type_item = foreach_current_index(lc);
		}
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
	DedupKeys	keys;
	List	   *input = run->inputs[0];
	RrKeyMap   *seen = rr_keymap_create(list_length(input));
	Jsonb	  **items = palloc(sizeof(Jsonb *) * Max(1, list_length(input)));
	Jsonb	  **item_keys = palloc(sizeof(Jsonb *) * Max(1, list_length(input)));
	int		   *positions = palloc(sizeof(int) * Max(1, list_length(input)));
	int			n = 0;
	int			i;
	ListCell   *lc;

	run_keys(run, state, &keys);
	if (state->strict_fields && keys.names != NULL)
		check_fields(run, state, input, &keys);
	foreach(lc, input)
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);
		Jsonb	   *key = keys.names != NULL ? pick(item, &keys, false) : item;
		bool		found;

		rr_item_done(run);
		(void) rr_keymap_insert(seen, key, &found);
		if (found)
			continue;
		items[n] = state->remove_other_fields && keys.names != NULL ?
			pick(item, &keys, true) : item;
		item_keys[n] = key;
		positions[n] = foreach_current_index(lc);
		n++;
	}

	if (state->workflow_scope && n > 0)
		emit_new_keys(run, state, items, positions, item_keys, n);
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
