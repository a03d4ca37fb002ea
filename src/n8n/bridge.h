/*-------------------------------------------------------------------------
 *
 * bridge.h
 *		The n8n translation as text in, text out (no jansson, no server
 *		header), for n8n_sql.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_N8N_BRIDGE_H
#define RR_N8N_BRIDGE_H

#include <stdbool.h>

/* What is wrong before any node is translated */
typedef enum RrN8nError
{
	RR_N8N_OK,
	RR_N8N_UNKNOWN_OPTION,		/* 22023 */
	RR_N8N_OPTION_TYPE,			/* 42804: an option of the wrong type */
	RR_N8N_UNREADABLE,			/* 22023: JSON jansson cannot hold, such
								 * as an integer beyond 64 bits */
	RR_N8N_OUT_OF_MEMORY		/* 53200 */
} RrN8nError;

/* What a translation gives; every pointer malloc'd */
typedef struct RrN8nOutcome
{
	char	   *text;			/* the translated JSON, without problems */
	char	  **lines;			/* one line per problem */
	int			nlines;
	bool		invalid;		/* a problem is invalid n8n, not a gap */
	RrN8nError	error;
	char	   *message;		/* what is wrong, with error */
} RrN8nOutcome;

extern void rr_n8n_import_text(const char *workflow, const char *options,
							   RrN8nOutcome *out);
extern void rr_n8n_export_text(const char *document, const char *name,
							   RrN8nOutcome *out);
extern void rr_n8n_outcome_free(RrN8nOutcome *out);

#endif							/* RR_N8N_BRIDGE_H */
