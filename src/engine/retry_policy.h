/*-------------------------------------------------------------------------
 *
 * retry_policy.h
 *		When a node that failed runs again: its "retry" params.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_RETRY_POLICY_H
#define RR_RETRY_POLICY_H

#include "catalog/plan.h"

/*
 * Whether a node that failed on this attempt (1 for its first run) runs
 * again, and after how many milliseconds: "tries" attempts in all; "delay"
 * before the second, multiplied by "backoff" for each further one, at most
 * "max_delay", spread by "jitter" (0.1 = plus or minus 10 %).
 */
extern bool rr_retry_delay(const RrPlanNode *node, int attempt,
						   int64 *delay_ms);

#endif							/* RR_RETRY_POLICY_H */
