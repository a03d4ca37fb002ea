/*-------------------------------------------------------------------------
 *
 * date_time.c
 *		The "date_time" node: n8n's Date & Time.  One operation on a date of
 *		each item, the result written to one field.
 *
 * "operation" is one of:
 *   now       the execution's start (the $now of expressions), or the
 *             start of its day when "include_time" is false
 *   add       "date" plus "duration" "unit"s (Luxon's plus)
 *   subtract  "date" minus "duration" "unit"s
 *   format    "date" written with the Luxon format "format"
 *   round     "date" rounded down ("mode" "down": the start of its "to"
 *             unit) or up ("up": the start of the next one)
 *   between   "end_date" minus "start_date" in "units" (Luxon's diff), as
 *             an object of units, or with "iso" as an ISO 8601 duration
 *   extract   one "part" of "date" (year, month, week number, ...)
 *
 * Dates are read as n8n's Date & Time node reads them: a number (or a text
 * that is one) is a Unix timestamp, in seconds when it has fewer than 12
 * digits and no fraction, else in milliseconds (a fraction: seconds); a
 * text is read with "from_format" (Luxon's fromFormat) when given, else as
 * ISO 8601, RFC 2822, HTTP, SQL or what JavaScript's Date.parse reads
 * (rr_parse_any_datetime).  A text without an offset is a wall-clock time
 * in "from_timezone" (default: "timezone"); the date is then moved to
 * "timezone" (default: the workflow's settings.timezone, else UTC), unless
 * "keep_offset" is set and the text had its own offset after a "+" (as
 * n8n's format operation, without its "use workflow timezone", keeps it).  Dates are written
 * as Luxon's toISO() does, in that zone.
 *
 * The output is a new item with only the output field ("output_field",
 * default as n8n's), or with "include_input_fields" the input item with
 * it set; with "output_path" the field name is a path (lodash's set).
 * The date code is the expressions' (src/expr/datetime.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "expr/datetime.h"
#include "expr/eval.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "reporunner.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"

typedef enum DateTimeOp
{
	OP_NOW,
	OP_ADD,
	OP_SUBTRACT,
	OP_FORMAT,
	OP_ROUND,
	OP_BETWEEN,
	OP_EXTRACT,
	OP_COUNT
} DateTimeOp;

/* Each operation's name, default output field and the params it reads */
#define P_DATE			0x0001
#define P_RANGE			0x0002	/* start_date, end_date */
#define P_DURATION		0x0004	/* duration, unit */
#define P_FORMAT		0x0008
#define P_FROM_FORMAT	0x0010
#define P_FROM_TZ		0x0020	/* from_timezone, keep_offset */
#define P_INCLUDE_TIME	0x0040
#define P_ROUND			0x0080	/* mode, to */
#define P_UNITS			0x0100	/* units, iso */
#define P_PART			0x0200

static const struct
{
	const char *name;
	const char *output;
	int			params;
}			date_time_ops[OP_COUNT] = {
	{"now", "currentDate", P_INCLUDE_TIME},
	{"add", "newDate", P_DATE | P_DURATION | P_FROM_FORMAT},
	{"subtract", "newDate", P_DATE | P_DURATION | P_FROM_FORMAT},
	{"format", "formattedDate", P_DATE | P_FORMAT | P_FROM_FORMAT | P_FROM_TZ},
	{"round", "roundedDate", P_DATE | P_ROUND | P_FROM_FORMAT},
	{"between", "timeDifference", P_RANGE | P_UNITS | P_FROM_FORMAT},
	{"extract", "datePart", P_DATE | P_PART | P_FROM_FORMAT},
};

/* The params that only some operations read, and which */
static const struct
{
	const char *param;
	int			group;
}			date_time_params[] = {
	{"date", P_DATE}, {"start_date", P_RANGE}, {"end_date", P_RANGE},
	{"duration", P_DURATION}, {"unit", P_DURATION}, {"format", P_FORMAT},
	{"from_format", P_FROM_FORMAT}, {"from_timezone", P_FROM_TZ},
	{"keep_offset", P_FROM_TZ}, {"include_time", P_INCLUDE_TIME},
	{"mode", P_ROUND}, {"to", P_ROUND}, {"units", P_UNITS}, {"iso", P_UNITS},
	{"part", P_PART},
};

/* What prepare compiles */
typedef struct DateTimeState
{
	const char *node_name;
	DateTimeOp	op;
	RrParam		date;
	RrParam		start_date;
	RrParam		end_date;
	RrParam		duration;
	RrUnit		unit;
	RrParam		format;
	RrParam		from_format;
	RrParam		timezone;
	RrParam		from_timezone;
	bool		keep_offset;
	RrParam		include_time;
	bool		round_up;
	RrUnit		to;
	uint16		units;			/* bit u: RrUnit u */
	bool		iso;
	const char *part;			/* a DateTime getter */
	RrParam		output_field;
	bool		output_path;
	bool		include_input;
} DateTimeState;

/* ---------- prepare ---------- */

/* A literal string param, or NULL */
static const char *
literal(RrPlanNode *node, const char *name)
{
	JsonbValue *v = rr_node_param(node, name);

	v = v == NULL ? NULL : rr_value_normalize(v);
	if (v == NULL || v->type != jbvString)
		return NULL;
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* A literal boolean param, or dflt */
static bool
literal_bool(RrPlanNode *node, const char *name, bool dflt)
{
	JsonbValue *v = rr_node_param(node, name);

	v = v == NULL ? NULL : rr_value_normalize(v);
	if (v == NULL || v->type != jbvBool)
		return dflt;
	return v->val.boolean;
}

/* A unit word, singular ("day") or plural ("days"), as an RrUnit */
static RrUnit
unit_of(const char *word)
{
	int			u = rr_unit_lookup(word, strlen(word));

	Assert(u >= 0);				/* the schema checked the word */
	return (RrUnit) u;
}

/*
 * zone_of
 *		The zone a timezone param names, or an error naming the param.
 */
static const RrZone *
zone_of(const char *node_name, const char *param, JsonbValue *value)
{
	const RrZone *zone = NULL;

	if (value != NULL && value->type == jbvString)
		zone = rr_zone_named(value->val.string.val, value->val.string.len,
							 NULL);
	if (zone == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"%s\" names no known time zone",
						node_name, param),
				 errdetail("It is %s; a time zone is a name of the database's zones, such as \"Europe/Oslo\", \"UTC\", or a fixed offset such as \"UTC+5:30\".",
						   value == NULL ? "missing" : rr_value_to_text(value))));
	return zone;
}

/*
 * check_params
 *		Refuse the params the operation does not read, so a misspelled
 *		operation or a forgotten edit fails at save, not silently.
 */
static void
check_params(RrPlanNode *node, DateTimeOp op)
{
	int			i;

	for (i = 0; i < lengthof(date_time_params); i++)
		if ((date_time_ops[op].params & date_time_params[i].group) == 0 &&
			rr_node_param(node, date_time_params[i].param) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" param \"%s\" does not apply to operation \"%s\"",
							node->name, date_time_params[i].param,
							date_time_ops[op].name),
					 errdetail("Remove the param, or choose the operation that reads it.")));
}

/*
 * date_time_prepare
 *		Decode the operation and its fixed choices, compile the rest.
 */
static void *
date_time_prepare(RrPlanNode *node)
{
	DateTimeState *state = palloc0(sizeof(DateTimeState));
	const char *op = literal(node, "operation");
	const char *word;
	JsonbValue *units;
	int			i;

	state->node_name = node->name;
	for (i = 0; i < OP_COUNT; i++)
		if (op != NULL && strcmp(op, date_time_ops[i].name) == 0)
			state->op = (DateTimeOp) i;
	check_params(node, state->op);

	rr_param_compile(node, "date", &state->date);
	rr_param_compile(node, "start_date", &state->start_date);
	rr_param_compile(node, "end_date", &state->end_date);
	rr_param_compile(node, "duration", &state->duration);
	rr_param_compile(node, "format", &state->format);
	rr_param_compile(node, "from_format", &state->from_format);
	rr_param_compile(node, "timezone", &state->timezone);
	rr_param_compile(node, "from_timezone", &state->from_timezone);
	rr_param_compile(node, "include_time", &state->include_time);
	rr_param_compile(node, "output_field", &state->output_field);
	if (state->timezone.constant != NULL)
		(void) zone_of(node->name, "timezone", state->timezone.constant);
	if (state->from_timezone.constant != NULL)
		(void) zone_of(node->name, "from_timezone",
					   state->from_timezone.constant);

	word = literal(node, "unit");
	state->unit = unit_of(word != NULL ? word : "days");
	word = literal(node, "mode");
	state->round_up = word != NULL && strcmp(word, "up") == 0;
	word = literal(node, "to");
	state->to = unit_of(word != NULL ? word : "month");
	state->keep_offset = literal_bool(node, "keep_offset", false);
	state->iso = literal_bool(node, "iso", false);
	state->output_path = literal_bool(node, "output_path", false);
	state->include_input = literal_bool(node, "include_input_fields", false);

	word = literal(node, "part");
	if (word == NULL || strcmp(word, "week") == 0)
		state->part = word == NULL ? "month" : "weekNumber";
	else
		state->part = word;

	units = rr_node_param(node, "units");
	units = units == NULL ? NULL : rr_value_normalize(units);
	if (units != NULL && rr_value_is_array(units))
	{
		JsonbIterator *it = JsonbIteratorInit(units->val.binary.data);
		JsonbIteratorToken tok;
		JsonbValue	elem;

		while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
			if (tok == WJB_ELEM && elem.type == jbvString)
				state->units |= 1 << unit_of(pnstrdup(elem.val.string.val,
													  elem.val.string.len));
	}
	if (state->units == 0)
		state->units = 1 << RR_UNIT_DAYS;
	return state;
}

/* ---------- reading dates ---------- */

/* Raise the error of a param whose value is not a date */
static pg_attribute_noreturn() void
not_a_date(const DateTimeState *state, const char *param, JsonbValue *value,
		   const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_DATETIME_FORMAT),
			 errmsg("node \"%s\" param \"%s\" is not a date it can read",
					state->node_name, param),
			 errdetail("It is %s: %s.",
					   value == NULL ? "missing" : rr_value_to_text(value),
					   why)));
}

/* A JSON number as a double */
static double
number_of(JsonbValue *value)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											  NumericGetDatum(value->val.numeric)));
}

/*
 * unix_date
 *		n8n's reading of a number: a fraction means seconds (times 1000),
 *		an integer of fewer than 12 characters seconds, else milliseconds.
 */
static JsValue
unix_date(double n, const RrZone *zone)
{
	StringInfoData text;

	if (n != floor(n))
		n = n * 1000.0;
	initStringInfo(&text);
	js_append_number(&text, n);
	if (n == floor(n) && text.len < 12)
		n = n * 1000.0;
	return rr_datetime(round(n), zone);
}

/*
 * read_date
 *		The date of a param's value for one item, in the target zone.
 */
static JsValue
read_date(const DateTimeState *state, const char *param, JsonbValue *value,
		  const RrZone *zone, const RrZone *from_zone, const char *from_format,
		  double now)
{
	JsValue		dt;

	if (value != NULL && value->type == jbvNumeric)
		dt = unix_date(number_of(value), zone);
	else if (value != NULL && value->type == jbvString)
	{
		const char *s = value->val.string.val;
		int			len = value->val.string.len;
		double		n = js_to_number(js_string(s, len));
		RrParsed	p;

		if (from_format == NULL && !isnan(n) &&
			strspn(s, " \t\n\r") < (size_t) len)
			return unix_date(n, zone);
		if (from_format != NULL)
		{
			if (!rr_parse_format(s, len, from_format, strlen(from_format), &p))
				not_a_date(state, param, value,
						   psprintf("it does not have the form \"%s\" of \"from_format\"",
									from_format));
			dt = rr_parsed_datetime(&p, from_zone, true, now);
		}
		else if (rr_parse_iso(s, len, &p))
		{
			/* an ISO date out of range is an error, not Date.parse's */
			dt = rr_parsed_datetime(&p, from_zone, true, now);
		}
		else
			dt = rr_parse_any_datetime(s, len, from_zone, now);
		if (isnan(dt.u.dt->ms))
			not_a_date(state, param, value,
					   dt.u.dt->invalid != NULL ?
					   psprintf("%s", dt.u.dt->explanation != NULL ?
								dt.u.dt->explanation : dt.u.dt->invalid) :
					   "it has no form of date the node reads (ISO 8601, RFC 2822, HTTP, SQL), so give \"from_format\"");
		/* n8n keeps the offset of a text with a "+" in it */
		if (state->keep_offset && memchr(s, '+', len) != NULL &&
			dt.u.dt->zone != from_zone && !isnan(dt.u.dt->ms))
			return dt;
	}
	else
		not_a_date(state, param, value,
				   "a date is a text or a number (a Unix timestamp)");
	if (isnan(dt.u.dt->ms))
		not_a_date(state, param, value, "it is beyond the range of dates");
	return rr_datetime_set_zone(dt.u.dt, zone, false);
}

/* ---------- execute ---------- */

/* A text param's value for an item as a C string, or NULL when absent */
static const char *
text_param(const DateTimeState *state, const RrParam *param, const char *name,
		   RrNodeRun *run, Jsonb *item, int index)
{
	JsonbValue *v = rr_param_eval(param, run, item, index);

	if (v == NULL || v->type == jbvNull)
		return NULL;
	if (v->type != jbvString)
		rr_param_type_error(state->node_name, name, "a string", v);
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* A JsValue string of what out holds, as a jsonb value */
static JsonbValue *
string_value(StringInfo out)
{
	JsonbValue *v = palloc(sizeof(JsonbValue));

	*v = rr_value_string(out->data, out->len);
	return v;
}

/* A DateTime as Luxon's toISO() writes it, or an error when out of range */
static JsonbValue *
iso_value(const DateTimeState *state, JsValue dt)
{
	StringInfoData out;

	if (isnan(dt.u.dt->ms))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("node \"%s\" computed a date out of range",
						state->node_name),
				 errdetail("Dates must be within 275,760 years of 1970.")));
	initStringInfo(&out);
	rr_datetime_append_iso(&out, dt.u.dt, true, true, true, false, false,
						   false);
	return string_value(&out);
}

/* A duration as Luxon's toObject(): its units with their values */
static JsonbValue *
duration_object(const JsDuration *d)
{
	JsonbParseState *ps = NULL;
	int			u;

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	for (u = 0; u < RR_UNIT_COUNT; u++)
	{
		JsonbValue	key;

		if ((d->present & (1 << u)) == 0)
			continue;
		key = rr_value_string(rr_unit_names[u], strlen(rr_unit_names[u]));
		pushJsonbValue(&ps, WJB_KEY, &key);
		pushJsonbValue(&ps, WJB_VALUE, js_to_jsonb_value(js_number(d->v[u])));
	}
	return rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

/*
 * compute
 *		The operation's result for one item.
 */
static JsonbValue *
compute(const DateTimeState *state, RrNodeRun *run, Jsonb *item, int index)
{
	double		now = rr_run_now(run);
	const RrZone *zone = rr_run_zone(run);
	const RrZone *from_zone;
	const char *from_format;
	JsonbValue *v;
	JsValue		dt;

	v = rr_param_eval(&state->timezone, run, item, index);
	if (v != NULL)
		zone = zone_of(state->node_name, "timezone", v);
	v = rr_param_eval(&state->from_timezone, run, item, index);
	from_zone = v != NULL ? zone_of(state->node_name, "from_timezone", v) :
		zone;
	from_format = text_param(state, &state->from_format, "from_format", run,
							 item, index);

	if (state->op == OP_NOW)
	{
		v = rr_param_eval(&state->include_time, run, item, index);
		dt = rr_datetime(now, zone);
		if (v != NULL && v->type == jbvBool && !v->val.boolean)
			dt = rr_datetime_start_of(dt.u.dt, RR_UNIT_DAYS);
		else if (v != NULL && v->type != jbvBool && v->type != jbvNull)
			rr_param_type_error(state->node_name, "include_time",
								"a boolean", v);
		return iso_value(state, dt);
	}
	if (state->op == OP_BETWEEN)
	{
		JsValue		start = read_date(state, "start_date",
									  rr_param_eval(&state->start_date, run,
													item, index),
									  zone, from_zone, from_format, now);
		JsValue		end = read_date(state, "end_date",
									rr_param_eval(&state->end_date, run,
												  item, index),
									zone, from_zone, from_format, now);
		JsDuration *d = rr_datetime_diff(end.u.dt, start.u.dt, state->units);
		StringInfoData out;

		if (!state->iso)
			return duration_object(d);
		initStringInfo(&out);
		rr_duration_append_iso(&out, d);
		return string_value(&out);
	}

	v = rr_param_eval(&state->date, run, item, index);
	if (state->op == OP_FORMAT && (v == NULL || v->type == jbvNull))
	{
		/* n8n passes a missing date on as it is */
		v = palloc(sizeof(JsonbValue));
		v->type = jbvNull;
		return v;
	}
	dt = read_date(state, "date", v, zone, from_zone, from_format, now);

	switch (state->op)
	{
		case OP_ADD:
		case OP_SUBTRACT:
			{
				JsDuration *d = rr_duration_new();

				v = rr_param_eval(&state->duration, run, item, index);
				if (v == NULL || v->type != jbvNumeric)
					rr_param_type_error(state->node_name, "duration",
										"a number", v);
				d->v[state->unit] = number_of(v);
				d->present = 1 << state->unit;
				return iso_value(state,
								 rr_datetime_plus(dt.u.dt, d,
												  state->op == OP_ADD ? 1 : -1));
			}
		case OP_FORMAT:
			{
				const char *format = text_param(state, &state->format,
												"format", run, item, index);
				StringInfoData out;

				if (format == NULL || format[0] == '\0')
					rr_param_type_error(state->node_name, "format",
										"a non-empty string",
										rr_param_eval(&state->format, run,
													  item, index));
				initStringInfo(&out);
				rr_datetime_format(&out, dt.u.dt, format, strlen(format),
								   false);
				return string_value(&out);
			}
		case OP_ROUND:
			if (state->round_up)
			{
				JsDuration *d = rr_duration_new();

				d->v[state->to] = 1;
				d->present = 1 << state->to;
				dt = rr_datetime_plus(dt.u.dt, d, 1);
				if (isnan(dt.u.dt->ms))
					return iso_value(state, dt);
			}
			return iso_value(state, rr_datetime_start_of(dt.u.dt, state->to));
		case OP_EXTRACT:
			return js_to_jsonb_value(rr_datetime_get(dt, state->part,
													 strlen(state->part)));
		default:
			elog(ERROR, "unexpected date_time operation %d", state->op);
	}
	return NULL;				/* keep the compiler quiet */
}

/*
 * date_time_execute
 *		One output item per input item.
 */
static void
date_time_execute(RrNodeRun *run)
{
	const DateTimeState *state = run->node->state;
	ListCell   *lc;
	int			index = 0;

	foreach(lc, run->inputs[0])
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);
		JsonbValue	original;
		JsonbValue *result;
		JsonbValue *value;
		JsonbValue *name;
		RrPath		path;
		JsonbParseState *ps = NULL;

		value = compute(state, run, item, index);
		name = rr_param_eval(&state->output_field, run, item, index);
		if (name == NULL)
		{
			const char *dflt = date_time_ops[state->op].output;

			name = palloc(sizeof(JsonbValue));
			*name = rr_value_string(dflt, strlen(dflt));
		}
		else if (name->type != jbvString)
			rr_param_type_error(state->node_name, "output_field",
								"a string", name);
		else if (name->val.string.len == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" param \"output_field\" is empty",
							state->node_name),
					 errdetail("The output field needs a name.")));

		if (state->include_input)
		{
			rr_jsonb_value(item, &original);
			result = &original;
		}
		else
		{
			pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
			result = rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT,
													NULL));
		}
		if (state->output_path)
			rr_path_parse(result, name->val.string.val, name->val.string.len,
						  &path);
		else
		{
			path.n = 1;
			path.keys = name;
		}
		result = rr_path_set(result, &path, value);
		rr_emit_paired(run, 0, JsonbValueToJsonb(result), index);
		index++;
	}
}

const RrNodeHandler rr_node_date_time = {
	.side_effects = false,
	.prepare = date_time_prepare,
	.execute = date_time_execute,
};
