/*-------------------------------------------------------------------------
 *
 * seal.h
 *		Sealing and opening bytes with AES-256-GCM under a master key.
 *
 * A sealed value is a version byte, a random 12-byte nonce, the
 * ciphertext and the 16-byte tag.  The associated data (aad) binds it to
 * where it is stored: opening it with other associated data fails, as does
 * opening a changed value or opening it under another key.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_CRYPTO_SEAL_H
#define RR_CRYPTO_SEAL_H

#include "postgres.h"

#include "crypto/key.h"

/* plain sealed under key, bound to aad, palloc'd. */
extern bytea *rr_seal(const RrKey *key, const char *aad,
					  const char *plain, size_t plain_len);

/*
 * sealed opened under key with aad: the plaintext, palloc'd and
 * NUL-terminated (wipe it after use), its length in *plain_len; NULL when
 * it does not open (another key, other aad, changed bytes).  Raises no
 * ERROR but for running out of memory.
 */
extern char *rr_unseal(const RrKey *key, const char *aad, const bytea *sealed,
					   size_t *plain_len);

#endif							/* RR_CRYPTO_SEAL_H */
