/*
 * Reporunner install script.  Built by concatenating the files of src/sql in name
 * order; edit the pieces, not the built file.
 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION reporunner" to load this file. \quit

/*
 * The administrators' role: its members see and manage every tenant's
 * workflows.  Roles are cluster-wide, so it survives DROP EXTENSION and is
 * shared by every database that installs Reporunner.
 */
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'reporunner_admin') THEN
		CREATE ROLE reporunner_admin NOLOGIN;
	END IF;
END
$$;
COMMENT ON ROLE reporunner_admin IS 'Members see and manage the workflows of every tenant in Reporunner';

/*
 * Background workers act as a workflow's owner only while that role could
 * log in itself (ALTER ROLE ... NOLOGIN stops them), or is a team role
 * nobody logs in as, made so by being a direct member of this role.
 */
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'reporunner_team') THEN
		CREATE ROLE reporunner_team NOLOGIN;
	END IF;
END
$$;
COMMENT ON ROLE reporunner_team IS 'Its direct members are team roles without LOGIN whose workflows background workers may run';

/*
 * True when the given role has a role attribute (SUPERUSER, CREATEROLE,
 * CREATEDB, REPLICATION, BYPASSRLS) that the current role lacks.
 */
CREATE FUNCTION reporunner.is_more_privileged(role oid)
RETURNS boolean
LANGUAGE C STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'reporunner_is_more_privileged';
COMMENT ON FUNCTION reporunner.is_more_privileged(oid) IS 'True when the role has a role attribute (SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS) the current role lacks';

/*
 * True when the current role may act for the given owner: it is the owner
 * or a member of it, or a member of reporunner_admin and the owner is not
 * more privileged than it (an administrator must not write what a
 * superuser would then run).  Every row-level security policy below uses
 * it, so tenancy is decided by role membership only and never by a
 * setting a session could change.
 */
CREATE FUNCTION reporunner.has_owner_access(owner oid)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN pg_catalog.pg_has_role(CURRENT_USER, owner, 'USAGE')
	OR (pg_catalog.pg_has_role(CURRENT_USER, 'reporunner_admin', 'USAGE')
		AND NOT reporunner.is_more_privileged(owner));
COMMENT ON FUNCTION reporunner.has_owner_access(oid) IS 'True when the current role may see and manage rows owned by the given role';

/*
 * The name of an owner, for the views.  On a single server and on the
 * Citus coordinator the owner is a role's OID there: pg_get_userbyid()
 * itself, under another name (internal, so that the planner does not
 * replace it by pg_get_userbyid(), and Citus sends this name to the
 * shards); on a Citus worker node, where the views' expressions run on
 * the shards and a role has another OID, prepare_distribution() replaces
 * it by one that reads reporunner.owner_role (docs/scaling.md).
 */
CREATE FUNCTION reporunner.owner_name(owner oid)
RETURNS name
LANGUAGE internal STABLE STRICT PARALLEL SAFE
AS 'pg_get_userbyid';
COMMENT ON FUNCTION reporunner.owner_name(oid) IS 'The name of the role that owns rows of Reporunner''s tables (as pg_get_userbyid(); on a Citus worker node, from reporunner.owner_role)';
