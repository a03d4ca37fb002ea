/*-------------------------------------------------------------------------
 *
 * n8n_sql.h
 *		export_workflow(format => 'n8n'): a saved document as n8n JSON.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_N8N_SQL_H
#define RR_N8N_SQL_H

#include "postgres.h"

extern Datum rr_n8n_export_document(Datum document, const char *name);

#endif							/* RR_N8N_SQL_H */
