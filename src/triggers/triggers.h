/*-------------------------------------------------------------------------
 *
 * triggers.h
 *		Registrations of what starts workflows (reporunner.trigger), shared
 *		by the kinds of trigger.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_TRIGGERS_H
#define RR_TRIGGERS_H

#include "postgres.h"

#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "catalog/workflow_store.h"
#include "utils/jsonb.h"

/* A registration, as a firing reads it */
typedef struct RrRegistration
{
	int64		id;
	int64		workflow_id;
	Oid			owner;			/* the workflow's */
	Oid			created_by;		/* the role it runs for */
	char	   *workflow;		/* the workflow's name */
	int32		version;		/* its active version, 0 if none */
	Jsonb	   *options;
} RrRegistration;

/*
 * The workflow called name that a new registration will start, checked as
 * start() checks it: the caller may queue it, and, with queues (it will
 * run in the workers), a worker can run it.
 */
extern void rr_registration_workflow(const char *name, bool queues,
									 RrWorkflowRef *ref);

/*
 * Insert a registration of kind ("table", "schedule", "notify") for the
 * caller, as the tables' owner, and audit it; returns its id.
 */
extern int64 rr_registration_insert(const RrWorkflowRef *ref,
									const char *workflow, const char *kind,
									const char *target, Jsonb *options);

/*
 * Read registration id of kind, with its workflow, as the tables' owner;
 * false when there is none.  owner is the registration's when the caller
 * knows it (on Citus, a read of its shard), InvalidOid when not (on Citus,
 * a read of every shard).
 */
extern bool rr_registration_read(int64 id, Oid owner, const char *kind,
								 RrRegistration *registration);

/*
 * The plan a firing runs: ERROR when the workflow has no active version,
 * or when the role the registration runs for may no longer run it by path.
 */
extern RrPlan *rr_registration_plan(const RrRegistration *registration,
									RrRunPath path);

/* A top-level option of a registration, as text or jsonb; NULL if none */
extern char *rr_registration_option(const RrRegistration *registration,
									const char *key);
extern Jsonb *rr_registration_option_jsonb(const RrRegistration *registration,
										   const char *key);

/*
 * Delete registration id of owner, as the tables' owner, once the caller's
 * right to has been checked, and audit it; what it made goes with it
 * (forget_trigger(), or rr_registration_deleted() on Citus).
 */
extern void rr_registration_delete(int64 id, Oid owner);

/*
 * A statement that deletes registrations returns, for the audit, this
 * list of their columns, then their workflow's name:
 * WITH t AS (DELETE ... RETURNING RR_SQL_DELETED_REGISTRATION)
 * SELECT t.*, w.name FROM t JOIN reporunner.workflow w
 *	 ON w.id = t.workflow_id AND w.owner = t.owner.
 * rr_registration_deleted() audits the rows it returned (the last SPI
 * result) and, on Citus, where forget_trigger() fires on the shards,
 * removes what they made.  A registration deleted with its workflow is
 * not audited apart: the workflow's deletion is.
 */
#define RR_SQL_DELETED_REGISTRATION \
	"id, owner, kind, target, options, workflow_id"
extern void rr_registration_deleted(void);

/*
 * On Citus, remove what the registrations of workflow workflow_id (of
 * owner) made, before delete_workflow() deletes them with the workflow
 * through the foreign keys: forget_trigger() then fires on the shards,
 * where none of it is.  On one server it does nothing: forget_trigger()
 * does it.
 */
extern void rr_registrations_forget_workflow(int64 workflow_id, Oid owner);

/*
 * Run sql as the caller, SPI connected (rr_store_begin): a statement on no
 * table of Reporunner's whose privileges are the caller's to have
 * (cron.schedule(), a kind's function in import_workflow()).  On
 * Citus, rr_store_run() runs every statement as the tables' owner.
 */
extern void rr_registration_run_as_caller(const char *sql, int nargs,
										  Oid *argtypes, Datum *values,
										  int expected);

/* Kind-specific cleanup when a registration is deleted */
extern void rr_table_trigger_drop(int64 id);
extern void rr_schedule_drop(int64 id);
extern void rr_notify_drop(int64 id);

/* A notification the NOTIFY listener received */
typedef struct RrNotification
{
	char	   *channel;
	char	   *payload;
	int			pid;			/* of the backend that sent it */
} RrNotification;

/*
 * The channels of the NOTIFY triggers (char *, each once), read in the
 * current transaction.
 */
extern List *rr_notify_channels(void);

/*
 * Queue, in the current transaction, one execution for each of the n
 * notifications and each NOTIFY trigger of its channel; returns how many.
 */
extern int64 rr_notify_fire(const RrNotification *notifications, int n);

#endif							/* RR_TRIGGERS_H */
