/*-------------------------------------------------------------------------
 *
 * subworkflow_call.h
 *		Sub-workflow calls of a background run, shared by the nodes that
 *		make them (execute_workflow, ai_agent).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_SUBWORKFLOW_CALL_H
#define RR_SUBWORKFLOW_CALL_H

#include "postgres.h"

#include "catalog/plan.h"
#include "engine/node_handler.h"
#include "utils/jsonb.h"

/*
 * Queue a call of plan with items for the workers, as a child of this
 * execution, with the idempotency key key (NULL: none; a key already
 * queued queues nothing); ERROR (54001) when it would nest deeper than
 * reporunner.max_call_depth.
 */
extern void rr_subworkflow_queue(RrNodeRun *run, RrPlan *plan, List *items,
								 const char *key);

/*
 * The results of the calls of workflow (of owner; InvalidOid when not
 * known, which reads every shard on Citus) with the ncalls keys, once all
 * of them ended: true and outputs[i] the result of keys[i] (NULL for
 * none), or false when some still run.  The first that failed raises its
 * error; one missing (deleted) raises 22000.
 */
extern bool rr_subworkflow_results(RrNodeRun *run, const char *workflow,
								   Oid owner, int ncalls, char **keys,
								   Jsonb **outputs);

/*
 * A call's idempotency key for the node run: key itself for the node's
 * first run in the execution, key with the run's number for the later
 * ones (a loop), so that each run's calls are its own.  The first run's
 * keys are those of releases without loops, which executions queued
 * before an upgrade still name.
 */
extern char *rr_subworkflow_run_key(char *key, RrNodeRun *run);

#endif							/* RR_SUBWORKFLOW_CALL_H */
