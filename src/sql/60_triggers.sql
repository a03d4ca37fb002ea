/*
 * What starts workflows besides execute() and start(): table changes.
 * Registrations are rows of reporunner.trigger; src/triggers/ makes them.
 */

CREATE FUNCTION reporunner.on_table(workflow text, tbl regclass,
									events text[] DEFAULT '{insert}',
									level text DEFAULT 'row',
									mode text DEFAULT 'async',
									condition text DEFAULT NULL)
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_on_table';
COMMENT ON FUNCTION reporunner.on_table(text, regclass, text[], text, text, text) IS 'Starts the workflow when the table changes (events insert, update, delete, truncate; level row or statement; mode async or sync; a condition on the item); returns the trigger''s id';

CREATE FUNCTION reporunner.table_trigger()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_table_trigger';
COMMENT ON FUNCTION reporunner.table_trigger() IS 'The trigger function of the triggers on_table() makes; its argument is the registration''s id';

CREATE FUNCTION reporunner.drop_trigger(id bigint)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_drop_trigger';
COMMENT ON FUNCTION reporunner.drop_trigger(bigint) IS 'Removes a trigger made by on_table(), with the PostgreSQL triggers it made';

/*
 * A registration and its PostgreSQL triggers come and go together.  When
 * the registration goes (drop_trigger(), or delete_workflow() through the
 * foreign key), its triggers are dropped, as the extension's owner: the
 * role that made them may have had the TRIGGER privilege only, which does
 * not allow dropping them.
 */
CREATE FUNCTION reporunner.drop_table_triggers()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_drop_table_triggers';
COMMENT ON FUNCTION reporunner.drop_table_triggers() IS 'Drops the PostgreSQL triggers of a table trigger registration that is deleted';
CREATE TRIGGER trigger_drop_table_triggers AFTER DELETE ON reporunner.trigger
	FOR EACH ROW WHEN (OLD.kind = 'table')
	EXECUTE FUNCTION reporunner.drop_table_triggers();

/*
 * And when one of those triggers goes (DROP TRIGGER, or DROP TABLE), its
 * registration goes: no registration survives as a dangling row.
 */
CREATE FUNCTION reporunner.forget_dropped_triggers()
RETURNS event_trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_forget_dropped_triggers';
COMMENT ON FUNCTION reporunner.forget_dropped_triggers() IS 'Deletes the registration of a table trigger whose PostgreSQL trigger was dropped';
CREATE EVENT TRIGGER reporunner_forget_dropped_triggers ON sql_drop
	EXECUTE FUNCTION reporunner.forget_dropped_triggers();
COMMENT ON EVENT TRIGGER reporunner_forget_dropped_triggers IS 'Deletes the registrations of table triggers that are dropped, with their table or alone';
