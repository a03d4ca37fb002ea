/*-------------------------------------------------------------------------
 *
 * multipart.h
 *		multipart/form-data bodies for libcurl (curl_mime).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_HTTP_MULTIPART_H
#define RR_HTTP_MULTIPART_H

#include <curl/curl.h>

#include "nodes/pg_list.h"

/*
 * The body of parts (RrHttpPart *) for the easy handle, its data copied;
 * the caller frees it with curl_mime_free once the handle is cleaned up.
 * Raises an ERROR (out of memory) with nothing left allocated.  Not to be
 * called inside a libcurl callback.
 */
extern curl_mime *rr_http_mime(CURL *easy, List *parts);

#endif							/* RR_HTTP_MULTIPART_H */
