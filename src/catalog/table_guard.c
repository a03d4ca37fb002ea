/*-------------------------------------------------------------------------
 *
 * table_guard.c
 *		Who may lock Reporunner's tables: LOCK TABLE of a relation in
 *		schema reporunner, named or read by a view that is named, in a mode
 *		stronger than ROW EXCLUSIVE, is for the tables' owner.
 *
 * Every tenant shares the tables, under row-level security.  PostgreSQL
 * lets a role that may DELETE from a table lock it in any mode, and
 * tenants may delete their own rows of reporunner.workflow and
 * reporunner.dedup_key: one tenant's ACCESS EXCLUSIVE lock would hold
 * every tenant's executions off until its transaction ended.  The check
 * runs in the module's ProcessUtility hook (src/reporunner.c), before
 * PostgreSQL's own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/table_guard.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "rewrite/rewriteHandler.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

/* LOCK TABLE's names of its modes, by LOCKMODE */
static const char *const lock_mode_names[] = {
	NULL, "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE",
	"SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE",
	"ACCESS EXCLUSIVE"
};

/* What a LOCK TABLE statement is checked for */
typedef struct LockCheck
{
	Oid			schema;			/* reporunner */
	LOCKMODE	mode;
	List	   *views;			/* the views on the way, against loops */
} LockCheck;

static void check_locked_relation(Oid relid, LockCheck *check);

/* The relations a view's query reads, in its subqueries and sublinks too */
static bool
check_view_query(Node *node, LockCheck *check)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		Query	   *query = (Query *) node;
		ListCell   *lc;

		foreach(lc, query->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);

			if (rte->rtekind == RTE_RELATION)
				check_locked_relation(rte->relid, check);
		}
		return query_tree_walker(query, check_view_query, check, 0);
	}
	return expression_tree_walker(node, check_view_query, check);
}

/*
 * ERROR when LOCK TABLE would lock relid, one of Reporunner's, for a role
 * that does not own it; a view locks the relations it reads in turn, as
 * PostgreSQL's LockViewRecurse() does
 */
static void
check_locked_relation(Oid relid, LockCheck *check)
{
	Relation	view;

	if (get_rel_namespace(relid) == check->schema &&
		!pg_class_ownercheck(relid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to lock table %s in %s mode",
						quote_qualified_identifier("reporunner",
												   get_rel_name(relid)),
						lock_mode_names[check->mode]),
				 errdetail("Every role shares Reporunner's tables; only their owner may hold off the others' reads or writes.")));
	if (get_rel_relkind(relid) != RELKIND_VIEW ||
		list_member_oid(check->views, relid))
		return;
	check_stack_depth();
	check->views = lappend_oid(check->views, relid);
	view = relation_open(relid, AccessShareLock);
	(void) check_view_query((Node *) get_view_query(view), check);
	relation_close(view, AccessShareLock);
	check->views = list_delete_last(check->views);
}

void
rr_table_check_utility(Node *utility)
{
	LockStmt   *stmt;
	LockCheck	check;
	ListCell   *lc;

	if (!IsA(utility, LockStmt))
		return;
	stmt = (LockStmt *) utility;
	/* ROW EXCLUSIVE is what writes take anyway; stronger ones hold others off */
	if (stmt->mode <= RowExclusiveLock || superuser())
		return;
	check.schema = get_namespace_oid("reporunner", true);
	check.mode = stmt->mode;
	check.views = NIL;
	if (!OidIsValid(check.schema))
		return;
	foreach(lc, stmt->relations)
	{
		Oid			relid = RangeVarGetRelid(lfirst(lc), NoLock, true);

		if (OidIsValid(relid))
			check_locked_relation(relid, &check);
	}
}
