/*-------------------------------------------------------------------------
 *
 * packed_rows.c
 *		A statement's changed rows, read from its transition table: kept
 *		as they are until a worker turns them into items, or made items
 *		in the statement.
 *
 * An async statement-level table trigger must hold the rows of its
 * statement (they may change once it commits), but converting each one to
 * JSON costs about as much as inserting it.  So the trigger keeps them as
 * the transition table holds them, minimal tuples, copied byte for byte
 * into one bytea stored with the queued execution
 * (execution.input_rows); the worker that runs the execution reads each
 * tuple with a descriptor made from the columns written alongside, and
 * makes it the item to_jsonb() of the row would give in the statement,
 * with the statement's output settings, which the rows carry.
 *
 * Format: a header in network byte order (libpq/pqformat.h):
 *	int32 RR_PACKED_ROWS_MAGIC;
 *	the kind of server that wrote the tuples: int16 MAXIMUM_ALIGNOF,
 *	int16 SIZEOF_DATUM, int32 1 in the server's own byte order;
 *	int64 the cluster's system identifier;
 *	int16 settings; per setting its name and value, as the statement had
 *	them: the output settings to_jsonb() depends on (TimeZone, and those
 *	in output_settings[]);
 *	int16 attributes (dropped ones too); per attribute its int16 attlen,
 *	int8 attalign, int8 attbyval, int8 dropped, and for a column that is
 *	not dropped: name, type name (schema-qualified), type oid, typmod;
 *	int32 rows;
 * then the rows, each a minimal tuple of every attribute (its t_len
 * bytes, t_len first), in the server's byte order and alignment.
 *
 * Tuples are a server's own format, so they are read only by a server of
 * the same kind (alignment, Datum width, byte order: a dump restored on
 * another platform fails the execution).  A column's type is looked up by
 * its oid and must still have the length, alignment and passing it had
 * (its name is written for messages: a type renamed meanwhile is the same
 * type).  Values of a type that is not built in (an enum's label oids, an
 * extension's type) are read only in the cluster that wrote them, named
 * by its system identifier: a restore renumbers such types, and a
 * restored enum could give its oids to other labels.  Built-in types keep
 * their oids and stored forms across releases, as pg_upgrade requires.  A tuple is kept only when it holds
 * every one of its values itself: one with an attribute added after it
 * was stored (whose value is the column's default, in the table's
 * descriptor) or with a value stored out of line in a TOAST table (which
 * a deleted row's VACUUM removes) is formed again from its values, fetched,
 * as is one holding a value of a dropped column (which no one may read any
 * more); a tuple's padding, where a stored row keeps its place, is zeroed.
 * Text is in the database's encoding, whatever the client's.
 *
 * Only the engine writes input_rows (tenants only read the execution
 * table), so a tuple's own lengths are trusted once its header checks out.
 * The worker makes items as a superuser-like process, so it must not run
 * code a tenant wrote.  Only columns of base types and enums (and arrays
 * of them; a domain as its base type) are packed, and only when their
 * type has no cast to json: to_jsonb() calls such a cast for a type that
 * is not built in, and the owner of an enum may create one.  Making the
 * item of such a value runs only the server's or a superuser's C code (the
 * type's output function).  A composite or range value could run
 * functions a tenant wrote (a domain's CHECK), as could a cast to json
 * created after the rows were kept: rows with such columns are not
 * packed, and the trigger makes them items in the statement instead
 * (rr_rows_items()), as it does the rows it filters by a condition or
 * runs the workflow on itself; the worker refuses kept rows whose types
 * have a cast to json by then.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/htup_details.h"
#include "access/transam.h"
#include "access/tupdesc.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "engine/packed_rows.h"
#include "engine/row_jsonb.h"
#include "executor/executor.h"
#include "libpq/pqformat.h"
#include "parser/parse_coerce.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

/* "RRp2": the first four bytes of every packed value */
#define RR_PACKED_ROWS_MAGIC	0x52527032

/* 1 as an int32 in this server's byte order, read as network order */
static uint32
native_one(void)
{
	uint32		one = 1;
	uint32		read;

	memcpy(&read, &one, sizeof(read));
	return pg_ntoh32(read);
}

/*
 * Names go as counted bytes, never through pq_sendstring(), which
 * converts them to the client's encoding (the reader may be a worker).
 */
static void
send_name(StringInfo buf, const char *name)
{
	int			len = strlen(name);

	pq_sendint32(buf, len);
	pq_sendbytes(buf, name, len);
}

/* A type's name, schema-qualified whatever the search_path */
static char *
qualified_type_name(Oid type)
{
	return format_type_extended(type, -1, FORMAT_TYPE_FORCE_QUALIFY);
}

/* The type to pack a column of type as, or InvalidOid: not packable */
static Oid
packed_type(Oid type)
{
	Oid			base = getBaseType(type);
	Oid			element = get_element_type(base);

	if (OidIsValid(element))
	{
		/* an array's elements are received by their own type's function */
		if (getBaseType(element) != element)
			return InvalidOid;
		return packed_type(element) == element ? base : InvalidOid;
	}
	switch (get_typtype(base))
	{
		case TYPTYPE_BASE:
		case TYPTYPE_ENUM:
			return base;
		default:
			return InvalidOid;
	}
}

/*
 * Whether to_jsonb() of a value of type (a packed column's type) would
 * call a cast to json, as it does for a type that is not built in (or an
 * array of one) when the type has such a cast
 */
static bool
has_json_cast(Oid type)
{
	Oid			element = get_element_type(type);
	Oid			cast;

	if (OidIsValid(element))
		type = element;
	return type >= FirstNormalObjectId &&
		find_coercion_pathway(JSONOID, type, COERCION_EXPLICIT, &cast) == COERCION_PATH_FUNC &&
		OidIsValid(cast);
}

bool
rr_rows_packable(TupleDesc desc)
{
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Oid			type;

		if (att->attisdropped)
			continue;
		type = packed_type(att->atttypid);
		if (!OidIsValid(type) || has_json_cast(type))
			return false;
	}
	return true;
}

/* The settings besides TimeZone that to_jsonb() of a row's values reads */
static const char *const output_settings[] = {
	"IntervalStyle",			/* interval */
	"bytea_output",				/* bytea */
	"extra_float_digits",		/* real, double precision */
	"lc_monetary",				/* money */
	"search_path"				/* regclass and the other reg* types */
};

/*
 * The session's TimeZone as a value that sets it again: a fixed offset as
 * hours, which SET takes whatever the seconds (the zone's name, such as
 * "<+05:00:15>-05:00:15", is refused when it has seconds), a quarter of a
 * second away from zero so that the server's truncation to whole seconds
 * gives the same offset; any other zone by its name
 */
static char *
timezone_setting(void)
{
	long		east;

	if (pg_get_timezone_offset(session_timezone, &east))
		return psprintf("%.17g", (east + (east < 0 ? -0.25 : 0.25)) / 3600.0);
	return pstrdup(pg_get_timezone_name(session_timezone));
}

/* Write the output settings of this session: count, then name and value */
static void
send_settings(StringInfo buf)
{
	int			i;

	pq_sendint16(buf, 1 + lengthof(output_settings));
	send_name(buf, "TimeZone");
	send_name(buf, timezone_setting());
	for (i = 0; i < lengthof(output_settings); i++)
	{
		send_name(buf, output_settings[i]);
		send_name(buf, GetConfigOption(output_settings[i], false, false));
	}
}

/*
 * Read a transition table from its first row, through a read pointer of
 * one's own: other triggers of the statement read the same tuplestore.
 */
static void
read_from_start(Tuplestorestate *rows)
{
	tuplestore_select_read_pointer(rows,
								   tuplestore_alloc_read_pointer(rows, EXEC_FLAG_REWIND));
	tuplestore_rescan(rows);
}

/*
 * items with the item of the row in slot appended, made in row_context
 * (reset after, the slot cleared) and copied into the current context
 */
static List *
append_item(List *items, RrRowJsonb *columns, TupleTableSlot *slot,
			MemoryContext row_context)
{
	MemoryContext caller = MemoryContextSwitchTo(row_context);
	Jsonb	   *item;

	slot_getallattrs(slot);
	item = rr_row_jsonb(columns, slot->tts_values, slot->tts_isnull);
	MemoryContextSwitchTo(caller);
	items = lappend(items, DatumGetJsonbPCopy(JsonbPGetDatum(item)));
	ExecClearTuple(slot);
	MemoryContextReset(row_context);
	return items;
}

List *
rr_rows_items(Tuplestorestate *rows, TupleDesc desc)
{
	RrRowJsonb *columns = rr_row_jsonb_begin(desc);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext,
													  "reporunner transition row",
													  ALLOCSET_DEFAULT_SIZES);
	List	   *items = NIL;

	read_from_start(rows);
	while (tuplestore_gettupleslot(rows, true, false, slot))
	{
		items = append_item(items, columns, slot, row_context);
		if (list_length(items) % 1024 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(row_context);
	ExecDropSingleTupleTableSlot(slot);
	return items;
}

/*
 * Whether tuple (of desc's attributes, all of them) holds a value of a
 * dropped column: an old row (deleted, or the old side of an update)
 * stored before the column was dropped still has its bytes, which must
 * not be kept where the workflow's owner can read them.  Read from the
 * null bitmap, without deforming the tuple.
 */
static bool
holds_dropped_values(MinimalTuple tuple, TupleDesc desc)
{
	int			i;

	for (i = 0; i < desc->natts; i++)
		if (TupleDescAttr(desc, i)->attisdropped &&
			((tuple->t_infomask & HEAP_HASNULL) == 0 || !att_isnull(i, tuple->t_bits)))
			return true;
	return false;
}

/*
 * The tuple in slot (a row of desc) formed again so that it holds every
 * attribute and every value itself: missing attributes take their
 * defaults from desc, values stored out of line are fetched, dropped
 * attributes are left null.  In the current memory context.
 */
static MinimalTuple
self_contained(TupleTableSlot *slot, TupleDesc desc)
{
	Datum	   *values = palloc(sizeof(Datum) * desc->natts);
	bool	   *isnull = palloc(sizeof(bool) * desc->natts);
	int			i;

	slot_getallattrs(slot);
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		values[i] = slot->tts_values[i];
		isnull[i] = slot->tts_isnull[i] || att->attisdropped;
		if (!isnull[i] && att->attlen == -1 &&
			VARATT_IS_EXTERNAL(DatumGetPointer(values[i])))
			values[i] = PointerGetDatum(detoast_external_attr((struct varlena *) DatumGetPointer(values[i])));
	}
	return heap_form_minimal_tuple(desc, values, isnull);
}

bytea *
rr_rows_pack(Tuplestorestate *rows, TupleDesc desc)
{
	int64		nrows = tuplestore_tuple_count(rows);
	static const char zeros[MINIMAL_TUPLE_PADDING] = {0};
	TupleTableSlot *slot;
	MemoryContext formed;
	StringInfoData buf;
	bool		has_dropped = false;
	int			row = 0;
	int			i;

	if (nrows == 0)
		return NULL;
	if (nrows > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a statement changed more than %d rows for one execution",
						PG_INT32_MAX)));
	pq_begintypsend(&buf);
	pq_sendint32(&buf, RR_PACKED_ROWS_MAGIC);
	pq_sendint16(&buf, MAXIMUM_ALIGNOF);
	pq_sendint16(&buf, SIZEOF_DATUM);
	pq_sendint32(&buf, native_one());
	pq_sendint64(&buf, GetSystemIdentifier());
	send_settings(&buf);
	pq_sendint16(&buf, desc->natts);
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Oid			type;

		pq_sendint16(&buf, att->attlen);
		pq_sendbyte(&buf, att->attalign);
		pq_sendbyte(&buf, att->attbyval);
		pq_sendbyte(&buf, att->attisdropped);
		has_dropped |= att->attisdropped;
		if (att->attisdropped)
			continue;
		type = packed_type(att->atttypid);
		if (!OidIsValid(type))
			elog(ERROR, "column \"%s\" of type %s cannot be packed",
				 NameStr(att->attname), format_type_be(att->atttypid));
		send_name(&buf, NameStr(att->attname));
		send_name(&buf, qualified_type_name(type));
		pq_sendint32(&buf, type);
		pq_sendint32(&buf, type == att->atttypid ? att->atttypmod : -1);
	}
	pq_sendint32(&buf, (int32) nrows);

	read_from_start(rows);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	formed = AllocSetContextCreate(CurrentMemoryContext, "reporunner packed row",
								   ALLOCSET_SMALL_SIZES);
	while (tuplestore_gettupleslot(rows, true, false, slot))
	{
		bool		should_free;
		MinimalTuple tuple = ExecFetchSlotMinimalTuple(slot, &should_free);

		Assert(!should_free);
		if ((tuple->t_infomask2 & HEAP_NATTS_MASK) != desc->natts ||
			(tuple->t_infomask & HEAP_HASEXTERNAL) != 0 ||
			(has_dropped && holds_dropped_values(tuple, desc)))
		{
			MemoryContext caller = MemoryContextSwitchTo(formed);

			tuple = self_contained(slot, desc);
			MemoryContextSwitchTo(caller);
		}
		/* its padding is the stored row's place (its ctid): not kept */
		appendBinaryStringInfo(&buf, (char *) &tuple->t_len, sizeof(tuple->t_len));
		appendBinaryStringInfo(&buf, zeros, sizeof(tuple->mt_padding));
		appendBinaryStringInfo(&buf, (char *) tuple + offsetof(MinimalTupleData, t_infomask2),
							   tuple->t_len - offsetof(MinimalTupleData, t_infomask2));
		MemoryContextReset(formed);
		if (++row % 1024 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(formed);
	ExecDropSingleTupleTableSlot(slot);
	if (row != nrows)
		elog(ERROR, "a transition table gave %d rows of " INT64_FORMAT, row, nrows);
	return pq_endtypsend(&buf);
}

/* Refuse a packed value that is not one, or not one this server can read */
static pg_attribute_noreturn() void
not_packed_rows(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("the rows a table trigger kept for this execution cannot be read"),
			 errdetail("%s", detail)));
}

/* The next n bytes of buf, which must have them */
static const char *
get_bytes(StringInfo buf, int32 n)
{
	if (n < 0 || n > buf->len - buf->cursor)
		not_packed_rows("It ends too early.");
	return pq_getmsgbytes(buf, n);
}

/* A name written by send_name() */
static char *
get_name(StringInfo buf)
{
	int32		len = pq_getmsgint(buf, 4);

	return pnstrdup(get_bytes(buf, len), len);
}

/*
 * Read the settings of the header and set them, in the current GUC nest
 * level.  Returns the value of lc_monetary when this server has no such
 * locale (NULL when it was set): only money values need it, which
 * check_money_locale() looks for once the columns are read.
 */
static char *
set_settings(StringInfo buf)
{
	char	   *missing_locale = NULL;
	int			n = pq_getmsgint(buf, 2);
	int			i;

	for (i = 0; i < n; i++)
	{
		char	   *name = get_name(buf);
		char	   *value = get_name(buf);
		bool		known = strcmp(name, "TimeZone") == 0;
		int			j;

		for (j = 0; j < lengthof(output_settings) && !known; j++)
			known = strcmp(name, output_settings[j]) == 0;
		if (!known)
			not_packed_rows(psprintf("It sets \"%s\", which is not an output setting.", name));
		if (strcmp(name, "lc_monetary") == 0)
		{
			if (set_config_option(name, value, PGC_USERSET, PGC_S_SESSION,
								  GUC_ACTION_SAVE, true, DEBUG1, false) <= 0)
				missing_locale = value;
			continue;
		}
		(void) set_config_option(name, value, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}
	return missing_locale;
}

/*
 * ERROR when the rows hold money values, or may (values of types that are
 * not built in, such as a domain over money), and their lc_monetary is a
 * locale this server does not have
 */
static void
check_money_locale(TupleDesc desc, bool local_types, const char *missing_locale)
{
	bool		may_hold_money = local_types;
	int			i;

	if (missing_locale == NULL)
		return;
	for (i = 0; i < desc->natts && !may_hold_money; i++)
	{
		Oid			type = TupleDescAttr(desc, i)->atttypid;

		may_hold_money = type == CASHOID || type == get_array_type(CASHOID);
	}
	if (may_hold_money)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the rows a table trigger kept for this execution were written with lc_monetary \"%s\", which this server does not have",
						missing_locale),
				 errdetail("Money values, or values of types that are not built in, which may hold money, would be written in another format than the statement's.")));
}

/*
 * Read the attributes of the header into a new descriptor, checking that
 * each column's type is still the one it was written with; *local_types
 * is set when one of them is not built in.
 */
static TupleDesc
get_descriptor(StringInfo buf, bool *local_types)
{
	int			natts = pq_getmsgint(buf, 2);
	TupleDesc	desc = CreateTemplateTupleDesc(natts);
	int			i;

	*local_types = false;
	for (i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		int16		len = pq_getmsgint(buf, 2);
		char		align = pq_getmsgbyte(buf);
		bool		byval = pq_getmsgbyte(buf) != 0;
		const char *name;
		const char *type_name;
		Oid			type;
		int32		typmod;

		if (pq_getmsgbyte(buf) != 0)
		{
			/* a dropped column: its place in the tuple, nothing to read */
			TupleDescInitEntry(desc, i + 1, NULL, INT4OID, -1, 0);
			att->atttypid = InvalidOid;
			att->attisdropped = true;
			att->attlen = len;
			att->attalign = align;
			att->attbyval = byval;
			continue;
		}
		name = get_name(buf);
		type_name = get_name(buf);
		type = pq_getmsgint(buf, 4);
		typmod = pq_getmsgint(buf, 4);
		if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(type)))
			not_packed_rows(psprintf("Column \"%s\" was of type %s, which this database does not have under its number.",
									 name, type_name));
		TupleDescInitEntry(desc, i + 1, name, type, typmod, 0);
		if (att->attlen != len || att->attalign != align || att->attbyval != byval)
			not_packed_rows(psprintf("Column \"%s\" was of type %s, which this database stores in another form.",
									 name, type_name));
		if (has_json_cast(type))
			not_packed_rows(psprintf("Column \"%s\" is of type %s, which has had a cast to json since its rows were kept; a worker does not run it.",
									 name, type_name));
		if (type >= FirstGenbkiObjectId)
			*local_types = true;
	}
	return desc;
}

List *
rr_rows_unpack(bytea *packed)
{
	StringInfoData buf;
	TupleDesc	desc;
	TupleTableSlot *slot;
	RrRowJsonb *columns;
	MemoryContext row_context;
	List	   *items = NIL;
	uint64		system_identifier;
	bool		local_types;
	char	   *missing_locale;
	int			guc_level;
	int32		nrows;
	int32		row;

	buf.data = VARDATA_ANY(packed);
	buf.len = VARSIZE_ANY_EXHDR(packed);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < 22 || pq_getmsgint(&buf, 4) != RR_PACKED_ROWS_MAGIC)
		not_packed_rows("It is not in the format of this release.");
	if (pq_getmsgint(&buf, 2) != MAXIMUM_ALIGNOF ||
		pq_getmsgint(&buf, 2) != SIZEOF_DATUM ||
		pq_getmsgint(&buf, 4) != native_one())
		not_packed_rows("It was written by a server of another platform (alignment, word size or byte order).");
	system_identifier = pq_getmsgint64(&buf);
	guc_level = NewGUCNestLevel();
	missing_locale = set_settings(&buf);
	desc = get_descriptor(&buf, &local_types);
	check_money_locale(desc, local_types, missing_locale);
	if (local_types && system_identifier != GetSystemIdentifier())
		not_packed_rows("It holds values of types that are not built in and was written by another cluster (before a dump and restore, or pg_upgrade), where they may have meant other values.");
	columns = rr_row_jsonb_begin(desc);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);

	row_context = AllocSetContextCreate(CurrentMemoryContext, "reporunner packed row",
										ALLOCSET_DEFAULT_SIZES);
	nrows = pq_getmsgint(&buf, 4);
	for (row = 0; row < nrows; row++)
	{
		MinimalTuple tuple;
		uint32		len;

		/* copied out, to be aligned as the server reads tuples */
		if (buf.len - buf.cursor < (int) sizeof(len))
			not_packed_rows("It ends too early.");
		memcpy(&len, buf.data + buf.cursor, sizeof(len));
		if (len < SizeofMinimalTupleHeader || len > PG_INT32_MAX)
			not_packed_rows("A row's length is out of range.");
		tuple = MemoryContextAlloc(row_context, len);
		memcpy(tuple, get_bytes(&buf, (int32) len), len);
		if ((tuple->t_infomask2 & HEAP_NATTS_MASK) != desc->natts ||
			tuple->t_hoff < MINIMAL_TUPLE_OFFSET + SizeofMinimalTupleHeader ||
			tuple->t_hoff - MINIMAL_TUPLE_OFFSET > len)
			not_packed_rows("A row does not have the columns written before it.");
		ExecStoreMinimalTuple(tuple, slot, false);
		items = append_item(items, columns, slot, row_context);
		if (row % 1024 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	AtEOXact_GUC(false, guc_level);
	MemoryContextDelete(row_context);
	ExecDropSingleTupleTableSlot(slot);
	if (buf.cursor != buf.len)
		not_packed_rows("It goes on after its last row.");
	return items;
}
