/*-------------------------------------------------------------------------
 *
 * duration.c
 *		Parsing of durations such as "500ms", "5min" or "1h 30m".
 *
 * Workflow documents give timeouts and retry delays as text.  The accepted
 * syntax is a deliberate subset of PostgreSQL's interval input: one or
 * more parts "<number><unit>", where the number is digits with an
 * optional decimal fraction and the unit is one of the words in
 * duration_units (case-insensitive).  The server stores the same text as
 * an interval, so whatever is accepted here must mean the same there.
 *
 * Plain C; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "document.h"

#define MS_PER_SECOND	INT64_C(1000)
#define MS_PER_MINUTE	(60 * MS_PER_SECOND)
#define MS_PER_HOUR		(60 * MS_PER_MINUTE)
#define MS_PER_DAY		(24 * MS_PER_HOUR)
#define MS_PER_WEEK		(7 * MS_PER_DAY)

/* The longest duration: 100 years of 365.25 days, as PostgreSQL counts. */
#define RR_DURATION_MAX_MS	(36525 * MS_PER_DAY)

/* Fraction digits beyond this scale are far below a millisecond. */
#define FRACTION_SCALE_LIMIT	INT64_C(1000000000)

/* Longest unit word. */
#define MAX_UNIT_LEN	7

typedef struct DurationUnit
{
	const char *name;
	int64_t		ms;
} DurationUnit;

static const DurationUnit duration_units[] = {
	{"ms", 1}, {"msec", 1},
	{"s", MS_PER_SECOND}, {"sec", MS_PER_SECOND}, {"secs", MS_PER_SECOND},
	{"second", MS_PER_SECOND}, {"seconds", MS_PER_SECOND},
	{"m", MS_PER_MINUTE}, {"min", MS_PER_MINUTE}, {"mins", MS_PER_MINUTE},
	{"minute", MS_PER_MINUTE}, {"minutes", MS_PER_MINUTE},
	{"h", MS_PER_HOUR}, {"hr", MS_PER_HOUR}, {"hrs", MS_PER_HOUR},
	{"hour", MS_PER_HOUR}, {"hours", MS_PER_HOUR},
	{"d", MS_PER_DAY}, {"day", MS_PER_DAY}, {"days", MS_PER_DAY},
	{"w", MS_PER_WEEK}, {"week", MS_PER_WEEK}, {"weeks", MS_PER_WEEK},
	{NULL, 0}
};

/*
 * ASCII character classes.  The C library's depend on the locale, which
 * inside the server is the database's; the syntax must not.
 */
static bool
is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
		c == '\v';
}

static bool
is_ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_ascii_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * unit_ms
 *		Milliseconds in the unit spelled by the len letters at text, or 0
 *		when no unit is spelled that way.
 */
static int64_t
unit_ms(const char *text, size_t len)
{
	char		lower[MAX_UNIT_LEN + 1];
	const DurationUnit *unit;
	size_t		i;

	if (len == 0 || len > MAX_UNIT_LEN)
		return 0;
	for (i = 0; i < len; i++)
		lower[i] = (text[i] >= 'A' && text[i] <= 'Z') ? text[i] - 'A' + 'a' : text[i];
	lower[len] = '\0';

	for (unit = duration_units; unit->name != NULL; unit++)
	{
		if (strcmp(unit->name, lower) == 0)
			return unit->ms;
	}
	return 0;
}

/*
 * skip_space
 *		The first non-whitespace character at or after text.
 */
static const char *
skip_space(const char *text)
{
	while (*text != '\0' && is_ascii_space(*text))
		text++;
	return text;
}

/*
 * rr_duration_parse
 *		Parse a duration into milliseconds; see the file header for the
 *		syntax.  Fractions are rounded to the nearest millisecond.
 *
 * Returns false for empty, negative, unitless or malformed text, unknown
 * units and anything longer than 100 years; no arithmetic can overflow.
 * ms may be NULL to only check the text.
 */
bool
rr_duration_parse(const char *text, int64_t *ms)
{
	const char *pos;
	int64_t		total_ms = 0;

	if (text == NULL)
		return false;
	pos = skip_space(text);
	if (*pos == '\0')
		return false;

	while (*pos != '\0')
	{
		int64_t		whole = 0;
		int64_t		fraction = 0;
		int64_t		fraction_scale = 1;
		int64_t		per_unit;
		int64_t		part_ms;
		const char *unit_start;

		/* The number: digits, then optionally "." and more digits. */
		if (!is_ascii_digit(*pos))
			return false;
		while (is_ascii_digit(*pos))
		{
			/* Past the maximum already; keep reading but stop growing. */
			if (whole <= RR_DURATION_MAX_MS)
				whole = whole * 10 + (*pos - '0');
			pos++;
		}
		if (*pos == '.')
		{
			pos++;
			if (!is_ascii_digit(*pos))
				return false;
			while (is_ascii_digit(*pos))
			{
				if (fraction_scale < FRACTION_SCALE_LIMIT)
				{
					fraction = fraction * 10 + (*pos - '0');
					fraction_scale *= 10;
				}
				pos++;
			}
		}

		/* The unit, possibly after whitespace. */
		pos = skip_space(pos);
		unit_start = pos;
		while (is_ascii_letter(*pos))
			pos++;
		per_unit = unit_ms(unit_start, (size_t) (pos - unit_start));
		if (per_unit == 0)
			return false;

		/* whole * per_unit could overflow, so compare by division first. */
		if (whole > RR_DURATION_MAX_MS / per_unit)
			return false;
		part_ms = whole * per_unit +
			(fraction * per_unit + fraction_scale / 2) / fraction_scale;
		if (part_ms > RR_DURATION_MAX_MS - total_ms)
			return false;
		total_ms += part_ms;

		pos = skip_space(pos);
	}

	if (ms != NULL)
		*ms = total_ms;
	return true;
}
