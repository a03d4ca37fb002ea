/*-------------------------------------------------------------------------
 *
 * reporunner.h
 *		Settings, limits and small helpers shared by every part of
 *		Reporunner.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REPORUNNER_H
#define REPORUNNER_H

#include "document/document.h"
#include "fmgr.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* Most nodes one workflow document may hold. */
#define RR_MAX_NODES		10000

/* Longest workflow name, in bytes (also enforced by a CHECK constraint). */
#define RR_MAX_NAME_BYTES	128

/* GUC variables (reporunner.c) */
extern PGDLLIMPORT int rr_max_document_size;
extern PGDLLIMPORT int rr_retention;	/* seconds; 0 keeps executions */

/* ERROR 22023 for an argument or option a caller got wrong. */
static inline void
rr_invalid_parameter(const char *message, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 errdetail("%s", detail)));
}

/* A new empty jsonb object, {}. */
static inline Jsonb *
rr_jsonb_empty_object(void)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
}

/* A jsonb as a binary JsonbValue, to push or to wrap in another value. */
static inline void
rr_jsonb_value(Jsonb *jsonb, JsonbValue *value)
{
	value->type = jbvBinary;
	value->val.binary.data = &jsonb->root;
	value->val.binary.len = VARSIZE(jsonb) - VARHDRSZ;
}

/* {key: value}: a new jsonb object of one member */
static inline Jsonb *
rr_jsonb_wrap(const char *key, JsonbValue *value)
{
	JsonbParseState *state = NULL;
	JsonbValue	name;

	name.type = jbvString;
	name.val.string.val = (char *) key;
	name.val.string.len = strlen(key);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&state, WJB_KEY, &name);
	pushJsonbValue(&state, WJB_VALUE, value);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * A jsonb value that is a duration string ("5min"), in milliseconds; false
 * when it is missing or no such string.
 */
static inline bool
rr_jsonb_duration(const JsonbValue *value, int64_t *ms)
{
	return value != NULL && value->type == jbvString &&
		rr_duration_parse(pnstrdup(value->val.string.val, value->val.string.len),
						  ms);
}

/*
 * Whether a periodic task is due: at the first call, then once every
 * interval_ms; *last holds when it last ran, and is reset when it is due.
 */
static inline bool
rr_due_now(TimestampTz *last, int interval_ms)
{
	TimestampTz now = GetCurrentTimestamp();

	if (*last != 0 && !TimestampDifferenceExceeds(*last, now, interval_ms))
		return false;
	*last = now;
	return true;
}

#endif							/* REPORUNNER_H */
