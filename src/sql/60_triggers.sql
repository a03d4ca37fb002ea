/*
 * What starts workflows besides execute() and start(): table changes,
 * schedules and notifications.  Registrations are rows of
 * reporunner.trigger; src/triggers/ makes them.
 */

CREATE FUNCTION reporunner.on_table(workflow text, tbl regclass,
									events text[] DEFAULT '{insert}',
									level text DEFAULT 'row',
									mode text DEFAULT 'async',
									condition text DEFAULT NULL,
									timing text DEFAULT 'after')
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_on_table';
COMMENT ON FUNCTION reporunner.on_table(text, regclass, text[], text, text, text, text) IS 'Starts the workflow when the table changes (events insert, update, delete, truncate; level row or statement; mode async or sync; a condition on the item; timing after, or before for a sync row trigger whose workflow may change the row); returns the trigger''s id';

CREATE FUNCTION reporunner.table_trigger()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_table_trigger';
COMMENT ON FUNCTION reporunner.table_trigger() IS 'The trigger function of the triggers on_table() makes; its argument is the registration''s id';
REVOKE EXECUTE ON FUNCTION reporunner.table_trigger() FROM PUBLIC;

CREATE FUNCTION reporunner.on_schedule(workflow text, schedule text,
									   input jsonb DEFAULT '[]')
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_on_schedule';
COMMENT ON FUNCTION reporunner.on_schedule(text, text, jsonb) IS 'Starts the workflow on a pg_cron schedule (a cron expression such as */5 * * * *) with the input; returns the trigger''s id';

CREATE FUNCTION reporunner.fire_schedule(id bigint)
RETURNS bigint
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_fire_schedule';
COMMENT ON FUNCTION reporunner.fire_schedule(bigint) IS 'One tick of a schedule made by on_schedule() (its pg_cron job runs it): queues one execution per minute; returns its id';

CREATE FUNCTION reporunner.drop_trigger(id bigint)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_drop_trigger';
COMMENT ON FUNCTION reporunner.drop_trigger(bigint) IS 'Removes a trigger made by on_table(), on_schedule() or on_notify(), with the PostgreSQL triggers or the pg_cron job it made';

/*
 * A registration and what it made come and go together.  When the
 * registration goes (drop_trigger(), or delete_workflow() through the
 * foreign key), its PostgreSQL triggers are dropped, or its pg_cron job
 * unscheduled, as the extension's owner: the role that made a table
 * trigger may have had the TRIGGER privilege only, which does not allow
 * dropping it.
 */
CREATE FUNCTION reporunner.forget_trigger()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_forget_trigger';
COMMENT ON FUNCTION reporunner.forget_trigger() IS 'Removes the PostgreSQL triggers or the pg_cron job of a registration that is deleted';
REVOKE EXECUTE ON FUNCTION reporunner.forget_trigger() FROM PUBLIC;
CREATE TRIGGER trigger_forget AFTER DELETE ON reporunner.trigger
	FOR EACH ROW EXECUTE FUNCTION reporunner.forget_trigger();

/* Sessions keep the registrations they read until a change commits */
CREATE TRIGGER trigger_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reporunner.trigger
	FOR EACH STATEMENT EXECUTE FUNCTION reporunner.catalog_changed();
ALTER TABLE reporunner.trigger ENABLE ALWAYS TRIGGER trigger_changed;
COMMENT ON TRIGGER trigger_changed ON reporunner.trigger IS 'Announces committed changes of trigger registrations to the sessions that keep them';

/*
 * And when one of those triggers goes (DROP TRIGGER, or DROP TABLE), its
 * registration goes: no registration survives as a dangling row.
 */
CREATE FUNCTION reporunner.forget_dropped_triggers()
RETURNS event_trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_forget_dropped_triggers';
COMMENT ON FUNCTION reporunner.forget_dropped_triggers() IS 'Deletes the registration of a table trigger whose PostgreSQL trigger was dropped';
REVOKE EXECUTE ON FUNCTION reporunner.forget_dropped_triggers() FROM PUBLIC;
CREATE EVENT TRIGGER reporunner_forget_dropped_triggers ON sql_drop
	EXECUTE FUNCTION reporunner.forget_dropped_triggers();
COMMENT ON EVENT TRIGGER reporunner_forget_dropped_triggers IS 'Deletes the registrations of table triggers that are dropped, with their table or alone';

CREATE VIEW reporunner.triggers WITH (security_invoker = true) AS
SELECT t.id,
	   t.kind,
	   w.name AS workflow,
	   reporunner.owner_name(t.owner) AS owner,
	   t.target,
	   t.options,
	   reporunner.owner_name(t.created_by) AS created_by,
	   t.created_at,
	   f.executions,
	   f.last_fired
FROM reporunner.trigger t
	 JOIN reporunner.workflow w ON w.id = t.workflow_id AND w.owner = t.owner
	 LEFT JOIN LATERAL (
		SELECT pg_catalog.count(*) AS executions,
			   pg_catalog.max(e.created_at) AS last_fired
		FROM reporunner.execution e
		WHERE e.trigger_id = t.id AND e.owner = t.owner) f ON true;
COMMENT ON VIEW reporunner.triggers IS 'Table triggers, schedules and NOTIFY triggers visible to the current role, with how many executions each started (of those the role may see) and when it last fired';
GRANT SELECT ON reporunner.triggers TO PUBLIC;

/*
 * NOTIFY triggers: the database's listener (a background process) LISTENs
 * on the channel and starts the workflow for every notification.
 */
CREATE FUNCTION reporunner.on_notify(workflow text, channel text)
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_on_notify';
COMMENT ON FUNCTION reporunner.on_notify(text, text) IS 'Starts the workflow for every notification on the channel (NOTIFY, pg_notify()), with the payload as input; returns the trigger''s id';

/*
 * Moving a workflow with its triggers: export_workflow() lists them,
 * import_workflow() makes them (src/triggers/transfer.c).
 */
CREATE FUNCTION reporunner.import_workflow(name text, document jsonb)
RETURNS integer
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_import_workflow';
COMMENT ON FUNCTION reporunner.import_workflow(text, jsonb) IS 'Saves a document from export_workflow() as the workflow''s active version and makes the triggers it lists that the workflow does not have yet, through on_table(), on_schedule() and on_notify() as the caller; returns the version';
