/*-------------------------------------------------------------------------
 *
 * key.h
 *		The master keys credentials are sealed under, read from files.
 *
 * reporunner.key_file names the file of the current key: 32 bytes, read
 * by the server, not readable by group or others.  Credentials are sealed
 * under it.  reporunner.old_key_file names the key they were sealed under
 * before: while it is set, rows still sealed under it open too, and
 * rotate_key() re-seals them under the current key.  Both settings are
 * superuser-only.  A key is known by its id, which the rows record.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_CRYPTO_KEY_H
#define RR_CRYPTO_KEY_H

#include "postgres.h"

/* Bytes of a master key (AES-256). */
#define RR_KEY_LEN		32

/* Hex digits of a key id. */
#define RR_KEY_ID_LEN	16

/* A master key and its id; wipe with rr_key_forget() after use. */
typedef struct RrKey
{
	uint8		bytes[RR_KEY_LEN];
	char		id[RR_KEY_ID_LEN + 1];
} RrKey;

/*
 * Read the current key (reporunner.key_file) into *key; ERROR, with a hint
 * how to make one, when it is not set or the file is unfit.
 */
extern void rr_key_current(RrKey *key);

/*
 * Read the old key (reporunner.old_key_file) into *key; false when the
 * setting is empty, ERROR when the file is unfit.
 */
extern bool rr_key_old(RrKey *key);

/* Wipe a key's bytes. */
extern void rr_key_forget(RrKey *key);

/* Define reporunner.key_file and reporunner.old_key_file; _PG_init. */
extern void rr_key_init(void);

#endif							/* RR_CRYPTO_KEY_H */
