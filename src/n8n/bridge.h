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

/* What a translation gives; every pointer malloc'd */
typedef struct RrN8nOutcome
{
	char	   *text;			/* the translated JSON, without problems */
	char	  **lines;			/* one line per problem */
	int			nlines;
	bool		invalid;		/* a problem is invalid n8n, not a gap */
	char	   *error;			/* what is wrong with the options */
	bool		error_wrong_type;	/* ... a value of the wrong type */
	bool		out_of_memory;
} RrN8nOutcome;

extern void rr_n8n_import_text(const char *workflow, const char *options,
							   RrN8nOutcome *out);
extern void rr_n8n_export_text(const char *document, const char *name,
							   RrN8nOutcome *out);
extern void rr_n8n_outcome_free(RrN8nOutcome *out);

#endif							/* RR_N8N_BRIDGE_H */
