/*-------------------------------------------------------------------------
 *
 * wake.c
 *		Wake the webhook listener when an execution it waits for ends.
 *
 * A when_finished request waits in the listener for its execution, which a
 * background worker runs.  The listener publishes its process number in
 * shared memory; a worker that finishes an execution started by a webhook
 * calls rr_webhook_wake_at_commit(), and a transaction callback sets the
 * listener's latch once the end is committed (before it, the listener
 * would not see it).  The listener then answers at once instead of at its
 * next look (RR_WEBHOOK_POLL_MS, which stays for executions that end
 * otherwise, such as by cancel()).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "webhook/webhook.h"

#define RR_WEBHOOK_WAKE_NAME	"reporunner webhook listener"

/* The listener's pgprocno + 1, or 0 while none runs */
typedef struct WebhookShared
{
	pg_atomic_uint32 listener;
} WebhookShared;

static WebhookShared *shared = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* Whether the current transaction finished an execution a webhook started */
static bool wake_pending = false;
static bool callback_registered = false;

static void
wake_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sizeof(WebhookShared));
}

static void
wake_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	shared = ShmemInitStruct(RR_WEBHOOK_WAKE_NAME, sizeof(WebhookShared), &found);
	if (!found)
		pg_atomic_init_u32(&shared->listener, 0);
	LWLockRelease(AddinShmemInitLock);
}

void
rr_webhook_wake_init(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = wake_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = wake_shmem_startup;
}

/* on_shmem_exit callback: the listener is gone */
static void
unpublish(int code, Datum arg)
{
	pg_atomic_write_u32(&shared->listener, 0);
}

void
rr_webhook_wake_publish(void)
{
	Assert(shared != NULL);
	pg_atomic_write_u32(&shared->listener, (uint32) MyProc->pgprocno + 1);
	on_shmem_exit(unpublish, (Datum) 0);
}

static void
wake_xact_callback(XactEvent event, void *arg)
{
	uint32		listener;

	switch (event)
	{
		case XACT_EVENT_COMMIT:
			if (!wake_pending)
				break;
			wake_pending = false;
			listener = pg_atomic_read_u32(&shared->listener);
			if (listener != 0)
				SetLatch(&ProcGlobal->allProcs[listener - 1].procLatch);
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_ABORT:
			wake_pending = false;
			break;
		default:
			break;
	}
}

void
rr_webhook_wake_at_commit(void)
{
	/* no shared memory of ours: no listener to wake */
	if (shared == NULL)
		return;
	if (!callback_registered)
	{
		RegisterXactCallback(wake_xact_callback, NULL);
		callback_registered = true;
	}
	wake_pending = true;
}
