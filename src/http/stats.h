/*-------------------------------------------------------------------------
 *
 * stats.h
 *		Counters of the HTTP requests sent, for reporunner.metrics().
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_HTTP_STATS_H
#define RR_HTTP_STATS_H

#include "postgres.h"

#include <curl/curl.h>

/* Ask for the shared memory; _PG_init, while preloading only */
extern void rr_http_stats_init(void);

/*
 * Count a request that ended (easy is its handle, result what libcurl
 * said, refused whether the SSRF guard refused a connection of it) for the
 * owner of the workflow that runs now.  Raises nothing, allocates
 * nothing, touches no table: it may be called with no transaction open.
 */
extern void rr_http_stats_count(const char *method, CURL *easy,
								CURLcode result, bool refused);

#endif							/* RR_HTTP_STATS_H */
