/*-------------------------------------------------------------------------
 *
 * multipart.c
 *		multipart/form-data bodies for libcurl: the parts of a request as
 *		a curl_mime.
 *
 * libcurl copies each part's name, data, file name and type, so the mime
 * owns its memory; it is built before the transfer starts (never in a
 * libcurl callback) and freed by the caller on every path.  libcurl writes
 * the boundary and the Content-Type header with it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "http/multipart.h"
#include "http/request.h"

/*
 * add_part
 *		Add one part to mime; false when libcurl ran out of memory.
 */
static bool
add_part(curl_mime *mime, const RrHttpPart *part)
{
	curl_mimepart *field = curl_mime_addpart(mime);

	if (field == NULL ||
		curl_mime_name(field, part->name) != CURLE_OK ||
		curl_mime_data(field, part->data, part->len) != CURLE_OK)
		return false;
	if (part->filename != NULL &&
		curl_mime_filename(field, part->filename) != CURLE_OK)
		return false;
	if (part->content_type != NULL &&
		curl_mime_type(field, part->content_type) != CURLE_OK)
		return false;
	return true;
}

curl_mime *
rr_http_mime(CURL *easy, List *parts)
{
	curl_mime  *mime = curl_mime_init(easy);
	bool		ok = mime != NULL;
	ListCell   *lc;

	foreach(lc, parts)
	{
		if (!ok)
			break;
		ok = add_part(mime, (const RrHttpPart *) lfirst(lc));
	}
	if (!ok)
	{
		curl_mime_free(mime);
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("libcurl could not build a multipart body.")));
	}
	return mime;
}
