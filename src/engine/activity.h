/*-------------------------------------------------------------------------
 *
 * activity.h
 *		What each process runs now, published for reporunner.activity.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ACTIVITY_H
#define RR_ACTIVITY_H

#include "postgres.h"

#include "document/document.h"
#include "engine/executor.h"

/* What one process runs: an execution, and the node it is at */
typedef struct RrActivity
{
	Oid			owner;			/* InvalidOid: nothing runs */
	int64		workflow_id;
	int32		version;
	int64		execution_id;	/* 0: none (execute() without a journal) */
	char		mode[16];		/* "call", "start", ... */
	TimestampTz execution_started;
	TimestampTz node_started;	/* 0: between nodes */
	char		node[RR_DOC_NAME_LEN + 1];
} RrActivity;

/* Ask for the shared memory; _PG_init, while preloading only */
extern void rr_activity_init(void);

/*
 * The process starts running execution (before its first node); what it
 * ran until then (an outer execution, whose node called this one) is
 * copied to *outer, for rr_activity_end to publish again.
 */
extern void rr_activity_begin(const RrExecution *execution, RrActivity *outer);

/* The running execution is at this node now. */
extern void rr_activity_node(const char *node);

/* The execution has ended: publish what ran before it again. */
extern void rr_activity_end(const RrActivity *outer);

#endif							/* RR_ACTIVITY_H */
