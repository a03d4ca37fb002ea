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

#include "catalog/workflow_store.h"
#include "utils/jsonb.h"

/*
 * The workflow called name that a new registration will start, checked as
 * start() checks it: the caller may queue it, and a worker can run it.
 */
extern void rr_registration_workflow(const char *name, RrWorkflowRef *ref);

/*
 * Insert a registration of kind ("table", "schedule") for the caller, as
 * the tables' owner; returns its id.
 */
extern int64 rr_registration_insert(const RrWorkflowRef *ref, const char *kind,
									const char *target, Jsonb *options);

/* Kind-specific cleanup when a registration is deleted */
extern void rr_table_trigger_drop(int64 id);
extern void rr_schedule_drop(int64 id);

#endif							/* RR_TRIGGERS_H */
