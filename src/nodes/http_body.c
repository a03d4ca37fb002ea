/*-------------------------------------------------------------------------
 *
 * http_body.c
 *		Request bodies of the http node built from JSON values: the parts
 *		of a multipart/form-data body, a file body (text or base64), an
 *		object with one member set (the page parameter of pagination in the
 *		body), and the walk over an object's members that query, headers
 *		and bodies share.
 *
 * The parts are checked and decoded here, before anything is sent, so an
 * error names the node and the member; src/http/multipart.c turns them
 * into libcurl's curl_mime.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/base64.h"
#include "http/request.h"
#include "nodes/http_body.h"
#include "nodes/node_util.h"

bool
rr_http_next_member(JsonbIterator **it, char **name, JsonbValue *value)
{
	JsonbValue	key;
	JsonbIteratorToken token;

	while ((token = JsonbIteratorNext(it, &key, true)) != WJB_DONE)
	{
		if (token != WJB_KEY)
			continue;
		(void) JsonbIteratorNext(it, value, true);
		if (value->type == jbvNull)
			continue;
		*name = pnstrdup(key.val.string.val, key.val.string.len);
		return true;
	}
	return false;
}

/*
 * checked_text
 *		A part's name, file name or type: no line breaks, which would add
 *		header lines of their own to the part.
 */
static const char *
checked_text(const char *node, const char *what, const char *text)
{
	if (strpbrk(text, "\r\n") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"body\" has a part whose %s holds a line break",
						node, what)));
	return text;
}

/*
 * file_member
 *		Member key of a file's object (the param field) as text; NULL when
 *		absent or null, an error when not a string.
 */
static char *
file_member(const char *node, const char *field, JsonbValue *file,
			const char *key)
{
	JsonbValue *value = getKeyJsonValueFromContainer(file->val.binary.data,
													 key, strlen(key), NULL);

	if (value == NULL || value->type == jbvNull)
		return NULL;
	if (value->type != jbvString)
		rr_param_type_error(node, psprintf("%s.%s", field, key),
							"a string", rr_value_normalize(value));
	return pnstrdup(value->val.string.val, value->val.string.len);
}

/*
 * check_members
 *		A file's object (the param field) has no member but those allowed
 *		(NULL ends them); form says what it is, for the detail.
 */
static void
check_members(const char *node, const char *field, JsonbValue *file,
			  const char *const *allowed, const char *form)
{
	JsonbIterator *it = JsonbIteratorInit(file->val.binary.data);
	JsonbValue	value;
	char	   *member;

	while (rr_http_next_member(&it, &member, &value))
	{
		const char *const *known;

		for (known = allowed; *known != NULL; known++)
		{
			if (strcmp(*known, member) == 0)
				break;
		}
		if (*known == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" param \"%s\" has an unknown member \"%s\"",
							node, field, member),
					 errdetail("%s", form)));
	}
}

/*
 * decoded
 *		base64 text decoded (the param field); *len its bytes.
 */
static char *
decoded(const char *node, const char *field, const char *data, size_t *len)
{
	char	   *bytes = palloc(pg_b64_dec_len(strlen(data)) + 1);
	int			n = pg_b64_decode(data, strlen(data), bytes,
								  pg_b64_dec_len(strlen(data)));

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"%s\" is not valid base64",
						node, field)));
	*len = n;
	return bytes;
}

/*
 * file_part
 *		A file part: {"data": base64, "filename": ..., "content_type": ...},
 *		no other member.
 */
static void
file_part(const char *node, const char *name, JsonbValue *file,
		  RrHttpPart *part)
{
	static const char *const members[] = {"data", "filename", "content_type",
	NULL};
	const char *form = "A file part is {\"data\": base64, \"filename\": name, \"content_type\": type}.";
	char	   *field = psprintf("body.%s", name);
	char	   *data;
	size_t		len;

	check_members(node, field, file, members, form);
	data = file_member(node, field, file, "data");
	if (data == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"%s\" has no \"data\"",
						node, field),
				 errdetail("%s", form)));
	part->data = decoded(node, psprintf("%s.data", field), data, &len);
	part->len = len;
	part->filename = file_member(node, field, file, "filename");
	part->content_type = file_member(node, field, file, "content_type");
	if (part->filename != NULL)
		checked_text(node, "file name", part->filename);
	if (part->content_type != NULL)
		checked_text(node, "content type", part->content_type);
}

List *
rr_http_multipart_parts(const char *node, JsonbValue *object)
{
	List	   *parts = NIL;
	JsonbIterator *it;
	JsonbValue	value;
	char	   *name;

	if (!rr_value_is_object(object))
		rr_param_type_error(node, "body", "an object", object);
	it = JsonbIteratorInit(object->val.binary.data);
	while (rr_http_next_member(&it, &name, &value))
	{
		RrHttpPart *part;

		part = palloc0(sizeof(RrHttpPart));
		part->name = checked_text(node, "name", name);
		if (rr_value_is_object(rr_value_normalize(&value)))
			file_part(node, name, &value, part);
		else if (value.type == jbvBinary)
			rr_param_type_error(node, psprintf("body.%s", name),
								"a string, number, boolean or file object",
								&value);
		else
		{
			part->data = rr_value_text(&value);
			part->len = strlen(part->data);
		}
		parts = lappend(parts, part);
	}
	return parts;
}

JsonbValue *
rr_http_with_member(JsonbValue *object, const char *name, JsonbValue *value)
{
	JsonbParseState *parse = NULL;
	JsonbValue	key;
	JsonbValue	member;
	size_t		len = strlen(name);

	pushJsonbValue(&parse, WJB_BEGIN_OBJECT, NULL);
	if (object != NULL)
	{
		JsonbIterator *it = JsonbIteratorInit(object->val.binary.data);
		JsonbIteratorToken token;

		while ((token = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
		{
			if (token != WJB_KEY)
				continue;
			(void) JsonbIteratorNext(&it, &member, true);
			if (key.val.string.len == len &&
				memcmp(key.val.string.val, name, len) == 0)
				continue;
			pushJsonbValue(&parse, WJB_KEY, &key);
			pushJsonbValue(&parse, WJB_VALUE, &member);
		}
	}
	key.type = jbvString;
	key.val.string.val = pstrdup(name);
	key.val.string.len = (int) len;
	pushJsonbValue(&parse, WJB_KEY, &key);
	pushJsonbValue(&parse, WJB_VALUE, value);
	return rr_value_normalize(pushJsonbValue(&parse, WJB_END_OBJECT, NULL));
}

char *
rr_http_file_body(const char *node, JsonbValue *file, size_t *len)
{
	static const char *const members[] = {"body", "encoding", NULL};
	const char *form = "A file body is {\"body\": text, \"encoding\": \"text\" or \"base64\"}.";
	char	   *data;
	char	   *encoding;

	if (!rr_value_is_object(file))
		rr_param_type_error(node, "body", "an object {\"body\", \"encoding\"}",
							file);
	check_members(node, "body", file, members, form);
	data = file_member(node, "body", file, "body");
	encoding = file_member(node, "body", file, "encoding");
	if (data == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"body\" has no \"body\"", node),
				 errdetail("%s", form)));
	if (encoding != NULL && strcmp(encoding, "base64") == 0)
		return decoded(node, "body.body", data, len);
	if (encoding != NULL && strcmp(encoding, "text") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"body.encoding\" is neither \"text\" nor \"base64\"",
						node),
				 errdetail("%s", form)));
	*len = strlen(data);
	return data;
}
