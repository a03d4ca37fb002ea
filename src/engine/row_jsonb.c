/*-------------------------------------------------------------------------
 *
 * row_jsonb.c
 *		A table row as the item to_jsonb() of the row gives.
 *
 * A row-level table trigger makes an item of every row it fires for, and
 * a worker makes one of every row a statement-level trigger kept
 * (src/engine/packed_rows.c).  to_jsonb(record) looks up every column's
 * type category and output function again for each row, and turns
 * integers and numerics into JSON numbers by printing them and parsing
 * the text (numeric_in()); for a four-column row that was a tenth of an
 * insert through a row-level trigger, and for a statement's rows about as
 * much as inserting them.  Here the category of each column is looked up
 * once per descriptor, and the values of the commonest types go into the
 * object directly, as the same JSON values: booleans; integers and
 * numerics as numbers (NaN and the infinities as their text, as
 * to_jsonb() gives them); text, varchar and char as strings; dates and
 * timestamps as JsonEncodeDateTime() writes them (in the session's time
 * zone); jsonb as itself.  Every other column, a domain among them, goes
 * through to_jsonb() of the value.  070_triggers compares the items with
 * to_jsonb() of the rows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "engine/executor.h"
#include "engine/row_jsonb.h"
#include "fmgr.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/json.h"
#include "utils/numeric.h"

/* How one column's values become JSON */
typedef enum ColumnKind
{
	COLUMN_DROPPED,
	COLUMN_BOOL,
	COLUMN_INT2,
	COLUMN_INT4,
	COLUMN_INT8,
	COLUMN_NUMERIC,
	COLUMN_TEXT,
	COLUMN_DATETIME,			/* date, timestamp, timestamptz */
	COLUMN_JSONB,
	COLUMN_OTHER				/* through to_jsonb(value) */
} ColumnKind;

typedef struct ColumnJsonb
{
	ColumnKind	kind;
	JsonbValue	key;			/* the column's name */
	Oid			type;
	FmgrInfo	to_jsonb;		/* COLUMN_OTHER: to_jsonb() of its type */
} ColumnJsonb;

struct RrRowJsonb
{
	int			natts;
	ColumnJsonb *columns;
};

static ColumnKind
column_kind(Oid type)
{
	switch (type)
	{
		case BOOLOID:
			return COLUMN_BOOL;
		case INT2OID:
			return COLUMN_INT2;
		case INT4OID:
			return COLUMN_INT4;
		case INT8OID:
			return COLUMN_INT8;
		case NUMERICOID:
			return COLUMN_NUMERIC;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return COLUMN_TEXT;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return COLUMN_DATETIME;
		case JSONBOID:
			return COLUMN_JSONB;
		default:
			return COLUMN_OTHER;
	}
}

RrRowJsonb *
rr_row_jsonb_begin(TupleDesc desc)
{
	RrRowJsonb *row = palloc(sizeof(RrRowJsonb));
	int			i;

	row->natts = desc->natts;
	row->columns = palloc0(sizeof(ColumnJsonb) * Max(desc->natts, 1));
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		ColumnJsonb *column = &row->columns[i];

		if (att->attisdropped)
		{
			column->kind = COLUMN_DROPPED;
			continue;
		}
		column->kind = column_kind(att->atttypid);
		column->type = att->atttypid;
		column->key.type = jbvString;
		column->key.val.string.val = NameStr(att->attname);
		column->key.val.string.len = strlen(NameStr(att->attname));
		if (column->kind == COLUMN_OTHER)
		{
			/* to_jsonb(anyelement) finds the type of its argument in its call */
			fmgr_info(F_TO_JSONB, &column->to_jsonb);
			column->to_jsonb.fn_expr = (Node *)
				makeFuncExpr(F_TO_JSONB, JSONBOID,
							 list_make1(makeNullConst(att->atttypid,
													  att->atttypmod,
													  att->attcollation)),
							 InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
		}
	}
	return row;
}

/* A string JSON value of text */
static void
string_value(JsonbValue *value, char *text)
{
	value->type = jbvString;
	value->val.string.val = text;
	value->val.string.len = strlen(text);
}

void
rr_row_jsonb_push(RrRowJsonb *row, JsonbParseState **state, Datum *values,
				  bool *isnull)
{
	int			i;

	for (i = 0; i < row->natts; i++)
	{
		ColumnJsonb *column = &row->columns[i];
		Datum		datum = values[i];
		JsonbValue	value;

		if (column->kind == COLUMN_DROPPED)
			continue;
		pushJsonbValue(state, WJB_KEY, &column->key);
		if (isnull[i])
		{
			value.type = jbvNull;
			pushJsonbValue(state, WJB_VALUE, &value);
			continue;
		}
		switch (column->kind)
		{
			case COLUMN_BOOL:
				value.type = jbvBool;
				value.val.boolean = DatumGetBool(datum);
				break;
			case COLUMN_INT2:
				value.type = jbvNumeric;
				value.val.numeric = int64_to_numeric(DatumGetInt16(datum));
				break;
			case COLUMN_INT4:
				value.type = jbvNumeric;
				value.val.numeric = int64_to_numeric(DatumGetInt32(datum));
				break;
			case COLUMN_INT8:
				value.type = jbvNumeric;
				value.val.numeric = int64_to_numeric(DatumGetInt64(datum));
				break;
			case COLUMN_NUMERIC:
				{
					Numeric		number = DatumGetNumeric(datum);

					/* not JSON numbers: to_jsonb() gives their text */
					if (numeric_is_nan(number) || numeric_is_inf(number))
						string_value(&value,
									 DatumGetCString(DirectFunctionCall1(numeric_out,
																		 NumericGetDatum(number))));
					else
					{
						value.type = jbvNumeric;
						value.val.numeric = number;
					}
				}
				break;
			case COLUMN_TEXT:
				{
					text	   *string = DatumGetTextPP(datum);

					value.type = jbvString;
					value.val.string.val = VARDATA_ANY(string);
					value.val.string.len = VARSIZE_ANY_EXHDR(string);
				}
				break;
			case COLUMN_DATETIME:
				string_value(&value,
							 JsonEncodeDateTime(NULL, datum, column->type, NULL));
				break;
			case COLUMN_JSONB:
				rr_push_jsonb(state, WJB_VALUE, DatumGetJsonbP(datum));
				continue;
			case COLUMN_OTHER:
				rr_push_jsonb(state, WJB_VALUE,
							  DatumGetJsonbP(FunctionCall1(&column->to_jsonb,
														   datum)));
				continue;
			case COLUMN_DROPPED:
				pg_unreachable();
		}
		pushJsonbValue(state, WJB_VALUE, &value);
	}
}

Jsonb *
rr_row_jsonb(RrRowJsonb *row, Datum *values, bool *isnull)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	rr_row_jsonb_push(row, &state, values, isnull);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}
