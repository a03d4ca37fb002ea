/*-------------------------------------------------------------------------
 *
 * packed_rows.c
 *		A statement's changed rows kept as they are, until a worker turns
 *		them into items.
 *
 * An async statement-level table trigger must hold the rows of its
 * statement (they may change once it commits), but converting each one to
 * JSON costs about as much as inserting it.  So the trigger packs them
 * in their binary send/receive form (the form COPY BINARY uses: stable
 * across platforms and releases), in one bytea stored with the queued
 * execution (execution.input_rows), and the worker that runs the
 * execution unpacks them into items, as to_jsonb() of each row would give
 * them in the statement: with its TimeZone, which the rows carry (other
 * output settings, such as IntervalStyle, are the worker's).
 *
 * Format, in network byte order (libpq/pqformat.h):
 *	int32 RR_PACKED_ROWS_MAGIC, the statement's TimeZone, int16 columns;
 *	per column: name, type name (schema-qualified), type oid, typmod;
 *	int32 rows; per row and column: int32 length (-1: NULL) and the bytes.
 * A column's type is looked up by its oid and must still have the name it
 * had: a dump restored elsewhere renumbers user types, and the bytes of
 * one type are never read as another's.  Text travels in the database's
 * encoding: the send and receive functions of text types convert to and
 * from the session's client_encoding, which the packing statement's
 * session and the unpacking worker need not share, so both pin it to the
 * database's for the duration (the rows of a LATIN1 client failed in the
 * worker with "invalid byte sequence" before).  Columns of the commonest
 * fixed-width types, of text and of numeric are written without their send
 * function, as the bytes it would write.
 *
 * Only columns of base types and enums (and arrays of them; a domain as
 * its base type) are packed: their send and receive functions are the
 * server's or a superuser's C code.  A composite, range or domain type
 * could run functions a tenant wrote (a domain's CHECK) in the worker
 * that unpacks them; rows with such columns are not packed, and the
 * trigger converts them to JSON in the statement instead.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/tupdesc.h"
#include "catalog/pg_type.h"
#include "engine/executor.h"
#include "engine/packed_rows.h"
#include "engine/row_jsonb.h"
#include "expr/numeric_form.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "pgtime.h"
#include "utils/syscache.h"

/* "RRp1": the first four bytes of every packed value */
#define RR_PACKED_ROWS_MAGIC	0x52527031

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

bool
rr_rows_packable(TupleDesc desc)
{
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && !OidIsValid(packed_type(att->atttypid)))
			return false;
	}
	return true;
}

/*
 * Open a GUC nest level in which text is sent and received in the
 * database's encoding, whatever the session's client_encoding; returns the
 * level, for AtEOXact_GUC(false, level).
 */
static int
pin_database_encoding(void)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("client_encoding", GetDatabaseEncodingName(),
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	return level;
}

/*
 * How a column's values are written: by its send function, or directly as
 * the bytes that function would write (network byte order for fixed-width
 * types; the text itself, in the database's encoding, for text types).
 */
typedef enum PackedWrite
{
	WRITE_SEND,
	WRITE_INT2,
	WRITE_INT4,
	WRITE_INT8,
	WRITE_TEXT,
	WRITE_NUMERIC
} PackedWrite;

static PackedWrite
packed_write(Oid type)
{
	switch (type)
	{
		case INT2OID:
			return WRITE_INT2;
		case INT4OID:
		case OIDOID:
		case DATEOID:
		case FLOAT4OID:
			return WRITE_INT4;
		case INT8OID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case FLOAT8OID:
			return WRITE_INT8;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return WRITE_TEXT;
		case NUMERICOID:
			return WRITE_NUMERIC;
		default:
			return WRITE_SEND;
	}
}

/*
 * Write a numeric as numeric_send() does (digit count, weight, sign,
 * display scale, digits, each an int16), from its stored form
 * (src/expr/numeric_form.h): that function copies a value stored with a
 * short header and allocates twice, a third of a statement-level
 * trigger's cost with one numeric column.  070_triggers checks the bytes,
 * through the items a worker unpacks, on short, long and special values.
 */
static void
pack_numeric(StringInfo buf, Datum value)
{
	struct varlena *stored = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(value));
	RrNumericForm form;
	int			i;

	if (!rr_numeric_form(VARDATA_ANY(stored), VARSIZE_ANY_EXHDR(stored),
						 &form))
		elog(ERROR, "numeric value of %d bytes is too short",
			 (int) VARSIZE_ANY_EXHDR(stored));
	enlargeStringInfo(buf, sizeof(int32) + (4 + form.ndigits) * sizeof(int16));
	pq_writeint32(buf, (4 + form.ndigits) * sizeof(int16));
	pq_writeint16(buf, (uint16) form.ndigits);
	pq_writeint16(buf, (uint16) form.weight);
	pq_writeint16(buf, (uint16) form.sign);
	pq_writeint16(buf, (uint16) form.dscale);
	for (i = 0; i < form.ndigits; i++)
		pq_writeint16(buf, (uint16) rr_numeric_digit(&form, i));
	if ((Pointer) stored != DatumGetPointer(value))
		pfree(stored);
}

/*
 * Write one non-null value, as its type's send function would: its length,
 * then its bytes, with room made once for both.
 */
static void
pack_value(StringInfo buf, PackedWrite how, FmgrInfo *send, Datum value)
{
	switch (how)
	{
		case WRITE_INT2:
			enlargeStringInfo(buf, sizeof(int32) + sizeof(int16));
			pq_writeint32(buf, sizeof(int16));
			pq_writeint16(buf, (uint16) DatumGetInt16(value));
			break;
		case WRITE_INT4:
			/* float4 and date are four bytes as well, sent as their bits */
			enlargeStringInfo(buf, sizeof(int32) + sizeof(int32));
			pq_writeint32(buf, sizeof(int32));
			pq_writeint32(buf, (uint32) DatumGetInt32(value));
			break;
		case WRITE_INT8:
			enlargeStringInfo(buf, sizeof(int32) + sizeof(int64));
			pq_writeint32(buf, sizeof(int64));
			pq_writeint64(buf, (uint64) DatumGetInt64(value));
			break;
		case WRITE_TEXT:
			{
				text	   *t = DatumGetTextPP(value);
				int			len = VARSIZE_ANY_EXHDR(t);

				enlargeStringInfo(buf, sizeof(int32) + len);
				pq_writeint32(buf, len);
				memcpy(buf->data + buf->len, VARDATA_ANY(t), len);
				buf->len += len;
				if ((Pointer) t != DatumGetPointer(value))
					pfree(t);
			}
			break;
		case WRITE_NUMERIC:
			pack_numeric(buf, value);
			break;
		case WRITE_SEND:
			{
				bytea	   *bytes = SendFunctionCall(send, value);

				pq_sendint32(buf, VARSIZE(bytes) - VARHDRSZ);
				pq_sendbytes(buf, VARDATA(bytes), VARSIZE(bytes) - VARHDRSZ);
				pfree(bytes);
			}
			break;
	}
}

bytea *
rr_rows_pack(Tuplestorestate *rows, TupleDesc desc)
{
	int64		nrows = tuplestore_tuple_count(rows);
	FmgrInfo   *send = palloc(sizeof(FmgrInfo) * Max(desc->natts, 1));
	PackedWrite *how = palloc(sizeof(PackedWrite) * Max(desc->natts, 1));
	TupleTableSlot *slot;
	StringInfoData buf;
	int			guc_level;
	int			ncolumns = 0;
	int			row = 0;
	int			i;

	if (nrows == 0)
		return NULL;
	if (nrows > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a statement changed more than %d rows for one execution",
						PG_INT32_MAX)));
	for (i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped)
			ncolumns++;
	pq_begintypsend(&buf);
	pq_sendint32(&buf, RR_PACKED_ROWS_MAGIC);
	send_name(&buf, pg_get_timezone_name(session_timezone));
	pq_sendint16(&buf, ncolumns);
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Oid			type;
		Oid			sendfn;
		bool		varlena;

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
		how[i] = packed_write(type);
		if (how[i] == WRITE_SEND)
		{
			getTypeBinaryOutputInfo(type, &sendfn, &varlena);
			fmgr_info(sendfn, &send[i]);
		}
	}
	pq_sendint32(&buf, (int32) nrows);

	/* other triggers of the statement read the same transition table */
	tuplestore_select_read_pointer(rows,
								   tuplestore_alloc_read_pointer(rows, EXEC_FLAG_REWIND));
	tuplestore_rescan(rows);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	guc_level = pin_database_encoding();
	while (tuplestore_gettupleslot(rows, true, false, slot))
	{
		slot_getallattrs(slot);
		for (i = 0; i < desc->natts; i++)
		{
			if (TupleDescAttr(desc, i)->attisdropped)
				continue;
			if (slot->tts_isnull[i])
				pq_sendint32(&buf, -1);
			else
				pack_value(&buf, how[i], &send[i], slot->tts_values[i]);
		}
		if (++row % 1024 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	AtEOXact_GUC(false, guc_level);
	ExecDropSingleTupleTableSlot(slot);
	if (row != nrows)
		elog(ERROR, "a transition table gave %d rows of " INT64_FORMAT, row, nrows);
	return pq_endtypsend(&buf);
}

/* Refuse a packed value that is not one */
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

List *
rr_rows_unpack(bytea *packed)
{
	StringInfoData buf;
	TupleDesc	desc;
	RrRowJsonb *columns;
	FmgrInfo   *recv;
	Oid		   *ioparams;
	Datum	   *values;
	bool	   *nulls;
	MemoryContext row_context;
	MemoryContext caller = CurrentMemoryContext;
	List	   *items = NIL;
	char	   *timezone;
	int			guc_level;
	int			natts;
	int32		nrows;
	int32		row;
	int			i;

	buf.data = VARDATA_ANY(packed);
	buf.len = VARSIZE_ANY_EXHDR(packed);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < 6 || pq_getmsgint(&buf, 4) != RR_PACKED_ROWS_MAGIC)
		not_packed_rows("It is not in the format of this release.");

	timezone = get_name(&buf);
	natts = pq_getmsgint(&buf, 2);
	desc = CreateTemplateTupleDesc(natts);
	recv = palloc(sizeof(FmgrInfo) * Max(natts, 1));
	ioparams = palloc(sizeof(Oid) * Max(natts, 1));
	for (i = 0; i < natts; i++)
	{
		const char *name = get_name(&buf);
		const char *type_name = get_name(&buf);
		Oid			type = pq_getmsgint(&buf, 4);
		int32		typmod = pq_getmsgint(&buf, 4);
		Oid			recvfn;

		if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(type)) ||
			strcmp(qualified_type_name(type), type_name) != 0)
			not_packed_rows(psprintf("Column \"%s\" was of type %s, which this database does not have under its number.",
									 name, type_name));
		TupleDescInitEntry(desc, i + 1, name, type, typmod, 0);
		getTypeBinaryInputInfo(type, &recvfn, &ioparams[i]);
		fmgr_info(recvfn, &recv[i]);
	}
	columns = rr_row_jsonb_begin(desc);

	values = palloc(sizeof(Datum) * Max(natts, 1));
	nulls = palloc(sizeof(bool) * Max(natts, 1));
	row_context = AllocSetContextCreate(caller, "reporunner packed row",
										ALLOCSET_DEFAULT_SIZES);
	guc_level = pin_database_encoding();
	(void) set_config_option("TimeZone", timezone, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	nrows = pq_getmsgint(&buf, 4);
	for (row = 0; row < nrows; row++)
	{
		MemoryContext old = MemoryContextSwitchTo(row_context);
		Jsonb	   *item;

		for (i = 0; i < natts; i++)
		{
			int32		len = pq_getmsgint(&buf, 4);
			StringInfoData field;

			nulls[i] = len < 0;
			if (nulls[i])
			{
				values[i] = ReceiveFunctionCall(&recv[i], NULL, ioparams[i],
												TupleDescAttr(desc, i)->atttypmod);
				continue;
			}
			/* receive functions get their bytes with a terminating zero */
			initStringInfo(&field);
			appendBinaryStringInfo(&field, get_bytes(&buf, len), len);
			values[i] = ReceiveFunctionCall(&recv[i], &field, ioparams[i],
											TupleDescAttr(desc, i)->atttypmod);
		}
		item = rr_row_jsonb(columns, values, nulls);
		MemoryContextSwitchTo(caller);
		items = lappend(items, DatumGetJsonbPCopy(JsonbPGetDatum(item)));
		MemoryContextReset(row_context);
		MemoryContextSwitchTo(old);
		if (row % 1024 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	AtEOXact_GUC(false, guc_level);
	MemoryContextDelete(row_context);
	if (buf.cursor != buf.len)
		not_packed_rows("It goes on after its last row.");
	return items;
}
