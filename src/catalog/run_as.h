/*-------------------------------------------------------------------------
 *
 * run_as.h
 *		Who may run a workflow, which runs as its owner.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_RUN_AS_H
#define RR_RUN_AS_H

#include "postgres.h"

/* How the caller wants the workflow run. */
typedef enum RrRunPath
{
	RR_RUN_CALL,				/* execute(), in the caller's transaction */
	RR_RUN_QUEUE,				/* start() or retry(): queued for a worker */
	RR_RUN_WORKER				/* a worker, for the role that queued it */
} RrRunPath;

/*
 * Raise an ERROR (42501) unless caller may run workflow workflow_id
 * (called name, owned by owner) as its owner by that path; version_active
 * says whether the version to run is the workflow's active one.
 */
extern void rr_check_run_as(Oid caller, Oid owner, int64 workflow_id,
							const char *name, bool version_active,
							RrRunPath path);

/*
 * Mark this process as one that runs queued executions (a worker): every
 * run it makes is a background run, even one that execute() in a node's
 * SQL, an execute_workflow node or an ai_agent tool asks for, and a role a
 * workflow is only shared with may not make one (as it may not queue it).
 */
extern void rr_run_as_worker_process(void);

/*
 * Whether role has a role attribute (SUPERUSER, CREATEROLE, CREATEDB,
 * REPLICATION, BYPASSRLS) that than lacks.
 */
extern bool rr_role_outranks(Oid role, Oid than);

/*
 * reporunner.has_owner_access(owner) for role instead of the current
 * user: on Citus, where Reporunner's statements run as the tables' owner
 * and row-level security filters nothing, the code checks with it what
 * the policies decide on one server.
 */
extern bool rr_has_owner_access(Oid role, Oid owner);

/*
 * Whether the owner of workflow workflow_id shared it with a role whose
 * privileges caller has.
 */
extern bool rr_is_shared_with(int64 workflow_id, Oid owner, Oid caller);

#endif							/* RR_RUN_AS_H */
