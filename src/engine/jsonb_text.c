/*-------------------------------------------------------------------------
 *
 * jsonb_text.c
 *		Items written as JSON text for the journal.
 *
 * A saved execution's steps hold every node's output items as JSON text
 * (journal.c).  JsonbToCString() writes them through the generic jsonb
 * iterator, which copies every value out of the container and every
 * string again to end it with a NUL for escape_json(); for the four steps
 * of a small workflow that was a tenth of a saved execute().  This walks
 * the containers in place and writes exactly what JsonbToCString() writes
 * without indentation: ", " between elements, ": " after keys, numbers as
 * numeric_out() prints them (from their stored digits, without its
 * copies and allocations), strings escaped as escape_json() escapes them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/jsonb_text.h"
#include "expr/numeric_form.h"
#include "miscadmin.h"
#include "utils/fmgrprotos.h"

static void append_container(StringInfo buf, const JsonbContainer *container);

/* A string of len bytes (no NUL in jsonb) as escape_json() writes it */
static void
append_string(StringInfo buf, const char *str, int len)
{
	const char *end = str + len;
	const char *run = str;
	const char *p;

	appendStringInfoCharMacro(buf, '"');
	for (p = str; p < end; p++)
	{
		unsigned char c = (unsigned char) *p;
		const char *escape;

		if (c >= ' ' && c != '"' && c != '\\')
			continue;
		appendBinaryStringInfo(buf, run, p - run);
		run = p + 1;
		switch (c)
		{
			case '\b':
				escape = "\\b";
				break;
			case '\f':
				escape = "\\f";
				break;
			case '\n':
				escape = "\\n";
				break;
			case '\r':
				escape = "\\r";
				break;
			case '\t':
				escape = "\\t";
				break;
			case '"':
				escape = "\\\"";
				break;
			case '\\':
				escape = "\\\\";
				break;
			default:
				appendStringInfo(buf, "\\u%04x", (int) c);
				continue;
		}
		appendStringInfoString(buf, escape);
	}
	appendBinaryStringInfo(buf, run, end - run);
	appendStringInfoCharMacro(buf, '"');
}

/*
 * Write the base-10000 digit value (0 to 9999) at cp as its four decimal
 * digits, or without leading zeros as the first digit of a number
 * (first); returns the end
 */
static char *
put_digit_group(char *cp, int value, bool first)
{
	int			thousands = value / 1000;
	int			hundreds = value / 100 % 10;
	int			tens = value / 10 % 10;

	first = first && thousands == 0;
	if (!first)
		*cp++ = '0' + thousands;
	first = first && hundreds == 0;
	if (!first)
		*cp++ = '0' + hundreds;
	if (!first || tens > 0)
		*cp++ = '0' + tens;
	*cp++ = '0' + value % 10;
	return cp;
}

/*
 * A numeric as numeric_out() prints it (numeric.c's get_str_from_var()):
 * the sign, the integer part (0 when there is none), and dscale decimal
 * digits after the point.  Not-a-number and the infinities, which jsonb
 * does not hold, through numeric_out() itself.
 */
static void
append_numeric(StringInfo buf, struct varlena *stored)
{
	RrNumericForm form;
	char	   *cp;
	char	   *point;
	int			d;

	if (VARATT_IS_EXTERNAL(stored) || VARATT_IS_COMPRESSED(stored) ||
		!rr_numeric_form(VARDATA_ANY(stored), VARSIZE_ANY_EXHDR(stored), &form) ||
		(form.sign != RR_NUMERIC_POS && form.sign != RR_NUMERIC_NEG))
	{
		char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out,
															   PointerGetDatum(stored)));

		appendStringInfoString(buf, text);
		pfree(text);
		return;
	}
	/* sign, integer part, point, dscale digits and up to 3 more, NUL */
	enlargeStringInfo(buf, 1 + Max(form.weight + 1, 1) * 4 + 1 + form.dscale + 3 + 1);
	cp = buf->data + buf->len;
	if (form.sign == RR_NUMERIC_NEG)
		*cp++ = '-';
	if (form.weight < 0)
		*cp++ = '0';
	for (d = 0; d <= form.weight; d++)
		cp = put_digit_group(cp, d < form.ndigits ? rr_numeric_digit(&form, d) : 0,
							 d == 0);
	if (form.dscale > 0)
	{
		/* whole groups after the point, cut to dscale digits */
		*cp++ = '.';
		point = cp;
		for (d = form.weight + 1; cp - point < form.dscale; d++)
			cp = put_digit_group(cp, d >= 0 && d < form.ndigits ?
								 rr_numeric_digit(&form, d) : 0, false);
		cp = point + form.dscale;
	}
	*cp = '\0';
	buf->len = cp - buf->data;
}

/*
 * The value of entry, whose data starts at offset from base (the end of
 * its container's JEntry array)
 */
static void
append_entry(StringInfo buf, JEntry entry, const char *base, uint32 offset,
			 uint32 end)
{
	if (JBE_ISSTRING(entry))
		append_string(buf, base + offset, end - offset);
	else if (JBE_ISNUMERIC(entry))
		append_numeric(buf, (struct varlena *) (base + INTALIGN(offset)));
	else if (JBE_ISBOOL_TRUE(entry))
		appendStringInfoString(buf, "true");
	else if (JBE_ISBOOL_FALSE(entry))
		appendStringInfoString(buf, "false");
	else if (JBE_ISNULL(entry))
		appendStringInfoString(buf, "null");
	else
		append_container(buf, (const JsonbContainer *) (base + INTALIGN(offset)));
}

static void
append_container(StringInfo buf, const JsonbContainer *container)
{
	uint32		count = JsonContainerSize(container);
	const JEntry *children = container->children;
	uint32		offset = 0;
	uint32		end = 0;
	uint32		i;

	check_stack_depth();
	if (JsonContainerIsScalar(container))
	{
		/* a scalar at the root: a one-element array, written bare */
		JBE_ADVANCE_OFFSET(end, children[0]);
		append_entry(buf, children[0], (const char *) &children[1], 0, end);
	}
	else if (JsonContainerIsArray(container))
	{
		const char *base = (const char *) &children[count];

		appendStringInfoCharMacro(buf, '[');
		for (i = 0; i < count; i++)
		{
			if (i > 0)
				appendBinaryStringInfo(buf, ", ", 2);
			JBE_ADVANCE_OFFSET(end, children[i]);
			append_entry(buf, children[i], base, offset, end);
			offset = end;
		}
		appendStringInfoCharMacro(buf, ']');
	}
	else
	{
		/* the keys' JEntries, then the values' */
		const char *base = (const char *) &children[count * 2];
		uint32		value_offset = count > 0 ? getJsonbOffset(container, count) : 0;
		uint32		value_end = value_offset;

		appendStringInfoCharMacro(buf, '{');
		for (i = 0; i < count; i++)
		{
			if (i > 0)
				appendBinaryStringInfo(buf, ", ", 2);
			JBE_ADVANCE_OFFSET(end, children[i]);
			append_string(buf, base + offset, end - offset);
			offset = end;
			appendBinaryStringInfo(buf, ": ", 2);
			JBE_ADVANCE_OFFSET(value_end, children[count + i]);
			append_entry(buf, children[count + i], base, value_offset, value_end);
			value_offset = value_end;
		}
		appendStringInfoCharMacro(buf, '}');
	}
}

void
rr_jsonb_append_text(StringInfo buf, const Jsonb *value)
{
	append_container(buf, &value->root);
}
