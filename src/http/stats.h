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

#include "http/request.h"

/* Ask for the shared memory; _PG_init, while preloading only */
extern void rr_http_stats_init(void);

/*
 * Count a request that ended (easy is its handle, result what libcurl
 * said, refused whether the SSRF guard refused a connection of it) for
 * request->owner: a worker sends the requests of several owners' executions
 * at once.  Raises nothing, allocates nothing, touches no table: it may be
 * called with no transaction open.
 */
extern void rr_http_stats_count(const RrHttpRequest *request, CURL *easy,
								CURLcode result, bool refused);

#endif							/* RR_HTTP_STATS_H */
