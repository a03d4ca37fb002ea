/*-------------------------------------------------------------------------
 *
 * workflow_store.h
 *		Finding workflows by name for the SQL API.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_WORKFLOW_STORE_H
#define RR_WORKFLOW_STORE_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/jsonb.h"

/* A workflow found by name */
typedef struct RrWorkflowRef
{
	int64		id;
	Oid			owner;
	int32		active_version;	/* 0 when none is active */
} RrWorkflowRef;

/* What the caller wants to do with the workflow it looks up. */
typedef enum RrWorkflowAccess
{
	RR_WORKFLOW_RUN,			/* run it: shared workflows count when
								 * their owner is named */
	RR_WORKFLOW_MANAGE,			/* read its versions: owners, members,
								 * admins */
	RR_WORKFLOW_LOCK			/* change it: as MANAGE, row locked */
} RrWorkflowAccess;

/*
 * The workflow name in argument argno of a SQL function that is not
 * STRICT; ERROR 22004 when it is null.
 */
extern char *rr_workflow_name_arg(FunctionCallInfo fcinfo, int argno);

/*
 * Find the workflow called name among those the caller can see (inside
 * rr_store_begin/rr_store_end), owned by owner_only unless that is
 * InvalidOid.  The caller's own workflow wins; otherwise exactly one must
 * be visible, or the name is ambiguous (an ERROR).  Workflows shared with
 * the caller count only for RR_WORKFLOW_RUN with owner_only given.
 * rr_workflow_find returns false when there is none; rr_workflow_get
 * raises "workflow does not exist".
 */
extern bool rr_workflow_find(const char *name, RrWorkflowAccess access,
							 Oid owner_only, RrWorkflowRef *ref);

/*
 * The caller's own workflow called name, found by reading the table's
 * index directly, without SPI (so outside rr_store_begin/rr_store_end):
 * false when the caller owns none, and always on Citus, where only SQL
 * can tell; rr_workflow_get() then decides.
 */
extern bool rr_workflow_find_own(const char *name, RrWorkflowRef *ref);
extern void rr_workflow_get(const char *name, RrWorkflowAccess access,
							Oid owner_only, RrWorkflowRef *ref);

/*
 * The version number in argument argno of a SQL function about the
 * workflow found above: the workflow's active version when the argument
 * is null, "workflow has no active version" (an ERROR, 42704) when it has
 * none.  Whether the version exists is for the caller to find out.
 */
extern int32 rr_workflow_version_arg(FunctionCallInfo fcinfo, int argno,
									 const char *name,
									 const RrWorkflowRef *ref);

/*
 * The saved document of a version of a workflow found above (inside
 * rr_store_begin/rr_store_end), copied out of SPI's memory; "workflow has
 * no version" (an ERROR) when there is none.
 */
extern Datum rr_workflow_definition(const char *name,
									const RrWorkflowRef *ref, int32 version);

/*
 * Save definition as a new version of the caller's workflow called name
 * (none when it is identical to the latest), making it the active one if
 * activate; returns the version, and sets *workflow_id unless it is NULL.
 * The document is checked first; its "triggers" are not saved (nor made).
 * A new version is audited as action ("save", "import").
 */
extern int32 rr_workflow_save(const char *name, Jsonb *definition,
							  bool activate, const char *action,
							  int64 *workflow_id);

#endif							/* RR_WORKFLOW_STORE_H */
