/*-------------------------------------------------------------------------
 *
 * table_trigger.c
 *		Workflows fired by table changes: reporunner.on_table(), and the
 *		one C trigger function behind every such trigger.
 *
 * on_table() registers a row of reporunner.trigger (kind "table") and
 * creates, as the caller, the PostgreSQL trigger(s) that call
 * reporunner.table_trigger() with the registration's id:
 *
 *	- level "row": one AFTER (or, with timing "before", BEFORE) ... FOR
 *	  EACH ROW trigger, reporunner_<id>, for all the events; one execution
 *	  per row;
 *	- level "statement": one AFTER ... FOR EACH STATEMENT trigger per event,
 *	  reporunner_<id>_<event>, with the transition table of the changed
 *	  rows (PostgreSQL allows one per trigger with a single event); one
 *	  execution per statement with every changed row as an item.
 *
 * An item is the row (the new one; for a delete, the old one) as an
 * object, with "_trigger": {"event", "table", and for a row-level update
 * "old"}.  A condition ({{ }} expression) drops the items it is false for
 * before anything is queued or run.  Mode "async" queues the execution in
 * the statement's transaction (src/engine/journal.c), so a rollback leaves
 * none; mode "sync" runs the workflow inside the trigger, in the
 * statement's transaction (src/catalog/execute.c), so a failing workflow
 * rejects the change with its error.  A sync row trigger with timing
 * "before" runs before the row is written, and the one item the workflow
 * returns, if any, gives the row's new values (before_row_result).
 * Either way the workflow runs as its
 * owner, for the role that registered the trigger, which is checked again
 * at every firing (src/catalog/run_as.c).
 *
 * The registration and its PostgreSQL triggers come and go together:
 * deleting the registration (drop_trigger(), delete_workflow()) drops the
 * triggers (rr_table_trigger_drop, called by registration.c), and dropping
 * a trigger or its table deletes the registration (the sql_drop event
 * trigger below).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "catalog/execute.h"
#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "commands/event_trigger.h"
#include "commands/trigger.h"
#include "document/document.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "engine/packed_rows.h"
#include "engine/row_jsonb.h"
#include "executor/spi.h"
#include "expr/template.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "storage/lmgr.h"
#include "triggers/triggers.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "worker/worker.h"

PG_FUNCTION_INFO_V1(reporunner_on_table);
PG_FUNCTION_INFO_V1(reporunner_table_trigger);
PG_FUNCTION_INFO_V1(reporunner_forget_dropped_triggers);

/* The events a table trigger may fire on, in the order they are listed */
static const struct
{
	const char *name;
	const char *transition;		/* REFERENCING clause at statement level */
} table_events[] = {
	{"insert", " REFERENCING NEW TABLE AS reporunner_rows"},
	{"update", " REFERENCING NEW TABLE AS reporunner_rows"},
	{"delete", " REFERENCING OLD TABLE AS reporunner_rows"},
	{"truncate", ""},
};
#define N_TABLE_EVENTS lengthof(table_events)

/* The PostgreSQL triggers of registration $1, and their tables */
#define SQL_TABLE_TRIGGERS \
	"SELECT tg.tgname, tg.tgrelid::pg_catalog.regclass::pg_catalog.text" \
	" FROM pg_catalog.pg_trigger tg" \
	" WHERE tg.tgfoid = 'reporunner.table_trigger()'::pg_catalog.regprocedure" \
	" AND (tg.tgname = 'reporunner_' || $1" \
	" OR tg.tgname LIKE 'reporunner\\_' || $1 || '\\_%')"
/*
 * The ids of the registrations whose triggers the current DDL command
 * dropped, or NULL: read first, on its own, so that a DDL command that
 * dropped none (almost every one) reads no reporunner table (on Citus, a
 * statement on every node; and Citus refuses CREATE EXTENSION after a
 * parallel statement on a distributed table in its transaction).
 */
#define SQL_DROPPED_IDS \
	"SELECT pg_catalog.array_agg(DISTINCT id) FROM (SELECT" \
	" pg_catalog.substring(" \
	" d.address_names[pg_catalog.array_upper(d.address_names, 1)]," \
	" '^reporunner_([0-9]+)(?:_[a-z]+)?$')::pg_catalog.int8 AS id" \
	" FROM pg_catalog.pg_event_trigger_dropped_objects() d" \
	" WHERE d.object_type = 'trigger') d WHERE id IS NOT NULL"
/*
 * The options of the table registrations among ids $1 (owner unknown:
 * every shard), to tell which triggers are their own
 */
#define SQL_DROPPED_OPTIONS \
	"SELECT t.id, t.options FROM reporunner.trigger t" \
	" WHERE t.kind = 'table' AND t.id = ANY ($1)"
/* How many of the trigger names $1 are triggers calling table_trigger() */
#define SQL_OWN_TRIGGERS_LEFT \
	"SELECT pg_catalog.count(*) FROM pg_catalog.pg_trigger tg" \
	" WHERE tg.tgname = ANY ($1)" \
	" AND tg.tgfoid = 'reporunner.table_trigger()'::pg_catalog.regprocedure"
/* The table registrations among ids $1, deleted (owner unknown: every shard) */
#define SQL_FORGET_DROPPED \
	"WITH t AS (DELETE FROM reporunner.trigger t" \
	" WHERE t.kind = 'table' AND t.id = ANY ($1)" \
	" RETURNING " RR_SQL_DELETED_REGISTRATION ")" \
	" SELECT t.*, w.name FROM t JOIN reporunner.workflow w" \
	" ON w.id = t.workflow_id AND w.owner = t.owner ORDER BY t.id"

static SPIPlanPtr table_triggers_plan = NULL;
static SPIPlanPtr dropped_options_plan = NULL;
static SPIPlanPtr own_triggers_left_plan = NULL;
static SPIPlanPtr forget_dropped_plan = NULL;

/* The condition of the registration fired last, compiled once */
static int64 condition_id = 0;
static MemoryContext condition_context = NULL;
static RrValue *condition_value = NULL;

/* A condition string, compiled (its syntax checked) in context */
static RrValue *
compile_condition(const char *condition, int64 id, MemoryContext context)
{
	MemoryContext old;
	JsonbValue	value;
	RrValue    *compiled;

	if (!rr_expression_is_lone(condition, strlen(condition)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the condition of on_table() must be one {{ }} expression"),
				 errdetail("The condition is \"%s\".", condition)));
	old = MemoryContextSwitchTo(context);
	value.type = jbvString;
	value.val.string.val = pstrdup(condition);
	value.val.string.len = strlen(condition);
	compiled = rr_value_compile(&value,
								id ? psprintf("table trigger " INT64_FORMAT, id) :
								"table trigger", "condition");
	MemoryContextSwitchTo(old);
	return compiled;
}

/* Which of table_events the array names; each at most once */
static bool *
parse_events(ArrayType *array, bool row_level)
{
	bool	   *chosen = palloc0(sizeof(bool) * N_TABLE_EVENTS);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;

	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	if (n == 0)
		rr_invalid_parameter("events must not be empty",
							 "Name one or more of insert, update, delete and truncate.");
	for (i = 0; i < n; i++)
	{
		char	   *name = nulls[i] ? "" : TextDatumGetCString(elems[i]);
		int			e;

		for (e = 0; e < N_TABLE_EVENTS; e++)
			if (strcmp(name, table_events[e].name) == 0)
				break;
		if (e == N_TABLE_EVENTS)
			rr_invalid_parameter(psprintf("unknown event \"%s\"", name),
								 "Events are insert, update, delete and truncate.");
		if (chosen[e])
			rr_invalid_parameter(psprintf("event \"%s\" is named twice", name),
								 "Name each event once.");
		if (row_level && strcmp(name, "truncate") == 0)
			rr_invalid_parameter("truncate needs level \"statement\"",
								 "TRUNCATE fires statement-level triggers only.");
		chosen[e] = true;
	}
	return chosen;
}

/*
 * Whether relid is a Citus distributed or reference table, whose triggers
 * fire on the shards, on the worker nodes (SPI connected, on Citus)
 */
#define SQL_CITUS_SHARDED \
	"SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = $1" \
	" AND (partmethod <> 'n' OR repmodel = 't')"

static bool
citus_sharded(Oid relid)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	bool		sharded;
	int			nestlevel;

	values[0] = ObjectIdGetDatum(relid);
	nestlevel = rr_store_begin();
	rr_store_run(SQL_CITUS_SHARDED, 1, argtypes, values, SPI_OK_SELECT);
	sharded = SPI_processed > 0;
	rr_store_end(nestlevel);
	return sharded;
}

/* The table, which must be a table the caller may put a trigger on */
static char *
checked_table(Oid relid)
{
	char		relkind = get_rel_relkind(relid);
	AclResult	acl;

	if (relkind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	/* as CREATE TRIGGER locks it, so that what is checked is what gets it */
	LockRelationOid(relid, ShareRowExclusiveLock);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", get_rel_name(relid)),
				 errdetail("Table triggers go on tables and partitioned tables.")));
	acl = pg_class_aclcheck(relid, GetUserId(), ACL_TRIGGER);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_TABLE, get_rel_name(relid));

	/*
	 * The trigger would fire on a worker node, inside Citus's query on a
	 * shard, where reading the registration and queueing are distributed
	 * queries, which Citus refuses (XX000), and with
	 * citus.allow_nested_distributed_execution the enqueue's INSERT ...
	 * RETURNING returns no row (src/triggers/README.md).
	 */
	if (rr_store_on_citus() && citus_sharded(relid))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table triggers cannot go on distributed table \"%s\"",
						get_rel_name(relid)),
				 errdetail("Its triggers fire on the Citus worker nodes, inside a query on a shard, where Citus refuses the distributed queries that start a workflow."),
				 errhint("Put the trigger on a local table of the coordinator, or have a trigger of your own send a NOTIFY and start the workflow with reporunner.on_notify().")));
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/* The options object stored with the registration */
static Jsonb *
registration_options(bool *events, const char *level, const char *mode,
					 const char *condition, bool before)
{
	StringInfoData buf;
	int			e;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"events\": [");
	for (e = 0; e < N_TABLE_EVENTS; e++)
	{
		if (!events[e])
			continue;
		appendStringInfo(&buf, "%s\"%s\"", first ? "" : ", ", table_events[e].name);
		first = false;
	}
	appendStringInfo(&buf, "], \"level\": \"%s\", \"mode\": \"%s\"", level, mode);
	if (before)
		appendStringInfoString(&buf, ", \"timing\": \"before\"");
	if (condition != NULL)
	{
		appendStringInfoString(&buf, ", \"condition\": ");
		escape_json(&buf, condition);
	}
	appendStringInfoChar(&buf, '}');
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/*
 * The name of a PostgreSQL trigger of registration id: reporunner_<id> at
 * row level (event NULL), reporunner_<id>_<event> at statement level
 */
static char *
trigger_name(int64 id, const char *event)
{
	return event == NULL ? psprintf("reporunner_" INT64_FORMAT, id) :
		psprintf("reporunner_" INT64_FORMAT "_%s", id, event);
}

/*
 * CREATE TRIGGER for registration id, once the caller's TRIGGER privilege
 * was checked (checked_table()), as the tables' owner: only it may use
 * reporunner.table_trigger(), whose EXECUTE is revoked from PUBLIC, since
 * a tenant that could put it on a table of its own fired another tenant's
 * registration with rows it made up.  (On Citus every statement runs as
 * that user: the registration's insert touched the co-located placements
 * of a distributed table as it, and Citus refuses another user there in
 * the transaction, 25001.)
 */
static void
create_trigger(int64 id, const char *table, bool *events, bool row_level,
			   int only_event, bool before)
{
	StringInfoData sql;
	int			e;
	bool		first = true;

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE TRIGGER %s %s",
					 trigger_name(id, row_level ? NULL : table_events[only_event].name),
					 before ? "BEFORE" : "AFTER");
	for (e = 0; e < N_TABLE_EVENTS; e++)
	{
		if (!events[e] || (!row_level && e != only_event))
			continue;
		appendStringInfo(&sql, "%s %s", first ? "" : " OR", table_events[e].name);
		first = false;
	}
	appendStringInfo(&sql, " ON %s%s FOR EACH %s"
					 " EXECUTE FUNCTION reporunner.table_trigger('" INT64_FORMAT "')",
					 table, row_level ? "" : table_events[only_event].transition,
					 row_level ? "ROW" : "STATEMENT", id);
	rr_store_run(sql.data, 0, NULL, NULL, SPI_OK_UTILITY);
}

/*
 * on_table(workflow, tbl, events, level, mode, condition, timing): start
 * the workflow when the table changes; returns the registration's id.
 */
Datum
reporunner_on_table(PG_FUNCTION_ARGS)
{
	char	   *name;
	Oid			relid;
	char	   *level;
	char	   *mode;
	char	   *condition = NULL;
	bool		row_level;
	bool		before = false;
	bool	   *events;
	char	   *table;
	RrWorkflowRef ref;
	int64		id;
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;
	int			e;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) ||
		PG_ARGISNULL(3) || PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("only the condition of on_table() may be null")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	relid = PG_GETARG_OID(1);
	level = text_to_cstring(PG_GETARG_TEXT_PP(3));
	mode = text_to_cstring(PG_GETARG_TEXT_PP(4));
	if (strcmp(level, "row") != 0 && strcmp(level, "statement") != 0)
		rr_invalid_parameter(psprintf("unknown level \"%s\"", level),
							 "A table trigger's level is \"row\" or \"statement\".");
	if (strcmp(mode, "async") != 0 && strcmp(mode, "sync") != 0)
		rr_invalid_parameter(psprintf("unknown mode \"%s\"", mode),
							 "A table trigger's mode is \"async\" (queued for the workers) or \"sync\" (run in the statement).");
	row_level = strcmp(level, "row") == 0;
	if (PG_NARGS() > 6 && !PG_ARGISNULL(6))
	{
		char	   *timing = text_to_cstring(PG_GETARG_TEXT_PP(6));

		if (strcmp(timing, "after") != 0 && strcmp(timing, "before") != 0)
			rr_invalid_parameter(psprintf("unknown timing \"%s\"", timing),
								 "A table trigger's timing is \"after\" (the default) or \"before\".");
		before = strcmp(timing, "before") == 0;
		if (before && (!row_level || strcmp(mode, "sync") != 0))
			rr_invalid_parameter("timing \"before\" needs level \"row\" and mode \"sync\"",
								 "Only a workflow run inside the statement, for one row, can change the row before it is written.");
	}
	events = parse_events(PG_GETARG_ARRAYTYPE_P(2), row_level);
	if (!PG_ARGISNULL(5))
	{
		condition = text_to_cstring(PG_GETARG_TEXT_PP(5));
		(void) compile_condition(condition, 0, CurrentMemoryContext);
	}
	table = checked_table(relid);

	rr_registration_workflow(name, strcmp(mode, "async") == 0, &ref);
	id = rr_registration_insert(&ref, name, "table", table,
								registration_options(events, level, mode, condition,
													 before));
	nestlevel = rr_store_begin();
	rr_store_become_owner(&save_userid, &save_sec_context);
	if (row_level)
		create_trigger(id, table, events, true, -1, before);
	else
		for (e = 0; e < N_TABLE_EVENTS; e++)
			if (events[e])
				create_trigger(id, table, events, false, e, false);
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);
	PG_RETURN_INT64(id);
}

/* A string value or key for pushJsonbValue() */
static void
push_string(JsonbParseState **state, JsonbIteratorToken token,
			const char *string)
{
	JsonbValue	value;

	value.type = jbvString;
	value.val.string.val = (char *) string;
	value.val.string.len = strlen(string);
	pushJsonbValue(state, token, &value);
}

/*
 * Push the key "_trigger" and its object (event, table, and old when
 * old_row is not NULL: an update's row before it) into an object being
 * built
 */
static void
push_trigger_key(JsonbParseState **state, const char *event,
				 const char *table, Jsonb *old_row)
{
	push_string(state, WJB_KEY, "_trigger");
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	push_string(state, WJB_KEY, "event");
	push_string(state, WJB_VALUE, event);
	push_string(state, WJB_KEY, "table");
	push_string(state, WJB_VALUE, table);
	if (old_row != NULL)
	{
		push_string(state, WJB_KEY, "old");
		rr_push_jsonb(state, WJB_VALUE, old_row);
	}
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/* The item of a truncate: {"_trigger": {"event": ..., "table": ...}} */
static Jsonb *
truncate_item(const char *table)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	push_trigger_key(&state, "truncate", table, NULL);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * A row as the input of its execution, built in one pass: an array of one
 * item, the row's columns as to_jsonb() gives them and "_trigger" (which
 * wins over a column of that name, the last of equal keys being kept).
 */
static Jsonb *
row_input(HeapTuple tuple, TupleDesc desc, const char *event,
		  const char *table, HeapTuple old_tuple)
{
	RrRowJsonb *columns = rr_row_jsonb_begin(desc);
	Datum	   *values = palloc(sizeof(Datum) * Max(desc->natts, 1));
	bool	   *isnull = palloc(sizeof(bool) * Max(desc->natts, 1));
	Jsonb	   *old_row = NULL;
	JsonbParseState *state = NULL;

	if (old_tuple != NULL)
	{
		heap_deform_tuple(old_tuple, desc, values, isnull);
		old_row = rr_row_jsonb(columns, values, isnull);
	}
	heap_deform_tuple(tuple, desc, values, isnull);
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	rr_row_jsonb_push(columns, &state, values, isnull);
	push_trigger_key(&state, event, table, old_row);
	pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_ARRAY, NULL));
}

/* The items registration id's condition holds for */
static List *
matching_items(int64 id, const char *condition, RrPlan *plan, List *items)
{
	RrExecution execution;
	RrNodeRun	run;
	List	   *kept = NIL;
	ListCell   *lc;
	int			index = 0;

	if (condition_id != id)
	{
		if (condition_context != NULL)
			MemoryContextDelete(condition_context);
		condition_id = 0;
		condition_context = AllocSetContextCreate(TopMemoryContext,
												  "reporunner table trigger condition",
												  ALLOCSET_SMALL_SIZES);
		condition_value = compile_condition(condition, id, condition_context);
		condition_id = id;
	}
	memset(&execution, 0, sizeof(execution));
	execution.plan = plan;
	execution.mode = "table";
	execution.context = CurrentMemoryContext;	/* what $input.all() keeps */
	/* $now and $today: when the statement began, as statement_timestamp() */
	execution.started_at = GetCurrentStatementStartTimestamp();
	memset(&run, 0, sizeof(run));
	run.execution = &execution;
	foreach(lc, items)
	{
		if (rr_condition_eval(condition_value, &run, lfirst(lc), index++))
			kept = lappend(kept, lfirst(lc));
	}
	return kept;
}

/*
 * What a BEFORE row trigger returns: the row the workflow's result
 * (items, a jsonb array) makes of it.  No item: the row as it is; one
 * item: the row with the columns the item names set from its values, as
 * jsonb_populate_record() sets them (other keys, such as "_trigger", are
 * ignored); more: an error.  A deleted row is deleted as it is.
 */
static HeapTuple
before_row_result(TriggerData *trigdata, HeapTuple row, Jsonb *result)
{
	Relation	rel = trigdata->tg_relation;
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext old;
	Oid			argtypes[2];
	Datum		values[2];
	JsonbValue *item;
	HeapTupleHeader header;
	HeapTupleData populated;
	HeapTuple	tuple;
	bool		isnull;
	int			nestlevel;

	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) || JB_ROOT_COUNT(result) == 0)
		return row;
	if (JB_ROOT_COUNT(result) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("the workflow of trigger \"%s\" returned %d items for one row",
						trigdata->tg_trigger->tgname, JB_ROOT_COUNT(result)),
				 errdetail("A BEFORE trigger's workflow returns no item (the row stays as it is) or one (the row's new values).")));
	item = getIthJsonbValueFromContainer(&result->root, 0);

	argtypes[0] = RelationGetForm(rel)->reltype;
	argtypes[1] = JSONBOID;
	values[0] = heap_copy_tuple_as_datum(row, RelationGetDescr(rel));
	values[1] = JsonbPGetDatum(JsonbValueToJsonb(item));
	nestlevel = rr_store_begin();
	rr_store_run("SELECT pg_catalog.jsonb_populate_record($1, $2)", 2,
				 argtypes, values, SPI_OK_SELECT);
	header = DatumGetHeapTupleHeader(SPI_getbinval(SPI_tuptable->vals[0],
												   SPI_tuptable->tupdesc, 1,
												   &isnull));
	populated.t_len = HeapTupleHeaderGetDatumLength(header);
	ItemPointerSetInvalid(&populated.t_self);
	populated.t_tableOid = RelationGetRelid(rel);
	populated.t_data = header;
	old = MemoryContextSwitchTo(caller);
	tuple = heap_copytuple(&populated);
	MemoryContextSwitchTo(old);
	rr_store_end(nestlevel);
	return tuple;
}

/*
 * Whether name is one create_trigger() gives a trigger of registration id:
 * reporunner_<id>, or reporunner_<id>_<event>
 */
static bool
own_trigger_name(const char *name, int64 id)
{
	int			e;

	if (strcmp(name, trigger_name(id, NULL)) == 0)
		return true;
	for (e = 0; e < N_TABLE_EVENTS; e++)
		if (strcmp(name, trigger_name(id, table_events[e].name)) == 0)
			return true;
	return false;
}

/*
 * The trigger function of every table trigger: its argument is the
 * registration's id.
 */
Datum
reporunner_table_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerEvent fired;
	Trigger    *trigger;
	int64		id;
	RrRegistration registration;
	char	   *mode;
	char	   *condition;
	char	   *timing;
	bool		sync;
	HeapTuple	row = NULL;
	Jsonb	   *result;
	const char *event;
	char	   *table;
	RrPlan	   *plan;
	List	   *items;
	Jsonb	   *input;
	bytea	   *packed = NULL;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("reporunner.table_trigger() may only be called as a trigger")));
	trigger = trigdata->tg_trigger;
	fired = trigdata->tg_event;
	if (trigger->tgnargs != 1 || TRIGGER_FIRED_INSTEAD(fired))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" is not one reporunner.on_table() made",
						trigger->tgname)));
	id = pg_strtoint64(trigger->tgargs[0]);
	if (!own_trigger_name(trigger->tgname, id))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" is not one reporunner.on_table() made",
						trigger->tgname)));
	/* the trigger names the id only: on Citus, a read of every shard */
	if (!rr_registration_read(id, InvalidOid, "table", &registration))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("table trigger " INT64_FORMAT " is not registered", id),
				 errhint("Drop trigger \"%s\", or make it again with reporunner.on_table().",
						 trigger->tgname)));
	mode = rr_registration_option(&registration, "mode");
	condition = rr_registration_option(&registration, "condition");
	timing = rr_registration_option(&registration, "timing");
	sync = mode != NULL && strcmp(mode, "sync") == 0;
	if (TRIGGER_FIRED_BEFORE(fired) !=
		(timing != NULL && strcmp(timing, "before") == 0 && sync &&
		 TRIGGER_FIRED_FOR_ROW(fired)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" fires at another time than its registration says",
						trigger->tgname),
				 errhint("Drop it, and make it again with reporunner.on_table().")));
	plan = rr_registration_plan(&registration, sync ? RR_RUN_CALL : RR_RUN_QUEUE);

	table = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(trigdata->tg_relation)),
									   RelationGetRelationName(trigdata->tg_relation));
	event = TRIGGER_FIRED_BY_INSERT(fired) ? "insert" :
		TRIGGER_FIRED_BY_UPDATE(fired) ? "update" :
		TRIGGER_FIRED_BY_DELETE(fired) ? "delete" : "truncate";
	if (TRIGGER_FIRED_FOR_ROW(fired))
	{
		row = TRIGGER_FIRED_BY_UPDATE(fired) ?
			trigdata->tg_newtuple : trigdata->tg_trigtuple;
		input = row_input(row, RelationGetDescr(trigdata->tg_relation),
						  event, table,
						  TRIGGER_FIRED_BY_UPDATE(fired) ?
						  trigdata->tg_trigtuple : NULL);
		items = condition != NULL || sync ? rr_items_from_jsonb(input) : NIL;
	}
	else if (!sync && condition == NULL && strcmp(event, "truncate") != 0 &&
			 rr_rows_packable(RelationGetDescr(trigdata->tg_relation)))
	{
		/* queued as they are: a worker makes them items */
		packed = rr_rows_pack(TRIGGER_FIRED_BY_DELETE(fired) ?
							  trigdata->tg_oldtable : trigdata->tg_newtable,
							  RelationGetDescr(trigdata->tg_relation));
		if (packed == NULL)
			return PointerGetDatum(NULL);
		items = NIL;
		input = NULL;
	}
	else
	{
		/* a statement's rows made items here; a truncate's one item */
		items = strcmp(event, "truncate") == 0 ?
			list_make1(truncate_item(table)) :
			rr_rows_items(TRIGGER_FIRED_BY_DELETE(fired) ?
						  trigdata->tg_oldtable : trigdata->tg_newtable,
						  RelationGetDescr(trigdata->tg_relation));
		if (items == NIL)
			return PointerGetDatum(NULL);
		input = NULL;
	}
	if (condition != NULL)
	{
		items = matching_items(id, condition, plan, items);
		if (items == NIL)
			return PointerGetDatum(TRIGGER_FIRED_BEFORE(fired) ? row : NULL);
		input = NULL;
	}

	if (sync)
	{
		result = rr_run_in_caller(plan, "table", items, NULL, plan->save,
								  registration.created_by, id, 0);
		if (TRIGGER_FIRED_BEFORE(fired))
			return PointerGetDatum(before_row_result(trigdata, row, result));
	}
	else
	{
		rr_worker_wake_at_commit();
		(void) rr_journal_enqueue(&(RrEnqueue) {
			.workflow_id = registration.workflow_id,
				.workflow_name = registration.workflow,
				.version = registration.version,
				.owner = registration.owner,
				.input = packed != NULL ? NULL :
				input != NULL ? input : rr_items_to_jsonb(items),
				.input_rows = packed,
				.caller = registration.created_by,
				.ready_at = GetCurrentTimestamp(),
				.mode = "table",
				.trigger_id = id
		});
	}
	return PointerGetDatum(NULL);
}

/*
 * Drop the PostgreSQL triggers of table trigger registration id, whose row
 * is being deleted.  They are dropped as the tables' owner: the role that
 * made them may have had the TRIGGER privilege only, which does not allow
 * dropping them.
 */
void
rr_table_trigger_drop(int64 id)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;
	uint64		row;
	uint64		ntriggers;
	SPITupleTable *triggers;

	values[0] = Int64GetDatum(id);
	nestlevel = rr_store_begin();
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run_kept(&table_triggers_plan, SQL_TABLE_TRIGGERS, 1, argtypes,
					  values, NULL, SPI_OK_SELECT);
	triggers = SPI_tuptable;
	ntriggers = SPI_processed;
	for (row = 0; row < ntriggers; row++)
	{
		char	   *name = SPI_getvalue(triggers->vals[row], triggers->tupdesc, 1);
		char	   *table = SPI_getvalue(triggers->vals[row], triggers->tupdesc, 2);

		rr_store_run(psprintf("DROP TRIGGER %s ON %s", quote_identifier(name), table),
					 0, NULL, NULL, SPI_OK_UTILITY);
	}
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);
}

/* Whether this is the Citus coordinator (SPI connected, on Citus) */
static bool
on_coordinator(void)
{
	bool		isnull;

	rr_store_run("SELECT pg_catalog.citus_is_coordinator()", 0, NULL, NULL,
				 SPI_OK_SELECT);
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
									  SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * The names of the PostgreSQL triggers of a table registration with
 * options (create_trigger()'s), as a text[] Datum of *count names
 */
static Datum
own_trigger_names(int64 id, Jsonb *options, int *count)
{
	RrRegistration registration = {.id = id,.options = options};
	char	   *level = rr_registration_option(&registration, "level");
	Jsonb	   *events = rr_registration_option_jsonb(&registration, "events");
	Datum	   *names = palloc(sizeof(Datum) * (N_TABLE_EVENTS + 1));

	*count = 0;
	if (level != NULL && strcmp(level, "row") == 0)
		names[(*count)++] = CStringGetTextDatum(trigger_name(id, NULL));
	else if (events != NULL)
	{
		JsonbIterator *it = JsonbIteratorInit(&events->root);
		JsonbValue	event;
		JsonbIteratorToken token;

		while ((token = JsonbIteratorNext(&it, &event, true)) != WJB_DONE)
			if (token == WJB_ELEM && event.type == jbvString &&
				*count < N_TABLE_EVENTS + 1)
				names[(*count)++] =
					CStringGetTextDatum(trigger_name(id, pnstrdup(event.val.string.val,
																  event.val.string.len)));
	}
	return PointerGetDatum(construct_array(names, *count, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/*
 * Of the table registrations among ids (the int8[] Datum that the names
 * of the dropped triggers give), those that lost one of their own
 * triggers: those calling table_trigger() under the names on_table()
 * gave them, which only the tables' owner may make.  A dropped trigger only
 * names the registration: any role may give a trigger of its own table
 * the name reporunner_<id> and drop it, and that must not take another
 * tenant's registration.  Checked against the catalog apart from the
 * registrations' rows, which Citus distributes and would not join with
 * it.  SPI connected; *isnull when none.
 */
static Datum
registrations_that_lost_a_trigger(Datum ids, bool *isnull)
{
	Oid			argtypes[1] = {INT8ARRAYOID};
	Oid			name_types[1] = {TEXTARRAYOID};
	Datum		values[1];
	SPITupleTable *registrations;
	uint64		nregistrations;
	uint64		row;
	Datum	   *lost;
	int			nlost = 0;

	values[0] = ids;
	rr_store_run_kept_as_owner(&dropped_options_plan, SQL_DROPPED_OPTIONS, 1,
							   argtypes, values, NULL, SPI_OK_SELECT);
	registrations = SPI_tuptable;
	nregistrations = SPI_processed;
	lost = palloc(sizeof(Datum) * Max(nregistrations, 1));
	for (row = 0; row < nregistrations; row++)
	{
		HeapTuple	tuple = registrations->vals[row];
		TupleDesc	desc = registrations->tupdesc;
		bool		null;
		int64		id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &null));
		Jsonb	   *options = DatumGetJsonbP(SPI_getbinval(tuple, desc, 2, &null));
		int			nnames;

		values[0] = own_trigger_names(id, options, &nnames);
		rr_store_run_kept(&own_triggers_left_plan, SQL_OWN_TRIGGERS_LEFT, 1,
						  name_types, values, NULL, SPI_OK_SELECT);
		if (DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
										1, &null)) < nnames)
			lost[nlost++] = Int64GetDatum(id);
	}
	*isnull = nlost == 0;
	return *isnull ? (Datum) 0 :
		PointerGetDatum(construct_array(lost, nlost, INT8OID, sizeof(int64),
										FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * sql_drop event trigger: when a table trigger's PostgreSQL trigger goes
 * (DROP TRIGGER, or DROP TABLE), its registration goes, so none survives
 * as a dangling row.
 */
Datum
reporunner_forget_dropped_triggers(PG_FUNCTION_ARGS)
{
	int			nestlevel;
	Oid			argtypes[1] = {INT8ARRAYOID};
	Datum		values[1];
	bool		isnull;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("reporunner.forget_dropped_triggers() must be fired as an event trigger")));
	nestlevel = rr_store_begin();

	/*
	 * On a Citus worker node, the DDL command came from the coordinator
	 * (registrations are made there), whose own event trigger deletes them;
	 * a worker node may not run a distributed statement from here.
	 */
	if (!rr_store_on_citus() || on_coordinator())
	{
		rr_store_run(SQL_DROPPED_IDS, 0, NULL, NULL, SPI_OK_SELECT);
		values[0] = SPI_getbinval(SPI_tuptable->vals[0],
								  SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			values[0] = registrations_that_lost_a_trigger(values[0], &isnull);
		if (!isnull)
		{
			rr_store_run_kept_as_owner(&forget_dropped_plan,
									   SQL_FORGET_DROPPED, 1, argtypes,
									   values, NULL, SPI_OK_SELECT);
			rr_registration_deleted();
		}
	}
	rr_store_end(nestlevel);
	PG_RETURN_VOID();
}
