/*-------------------------------------------------------------------------
 *
 * transfer.c
 *		Moving a workflow with its triggers: reporunner.import_workflow().
 *
 * export_workflow() (src/catalog/workflow_store.c) lists a workflow's
 * triggers under "triggers", each as the kind, target and options of its
 * row of reporunner.trigger: a table's qualified name, a cron expression or
 * a channel, and options such as events and mode, nothing that names a
 * role or an id.  import_workflow() saves such a document as
 * save_workflow() does and makes every trigger it lists that the workflow
 * does not have yet, by calling the SQL function of its kind (on_table(),
 * on_schedule(), on_notify()) as the caller: whatever that function checks
 * for its caller, it checks for the importer.  Everything happens in the
 * caller's statement, so an error leaves nothing behind.
 *
 * A trigger the workflow already has is not made twice: each one is made
 * in a subtransaction, compared, as its function stored it (defaults
 * filled in, names qualified), with the workflow's registrations from
 * before the import, and rolled back if one of those is the same.
 * Importing a document again changes nothing, and leaves no audit row of
 * a trigger made and taken back.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "triggers/triggers.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/regproc.h"
#include "utils/resowner.h"

PG_FUNCTION_INFO_V1(reporunner_import_workflow);

/* How a target or an option goes to the function of its kind */
typedef enum TransferType
{
	TRANSFER_TEXT,				/* a JSON string, as text */
	TRANSFER_TEXT_ARRAY,		/* a JSON array of strings, as text[] */
	TRANSFER_JSONB,				/* any JSON value, as jsonb */
	TRANSFER_TABLE				/* the name of an existing table, as regclass */
} TransferType;

/* An argument of the function that makes a trigger */
typedef struct TransferArg
{
	const char *name;
	TransferType type;
} TransferArg;

#define MAX_TRANSFER_OPTIONS 5

/*
 * The kinds of trigger: the function that makes one, the argument its
 * target goes to, and the options it takes (their names are those of the
 * function's arguments, and the keys of reporunner.trigger.options).
 */
typedef struct TransferKind
{
	const char *kind;
	const char *function;		/* the SQL function that makes one */
	TransferArg target;
	TransferArg options[MAX_TRANSFER_OPTIONS + 1];	/* ends with a NULL name */
	const char *options_arg;	/* or: the argument taking them whole */
} TransferKind;

static const TransferKind transfer_kinds[] = {
	{"table", "reporunner.on_table", {"tbl", TRANSFER_TABLE},
	{{"events", TRANSFER_TEXT_ARRAY}, {"level", TRANSFER_TEXT},
	{"mode", TRANSFER_TEXT}, {"condition", TRANSFER_TEXT},
	{"timing", TRANSFER_TEXT}, {NULL}}, NULL},
	{"schedule", "reporunner.on_schedule", {"schedule", TRANSFER_TEXT},
	{{"input", TRANSFER_JSONB}, {NULL}}, NULL},
	{"notify", "reporunner.on_notify", {"channel", TRANSFER_TEXT}, {{NULL}}, NULL},
	{"webhook", "reporunner.on_webhook", {"path", TRANSFER_TEXT}, {{NULL}}, "options"},
};

/*
 * The statements name the owner ($2, $4, $6: the caller, whose workflow
 * import_workflow() saves), so that each reads one shard on Citus.
 */
/* The workflow's registrations, $1 its id */
#define SQL_REGISTRATIONS \
	"SELECT COALESCE(pg_catalog.array_agg(id), '{}') FROM reporunner.trigger" \
	" WHERE workflow_id = $1 AND owner = $2"
/* A registration among $2 but not $3 that is the same as registration $1 */
#define SQL_SAME_REGISTRATION \
	"SELECT o.id FROM reporunner.trigger n JOIN reporunner.trigger o" \
	" ON o.workflow_id = n.workflow_id AND o.owner = n.owner" \
	" AND o.kind = n.kind AND o.target = n.target AND o.options = n.options" \
	" WHERE n.id = $1 AND n.owner = $4 AND o.id = ANY ($2)" \
	" AND o.id <> ALL ($3) ORDER BY o.id LIMIT 1"

/*
 * A registration among $4 but not $5 of kind $1 and target $2 with options
 * $3 as the document has them: a trigger whose function stores them as
 * given (a webhook's, whose function refuses a path that is taken even by
 * the same registration) is found before it is made again
 */
#define SQL_SAME_AS_DOCUMENT \
	"SELECT id FROM reporunner.trigger WHERE kind = $1 AND target = $2" \
	" AND options = COALESCE($3, '{}') AND id = ANY ($4) AND id <> ALL ($5)" \
	" AND owner = $6" \
	" ORDER BY id LIMIT 1"

static SPIPlanPtr same_as_document_plan = NULL;

/* A trigger of the document, for error messages */
typedef struct TransferContext
{
	int			index;
	const char *kind;
	const char *target;
} TransferContext;

static void
transfer_error_callback(void *arg)
{
	TransferContext *context = (TransferContext *) arg;

	errcontext("triggers[%d] of the document (%s \"%s\")",
			   context->index, context->kind, context->target);
}

/* The value of key in a JSON object, NULL if absent */
static JsonbValue *
object_field(JsonbContainer *object, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	return findJsonbValueFromContainer(object, JB_FOBJECT, &k);
}

static char *
string_value(const JsonbValue *value)
{
	return pnstrdup(value->val.string.val, value->val.string.len);
}

static void
wrong_type(const char *what, const char *type)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("%s must be %s", what, type)));
}

/* A table by its (possibly qualified) name, which must exist */
static Oid
existing_table(const char *name)
{
	Oid			relid;

	relid = RangeVarGetRelid(makeRangeVarFromNameList(stringToQualifiedNameList(name)),
							 NoLock, true);
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table \"%s\" does not exist", name),
				 errhint("Create the table before importing the workflow, or leave its trigger out of the document.")));
	return relid;
}

/* A JSON array of strings as text[] */
static Datum
text_array(const JsonbValue *value, const char *what)
{
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken token;
	Datum	   *elems;
	int			n = 0;

	if (value->type != jbvBinary || !JsonContainerIsArray(value->val.binary.data))
		wrong_type(what, "an array of strings");
	elems = palloc(sizeof(Datum) * Max(JsonContainerSize(value->val.binary.data), 1));
	it = JsonbIteratorInit(value->val.binary.data);
	while ((token = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		if (elem.type != jbvString)
			wrong_type(what, "an array of strings");
		elems[n++] = CStringGetTextDatum(string_value(&elem));
	}
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/* A target or option as the value of arg, of type *type */
static Datum
transfer_value(const TransferArg *arg, JsonbValue *value, const char *what,
			   Oid *type)
{
	switch (arg->type)
	{
		case TRANSFER_TEXT:
		case TRANSFER_TABLE:
			if (value->type != jbvString)
				wrong_type(what, "a string");
			if (arg->type == TRANSFER_TABLE)
			{
				*type = REGCLASSOID;
				return ObjectIdGetDatum(existing_table(string_value(value)));
			}
			*type = TEXTOID;
			return CStringGetTextDatum(string_value(value));
		case TRANSFER_TEXT_ARRAY:
			*type = TEXTARRAYOID;
			return text_array(value, what);
		case TRANSFER_JSONB:
			*type = JSONBOID;
			return JsonbPGetDatum(JsonbValueToJsonb(value));
	}
	elog(ERROR, "unknown transfer type %d", (int) arg->type);
	return (Datum) 0;
}

static const TransferKind *
transfer_kind(const char *kind)
{
	int			k;

	for (k = 0; k < lengthof(transfer_kinds); k++)
		if (strcmp(transfer_kinds[k].kind, kind) == 0)
			return &transfer_kinds[k];
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown trigger kind \"%s\"", kind),
			 errdetail("Triggers are of kind table, schedule, notify or webhook.")));
	return NULL;
}

static const TransferArg *
transfer_option(const TransferKind *kind, const char *option)
{
	StringInfoData known;
	int			o;

	initStringInfo(&known);
	for (o = 0; kind->options[o].name != NULL; o++)
	{
		if (strcmp(kind->options[o].name, option) == 0)
			return &kind->options[o];
		appendStringInfo(&known, "%s\"%s\"", o > 0 ? ", " : "",
						 kind->options[o].name);
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown option \"%s\"", option),
			 o == 0 ?
			 errdetail("A trigger of kind %s has no options.", kind->kind) :
			 errdetail("The options of a trigger of kind %s are %s.",
					   kind->kind, known.data)));
	return NULL;
}

/*
 * Make trigger (an object of the document's "triggers") for the workflow
 * called name through the function of its kind, as the caller; returns
 * the new registration's id.  An option that is null is left out, so the
 * function's default applies.
 */
static int64
make_trigger(const char *name, JsonbContainer *trigger,
			 const char *kind_name, const char *target)
{
	const TransferKind *kind = transfer_kind(kind_name);
	JsonbValue *options = object_field(trigger, "options");
	JsonbValue	target_value;
	Oid			argtypes[MAX_TRANSFER_OPTIONS + 2];
	Datum		values[MAX_TRANSFER_OPTIONS + 2];
	StringInfoData sql;
	int			nargs = 2;
	bool		isnull;
	int64		id;
	int			nestlevel;

	/* SELECT function(workflow => $1, target => $2, option => $3, ...) */
	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT %s(workflow => $1, %s => $2",
					 kind->function, kind->target.name);
	argtypes[0] = TEXTOID;
	values[0] = CStringGetTextDatum(name);
	target_value.type = jbvString;
	target_value.val.string.val = (char *) target;
	target_value.val.string.len = strlen(target);
	values[1] = transfer_value(&kind->target, &target_value, "target",
							   &argtypes[1]);
	if (options != NULL && kind->options_arg != NULL)
	{
		static const TransferArg whole = {NULL, TRANSFER_JSONB};

		values[nargs] = transfer_value(&whole, options, "options",
									   &argtypes[nargs]);
		appendStringInfo(&sql, ", %s => $%d", kind->options_arg, nargs + 1);
		nargs++;
	}
	else if (options != NULL)
	{
		JsonbIterator *it = JsonbIteratorInit(options->val.binary.data);
		JsonbValue	key;
		JsonbValue	value;
		JsonbIteratorToken token;

		while ((token = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
		{
			const TransferArg *option;
			char	   *option_name;

			if (token != WJB_KEY)
				continue;
			option_name = string_value(&key);
			option = transfer_option(kind, option_name);
			(void) JsonbIteratorNext(&it, &value, true);
			if (value.type == jbvNull)
				continue;
			values[nargs] = transfer_value(option, &value,
										   psprintf("option \"%s\"", option_name),
										   &argtypes[nargs]);
			appendStringInfo(&sql, ", %s => $%d", option->name, nargs + 1);
			nargs++;
		}
	}
	appendStringInfoChar(&sql, ')');

	nestlevel = rr_store_begin();
	rr_registration_run_as_caller(sql.data, nargs, argtypes, values,
								  SPI_OK_SELECT);
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
									 SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	return id;
}

/* An int8[] of n ids */
static Datum
id_array(int64 *ids, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = Int64GetDatum(ids[i]);
	return PointerGetDatum(construct_array(elems, n, INT8OID, sizeof(int64),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* The ids of the workflow's registrations, as an int8[] out of SPI's memory */
static Datum
workflow_registrations(int64 workflow_id)
{
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	Datum		ids;
	bool		isnull;
	int			nestlevel;

	values[0] = Int64GetDatum(workflow_id);
	values[1] = ObjectIdGetDatum(GetUserId());
	nestlevel = rr_store_begin();
	rr_store_run(SQL_REGISTRATIONS, 2, argtypes, values, SPI_OK_SELECT);
	ids = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull),
							false, -1);
	rr_store_end(nestlevel);
	return ids;
}

/*
 * A registration among before, and not among the n matched already, that
 * is the same (kind, target, options) as registration id; 0 if none.
 */
static int64
earlier_same(int64 id, Datum before, int64 *matched, int n)
{
	Oid			argtypes[4] = {INT8OID, INT8ARRAYOID, INT8ARRAYOID, OIDOID};
	Datum		values[4];
	int64		same = 0;
	bool		isnull;
	int			nestlevel;

	values[0] = Int64GetDatum(id);
	values[1] = before;
	values[2] = id_array(matched, n);
	values[3] = ObjectIdGetDatum(GetUserId());
	nestlevel = rr_store_begin();
	rr_store_run(SQL_SAME_REGISTRATION, 4, argtypes, values, SPI_OK_SELECT);
	if (SPI_processed == 1)
		same = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	return same;
}

/*
 * A registration among before, and not among the n matched already, that
 * has the kind, target and options trigger has in the document; 0 if none.
 */
static int64
document_same(JsonbContainer *trigger, const TransferContext *context,
			  Datum before, int64 *matched, int n)
{
	Oid			argtypes[6] = {TEXTOID, TEXTOID, JSONBOID, INT8ARRAYOID,
	INT8ARRAYOID, OIDOID};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	JsonbValue *options = object_field(trigger, "options");
	int64		same = 0;
	bool		isnull;
	int			nestlevel;

	values[0] = CStringGetTextDatum(context->kind);
	values[1] = CStringGetTextDatum(context->target);
	if (options != NULL)
		values[2] = JsonbPGetDatum(JsonbValueToJsonb(options));
	else
		nulls[2] = 'n';
	values[3] = before;
	values[4] = id_array(matched, n);
	values[5] = ObjectIdGetDatum(GetUserId());
	nestlevel = rr_store_begin();
	rr_store_run_kept(&same_as_document_plan, SQL_SAME_AS_DOCUMENT, 6,
					  argtypes, values, nulls, SPI_OK_SELECT);
	if (SPI_processed == 1)
		same = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	return same;
}

/*
 * Make a trigger of the document, in a subtransaction that is rolled back
 * when the workflow had the same one already (among before, and not among
 * the n matched): then nothing of it is left, not even its audit rows.
 * Returns the one the workflow had, or 0 when the new one stays.
 */
static int64
make_unless_same(const char *name, JsonbContainer *trigger,
				 const TransferContext *context, Datum before,
				 int64 *matched, int n)
{
	MemoryContext caller = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	volatile int64 same = document_same(trigger, context, before, matched, n);

	if (same != 0)
		return same;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(caller);
	PG_TRY();
	{
		int64		id = make_trigger(name, trigger, context->kind,
									  context->target);

		same = earlier_same(id, before, matched, n);
	}
	PG_CATCH();
	{
		ErrorData  *error;

		MemoryContextSwitchTo(caller);
		error = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller);
		CurrentResourceOwner = owner;
		ReThrowError(error);
	}
	PG_END_TRY();
	if (same != 0)
		RollbackAndReleaseCurrentSubTransaction();
	else
		ReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(caller);
	CurrentResourceOwner = owner;
	return same;
}

/*
 * import_workflow(name, document): save the document as the workflow's
 * new version, made active, and make the triggers it lists that the
 * workflow does not have yet; returns the version.
 */
Datum
reporunner_import_workflow(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Jsonb	   *document = PG_GETARG_JSONB_P(1);
	int32		version;
	int64		workflow_id;
	JsonbValue *triggers;
	Datum		before;
	int64	   *matched;
	int			nmatched = 0;
	JsonbIterator *it;
	JsonbValue	trigger;
	JsonbIteratorToken token;
	int			index = 0;

	version = rr_workflow_save(name, document, true, "import", &workflow_id);
	triggers = object_field(&document->root, "triggers");
	if (triggers == NULL)
		PG_RETURN_INT32(version);
	before = workflow_registrations(workflow_id);
	matched = palloc(sizeof(int64) * Max(JsonContainerSize(triggers->val.binary.data), 1));

	/* the document was validated: triggers are objects with kind and target */
	it = JsonbIteratorInit(triggers->val.binary.data);
	while ((token = JsonbIteratorNext(&it, &trigger, true)) != WJB_DONE)
	{
		TransferContext context;
		ErrorContextCallback callback;
		int64		same;

		if (token != WJB_ELEM)
			continue;
		context.index = index++;
		context.kind = string_value(object_field(trigger.val.binary.data, "kind"));
		context.target = string_value(object_field(trigger.val.binary.data, "target"));
		callback.callback = transfer_error_callback;
		callback.arg = &context;
		callback.previous = error_context_stack;
		error_context_stack = &callback;

		same = make_unless_same(name, trigger.val.binary.data, &context,
								before, matched, nmatched);
		if (same != 0)
			matched[nmatched++] = same;
		error_context_stack = callback.previous;
	}
	PG_RETURN_INT32(version);
}
