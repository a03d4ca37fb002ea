/*-------------------------------------------------------------------------
 *
 * builtins_interval.c
 *		Luxon's Interval, the span [start, end) between two DateTimes:
 *		Interval.fromDateTimes, after, before, fromISO and DateTime#until;
 *		its getters (start, end, isValid, invalidReason), its text (toISO,
 *		toString, toISODate, toISOTime) and the methods that measure,
 *		compare and combine it (length, count, toDuration, hasSame,
 *		contains, isBefore, isAfter, overlaps, engulfs, abutsStart,
 *		abutsEnd, isEmpty, equals, set, intersection, union).  Luxon's
 *		other methods of an Interval are not supported yet (0A000).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "expr/builtins_int.h"
#include "expr/datetime.h"
#include "utils/float.h"

/* Interval.fromDateTimes(start, end): invalid ends make an invalid one */
JsValue
rr_interval_value(const JsDateTime *start, const JsDateTime *end)
{
	JsInterval *iv = palloc0(sizeof(JsInterval));
	JsValue		v;

	iv->start = start;
	iv->end = end;
	if (start == NULL || isnan(start->ms))
		iv->invalid = "missing or invalid start";
	else if (end == NULL || isnan(end->ms))
		iv->invalid = "missing or invalid end";
	else if (end->ms < start->ms)
		iv->invalid = "end before start";
	v.kind = JS_INTERVAL;
	v.u.iv = iv;
	return v;
}

/* toISO() (json) or toString(): "Invalid Interval" when invalid */
void
rr_interval_append(StringInfo out, const JsInterval *iv, bool json)
{
	if (iv->invalid)
	{
		appendStringInfoString(out, "Invalid Interval");
		return;
	}
	if (!json)
		appendStringInfoChar(out, '[');
	rr_datetime_append_iso(out, iv->start, true, true, true, false, false, false);
	appendStringInfoString(out, json ? "/" : " \u2013 ");
	rr_datetime_append_iso(out, iv->end, true, true, true, false, false, false);
	if (!json)
		appendStringInfoChar(out, ')');
}

JsValue
rr_interval_get(const JsInterval *iv, const char *name, int len)
{
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
	if (IS("start") || IS("end"))
	{
		const JsDateTime *dt = IS("start") ? iv->start : iv->end;

		return iv->invalid ? js_null() : rr_datetime(dt->ms, dt->zone);
	}
	if (IS("isValid"))
		return js_bool(iv->invalid == NULL);
	if (IS("invalidReason"))
		return iv->invalid ? js_cstring(iv->invalid) : js_null();
	return js_undefined();
#undef IS
}

/* Both valid with the same ends, or both invalid (lodash's isEqual) */
bool
rr_interval_same(const JsInterval *a, const JsInterval *b)
{
	if (a->invalid || b->invalid)
		return a->invalid && b->invalid;
	return a->start->ms == b->start->ms && a->end->ms == b->end->ms;
}

/* Luxon's friendlyDateTime: a DateTime, or a Date (fromJSDate); else NULL */
static const JsDateTime *
datetime_arg(RrExprEnv *env, JsValue v)
{
	if (v.kind == JS_DATETIME)
		return v.u.dt;
	if (v.kind == JS_DATE)
		return rr_datetime(v.u.dt->ms, rr_expr_env_zone(env)).u.dt;
	rr_expr_throw(env);			/* Luxon's InvalidArgumentError */
	return NULL;
}

static JsValue
fn_from_date_times(RrExprEnv *env, int nargs, const JsValue *args)
{
	const JsDateTime *start = datetime_arg(env, rr_arg(nargs, args, 0));
	const JsDateTime *end;

	if (start == NULL || (end = datetime_arg(env, rr_arg(nargs, args, 1))) == NULL)
		return js_undefined();
	return rr_interval_value(start, end);
}

/* Interval.after(start, duration) and Interval.before(end, duration) */
static JsValue
around(RrExprEnv *env, int nargs, const JsValue *args, int sign)
{
	const JsDateTime *dt = datetime_arg(env, rr_arg(nargs, args, 0));
	JsDuration *d;
	JsValue		other;

	if (dt == NULL || (d = rr_duration_arg(env, rr_arg(nargs, args, 1))) == NULL)
		return js_undefined();
	other = rr_datetime_plus(dt, d, sign);
	return sign > 0 ? rr_interval_value(dt, other.u.dt) :
		rr_interval_value(other.u.dt, dt);
}

static JsValue
fn_after(RrExprEnv *env, int nargs, const JsValue *args)
{
	return around(env, nargs, args, 1);
}

static JsValue
fn_before(RrExprEnv *env, int nargs, const JsValue *args)
{
	return around(env, nargs, args, -1);
}

/* One end of an ISO interval: a DateTime, or a Duration (kind 'P') */
static JsValue
iso_part(RrExprEnv *env, const char *s, int len, JsValue opts, char *kind)
{
	JsValue		args[2];

	if (len > 0 && s[0] == 'P')
	{
		JsDuration *d = palloc0(sizeof(JsDuration));

		*kind = 'P';
		if (!rr_parse_iso_duration(s, len, d))
			d->invalid = "unparsable";
		return rr_duration_value(d);
	}
	*kind = 'D';
	args[0] = js_string(s, len);
	args[1] = opts;
	return rr_function_call(env, rr_function_lookup("DateTime", "fromISO"),
							2, args);
}

/* Interval.fromISO("start/end"), each end a date time or a duration */
static JsValue
fn_from_iso(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		text = rr_arg(nargs, args, 0);
	JsValue		opts = rr_arg(nargs, args, 1);
	const char *slash;
	JsValue		a;
	JsValue		b;
	char		ka;
	char		kb;

	if (text.kind != JS_STRING ||
		(slash = memchr(STR(text), '/', LEN(text))) == NULL)
		return rr_interval_value(NULL, NULL);
	a = iso_part(env, STR(text), slash - STR(text), opts, &ka);
	b = iso_part(env, slash + 1, LEN(text) - (slash + 1 - STR(text)), opts, &kb);
	if (rr_expr_thrown(env))
		return js_undefined();
	if (ka == 'D' && kb == 'D')
		return rr_interval_value(a.u.dt, b.u.dt);
	if (ka == 'D' && kb == 'P' && !b.u.dur->invalid && !isnan(a.u.dt->ms))
		return rr_interval_value(a.u.dt, rr_datetime_plus(a.u.dt, b.u.dur, 1).u.dt);
	if (ka == 'P' && kb == 'D' && !a.u.dur->invalid && !isnan(b.u.dt->ms))
		return rr_interval_value(rr_datetime_plus(b.u.dt, a.u.dur, -1).u.dt, b.u.dt);
	return rr_interval_value(NULL, NULL);
}

/* DateTime#until(other): Interval.fromDateTimes(this, other) */
static JsValue
dt_until(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const JsDateTime *end;

	if (self.kind != JS_DATETIME)
	{
		rr_expr_throw(env);		/* a Date has no until */
		return js_undefined();
	}
	if ((end = datetime_arg(env, rr_arg(nargs, args, 0))) == NULL)
		return js_undefined();
	return rr_interval_value(self.u.dt, end);
}

/* A unit argument (default milliseconds), or -1 with a swallowed error */
static int
unit_arg(RrExprEnv *env, JsValue v)
{
	int			unit = RR_UNIT_MILLISECONDS;

	if (v.kind != JS_UNDEFINED &&
		(v.kind != JS_STRING || (unit = rr_unit_lookup(STR(v), LEN(v))) < 0))
		rr_expr_throw(env);		/* Luxon's InvalidUnitError */
	return v.kind == JS_UNDEFINED || v.kind == JS_STRING ? unit : -1;
}

/* length(unit): toDuration(unit).get(unit), NaN when invalid */
static JsValue
iv_length(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const JsInterval *iv = self.u.iv;
	int			unit = unit_arg(env, rr_arg(nargs, args, 0));

	if (unit < 0)
		return js_undefined();
	if (iv->invalid)
		return js_number(get_float8_nan());
	return js_number(rr_datetime_diff(iv->end, iv->start, 1 << unit)->v[unit]);
}

/* count(unit): how many units it touches, counting a partial last one */
static JsValue
iv_count(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const JsInterval *iv = self.u.iv;
	int			unit = unit_arg(env, rr_arg(nargs, args, 0));
	JsValue		start;
	JsValue		end;

	if (unit < 0)
		return js_undefined();
	if (iv->invalid)
		return js_number(get_float8_nan());
	start = rr_datetime_start_of(iv->start, unit);
	end = rr_datetime_start_of(iv->end, unit);
	return js_number(floor(rr_datetime_diff(end.u.dt, start.u.dt,
											1 << unit)->v[unit]) +
					 (end.u.dt->ms != iv->end->ms ? 1 : 0));
}

/* toDuration(unit | units): end.diff(start, units) */
static JsValue
iv_to_duration(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const JsInterval *iv = self.u.iv;
	JsValue		v = rr_arg(nargs, args, 0);
	uint16		units = 0;

	if (v.kind == JS_ARRAY || v.kind == JS_JSONB)
	{
		bool		type_error = false;
		double		n = js_to_number(js_get_named(v, "length", 6, &type_error));
		int			i;

		for (i = 0; i < n; i++)
		{
			int			u = unit_arg(env, js_get_member(v, js_number(i), &type_error));

			if (u < 0)
				return js_undefined();
			units |= 1 << u;
		}
	}
	else
	{
		int			u = unit_arg(env, v);

		if (u < 0)
			return js_undefined();
		units = 1 << u;
	}
	if (iv->invalid)
	{
		JsDuration *d = rr_duration_new();

		d->invalid = "created by diffing an invalid DateTime";
		return rr_duration_value(d);
	}
	return rr_duration_value(rr_datetime_diff(iv->end, iv->start, units));
}

/* The milliseconds of a DateTime or Date argument, or NaN */
static double
ms_arg(JsValue v)
{
	return v.kind == JS_DATETIME || v.kind == JS_DATE ? v.u.dt->ms :
		get_float8_nan();
}

/* contains, isBefore, isAfter: false when invalid or not a date */
static JsValue
compare_to(JsValue self, int nargs, const JsValue *args, char op)
{
	const JsInterval *iv = self.u.iv;
	double		t = ms_arg(rr_arg(nargs, args, 0));

	if (iv->invalid || isnan(t))
		return js_bool(false);
	switch (op)
	{
		case 'c':
			return js_bool(iv->start->ms <= t && t < iv->end->ms);
		case 'b':
			return js_bool(iv->end->ms <= t);
		default:
			return js_bool(iv->start->ms > t);
	}
}

static JsValue
iv_contains(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return compare_to(self, nargs, args, 'c');
}

static JsValue
iv_is_before(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return compare_to(self, nargs, args, 'b');
}

static JsValue
iv_is_after(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return compare_to(self, nargs, args, 'a');
}

/* overlaps, engulfs, abutsStart, abutsEnd, equals with another Interval */
static JsValue
relate(RrExprEnv *env, JsValue self, int nargs, const JsValue *args, char op)
{
	const JsInterval *a = self.u.iv;
	JsValue		other = rr_arg(nargs, args, 0);
	const JsInterval *b;

	if (other.kind != JS_INTERVAL)
	{
		rr_expr_throw(env);		/* other.s of something else: a TypeError */
		return js_undefined();
	}
	b = other.u.iv;
	if (a->invalid || b->invalid)
		return js_bool(false);
	switch (op)
	{
		case 'o':
			return js_bool(a->end->ms > b->start->ms && a->start->ms < b->end->ms);
		case 'g':
			return js_bool(a->start->ms <= b->start->ms && a->end->ms >= b->end->ms);
		case 's':
			return js_bool(a->end->ms == b->start->ms);
		case 'e':
			return js_bool(b->end->ms == a->start->ms);
		default:
			return js_bool(rr_interval_same(a, b) &&
						   strcmp(a->start->zone->name, b->start->zone->name) == 0 &&
						   strcmp(a->end->zone->name, b->end->zone->name) == 0);
	}
}

static JsValue
iv_overlaps(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return relate(env, self, nargs, args, 'o');
}

static JsValue
iv_engulfs(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return relate(env, self, nargs, args, 'g');
}

static JsValue
iv_abuts_start(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return relate(env, self, nargs, args, 's');
}

static JsValue
iv_abuts_end(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return relate(env, self, nargs, args, 'e');
}

static JsValue
iv_equals(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return relate(env, self, nargs, args, '=');
}

static JsValue
iv_is_empty(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const JsInterval *iv = self.u.iv;

	return js_bool(iv->invalid == NULL && iv->start->ms == iv->end->ms);
}

/* hasSame(unit): empty, or its first and last instants in the same unit */
static JsValue
iv_has_same(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const JsInterval *iv = self.u.iv;
	int			unit;
	JsValue		last;
	JsValue		adjusted;

	/* Luxon: this.isValid ? ... : false, before the unit is read */
	if (iv->invalid)
		return js_bool(false);
	if ((unit = unit_arg(env, rr_arg(nargs, args, 0))) < 0)
		return js_undefined();
	if (iv->start->ms == iv->end->ms)
		return js_bool(true);
	/* Luxon: this.e.minus(1).hasSame(this.s, unit) */
	last = rr_datetime(iv->end->ms - 1, iv->end->zone);
	adjusted = rr_datetime_set_zone(last.u.dt, iv->start->zone, true);
	return js_bool(rr_datetime_start_of(adjusted.u.dt, unit).u.dt->ms <= iv->start->ms &&
				   iv->start->ms <= rr_datetime_end_of(adjusted.u.dt, unit).u.dt->ms);
}

/* set({start, end}): the same with either end replaced */
static JsValue
iv_set(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const JsInterval *iv = self.u.iv;
	JsValue		values = rr_arg(nargs, args, 0);
	const JsDateTime *ends[2] = {iv->start, iv->end};
	const char *names[2] = {"start", "end"};
	int			i;

	/* Luxon destructures {start, end} = {}: null is a TypeError */
	if (values.kind == JS_NULL)
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	if (iv->invalid || values.kind == JS_UNDEFINED)
		return self;
	for (i = 0; i < 2; i++)
	{
		bool		type_error = false;
		JsValue		v = js_get_named(values, names[i], strlen(names[i]),
									 &type_error);

		/* Luxon takes start || this.s: a falsy value keeps the end */
		if (!js_to_boolean(v))
			continue;
		if ((ends[i] = datetime_arg(env, v)) == NULL)
			return js_undefined();
	}
	return rr_interval_value(ends[0], ends[1]);
}

/* intersection(other): the span both cover, null when none; union(other) */
static JsValue
combine(RrExprEnv *env, JsValue self, int nargs, const JsValue *args,
		bool intersection)
{
	const JsInterval *iv = self.u.iv;
	JsValue		other = rr_arg(nargs, args, 0);
	const JsInterval *o;
	const JsDateTime *start;
	const JsDateTime *end;

	if (iv->invalid)
		return self;
	if (other.kind != JS_INTERVAL)
	{
		rr_expr_throw(env);		/* TypeError: reading other.s */
		return js_undefined();
	}
	o = other.u.iv;
	if (o->invalid)
		return intersection ? js_null() :
			rr_interval_value(NULL, NULL);
	if (intersection)
	{
		start = iv->start->ms > o->start->ms ? iv->start : o->start;
		end = iv->end->ms < o->end->ms ? iv->end : o->end;
		if (start->ms >= end->ms)
			return js_null();
	}
	else
	{
		start = iv->start->ms < o->start->ms ? iv->start : o->start;
		end = iv->end->ms > o->end->ms ? iv->end : o->end;
	}
	return rr_interval_value(start, end);
}

static JsValue
iv_intersection(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return combine(env, self, nargs, args, true);
}

static JsValue
iv_union(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return combine(env, self, nargs, args, false);
}

/* Methods of Luxon's Interval that names other types' methods too */
static JsValue
iv_not_supported(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	rr_builtin_not_supported("this method of intervals (difference, toFormat, toLocaleString)");
	return js_undefined();
}

/* toISODate(), toISOTime(): each end's date or time, "/" between */
static JsValue
iv_iso_part(JsValue self, bool date)
{
	const JsInterval *iv = self.u.iv;
	StringInfoData out;

	initStringInfo(&out);
	if (iv->invalid)
		appendStringInfoString(&out, "Invalid Interval");
	else
	{
		rr_datetime_append_iso(&out, iv->start, date, !date, !date,
							   false, false, false);
		appendStringInfoChar(&out, '/');
		rr_datetime_append_iso(&out, iv->end, date, !date, !date,
							   false, false, false);
	}
	return rr_string_from(&out);
}

static JsValue
iv_to_iso_date(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return iv_iso_part(self, true);
}

static JsValue
iv_to_iso_time(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return iv_iso_part(self, false);
}

/* toISO(), toJSON(), toString() */
static JsValue
iv_text(JsValue self, bool json)
{
	StringInfoData out;

	initStringInfo(&out);
	rr_interval_append(&out, self.u.iv, json);
	return rr_string_from(&out);
}

static JsValue
iv_to_iso(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return iv_text(self, true);
}

static JsValue
iv_to_string(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return iv_text(self, false);
}

const RrMethodImpl rr_interval_methods[] = {
	{"abutsEnd", false, iv_abuts_end},
	{"abutsStart", false, iv_abuts_start},
	{"contains", false, iv_contains},
	{"count", false, iv_count},
	{"difference", false, iv_not_supported},
	{"engulfs", false, iv_engulfs},
	{"equals", false, iv_equals},
	{"hasSame", false, iv_has_same},
	{"intersection", false, iv_intersection},
	{"isAfter", false, iv_is_after},
	{"isBefore", false, iv_is_before},
	{"isEmpty", false, iv_is_empty},
	{"length", false, iv_length},
	{"overlaps", false, iv_overlaps},
	{"set", false, iv_set},
	{"toDuration", false, iv_to_duration},
	{"toFormat", false, iv_not_supported},
	{"toISO", false, iv_to_iso},
	{"toISODate", false, iv_to_iso_date},
	{"toISOTime", false, iv_to_iso_time},
	{"toJSON", false, iv_to_iso},
	{"toLocaleString", false, iv_not_supported},
	{"toString", false, iv_to_string},
	{"union", false, iv_union},
	{NULL}
};

const RrMethodImpl rr_datetime_until_methods[] = {
	{"until", false, dt_until},
	{NULL}
};

const RrFunctionImpl rr_interval_functions[] = {
	{"Interval", "after", 0, 2, fn_after},
	{"Interval", "before", 0, 2, fn_before},
	{"Interval", "fromDateTimes", 0, 2, fn_from_date_times},
	{"Interval", "fromISO", 0, 2, fn_from_iso},
	{NULL}
};
