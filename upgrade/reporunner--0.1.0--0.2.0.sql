/*
 * Reporunner 0.1.0 -> 0.2.0.  Applied by ALTER EXTENSION reporunner UPDATE;
 * the result must equal a fresh install of 0.2.0 (sql/998_upgrade checks
 * every object, privilege, policy and comment).
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION reporunner UPDATE TO '0.2.0'" to load this file. \quit

/*
 * Administrators act only for owners no more privileged than they are
 * (issue 9, F2): every policy calls has_owner_access, so replacing it
 * changes them all.
 */
CREATE FUNCTION reporunner.is_more_privileged(role oid)
RETURNS boolean
LANGUAGE C STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'reporunner_is_more_privileged';
COMMENT ON FUNCTION reporunner.is_more_privileged(oid) IS 'True when the role has a role attribute (SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS) the current role lacks';

CREATE OR REPLACE FUNCTION reporunner.has_owner_access(owner oid)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN pg_catalog.pg_has_role(CURRENT_USER, owner, 'USAGE')
	OR (pg_catalog.pg_has_role(CURRENT_USER, 'reporunner_admin', 'USAGE')
		AND NOT reporunner.is_more_privileged(owner));

/*
 * Tenants no longer insert dedup keys themselves (issue 9, F14): the
 * remove_duplicates node writes them as the tables' owner.
 */
REVOKE INSERT (workflow_id, node, key_hash, owner) ON reporunner.dedup_key FROM PUBLIC;

/*
 * Claims serve owners in turn and count what each owner runs (issue 9,
 * F10).
 */
CREATE INDEX queue_owner_idx ON reporunner.queue (owner, priority DESC, ready_at);
CREATE INDEX queue_leased_idx ON reporunner.queue (owner) WHERE lease_owner IS NOT NULL;
COMMENT ON INDEX reporunner.queue_owner_idx IS 'Claims serve owners in turn: each owner''s next execution, by priority then age';
COMMENT ON INDEX reporunner.queue_leased_idx IS 'Executions each owner runs now, for reporunner.max_workers_per_owner';

/*
 * A role's rows can be handed to another role before it is dropped
 * (issue 10); DROP ROLE of a role that still owns some is refused.
 */
CREATE FUNCTION reporunner.reassign_workflows(from_role regrole, to_role regrole)
RETURNS bigint
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_reassign_workflows';
COMMENT ON FUNCTION reporunner.reassign_workflows(regrole, regrole) IS 'Gives every workflow, execution and credential of one role to another, as REASSIGN OWNED does for database objects; returns how many workflows moved';

/*
 * (issue 10) A role that ran a workflow it does not own (one shared with it) sees the
 * journal of those runs: the execution rows it created, and their steps.
 * (Named to sort after the *_tenant policies, which PostgreSQL evaluates
 * first: the owners' own rows pass without the subquery.)
 */
CREATE POLICY execution_visible_to_creator ON reporunner.execution FOR SELECT
	USING (pg_catalog.pg_has_role(CURRENT_USER, created_by, 'USAGE'));
COMMENT ON POLICY execution_visible_to_creator ON reporunner.execution IS 'Roles see the executions they created, of workflows shared with them too';
CREATE POLICY step_visible_to_creator ON reporunner.step FOR SELECT
	USING (EXISTS (SELECT FROM reporunner.execution e
				   WHERE e.id = step.execution_id
					 AND pg_catalog.pg_has_role(CURRENT_USER, e.created_by, 'USAGE')));
COMMENT ON POLICY step_visible_to_creator ON reporunner.step IS 'Roles see the steps of the executions they created';
