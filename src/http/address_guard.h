/*-------------------------------------------------------------------------
 *
 * address_guard.h
 *		The SSRF guard: which addresses an http node may connect to.
 *
 * Every connection curl opens, redirects included, goes through
 * rr_address_refusal() (from curl's open-socket callback, in request.c)
 * with the address curl is about to connect to and the host name of the
 * URL it is fetching.  Addresses in special ranges (loopback, private,
 * link-local, metadata, multicast, documentation, ...) are refused unless
 * the superuser-only setting reporunner.http_allow lists the address's
 * network or the host name.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ADDRESS_GUARD_H
#define RR_ADDRESS_GUARD_H

#include <sys/socket.h>

/*
 * NULL when an http node may connect to addr for a URL naming host, else
 * the name of the blocked range (static text, such as "loopback").  Plain
 * C: no allocation, no ERROR, safe inside curl's callbacks.
 */
extern const char *rr_address_refusal(const struct sockaddr *addr,
									  const char *host);

/*
 * A number that changes whenever reporunner.http_allow does in this
 * process: connections opened under an earlier value must not be reused.
 */
extern uint64 rr_address_guard_generation(void);

/* Define reporunner.http_allow; _PG_init (through rr_http_init). */
extern void rr_address_guard_init(void);

#endif							/* RR_ADDRESS_GUARD_H */
