/*-------------------------------------------------------------------------
 *
 * seal.c
 *		AES-256-GCM through OpenSSL's EVP interface.
 *
 * Every seal has a nonce of its own from RAND_bytes, so the same plaintext
 * never seals to the same bytes and a nonce is never used twice under a
 * key.  The OpenSSL context is freed on every path before anything can
 * raise an ERROR, and plaintext buffers that fail to open are wiped.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto/seal.h"
#include "utils/memutils.h"

/* The format of a sealed value: version, nonce, ciphertext, tag. */
#define SEAL_VERSION	1
#define NONCE_LEN		12
#define TAG_LEN			16
#define OVERHEAD		(1 + NONCE_LEN + TAG_LEN)

bytea *
rr_seal(const RrKey *key, const char *aad, const char *plain,
		size_t plain_len)
{
	bytea	   *sealed = palloc(VARHDRSZ + OVERHEAD + plain_len);
	unsigned char *out = (unsigned char *) VARDATA(sealed);
	unsigned char *nonce = out + 1;
	unsigned char *cipher = nonce + NONCE_LEN;
	EVP_CIPHER_CTX *ctx;
	int			len = 0;
	int			final_len = 0;
	bool		ok;

	if (plain_len > (size_t) (MaxAllocSize - VARHDRSZ - OVERHEAD))
		elog(ERROR, "a secret of %zu bytes is too large to seal", plain_len);
	out[0] = SEAL_VERSION;
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx != NULL &&
		RAND_bytes(nonce, NONCE_LEN) == 1 &&
		EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
		EVP_EncryptInit_ex(ctx, NULL, NULL, key->bytes, nonce) == 1 &&
		EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *) aad,
						  (int) strlen(aad)) == 1 &&
		EVP_EncryptUpdate(ctx, cipher, &len, (const unsigned char *) plain,
						  (int) plain_len) == 1 &&
		EVP_EncryptFinal_ex(ctx, cipher + len, &final_len) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
							cipher + len + final_len) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok || (size_t) (len + final_len) != plain_len)
		elog(ERROR, "could not seal a secret with AES-256-GCM");
	SET_VARSIZE(sealed, VARHDRSZ + OVERHEAD + plain_len);
	return sealed;
}

char *
rr_unseal(const RrKey *key, const char *aad, const bytea *sealed,
		  size_t *plain_len)
{
	const unsigned char *in = (const unsigned char *) VARDATA_ANY(sealed);
	size_t		in_len = VARSIZE_ANY_EXHDR(sealed);
	size_t		cipher_len;
	const unsigned char *nonce = in + 1;
	const unsigned char *cipher = nonce + NONCE_LEN;
	char	   *plain;
	EVP_CIPHER_CTX *ctx;
	int			len = 0;
	int			final_len = 0;
	bool		ok;

	if (in_len < OVERHEAD || in[0] != SEAL_VERSION)
		return NULL;
	cipher_len = in_len - OVERHEAD;
	plain = palloc(cipher_len + 1);
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx != NULL &&
		EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
		EVP_DecryptInit_ex(ctx, NULL, NULL, key->bytes, nonce) == 1 &&
		EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *) aad,
						  (int) strlen(aad)) == 1 &&
		EVP_DecryptUpdate(ctx, (unsigned char *) plain, &len, cipher,
						  (int) cipher_len) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
							(void *) (cipher + cipher_len)) == 1 &&
		EVP_DecryptFinal_ex(ctx, (unsigned char *) plain + len,
							&final_len) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok || (size_t) (len + final_len) != cipher_len)
	{
		explicit_bzero(plain, cipher_len + 1);
		pfree(plain);
		return NULL;
	}
	plain[cipher_len] = '\0';
	*plain_len = cipher_len;
	return plain;
}
