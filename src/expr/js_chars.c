/*-------------------------------------------------------------------------
 *
 * js_chars.c
 *		Classes of characters that JavaScript's grammar and its string
 *		functions share: white space and hexadecimal digits.
 *
 * Plain C without any server call, so that test/unit can build the parser
 * with it outside the server, for fuzzing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/js_value.h"

/* WhiteSpace and LineTerminator of ECMA-262 (what String.trim removes) */
bool
js_is_space(uint32 cp)
{
	switch (cp)
	{
		case 0x09:
		case 0x0A:
		case 0x0B:
		case 0x0C:
		case 0x0D:
		case 0x20:
		case 0xA0:
		case 0x1680:
		case 0x2028:
		case 0x2029:
		case 0x202F:
		case 0x205F:
		case 0x3000:
		case 0xFEFF:
			return true;
		default:
			return cp >= 0x2000 && cp <= 0x200A;
	}
}

int
js_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
