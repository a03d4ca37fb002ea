/*-------------------------------------------------------------------------
 *
 * oauth2.h
 *		OAuth 2.0 client credentials: access tokens, fetched and cached.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_HTTP_OAUTH2_H
#define RR_HTTP_OAUTH2_H

#include "postgres.h"

#include "crypto/credential.h"
#include "http/request.h"

/*
 * An access token for an oauth2_client_credentials credential, palloc'd:
 * the one this backend got before, while it has not expired and the
 * credential has not been set since, unless renew; otherwise one fetched
 * from its token_url (a POST through rr_http_perform, so the SSRF guard
 * judges it, with the timeouts and TLS checking of like).
 */
extern char *rr_oauth2_token(const RrCredential *credential,
							 const RrHttpRequest *like, bool renew);

#endif							/* RR_HTTP_OAUTH2_H */
