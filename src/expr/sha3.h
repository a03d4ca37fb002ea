/*-------------------------------------------------------------------------
 *
 * sha3.h
 *		SHA3-512, for n8n's hash("sha3") (sha3.c)
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_SHA3_H
#define RR_SHA3_H

#define SHA3_512_DIGEST_LENGTH 64

/* The SHA3-512 digest of len bytes of data into digest (64 bytes) */
extern void rr_sha3_512(const uint8 *data, size_t len, uint8 *digest);

#endif
