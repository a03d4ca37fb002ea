/*-------------------------------------------------------------------------
 *
 * retry_policy.c
 *		When a node that failed runs again: its "retry" params.
 *
 * A node's retry policy is {"tries", "delay", "backoff", "max_delay",
 * "jitter"}, checked when the workflow was saved.  A node may ask for a
 * longer wait for the failure it raises (an http node, the response's
 * Retry-After: rr_retry_not_before).  Only background
 * executions retry (src/engine/queue.c records the attempt and the time).
 * The bounds of src/document/document.h hold here too, so a version saved
 * before they existed cannot retry without end or wait a wrapped-around
 * time.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/pg_prng.h"
#include "document/document.h"
#include "engine/retry_policy.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

/* The wait the failing node asked for (rr_retry_not_before), or 0 */
static int64 hinted_delay_ms = 0;

void
rr_retry_not_before(int64 delay_ms)
{
	hinted_delay_ms = Min(Max(delay_ms, 0), RR_RETRY_DELAY_MAX_MS);
}

/* Whether the failing node said trying again cannot help (rr_retry_never) */
static bool hinted_never = false;

void
rr_retry_never(void)
{
	hinted_never = true;
}

void
rr_retry_forget_hint(void)
{
	hinted_delay_ms = 0;
	hinted_never = false;
}

/* A number or duration of a node's retry policy; false when absent. */
static bool
retry_number(const RrPlanNode *node, const char *name, double *number)
{
	JsonbValue *value = getKeyJsonValueFromContainer(&node->retry->root, name,
													 strlen(name), NULL);

	if (value == NULL || value->type != jbvNumeric)
		return false;
	*number = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
												 NumericGetDatum(value->val.numeric)));
	return true;
}

static bool
retry_duration(const RrPlanNode *node, const char *name, int64_t *ms)
{
	return rr_jsonb_duration(getKeyJsonValueFromContainer(&node->retry->root,
														  name, strlen(name),
														  NULL),
							 ms);
}

bool
rr_retry_delay(const RrPlanNode *node, int attempt, int64 *delay_ms)
{
	double		tries = 1;
	double		backoff = 1;
	double		jitter = 0;
	int64_t		delay = 0;
	int64_t		max_delay = 0;
	double		ms;
	int64		hinted = hinted_delay_ms;
	bool		never = hinted_never;

	hinted_delay_ms = 0;
	hinted_never = false;
	if (never || node->retry == NULL || !retry_number(node, "tries", &tries) ||
		attempt >= Min(tries, RR_RETRY_TRIES_MAX))
		return false;
	(void) retry_duration(node, "delay", &delay);
	(void) retry_duration(node, "max_delay", &max_delay);
	(void) retry_number(node, "backoff", &backoff);
	(void) retry_number(node, "jitter", &jitter);

	/* with no delay, no backoff: 0 * inf would be NaN */
	ms = delay > 0 ? (double) delay * pow(Min(backoff, RR_RETRY_BACKOFF_MAX),
										  attempt - 1) : 0;
	if (max_delay > 0 && ms > (double) max_delay)
		ms = (double) max_delay;
	if (jitter > 0)
		ms *= 1.0 - jitter + 2.0 * jitter * pg_prng_double(&pg_global_prng_state);
	*delay_ms = Max((int64) Min(ms, (double) RR_RETRY_DELAY_MAX_MS), hinted);
	return true;
}
