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

#include "catalog/role_rows.h"
#include "catalog/table_guard.h"
#include "catalog/workflow_cache.h"
#include "crypto/key.h"
#include "engine/activity.h"
#include "engine/executor.h"
#include "engine/node_guard.h"
#include "engine/node_search_path.h"
#include "fmgr.h"
#include "http/request.h"
#include "http/stats.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "tcop/utility.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "webhook/webhook.h"
#include "worker/worker.h"

PG_MODULE_MAGIC;

/* GUC variables */
int			rr_max_document_size = 1024 * 1024;
int			rr_workers_per_database = 2;
int			rr_max_databases = 64;
int			rr_retention = 14 * 24 * 3600;

void		_PG_init(void);

static ProcessUtility_hook_type prev_process_utility = NULL;

/*
 * The checks the parts of Reporunner make of utility statements (what
 * node code may not run, roles that still own rows, locks of the shared
 * tables, a database's NOTIFY listener that DROP DATABASE would wait for),
 * then the statement.
 */
static void
rr_process_utility(PlannedStmt *pstmt, const char *queryString,
				   bool readOnlyTree, ProcessUtilityContext context,
				   ParamListInfo params, QueryEnvironment *queryEnv,
				   DestReceiver *dest, QueryCompletion *qc)
{
	rr_node_guard_check_utility(pstmt->utilityStmt);
	rr_role_rows_check_utility(pstmt->utilityStmt);
	rr_table_check_utility(pstmt->utilityStmt);
	rr_worker_check_utility(pstmt->utilityStmt);
	if (prev_process_utility != NULL)
		prev_process_utility(pstmt, queryString, readOnlyTree, context,
							 params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

/*
 * Module load callback.  The settings are defined whether or not the
 * library is preloaded, so that the SQL functions work in any backend;
 * only reporunner.max_databases, which sizes shared memory, needs the
 * library preloaded.  The background workers start only then.
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

	DefineCustomIntVariable("reporunner.workers_per_database",
							"Most background workers running executions in one database.",
							"0 pauses background execution: executions stay queued, and running workers leave after their batch.",
							&rr_workers_per_database,
							2,
							0,
							64,
							PGC_SIGHUP,
							0,
							NULL,
							NULL,
							NULL);

	/* sizes shared memory: can only be defined while preloading */
	if (process_shared_preload_libraries_in_progress)
		DefineCustomIntVariable("reporunner.max_databases",
								"Most databases whose executions background workers run.",
								"Each takes a slot in shared memory.",
								&rr_max_databases,
								64,
								1,
								4096,
								PGC_POSTMASTER,
								0,
								NULL,
								NULL,
								NULL);

	DefineCustomIntVariable("reporunner.retention",
							"How long finished executions are kept.",
							"Background workers delete older ones, with their steps, in small batches; 0 keeps them forever.",
							&rr_retention,
							14 * 24 * 3600,
							0,
							PG_INT32_MAX,
							PGC_SIGHUP,
							GUC_UNIT_S,
							NULL,
							NULL,
							NULL);

	rr_activity_init();
	rr_executor_init();
	rr_http_init();
	rr_http_stats_init();
	rr_key_init();
	rr_node_guard_init();
	rr_node_search_path_init();
	rr_queue_init();
	rr_listener_init();
	rr_webhook_init();
	rr_workflow_cache_init();
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = rr_process_utility;

	MarkGUCPrefixReserved("reporunner");

	rr_worker_init();
}
