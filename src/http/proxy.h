/*-------------------------------------------------------------------------
 *
 * proxy.h
 *		Proxies of http nodes and reporunner.http_proxy_allow.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_HTTP_PROXY_H
#define RR_HTTP_PROXY_H

#include <curl/curl.h>

/*
 * Set the easy handle's proxy: proxy ("scheme://host:port"), which must be
 * listed in reporunner.http_proxy_allow (else 42501), or none when NULL,
 * whatever the server's environment says.  Not to be called inside a
 * libcurl callback.
 */
extern void rr_http_proxy_setup(CURL *easy, const char *proxy);

/* Define reporunner.http_proxy_allow; from rr_http_init. */
extern void rr_http_proxy_init(void);

#endif							/* RR_HTTP_PROXY_H */
