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

/*
 * A node that is failing says when the service it called may be asked
 * again (an HTTP Retry-After): if the node runs again, not sooner.  Good
 * for the failure being raised only: the executor forgets it before every
 * node run, and rr_retry_delay() uses it up.
 */
extern void rr_retry_not_before(int64 delay_ms);

/*
 * A node that is failing says trying again cannot help (an HTTP status its
 * service does not retry): the node does not run again, whatever its
 * policy.  Good for the failure being raised only, like the wait above.
 */
extern void rr_retry_never(void);
extern void rr_retry_forget_hint(void);

#endif							/* RR_RETRY_POLICY_H */
