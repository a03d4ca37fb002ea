/*-------------------------------------------------------------------------
 *
 * reporunner.c
 *		Module entry point: _PG_init and the reporunner.* settings.
 *
 * Reporunner runs workflows of nodes inside PostgreSQL.  This file only
 * defines the settings shared by the other parts; each part (catalog,
 * document, expr, ...) lives in its own folder under src/.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "reporunner.h"
#include "utils/guc.h"
#include "utils/memutils.h"

PG_MODULE_MAGIC;

/* GUC variables */
int			rr_max_document_size = 1024 * 1024;

void		_PG_init(void);

/*
 * Module load callback.  The settings are defined whether or not the
 * library is preloaded, so that the SQL functions work in any backend.
 */
void
_PG_init(void)
{
	DefineCustomIntVariable("reporunner.max_document_size",
							"Largest workflow document that may be saved.",
							"Documents are measured as jsonb text; larger ones are rejected.",
							&rr_max_document_size,
							1024 * 1024,
							1024,
							MaxAllocSize / 2,
							PGC_SUSET,
							GUC_UNIT_BYTE,
							NULL,
							NULL,
							NULL);

	MarkGUCPrefixReserved("reporunner");
}
