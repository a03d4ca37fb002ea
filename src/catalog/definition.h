/*-------------------------------------------------------------------------
 *
 * definition.h
 *		Server-side checks of workflow definitions and names.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_DEFINITION_H
#define RR_DEFINITION_H

#include "postgres.h"

#include "utils/jsonb.h"

/* Raise an ERROR naming the first problem of the document, if any. */
extern void rr_check_definition(Jsonb *definition);

/* Raise an ERROR if name cannot be a workflow name. */
extern void rr_check_workflow_name(const char *name);

#endif							/* RR_DEFINITION_H */
