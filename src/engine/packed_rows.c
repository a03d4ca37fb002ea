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
 * one type are never read as another's.
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

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "catalog/pg_type.h"
#include "engine/executor.h"
#include "engine/packed_rows.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
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

bytea *
rr_rows_pack(SPITupleTable *rows, uint64 nrows)
{
	TupleDesc	desc = rows->tupdesc;
	FmgrInfo   *send = palloc(sizeof(FmgrInfo) * Max(desc->natts, 1));
	Datum	   *values = palloc(sizeof(Datum) * Max(desc->natts, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(desc->natts, 1));
	StringInfoData buf;
	uint64		row;
	int			i;

	if (nrows > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a statement changed more than %d rows for one execution",
						PG_INT32_MAX)));
	pq_begintypsend(&buf);
	pq_sendint32(&buf, RR_PACKED_ROWS_MAGIC);
	send_name(&buf, pg_get_timezone_name(session_timezone));
	pq_sendint16(&buf, desc->natts);
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Oid			type = packed_type(att->atttypid);
		Oid			sendfn;
		bool		varlena;

		if (!OidIsValid(type))
			elog(ERROR, "column \"%s\" of type %s cannot be packed",
				 NameStr(att->attname), format_type_be(att->atttypid));
		send_name(&buf, NameStr(att->attname));
		send_name(&buf, qualified_type_name(type));
		pq_sendint32(&buf, type);
		pq_sendint32(&buf, type == att->atttypid ? att->atttypmod : -1);
		getTypeBinaryOutputInfo(type, &sendfn, &varlena);
		fmgr_info(sendfn, &send[i]);
	}
	pq_sendint32(&buf, (int32) nrows);
	for (row = 0; row < nrows; row++)
	{
		heap_deform_tuple(rows->vals[row], desc, values, nulls);
		for (i = 0; i < desc->natts; i++)
		{
			bytea	   *bytes;

			if (nulls[i])
			{
				pq_sendint32(&buf, -1);
				continue;
			}
			bytes = SendFunctionCall(&send[i], values[i]);
			pq_sendint32(&buf, VARSIZE(bytes) - VARHDRSZ);
			pq_sendbytes(&buf, VARDATA(bytes), VARSIZE(bytes) - VARHDRSZ);
			pfree(bytes);
		}
		if (row % 1024 == 0)
			CHECK_FOR_INTERRUPTS();
	}
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
	desc = BlessTupleDesc(desc);

	values = palloc(sizeof(Datum) * Max(natts, 1));
	nulls = palloc(sizeof(bool) * Max(natts, 1));
	row_context = AllocSetContextCreate(caller, "reporunner packed row",
										ALLOCSET_DEFAULT_SIZES);
	guc_level = NewGUCNestLevel();
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
		item = rr_row_to_jsonb(HeapTupleGetDatum(heap_form_tuple(desc, values,
																 nulls)));
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

Jsonb *
rr_row_to_jsonb(Datum row)
{
	static FmgrInfo to_jsonb;

	/* to_jsonb(record) finds the type of its argument in its call */
	if (to_jsonb.fn_oid == InvalidOid)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		fmgr_info(F_TO_JSONB, &to_jsonb);
		to_jsonb.fn_expr = (Node *) makeFuncExpr(F_TO_JSONB, JSONBOID,
												 list_make1(makeNullConst(RECORDOID, -1, InvalidOid)),
												 InvalidOid, InvalidOid,
												 COERCE_EXPLICIT_CALL);
		MemoryContextSwitchTo(old);
	}
	return DatumGetJsonbP(FunctionCall1(&to_jsonb, row));
}
