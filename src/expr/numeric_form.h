/*-------------------------------------------------------------------------
 *
 * numeric_form.h
 *		A numeric's stored form, read without printing it.
 *
 * numeric.c keeps its on-disk format readable by later releases (for
 * pg_upgrade), but does not export it: a header word; in the long form,
 * then, the weight; then the base-10000 digits.  The short form keeps sign,
 * display scale and weight in its header word; the special values (NaN,
 * +/-Infinity) only their kind.  Read here for js_value.c (JavaScript
 * numbers from short numerics) and src/engine/jsonb_text.c (numbers
 * printed as numeric_out() prints them).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_NUMERIC_FORM_H
#define RR_NUMERIC_FORM_H

#include "postgres.h"

#define RR_NUMERIC_SIGN_MASK	0xC000
#define RR_NUMERIC_POS			0x0000
#define RR_NUMERIC_NEG			0x4000
#define RR_NUMERIC_SHORT		0x8000
#define RR_NUMERIC_SPECIAL		0xC000
#define RR_NUMERIC_SPECIAL_MASK 0xF000
#define RR_NUMERIC_DSCALE_MASK	0x3FFF
#define RR_NUMERIC_SHORT_SIGN_MASK 0x2000
#define RR_NUMERIC_SHORT_DSCALE_MASK 0x1F80
#define RR_NUMERIC_SHORT_DSCALE_SHIFT 7
#define RR_NUMERIC_SHORT_WEIGHT_SIGN_MASK 0x0040
#define RR_NUMERIC_SHORT_WEIGHT_MASK 0x003F
#define RR_NUMERIC_NBASE		10000

/* A numeric as stored, its fields as numeric_send() sends them */
typedef struct RrNumericForm
{
	bool		short_form;		/* a short header, not a special value */
	int			sign;			/* POS, NEG, or the special value's kind */
	int			weight;
	int			dscale;
	int			ndigits;
	const char *digits;			/* ndigits int16s, not aligned */
} RrNumericForm;

/*
 * Read the stored form of a numeric (data, length: its varlena's data,
 * detoasted); false when it is too short to be one.
 */
static inline bool
rr_numeric_form(const char *data, int length, RrNumericForm *form)
{
	uint16		header;
	int			offset;

	if (length < (int) sizeof(uint16))
		return false;
	memcpy(&header, data, sizeof(uint16));
	if ((header & RR_NUMERIC_SHORT) != 0)
	{
		/* a short header, or a special value (whose other bits are zero) */
		offset = sizeof(uint16);
		form->short_form = (header & RR_NUMERIC_SIGN_MASK) == RR_NUMERIC_SHORT;
		if (form->short_form)
			form->sign = (header & RR_NUMERIC_SHORT_SIGN_MASK) ?
				RR_NUMERIC_NEG : RR_NUMERIC_POS;
		else
			form->sign = header & RR_NUMERIC_SPECIAL_MASK;
		form->dscale = (header & RR_NUMERIC_SHORT_DSCALE_MASK) >>
			RR_NUMERIC_SHORT_DSCALE_SHIFT;
		form->weight = ((header & RR_NUMERIC_SHORT_WEIGHT_SIGN_MASK) ?
						~RR_NUMERIC_SHORT_WEIGHT_MASK : 0) |
			(header & RR_NUMERIC_SHORT_WEIGHT_MASK);
	}
	else
	{
		int16		weight;

		if (length < (int) (sizeof(uint16) + sizeof(int16)))
			return false;
		memcpy(&weight, data + sizeof(uint16), sizeof(int16));
		offset = sizeof(uint16) + sizeof(int16);
		form->short_form = false;
		form->sign = header & RR_NUMERIC_SIGN_MASK;
		form->dscale = header & RR_NUMERIC_DSCALE_MASK;
		form->weight = weight;
	}
	form->ndigits = (length - offset) / sizeof(int16);
	form->digits = data + offset;
	return true;
}

/* Digit i of a numeric read by rr_numeric_form() */
static inline int16
rr_numeric_digit(const RrNumericForm *form, int i)
{
	int16		digit;

	memcpy(&digit, form->digits + i * sizeof(int16), sizeof(int16));
	return digit;
}

#endif							/* RR_NUMERIC_FORM_H */
