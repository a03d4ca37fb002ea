/*-------------------------------------------------------------------------
 *
 * auth.h
 *		What each type of credential holds, and putting one on a request.
 *
 * Types: bearer {token}, basic {user, password}, header {name, value},
 * query {name, value}, oauth2_client_credentials {token_url, client_id,
 * client_secret, scope?, audience?}, aws_sigv4 {access_key, secret_key,
 * region, service, session_token?}, url {url}.  A credential never shows in the
 * request's shown_url, which messages name.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_HTTP_AUTH_H
#define RR_HTTP_AUTH_H

#include "postgres.h"

#include "crypto/credential.h"
#include "http/request.h"
#include "utils/jsonb.h"

/*
 * ERROR 22023, naming the field, unless secret is what a credential of
 * that type holds; set_credential().
 */
extern void rr_http_auth_check(const char *type, Jsonb *secret);

/* Whether name is a type of credential (connector definitions name them). */
extern bool rr_http_auth_type_exists(const char *name);

/*
 * Put the credential on the request: headers, the query, user and
 * password, AWS signing; an oauth2 credential's token is fetched first
 * unless this backend has one that has not expired.
 */
extern void rr_http_auth_apply(const RrCredential *credential,
							   RrHttpRequest *request);

/*
 * After a 401 to a request the credential was put on: true when it got a
 * token fetched anew (oauth2), so that sending it again may succeed.
 */
extern bool rr_http_auth_renew(const RrCredential *credential,
							   RrHttpRequest *request);

#endif							/* RR_HTTP_AUTH_H */
