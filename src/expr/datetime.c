/*-------------------------------------------------------------------------
 *
 * datetime.c
 *		The model of dates for {{ }} expressions: zones on PostgreSQL's
 *		time zone code, a proleptic Gregorian calendar, Luxon's arithmetic
 *		(plus, set, startOf, diff, Duration's conversions), its output
 *		(toISO, toFormat's token table, English names) and its parsers
 *		(ISO 8601, SQL, HTTP, RFC 2822, fromFormat), and JavaScript's
 *		Date.parse and Date.prototype.toString.
 *
 * Luxon (moment/luxon, src/datetime.js, src/duration.js, src/impl/) is the
 * reference; the methods that call this are in builtins_date.c.  Every
 * computation is in closed form: no loop runs a number of times a user's
 * number decides, and a result beyond JavaScript's range of dates
 * (+-8.64e15 ms) is an invalid DateTime, as in Luxon, never an error.
 *
 * Nothing here depends on the C library's locale: names are English and
 * numbers are printed digit by digit.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "expr/datetime.h"
#include "utils/float.h"

#define MS_PER_DAY		86400000.0

static const char *const month_long[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};
static const char *const month_short[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec"
};

/* index 1 = Monday ... 7 = Sunday (Luxon's weekday) */
static const char *const weekday_long[] = {
	"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	"Sunday"
};
static const char *const weekday_short[] = {
	"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
};

const char *const rr_unit_names[RR_UNIT_COUNT] = {
	"years", "quarters", "months", "weeks", "days", "hours", "minutes",
	"seconds", "milliseconds"
};

const RrZone rr_zone_utc = {NULL, 0, "UTC"};

/*
 * Names of zones as ICU's English gives them, by the abbreviation
 * PostgreSQL's zone data uses: short (Luxon's ZZZZ, "" for "GMT+1") and
 * long (ZZZZZ, and Date.prototype.toString's parenthesis).
 */
static const struct
{
	const char *abbrev;
	const char *shortname;
	const char *longname;
}			zone_names[] = {
	{"EST", "EST", "Eastern Standard Time"},
	{"EDT", "EDT", "Eastern Daylight Time"},
	{"CST", "CST", "Central Standard Time"},
	{"CDT", "CDT", "Central Daylight Time"},
	{"MST", "MST", "Mountain Standard Time"},
	{"MDT", "MDT", "Mountain Daylight Time"},
	{"PST", "PST", "Pacific Standard Time"},
	{"PDT", "PDT", "Pacific Daylight Time"},
	{"AKST", "AKST", "Alaska Standard Time"},
	{"AKDT", "AKDT", "Alaska Daylight Time"},
	{"HST", "HST", "Hawaii-Aleutian Standard Time"},
	{"UTC", "UTC", "Coordinated Universal Time"},
	{"GMT", "", "Greenwich Mean Time"},
	{"BST", "", "British Summer Time"},
	{"CET", "", "Central European Standard Time"},
	{"CEST", "", "Central European Summer Time"},
	{"EET", "", "Eastern European Standard Time"},
	{"EEST", "", "Eastern European Summer Time"},
	{"WET", "", "Western European Standard Time"},
	{"WEST", "", "Western European Summer Time"},
	{"JST", "", "Japan Standard Time"}
};


/* ---------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------
 */

static inline double
floor_div(double a, double b)
{
	return floor(a / b);
}

static inline int64
floor_div64(int64 a, int64 b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* ECMA-262 TimeClip */
static double
time_clip(double t)
{
	if (!isfinite(t) || fabs(t) > RR_MAX_DATE_MS)
		return get_float8_nan();
	return trunc(t) + 0.0;
}

/* A number padded with zeros to width digits, sign first */
static void
append_padded(StringInfo out, double value, int width)
{
	char		buf[32];
	int			n = 0;
	uint64		v;

	if (value < 0)
		appendStringInfoChar(out, '-');
	v = (uint64) fabs(value);
	do
	{
		buf[n++] = '0' + (int) (v % 10);
		v /= 10;
	} while (v > 0 && n < (int) sizeof(buf));
	while (n < width)
	{
		appendStringInfoChar(out, '0');
		width--;
	}
	while (n > 0)
		appendStringInfoChar(out, buf[--n]);
}

static inline char
ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether len bytes at s are word, ASCII case aside */
static bool
word_is(const char *s, int len, const char *word)
{
	int			i;

	if ((int) strlen(word) != len)
		return false;
	for (i = 0; i < len; i++)
		if (ascii_lower(s[i]) != ascii_lower(word[i]))
			return false;
	return true;
}


/* ---------------------------------------------------------------------
 * Zones
 * ---------------------------------------------------------------------
 */

/* Luxon's formatOffset(offset, "narrow"): +5, +5:30 */
static void
append_narrow_offset(StringInfo out, int offset)
{
	int			minutes = abs(offset) / 60;

	appendStringInfoChar(out, offset >= 0 ? '+' : '-');
	appendStringInfo(out, "%d", minutes / 60);
	if (minutes % 60 > 0)
		appendStringInfo(out, ":%d", minutes % 60);
}

const RrZone *
rr_zone_fixed(int offset)
{
	RrZone	   *zone;
	StringInfoData name;

	if (offset == 0)
		return &rr_zone_utc;
	zone = palloc(sizeof(RrZone));
	zone->tz = NULL;
	zone->offset = offset;
	initStringInfo(&name);
	appendStringInfoString(&name, "UTC");
	append_narrow_offset(&name, offset);
	zone->name = name.data;
	return zone;
}

/* Luxon's FixedOffsetZone.parseSpecifier: utc+5, UTC-04:30 */
static bool
parse_utc_specifier(const char *s, int len, int *offset)
{
	int			i = 3;
	int			hours = 0;
	int			minutes = 0;
	int			n = 0;
	int			sign;

	if (len < 3 || !word_is(s, 3, "utc"))
		return false;
	if (len == 3)
	{
		*offset = 0;
		return true;
	}
	if (s[i] != '+' && s[i] != '-')
		return false;
	sign = s[i++] == '-' ? -1 : 1;
	while (i < len && is_digit(s[i]) && n < 2)
	{
		hours = hours * 10 + (s[i++] - '0');
		n++;
	}
	if (n == 0)
		return false;
	if (i < len)
	{
		if (s[i] != ':' || len - i != 3 || !is_digit(s[i + 1]) ||
			!is_digit(s[i + 2]))
			return false;
		minutes = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	}
	*offset = sign * (hours * 3600 + minutes * 60);
	return true;
}

/* A name that can be a database zone: letters, digits, _ + - / */
static bool
plausible_zone_name(const char *s, int len)
{
	int			i;

	if (len == 0 || len >= TZ_STRLEN_MAX || !is_alpha(s[0]))
		return false;
	for (i = 0; i < len; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '_' &&
			s[i] != '+' && s[i] != '-' && s[i] != '/')
			return false;
	return true;
}

/*
 * Luxon's normalizeZone for a string: "default", "local" and "system" are
 * the workflow's zone (local), "utc" and "gmt" UTC, "UTC+3" a fixed
 * offset, anything else a zone of PostgreSQL's database.  NULL when there
 * is no such zone.
 */
const RrZone *
rr_zone_named(const char *name, int len, const RrZone *local)
{
	int			offset;
	char		buf[TZ_STRLEN_MAX + 1];
	pg_tz	   *tz;
	RrZone	   *zone;

	if (word_is(name, len, "default") || word_is(name, len, "local") ||
		word_is(name, len, "system"))
		return local;
	if (word_is(name, len, "utc") || word_is(name, len, "gmt"))
		return &rr_zone_utc;
	if (parse_utc_specifier(name, len, &offset))
		return rr_zone_fixed(offset);
	if (!plausible_zone_name(name, len))
		return NULL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	tz = pg_tzset(buf);
	if (tz == NULL)
		return NULL;
	zone = palloc(sizeof(RrZone));
	zone->tz = tz;
	zone->offset = 0;
	zone->name = pnstrdup(name, len);
	return zone;
}

/*
 * Whether settings.timezone may be name: what rr_zone_named accepts but
 * "local" and "system" (the server's zone, which workflows do not see);
 * n8n's stored "DEFAULT" is the default, UTC
 */
bool
rr_timezone_valid(const char *name)
{
	int			len = strlen(name);

	if (word_is(name, len, "local") || word_is(name, len, "system"))
		return false;
	return rr_zone_named(name, len, &rr_zone_utc) != NULL;
}

/* The zone's offset from UTC at instant ms, in seconds */
int
rr_zone_offset(const RrZone *zone, double ms)
{
	pg_time_t	t;
	struct pg_tm *tm;

	if (zone->tz == NULL || isnan(ms))
		return zone->offset;
	t = (pg_time_t) floor(ms / 1000.0);
	tm = pg_localtime(&t, zone->tz);
	return tm != NULL ? (int) tm->tm_gmtoff : 0;
}

/* The abbreviation of the zone at instant ms ("EDT"), or NULL */
static const char *
zone_abbrev(const RrZone *zone, double ms)
{
	pg_time_t	t;
	struct pg_tm *tm;

	if (zone->tz == NULL)
		return zone->offset == 0 ? "UTC" : NULL;
	t = (pg_time_t) floor(ms / 1000.0);
	tm = pg_localtime(&t, zone->tz);
	return tm != NULL ? tm->tm_zone : NULL;
}

/*
 * The English name of the zone at ms: Luxon's ZZZZ (long false) or ZZZZZ
 * (luxon), or the one in parentheses of JavaScript's Date#toString.  A
 * fixed offset is named by its name in Luxon, long or not ("UTC",
 * "UTC+5"), and at length by Date#toString ("Coordinated Universal
 * Time").
 */
static void
append_zone_name(StringInfo out, const RrZone *zone, double ms, bool longname,
				 bool luxon)
{
	const char *abbrev = zone_abbrev(zone, ms);
	int			offset = rr_zone_offset(zone, ms);
	int			i;

	if (zone->tz == NULL && (luxon || !longname))
	{
		appendStringInfoString(out, zone->name);
		return;
	}
	if (abbrev != NULL)
	{
		for (i = 0; i < lengthof(zone_names); i++)
		{
			if (strcmp(zone_names[i].abbrev, abbrev) != 0)
				continue;
			if (longname)
			{
				appendStringInfoString(out, zone_names[i].longname);
				return;
			}
			if (zone_names[i].shortname[0] != '\0')
			{
				appendStringInfoString(out, zone_names[i].shortname);
				return;
			}
			break;
		}
	}
	/* ICU's fallback: GMT+1 (short), GMT+01:00 (long), GMT for 0 */
	appendStringInfoString(out, "GMT");
	if (offset != 0)
	{
		if (longname)
			rr_append_offset(out, offset, 's', false, NULL);
		else
			append_narrow_offset(out, offset);
	}
}


/* ---------------------------------------------------------------------
 * Calendar
 * ---------------------------------------------------------------------
 */

/* Days from 1970-01-01 to y-m-d (H. Hinnant's days_from_civil) */
static int64
days_from_civil(int64 y, int m, int d)
{
	int64		era;
	int64		yoe;
	int64		doy;
	int64		doe;

	y -= m <= 2;
	era = floor_div64(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64 z, int *year, int *month, int *day)
{
	int64		era;
	int64		doe;
	int64		yoe;
	int64		doy;
	int64		mp;
	int			m;

	z += 719468;
	era = floor_div64(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int) (doy - (153 * mp + 2) / 5 + 1);
	m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*month = m;
	*year = (int) (yoe + era * 400 + (m <= 2));
}

bool
rr_is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Luxon's daysInMonth: the month may overflow into other years */
int
rr_days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			m = (int) (floor_div64(month - 1, 12));
	int			y = year + m;

	month = month - 1 - m * 12;
	if (month == 1 && rr_is_leap_year(y))
		return 29;
	return days[month];
}

/*
 * Date.UTC with a 1-based month: fields may overflow (month 13 is January
 * of the next year, day 0 the last of the month before); NaN when a field
 * is not finite or the date is far beyond the range of dates.
 */
double
rr_make_time(double year, double month, double day, double hour,
			 double minute, double second, double ms)
{
	double		ym;
	double		mn;
	double		days;

	if (!isfinite(year) || !isfinite(month) || !isfinite(day) ||
		!isfinite(hour) || !isfinite(minute) || !isfinite(second) ||
		!isfinite(ms))
		return get_float8_nan();
	year = trunc(year);
	month = trunc(month);
	day = trunc(day);
	if (fabs(year) > 400000 || fabs(month) > 4800000 || fabs(day) > 2e8)
		return get_float8_nan();
	ym = year + floor_div(month - 1, 12);
	mn = month - 1 - floor_div(month - 1, 12) * 12;
	days = (double) days_from_civil((int64) ym, (int) mn + 1, 1) + day - 1;
	return days * MS_PER_DAY + trunc(hour) * 3600000.0 +
		trunc(minute) * 60000.0 + trunc(second) * 1000.0 + trunc(ms);
}

double
rr_civil_to_ms(const RrCivil *c)
{
	return rr_make_time(c->year, c->month, c->day, c->hour, c->minute,
						c->second, c->millisecond);
}

/* year, month, day, hour, minute, second, millisecond into f[0..6] */
void
rr_civil_fields(const RrCivil *c, double *f)
{
	f[0] = c->year;
	f[1] = c->month;
	f[2] = c->day;
	f[3] = c->hour;
	f[4] = c->minute;
	f[5] = c->second;
	f[6] = c->millisecond;
}

void
rr_civil_from_ms(double ms, RrCivil *c)
{
	double		days = floor(ms / MS_PER_DAY);
	int64		rem = (int64) (ms - days * MS_PER_DAY);

	civil_from_days((int64) days, &c->year, &c->month, &c->day);
	c->hour = (int) (rem / 3600000);
	c->minute = (int) (rem / 60000 % 60);
	c->second = (int) (rem / 1000 % 60);
	c->millisecond = (int) (rem % 1000);
}

/* ISO weekday (1 Monday .. 7 Sunday) of a local time */
int
rr_weekday(double local_ms)
{
	int64		days = (int64) floor(local_ms / MS_PER_DAY);
	int			wd = (int) (((days + 4) % 7 + 7) % 7);

	return wd == 0 ? 7 : wd;
}

int
rr_ordinal(const RrCivil *c)
{
	return (int) (days_from_civil(c->year, c->month, c->day) -
				  days_from_civil(c->year, 1, 1) + 1);
}

int
rr_weeks_in_week_year(int year)
{
	int64		p1 = (year + floor_div64(year, 4) - floor_div64(year, 100) +
					  floor_div64(year, 400)) % 7;
	int64		last = year - 1;
	int64		p2 = (last + floor_div64(last, 4) - floor_div64(last, 100) +
					  floor_div64(last, 400)) % 7;

	return (p1 == 4 || p1 == -3 || p2 == 3 || p2 == -4) ? 53 : 52;
}

void
rr_iso_week(const RrCivil *c, int *week_year, int *week)
{
	int			ordinal = rr_ordinal(c);
	int			weekday = rr_weekday((double) days_from_civil(c->year, c->month,
															  c->day) * MS_PER_DAY);
	int			w = (ordinal - weekday + 10) / 7;

	if (w < 1)
	{
		*week_year = c->year - 1;
		*week = rr_weeks_in_week_year(c->year - 1);
	}
	else if (w > rr_weeks_in_week_year(c->year))
	{
		*week_year = c->year + 1;
		*week = 1;
	}
	else
	{
		*week_year = c->year;
		*week = w;
	}
}

/* The local midnight (days from the epoch) of ISO week date y-Www-d */
static double
week_date_days(double week_year, double week, double weekday)
{
	int64		jan4 = days_from_civil((int64) week_year, 1, 4);
	int			jan4_weekday = rr_weekday((double) jan4 * MS_PER_DAY);

	return (double) (jan4 - (jan4_weekday - 1)) + (week - 1) * 7 + (weekday - 1);
}


/* ---------------------------------------------------------------------
 * Zone math
 * ---------------------------------------------------------------------
 */

/*
 * The instant of a wall-clock time in a zone.  A time that occurs twice
 * (when clocks go back) is the earlier instant; one that does not occur
 * (when clocks go forward) moves forward by the gap: 02:30 on a day New
 * York springs forward is 03:30 EDT.  Luxon guesses from the offset of
 * the current moment, so its answer for an ambiguous time depends on the
 * season it runs in; this one does not.
 */
double
rr_local_to_utc(const RrZone *zone, double local_ms)
{
	int			before;
	int			after;
	double		t_before;
	double		t_after;
	bool		ok_before;
	bool		ok_after;

	if (zone->tz == NULL || isnan(local_ms))
		return local_ms - zone->offset * 1000.0;
	before = rr_zone_offset(zone, local_ms - MS_PER_DAY);
	after = rr_zone_offset(zone, local_ms + MS_PER_DAY);
	t_before = local_ms - before * 1000.0;
	t_after = local_ms - after * 1000.0;
	ok_before = rr_zone_offset(zone, t_before) == before;
	ok_after = rr_zone_offset(zone, t_after) == after;
	if (ok_before && ok_after)
		return Min(t_before, t_after);
	if (ok_after)
		return t_after;
	return t_before;
}

/* Luxon's fixOffset: the instant of a local time, guessing an offset */
void
rr_fix_offset(const RrZone *zone, double local_ms, int guess, double *ms,
			  int *offset)
{
	double		utc = local_ms - guess * 1000.0;
	int			o2 = rr_zone_offset(zone, utc);
	int			o3;

	if (guess == o2)
	{
		*ms = utc;
		*offset = guess;
		return;
	}
	utc -= (o2 - guess) * 1000.0;
	o3 = rr_zone_offset(zone, utc);
	if (o2 == o3)
	{
		*ms = utc;
		*offset = o2;
		return;
	}
	*ms = local_ms - Min(o2, o3) * 1000.0;
	*offset = Max(o2, o3);
}


/* ---------------------------------------------------------------------
 * Values
 * ---------------------------------------------------------------------
 */

JsValue
rr_datetime(double ms, const RrZone *zone)
{
	JsDateTime *dt = palloc(sizeof(JsDateTime));
	JsValue		v;

	dt->ms = time_clip(ms);
	dt->zone = zone;
	dt->invalid = isnan(dt->ms) ? "invalid input" : NULL;
	dt->explanation = NULL;
	v.kind = JS_DATETIME;
	v.u.dt = dt;
	return v;
}

JsValue
rr_datetime_invalid(const char *reason, const char *explanation)
{
	JsValue		v = rr_datetime(get_float8_nan(), &rr_zone_utc);

	v.u.dt->invalid = reason;
	v.u.dt->explanation = explanation;
	return v;
}

JsValue
rr_date(double ms, const RrZone *zone)
{
	JsValue		v = rr_datetime(ms, zone);

	v.kind = JS_DATE;
	return v;
}

JsValue
rr_duration_value(const JsDuration *d)
{
	JsValue		v;

	v.kind = JS_DURATION;
	v.u.dur = unconstify(JsDuration *, d);
	return v;
}

void
rr_datetime_civil(const JsDateTime *dt, RrCivil *c, int *offset)
{
	int			o = rr_zone_offset(dt->zone, dt->ms);

	rr_civil_from_ms(dt->ms + o * 1000.0, c);
	if (offset)
		*offset = o;
}

/* Luxon's objToTS: false when the result is beyond the range of dates */
bool
rr_datetime_from_civil(const RrCivil *c, const RrZone *zone, int guess,
					   double *ms)
{
	int			offset;

	rr_fix_offset(zone, rr_civil_to_ms(c), guess, ms, &offset);
	*ms = time_clip(*ms);
	return !isnan(*ms);
}


/* ---------------------------------------------------------------------
 * DateTime operations
 * ---------------------------------------------------------------------
 */

/* Luxon's adjustTime: calendar units on the wall clock, the rest on time */
JsValue
rr_datetime_plus(const JsDateTime *dt, const JsDuration *d, int sign)
{
	RrCivil		c;
	int			offset;
	double		v[RR_UNIT_COUNT];
	double		year;
	double		month;
	double		day;
	double		ny;
	double		nm;
	double		local;
	double		ms;
	int			o;
	JsDuration	frac;
	int			u;
	JsValue		res;

	if (isnan(dt->ms))
		return rr_datetime_invalid(dt->invalid, dt->explanation);
	for (u = 0; u < RR_UNIT_COUNT; u++)
		v[u] = sign * d->v[u];
	rr_datetime_civil(dt, &c, &offset);
	year = c.year + trunc(v[RR_UNIT_YEARS]);
	month = c.month + trunc(v[RR_UNIT_MONTHS]) + trunc(v[RR_UNIT_QUARTERS]) * 3;
	if (!isfinite(year) || !isfinite(month) || fabs(year) > 400000 ||
		fabs(month) > 4800000)
		return rr_datetime_invalid("invalid input", NULL);
	ny = year + floor_div(month - 1, 12);
	nm = month - floor_div(month - 1, 12) * 12;
	if (fabs(ny) > 400000)
		return rr_datetime_invalid("invalid input", NULL);
	day = Min(c.day, rr_days_in_month((int) ny, (int) nm)) +
		trunc(v[RR_UNIT_DAYS]) + trunc(v[RR_UNIT_WEEKS]) * 7;

	/* the fractions of calendar units and the time units, in ms */
	memset(&frac, 0, sizeof(frac));
	for (u = 0; u < RR_UNIT_COUNT; u++)
		frac.v[u] = u <= RR_UNIT_DAYS ? v[u] - trunc(v[u]) : v[u];
	frac.present = (1 << RR_UNIT_COUNT) - 1;

	local = rr_make_time(ny, nm, day, c.hour, c.minute, c.second,
						 c.millisecond);
	if (isnan(local))
		return rr_datetime_invalid("invalid input", NULL);
	rr_fix_offset(dt->zone, local, offset, &ms, &o);
	ms += rr_duration_as(&frac, RR_UNIT_MILLISECONDS);
	res = rr_datetime(ms, dt->zone);
	return res;
}

/*
 * Luxon's set: fields are year, month, day, hour, minute, second,
 * millisecond, weekday, weekNumber, weekYear, ordinal (given[i] says which
 * are set).  The caller checked the combination (no week units with
 * year/month/day or ordinal, no ordinal with month/day).
 */
JsValue
rr_datetime_set(const JsDateTime *dt, const double *fields, const bool *given)
{
	RrCivil		c;
	int			offset;
	double		f[7];
	double		local;
	double		ms;
	int			o;
	int			i;

	if (isnan(dt->ms))
		return rr_datetime_invalid(dt->invalid, dt->explanation);
	for (i = 7; i < 11; i++)
		if (given[i] && (!isfinite(fields[i]) || fabs(fields[i]) > 1e7))
			return rr_datetime_invalid("invalid input", NULL);
	rr_datetime_civil(dt, &c, &offset);
	rr_civil_fields(&c, f);
	for (i = 3; i < 7; i++)
		if (given[i])
			f[i] = fields[i];
	if (given[7] || given[8] || given[9])
	{
		int			week_year;
		int			week;
		double		days;

		rr_iso_week(&c, &week_year, &week);
		days = week_date_days(given[9] ? fields[9] : week_year,
							  given[8] ? fields[8] : week,
							  given[7] ? fields[7] : rr_weekday(rr_civil_to_ms(&c)));
		if (!isfinite(days) || fabs(days) > 2e8)
			return rr_datetime_invalid("invalid input", NULL);
		local = days * MS_PER_DAY + f[3] * 3600000.0 + f[4] * 60000.0 +
			f[5] * 1000.0 + f[6];
	}
	else if (given[10])
	{
		double		year = given[0] ? fields[0] : c.year;

		if (!isfinite(year) || fabs(year) > 400000)
			return rr_datetime_invalid("invalid input", NULL);
		local = rr_make_time(year, 1, fields[10], f[3], f[4], f[5], f[6]);
	}
	else
	{
		for (i = 0; i < 3; i++)
			if (given[i])
				f[i] = fields[i];
		if (!given[2] && isfinite(f[0]) && isfinite(f[1]) &&
			fabs(f[0]) < 400000 && fabs(f[1]) < 4800000)
			f[2] = Min(rr_days_in_month((int) f[0], (int) f[1]), f[2]);
		local = rr_make_time(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
	}
	if (!isfinite(local))
		return rr_datetime_invalid("invalid input", NULL);
	rr_fix_offset(dt->zone, local, offset, &ms, &o);
	return rr_datetime(ms, dt->zone);
}

JsValue
rr_datetime_start_of(const JsDateTime *dt, RrUnit unit)
{
	RrCivil		c;
	double		fields[11] = {0};
	bool		given[11] = {0};

	if (isnan(dt->ms))
		return rr_datetime_invalid(dt->invalid, dt->explanation);
	switch (unit)
	{
		case RR_UNIT_YEARS:
			given[1] = true;
			fields[1] = 1;
			/* FALLTHROUGH */
		case RR_UNIT_QUARTERS:
		case RR_UNIT_MONTHS:
			given[2] = true;
			fields[2] = 1;
			/* FALLTHROUGH */
		case RR_UNIT_WEEKS:
		case RR_UNIT_DAYS:
			given[3] = true;
			/* FALLTHROUGH */
		case RR_UNIT_HOURS:
			given[4] = true;
			/* FALLTHROUGH */
		case RR_UNIT_MINUTES:
			given[5] = true;
			/* FALLTHROUGH */
		case RR_UNIT_SECONDS:
			given[6] = true;
			break;
		default:
			break;
	}
	if (unit == RR_UNIT_WEEKS)
	{
		given[7] = true;
		fields[7] = 1;
	}
	if (unit == RR_UNIT_QUARTERS)
	{
		rr_datetime_civil(dt, &c, NULL);
		given[1] = true;
		fields[1] = ((c.month - 1) / 3) * 3 + 1;
	}
	return rr_datetime_set(dt, fields, given);
}

/* Luxon's endOf: plus one unit, its start, less one millisecond */
JsValue
rr_datetime_end_of(const JsDateTime *dt, RrUnit unit)
{
	JsDuration	one;
	JsValue		next;

	memset(&one, 0, sizeof(one));
	one.v[unit] = 1;
	one.present = 1 << unit;
	next = rr_datetime_plus(dt, &one, 1);
	next = rr_datetime_start_of(next.u.dt, unit);
	memset(&one, 0, sizeof(one));
	one.v[RR_UNIT_MILLISECONDS] = 1;
	one.present = 1 << RR_UNIT_MILLISECONDS;
	return rr_datetime_plus(next.u.dt, &one, -1);
}

static bool
zones_equal(const RrZone *a, const RrZone *b)
{
	if (a == b)
		return true;
	if (a->tz == NULL || b->tz == NULL)
		return a->tz == NULL && b->tz == NULL && a->offset == b->offset;
	return strcmp(a->name, b->name) == 0;
}

JsValue
rr_datetime_set_zone(const JsDateTime *dt, const RrZone *zone,
					 bool keep_local_time)
{
	double		ms = dt->ms;

	if (isnan(dt->ms))
		return rr_datetime_invalid(dt->invalid, dt->explanation);
	if (keep_local_time && !zones_equal(zone, dt->zone))
	{
		RrCivil		c;
		int			o;

		rr_datetime_civil(dt, &c, NULL);
		rr_fix_offset(zone, rr_civil_to_ms(&c), rr_zone_offset(zone, dt->ms),
					  &ms, &o);
	}
	return rr_datetime(ms, zone);
}

/* Luxon's dayDiff: whole calendar days between the local dates */
static double
day_diff(const JsDateTime *earlier, const JsDateTime *later)
{
	RrCivil		a;
	RrCivil		b;

	rr_datetime_civil(earlier, &a, NULL);
	rr_datetime_civil(later, &b, NULL);
	return (double) (days_from_civil(b.year, b.month, b.day) -
					 days_from_civil(a.year, a.month, a.day));
}

static double
high_order_diff(RrUnit unit, const JsDateTime *a, const JsDateTime *b)
{
	RrCivil		ca;
	RrCivil		cb;
	double		days;

	rr_datetime_civil(a, &ca, NULL);
	rr_datetime_civil(b, &cb, NULL);
	switch (unit)
	{
		case RR_UNIT_YEARS:
			return cb.year - ca.year;
		case RR_UNIT_QUARTERS:
			return ((cb.month - 1) / 3 - (ca.month - 1) / 3) +
				(double) (cb.year - ca.year) * 4;
		case RR_UNIT_MONTHS:
			return cb.month - ca.month + (double) (cb.year - ca.year) * 12;
		case RR_UNIT_WEEKS:
			days = day_diff(a, b);
			return (days - fmod(days, 7)) / 7;
		default:
			return day_diff(a, b);
	}
}

/* Luxon's diff (src/impl/diff.js) of earlier <= later in units */
static JsDuration *
diff_ordered(const JsDateTime *earlier, const JsDateTime *later, uint16 units)
{
	JsDuration *r = rr_duration_new();
	JsDateTime	cursor = *earlier;
	double		high_water = 0;
	int			lowest = -1;
	int			u;
	double		remaining;
	uint16		lower = units & ((1 << RR_UNIT_HOURS) | (1 << RR_UNIT_MINUTES) |
								 (1 << RR_UNIT_SECONDS) |
								 (1 << RR_UNIT_MILLISECONDS));

	for (u = RR_UNIT_YEARS; u <= RR_UNIT_DAYS; u++)
	{
		JsValue		step;

		if (!(units & (1 << u)))
			continue;
		lowest = u;
		r->v[u] = high_order_diff(u, &cursor, later);
		r->present |= 1 << u;
		step = rr_datetime_plus(earlier, r, 1);
		high_water = step.u.dt->ms;
		if (high_water > later->ms)
		{
			r->v[u]--;
			cursor = *rr_datetime_plus(earlier, r, 1).u.dt;
			if (cursor.ms > later->ms)
			{
				high_water = cursor.ms;
				r->v[u]--;
				cursor = *rr_datetime_plus(earlier, r, 1).u.dt;
			}
		}
		else
			cursor = *step.u.dt;
	}
	remaining = later->ms - cursor.ms;
	if (lower == 0)
	{
		if (high_water < later->ms)
		{
			JsDuration	one;

			memset(&one, 0, sizeof(one));
			one.v[lowest] = 1;
			one.present = 1 << lowest;
			high_water = rr_datetime_plus(&cursor, &one, 1).u.dt->ms;
		}
		if (high_water != cursor.ms && !isnan(high_water))
			r->v[lowest] += remaining / (high_water - cursor.ms);
		return r;
	}
	else
	{
		JsDuration *rest = rr_duration_new();

		rest->v[RR_UNIT_MILLISECONDS] = remaining;
		rest->present = 1 << RR_UNIT_MILLISECONDS;
		rest = rr_duration_shift_to(rest, lower);
		return rr_duration_plus(rest, r, 1);
	}
}

/* a.diff(b, units): a - b, negative when b is later */
JsDuration *
rr_datetime_diff(const JsDateTime *a, const JsDateTime *b, uint16 units)
{
	bool		b_later;

	if (isnan(a->ms) || isnan(b->ms))
	{
		JsDuration *d = rr_duration_new();

		d->invalid = "created by diffing an invalid DateTime";
		return d;
	}
	b_later = b->ms > a->ms;
	if (b_later)
		return rr_duration_negate(diff_ordered(a, b, units));
	return diff_ordered(b, a, units);
}

/* Luxon's isInDST: the offset is above January's or May's */
bool
rr_datetime_is_dst(const JsDateTime *dt)
{
	double		fields[11] = {0};
	bool		given[11] = {0};
	int			offset;
	JsValue		other;

	if (dt->zone->tz == NULL || isnan(dt->ms))
		return false;
	offset = rr_zone_offset(dt->zone, dt->ms);
	given[1] = given[2] = true;
	fields[1] = 1;
	fields[2] = 1;
	other = rr_datetime_set(dt, fields, given);
	if (offset > rr_zone_offset(dt->zone, other.u.dt->ms))
		return true;
	given[2] = false;
	fields[1] = 5;
	other = rr_datetime_set(dt, fields, given);
	return offset > rr_zone_offset(dt->zone, other.u.dt->ms);
}

/* The getters of a DateTime, a Duration and an Interval (a Date has none) */
JsValue
rr_datetime_get(JsValue v, const char *name, int len)
{
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
	if (v.kind == JS_INTERVAL)
		return rr_interval_get(v.u.iv, name, len);
	if (v.kind == JS_DURATION)
	{
		const JsDuration *d = v.u.dur;
		int			u;

		for (u = 0; u < RR_UNIT_COUNT; u++)
			if ((int) strlen(rr_unit_names[u]) == len &&
				memcmp(rr_unit_names[u], name, len) == 0)
				return js_number(d->invalid ? get_float8_nan() : d->v[u] + 0.0);
		if (IS("isValid"))
			return js_bool(d->invalid == NULL);
		if (IS("invalidReason"))
			return d->invalid ? js_cstring(d->invalid) : js_null();
		return js_undefined();
	}
	if (v.kind == JS_DATETIME)
	{
		const JsDateTime *dt = v.u.dt;
		RrCivil		c;
		int			offset;
		int			week_year;
		int			week;
		StringInfoData buf;

		if (IS("isValid"))
			return js_bool(!isnan(dt->ms));
		if (IS("invalidReason"))
			return dt->invalid ? js_cstring(dt->invalid) : js_null();
		if (IS("invalidExplanation"))
			return dt->explanation ? js_cstring(dt->explanation) : js_null();
		if (IS("locale"))
			return isnan(dt->ms) ? js_null() : js_cstring("en-US");
		if (IS("outputCalendar"))
			return isnan(dt->ms) ? js_null() : js_cstring("gregory");
		if (IS("numberingSystem"))
			return isnan(dt->ms) ? js_null() : js_cstring("latn");
		if (IS("ts"))
			return js_number(dt->ms);
		if (isnan(dt->ms))
		{
			if (IS("zoneName") || IS("monthLong") || IS("monthShort") ||
				IS("weekdayLong") || IS("weekdayShort") ||
				IS("offsetNameShort") || IS("offsetNameLong"))
				return js_null();
			if (IS("isOffsetFixed") || IS("isInDST") ||
				IS("isInLeapYear") || IS("isWeekend"))
				return js_bool(false);
			if (IS("year") || IS("month") || IS("day") || IS("hour") ||
				IS("minute") || IS("second") || IS("millisecond") ||
				IS("weekday") || IS("weekNumber") || IS("weekYear") ||
				IS("ordinal") || IS("quarter") || IS("offset") ||
				IS("daysInMonth") || IS("daysInYear") ||
				IS("weeksInWeekYear"))
				return js_number(get_float8_nan());
			return js_undefined();
		}
		rr_datetime_civil(dt, &c, &offset);
		if (IS("year"))
			return js_number(c.year);
		if (IS("month"))
			return js_number(c.month);
		if (IS("day"))
			return js_number(c.day);
		if (IS("hour"))
			return js_number(c.hour);
		if (IS("minute"))
			return js_number(c.minute);
		if (IS("second"))
			return js_number(c.second);
		if (IS("millisecond"))
			return js_number(c.millisecond);
		if (IS("weekday"))
			return js_number(rr_weekday(rr_civil_to_ms(&c)));
		if (IS("isWeekend"))
			return js_bool(rr_weekday(rr_civil_to_ms(&c)) >= 6);
		if (IS("ordinal"))
			return js_number(rr_ordinal(&c));
		if (IS("quarter"))
			return js_number((c.month - 1) / 3 + 1);
		if (IS("weekNumber") || IS("weekYear") || IS("weeksInWeekYear"))
		{
			rr_iso_week(&c, &week_year, &week);
			if (IS("weekNumber"))
				return js_number(week);
			if (IS("weekYear"))
				return js_number(week_year);
			return js_number(rr_weeks_in_week_year(week_year));
		}
		if (IS("zoneName"))
			return js_cstring(dt->zone->name);
		if (IS("offset"))
			return js_number(offset / 60.0);
		if (IS("isOffsetFixed"))
			return js_bool(dt->zone->tz == NULL);
		if (IS("isInDST"))
			return js_bool(rr_datetime_is_dst(dt));
		if (IS("isInLeapYear"))
			return js_bool(rr_is_leap_year(c.year));
		if (IS("daysInMonth"))
			return js_number(rr_days_in_month(c.year, c.month));
		if (IS("daysInYear"))
			return js_number(rr_is_leap_year(c.year) ? 366 : 365);
		if (IS("monthLong"))
			return js_cstring(month_long[c.month - 1]);
		if (IS("monthShort"))
			return js_cstring(month_short[c.month - 1]);
		if (IS("weekdayLong"))
			return js_cstring(weekday_long[rr_weekday(rr_civil_to_ms(&c))]);
		if (IS("weekdayShort"))
			return js_cstring(weekday_short[rr_weekday(rr_civil_to_ms(&c))]);
		if (IS("offsetNameShort") || IS("offsetNameLong"))
		{
			initStringInfo(&buf);
			append_zone_name(&buf, dt->zone, dt->ms, IS("offsetNameLong"), true);
			return js_string(buf.data, buf.len);
		}
	}
	return js_undefined();
#undef IS
}


/* ---------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------
 */

/*
 * An offset in seconds: style 'n' +5 / +5:30, 's' +05:00, 't' +0500; "Z"
 * when allow_z and the zone is a fixed zero offset (Luxon's allowZ).
 */
void
rr_append_offset(StringInfo out, int offset, char style, bool allow_z,
				 const RrZone *zone)
{
	int			minutes = abs(offset) / 60;

	if (allow_z && zone != NULL && zone->tz == NULL && zone->offset == 0)
	{
		appendStringInfoChar(out, 'Z');
		return;
	}
	if (style == 'n')
	{
		append_narrow_offset(out, offset);
		return;
	}
	appendStringInfoChar(out, offset >= 0 ? '+' : '-');
	append_padded(out, minutes / 60, 2);
	if (style == 's')
		appendStringInfoChar(out, ':');
	append_padded(out, minutes % 60, 2);
}

/* Luxon's year in toISO: 4 digits, or a sign and 6 beyond 0..9999 */
static void
append_iso_year(StringInfo out, int year)
{
	if (year < 0 || year > 9999)
	{
		appendStringInfoChar(out, year < 0 ? '-' : '+');
		append_padded(out, abs(year), 6);
	}
	else
		append_padded(out, year, 4);
}

void
rr_datetime_append_iso(StringInfo out, const JsDateTime *dt, bool date,
					   bool time, bool offset, bool basic, bool suppress_ms,
					   bool suppress_seconds)
{
	RrCivil		c;
	int			o;

	rr_datetime_civil(dt, &c, &o);
	if (date)
	{
		append_iso_year(out, c.year);
		if (!basic)
			appendStringInfoChar(out, '-');
		append_padded(out, c.month, 2);
		if (!basic)
			appendStringInfoChar(out, '-');
		append_padded(out, c.day, 2);
	}
	if (date && time)
		appendStringInfoChar(out, 'T');
	if (time)
	{
		append_padded(out, c.hour, 2);
		if (!basic)
			appendStringInfoChar(out, ':');
		append_padded(out, c.minute, 2);
		if (!(suppress_seconds && c.second == 0 && c.millisecond == 0))
		{
			if (!basic)
				appendStringInfoChar(out, ':');
			append_padded(out, c.second, 2);
			if (!(suppress_ms && c.millisecond == 0))
			{
				appendStringInfoChar(out, '.');
				append_padded(out, c.millisecond, 3);
			}
		}
		if (offset)
			rr_append_offset(out, o, basic ? 't' : 's', true, dt->zone);
	}
}

/* JavaScript's Date.prototype.toISOString of a valid date */
void
rr_date_append_iso(StringInfo out, double ms)
{
	RrCivil		c;

	rr_civil_from_ms(ms, &c);
	append_iso_year(out, c.year);
	appendStringInfo(out, "-%02d-%02dT%02d:%02d:%02d.%03dZ", c.month, c.day,
					 c.hour, c.minute, c.second, c.millisecond);
}

/*
 * Date.prototype.toString (date and time), toDateString (date) and
 * toTimeString (time) in the Date's zone:
 * "Sat Mar 30 2024 14:49:00 GMT-0400 (Eastern Daylight Time)"
 */
void
rr_date_append_string(StringInfo out, const JsDateTime *dt, bool date,
					  bool time)
{
	RrCivil		c;
	int			o;

	if (isnan(dt->ms))
	{
		appendStringInfoString(out, "Invalid Date");
		return;
	}
	rr_datetime_civil(dt, &c, &o);
	if (date)
	{
		appendStringInfo(out, "%s %s %02d ",
						 weekday_short[rr_weekday(rr_civil_to_ms(&c))],
						 month_short[c.month - 1], c.day);
		if (c.year < 0)
		{
			appendStringInfoChar(out, '-');
			append_padded(out, -c.year, 6);
		}
		else
			append_padded(out, c.year, 4);
	}
	if (date && time)
		appendStringInfoChar(out, ' ');
	if (time)
	{
		appendStringInfo(out, "%02d:%02d:%02d GMT", c.hour, c.minute, c.second);
		rr_append_offset(out, o, 't', false, NULL);
		appendStringInfoString(out, " (");
		append_zone_name(out, dt->zone, dt->ms, true, false);
		appendStringInfoChar(out, ')');
	}
}

/* A number as JavaScript prints it (Number::toString) */
static void
append_js_number(StringInfo out, double d)
{
	js_append_number(out, d);
}

/* Luxon's Duration#toISO */
void
rr_duration_append_iso(StringInfo out, const JsDuration *d)
{
	const double *v = d->v;
	int			start = out->len;

	appendStringInfoChar(out, 'P');
	if (v[RR_UNIT_YEARS] != 0)
	{
		append_js_number(out, v[RR_UNIT_YEARS]);
		appendStringInfoChar(out, 'Y');
	}
	if (v[RR_UNIT_MONTHS] != 0 || v[RR_UNIT_QUARTERS] != 0)
	{
		append_js_number(out, v[RR_UNIT_MONTHS] + v[RR_UNIT_QUARTERS] * 3);
		appendStringInfoChar(out, 'M');
	}
	if (v[RR_UNIT_WEEKS] != 0)
	{
		append_js_number(out, v[RR_UNIT_WEEKS]);
		appendStringInfoChar(out, 'W');
	}
	if (v[RR_UNIT_DAYS] != 0)
	{
		append_js_number(out, v[RR_UNIT_DAYS]);
		appendStringInfoChar(out, 'D');
	}
	if (v[RR_UNIT_HOURS] != 0 || v[RR_UNIT_MINUTES] != 0 ||
		v[RR_UNIT_SECONDS] != 0 || v[RR_UNIT_MILLISECONDS] != 0)
		appendStringInfoChar(out, 'T');
	if (v[RR_UNIT_HOURS] != 0)
	{
		append_js_number(out, v[RR_UNIT_HOURS]);
		appendStringInfoChar(out, 'H');
	}
	if (v[RR_UNIT_MINUTES] != 0)
	{
		append_js_number(out, v[RR_UNIT_MINUTES]);
		appendStringInfoChar(out, 'M');
	}
	if (v[RR_UNIT_SECONDS] != 0 || v[RR_UNIT_MILLISECONDS] != 0)
	{
		/* roundTo(seconds + ms / 1000, 3), Math.round rounding up */
		double		s = v[RR_UNIT_SECONDS] + v[RR_UNIT_MILLISECONDS] / 1000;

		append_js_number(out, floor(s * 1000 + 0.5) / 1000);
		appendStringInfoChar(out, 'S');
	}
	if (out->len - start == 1)
		appendStringInfoString(out, "T0S");
}

/*
 * A date's text: ToString (json false: toISO, Date's toString, toISO) or
 * its JSON (toISO, toISOString, toISO).  False when the JSON is null (an
 * invalid value).
 */
bool
rr_date_append(StringInfo out, JsValue v, bool json)
{
	if (v.kind == JS_INTERVAL)
	{
		rr_interval_append(out, v.u.iv, json);
		return true;			/* its JSON is a string even when invalid */
	}
	if (v.kind == JS_DURATION)
	{
		if (v.u.dur->invalid)
		{
			if (!json)
				appendStringInfoString(out, "Invalid Duration");
			return false;
		}
		rr_duration_append_iso(out, v.u.dur);
		return true;
	}
	if (isnan(v.u.dt->ms))
	{
		if (!json)
			appendStringInfoString(out, v.kind == JS_DATE ? "Invalid Date" :
								   "Invalid DateTime");
		return false;
	}
	if (v.kind == JS_DATE)
	{
		if (json)
			rr_date_append_iso(out, v.u.dt->ms);
		else
			rr_date_append_string(out, v.u.dt, true, true);
		return true;
	}
	rr_datetime_append_iso(out, v.u.dt, true, true, true, false, false, false);
	return true;
}

/* Luxon's locale formats (macro tokens) in en-US */
static const char *
macro_format(const char *token, int len)
{
	static const struct
	{
		const char *token;
		const char *format;
	}			macros[] = {
		{"D", "M/d/yyyy"},
		{"DD", "LLL d, yyyy"},
		{"DDD", "LLLL d, yyyy"},
		{"DDDD", "EEEE, LLLL d, yyyy"},
		{"t", "h:mm\xE2\x80\xAF" "a"},
		{"tt", "h:mm:ss\xE2\x80\xAF" "a"},
		{"ttt", "h:mm:ss\xE2\x80\xAF" "a ZZZZ"},
		{"tttt", "h:mm:ss\xE2\x80\xAF" "a ZZZZZ"},
		{"T", "HH:mm"},
		{"TT", "HH:mm:ss"},
		{"TTT", "HH:mm:ss ZZZZ"},
		{"TTTT", "HH:mm:ss ZZZZZ"},
		{"f", "M/d/yyyy, h:mm\xE2\x80\xAF" "a"},
		{"ff", "LLL d, yyyy, h:mm\xE2\x80\xAF" "a"},
		{"fff", "LLLL d, yyyy 'at' h:mm\xE2\x80\xAF" "a ZZZZ"},
		{"ffff", "EEEE, LLLL d, yyyy 'at' h:mm\xE2\x80\xAF" "a ZZZZZ"},
		{"F", "M/d/yyyy, h:mm:ss\xE2\x80\xAF" "a"},
		{"FF", "LLL d, yyyy, h:mm:ss\xE2\x80\xAF" "a"},
		{"FFF", "LLLL d, yyyy 'at' h:mm:ss\xE2\x80\xAF" "a ZZZZ"},
		{"FFFF", "EEEE, LLLL d, yyyy 'at' h:mm:ss\xE2\x80\xAF" "a ZZZZZ"}
	};
	int			i;

	for (i = 0; i < lengthof(macros); i++)
		if ((int) strlen(macros[i].token) == len &&
			memcmp(macros[i].token, token, len) == 0)
			return macros[i].format;
	return NULL;
}

/* One token of toFormat; false when it is no token (printed as it is) */
static bool
format_token(StringInfo out, const JsDateTime *dt, const RrCivil *c,
			 int offset, const char *t, int n, bool allow_z)
{
	char		ch = t[0];
	int			weekday = rr_weekday(rr_civil_to_ms(c));
	int			h12 = c->hour % 12 == 0 ? 12 : c->hour % 12;
	int			week_year;
	int			week;

	switch (ch)
	{
		case 'S':
			if (n == 1)
				append_padded(out, c->millisecond, 1);
			else if (n == 3)
				append_padded(out, c->millisecond, 3);
			else
				return false;
			return true;
		case 'u':
			if (n == 1)
				append_padded(out, c->millisecond, 3);
			else if (n == 2)
				append_padded(out, c->millisecond / 10, 2);
			else if (n == 3)
				append_padded(out, c->millisecond / 100, 1);
			else
				return false;
			return true;
		case 's':
		case 'm':
		case 'H':
		case 'd':
		case 'M':
		case 'L':
		case 'W':
		case 'q':
			{
				int			value;

				if (ch == 'M' || ch == 'L')
				{
					if (n == 3 || n == 4 || n == 5)
					{
						appendStringInfoString(out, n == 3 ? month_short[c->month - 1] :
											   n == 4 ? month_long[c->month - 1] : "");
						if (n == 5)
							appendStringInfoChar(out, month_long[c->month - 1][0]);
						return true;
					}
				}
				if (n > 2)
					return false;
				rr_iso_week(c, &week_year, &week);
				value = ch == 's' ? c->second : ch == 'm' ? c->minute :
					ch == 'H' ? c->hour : ch == 'd' ? c->day :
					ch == 'W' ? week : ch == 'q' ? (c->month - 1) / 3 + 1 :
					c->month;
				append_padded(out, value, n);
				return true;
			}
		case 'h':
			if (n > 2)
				return false;
			append_padded(out, h12, n);
			return true;
		case 'Z':
			if (n == 1)
				rr_append_offset(out, offset, 'n', allow_z, dt->zone);
			else if (n == 2)
				rr_append_offset(out, offset, 's', allow_z, dt->zone);
			else if (n == 3)
				rr_append_offset(out, offset, 't', allow_z, dt->zone);
			else if (n == 4 || n == 5)
				append_zone_name(out, dt->zone, dt->ms, n == 5, true);
			else
				return false;
			return true;
		case 'z':
			if (n != 1)
				return false;
			appendStringInfoString(out, dt->zone->name);
			return true;
		case 'a':
			if (n != 1)
				return false;
			appendStringInfoString(out, c->hour < 12 ? "AM" : "PM");
			return true;
		case 'c':
		case 'E':
			if (n == 1)
				append_padded(out, weekday, 1);
			else if (n == 3)
				appendStringInfoString(out, weekday_short[weekday]);
			else if (n == 4)
				appendStringInfoString(out, weekday_long[weekday]);
			else if (n == 5)
				appendStringInfoChar(out, weekday_long[weekday][0]);
			else
				return false;
			return true;
		case 'y':
			if (n == 1)
				append_padded(out, c->year, 1);
			else if (n == 2)
				append_padded(out, abs(c->year) % 100, 2);
			else if (n == 4 || n == 6)
				append_padded(out, c->year, n);
			else
				return false;
			return true;
		case 'G':
			if (n == 1)
				appendStringInfoString(out, c->year > 0 ? "AD" : "BC");
			else if (n == 2)
				appendStringInfoString(out, c->year > 0 ? "Anno Domini" : "Before Christ");
			else if (n == 5)
				appendStringInfoString(out, c->year > 0 ? "A" : "B");
			else
				return false;
			return true;
		case 'k':
			rr_iso_week(c, &week_year, &week);
			if (n == 2)
				append_padded(out, abs(week_year) % 100, 2);
			else if (n == 4)
				append_padded(out, week_year, 4);
			else
				return false;
			return true;
		case 'o':
			if (n == 1 || n == 3)
				append_padded(out, rr_ordinal(c), n);
			else
				return false;
			return true;
		case 'X':
			if (n != 1)
				return false;
			append_js_number(out, floor(dt->ms / 1000));
			return true;
		case 'x':
			if (n != 1)
				return false;
			append_js_number(out, dt->ms);
			return true;
		default:
			return false;
	}
}

/*
 * Luxon's toFormat: runs of one letter are tokens, text in single quotes
 * is literal ('' is a quote), anything else is printed as it is.
 */
void
rr_datetime_format(StringInfo out, const JsDateTime *dt, const char *fmt,
				   int len, bool allow_z)
{
	RrCivil		c;
	int			offset;
	int			i = 0;

	if (isnan(dt->ms))
	{
		appendStringInfoString(out, "Invalid DateTime");
		return;
	}
	rr_datetime_civil(dt, &c, &offset);
	while (i < len)
	{
		int			j = i;

		if (fmt[i] == '\'')
		{
			j = i + 1;
			while (j < len && fmt[j] != '\'')
				j++;
			if (j == i + 1 && j < len)
				appendStringInfoChar(out, '\'');	/* '' */
			else
				appendBinaryStringInfo(out, fmt + i + 1, j - i - 1);
			i = j < len ? j + 1 : j;
			continue;
		}
		while (j < len && fmt[j] == fmt[i])
			j++;
		if (!format_token(out, dt, &c, offset, fmt + i, j - i, allow_z))
		{
			const char *macro = macro_format(fmt + i, j - i);

			if (macro != NULL)
				rr_datetime_format(out, dt, macro, strlen(macro), allow_z);
			else
				appendBinaryStringInfo(out, fmt + i, j - i);
		}
		i = j;
	}
}


/* ---------------------------------------------------------------------
 * Parsing
 * ---------------------------------------------------------------------
 */

typedef struct Scan
{
	const char *p;
	const char *end;
} Scan;

/* Between min and max digits into *value; false (nothing read) if fewer */
static bool
scan_digits(Scan *s, int min, int max, int *value)
{
	const char *p = s->p;
	int			v = 0;
	int			n = 0;

	while (p < s->end && n < max && is_digit(*p))
	{
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (n < min)
		return false;
	s->p = p;
	*value = v;
	return true;
}

static bool
scan_char(Scan *s, char c)
{
	if (s->p < s->end && *s->p == c)
	{
		s->p++;
		return true;
	}
	return false;
}

/* A name from names[first..count) (ASCII case aside) at s: its index */
static int
scan_name(Scan *s, const char *const *names, int first, int count)
{
	int			best = -1;
	int			bestlen = 0;
	int			i;

	for (i = first; i < count; i++)
	{
		int			n = strlen(names[i]);

		if (n > bestlen && s->end - s->p >= n && word_is(s->p, n, names[i]))
		{
			best = i;
			bestlen = n;
		}
	}
	if (best >= 0)
		s->p += bestlen;
	return best;
}

/* Fraction digits as milliseconds, truncated (Luxon's parseMillis) */
static bool
scan_fraction(Scan *s, int max, int *ms)
{
	const char *start = s->p;
	double		f = 0;
	double		scale = 100;

	while (s->p < s->end && is_digit(*s->p) && s->p - start < max)
	{
		f += (*s->p - '0') * scale;
		scale /= 10;
		s->p++;
	}
	if (s->p == start)
		return false;
	*ms = (int) floor(f + 1e-9);
	return true;
}

/* Luxon's offsetRegex: Z, +hh, +hhmm, +hh:mm */
static bool
scan_offset(Scan *s, RrParsed *p, bool allow_z)
{
	int			h;
	int			m = 0;
	int			sign;
	Scan		save = *s;

	if (allow_z && scan_char(s, 'Z'))
	{
		p->has_offset = true;
		p->offset = 0;
		return true;
	}
	if (s->p >= s->end || (*s->p != '+' && *s->p != '-'))
		return false;
	sign = *s->p++ == '-' ? -1 : 1;
	if (!scan_digits(s, 2, 2, &h))
	{
		*s = save;
		return false;
	}
	{
		Scan		before = *s;

		scan_char(s, ':');
		if (!scan_digits(s, 2, 2, &m))
			*s = before;
	}
	p->has_offset = true;
	p->offset = sign * (h * 3600 + m * 60);
	return true;
}

/* An IANA name inside [ ] or after a space: letters, digits, _ + - / */
static bool
scan_zone_name(Scan *s, RrParsed *p)
{
	const char *start = s->p;

	while (s->p < s->end && (is_alpha(*s->p) || is_digit(*s->p) ||
							 *s->p == '_' || *s->p == '+' || *s->p == '-' ||
							 *s->p == '/'))
		s->p++;
	if (s->p == start || !is_alpha(*start))
	{
		s->p = start;
		return false;
	}
	p->zone = rr_zone_named(start, s->p - start, NULL);
	if (p->zone == NULL)
	{
		s->p = start;
		return false;
	}
	return true;
}

/* Luxon's isoTimeBaseRegex: hh[:?mm[:?ss[.,fraction]]] */
static bool
scan_iso_time(Scan *s, RrParsed *p)
{
	if (!scan_digits(s, 2, 2, &p->c.hour))
		return false;
	{
		Scan		save = *s;

		scan_char(s, ':');
		if (!scan_digits(s, 2, 2, &p->c.minute))
		{
			*s = save;
			return true;
		}
	}
	{
		Scan		save = *s;

		scan_char(s, ':');
		if (!scan_digits(s, 2, 2, &p->c.second))
		{
			*s = save;
			return true;
		}
	}
	if (s->p < s->end && (*s->p == '.' || *s->p == ','))
	{
		Scan		save = *s;

		s->p++;
		if (!scan_fraction(s, 30, &p->c.millisecond))
			*s = save;
	}
	return true;
}

/* ISO time with its zone: time [offset] [\[IANA\]] */
static bool
scan_iso_time_zone(Scan *s, RrParsed *p)
{
	if (!scan_iso_time(s, p))
		return false;
	scan_offset(s, p, true);
	if (scan_char(s, '['))
	{
		if (!scan_zone_name(s, p) || !scan_char(s, ']'))
			return false;
	}
	return true;
}

/* After a date: [Tt time] and the end */
static bool
scan_time_extension(Scan *s, RrParsed *p)
{
	if (s->p < s->end && (*s->p == 'T' || *s->p == 't'))
	{
		s->p++;
		if (!scan_iso_time_zone(s, p))
			return false;
	}
	return s->p == s->end;
}

static void
parsed_init(RrParsed *p)
{
	memset(p, 0, sizeof(RrParsed));
	p->c.month = 1;
	p->c.day = 1;
	p->has_date = true;
}

/* Luxon's fromISO forms: y-m-d, week dates, ordinal dates, times */
bool
rr_parse_iso(const char *text, int len, RrParsed *p)
{
	Scan		s;
	int			year;
	int			sign = 1;

	/* calendar date: [+-]yyyyyy or yyyy, [-]mm, [-]dd */
	parsed_init(p);
	s.p = text;
	s.end = text + len;
	if (s.p < s.end && (*s.p == '+' || *s.p == '-'))
	{
		sign = *s.p++ == '-' ? -1 : 1;
		if (!scan_digits(&s, 6, 6, &year))
			return false;
		year *= sign;
	}
	else if (!scan_digits(&s, 4, 4, &year))
		goto time_only;
	p->c.year = year;
	{
		Scan		save = s;

		scan_char(&s, '-');
		if (scan_digits(&s, 2, 2, &p->c.month))
		{
			Scan		save2 = s;

			scan_char(&s, '-');
			if (!scan_digits(&s, 2, 2, &p->c.day))
				s = save2;
		}
		else
			s = save;
	}
	if (scan_time_extension(&s, p))
		return true;

	/* week date: yyyy[-]Www[[-]d] */
	parsed_init(p);
	s.p = text;
	if (scan_digits(&s, 4, 4, &p->week_year))
	{
		scan_char(&s, '-');
		if (scan_char(&s, 'W') && scan_digits(&s, 2, 2, &p->week))
		{
			Scan		save = s;

			scan_char(&s, '-');
			if (!scan_digits(&s, 1, 1, &p->weekday))
			{
				s = save;
				p->weekday = 1;
			}
			if (scan_time_extension(&s, p))
				return true;
		}
	}

	/* ordinal date: yyyy[-]ddd */
	parsed_init(p);
	s.p = text;
	if (scan_digits(&s, 4, 4, &p->c.year))
	{
		scan_char(&s, '-');
		if (scan_digits(&s, 3, 3, &p->ordinal) &&
			scan_time_extension(&s, p))
			return true;
	}

time_only:
	parsed_init(p);
	p->has_date = false;
	s.p = text;
	scan_char(&s, 'T');
	return scan_iso_time_zone(&s, p) && s.p == s.end;
}

/* Luxon's fromSQL: yyyy-mm-dd[ time[ ][offset|zone]] or the time alone */
bool
rr_parse_sql(const char *text, int len, RrParsed *p)
{
	Scan		s;

	parsed_init(p);
	s.p = text;
	s.end = text + len;
	if (scan_digits(&s, 4, 4, &p->c.year) && scan_char(&s, '-') &&
		scan_digits(&s, 2, 2, &p->c.month) && scan_char(&s, '-') &&
		scan_digits(&s, 2, 2, &p->c.day))
	{
		if (s.p == s.end)
			return true;
		if (!scan_char(&s, ' '))
			return false;
	}
	else
	{
		parsed_init(p);
		p->has_date = false;
		s.p = text;
	}
	if (!scan_iso_time(&s, p))
		return false;
	scan_char(&s, ' ');
	if (!scan_offset(&s, p, true))
		scan_zone_name(&s, p);
	return s.p == s.end;
}

static const char *const month_names_short[] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
	"nov", "dec"
};

/* A month's short English name (exact case as HTTP wants), 1..12 or 0 */
static int
scan_month_exact(Scan *s)
{
	int			i;

	if (s->end - s->p < 3)
		return 0;
	for (i = 0; i < 12; i++)
		if (memcmp(s->p, month_short[i], 3) == 0)
		{
			s->p += 3;
			return i + 1;
		}
	return 0;
}

static int
scan_weekday_exact(Scan *s, bool longname)
{
	int			i;

	for (i = 1; i <= 7; i++)
	{
		const char *name = longname ? weekday_long[i] : weekday_short[i];
		int			n = strlen(name);

		if (s->end - s->p >= n && memcmp(s->p, name, n) == 0)
		{
			s->p += n;
			return i;
		}
	}
	return 0;
}

/* Luxon's untruncateYear: 2-digit years above 60 are 19xx */
static int
untruncate_year(int year)
{
	return year > 60 ? 1900 + year : 2000 + year;
}

static bool
scan_hms(Scan *s, RrParsed *p)
{
	return scan_digits(s, 2, 2, &p->c.hour) && scan_char(s, ':') &&
		scan_digits(s, 2, 2, &p->c.minute) && scan_char(s, ':') &&
		scan_digits(s, 2, 2, &p->c.second);
}

static bool
scan_string(Scan *s, const char *lit)
{
	int			n = strlen(lit);

	if (s->end - s->p < n || memcmp(s->p, lit, n) != 0)
		return false;
	s->p += n;
	return true;
}

/* Luxon's fromHTTP: RFC 1123, RFC 850 and asctime, all in UTC */
bool
rr_parse_http(const char *text, int len, RrParsed *p)
{
	Scan		s;
	int			year;

	/* Sun, 06 Nov 1994 08:49:37 GMT */
	parsed_init(p);
	p->has_offset = true;
	s.p = text;
	s.end = text + len;
	if ((p->weekday = scan_weekday_exact(&s, false)) != 0 &&
		scan_string(&s, ", ") && scan_digits(&s, 2, 2, &p->c.day) &&
		scan_char(&s, ' ') && (p->c.month = scan_month_exact(&s)) != 0 &&
		scan_char(&s, ' ') && scan_digits(&s, 4, 4, &p->c.year) &&
		scan_char(&s, ' ') && scan_hms(&s, p) && scan_string(&s, " GMT") &&
		s.p == s.end)
		return true;

	/* Sunday, 06-Nov-94 08:49:37 GMT */
	parsed_init(p);
	p->has_offset = true;
	s.p = text;
	if ((p->weekday = scan_weekday_exact(&s, true)) != 0 &&
		scan_string(&s, ", ") && scan_digits(&s, 2, 2, &p->c.day) &&
		scan_char(&s, '-') && (p->c.month = scan_month_exact(&s)) != 0 &&
		scan_char(&s, '-') && scan_digits(&s, 2, 2, &year) &&
		scan_char(&s, ' ') && scan_hms(&s, p) && scan_string(&s, " GMT") &&
		s.p == s.end)
	{
		p->c.year = untruncate_year(year);
		return true;
	}

	/* Sun Nov  6 08:49:37 1994 */
	parsed_init(p);
	p->has_offset = true;
	s.p = text;
	if ((p->weekday = scan_weekday_exact(&s, false)) != 0 &&
		scan_char(&s, ' ') && (p->c.month = scan_month_exact(&s)) != 0 &&
		scan_char(&s, ' ') &&
		(scan_char(&s, ' ') ? scan_digits(&s, 1, 1, &p->c.day) :
		 scan_digits(&s, 2, 2, &p->c.day)) &&
		scan_char(&s, ' ') && scan_hms(&s, p) && scan_char(&s, ' ') &&
		scan_digits(&s, 4, 4, &p->c.year) && s.p == s.end)
		return true;
	return false;
}

/* Luxon's fromRFC2822 (comments and folding white space dropped first) */
bool
rr_parse_rfc2822(const char *text, int len, RrParsed *p)
{
	static const struct
	{
		const char *name;
		int			hours;
	}			obsolete[] = {
		{"UT", 0}, {"GMT", 0}, {"EDT", -4}, {"EST", -5}, {"CDT", -5},
		{"CST", -6}, {"MDT", -6}, {"MST", -7}, {"PDT", -7}, {"PST", -8}
	};
	StringInfoData clean;
	Scan		s;
	int			i;
	int			year;
	const char *yearstart;

	/* \([^()]*\) and tabs/newlines to spaces, runs of spaces to one, trim */
	initStringInfo(&clean);
	for (i = 0; i < len; i++)
	{
		char		c = text[i];

		if (c == '(')
		{
			int			j = i + 1;

			while (j < len && text[j] != '(' && text[j] != ')')
				j++;
			if (j < len && text[j] == ')')
			{
				c = ' ';
				i = j;
			}
		}
		if (c == '\n' || c == '\t')
			c = ' ';
		if (c == ' ' && (clean.len == 0 || clean.data[clean.len - 1] == ' '))
			continue;
		appendStringInfoChar(&clean, c);
	}
	while (clean.len > 0 && clean.data[clean.len - 1] == ' ')
		clean.len--;

	parsed_init(p);
	s.p = clean.data;
	s.end = clean.data + clean.len;
	{
		Scan		save = s;

		if ((p->weekday = scan_weekday_exact(&s, false)) == 0 ||
			!scan_string(&s, ", "))
		{
			s = save;
			p->weekday = 0;
		}
	}
	if (!scan_digits(&s, 1, 2, &p->c.day) || !scan_char(&s, ' ') ||
		(p->c.month = scan_month_exact(&s)) == 0 || !scan_char(&s, ' '))
		return false;
	yearstart = s.p;
	if (!scan_digits(&s, 2, 4, &year))
		return false;
	p->c.year = s.p - yearstart == 2 ? untruncate_year(year) : year;
	if (!scan_char(&s, ' ') || !scan_digits(&s, 2, 2, &p->c.hour) ||
		!scan_char(&s, ':') || !scan_digits(&s, 2, 2, &p->c.minute))
		return false;
	if (scan_char(&s, ':') && !scan_digits(&s, 2, 2, &p->c.second))
		return false;
	if (!scan_char(&s, ' '))
		return false;
	p->has_offset = true;
	for (i = 0; i < lengthof(obsolete); i++)
	{
		Scan		save = s;

		if (scan_string(&s, obsolete[i].name) && s.p == s.end)
		{
			p->offset = obsolete[i].hours * 3600;
			return true;
		}
		s = save;
	}
	if ((scan_char(&s, 'Z') || scan_char(&s, 'z')) && s.p == s.end)
	{
		p->offset = 0;
		return true;
	}
	if (s.p < s.end && (*s.p == '+' || *s.p == '-'))
	{
		int			sign = *s.p++ == '-' ? -1 : 1;
		int			h;
		int			m;

		if (scan_digits(&s, 2, 2, &h) && scan_digits(&s, 2, 2, &m) &&
			s.p == s.end)
		{
			p->offset = sign * (h * 3600 + m * 60);
			return true;
		}
	}
	return false;
}

/*
 * Luxon's fromFormat, for the tokens of its table that parse: y yy yyyy
 * yyyyy yyyyyy, M MM MMM MMMM (and L), d dd, o ooo, H HH h hh, m mm, s
 * ss, S SSS, u, a, E EEE EEEE (and c), Z ZZ ZZZ, z, X, x, W WW, kkkk;
 * quoted text and any other character match themselves (case aside).
 */
bool
rr_parse_format(const char *text, int len, const char *fmt, int fmtlen,
				RrParsed *p)
{
	static const char *const months_long_lc[] = {
		"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december"
	};
	static const char *const weekdays_short_lc[] = {
		"", "mon", "tue", "wed", "thu", "fri", "sat", "sun"
	};
	static const char *const weekdays_long_lc[] = {
		"", "monday", "tuesday", "wednesday", "thursday", "friday",
		"saturday", "sunday"
	};
	Scan		s;
	int			i = 0;

	parsed_init(p);
	p->has_date = false;
	s.p = text;
	s.end = text + len;
	while (i < fmtlen)
	{
		int			j = i;
		int			n;
		char		ch;
		int			v;

		if (fmt[i] == '\'')
		{
			j = i + 1;
			while (j < fmtlen && fmt[j] != '\'')
				j++;
			if (j == i + 1 && j < fmtlen)
			{
				if (!scan_char(&s, '\''))
					return false;
			}
			else if (s.end - s.p < j - i - 1 ||
					 !word_is(s.p, j - i - 1, pnstrdup(fmt + i + 1, j - i - 1)))
				return false;
			else
				s.p += j - i - 1;
			i = j < fmtlen ? j + 1 : j;
			continue;
		}
		while (j < fmtlen && fmt[j] == fmt[i])
			j++;
		n = j - i;
		ch = fmt[i];
		i = j;
		switch (ch)
		{
			case 'y':
				if (n == 2)
				{
					if (!scan_digits(&s, 2, 2, &v))
						return false;
					p->c.year = untruncate_year(v);
				}
				else if (!scan_digits(&s, n == 1 ? 1 : n == 5 ? 4 : n, n <= 1 ? 6 : n, &p->c.year))
					return false;
				p->has_date = true;
				continue;
			case 'M':
			case 'L':
				if (n == 3)
				{
					if ((v = scan_name(&s, month_names_short, 0, 12)) < 0)
						return false;
					p->c.month = v + 1;
				}
				else if (n == 4)
				{
					if ((v = scan_name(&s, months_long_lc, 0, 12)) < 0)
						return false;
					p->c.month = v + 1;
				}
				else if (!scan_digits(&s, n, 2, &p->c.month))
					return false;
				p->has_date = true;
				continue;
			case 'd':
				if (!scan_digits(&s, n, 2, &p->c.day))
					return false;
				p->has_date = true;
				continue;
			case 'o':
				if (!scan_digits(&s, n, 3, &p->ordinal))
					return false;
				p->has_date = true;
				continue;
			case 'H':
			case 'h':
				if (!scan_digits(&s, n, 2, &p->c.hour))
					return false;
				continue;
			case 'm':
				if (!scan_digits(&s, n, 2, &p->c.minute))
					return false;
				continue;
			case 's':
				if (!scan_digits(&s, n, 2, &p->c.second))
					return false;
				continue;
			case 'S':
				if (!scan_digits(&s, n, 3, &p->c.millisecond))
					return false;
				continue;
			case 'u':
				if (!scan_fraction(&s, 9, &p->c.millisecond))
					return false;
				continue;
			case 'a':
				if (s.end - s.p >= 2 && word_is(s.p, 2, "am"))
					p->pm = false;
				else if (s.end - s.p >= 2 && word_is(s.p, 2, "pm"))
					p->pm = true;
				else
					return false;
				s.p += 2;
				p->pm_set = true;
				continue;
			case 'E':
			case 'c':
				if (n == 3)
					v = scan_name(&s, weekdays_short_lc, 1, 8);
				else if (n == 4)
					v = scan_name(&s, weekdays_long_lc, 1, 8);
				else if (!scan_digits(&s, 1, 1, &v))
					v = -1;
				if (v < 1 || v > 7)
					return false;
				p->weekday = v;
				continue;
			case 'Z':
				{
					int			sign;
					int			h;
					int			m = 0;

					if (s.p >= s.end || (*s.p != '+' && *s.p != '-'))
						return false;
					sign = *s.p++ == '-' ? -1 : 1;
					if (!scan_digits(&s, 1, 2, &h))
						return false;
					if (n == 3)
						scan_digits(&s, 2, 2, &m);
					else if (scan_char(&s, ':') && !scan_digits(&s, 2, 2, &m))
						return false;
					p->has_offset = true;
					p->offset = sign * (h * 3600 + m * 60);
					continue;
				}
			case 'z':
				if (!scan_zone_name(&s, p))
					return false;
				continue;
			case 'X':
			case 'x':
				{
					const char *start = s.p;
					double		value = 0;
					bool		neg = scan_char(&s, '-');

					while (s.p < s.end && is_digit(*s.p) && s.p - start < 20)
						value = value * 10 + (*s.p++ - '0');
					if (s.p == start + neg)
						return false;
					p->has_ms_since_epoch = true;
					p->epoch_ms = (neg ? -value : value) * (ch == 'X' ? 1000 : 1);
					continue;
				}
			case 'W':
				if (!scan_digits(&s, n, 2, &p->week))
					return false;
				p->has_date = true;
				continue;
			case 'k':
				if (n != 4 || !scan_digits(&s, 4, 4, &p->week_year))
					return false;
				p->has_date = true;
				continue;
			default:
				/* anything else matches itself */
				if (s.end - s.p < n || !word_is(s.p, n, pnstrdup(fmt + i - n, n)))
					return false;
				s.p += n;
				continue;
		}
	}
	if (p->pm_set)
	{
		if (p->c.hour == 12 && !p->pm)
			p->c.hour = 0;
		else if (p->pm && p->c.hour != 12)
			p->c.hour += 12;
	}
	if (p->week > 0 && p->week_year == 0)
		p->week_year = p->c.year;
	return s.p == s.end;
}

/* ECMA-262's date time string format, strictly; false if not that form */
static bool
parse_es_iso(const char *text, int len, const RrZone *local, double *ms)
{
	Scan		s;
	RrParsed	p;
	int			year;
	bool		has_time = false;

	parsed_init(&p);
	s.p = text;
	s.end = text + len;
	if (s.p < s.end && (*s.p == '+' || *s.p == '-'))
	{
		int			sign = *s.p++ == '-' ? -1 : 1;

		if (!scan_digits(&s, 6, 6, &year) || (sign < 0 && year == 0))
			return false;
		year *= sign;
	}
	else if (!scan_digits(&s, 4, 4, &year))
		return false;
	p.c.year = year;
	if (scan_char(&s, '-'))
	{
		if (!scan_digits(&s, 2, 2, &p.c.month))
			return false;
		if (scan_char(&s, '-') && !scan_digits(&s, 2, 2, &p.c.day))
			return false;
	}
	if (s.p < s.end && (*s.p == 'T' || *s.p == 't'))
	{
		s.p++;
		has_time = true;
		if (!scan_digits(&s, 2, 2, &p.c.hour) || !scan_char(&s, ':') ||
			!scan_digits(&s, 2, 2, &p.c.minute))
			return false;
		if (scan_char(&s, ':'))
		{
			if (!scan_digits(&s, 2, 2, &p.c.second))
				return false;
			if (scan_char(&s, '.') && !scan_fraction(&s, 9, &p.c.millisecond))
				return false;
		}
		if (s.p < s.end && (*s.p == 'Z' || *s.p == 'z'))
		{
			s.p++;
			p.has_offset = true;
		}
		else if (s.p < s.end && (*s.p == '+' || *s.p == '-'))
		{
			int			sign = *s.p++ == '-' ? -1 : 1;
			int			h;
			int			m;

			if (!scan_digits(&s, 2, 2, &h) || !scan_char(&s, ':') ||
				!scan_digits(&s, 2, 2, &m))
				return false;
			p.has_offset = true;
			p.offset = sign * (h * 3600 + m * 60);
		}
	}
	if (s.p != s.end)
		return false;
	/* V8 takes any day up to 31: 2024-02-30 is March 1 */
	if (p.c.month < 1 || p.c.month > 12 || p.c.day < 1 || p.c.day > 31 ||
		p.c.hour > 24 ||
		p.c.minute > 59 || p.c.second > 59 ||
		(p.c.hour == 24 && (p.c.minute || p.c.second || p.c.millisecond)))
	{
		*ms = get_float8_nan();
		return true;
	}
	*ms = rr_civil_to_ms(&p.c);
	if (p.has_offset)
		*ms -= p.offset * 1000.0;
	else if (has_time)
		*ms = rr_local_to_utc(local, *ms);
	*ms = time_clip(*ms);
	return true;
}

/*
 * JavaScript's Date.parse: the ECMA-262 format, else the forms V8's
 * legacy parser takes that users write: "Mar 30 2024 14:49", "30 March
 * 2024", "3/30/2024 2:49 PM", "2024/03/30", "Sat, 30 Mar 2024 18:49:00
 * GMT", "... GMT+0200 (Central European Summer Time)", "2024-03-30
 * 18:49".  A time without a zone is in the workflow's zone (local).
 */
double
rr_date_parse(const char *text, int len, const RrZone *local)
{
	static const struct
	{
		const char *name;
		int			hours;
	}			zones[] = {
		{"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0},
		{"edt", -4}, {"est", -5}, {"cdt", -5}, {"cst", -6},
		{"mdt", -6}, {"mst", -7}, {"pdt", -7}, {"pst", -8}
	};
	static const char *const weekdays[] = {
		"mon", "tue", "wed", "thu", "fri", "sat", "sun"
	};
	double		ms;
	int			nums[3];
	int			numlen[3];
	int			nnums = 0;
	int			month = 0;
	int			hour = -1;
	int			minute = 0;
	int			second = 0;
	int			millis = 0;
	int			ampm = 0;
	bool		has_offset = false;
	int			offset = 0;
	bool		seen_number = false;
	Scan		s;
	int			year;
	int			day;

	if (parse_es_iso(text, len, local, &ms))
		return ms;

	s.p = text;
	s.end = text + len;
	while (s.p < s.end)
	{
		char		c = *s.p;

		if (c == '(')
		{
			int			depth = 0;

			while (s.p < s.end)
			{
				if (*s.p == '(')
					depth++;
				else if (*s.p == ')' && --depth == 0)
				{
					s.p++;
					break;
				}
				s.p++;
			}
			continue;
		}
		if (c == ' ' || c == ',' || c == '\t' || c == '\n')
		{
			s.p++;
			continue;
		}
		if (is_alpha(c))
		{
			const char *start = s.p;
			int			n;
			int			i;
			bool		known = false;

			while (s.p < s.end && is_alpha(*s.p))
				s.p++;
			n = s.p - start;
			if (n >= 3)
			{
				for (i = 0; i < 12; i++)
					if (word_is(start, 3, month_names_short[i]))
					{
						month = i + 1;
						known = true;
					}
				for (i = 0; i < 7 && !known; i++)
					if (word_is(start, 3, weekdays[i]))
						known = true;
			}
			if (!known && (word_is(start, n, "am") || word_is(start, n, "pm")))
			{
				ampm = ascii_lower(*start) == 'a' ? 1 : 2;
				known = true;
			}
			if (!known && word_is(start, n, "t") && s.p < s.end && is_digit(*s.p))
				known = true;
			for (i = 0; i < lengthof(zones) && !known; i++)
				if (word_is(start, n, zones[i].name))
				{
					has_offset = true;
					offset = zones[i].hours * 3600;
					known = true;
				}
			if (!known && seen_number)
				return get_float8_nan();
			continue;
		}
		if ((c == '+' || c == '-') && (has_offset || hour >= 0) &&
			s.p + 1 < s.end && is_digit(s.p[1]))
		{
			int			sign = c == '-' ? -1 : 1;
			const char *start;
			int			v;
			int			h;
			int			m = 0;

			s.p++;
			start = s.p;
			if (!scan_digits(&s, 1, 4, &v))
				return get_float8_nan();
			if (s.p - start > 2)
			{
				h = v / 100;
				m = v % 100;
			}
			else
			{
				h = v;
				if (scan_char(&s, ':') && !scan_digits(&s, 2, 2, &m))
					return get_float8_nan();
			}
			has_offset = true;
			offset = sign * (h * 3600 + m * 60);
			continue;
		}
		if (is_digit(c))
		{
			const char *start = s.p;
			int			v;

			if (!scan_digits(&s, 1, 9, &v))
				return get_float8_nan();
			seen_number = true;
			if (s.p < s.end && *s.p == ':' && hour < 0)
			{
				hour = v;
				s.p++;
				if (!scan_digits(&s, 1, 2, &minute))
					return get_float8_nan();
				if (scan_char(&s, ':'))
				{
					if (!scan_digits(&s, 1, 2, &second))
						return get_float8_nan();
					if (scan_char(&s, '.') && !scan_fraction(&s, 9, &millis))
						return get_float8_nan();
				}
				continue;
			}
			if (nnums == 3)
				return get_float8_nan();
			nums[nnums] = v;
			numlen[nnums++] = s.p - start;
			if (s.p < s.end && (*s.p == '/' || *s.p == '-' || *s.p == '.'))
				s.p++;
			continue;
		}
		return get_float8_nan();
	}

	/* the date: named month with day and year, or numbers m/d/y, y/m/d */
	if (month > 0)
	{
		if (nnums != 2)
			return get_float8_nan();
		if (numlen[0] >= 3 || nums[0] > 31)
		{
			year = nums[0];
			day = nums[1];
			numlen[0] = numlen[1] >= 3 ? numlen[0] : numlen[0];
		}
		else
		{
			day = nums[0];
			year = nums[1];
			numlen[0] = numlen[1];
		}
	}
	else
	{
		if (nnums != 3)
			return get_float8_nan();
		if (numlen[0] >= 3 || nums[0] > 31)
		{
			year = nums[0];
			month = nums[1];
			day = nums[2];
		}
		else
		{
			month = nums[0];
			day = nums[1];
			year = nums[2];
			numlen[0] = numlen[2];
		}
	}
	if (numlen[0] <= 2 && year < 100)
		year += year < 50 ? 2000 : 1900;
	if (hour < 0)
		hour = 0;
	if (ampm == 2 && hour < 12)
		hour += 12;
	else if (ampm == 1 && hour == 12)
		hour = 0;
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 ||
		minute > 59 || second > 59)
		return get_float8_nan();
	ms = rr_make_time(year, month, day, hour, minute, second, millis);
	if (has_offset)
		ms -= offset * 1000.0;
	else
		ms = rr_local_to_utc(local, ms);
	return time_clip(ms);
}

/* Luxon's unitOutOfRange explanation */
static JsValue
out_of_range(const char *unit, int value)
{
	return rr_datetime_invalid("unit out of range",
							   psprintf("you specified %d (of type number) as a %s, which is invalid",
										value, unit));
}

/*
 * The DateTime of what a parser found (Luxon's parseDataToDateTime and
 * fromObject): fields before the first one given come from now (in the
 * zone), those after it are their least; the ranges are checked (an
 * invalid DateTime, "unit out of range"), and so is a weekday given with a
 * date.  The text is read in its offset or zone, else in zone; the result
 * is in the text's zone when set_zone, else in zone.
 */
JsValue
rr_parsed_datetime(const RrParsed *parsed, const RrZone *zone, bool set_zone,
				   double now_ms)
{
	RrParsed	p = *parsed;
	const RrZone *interp = p.has_offset ? rr_zone_fixed(p.offset) :
		p.zone ? p.zone : zone;
	double		ms;
	if (p.has_ms_since_epoch)
		return rr_datetime(p.epoch_ms, set_zone ? interp : zone);
	if (!p.has_date)
	{
		RrCivil		now;

		rr_civil_from_ms(now_ms + rr_zone_offset(interp, now_ms) * 1000.0, &now);
		p.c.year = now.year;
		p.c.month = now.month;
		p.c.day = now.day;
	}
	if (p.week > 0 || p.week_year > 0)
	{
		RrCivil		c;

		if (p.week < 1 || p.week > rr_weeks_in_week_year(p.week_year))
			return out_of_range("week", p.week);
		if (p.weekday < 1 || p.weekday > 7)
			return out_of_range("weekday", p.weekday);
		rr_civil_from_ms(week_date_days(p.week_year, p.week, p.weekday) * MS_PER_DAY, &c);
		p.c.year = c.year;
		p.c.month = c.month;
		p.c.day = c.day;
		p.weekday = 0;
	}
	else if (p.ordinal > 0)
	{
		RrCivil		c;

		if (p.ordinal > (rr_is_leap_year(p.c.year) ? 366 : 365))
			return out_of_range("ordinal", p.ordinal);
		rr_civil_from_ms(rr_make_time(p.c.year, 1, p.ordinal, 0, 0, 0, 0), &c);
		p.c.month = c.month;
		p.c.day = c.day;
	}
	if (p.c.month < 1 || p.c.month > 12)
		return out_of_range("month", p.c.month);
	if (p.c.day < 1 || p.c.day > rr_days_in_month(p.c.year, p.c.month))
		return out_of_range("day", p.c.day);
	if (p.c.hour > 24 || (p.c.hour == 24 && (p.c.minute || p.c.second ||
											  p.c.millisecond)))
		return out_of_range("hour", p.c.hour);
	if (p.c.minute > 59)
		return out_of_range("minute", p.c.minute);
	if (p.c.second > 59)
		return out_of_range("second", p.c.second);
	if (p.weekday > 0 && rr_weekday(rr_civil_to_ms(&p.c)) != p.weekday)
		return rr_datetime_invalid("mismatched weekday",
								   psprintf("you can't specify both a weekday of %d and a date of %04d-%02d-%02d",
											p.weekday, p.c.year, p.c.month, p.c.day));
	ms = rr_civil_to_ms(&p.c);
	if (p.has_offset)
		ms -= p.offset * 1000.0;
	else
		ms = rr_local_to_utc(interp, ms);
	return rr_datetime(ms, set_zone ? interp : zone);
}


/* ---------------------------------------------------------------------
 * Durations
 * ---------------------------------------------------------------------
 */

/* Luxon's Duration.normalizeUnit: singular or plural, case aside */
int
rr_unit_lookup(const char *name, int len)
{
	int			u;

	for (u = 0; u < RR_UNIT_COUNT; u++)
	{
		int			n = strlen(rr_unit_names[u]);

		if ((len == n && word_is(name, len, rr_unit_names[u])) ||
			(len == n - 1 && word_is(name, len, pnstrdup(rr_unit_names[u], n - 1))))
			return u;
	}
	return -1;
}

JsDuration *
rr_duration_new(void)
{
	return palloc0(sizeof(JsDuration));
}

/* Luxon's casual conversion matrix: how many `to` in one `from` */
static double
matrix(int from, int to)
{
	static const double ms_per[RR_UNIT_COUNT] = {
		365 * MS_PER_DAY, 91 * MS_PER_DAY, 30 * MS_PER_DAY, 7 * MS_PER_DAY,
		MS_PER_DAY, 3600000, 60000, 1000, 1
	};

	if (from == RR_UNIT_YEARS && to == RR_UNIT_QUARTERS)
		return 4;
	if (from == RR_UNIT_YEARS && to == RR_UNIT_MONTHS)
		return 12;
	if (from == RR_UNIT_YEARS && to == RR_UNIT_WEEKS)
		return 52;
	if (from == RR_UNIT_QUARTERS && to == RR_UNIT_MONTHS)
		return 3;
	if (from == RR_UNIT_QUARTERS && to == RR_UNIT_WEEKS)
		return 13;
	if (from == RR_UNIT_MONTHS && to == RR_UNIT_WEEKS)
		return 4;
	return ms_per[from] / ms_per[to];
}

/* Luxon's durationToMillis */
double
rr_duration_to_millis(const JsDuration *d)
{
	double		sum;
	int			u;

	if (d->invalid)
		return get_float8_nan();
	sum = (d->present & (1 << RR_UNIT_MILLISECONDS)) ?
		d->v[RR_UNIT_MILLISECONDS] : 0;
	for (u = RR_UNIT_SECONDS; u >= RR_UNIT_YEARS; u--)
		if ((d->present & (1 << u)) && d->v[u] != 0)
			sum += d->v[u] * matrix(u, RR_UNIT_MILLISECONDS);
	return sum;
}

/* Luxon's normalizeValues (3.4+) */
static void
normalize_values(JsDuration *d)
{
	double		factor = rr_duration_to_millis(d) < 0 ? -1 : 1;
	int			previous = -1;
	int			u;

	for (u = RR_UNIT_MILLISECONDS; u >= RR_UNIT_YEARS; u--)
	{
		if (!(d->present & (1 << u)))
			continue;
		if (previous >= 0)
		{
			double		previous_val = d->v[previous] * factor;
			double		conv = matrix(u, previous);
			double		roll_up = floor(previous_val / conv);

			d->v[u] += roll_up * factor;
			d->v[previous] -= roll_up * conv * factor;
		}
		previous = u;
	}
	previous = -1;
	for (u = RR_UNIT_YEARS; u < RR_UNIT_COUNT; u++)
	{
		if (!(d->present & (1 << u)))
			continue;
		if (previous >= 0)
		{
			double		fraction = fmod(d->v[previous], 1);

			d->v[previous] -= fraction;
			d->v[u] += fraction * matrix(previous, u);
		}
		previous = u;
	}
}

/* Luxon's Duration#shiftTo */
JsDuration *
rr_duration_shift_to(const JsDuration *d, uint16 units)
{
	JsDuration *built = rr_duration_new();
	double		acc[RR_UNIT_COUNT] = {0};
	bool		has_acc[RR_UNIT_COUNT] = {0};
	int			last = -1;
	int			u;
	int			k;

	if (d->invalid)
	{
		*built = *d;
		return built;
	}
	for (u = 0; u < RR_UNIT_COUNT; u++)
	{
		if (units & (1 << u))
		{
			double		own = 0;
			double		i;

			last = u;
			for (k = 0; k < RR_UNIT_COUNT; k++)
				if (has_acc[k])
				{
					own += matrix(k, u) * acc[k];
					acc[k] = 0;
				}
			if (d->present & (1 << u))
				own += d->v[u];
			i = trunc(own);
			built->v[u] = i;
			built->present |= 1 << u;
			acc[u] = (own * 1000 - i * 1000) / 1000;
			has_acc[u] = true;
		}
		else if (d->present & (1 << u))
		{
			acc[u] = d->v[u];
			has_acc[u] = true;
		}
	}
	if (last < 0)
	{
		*built = *d;
		return built;
	}
	for (k = 0; k < RR_UNIT_COUNT; k++)
		if (has_acc[k] && acc[k] != 0)
			built->v[last] += k == last ? acc[k] : acc[k] / matrix(last, k);
	normalize_values(built);
	return built;
}

double
rr_duration_as(const JsDuration *d, RrUnit unit)
{
	if (d->invalid)
		return get_float8_nan();
	return rr_duration_shift_to(d, 1 << unit)->v[unit] + 0.0;
}

/* a + sign * b, the units either has (Luxon's Duration#plus) */
JsDuration *
rr_duration_plus(const JsDuration *a, const JsDuration *b, int sign)
{
	JsDuration *r = rr_duration_new();
	int			u;

	if (a->invalid || b->invalid)
	{
		r->invalid = a->invalid ? a->invalid : b->invalid;
		return r;
	}
	for (u = 0; u < RR_UNIT_COUNT; u++)
		if ((a->present | b->present) & (1 << u))
		{
			r->v[u] = sign * b->v[u] + a->v[u];
			r->present |= 1 << u;
		}
	return r;
}

JsDuration *
rr_duration_negate(const JsDuration *d)
{
	JsDuration *r = rr_duration_new();
	int			u;

	*r = *d;
	for (u = 0; u < RR_UNIT_COUNT; u++)
		r->v[u] = d->v[u] == 0 ? 0 : -d->v[u];
	return r;
}

/* Luxon's Duration.fromISO: [-]PnYnMnWnDTnHnMnS */
bool
rr_parse_iso_duration(const char *text, int len, JsDuration *d)
{
	static const char date_units[] = "YMWD";
	static const int date_map[] = {RR_UNIT_YEARS, RR_UNIT_MONTHS,
	RR_UNIT_WEEKS, RR_UNIT_DAYS};
	static const char time_units[] = "HMS";
	static const int time_map[] = {RR_UNIT_HOURS, RR_UNIT_MINUTES,
	RR_UNIT_SECONDS};
	const char *p = text;
	const char *end = text + len;
	bool		negative = false;
	bool		in_time = false;
	int			next = 0;
	bool		any = false;

	memset(d, 0, sizeof(JsDuration));
	if (p < end && *p == '-')
	{
		negative = true;
		p++;
	}
	if (p >= end || *p++ != 'P')
		return false;
	while (p < end)
	{
		const char *start;
		double		value = 0;
		double		scale = 1;
		bool		neg = false;
		const char *units = in_time ? time_units : date_units;
		const int  *map = in_time ? time_map : date_map;
		const char *found;
		int			digits = 0;

		if (*p == 'T' && !in_time)
		{
			in_time = true;
			next = 0;
			p++;
			continue;
		}
		if (*p == '-')
		{
			neg = true;
			p++;
		}
		start = p;
		while (p < end && is_digit(*p) && digits++ < 20)
			value = value * 10 + (*p++ - '0');
		if (p == start)
			return false;
		if (p < end && (*p == '.' || *p == ','))
		{
			p++;
			digits = 0;
			while (p < end && is_digit(*p) && digits++ < 20)
			{
				scale /= 10;
				value += (*p++ - '0') * scale;
			}
		}
		if (p >= end || (found = strchr(units, *p)) == NULL || *p == '\0' ||
			found - units < next)
			return false;
		next = found - units + 1;
		p++;
		if (in_time && map[found - units] == RR_UNIT_SECONDS)
		{
			double		whole = trunc(value);

			d->v[RR_UNIT_SECONDS] = (neg ? -1 : 1) * whole;
			d->v[RR_UNIT_MILLISECONDS] = (neg ? -1 : 1) *
				floor((value - whole) * 1000 + 1e-6);
			d->present |= (1 << RR_UNIT_SECONDS) | (1 << RR_UNIT_MILLISECONDS);
		}
		else
		{
			d->v[map[found - units]] = neg ? -value : value;
			d->present |= 1 << map[found - units];
		}
		any = true;
	}
	if (!any)
		return false;
	if (negative)
		*d = *rr_duration_negate(d);
	return true;
}

/*
 * n8n's tryToParseDateTime of a string (src/type-validation.ts): the text
 * trimmed, then the first of ISO 8601, HTTP, RFC 2822 and SQL that gives a
 * valid DateTime (with setZone: an offset in the text is kept), else
 * Date.parse in zone; an invalid DateTime when nothing parses.  Used by the
 * string method toDateTime() and by conditions of type dateTime.
 */
JsValue
rr_parse_any_datetime(const char *s, int len, const RrZone *zone,
					  double now_ms)
{
	static bool (*const parsers[]) (const char *, int, RrParsed *) = {
		rr_parse_iso, rr_parse_http, rr_parse_rfc2822, rr_parse_sql
	};
	int			i;

	while (len > 0 && js_is_space((unsigned char) *s))
	{
		s++;
		len--;
	}
	while (len > 0 && js_is_space((unsigned char) s[len - 1]))
		len--;
	for (i = 0; i < lengthof(parsers); i++)
	{
		RrParsed	p;
		JsValue		dt;

		if (!parsers[i] (s, len, &p))
			continue;
		dt = rr_parsed_datetime(&p, zone, true, now_ms);
		if (!isnan(dt.u.dt->ms))
			return dt;
	}
	return rr_datetime(rr_date_parse(s, len, zone), zone);
}
