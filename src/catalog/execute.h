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
#include "engine/executor.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"

/*
 * Run plan now on items (Jsonb * objects), in the caller's transaction,
 * as execution mode ("call", "table"; trigger_id the trigger that started
 * it, or 0), journaled as save says in the caller's transaction; a failure
 * is recorded apart (failed_call.c) and raised as it was.  Returns the
 * result items as a jsonb array, in the caller's memory context.
 */
extern Jsonb *rr_run_in_caller(RrPlan *plan, const char *mode, List *items,
							   RrSaveMode save, Oid caller, int64 trigger_id);

#endif							/* RR_EXECUTE_H */
