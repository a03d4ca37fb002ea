/*-------------------------------------------------------------------------
 *
 * definition.c
 *		Server-side checks of workflow definitions and names.
 *
 * The document validator (src/document) is plain C and knows nothing of
 * the server; this file runs it on a jsonb value with the expression
 * checker and turns its verdict into an ERROR with a SQLSTATE.  What only
 * the server knows is checked here too: that settings.timezone names a
 * time zone of the database (when the workflow is saved, so that a bad
 * name never reaches a run).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/definition.h"
#include "document/document.h"
#include "expr/datetime.h"
#include "expr/expression.h"
#include "reporunner.h"

/* SQLSTATE for each kind of document error */
static int
document_error_code(RrDocErrorKind kind)
{
	switch (kind)
	{
		case RR_DOC_SYNTAX:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case RR_DOC_UNKNOWN_TYPE:
		case RR_DOC_INVALID:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case RR_DOC_DUPLICATE_NAME:
			return ERRCODE_DUPLICATE_OBJECT;
		case RR_DOC_UNDEFINED_REF:
			return ERRCODE_UNDEFINED_OBJECT;
		case RR_DOC_CYCLE:
			return ERRCODE_INVALID_OBJECT_DEFINITION;
		case RR_DOC_PARAM_TYPE:
			return ERRCODE_DATATYPE_MISMATCH;
		case RR_DOC_DURATION:
			return ERRCODE_INVALID_DATETIME_FORMAT;
		case RR_DOC_EXPRESSION:
			return ERRCODE_SYNTAX_ERROR;
		case RR_DOC_TOO_LARGE:
			return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
		case RR_DOC_OUT_OF_MEMORY:
			return ERRCODE_OUT_OF_MEMORY;
		case RR_DOC_OK:
			break;
	}
	return ERRCODE_INTERNAL_ERROR;
}

/* settings.timezone, a string (the validator checked that), names a zone */
static void
check_timezone(Jsonb *definition)
{
	JsonbValue *settings;
	JsonbValue	zone;
	char	   *name;

	settings = getKeyJsonValueFromContainer(&definition->root, "settings", 8,
											NULL);
	if (settings == NULL || settings->type != jbvBinary ||
		!getKeyJsonValueFromContainer(settings->val.binary.data, "timezone",
									  8, &zone) ||
		zone.type != jbvString)
		return;
	name = pnstrdup(zone.val.string.val, zone.val.string.len);
	if (!rr_timezone_valid(name))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("setting \"timezone\" has unknown time zone \"%s\"", name),
				 errdetail("A time zone is a name of the IANA database such as \"Europe/Oslo\" or \"America/New_York\", or \"UTC\"; the view pg_timezone_names lists them.")));
	pfree(name);
}

void
rr_check_definition(Jsonb *definition)
{
	char	   *text;
	RrDocLimits limits;
	RrDocError	error;

	text = JsonbToCString(NULL, &definition->root, VARSIZE(definition));
	limits.max_bytes = (size_t) rr_max_document_size;
	limits.max_nodes = RR_MAX_NODES;

	if (!rr_document_validate(text, strlen(text), &limits,
							  rr_expr_check, NULL, &error))
		ereport(ERROR,
				(errcode(document_error_code(error.kind)),
				 errmsg("%s", error.message),
				 error.detail[0] ? errdetail("%s", error.detail) : 0));
	pfree(text);
	check_timezone(definition);
}

void
rr_check_workflow_name(const char *name)
{
	const char *c;

	if (name[0] == '\0' || strlen(name) > RR_MAX_NAME_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("invalid workflow name \"%s\"", name),
				 errdetail("A workflow name is 1 to %d bytes long.",
						   RR_MAX_NAME_BYTES)));
	for (c = name; *c; c++)
	{
		if ((unsigned char) *c < 0x20 || *c == 0x7f)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_NAME),
					 errmsg("invalid workflow name \"%s\"", name),
					 errdetail("A workflow name may not contain control characters.")));
	}
}
