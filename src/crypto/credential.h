/*-------------------------------------------------------------------------
 *
 * credential.h
 *		Credentials: the secrets nodes send with requests, sealed in
 *		reporunner.credential.
 *
 * set_credential(), drop_credential() and rotate_key() are SQL functions
 * (credential.c).  rr_credential_load() opens one for a workflow's owner:
 * the owner's own credential of that name, never another role's, whatever
 * the caller may see.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_CRYPTO_CREDENTIAL_H
#define RR_CRYPTO_CREDENTIAL_H

#include "postgres.h"

#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* An opened credential, palloc'd in the caller's memory context. */
typedef struct RrCredential
{
	int64		id;
	Oid			owner;
	char	   *name;
	char	   *type;			/* "bearer", "basic", ... */
	Jsonb	   *secret;			/* opened: never log, store or show it */
	TimestampTz updated_at;		/* when the secret was last set */
} RrCredential;

/*
 * The credential called name that owner owns, opened; ERROR 42704 when
 * owner has none of that name.
 */
extern RrCredential *rr_credential_load(Oid owner, const char *name);

/*
 * Give every credential of role from to role to, sealed anew for their
 * new owner (the sealing binds a credential to its owner and name).
 */
extern void rr_credential_reassign(Oid from, Oid to);

#endif							/* RR_CRYPTO_CREDENTIAL_H */
