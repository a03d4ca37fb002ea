/*-------------------------------------------------------------------------
 *
 * sha3.c
 *		SHA3-512 (FIPS 202: Keccak-f[1600], rate 576 bits, padding 0x06),
 *		for n8n's hash("sha3"), which is jsSHA's "SHA3-512".  PostgreSQL has
 *		no SHA-3 of its own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/sha3.h"

#define SHA3_512_RATE	72		/* bytes absorbed per permutation */

static const uint64 round_constants[24] = {
	UINT64CONST(0x0000000000000001), UINT64CONST(0x0000000000008082),
	UINT64CONST(0x800000000000808a), UINT64CONST(0x8000000080008000),
	UINT64CONST(0x000000000000808b), UINT64CONST(0x0000000080000001),
	UINT64CONST(0x8000000080008081), UINT64CONST(0x8000000000008009),
	UINT64CONST(0x000000000000008a), UINT64CONST(0x0000000000000088),
	UINT64CONST(0x0000000080008009), UINT64CONST(0x000000008000000a),
	UINT64CONST(0x000000008000808b), UINT64CONST(0x800000000000008b),
	UINT64CONST(0x8000000000008089), UINT64CONST(0x8000000000008003),
	UINT64CONST(0x8000000000008002), UINT64CONST(0x8000000000000080),
	UINT64CONST(0x000000000000800a), UINT64CONST(0x800000008000000a),
	UINT64CONST(0x8000000080008081), UINT64CONST(0x8000000000008080),
	UINT64CONST(0x0000000080000001), UINT64CONST(0x8000000080008008)
};

/* rho rotations and pi positions, in the order of the combined step */
static const int rotations[24] = {
	1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14,
	27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44
};
static const int positions[24] = {
	10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4,
	15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1
};

static inline uint64
rotl(uint64 x, int n)
{
	return (x << n) | (x >> (64 - n));
}

/* Keccak-f[1600] on the state a (lanes little-endian, x + 5y) */
static void
keccak_f(uint64 *a)
{
	int			r;

	for (r = 0; r < 24; r++)
	{
		uint64		c[5];
		uint64		t;
		int			x;
		int			y;
		int			i;

		for (x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (x = 0; x < 5; x++)
		{
			t = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
			for (y = 0; y < 25; y += 5)
				a[y + x] ^= t;
		}
		t = a[1];
		for (i = 0; i < 24; i++)
		{
			uint64		next = a[positions[i]];

			a[positions[i]] = rotl(t, rotations[i]);
			t = next;
		}
		for (y = 0; y < 25; y += 5)
		{
			for (x = 0; x < 5; x++)
				c[x] = a[y + x];
			for (x = 0; x < 5; x++)
				a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
		}
		a[0] ^= round_constants[r];
	}
}

/* XOR one rate-sized block of bytes into the state */
static void
absorb(uint64 *a, const uint8 *block)
{
	int			i;

	for (i = 0; i < SHA3_512_RATE; i++)
		a[i / 8] ^= (uint64) block[i] << (8 * (i % 8));
	keccak_f(a);
}

void
rr_sha3_512(const uint8 *data, size_t len, uint8 *digest)
{
	uint64		a[25] = {0};
	uint8		last[SHA3_512_RATE] = {0};
	size_t		rest;
	int			i;

	for (; len >= SHA3_512_RATE; data += SHA3_512_RATE, len -= SHA3_512_RATE)
		absorb(a, data);
	rest = len;
	memcpy(last, data, rest);
	last[rest] ^= 0x06;
	last[SHA3_512_RATE - 1] ^= 0x80;
	absorb(a, last);
	for (i = 0; i < SHA3_512_DIGEST_LENGTH; i++)
		digest[i] = (uint8) (a[i / 8] >> (8 * (i % 8)));
}
