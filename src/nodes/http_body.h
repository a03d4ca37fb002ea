/*-------------------------------------------------------------------------
 *
 * http_body.h
 *		Request bodies of the http node built from JSON values: multipart
 *		parts, a body with the page parameter set, an object's members.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_HTTP_BODY_H
#define RR_HTTP_BODY_H

#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/jsonb.h"

/*
 * The next member of an object that is not null, its name copied; false
 * when there is none.  it comes from JsonbIteratorInit on the object.
 */
extern bool rr_http_next_member(JsonbIterator **it, char **name,
								JsonbValue *value);

/*
 * The members of object as the parts of a multipart body (RrHttpPart *,
 * src/http/request.h): a string, number or boolean is a field, an object
 * {"data": base64, "filename": name, "content_type": type} a file; a null
 * member is left out.  Anything else fails (42804, 22023), naming node.
 */
extern List *rr_http_multipart_parts(const char *node, JsonbValue *object);

/*
 * The bytes of a file body {"body": text, "encoding": "text" (default) or
 * "base64"}, as the response format "file" gives them; *len their length.
 * Anything else fails (42804, 22023), naming node.
 */
extern char *rr_http_file_body(const char *node, JsonbValue *file,
							   size_t *len);

/*
 * object (an object, or NULL for an empty one) with member name set to
 * value, replacing any member of that name.
 */
extern JsonbValue *rr_http_with_member(JsonbValue *object, const char *name,
									   JsonbValue *value);

#endif							/* RR_HTTP_BODY_H */
