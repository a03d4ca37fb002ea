/*-------------------------------------------------------------------------
 *
 * builtins_relative.c
 *		Luxon's English wordings of dates: DateTime#toRelative and
 *		#toRelativeCalendar ("in 3 days", "2 hours ago", "tomorrow"), Luxon's
 *		diffRelative over the DateTime model of datetime.c worded as
 *		Intl.RelativeTimeFormat words it (en-US, style "long"), and
 *		Duration#toHuman ("2 hours, 30 minutes"), as Intl.NumberFormat's
 *		long units and Intl.ListFormat word it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "expr/builtins_int.h"
#include "expr/datetime.h"

/* The options Luxon's diffRelative reads */
typedef struct RelativeOptions
{
	const JsDateTime *base;
	int			unit;			/* a single unit, or -1 */
	int			units[RR_UNIT_COUNT];	/* the units tried, largest first */
	int			nunits;
	bool		round;
	double		padding;
	bool		calendary;
} RelativeOptions;

static const char *const singular[RR_UNIT_COUNT] = {
	"year", "quarter", "month", "week", "day", "hour", "minute", "second",
	"millisecond"				/* not for RelativeTimeFormat: a RangeError */
};

/* Intl.RelativeTimeFormat('en', {numeric: 'auto'}) words for -1, 0, 1 */
static const char *
auto_word(int unit, double c)
{
	static const char *const days[] = {"yesterday", "today", "tomorrow"};
	static const char *const other[] = {"last %s", "this %s", "next %s"};
	static char buf[32];
	int			i = (int) c + 1;

	if (c != -1 && c != 0 && c != 1)
		return NULL;
	if (unit == RR_UNIT_DAYS)
		return days[i];
	if (unit >= RR_UNIT_HOURS)
		return c == 0 ? (unit == RR_UNIT_SECONDS ? "now" :
						 unit == RR_UNIT_MINUTES ? "this minute" : "this hour") :
			NULL;
	snprintf(buf, sizeof(buf), other[i], singular[unit]);
	return buf;
}

/*
 * n with at most 3 fraction digits, as Intl does, with en-US grouping
 * ("5,000") or without (Luxon's number formats turn it off: "5000")
 */
static void
append_en_number(StringInfo out, double n, bool grouping)
{
	char		digits[400];
	int			len;
	int			int_len = 0;
	int			i;

	if (signbit(n) && n != 0)
		appendStringInfoChar(out, '-');
	len = snprintf(digits, sizeof(digits), "%.3f", fabs(n));
	while (len > 0 && digits[len - 1] == '0')
		len--;
	if (len > 0 && digits[len - 1] == '.')
		len--;
	while (int_len < len && digits[int_len] != '.')
		int_len++;
	for (i = 0; i < len; i++)
	{
		if (grouping && i > 0 && i < int_len && (int_len - i) % 3 == 0)
			appendStringInfoChar(out, ',');
		appendStringInfoChar(out, digits[i]);
	}
}

/*
 * "2 hours": Intl.NumberFormat with style unit, unitDisplay long (as
 * Intl.RelativeTimeFormat writes it, grouping), or as Luxon's toHuman()
 * asks for it, without grouping
 */
static void
append_en_unit(StringInfo out, double n, int unit, bool grouping)
{
	append_en_number(out, n, grouping);
	appendStringInfo(out, " %s%s", singular[unit], fabs(n) == 1 ? "" : "s");
}

/* Intl.RelativeTimeFormat('en').format(c, unit), style long */
static JsValue
relative_text(int unit, double c, bool numeric_auto)
{
	StringInfoData out;
	double		n = fabs(c);
	const char *word;

	if (numeric_auto && (word = auto_word(unit, c)) != NULL)
		return js_cstring(word);
	initStringInfo(&out);
	if (!signbit(c))
		appendStringInfoString(&out, "in ");
	append_en_unit(&out, n, unit, true);
	if (signbit(c))
		appendStringInfoString(&out, " ago");
	return rr_string_from(&out);
}

/* The count of units from start to end (Luxon's differ) */
static double
differ(const JsDateTime *start, const JsDateTime *end, int unit,
	   bool calendary)
{
	if (calendary)
	{
		JsValue		adjusted = rr_datetime_set_zone(end, start->zone, true);
		double		first = rr_datetime_start_of(adjusted.u.dt, unit).u.dt->ms;
		double		last = rr_datetime_end_of(adjusted.u.dt, unit).u.dt->ms;

		if (first <= start->ms && start->ms <= last)
			return 0;			/* end.hasSame(start, unit) */
		return rr_datetime_diff(rr_datetime_start_of(end, unit).u.dt,
								rr_datetime_start_of(start, unit).u.dt,
								1 << unit)->v[unit];
	}
	return rr_datetime_diff(end, start, 1 << unit)->v[unit];
}

/* Luxon's diffRelative(start, end, opts) */
static JsValue
diff_relative(const JsDateTime *start, const JsDateTime *end,
			  const RelativeOptions *o)
{
	double		c = 0;
	int			unit = o->unit;
	int			i;

	if (unit < 0)
	{
		for (i = 0; i < o->nunits && unit < 0; i++)
		{
			c = differ(start, end, o->units[i], o->calendary);
			if (fabs(c) >= 1)
				unit = o->units[i];
		}
		if (unit < 0)
		{
			unit = o->units[o->nunits - 1];
			c = start->ms > end->ms ? -0.0 : 0.0;
		}
	}
	else
		c = differ(start, end, unit, o->calendary);
	if (unit == RR_UNIT_MILLISECONDS)
		return js_undefined();	/* caller throws */
	/* roundTo: trunc to 0 digits, or 2 digits with round: false */
	if (o->calendary)
		c = round(c);
	else if (o->round)
		c = trunc(c);
	else
		c = trunc(c * 100) / 100;
	return relative_text(unit, c, o->calendary);
}

/* Whether v is the string s */
static bool
is_string(JsValue v, const char *s)
{
	return v.kind == JS_STRING && LEN(v) == strlen(s) &&
		strncmp(STR(v), s, LEN(v)) == 0;
}

/*
 * The options both wordings refuse: a locale other than English (en,
 * en-US), and the option named style (style or unitDisplay) other than
 * "long"
 */
static void
check_english_long(JsValue opts, const char *style, const char *method)
{
	bool		type_error = false;
	JsValue		v = js_get_named(opts, "locale", 6, &type_error);

	if (v.kind != JS_UNDEFINED && !rr_is_english_tag(v))
		rr_builtin_not_supported(psprintf("%s in a locale other than en-US", method));
	v = js_get_named(opts, style, strlen(style), &type_error);
	if (v.kind != JS_UNDEFINED && !is_string(v, "long"))
		rr_builtin_not_supported(psprintf("%s with a %s other than \"long\"",
										  method, style));
}

/* Read the options object; false when an error was thrown */
static bool
read_options(RrExprEnv *env, JsValue opts, RelativeOptions *o)
{
	bool		type_error = false;
	JsValue		v;

	if (opts.kind == JS_UNDEFINED || opts.kind == JS_NULL)
		return true;
	v = js_get_named(opts, "base", 4, &type_error);
	if (v.kind == JS_DATETIME)
		o->base = v.u.dt;
	else if (v.kind != JS_UNDEFINED && v.kind != JS_NULL)
	{
		rr_expr_throw(env);		/* Luxon calls base's methods */
		return false;
	}
	check_english_long(opts, "style", "toRelative()");
	v = js_get_named(opts, "round", 5, &type_error);
	if (v.kind != JS_UNDEFINED)
		o->round = js_to_boolean(v);
	v = js_get_named(opts, "padding", 7, &type_error);
	if (js_to_boolean(v))
		o->padding = js_to_number(v);
	if (o->calendary)
	{
		v = js_get_named(opts, "unit", 4, &type_error);
		if (v.kind == JS_UNDEFINED)
			return true;
		if (v.kind != JS_STRING ||
			(o->unit = rr_unit_lookup(STR(v), LEN(v))) < 0)
		{
			rr_expr_throw(env);	/* Luxon's InvalidUnitError */
			return false;
		}
		return true;
	}
	v = js_get_named(opts, "unit", 4, &type_error);
	if (v.kind == JS_STRING)
	{
		if ((o->unit = rr_unit_lookup(STR(v), LEN(v))) < 0)
		{
			rr_expr_throw(env);
			return false;
		}
	}
	else if (v.kind == JS_ARRAY || v.kind == JS_JSONB)
	{
		double		n = js_to_number(js_get_named(v, "length", 6, &type_error));
		int			i;

		o->nunits = 0;
		for (i = 0; i < n && i < RR_UNIT_COUNT; i++)
		{
			JsValue		u = js_get_member(v, js_number(i), &type_error);
			int			unit = u.kind == JS_STRING ?
				rr_unit_lookup(STR(u), LEN(u)) : -1;

			if (unit < 0)
			{
				rr_expr_throw(env);
				return false;
			}
			o->units[o->nunits++] = unit;
		}
		if (o->nunits == 0)
		{
			rr_expr_throw(env);	/* units[-1] is undefined: a TypeError */
			return false;
		}
	}
	return true;
}

/* toRelative(options) and toRelativeCalendar(options) */
static JsValue
relative(RrExprEnv *env, JsValue self, JsValue opts, bool calendary)
{
	static const int relative_units[] = {
		RR_UNIT_YEARS, RR_UNIT_MONTHS, RR_UNIT_DAYS, RR_UNIT_HOURS,
		RR_UNIT_MINUTES, RR_UNIT_SECONDS
	};
	RelativeOptions o = {0};
	JsValue		base;
	JsValue		end = self;
	JsValue		result;
	int			i;

	if (self.kind != JS_DATETIME)
	{
		rr_expr_throw(env);		/* a Date has no such method */
		return js_undefined();
	}
	o.unit = -1;
	o.round = true;
	o.calendary = calendary;
	o.nunits = calendary ? 3 : lengthof(relative_units);
	for (i = 0; i < o.nunits; i++)
		o.units[i] = relative_units[i];
	if (!read_options(env, opts, &o))
		return js_undefined();
	if (isnan(self.u.dt->ms))
		return js_null();
	base = o.base ? rr_datetime(o.base->ms, o.base->zone) :
		rr_datetime(rr_expr_env_now(env), self.u.dt->zone);
	if (isnan(base.u.dt->ms))
		return js_null();
	if (o.padding != 0 && !calendary)
		end = rr_datetime(self.u.dt->ms +
						  (self.u.dt->ms < base.u.dt->ms ? -o.padding : o.padding),
						  self.u.dt->zone);
	result = diff_relative(base.u.dt, end.u.dt, &o);
	if (result.kind == JS_UNDEFINED)
		rr_expr_throw(env);		/* Intl's RangeError: milliseconds */
	return result;
}

static JsValue
dt_to_relative(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return relative(env, self, rr_arg(nargs, args, 0), false);
}

static JsValue
dt_to_relative_calendar(RrExprEnv *env, JsValue self, int nargs,
						const JsValue *args)
{
	return relative(env, self, rr_arg(nargs, args, 0), true);
}

/*
 * Duration#toHuman(opts): each unit the Duration was given (zeros too,
 * unless showZeros is false), joined by Intl.ListFormat's conjunction:
 * listStyle "narrow" (the default, "a, b, c"), "short" ("a, b, & c") or
 * "long" ("a, b, and c")
 */
static JsValue
dur_to_human(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		opts = rr_arg(nargs, args, 0);
	const JsDuration *d = self.u.dur;
	bool		type_error = false;
	bool		show_zeros = true;
	char		style = 'n';
	StringInfoData out;
	int			count = 0;
	int			total = 0;
	int			u;

	if (self.kind != JS_DURATION)
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	if (opts.kind != JS_UNDEFINED && opts.kind != JS_NULL)
	{
		JsValue		v = js_get_named(opts, "listStyle", 9, &type_error);

		if (is_string(v, "long"))
			style = 'l';
		else if (is_string(v, "short"))
			style = 's';
		else if (v.kind != JS_UNDEFINED && !is_string(v, "narrow"))
		{
			rr_expr_throw(env);	/* Intl's RangeError */
			return js_undefined();
		}
		check_english_long(opts, "unitDisplay", "toHuman()");
		v = js_get_named(opts, "showZeros", 9, &type_error);
		show_zeros = !(v.kind == JS_BOOL && !v.u.b);
	}
	if (d->invalid)
		return js_cstring("Invalid Duration");
	for (u = 0; u < RR_UNIT_COUNT; u++)
		if ((d->present & (1 << u)) && (show_zeros || d->v[u] != 0))
			total++;
	initStringInfo(&out);
	for (u = 0; u < RR_UNIT_COUNT; u++)
	{
		if (!(d->present & (1 << u)) || (!show_zeros && d->v[u] == 0))
			continue;
		if (count > 0)
		{
			bool		last = count == total - 1;

			if (style == 'n' || (!last && total > 2))
				appendStringInfoString(&out, ", ");
			else if (total == 2)
				appendStringInfoString(&out, style == 'l' ? " and " : " & ");
			else
				appendStringInfoString(&out, style == 'l' ? ", and " : ", & ");
		}
		append_en_unit(&out, d->v[u], u, false);
		count++;
	}
	return rr_string_from(&out);
}

const RrMethodImpl rr_date_relative_methods[] = {
	{"toRelative", false, dt_to_relative},
	{"toRelativeCalendar", false, dt_to_relative_calendar},
	{NULL}
};

const RrMethodImpl rr_duration_human_methods[] = {
	{"toHuman", false, dur_to_human},
	{NULL}
};
