/*-------------------------------------------------------------------------
 *
 * builtins_date.c
 *		The methods and functions of dates in {{ }} expressions: Luxon's
 *		DateTime and Duration (their members and the DateTime and Duration
 *		namespaces), JavaScript's Date (new Date(), Date.now(), its
 *		getters), n8n's date extensions (plus(7, 'days'), diffTo, format,
 *		beginningOf ...), and toDateTime() / toDate() of strings and numbers
 *		(W src/extensions/date-extensions.ts, string-extensions.ts,
 *		number-extensions.ts, src/type-validation.ts).
 *
 * The model (zones, calendar, formats, parsers) is datetime.c.  Luxon's
 * own errors (an unknown unit, a wrong argument) are JavaScript errors
 * that n8n swallows (rr_expr_throw); n8n's ExpressionExtensionErrors fail
 * the node.  "Now" is the execution's start (rr_expr_env_now), so a run
 * computes the same dates on every item, retry and resume.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "expr/builtins_int.h"
#include "expr/datetime.h"
#include "utils/float.h"

/* An object's member by name, or undefined (options objects) */
static JsValue
option(JsValue opts, const char *name)
{
	bool		type_error = false;

	if (!rr_is_object(opts))
		return js_undefined();
	return js_get_named(opts, name, strlen(name), &type_error);
}

/* Whether a locales argument names American English ("en-US", "en", ["en-US"]) */
static bool
is_english(JsValue locales)
{
	if (locales.kind == JS_UNDEFINED || locales.kind == JS_NULL)
		return true;
	if (rr_is_array(locales))
	{
		JsArray    *list = rr_array_view(locales);

		if (list->len != 1)
			return list->len == 0;
		locales = list->elems[0];
	}
	return rr_is_english_tag(locales);
}

/*
 * Refuse (0A000) what would be silently wrong: JavaScript's
 * Date#toLocale*String in another locale than en-US, or with options
 * (time zone, month names, hour cycle), and Luxon's formats with an
 * options object naming another locale.
 */
static void
check_english(const char *method, JsValue locales, JsValue options)
{
	if (!is_english(locales))
		rr_builtin_not_supported(psprintf("%s in other locales than en-US", method));
	if (options.kind != JS_UNDEFINED)
		rr_builtin_not_supported(psprintf("%s with options", method));
}

/* Luxon's opts of toFormat() and toLocaleString(): a locale of en-US only */
static void
check_english_option(const char *method, JsValue opts)
{
	check_english(method, option(opts, "locale"), js_undefined());
}

static const RrZone *
local_zone(RrExprEnv *env)
{
	return rr_expr_env_zone(env);
}

static JsValue
now_datetime(RrExprEnv *env)
{
	return rr_datetime(rr_expr_env_now(env), local_zone(env));
}

/* A DateTime or a Date as a Luxon DateTime (Date: DateTime.fromJSDate) */
static JsDateTime *
as_datetime(RrExprEnv *env, JsValue v)
{
	if (v.kind == JS_DATE)
		return rr_datetime(v.u.dt->ms, local_zone(env)).u.dt;
	return v.u.dt;
}

/* A DateTime result for self's kind: a Date stays a Date (toJSDate) */
static JsValue
same_kind(RrExprEnv *env, JsValue self, JsValue result)
{
	if (self.kind == JS_DATE)
		return rr_date(result.u.dt->ms, local_zone(env));
	return result;
}

/* Luxon's own methods exist on a DateTime only: a Date has none */
static bool
need_datetime(RrExprEnv *env, JsValue self)
{
	if (self.kind == JS_DATETIME)
		return true;
	rr_expr_throw(env);
	return false;
}

static bool
need_date(RrExprEnv *env, JsValue self)
{
	if (self.kind == JS_DATE)
		return true;
	rr_expr_throw(env);
	return false;
}

/* A unit name (Duration.normalizeUnit), or a swallowed error */
static int
unit_arg(RrExprEnv *env, JsValue v)
{
	int			unit = -1;

	if (v.kind == JS_STRING)
		unit = rr_unit_lookup(STR(v), LEN(v));
	if (unit < 0)
		rr_expr_throw(env);		/* Luxon's InvalidUnitError */
	return unit;
}

/* A zone argument (Luxon's normalizeZone), NULL when unknown */
static const RrZone *
zone_arg(RrExprEnv *env, JsValue v)
{
	if (js_is_nullish(v))
		return local_zone(env);
	if (rr_is_number(v))
	{
		double		minutes = js_to_number(v);

		if (!isfinite(minutes) || fabs(minutes) > 24 * 60)
			return NULL;
		return rr_zone_fixed((int) (minutes * 60));
	}
	if (v.kind == JS_STRING)
		return rr_zone_named(STR(v), LEN(v), local_zone(env));
	return NULL;
}

static JsValue
unsupported_zone(JsValue v)
{
	JsValue		name = js_to_string(v);

	return rr_datetime_invalid("unsupported zone",
							   psprintf("the zone \"%.*s\" is not supported",
										LEN(name), STR(name)));
}

/* The zone of an options object ({zone}): the workflow's when absent */
static const RrZone *
opts_zone(RrExprEnv *env, JsValue opts, JsValue *invalid)
{
	JsValue		zone = option(opts, "zone");
	const RrZone *z = zone_arg(env, zone);

	if (z == NULL)
		*invalid = unsupported_zone(zone);
	return z;
}

/* Luxon's Duration.fromObject: units, numbers; else a swallowed error */
static JsDuration *
duration_from_object(RrExprEnv *env, JsValue obj)
{
	JsObject   *o;
	JsDuration *d = rr_duration_new();
	int			i;

	if (!rr_is_object(obj))
	{
		rr_expr_throw(env);
		return NULL;
	}
	o = rr_object_view(obj);
	for (i = 0; i < o->len; i++)
	{
		int			unit = rr_unit_lookup(o->keys[i], o->keylens[i]);
		JsValue		v = o->vals[i];
		double		n;

		if (unit < 0)
		{
			rr_expr_throw(env);
			return NULL;
		}
		if (js_is_nullish(v))
			continue;
		n = js_to_number(v);
		if (v.kind == JS_BOOL || (v.kind == JS_STRING && LEN(v) == 0) ||
			isnan(n) || !(rr_is_number(v) || v.kind == JS_STRING))
		{
			rr_expr_throw(env);
			return NULL;
		}
		d->v[unit] = n;
		d->present |= 1 << unit;
	}
	return d;
}

static JsDuration *
duration_from_millis(double ms)
{
	JsDuration *d = rr_duration_new();

	d->v[RR_UNIT_MILLISECONDS] = ms;
	d->present = 1 << RR_UNIT_MILLISECONDS;
	return d;
}

/* Luxon's friendlyDuration: a number of ms, a Duration or an object */
JsDuration *
rr_duration_arg(RrExprEnv *env, JsValue v)
{
	if (rr_is_number(v))
		return duration_from_millis(js_to_number(v));
	if (v.kind == JS_DURATION)
		return v.u.dur;
	return duration_from_object(env, v);
}

/* A list of units: a string or an array of them, as a bit mask */
static bool
units_arg(RrExprEnv *env, JsValue v, uint16 *units)
{
	*units = 0;
	if (rr_is_array(v))
	{
		JsArray    *arr = rr_array_view(v);
		int			i;

		for (i = 0; i < arr->len; i++)
		{
			int			u = unit_arg(env, arr->elems[i]);

			if (u < 0)
				return false;
			*units |= 1 << u;
		}
		return true;
	}
	{
		int			u = unit_arg(env, v);

		if (u < 0)
			return false;
		*units = 1 << u;
	}
	return true;
}

/* Duration#toObject */
static JsValue
duration_object(const JsDuration *d)
{
	RrObjectBuilder b;
	int			u;

	rr_object_init(&b, RR_UNIT_COUNT);
	if (d->invalid == NULL)
		for (u = 0; u < RR_UNIT_COUNT; u++)
			if (d->present & (1 << u))
				rr_object_set(&b, rr_unit_names[u], strlen(rr_unit_names[u]),
							  js_number(d->v[u] + 0.0));
	return rr_object_result(&b);
}

static JsValue
string_value(StringInfo out)
{
	return js_string(out->data, out->len);
}


/* ---------------------------------------------------------------------
 * Parsing into DateTimes
 * ---------------------------------------------------------------------
 */

typedef bool (*RrParser) (const char *s, int len, RrParsed *p);

static JsValue
unparsable(JsValue text, const char *format)
{
	return rr_datetime_invalid("unparsable",
							   psprintf("the input \"%.*s\" can't be parsed as %s",
										LEN(text), STR(text), format));
}

/* DateTime.fromISO / fromSQL / fromHTTP / fromRFC2822 (text, {zone, setZone}) */
static JsValue
parse_with(RrExprEnv *env, RrParser parser, const char *format, JsValue textv,
		   JsValue opts)
{
	JsValue		text = js_to_string(textv);
	JsValue		invalid;
	const RrZone *zone = opts_zone(env, opts, &invalid);
	RrParsed	p;

	if (zone == NULL)
		return invalid;
	if (!parser(STR(text), LEN(text), &p))
		return unparsable(text, format);
	return rr_parsed_datetime(&p, zone, js_to_boolean(option(opts, "setZone")),
							  rr_expr_env_now(env));
}

/* n8n's tryToParseDateTime of a string: ERROR when nothing parses */
static JsValue
string_to_datetime(RrExprEnv *env, JsValue s)
{
	JsValue		dt = rr_parse_any_datetime(STR(s), LEN(s), local_zone(env),
										   rr_expr_env_now(env));

	if (isnan(dt.u.dt->ms))
		rr_extension_error("cannot convert to Luxon DateTime");
	return dt;
}

/* n8n's convertToDateTime (isBetween): strings through new Date() */
static bool
convert_to_datetime(RrExprEnv *env, JsValue v, double *ms)
{
	if (v.kind == JS_STRING)
		*ms = rr_date_parse(STR(v), LEN(v), local_zone(env));
	else if (v.kind == JS_DATE || v.kind == JS_DATETIME)
		*ms = v.u.dt->ms;
	else
		return false;
	return !isnan(*ms);
}

/* n8n's toDateTime of date-extensions.ts: DateTime, string or Date */
static JsValue
to_datetime(RrExprEnv *env, JsValue v)
{
	if (v.kind == JS_DATETIME)
		return v;
	if (v.kind == JS_STRING)
		return string_to_datetime(env, v);
	if (v.kind == JS_DATE)
		return rr_datetime(v.u.dt->ms, local_zone(env));
	rr_expr_throw(env);			/* fromJSDate of what is no Date */
	return js_undefined();
}

/* An ISO date string as n8n's isDate sees one: 2024-01-01T00:00:00.000Z */
static bool
iso_date_string(JsValue s, double *ms)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	StringInfoData back;
	int			i;

	if (LEN(s) != 24)
		return false;
	for (i = 0; i < 24; i++)
		if (pattern[i] == 'd' ? !rr_is_ascii_digit(STR(s)[i]) :
			(pattern[i] != '.' && STR(s)[i] != pattern[i]))
			return false;
	*ms = rr_date_parse(STR(s), LEN(s), &rr_zone_utc);
	if (isnan(*ms))
		return false;
	initStringInfo(&back);
	rr_date_append_iso(&back, *ms);
	return back.len == 24 && memcmp(back.data, STR(s), 24) == 0;
}

bool
rr_date_receiver(RrExprEnv *env, JsValue *self)
{
	double		ms;

	if (self->kind != JS_STRING || !iso_date_string(*self, &ms))
		return false;
	*self = rr_date(ms, local_zone(env));
	return true;
}


/* ---------------------------------------------------------------------
 * n8n's date extensions (on a DateTime or a Date)
 * ---------------------------------------------------------------------
 */

/* name renamed by a map of n8n's (DURATION_MAP, DATETIMEUNIT_MAP) */
static JsValue
renamed(JsValue name, const char *const (*map)[2], int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (LEN(name) == (int) strlen(map[i][0]) &&
			memcmp(STR(name), map[i][0], LEN(name)) == 0)
			return js_cstring(map[i][1]);
	return name;
}

/* n8n's DATETIMEUNIT_MAP: days -> day, hrs -> hour ... */
static JsValue
datetime_unit_name(JsValue unit)
{
	static const char *const map[][2] = {
		{"days", "day"}, {"months", "month"}, {"years", "year"},
		{"hours", "hour"}, {"minutes", "minute"}, {"seconds", "second"},
		{"milliseconds", "millisecond"}, {"hrs", "hour"}, {"hr", "hour"},
		{"mins", "minute"}, {"min", "minute"}, {"secs", "second"},
		{"sec", "second"}, {"ms", "millisecond"}
	};

	if (unit.kind != JS_STRING)
		return unit;
	return renamed(unit, map, lengthof(map));
}

/*
 * n8n's generateDurationObject(n = 0, unit = 'minutes'): {unit: n}, the
 * unit through DURATION_MAP (day -> days, hr -> hours, ms -> milliseconds)
 */
static JsDuration *
unit_duration(RrExprEnv *env, JsValue n, JsValue unit)
{
	static const char *const map[][2] = {
		{"day", "days"}, {"month", "months"}, {"year", "years"},
		{"week", "weeks"}, {"hour", "hours"}, {"minute", "minutes"},
		{"second", "seconds"}, {"millisecond", "milliseconds"},
		{"ms", "milliseconds"}, {"sec", "seconds"}, {"secs", "seconds"},
		{"hr", "hours"}, {"hrs", "hours"}, {"min", "minutes"},
		{"mins", "minutes"}
	};
	RrObjectBuilder b;
	JsValue		name;

	if (n.kind == JS_UNDEFINED)
		n = js_number(0);
	name = renamed(js_to_string(unit.kind == JS_UNDEFINED ?
								js_cstring("minutes") : unit),
				   map, lengthof(map));
	rr_object_init(&b, 1);
	rr_object_set(&b, STR(name), LEN(name), n);
	return duration_from_object(env, rr_object_result(&b));
}

/*
 * plus / minus of a Duration (Luxon's), and of a DateTime or a Date (n8n's:
 * a duration, or n and a unit)
 */
static JsValue
plus_minus(RrExprEnv *env, JsValue self, int nargs, const JsValue *args,
		   int sign)
{
	JsDuration *d;

	if (self.kind == JS_DURATION)
	{
		d = nargs > 0 ? rr_duration_arg(env, args[0]) : NULL;
		if (d == NULL)
		{
			rr_expr_throw(env);
			return js_undefined();
		}
		return rr_duration_value(rr_duration_plus(self.u.dur, d, sign));
	}
	if (nargs == 1)
		d = rr_duration_arg(env, args[0]);
	else
		d = unit_duration(env, rr_arg(nargs, args, 0), rr_arg(nargs, args, 1));
	if (d == NULL)
		return js_undefined();
	return same_kind(env, self, rr_datetime_plus(as_datetime(env, self), d, sign));
}

static JsValue
date_plus(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return plus_minus(env, self, nargs, args, 1);
}

static JsValue
date_minus(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return plus_minus(env, self, nargs, args, -1);
}

static JsValue
date_beginning_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		raw = nargs > 0 && args[0].kind != JS_UNDEFINED ? args[0] :
		js_cstring("week");
	int			unit = unit_arg(env, datetime_unit_name(raw));

	if (unit < 0)
		return js_undefined();
	return same_kind(env, self,
					 rr_datetime_start_of(as_datetime(env, self), unit));
}

static JsValue
date_end_of_month(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return same_kind(env, self,
					 rr_datetime_end_of(as_datetime(env, self), RR_UNIT_MONTHS));
}

static JsValue
date_extract(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		part = nargs > 0 && args[0].kind != JS_UNDEFINED ? args[0] :
		js_cstring("week");
	JsValue		dt = rr_datetime(as_datetime(env, self)->ms,
								 as_datetime(env, self)->zone);

	if (part.kind != JS_STRING)
		return js_undefined();
	if (LEN(part) == 13 && memcmp(STR(part), "yearDayNumber", 13) == 0)
		part = js_cstring("ordinal");
	else if (LEN(part) == 4 && memcmp(STR(part), "week", 4) == 0)
		part = js_cstring("weekNumber");
	part = datetime_unit_name(part);
	return rr_datetime_get(dt, STR(part), LEN(part));
}

static JsValue
date_format(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData out;
	JsValue		fmt = rr_arg(nargs, args, 0);

	if (self.kind == JS_DURATION || fmt.kind != JS_STRING)
	{
		rr_expr_throw(env);		/* Formatter.parseFormat(undefined) */
		return js_undefined();
	}
	check_english_option("toFormat()", rr_arg(nargs, args, 1));
	initStringInfo(&out);
	rr_datetime_format(&out, as_datetime(env, self), STR(fmt), LEN(fmt), false);
	return string_value(&out);
}

static JsValue
date_is_between(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		first;
	double		second;
	double		ms = self.u.dt->ms;

	if (nargs != 2)
		rr_extension_error("isBetween(): expected exactly two args");
	if (!convert_to_datetime(env, args[0], &first) ||
		!convert_to_datetime(env, args[1], &second))
		return js_undefined();
	if (first > second)
		return js_bool(second < ms && ms < first);
	return js_bool(second > ms && ms > first);
}

static JsValue
date_is_dst(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(rr_datetime_is_dst(as_datetime(env, self)));
}

static JsValue
date_is_in_last(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		now = now_datetime(env);
	JsDuration *d = unit_duration(env, rr_arg(nargs, args, 0),
								  rr_arg(nargs, args, 1));
	double		past;
	double		ms = self.u.dt->ms;

	if (d == NULL)
		return js_undefined();
	past = rr_datetime_plus(now.u.dt, d, -1).u.dt->ms;
	return js_bool(past <= ms && ms <= now.u.dt->ms);
}

static JsValue
date_is_weekend(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	RrCivil		c;

	rr_datetime_civil(as_datetime(env, self), &c, NULL);
	return js_bool(rr_weekday(rr_civil_to_ms(&c)) >= 6);
}

/* n8n's diffTo(other, unit | units = 'days') */
static JsValue
diff_to(RrExprEnv *env, JsValue self, JsValue other, JsValue unit)
{
	static const char *const allowed[] = {
		"day", "week", "month", "year", "hour", "minute", "second",
		"millisecond", "weekNumber", "yearDayNumber", "weekday",
		"milliseconds", "seconds", "minutes", "hours", "days", "weeks",
		"months", "quarters", "years"
	};
	JsArray    *units;
	uint16		mask = 0;
	int			i;
	int			j;
	JsValue		target;
	JsDuration *d;

	if (self.kind != JS_DATETIME)
	{
		rr_expr_throw(env);		/* a Date has no diff() */
		return js_undefined();
	}
	if (unit.kind == JS_UNDEFINED)
		unit = js_cstring("days");
	if (rr_is_array(unit))
		units = rr_array_view(unit);
	else
	{
		units = palloc(sizeof(JsArray));
		units->len = 1;
		units->elems = palloc(sizeof(JsValue));
		units->elems[0] = unit;
	}
	if (units->len == 0)
	{
		units->len = 1;
		units->elems = palloc(sizeof(JsValue));
		units->elems[0] = js_cstring("days");
	}
	for (i = 0; i < units->len; i++)
	{
		JsValue		u = units->elems[i];
		bool		ok = false;

		for (j = 0; j < lengthof(allowed) && u.kind == JS_STRING; j++)
			if (LEN(u) == (int) strlen(allowed[j]) &&
				memcmp(STR(u), allowed[j], LEN(u)) == 0)
				ok = true;
		if (!ok)
		{
			JsValue		shown = js_to_string(u);

			rr_extension_error("Unsupported unit '%.*s'. Supported: 'milliseconds', 'seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'quarters', 'years'.",
							   LEN(shown), STR(shown));
		}
	}
	for (i = 0; i < units->len; i++)
	{
		int			u = unit_arg(env, units->elems[i]);

		if (u < 0)
			return js_undefined();
		mask |= 1 << u;
	}
	target = to_datetime(env, other);
	if (target.kind != JS_DATETIME)
		return js_undefined();
	d = rr_datetime_diff(self.u.dt, target.u.dt, mask);
	if (units->len > 1)
		return duration_object(d);
	return js_number(rr_duration_as(d, unit_arg(env, units->elems[0])));
}

static JsValue
date_diff_to(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return diff_to(env, self, rr_arg(nargs, args, 0), rr_arg(nargs, args, 1));
}

static JsValue
date_diff_to_now(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return diff_to(env, self, now_datetime(env), rr_arg(nargs, args, 0));
}

static JsValue
date_to_int(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(self.u.dt->ms);
}

static JsValue
date_to_date_time(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return to_datetime(env, self);
}


/* ---------------------------------------------------------------------
 * Luxon's DateTime
 * ---------------------------------------------------------------------
 */

static JsValue
iso_of(const JsDateTime *dt, JsValue opts, bool date, bool time)
{
	StringInfoData out;
	JsValue		include_offset = option(opts, "includeOffset");
	JsValue		format = option(opts, "format");

	if (isnan(dt->ms))
		return js_null();
	initStringInfo(&out);
	rr_datetime_append_iso(&out, dt, date, time,
						   include_offset.kind == JS_UNDEFINED ||
						   js_to_boolean(include_offset),
						   format.kind == JS_STRING && LEN(format) == 5 &&
						   memcmp(STR(format), "basic", 5) == 0,
						   js_to_boolean(option(opts, "suppressMilliseconds")),
						   js_to_boolean(option(opts, "suppressSeconds")));
	return string_value(&out);
}

static JsValue
dt_to_iso(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return iso_of(self.u.dt, rr_arg(nargs, args, 0), true, true);
}

static JsValue
dt_to_iso_date(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return iso_of(self.u.dt, rr_arg(nargs, args, 0), true, false);
}

static JsValue
dt_to_iso_time(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return iso_of(self.u.dt, rr_arg(nargs, args, 0), false, true);
}

/* A Luxon technical format of a valid DateTime, or null */
static JsValue
tech_format(const JsDateTime *dt, const char *fmt, bool allow_z)
{
	StringInfoData out;

	if (isnan(dt->ms))
		return js_null();
	initStringInfo(&out);
	rr_datetime_format(&out, dt, fmt, strlen(fmt), allow_z);
	return string_value(&out);
}

/* Luxon's technical formats: one method each, a fixed format */
#define TECH_FORMAT_METHOD(fname, fmt, allow_z) \
static JsValue \
fname(RrExprEnv *env, JsValue self, int nargs, const JsValue *args) \
{ \
	if (!need_datetime(env, self)) \
		return js_undefined(); \
	return tech_format(self.u.dt, fmt, allow_z); \
}

TECH_FORMAT_METHOD(dt_to_iso_week_date, "kkkk-'W'WW-c", false)
TECH_FORMAT_METHOD(dt_to_sql_date, "yyyy-MM-dd", false)

/*
 * toSQL(opts) and toSQLTime(opts), as Luxon's: the offset after a space
 * (includeOffset, includeOffsetSpace, both true by default), or the
 * zone's name instead (includeZone)
 */
static JsValue
sql_format(RrExprEnv *env, JsValue self, JsValue opts, bool date)
{
	JsValue		include_offset = option(opts, "includeOffset");
	JsValue		include_space = option(opts, "includeOffsetSpace");
	bool		zone = js_to_boolean(option(opts, "includeZone"));
	bool		offset = include_offset.kind == JS_UNDEFINED ||
		js_to_boolean(include_offset);
	char		fmt[40];

	if (!need_datetime(env, self))
		return js_undefined();
	snprintf(fmt, sizeof(fmt), "%sHH:mm:ss.SSS%s%s",
			 date ? "yyyy-MM-dd " : "",
			 (zone || offset) && (include_space.kind == JS_UNDEFINED ||
								  js_to_boolean(include_space)) ? " " : "",
			 zone ? "z" : offset ? "ZZ" : "");
	return tech_format(self.u.dt, fmt, true);
}

static JsValue
dt_to_sql(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return sql_format(env, self, rr_arg(nargs, args, 0), true);
}

static JsValue
dt_to_sql_time(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return sql_format(env, self, rr_arg(nargs, args, 0), false);
}
TECH_FORMAT_METHOD(dt_to_rfc2822, "EEE, dd LLL yyyy HH:mm:ss ZZZ", false)

static JsValue
dt_to_http(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return tech_format(rr_datetime(self.u.dt->ms, &rr_zone_utc).u.dt,
					   "EEE, dd LLL yyyy HH:mm:ss 'GMT'", false);
}

static JsValue
dt_to_format(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return date_format(env, self, nargs, args);
}

static JsValue
dt_to_millis(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return js_number(self.u.dt->ms);
}

static JsValue
dt_to_seconds(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return js_number(self.u.dt->ms / 1000);
}

static JsValue
dt_to_unix_integer(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return js_number(floor(self.u.dt->ms / 1000));
}

static JsValue
dt_to_js_date(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return rr_date(self.u.dt->ms, local_zone(env));
}

static JsValue
dt_to_object(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	static const char *const keys[] = {
		"year", "month", "day", "hour", "minute", "second", "millisecond"
	};
	RrObjectBuilder b;
	RrCivil		c;
	double		values[7];
	int			i;

	if (self.kind == JS_DURATION)
		return duration_object(self.u.dur);
	if (!need_datetime(env, self))
		return js_undefined();
	rr_object_init(&b, 7);
	if (!isnan(self.u.dt->ms))
	{
		rr_datetime_civil(self.u.dt, &c, NULL);
		rr_civil_fields(&c, values);
		for (i = 0; i < 7; i++)
			rr_object_set(&b, keys[i], strlen(keys[i]), js_number(values[i]));
	}
	return rr_object_result(&b);
}

static JsValue
dt_start_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	int			unit;

	if (!need_datetime(env, self) ||
		(unit = unit_arg(env, rr_arg(nargs, args, 0))) < 0)
		return js_undefined();
	return rr_datetime_start_of(self.u.dt, unit);
}

static JsValue
dt_end_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	int			unit;

	if (!need_datetime(env, self) ||
		(unit = unit_arg(env, rr_arg(nargs, args, 0))) < 0)
		return js_undefined();
	return rr_datetime_end_of(self.u.dt, unit);
}

/* DateTime#set({year, month, day, hour ... weekday, weekNumber, weekYear, ordinal}) */
static JsValue
dt_set(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	static const char *const names[] = {
		"year", "month", "day", "hour", "minute", "second", "millisecond",
		"weekday", "weeknumber", "weekyear", "ordinal"
	};
	double		fields[11] = {0};
	bool		given[11] = {0};
	JsObject   *o;
	int			i;
	int			k;

	if (!need_datetime(env, self))
		return js_undefined();
	if (!rr_is_object(rr_arg(nargs, args, 0)))
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	o = rr_object_view(args[0]);
	for (i = 0; i < o->len; i++)
	{
		JsValue		v = o->vals[i];
		int			len = o->keylens[i];
		const char *key = o->keys[i];

		if (js_is_nullish(v))
			continue;
		/* normalizeUnitWithLocalWeeks: singular or plural, case aside */
		for (k = 0; k < lengthof(names); k++)
		{
			int			n = strlen(names[k]);

			if ((len == n || (len == n + 1 && (key[n] == 's' || key[n] == 'S'))) &&
				pg_strncasecmp(key, names[k], n) == 0)
				break;
		}
		if (k == lengthof(names) || !rr_is_number(v))
		{
			rr_expr_throw(env);
			return js_undefined();
		}
		fields[k] = js_to_number(v);
		given[k] = true;
	}
	if (((given[0] || given[1] || given[2] || given[10]) && (given[8] || given[9])) ||
		((given[1] || given[2]) && given[10]))
	{
		rr_expr_throw(env);		/* ConflictingSpecificationError */
		return js_undefined();
	}
	return rr_datetime_set(self.u.dt, fields, given);
}

static JsValue
dt_set_zone(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const RrZone *zone;

	if (!need_datetime(env, self))
		return js_undefined();
	zone = zone_arg(env, rr_arg(nargs, args, 0));
	if (zone == NULL)
		return unsupported_zone(args[0]);
	return rr_datetime_set_zone(self.u.dt, zone,
								js_to_boolean(option(rr_arg(nargs, args, 1),
													 "keepLocalTime")));
}

static JsValue
dt_to_utc(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		offset = nargs > 0 ? js_to_number(args[0]) : 0;

	if (!need_datetime(env, self))
		return js_undefined();
	if (!isfinite(offset) || fabs(offset) > 24 * 60)
		return unsupported_zone(args[0]);
	return rr_datetime_set_zone(self.u.dt, rr_zone_fixed((int) (offset * 60)),
								js_to_boolean(option(rr_arg(nargs, args, 1),
													 "keepLocalTime")));
}

static JsValue
dt_to_local(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_datetime(env, self))
		return js_undefined();
	return rr_datetime_set_zone(self.u.dt, local_zone(env), false);
}

/* DateTime#diff(other, unit | units = 'milliseconds') */
static JsValue
diff_of(RrExprEnv *env, JsValue self, JsValue other, JsValue unit)
{
	uint16		units;

	if (!need_datetime(env, self))
		return js_undefined();
	if (other.kind != JS_DATETIME && other.kind != JS_DATE)
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	if (!units_arg(env, unit.kind == JS_UNDEFINED ?
				   js_cstring("milliseconds") : unit, &units))
		return js_undefined();
	if (other.kind == JS_DATE)
	{
		/* a Date has no isValid: Luxon's "diffing an invalid DateTime" */
		JsDuration *d = rr_duration_new();

		d->invalid = "created by diffing an invalid DateTime";
		return rr_duration_value(d);
	}
	return rr_duration_value(rr_datetime_diff(self.u.dt, other.u.dt, units));
}

static JsValue
dt_diff(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return diff_of(env, self, rr_arg(nargs, args, 0), rr_arg(nargs, args, 1));
}

static JsValue
dt_diff_now(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return diff_of(env, self, now_datetime(env), rr_arg(nargs, args, 0));
}

static JsValue
dt_equals(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		other = rr_arg(nargs, args, 0);

	if (self.kind == JS_DURATION)
	{
		int			u;

		if (other.kind != JS_DURATION || self.u.dur->invalid ||
			other.u.dur->invalid)
			return js_bool(false);
		for (u = 0; u < RR_UNIT_COUNT; u++)
			if (self.u.dur->v[u] != other.u.dur->v[u])
				return js_bool(false);
		return js_bool(true);
	}
	if (!need_datetime(env, self))
		return js_undefined();
	if (other.kind != JS_DATETIME || isnan(self.u.dt->ms) ||
		isnan(other.u.dt->ms))
		return js_bool(false);
	return js_bool(self.u.dt->ms == other.u.dt->ms &&
				   strcmp(self.u.dt->zone->name, other.u.dt->zone->name) == 0);
}

/* hasSame(other, unit): both in the same unit, in other's zone */
static JsValue
dt_has_same(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		other = rr_arg(nargs, args, 0);
	JsValue		adjusted;
	double		start;
	double		end;
	int			unit;

	if (!need_datetime(env, self))
		return js_undefined();
	if (other.kind != JS_DATETIME || isnan(self.u.dt->ms) ||
		isnan(other.u.dt->ms))
		return js_bool(false);
	if ((unit = unit_arg(env, rr_arg(nargs, args, 1))) < 0)
		return js_undefined();
	adjusted = rr_datetime_set_zone(self.u.dt, other.u.dt->zone, true);
	start = rr_datetime_start_of(adjusted.u.dt, unit).u.dt->ms;
	end = rr_datetime_end_of(adjusted.u.dt, unit).u.dt->ms;
	return js_bool(start <= other.u.dt->ms && other.u.dt->ms <= end);
}

static JsValue
dt_get(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		name = rr_arg(nargs, args, 0);

	if (self.kind == JS_DURATION)
	{
		int			unit = unit_arg(env, name);

		if (unit < 0)
			return js_undefined();
		return js_number(self.u.dur->invalid ? get_float8_nan() :
						 self.u.dur->v[unit] + 0.0);
	}
	if (!need_datetime(env, self))
		return js_undefined();
	name = js_to_string(name);
	return rr_datetime_get(self, STR(name), LEN(name));
}

/* toLocaleString(): en-US; a format is a preset (DateTime.DATE_MED) */
static JsValue
date_to_locale_string(RrExprEnv *env, JsValue self, int nargs,
					  const JsValue *args)
{
	JsValue		fmt = rr_arg(nargs, args, 0);
	const char *token;

	if (self.kind == JS_DATE)
	{
		check_english("Date#toLocaleString()", fmt, rr_arg(nargs, args, 1));
		if (isnan(self.u.dt->ms))
			return js_cstring("Invalid Date");
		/* Intl's format() writes a plain space before AM/PM, as Node's */
		return tech_format(self.u.dt, "M/d/yyyy, h:mm:ss a", false);
	}
	if (!need_datetime(env, self))
		return js_undefined();
	check_english_option("toLocaleString()", rr_arg(nargs, args, 1));
	if (fmt.kind == JS_UNDEFINED)
		token = "D";
	else if (fmt.kind == JS_STRING)
		token = pnstrdup(STR(fmt), LEN(fmt));
	else
		rr_builtin_not_supported("toLocaleString() with options other than DateTime's presets");
	if (isnan(self.u.dt->ms))
		return js_cstring("Invalid DateTime");
	return tech_format(self.u.dt, token, false);
}

static JsValue
dt_not_supported(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	rr_builtin_not_supported("this method of dates (setLocale, reconfigure)");
	return js_undefined();
}


/* ---------------------------------------------------------------------
 * Shared by DateTime, Date and Duration: valueOf, toString, toJSON
 * ---------------------------------------------------------------------
 */

static JsValue
date_value_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(js_to_number(self));
}

static JsValue
date_to_string(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_to_string(self);
}

static JsValue
date_to_json(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData out;

	initStringInfo(&out);
	if (!rr_date_append(&out, self, true))
		return js_null();
	return string_value(&out);
}


/* ---------------------------------------------------------------------
 * JavaScript's Date
 * ---------------------------------------------------------------------
 */

static JsValue
jsdate_get_time(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (!need_date(env, self))
		return js_undefined();
	return js_number(self.u.dt->ms);
}

static JsValue
jsdate_to_iso_string(RrExprEnv *env, JsValue self, int nargs,
					 const JsValue *args)
{
	StringInfoData out;

	if (!need_date(env, self))
		return js_undefined();
	if (isnan(self.u.dt->ms))
	{
		rr_expr_throw(env);		/* RangeError: Invalid time value */
		return js_undefined();
	}
	initStringInfo(&out);
	rr_date_append_iso(&out, self.u.dt->ms);
	return string_value(&out);
}

static JsValue
jsdate_string_part(RrExprEnv *env, JsValue self, bool date, bool time)
{
	StringInfoData out;

	if (!need_date(env, self))
		return js_undefined();
	initStringInfo(&out);
	rr_date_append_string(&out, self.u.dt, date, time);
	return string_value(&out);
}

static JsValue
jsdate_to_date_string(RrExprEnv *env, JsValue self, int nargs,
					  const JsValue *args)
{
	return jsdate_string_part(env, self, true, false);
}

static JsValue
jsdate_to_time_string(RrExprEnv *env, JsValue self, int nargs,
					  const JsValue *args)
{
	return jsdate_string_part(env, self, false, true);
}

static JsValue
jsdate_to_utc_string(RrExprEnv *env, JsValue self, int nargs,
					 const JsValue *args)
{
	if (!need_date(env, self))
		return js_undefined();
	if (isnan(self.u.dt->ms))
		return js_cstring("Invalid Date");
	return tech_format(rr_datetime(self.u.dt->ms, &rr_zone_utc).u.dt,
					   "EEE, dd LLL yyyy HH:mm:ss 'GMT'", false);
}

static JsValue
jsdate_locale_part(RrExprEnv *env, JsValue self, const char *fmt)
{
	if (!need_date(env, self))
		return js_undefined();
	if (isnan(self.u.dt->ms))
		return js_cstring("Invalid Date");
	return tech_format(self.u.dt, fmt, false);
}

static JsValue
jsdate_to_locale_date_string(RrExprEnv *env, JsValue self, int nargs,
							 const JsValue *args)
{
	check_english("toLocaleDateString()", rr_arg(nargs, args, 0),
				  rr_arg(nargs, args, 1));
	return jsdate_locale_part(env, self, "M/d/yyyy");
}

static JsValue
jsdate_to_locale_time_string(RrExprEnv *env, JsValue self, int nargs,
							 const JsValue *args)
{
	check_english("toLocaleTimeString()", rr_arg(nargs, args, 0),
				  rr_arg(nargs, args, 1));
	return jsdate_locale_part(env, self, "h:mm:ss a");
}

/* getFullYear ... getMilliseconds, local (the workflow's zone) or UTC */
static JsValue
jsdate_field(RrExprEnv *env, JsValue self, char field, bool utc)
{
	RrCivil		c;
	JsDateTime	dt;

	if (!need_date(env, self))
		return js_undefined();
	if (isnan(self.u.dt->ms))
		return js_number(get_float8_nan());
	dt = *self.u.dt;
	if (utc)
		dt.zone = &rr_zone_utc;
	rr_datetime_civil(&dt, &c, NULL);
	switch (field)
	{
		case 'y':
			return js_number(c.year);
		case 'M':
			return js_number(c.month - 1);
		case 'd':
			return js_number(c.day);
		case 'w':
			return js_number(rr_weekday(rr_civil_to_ms(&c)) % 7);
		case 'h':
			return js_number(c.hour);
		case 'm':
			return js_number(c.minute);
		case 's':
			return js_number(c.second);
		default:
			return js_number(c.millisecond);
	}
}

#define JSDATE_GETTER(fname, field, utc) \
static JsValue \
fname(RrExprEnv *env, JsValue self, int nargs, const JsValue *args) \
{ \
	return jsdate_field(env, self, field, utc); \
}

JSDATE_GETTER(jsdate_get_full_year, 'y', false)
JSDATE_GETTER(jsdate_get_month, 'M', false)
JSDATE_GETTER(jsdate_get_date, 'd', false)
JSDATE_GETTER(jsdate_get_day, 'w', false)
JSDATE_GETTER(jsdate_get_hours, 'h', false)
JSDATE_GETTER(jsdate_get_minutes, 'm', false)
JSDATE_GETTER(jsdate_get_seconds, 's', false)
JSDATE_GETTER(jsdate_get_milliseconds, 'S', false)
JSDATE_GETTER(jsdate_get_utc_full_year, 'y', true)
JSDATE_GETTER(jsdate_get_utc_month, 'M', true)
JSDATE_GETTER(jsdate_get_utc_date, 'd', true)
JSDATE_GETTER(jsdate_get_utc_day, 'w', true)
JSDATE_GETTER(jsdate_get_utc_hours, 'h', true)
JSDATE_GETTER(jsdate_get_utc_minutes, 'm', true)
JSDATE_GETTER(jsdate_get_utc_seconds, 's', true)
JSDATE_GETTER(jsdate_get_utc_milliseconds, 'S', true)

static JsValue
jsdate_get_timezone_offset(RrExprEnv *env, JsValue self, int nargs,
						   const JsValue *args)
{
	if (!need_date(env, self))
		return js_undefined();
	if (isnan(self.u.dt->ms))
		return js_number(get_float8_nan());
	return js_number(-rr_zone_offset(self.u.dt->zone, self.u.dt->ms) / 60.0 + 0.0);
}

/*
 * new Date(), new Date(ms | string | date), new Date(y, m, d, h, mi, s,
 * ms) in the workflow's zone
 */
JsValue
rr_new_date(RrExprEnv *env, int nargs, const JsValue *args)
{
	const RrZone *zone = local_zone(env);
	double		f[7] = {0, 0, 1, 0, 0, 0, 0};
	int			i;

	if (nargs == 0)
		return rr_date(rr_expr_env_now(env), zone);
	if (nargs == 1)
	{
		JsValue		v = args[0];

		if (v.kind == JS_DATE || v.kind == JS_DATETIME)
			return rr_date(v.u.dt->ms, zone);
		if (v.kind != JS_STRING)
			v = js_to_primitive(v, 'd');
		if (v.kind == JS_STRING)
			return rr_date(rr_date_parse(STR(v), LEN(v), zone), zone);
		return rr_date(js_to_number(v), zone);
	}
	for (i = 0; i < nargs && i < 7; i++)
		f[i] = js_to_number(args[i]);
	if (isfinite(f[0]) && trunc(f[0]) >= 0 && trunc(f[0]) <= 99)
		f[0] = 1900 + trunc(f[0]);
	return rr_date(rr_local_to_utc(zone, rr_make_time(f[0], f[1] + 1, f[2], f[3],
													  f[4], f[5], f[6])),
				   zone);
}


/* ---------------------------------------------------------------------
 * Luxon's Duration
 * ---------------------------------------------------------------------
 */

static JsValue
dur_as(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	int			unit = unit_arg(env, rr_arg(nargs, args, 0));

	if (unit < 0)
		return js_undefined();
	return js_number(rr_duration_as(self.u.dur, unit));
}

static JsValue
dur_to_iso(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return date_to_json(env, self, nargs, args);
}

/* The unit a letter of Duration#toFormat's format stands for, or -1 */
static int
format_unit(char c)
{
	switch (c)
	{
		case 'S':
			return RR_UNIT_MILLISECONDS;
		case 's':
			return RR_UNIT_SECONDS;
		case 'm':
			return RR_UNIT_MINUTES;
		case 'h':
			return RR_UNIT_HOURS;
		case 'd':
			return RR_UNIT_DAYS;
		case 'w':
			return RR_UNIT_WEEKS;
		case 'M':
			return RR_UNIT_MONTHS;
		case 'y':
			return RR_UNIT_YEARS;
	}
	return -1;
}

/* n, floored, with at least width digits ("05", "-05") */
static void
append_floored(StringInfo out, double n, int width)
{
	char		digits[400];
	int			len;

	n = floor(n);
	if (n < 0)
		appendStringInfoChar(out, '-');
	len = snprintf(digits, sizeof(digits), "%.0f", fabs(n));
	for (; len < width; width--)
		appendStringInfoChar(out, '0');
	appendStringInfoString(out, digits);
}

/*
 * Duration#toFormat(format): as Luxon's, the Duration shifted to the units
 * the format names (y M w d h m s S, each run of one letter padded to its
 * length: "hh:mm" of 2 h 5 min is "02:05", "mm:ss" of 3,725 s "62:05"),
 * each floored; 'quoted' text and every other character as they are.
 */
static JsValue
dur_to_format(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		fmt = rr_arg(nargs, args, 0);
	const JsDuration *shifted;
	uint16		units = 0;
	StringInfoData out;
	const char *f;
	const char *end;

	if (fmt.kind != JS_STRING)
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	if (self.u.dur->invalid)
		return js_cstring("Invalid Duration");
	f = STR(fmt);
	end = f + LEN(fmt);
	for (const char *c = f; c < end; c++)
	{
		if (*c == '\'')
		{
			const char *close = memchr(c + 1, '\'', end - c - 1);

			c = close != NULL ? close : end - 1;
		}
		else if (format_unit(*c) >= 0)
			units |= 1 << format_unit(*c);
	}
	shifted = units != 0 ? rr_duration_shift_to(self.u.dur, units) : self.u.dur;
	initStringInfo(&out);
	while (f < end)
	{
		const char *run = f;

		if (*f == '\'')
		{
			const char *close = memchr(f + 1, '\'', end - f - 1);

			if (close == NULL)
				close = end;
			appendBinaryStringInfo(&out, f + 1, close - f - 1);
			f = close < end ? close + 1 : end;
			continue;
		}
		while (f < end && *f == *run)
			f++;
		if (format_unit(*run) >= 0)
			append_floored(&out, shifted->v[format_unit(*run)], (int) (f - run));
		else
			appendBinaryStringInfo(&out, run, f - run);
	}
	return rr_string_from(&out);
}

/*
 * Duration#toISOTime(opts): a Duration of 0 to 24 hours as the time of day
 * it would be ("01:30:00.000"), null otherwise; suppressMilliseconds,
 * suppressSeconds, includePrefix and format "basic" as for a DateTime.
 */
static JsValue
dur_to_iso_time(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		opts = rr_arg(nargs, args, 0);
	JsValue		format = option(opts, "format");
	double		ms = rr_duration_to_millis(self.u.dur);
	bool		basic;
	int64		total;
	int			hour;
	int			minute;
	int			second;
	int			milli;
	StringInfoData out;

	if (self.u.dur->invalid || isnan(ms) || ms < 0 || ms >= 86400000.0)
		return js_null();
	total = (int64) floor(ms);
	hour = (int) (total / 3600000);
	minute = (int) (total / 60000 % 60);
	second = (int) (total / 1000 % 60);
	milli = (int) (total % 1000);
	basic = format.kind == JS_STRING && LEN(format) == 5 &&
		strncmp(STR(format), "basic", 5) == 0;
	initStringInfo(&out);
	if (js_to_boolean(option(opts, "includePrefix")))
		appendStringInfoChar(&out, 'T');
	appendStringInfo(&out, basic ? "%02d%02d" : "%02d:%02d", hour, minute);
	if (!(js_to_boolean(option(opts, "suppressSeconds")) && second == 0 && milli == 0))
	{
		appendStringInfo(&out, basic ? "%02d" : ":%02d", second);
		if (!(js_to_boolean(option(opts, "suppressMilliseconds")) && milli == 0))
			appendStringInfo(&out, ".%03d", milli);
	}
	return rr_string_from(&out);
}

static JsValue
dur_to_millis(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(rr_duration_to_millis(self.u.dur));
}

static JsValue
dur_shift_to(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	uint16		units = 0;
	int			i;

	for (i = 0; i < nargs; i++)
	{
		int			unit = unit_arg(env, args[i]);

		if (unit < 0)
			return js_undefined();
		units |= 1 << unit;
	}
	if (units == 0)
		return self;
	return rr_duration_value(rr_duration_shift_to(self.u.dur, units));
}

static JsValue
dur_negate(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return rr_duration_value(rr_duration_negate(self.u.dur));
}

static JsValue
dur_normalize(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	uint16		units = self.u.dur->present;

	if (units == 0 || self.u.dur->invalid)
		return self;
	return rr_duration_value(rr_duration_shift_to(self.u.dur, units));
}


/* ---------------------------------------------------------------------
 * toDateTime() and toDate() of strings and numbers
 * ---------------------------------------------------------------------
 */

/* n8n's number toDateTime(format = 'ms'), in the workflow's zone */
static JsValue
number_to_datetime(RrExprEnv *env, double value, JsValue format)
{
	JsValue		f = format.kind == JS_UNDEFINED ? js_cstring("ms") : format;

#define F_IS(lit) (f.kind == JS_STRING && LEN(f) == sizeof(lit) - 1 && \
				   memcmp(STR(f), lit, LEN(f)) == 0)
	if (F_IS("excel"))
		value = (value - (25567 + 2)) * 86400 * 1000;
	else if (F_IS("s"))
		value *= 1000;
	else if (F_IS("us"))
		value /= 1000;
	else if (!F_IS("ms"))
	{
		JsValue		shown = js_to_string(f);

		rr_extension_error("Unsupported format '%.*s'. toDateTime() supports 'ms', 's', 'us' and 'excel'.",
						   LEN(shown), STR(shown));
	}
#undef F_IS
	return rr_datetime(value, local_zone(env));
}

JsValue
rr_number_to_date_time(RrExprEnv *env, JsValue self, int nargs,
					   const JsValue *args)
{
	return number_to_datetime(env, js_to_number(self), rr_arg(nargs, args, 0));
}

/* n8n's string toDateTime(format?) */
JsValue
rr_string_to_date_time(RrExprEnv *env, JsValue self, int nargs,
					   const JsValue *args)
{
	JsValue		format = rr_arg(nargs, args, 0);

	if (js_to_boolean(format))
	{
		JsValue		f = js_to_string(format);
		RrParsed	p;

		if ((LEN(f) == 2 && memcmp(STR(f), "ms", 2) == 0) ||
			(LEN(f) == 1 && STR(f)[0] == 's') ||
			(LEN(f) == 2 && memcmp(STR(f), "us", 2) == 0) ||
			(LEN(f) == 5 && memcmp(STR(f), "excel", 5) == 0))
			return number_to_datetime(env, js_to_number(self), f);
		if (!rr_parse_format(STR(self), LEN(self), STR(f), LEN(f), &p))
			return unparsable(self, psprintf("format %.*s", LEN(f), STR(f)));
		return rr_parsed_datetime(&p, local_zone(env), false,
								  rr_expr_env_now(env));
	}
	return string_to_datetime(env, self);
}

/* n8n's string toDate(): new Date(Date.parse(s)); midnight if no ':' */
JsValue
rr_string_to_date(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const RrZone *zone = local_zone(env);
	double		ms = rr_date_parse(STR(self), LEN(self), zone);

	if (isnan(ms))
		rr_extension_error("cannot convert to date");
	if (memchr(STR(self), ':', LEN(self)) == NULL)
	{
		RrCivil		c;
		JsDateTime	dt = {ms, zone, NULL, NULL};

		/* setHours(0, 0, 0): local time, the milliseconds kept */
		rr_datetime_civil(&dt, &c, NULL);
		c.hour = c.minute = c.second = 0;
		ms = rr_local_to_utc(zone, rr_civil_to_ms(&c));
	}
	return rr_date(ms, zone);
}


/* ---------------------------------------------------------------------
 * The namespaces DateTime, Duration and Date
 * ---------------------------------------------------------------------
 */

static JsValue
fn_dt_now(RrExprEnv *env, int nargs, const JsValue *args)
{
	return now_datetime(env);
}

static JsValue
fn_dt_from_iso(RrExprEnv *env, int nargs, const JsValue *args)
{
	return parse_with(env, rr_parse_iso, "ISO 8601", rr_arg(nargs, args, 0),
					  rr_arg(nargs, args, 1));
}

static JsValue
fn_dt_from_sql(RrExprEnv *env, int nargs, const JsValue *args)
{
	return parse_with(env, rr_parse_sql, "SQL", rr_arg(nargs, args, 0),
					  rr_arg(nargs, args, 1));
}

static JsValue
fn_dt_from_http(RrExprEnv *env, int nargs, const JsValue *args)
{
	return parse_with(env, rr_parse_http, "HTTP", rr_arg(nargs, args, 0),
					  rr_arg(nargs, args, 1));
}

static JsValue
fn_dt_from_rfc2822(RrExprEnv *env, int nargs, const JsValue *args)
{
	return parse_with(env, rr_parse_rfc2822, "RFC 2822",
					  rr_arg(nargs, args, 0), rr_arg(nargs, args, 1));
}

static JsValue
fn_dt_from_format(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		text = js_to_string(rr_arg(nargs, args, 0));
	JsValue		fmt = rr_arg(nargs, args, 1);
	JsValue		opts = rr_arg(nargs, args, 2);
	JsValue		invalid;
	const RrZone *zone = opts_zone(env, opts, &invalid);
	RrParsed	p;

	if (fmt.kind != JS_STRING)
	{
		rr_expr_throw(env);		/* fromFormat requires an input string and a format */
		return js_undefined();
	}
	if (zone == NULL)
		return invalid;
	if (!rr_parse_format(STR(text), LEN(text), STR(fmt), LEN(fmt), &p))
		return unparsable(text, psprintf("format %.*s", LEN(fmt), STR(fmt)));
	return rr_parsed_datetime(&p, zone, js_to_boolean(option(opts, "setZone")),
							  rr_expr_env_now(env));
}

static JsValue
from_millis(RrExprEnv *env, JsValue value, JsValue opts, double scale)
{
	JsValue		invalid;
	const RrZone *zone = opts_zone(env, opts, &invalid);
	double		ms;

	if (!rr_is_number(value))
	{
		rr_expr_throw(env);		/* InvalidArgumentError */
		return js_undefined();
	}
	if (zone == NULL)
		return invalid;
	ms = js_to_number(value) * scale;
	if (fabs(ms) > RR_MAX_DATE_MS)
		return rr_datetime_invalid("Timestamp out of range", NULL);
	return rr_datetime(ms, zone);
}

static JsValue
fn_dt_from_millis(RrExprEnv *env, int nargs, const JsValue *args)
{
	return from_millis(env, rr_arg(nargs, args, 0), rr_arg(nargs, args, 1), 1);
}

static JsValue
fn_dt_from_seconds(RrExprEnv *env, int nargs, const JsValue *args)
{
	return from_millis(env, rr_arg(nargs, args, 0), rr_arg(nargs, args, 1), 1000);
}

static JsValue
fn_dt_from_js_date(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		date = rr_arg(nargs, args, 0);
	JsValue		invalid;
	const RrZone *zone = opts_zone(env, rr_arg(nargs, args, 1), &invalid);

	if (zone == NULL)
		return invalid;
	if (date.kind != JS_DATE || isnan(date.u.dt->ms))
		return rr_datetime_invalid("invalid input", NULL);
	return rr_datetime(date.u.dt->ms, zone);
}

/*
 * A DateTime from fields (DateTime.local, utc, fromObject): fields before
 * the first given come from now, the rest default to their least; each
 * must be an integer in its range (else "unit out of range").
 */
static JsValue
from_fields(RrExprEnv *env, const double *f, const bool *given,
			const RrZone *zone)
{
	static const char *const names[] = {
		"year", "month", "day", "hour", "minute", "second", "millisecond"
	};
	RrParsed	p;
	RrCivil		now;
	double		now_ms = rr_expr_env_now(env);
	int			values[7];
	int			defaults[7] = {0, 1, 1, 0, 0, 0, 0};
	bool		found = false;
	int			i;

	rr_civil_from_ms(now_ms + rr_zone_offset(zone, now_ms) * 1000.0, &now);
	defaults[0] = now.year;
	for (i = 0; i < 7; i++)
	{
		int			now_value = i == 0 ? now.year : i == 1 ? now.month :
			i == 2 ? now.day : i == 3 ? now.hour : i == 4 ? now.minute :
			i == 5 ? now.second : now.millisecond;

		if (given[i])
		{
			double		max = i == 0 ? 275760 : i == 6 ? 999 : 9999;

			found = true;
			if (!isfinite(f[i]) || f[i] != trunc(f[i]) || fabs(f[i]) > max)
			{
				StringInfoData shown;

				initStringInfo(&shown);
				js_append_number(&shown, f[i]);
				return rr_datetime_invalid("unit out of range",
										   psprintf("you specified %s (of type number) as a %s, which is invalid",
													shown.data, names[i]));
			}
			values[i] = (int) f[i];
		}
		else
			values[i] = found ? defaults[i] : now_value;
	}
	memset(&p, 0, sizeof(p));
	p.has_date = true;
	p.c.year = values[0];
	p.c.month = values[1];
	p.c.day = values[2];
	p.c.hour = values[3];
	p.c.minute = values[4];
	p.c.second = values[5];
	p.c.millisecond = values[6];
	if (p.c.hour < 0 || p.c.minute < 0 || p.c.second < 0 ||
		p.c.millisecond < 0)
		return rr_datetime_invalid("unit out of range", NULL);
	return rr_parsed_datetime(&p, zone, false, now_ms);
}

/* DateTime.local(y, m, d, h, mi, s, ms[, opts]) and DateTime.utc(...) */
static JsValue
local_or_utc(RrExprEnv *env, int nargs, const JsValue *args, bool utc)
{
	double		f[7] = {0};
	bool		given[7] = {0};
	const RrZone *zone = utc ? &rr_zone_utc : local_zone(env);
	int			i;

	if (nargs > 0 && rr_is_object(args[nargs - 1]))
	{
		JsValue		invalid;

		if (!utc)
			zone = opts_zone(env, args[nargs - 1], &invalid);
		if (zone == NULL)
			return invalid;
		nargs--;
	}
	if (nargs == 0)
		return rr_datetime(rr_expr_env_now(env), zone);
	for (i = 0; i < nargs && i < 7; i++)
	{
		if (args[i].kind == JS_UNDEFINED)
			continue;
		f[i] = js_to_number(args[i]);
		given[i] = true;
	}
	return from_fields(env, f, given, zone);
}

static JsValue
fn_dt_local(RrExprEnv *env, int nargs, const JsValue *args)
{
	return local_or_utc(env, nargs, args, false);
}

static JsValue
fn_dt_utc(RrExprEnv *env, int nargs, const JsValue *args)
{
	return local_or_utc(env, nargs, args, true);
}

static JsValue
fn_dt_from_object(RrExprEnv *env, int nargs, const JsValue *args)
{
	static const char *const names[] = {
		"year", "month", "day", "hour", "minute", "second", "millisecond"
	};
	JsValue		obj = rr_arg(nargs, args, 0);
	JsValue		invalid;
	const RrZone *zone = opts_zone(env, rr_arg(nargs, args, 1), &invalid);
	double		f[7] = {0};
	bool		given[7] = {0};
	JsObject   *o;
	int			i;
	int			k;

	if (zone == NULL)
		return invalid;
	if (!rr_is_object(obj))
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	o = rr_object_view(obj);
	for (i = 0; i < o->len; i++)
	{
		if (js_is_nullish(o->vals[i]))
			continue;
		for (k = 0; k < 7; k++)
		{
			int			n = strlen(names[k]);

			if ((o->keylens[i] == n ||
				 (o->keylens[i] == n + 1 && (o->keys[i][n] == 's' || o->keys[i][n] == 'S'))) &&
				pg_strncasecmp(o->keys[i], names[k], n) == 0)
				break;
		}
		if (k == 7)
		{
			rr_expr_throw(env);	/* InvalidUnitError */
			return js_undefined();
		}
		f[k] = js_to_number(o->vals[i]);
		given[k] = true;
	}
	return from_fields(env, f, given, zone);
}

static JsValue
fn_dt_is_date_time(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_bool(rr_arg(nargs, args, 0).kind == JS_DATETIME);
}

/*
 * DateTime.max(...dts) and DateTime.min(...dts): the latest or earliest of
 * them (the first of equals), undefined for none; anything that is no
 * DateTime is Luxon's InvalidArgumentError
 */
static JsValue
dt_extreme(RrExprEnv *env, int nargs, const JsValue *args, bool latest)
{
	int			best = -1;

	for (int i = 0; i < nargs; i++)
	{
		if (args[i].kind != JS_DATETIME)
		{
			rr_expr_throw(env);
			return js_undefined();
		}
		if (best < 0 ||
			(latest ? args[i].u.dt->ms > args[best].u.dt->ms :
			 args[i].u.dt->ms < args[best].u.dt->ms))
			best = i;
	}
	return best < 0 ? js_undefined() : args[best];
}

static JsValue
fn_dt_max(RrExprEnv *env, int nargs, const JsValue *args)
{
	return dt_extreme(env, nargs, args, true);
}

static JsValue
fn_dt_min(RrExprEnv *env, int nargs, const JsValue *args)
{
	return dt_extreme(env, nargs, args, false);
}

static JsValue
fn_dur_from_object(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsDuration *d = duration_from_object(env, rr_arg(nargs, args, 0));

	return d ? rr_duration_value(d) : js_undefined();
}

static JsValue
fn_dur_from_millis(RrExprEnv *env, int nargs, const JsValue *args)
{
	if (!rr_is_number(rr_arg(nargs, args, 0)))
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	return rr_duration_value(duration_from_millis(js_to_number(args[0])));
}

static JsValue
fn_dur_from_iso(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		text = js_to_string(rr_arg(nargs, args, 0));
	JsDuration *d = rr_duration_new();

	if (!rr_parse_iso_duration(STR(text), LEN(text), d))
	{
		memset(d, 0, sizeof(JsDuration));
		d->invalid = "unparsable";
	}
	return rr_duration_value(d);
}

static JsValue
fn_dur_is_duration(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_bool(rr_arg(nargs, args, 0).kind == JS_DURATION);
}

static JsValue
fn_date_now(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_number(rr_expr_env_now(env));
}

static JsValue
fn_date_parse(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		s = js_to_string(rr_arg(nargs, args, 0));

	return js_number(rr_date_parse(STR(s), LEN(s), local_zone(env)));
}

static JsValue
fn_date_utc(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		f[7] = {0, 0, 1, 0, 0, 0, 0};
	double		ms;
	int			i;

	for (i = 0; i < nargs && i < 7; i++)
		f[i] = js_to_number(args[i]);
	if (isfinite(f[0]) && trunc(f[0]) >= 0 && trunc(f[0]) <= 99)
		f[0] = 1900 + trunc(f[0]);
	ms = rr_make_time(f[0], f[1] + 1, f[2], f[3], f[4], f[5], f[6]);
	return js_number(isfinite(ms) && fabs(ms) <= RR_MAX_DATE_MS ? ms :
					 get_float8_nan());
}

/*
 * DateTime's presets (DateTime.DATE_MED ...): Luxon's are option objects
 * for toLocaleString; here each is the toFormat macro token of the same
 * English text, which toLocaleString takes.
 */
bool
rr_date_constant(const char *namespace, const char *name, JsValue *value)
{
	static const char *const presets[][2] = {
		{"DATE_SHORT", "D"}, {"DATE_MED", "DD"}, {"DATE_FULL", "DDD"},
		{"DATE_HUGE", "DDDD"}, {"DATE_MED_WITH_WEEKDAY", "EEE, LLL d, yyyy"},
		{"TIME_SIMPLE", "t"}, {"TIME_WITH_SECONDS", "tt"},
		{"TIME_WITH_SHORT_OFFSET", "ttt"}, {"TIME_WITH_LONG_OFFSET", "tttt"},
		{"TIME_24_SIMPLE", "T"}, {"TIME_24_WITH_SECONDS", "TT"},
		{"TIME_24_WITH_SHORT_OFFSET", "TTT"},
		{"TIME_24_WITH_LONG_OFFSET", "TTTT"},
		{"DATETIME_SHORT", "f"}, {"DATETIME_MED", "ff"},
		{"DATETIME_FULL", "fff"}, {"DATETIME_HUGE", "ffff"},
		{"DATETIME_SHORT_WITH_SECONDS", "F"},
		{"DATETIME_MED_WITH_SECONDS", "FF"},
		{"DATETIME_FULL_WITH_SECONDS", "FFF"},
		{"DATETIME_HUGE_WITH_SECONDS", "FFFF"}
	};
	int			i;

	if (strcmp(namespace, "DateTime") != 0)
		return false;
	for (i = 0; i < lengthof(presets); i++)
		if (strcmp(presets[i][0], name) == 0)
		{
			*value = js_cstring(presets[i][1]);
			return true;
		}
	return false;
}


/* ---------------------------------------------------------------------
 * Tables
 * ---------------------------------------------------------------------
 */

/* On a DateTime or a Date (a method of the other kind is a TypeError) */
const RrMethodImpl rr_date_methods[] = {
	/* n8n's extensions */
	{"beginningOf", true, date_beginning_of},
	{"diffTo", true, date_diff_to},
	{"diffToNow", true, date_diff_to_now},
	{"endOfMonth", true, date_end_of_month},
	{"extract", true, date_extract},
	{"format", true, date_format},
	{"isBetween", true, date_is_between},
	{"isDst", true, date_is_dst},
	{"isInLast", true, date_is_in_last},
	{"isWeekend", true, date_is_weekend},
	{"minus", true, date_minus},
	{"plus", true, date_plus},
	{"toBoolean", true, rr_method_undefined},
	{"toDateTime", true, date_to_date_time},
	{"toFloat", true, date_to_int},
	{"toInt", true, date_to_int},
	/* Luxon's DateTime */
	{"diff", false, dt_diff},
	{"diffNow", false, dt_diff_now},
	{"endOf", false, dt_end_of},
	{"equals", false, dt_equals},
	{"get", false, dt_get},
	{"hasSame", false, dt_has_same},
	{"reconfigure", false, dt_not_supported},
	{"set", false, dt_set},
	{"setLocale", false, dt_not_supported},
	{"setZone", false, dt_set_zone},
	{"startOf", false, dt_start_of},
	{"toFormat", false, dt_to_format},
	{"toHTTP", false, dt_to_http},
	{"toISO", false, dt_to_iso},
	{"toISODate", false, dt_to_iso_date},
	{"toISOTime", false, dt_to_iso_time},
	{"toISOWeekDate", false, dt_to_iso_week_date},
	{"toJSDate", false, dt_to_js_date},
	{"toLocal", false, dt_to_local},
	{"toMillis", false, dt_to_millis},
	{"toObject", false, dt_to_object},
	{"toRFC2822", false, dt_to_rfc2822},
	{"toSQL", false, dt_to_sql},
	{"toSQLDate", false, dt_to_sql_date},
	{"toSQLTime", false, dt_to_sql_time},
	{"toSeconds", false, dt_to_seconds},
	{"toUTC", false, dt_to_utc},
	{"toUnixInteger", false, dt_to_unix_integer},
	/* both, and Duration */
	{"toJSON", false, date_to_json},
	{"toLocaleString", false, date_to_locale_string},
	{"toString", false, date_to_string},
	{"valueOf", false, date_value_of},
	/* JavaScript's Date */
	{"getDate", false, jsdate_get_date},
	{"getDay", false, jsdate_get_day},
	{"getFullYear", false, jsdate_get_full_year},
	{"getHours", false, jsdate_get_hours},
	{"getMilliseconds", false, jsdate_get_milliseconds},
	{"getMinutes", false, jsdate_get_minutes},
	{"getMonth", false, jsdate_get_month},
	{"getSeconds", false, jsdate_get_seconds},
	{"getTime", false, jsdate_get_time},
	{"getTimezoneOffset", false, jsdate_get_timezone_offset},
	{"getUTCDate", false, jsdate_get_utc_date},
	{"getUTCDay", false, jsdate_get_utc_day},
	{"getUTCFullYear", false, jsdate_get_utc_full_year},
	{"getUTCHours", false, jsdate_get_utc_hours},
	{"getUTCMilliseconds", false, jsdate_get_utc_milliseconds},
	{"getUTCMinutes", false, jsdate_get_utc_minutes},
	{"getUTCMonth", false, jsdate_get_utc_month},
	{"getUTCSeconds", false, jsdate_get_utc_seconds},
	{"toDateString", false, jsdate_to_date_string},
	{"toISOString", false, jsdate_to_iso_string},
	{"toLocaleDateString", false, jsdate_to_locale_date_string},
	{"toLocaleTimeString", false, jsdate_to_locale_time_string},
	{"toTimeString", false, jsdate_to_time_string},
	{"toUTCString", false, jsdate_to_utc_string},
	{NULL, false, NULL}
};

const RrMethodImpl rr_duration_methods[] = {
	{"as", false, dur_as},
	{"equals", false, dt_equals},
	{"get", false, dt_get},
	{"minus", false, date_minus},
	{"negate", false, dur_negate},
	{"normalize", false, dur_normalize},
	{"plus", false, date_plus},
	{"shiftTo", false, dur_shift_to},
	{"toFormat", false, dur_to_format},
	{"toISO", false, dur_to_iso},
	{"toISOTime", false, dur_to_iso_time},
	{"toJSON", false, date_to_json},
	{"toMillis", false, dur_to_millis},
	{"toObject", false, dt_to_object},
	{"toString", false, date_to_string},
	{"valueOf", false, date_value_of},
	{NULL, false, NULL}
};

const RrFunctionImpl rr_date_functions[] = {
	{"DateTime", "fromFormat", 0, 3, fn_dt_from_format},
	{"DateTime", "fromHTTP", 0, 2, fn_dt_from_http},
	{"DateTime", "fromISO", 0, 2, fn_dt_from_iso},
	{"DateTime", "fromJSDate", 0, 2, fn_dt_from_js_date},
	{"DateTime", "fromMillis", 0, 2, fn_dt_from_millis},
	{"DateTime", "fromObject", 0, 2, fn_dt_from_object},
	{"DateTime", "fromRFC2822", 0, 2, fn_dt_from_rfc2822},
	{"DateTime", "fromSQL", 0, 2, fn_dt_from_sql},
	{"DateTime", "fromSeconds", 0, 2, fn_dt_from_seconds},
	{"DateTime", "isDateTime", 0, 1, fn_dt_is_date_time},
	{"DateTime", "local", 0, 8, fn_dt_local},
	{"DateTime", "max", 0, -1, fn_dt_max},
	{"DateTime", "min", 0, -1, fn_dt_min},
	{"DateTime", "now", 0, 0, fn_dt_now},
	{"DateTime", "utc", 0, 8, fn_dt_utc},
	{"Duration", "fromISO", 0, 2, fn_dur_from_iso},
	{"Duration", "fromMillis", 0, 2, fn_dur_from_millis},
	{"Duration", "fromObject", 0, 2, fn_dur_from_object},
	{"Duration", "isDuration", 0, 1, fn_dur_is_duration},
	{"Date", "UTC", 0, 7, fn_date_utc},
	{"Date", "now", 0, 0, fn_date_now},
	{"Date", "parse", 0, 1, fn_date_parse},
	{NULL, NULL, 0, 0, NULL}
};
