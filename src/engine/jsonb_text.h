/*-------------------------------------------------------------------------
 *
 * jsonb_text.h
 *		Items written as JSON text for the journal.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_JSONB_TEXT_H
#define RR_JSONB_TEXT_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

/* Append value as jsonb's output function writes it (JsonbToCString()) */
extern void rr_jsonb_append_text(StringInfo buf, const Jsonb *value);

#endif							/* RR_JSONB_TEXT_H */
