/*-------------------------------------------------------------------------
 *
 * n8n_sql.c
 *		The SQL side of n8n import and export: reporunner.import_n8n(),
 *		reporunner.n8n_document() and the n8n format of export_workflow().
 *
 * The translation (import.c, export.c, through bridge.c) works on JSON
 * text; this file hands it jsonb as text, turns its problems into one
 * error listing every node that cannot be translated faithfully (0A000
 * when all are features Reporunner lacks, 22023 when one is not valid
 * n8n), and saves an imported document through
 * reporunner.import_workflow(), called as SQL by the caller: validation,
 * the plan, the audit row, row-level security and the schedules' own
 * checks apply as to any import, and an error leaves nothing saved.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "n8n/bridge.h"
#include "n8n/n8n_sql.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(reporunner_import_n8n);
PG_FUNCTION_INFO_V1(reporunner_n8n_document);

static char *
jsonb_text(Jsonb *value)
{
	return JsonbToCString(NULL, &value->root, VARSIZE(value));
}

/*
 * The translated JSON of out as jsonb, or the error out describes (with
 * message for problems); frees out first either way.
 */
static Datum
outcome_result(RrN8nOutcome *out, const char *message, const char *hint)
{
	StringInfoData detail;
	char	   *text;
	char	   *error;
	RrN8nError	kind = out->error;
	bool		invalid = out->invalid;
	int			nlines = out->nlines;
	int			i;

	if (kind != RR_N8N_OK)
	{
		error = pstrdup(out->message ? out->message : "out of memory");
		rr_n8n_outcome_free(out);
		if (kind == RR_N8N_OUT_OF_MEMORY)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		if (kind == RR_N8N_UNREADABLE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s", message),
					 errdetail("The JSON cannot be read: %s.", error),
					 errhint("Numbers must be integers of at most 64 bits or decimal numbers.")));
		ereport(ERROR,
				(errcode(kind == RR_N8N_OPTION_TYPE ? ERRCODE_DATATYPE_MISMATCH :
						 ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", error),
				 kind == RR_N8N_UNKNOWN_OPTION ?
				 errdetail("The options are \"workflows\" and \"pin_data\".") : 0));
	}
	if (nlines > 0)
	{
		initStringInfo(&detail);
		for (i = 0; i < nlines; i++)
			appendStringInfo(&detail, "%s%s", i > 0 ? "\n" : "",
							 out->lines[i] ? out->lines[i] : "out of memory");
		rr_n8n_outcome_free(out);
		ereport(ERROR,
				(errcode(invalid ? ERRCODE_INVALID_PARAMETER_VALUE :
						 ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s: %d %s", message, nlines,
						nlines == 1 ? "problem" : "problems"),
				 errdetail("%s", detail.data),
				 errhint("%s", hint)));
	}
	text = pstrdup(out->text);
	rr_n8n_outcome_free(out);
	return OidFunctionCall1(F_JSONB_IN, CStringGetDatum(text));
}

/* The document of the n8n workflow in argument 0, options in argno */
static Datum
import_document(FunctionCallInfo fcinfo, int argno, const char *message)
{
	RrN8nOutcome out;
	char	   *workflow = jsonb_text(PG_GETARG_JSONB_P(0));
	char	   *options = PG_ARGISNULL(argno) ? "{}" :
		jsonb_text(PG_GETARG_JSONB_P(argno));

	rr_n8n_import_text(workflow, options, &out);
	return outcome_result(&out, message,
						  "Nothing was saved. docs/n8n.md says what each n8n node becomes.");
}

/* The name in argument argno, else the n8n workflow's own */
static char *
workflow_name(FunctionCallInfo fcinfo, int argno)
{
	Jsonb	   *workflow = PG_GETARG_JSONB_P(0);
	JsonbValue	key;
	JsonbValue *value;

	if (!PG_ARGISNULL(argno))
		return text_to_cstring(PG_GETARG_TEXT_PP(argno));
	key.type = jbvString;
	key.val.string.val = "name";
	key.val.string.len = 4;
	value = JB_ROOT_IS_OBJECT(workflow) ?
		findJsonbValueFromContainer(&workflow->root, JB_FOBJECT, &key) : NULL;
	if (value == NULL || value->type != jbvString || value->val.string.len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the n8n workflow has no name"),
				 errhint("Pass the name to give it as the second argument.")));
	return pnstrdup(value->val.string.val, value->val.string.len);
}

/* import_n8n(workflow, name, options): save it; returns the version */
Datum
reporunner_import_n8n(PG_FUNCTION_ARGS)
{
	char	   *name;
	Oid			argtypes[2] = {TEXTOID, JSONBOID};
	Datum		values[2];
	bool		isnull;
	int32		version;
	int			nestlevel;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the n8n workflow must not be null")));
	name = workflow_name(fcinfo, 1);
	values[0] = CStringGetTextDatum(name);
	values[1] = import_document(fcinfo, 2,
								psprintf("n8n workflow \"%s\" cannot be imported faithfully",
										 name));
	nestlevel = rr_store_begin();
	rr_store_run("SELECT reporunner.import_workflow($1, $2)", 2, argtypes,
				 values, SPI_OK_SELECT);
	version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	PG_RETURN_INT32(version);
}

/* n8n_document(workflow, options): the document import_n8n() would save */
Datum
reporunner_n8n_document(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return import_document(fcinfo, 1,
						   "n8n workflow cannot be translated faithfully");
}

/* export_workflow(format => 'n8n'): document (jsonb) as n8n JSON */
Datum
rr_n8n_export_document(Datum document, const char *name)
{
	RrN8nOutcome out;

	rr_n8n_export_text(jsonb_text(DatumGetJsonbP(document)), name, &out);
	return outcome_result(&out,
						  psprintf("workflow \"%s\" cannot be exported to n8n faithfully",
								   name),
						  "docs/n8n.md says what each node becomes in n8n.");
}
