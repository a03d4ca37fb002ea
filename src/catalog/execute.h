/*-------------------------------------------------------------------------
 *
 * execute.h
 *		Running a workflow in the caller's transaction (execute(), and
 *		table triggers in sync mode).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_EXECUTE_H
#define RR_EXECUTE_H

#include "postgres.h"

#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "engine/executor.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

/*
 * Run plan now on items (Jsonb * objects; input, when not NULL, the same
 * items as the jsonb array they came from), in the caller's transaction,
 * as execution mode ("call", "table", "subworkflow"; trigger_id the
 * trigger that started it and parent_id the execution that called it, each
 * 0 if none), journaled as save says in the caller's transaction; a
 * failure is recorded apart (failed_call.c) and raised as it was.  Returns
 * the result items as a jsonb array, in the caller's memory context.
 */
extern Jsonb *rr_run_in_caller(RrPlan *plan, const char *mode, List *items,
							   Jsonb *input, RrSaveMode save, Oid caller,
							   int64 trigger_id, int64 parent_id);

/*
 * The plan of the workflow the current role may run under name (owned by
 * owner unless that is InvalidOid), at version (0: the active one),
 * checked against who may run it by path (src/catalog/run_as.c).
 */
extern RrPlan *rr_runnable_plan(const char *name, Oid owner, int32 version,
								RrRunPath path);

/*
 * The older_than argument of a prune function, in seconds: ERROR unless
 * the current role is a superuser or has the privileges of
 * reporunner_admin ("permission denied to prune <what>"), or when it is
 * negative.
 */
extern float8 rr_prune_arg(Interval *older_than, const char *what);

/*
 * Whether test_workflow() is running a case in this backend: executions
 * then journal nothing, not even a failed call, which is recorded apart
 * from the transaction and would outlive the case's rollback.
 */
extern bool rr_test_workflow_running(void);

#endif							/* RR_EXECUTE_H */
