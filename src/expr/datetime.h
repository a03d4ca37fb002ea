/*-------------------------------------------------------------------------
 *
 * datetime.h
 *		The dates of {{ }} expressions (src/expr/PLAN.md 2.8): Luxon's
 *		DateTime and Duration and JavaScript's Date, as datetime.c models
 *		them on PostgreSQL's time zone code.
 *
 * A DateTime is an instant (epoch milliseconds, as Luxon) and a zone: a
 * time zone of PostgreSQL's database (pg_tz) or a fixed offset.  Wall-clock
 * fields come from the instant and the zone's offset at that instant; the
 * way back, from a wall-clock time to an instant, follows Luxon.  A Date is
 * the same pair, its zone being the workflow's (what JavaScript calls local
 * time).  A Duration keeps the units it was given.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_DATETIME_H
#define RR_DATETIME_H

#include "expr/js_value.h"
#include "pgtime.h"

/* The largest distance from the epoch of a valid date (ECMA-262 21.4.1.1) */
#define RR_MAX_DATE_MS	8.64e15

/* A zone: a database time zone, or a fixed offset (tz NULL) */
typedef struct RrZone
{
	pg_tz	   *tz;
	int			offset;			/* fixed zones: seconds east of UTC */
	const char *name;			/* Luxon's zoneName: "Europe/Oslo", "UTC",
								 * "UTC+5:30" */
} RrZone;

/* JS_DATETIME and JS_DATE */
struct JsDateTime
{
	double		ms;				/* epoch milliseconds, integral; NaN when
								 * invalid */
	const RrZone *zone;
	const char *invalid;		/* Luxon's invalidReason, or NULL */
	const char *explanation;	/* Luxon's invalidExplanation, or NULL */
};

/* The units of a Duration, in Luxon's order (orderedUnits) */
typedef enum RrUnit
{
	RR_UNIT_YEARS,
	RR_UNIT_QUARTERS,
	RR_UNIT_MONTHS,
	RR_UNIT_WEEKS,
	RR_UNIT_DAYS,
	RR_UNIT_HOURS,
	RR_UNIT_MINUTES,
	RR_UNIT_SECONDS,
	RR_UNIT_MILLISECONDS,
	RR_UNIT_COUNT
} RrUnit;

/* JS_DURATION */
struct JsDuration
{
	double		v[RR_UNIT_COUNT];
	uint16		present;		/* bit u: unit u was given */
	const char *invalid;		/* invalidReason, or NULL */
};

/* Wall-clock fields (a proleptic Gregorian calendar) */
typedef struct RrCivil
{
	int			year;
	int			month;			/* 1..12 */
	int			day;
	int			hour;
	int			minute;
	int			second;
	int			millisecond;
} RrCivil;

/* What a parser found in a text */
typedef struct RrParsed
{
	RrCivil		c;
	bool		has_date;		/* else today's date (time-only forms) */
	bool		has_offset;		/* offset (seconds) applies */
	int			offset;
	const RrZone *zone;			/* a zone named in the text, or NULL */
	int			weekday;		/* 1..7 to check against the date, or 0 */
	int			week_year;		/* an ISO week date: year, week, day */
	int			week;
	int			ordinal;		/* an ordinal date: day of the year */
	bool		pm_set;			/* fromFormat: meridiem given */
	bool		pm;
	bool		has_ms_since_epoch; /* fromFormat X / x */
	double		epoch_ms;
} RrParsed;

/* Zones */
extern const RrZone rr_zone_utc;
extern const RrZone *rr_zone_fixed(int offset);
extern const RrZone *rr_zone_named(const char *name, int len,
								   const RrZone *local);
extern int	rr_zone_offset(const RrZone *zone, double ms);
extern bool rr_timezone_valid(const char *name);

/* Calendar */
extern int	rr_days_in_month(int year, int month);
extern bool rr_is_leap_year(int year);
extern double rr_make_time(double year, double month, double day,
						   double hour, double minute, double second,
						   double ms);
extern void rr_civil_from_ms(double ms, RrCivil *c);
extern void rr_civil_fields(const RrCivil *c, double *f);
extern double rr_civil_to_ms(const RrCivil *c);
extern int	rr_weekday(double local_ms);
extern void rr_iso_week(const RrCivil *c, int *week_year, int *week);
extern int	rr_ordinal(const RrCivil *c);
extern int	rr_weeks_in_week_year(int year);

/* Zone math */
extern double rr_local_to_utc(const RrZone *zone, double local_ms);
extern void rr_fix_offset(const RrZone *zone, double local_ms, int guess,
						  double *ms, int *offset);

/* Values */
extern JsValue rr_datetime(double ms, const RrZone *zone);
extern JsValue rr_datetime_invalid(const char *reason,
								   const char *explanation);
extern JsValue rr_date(double ms, const RrZone *zone);
extern JsValue rr_duration_value(const JsDuration *d);
extern void rr_datetime_civil(const JsDateTime *dt, RrCivil *c, int *offset);
extern bool rr_datetime_from_civil(const RrCivil *c, const RrZone *zone,
								   int guess, double *ms);

/* JS_INTERVAL: Luxon's Interval, [start, end) (builtins_interval.c) */
struct JsInterval
{
	const JsDateTime *start;
	const JsDateTime *end;
	const char *invalid;		/* invalidReason, or NULL */
};

extern JsValue rr_interval_value(const JsDateTime *start, const JsDateTime *end);
extern void rr_interval_append(StringInfo out, const JsInterval *iv, bool json);
extern JsValue rr_interval_get(const JsInterval *iv, const char *name, int len);
extern bool rr_interval_same(const JsInterval *a, const JsInterval *b);

/* DateTime operations */
extern JsValue rr_datetime_plus(const JsDateTime *dt, const JsDuration *d,
								int sign);
extern JsValue rr_datetime_set(const JsDateTime *dt, const double *fields,
							   const bool *given);
extern JsValue rr_datetime_start_of(const JsDateTime *dt, RrUnit unit);
extern JsValue rr_datetime_end_of(const JsDateTime *dt, RrUnit unit);
extern JsValue rr_datetime_set_zone(const JsDateTime *dt, const RrZone *zone,
									bool keep_local_time);
extern JsDuration *rr_datetime_diff(const JsDateTime *a, const JsDateTime *b,
									uint16 units);
extern bool rr_datetime_is_dst(const JsDateTime *dt);
extern JsValue rr_datetime_get(JsValue dt, const char *name, int len);

/* Output */
extern void rr_datetime_append_iso(StringInfo out, const JsDateTime *dt,
								   bool date, bool time, bool offset,
								   bool basic, bool suppress_ms,
								   bool suppress_seconds);
extern void rr_datetime_format(StringInfo out, const JsDateTime *dt,
							   const char *fmt, int len, bool allow_z);
extern void rr_append_offset(StringInfo out, int offset, char style,
							 bool allow_z, const RrZone *zone);
extern void rr_date_append_string(StringInfo out, const JsDateTime *dt,
								  bool date, bool time);
extern void rr_date_append_iso(StringInfo out, double ms);
extern void rr_duration_append_iso(StringInfo out, const JsDuration *d);
extern bool rr_date_append(StringInfo out, JsValue v, bool json);

/* Parsing: true when the whole text is in that form */
extern bool rr_parse_iso(const char *s, int len, RrParsed *p);
extern bool rr_parse_sql(const char *s, int len, RrParsed *p);
extern bool rr_parse_http(const char *s, int len, RrParsed *p);
extern bool rr_parse_rfc2822(const char *s, int len, RrParsed *p);
extern bool rr_parse_format(const char *s, int len, const char *fmt,
							int fmtlen, RrParsed *p);
extern double rr_date_parse(const char *s, int len, const RrZone *local);
extern JsValue rr_parsed_datetime(const RrParsed *p, const RrZone *zone,
								  bool set_zone, double now_ms);
extern JsValue rr_parse_any_datetime(const char *s, int len,
									 const RrZone *zone, double now_ms);

/* Durations */
extern int	rr_unit_lookup(const char *name, int len);
extern JsDuration *rr_duration_new(void);
extern double rr_duration_as(const JsDuration *d, RrUnit unit);
extern double rr_duration_to_millis(const JsDuration *d);
extern JsDuration *rr_duration_shift_to(const JsDuration *d, uint16 units);
extern JsDuration *rr_duration_plus(const JsDuration *a, const JsDuration *b,
									int sign);
extern JsDuration *rr_duration_negate(const JsDuration *d);
extern bool rr_parse_iso_duration(const char *s, int len, JsDuration *d);

extern const char *const rr_unit_names[RR_UNIT_COUNT];

#endif							/* RR_DATETIME_H */
