--
-- The journal: what execute() writes to reporunner.execution (with its
-- steps, read through the reporunner.step view), per "save", in the
-- caller's transaction; and, apart from it, for a run that failed.
--
-- (the failed runs of earlier tests are journaled: start afresh)
DELETE FROM reporunner.execution;
SELECT reporunner.save_workflow('journal', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Big?", "type": "if", "params": {"condition": "{{ $json.n > 1 }}"}},
	{"name": "Tag", "type": "set", "params": {"fields": {"big": true}}}],
	"connections": [{"from": "Start", "to": "Big?"}, {"from": "Big?", "output": "true", "to": "Tag"}]}');

-- save all (the default): one execution row, and a step per node run
SELECT reporunner.execute('journal', '[{"n": 1}, {"n": 2}]');
SELECT e.status, e.mode, e.version, e.input, e.output,
	   e.owner = w.owner AS owned, e.created_by::regrole = current_user::regrole AS by_me,
	   e.started_at <= e.finished_at AS timed
FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id;
SELECT s.node, s.run_index, s.attempt, s.status, s.output, s.error
FROM reporunner.step s JOIN reporunner.execution e ON e.id = s.execution_id
JOIN reporunner.node n ON n.workflow_id = e.workflow_id AND n.version = e.version AND n.name = s.node
ORDER BY n.position;
-- the steps are in the execution's row, compressed, none in step_journal;
-- their times are within the execution's, whatever the session's DateStyle
-- and time zone were when they were written or are read
SELECT pg_column_compression(steps) AS compression,
	   json_array_length(steps) AS steps,
	   (SELECT count(*) FROM reporunner.step_journal) AS journal_rows
FROM reporunner.execution;
SET TimeZone = 'America/New_York';
SET DateStyle = 'SQL, DMY';
SELECT reporunner.execute('journal', '[{"n": 5}]');
RESET TimeZone;
SELECT count(*) AS steps,
	   bool_and(e.started_at <= s.started_at AND s.started_at <= s.finished_at
				AND s.finished_at <= e.finished_at) AS timed
FROM reporunner.step s JOIN reporunner.execution e ON e.id = s.execution_id;
RESET DateStyle;
-- each time is written as to_json() writes it in UTC
SET TimeZone = 'UTC';
SELECT count(*) AS times, bool_and(t = to_json(t::timestamptz) #>> '{}') AS as_to_json
FROM reporunner.execution e, json_array_elements(e.steps) AS s,
	 LATERAL (VALUES (s->>'started_at'), (s->>'finished_at')) AS v(t);
RESET TimeZone;
DELETE FROM reporunner.execution WHERE input = '[{"n": 5}]';
-- items are written into the steps as jsonb's own output writes them:
-- escapes, control characters, numbers, nesting, empty containers, and
-- containers of more than 32 members (where jsonb stores offsets)
SELECT reporunner.save_workflow('journal_text', '{"nodes": [{"name": "Start", "type": "trigger"}]}') IS NOT NULL AS saved;
SELECT reporunner.execute('journal_text', jsonb_build_array(
	jsonb_build_object('s', E'quote " backslash \\ slash / tab \t nl \n cr \r bs \b ff \f bell \x07 esc \x1b',
					   'u', 'héllo ☃ 𝄞', 'empty', '', 'nums', '[0, -0, 1.50, -12.345e-3, 1e100, 12345678901234567890]'::jsonb,
					   'more_nums', '[0.0, 0.000, -0.0005, 0.00000005, 1e-20, 10000, 9999.9999, 100000000.0000,
									 -1.000000001, 123456789.123456789, 1000.1, 0.1000, 5e3, 12.5, 125, -7, 1e-100, 12345]'::jsonb,
					   'random_nums', (SELECT jsonb_agg(round(((random() - 0.5) * 10 ^ (i % 40 - 12))::numeric, i % 23))
									   FROM generate_series(1, 400) AS i),
					   'bools', '[true, false, null]'::jsonb, 'nested', '{"a": {"b": [[], {}, [{}], {"c": [1, [2, [3]]]}]}}'::jsonb,
					   'long', (SELECT jsonb_agg(i) FROM generate_series(1, 70) AS i),
					   'wide', (SELECT jsonb_object_agg('k' || i, CASE WHEN i % 3 = 0 THEN to_jsonb(i) WHEN i % 3 = 1 THEN to_jsonb('v' || i) ELSE jsonb_build_array(i) END)
								FROM generate_series(1, 70) AS i)),
	'{}'::jsonb)) IS NOT NULL AS ran;
SELECT (steps->0->'output')::text = (steps->0->'output')::jsonb::text AS same_text,
	   (steps->0->'output'->'main')::text = input::text AS input_text,
	   (steps->0->'output'->'main')::jsonb = input AS same_items
FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
WHERE w.name = 'journal_text';
SELECT reporunner.delete_workflow('journal_text');

-- save none writes nothing
SELECT reporunner.execute('journal', '[{"n": 3}]', '{"save": "none"}');
SELECT count(*) AS executions FROM reporunner.execution;

-- save errors writes only executions in which a step failed
SELECT reporunner.execute('journal', '[{"n": 3}]', '{"save": "errors"}');
SELECT count(*) AS executions FROM reporunner.execution;
SELECT reporunner.save_workflow('journal_err', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Boom", "type": "stop_and_error", "on_error": "continue", "params": {"message": "boom"}}],
	"connections": [{"from": "Start", "to": "Boom"}]}');
SELECT reporunner.execute('journal_err', '[{"n": 1}]', '{"save": "errors"}');
SELECT s.node, s.status, s.error ->> 'message' AS message, s.error ->> 'sqlstate' AS sqlstate
FROM reporunner.step s JOIN reporunner.execution e ON e.id = s.execution_id
JOIN reporunner.workflow w ON w.id = e.workflow_id WHERE w.name = 'journal_err'
ORDER BY s.node;

-- the workflow's settings.save is the default
SELECT reporunner.save_workflow('journal', '{"nodes": [{"name": "Start", "type": "trigger"}], "settings": {"save": "none"}}');
SELECT reporunner.execute('journal', '[{"n": 1}]');
SELECT count(*) AS executions FROM reporunner.execution;
SELECT reporunner.execute('journal', '[{"n": 1}]', '{"save": "all"}');
SELECT count(*) AS executions FROM reporunner.execution;

-- a rollback removes the journal with everything else
BEGIN;
SELECT reporunner.execute('journal', '[{"n": 1}]', '{"save": "all"}');
SELECT count(*) AS executions_inside FROM reporunner.execution;
ROLLBACK;
SELECT count(*) AS executions_after FROM reporunner.execution;

-- a failed execution raises; what it journaled in the aborted transaction
-- goes with it, but the failure itself is recorded apart (one more row)
SELECT reporunner.save_workflow('journal_err', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Boom", "type": "stop_and_error", "params": {"message": "boom"}}],
	"connections": [{"from": "Start", "to": "Boom"}]}');
SELECT reporunner.execute('journal_err', '[{"n": 1}]', '{"save": "all"}');
SELECT count(*) AS executions FROM reporunner.execution;

-- tenants read the journal but cannot write it
CREATE ROLE rr_journal_reader;
SET ROLE rr_journal_reader;
INSERT INTO reporunner.execution (workflow_id, version, owner, mode, created_by)
	VALUES (1, 1, 10, 'call', 10);
DELETE FROM reporunner.step_journal;
UPDATE reporunner.execution SET steps = NULL;
RESET ROLE;
DROP ROLE rr_journal_reader;

SELECT reporunner.delete_workflow('journal');
SELECT reporunner.delete_workflow('journal_err');
SELECT count(*) AS executions_left FROM reporunner.execution;

-- a run that fails is journaled apart from the caller's transaction: its
-- rollback keeps the failed execution, with the steps that ran and the
-- failing one, and the items that reached it
SELECT reporunner.save_workflow('journal_fail', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Tag", "type": "set", "params": {"fields": {"tagged": true}}},
	{"name": "Divide", "type": "sql", "params": {"query": "SELECT 1 / 0 AS x", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Tag"}, {"from": "Tag", "to": "Divide"}]}');
DELETE FROM reporunner.execution;
BEGIN;
SELECT reporunner.execute('journal_fail', '[{"n": 1}]');
ROLLBACK;
SELECT status, mode, input, output, error ->> 'sqlstate' AS sqlstate,
	   error ->> 'node' AS node, error -> 'recorded_apart' AS recorded_apart,
	   error -> 'items' AS items, created_by::regrole = current_user::regrole AS by_me
FROM reporunner.execution;
SELECT s.node, s.status, s.output, s.error ->> 'sqlstate' AS sqlstate
FROM reporunner.step s ORDER BY s.started_at;
-- with the journal off, nothing
DELETE FROM reporunner.execution;
SELECT reporunner.execute('journal_fail', '[{"n": 1}]', '{"save": "none"}');
SELECT count(*) AS executions FROM reporunner.execution;
-- a failing version saved by the calling transaction itself is not
-- recorded apart: no other session sees it yet.  The call fails as it
-- is, without a warning, and leaves no execution, also when the caller
-- catches the error and commits.
BEGIN;
SELECT reporunner.save_workflow('journal_fail_here', reporunner.export_workflow('journal_fail'));
SELECT reporunner.execute('journal_fail_here', '[{"n": 1}]');
ROLLBACK;
DO $$
BEGIN
	PERFORM reporunner.save_workflow('journal_fail_here', reporunner.export_workflow('journal_fail'));
	BEGIN
		PERFORM reporunner.execute('journal_fail_here', '[{"n": 1}]');
	EXCEPTION WHEN division_by_zero THEN
		RAISE NOTICE 'caught: %', SQLERRM;
	END;
END
$$;
SELECT count(*) AS executions FROM reporunner.execution;
-- once committed, the same version's failure is recorded apart again
BEGIN;
SELECT reporunner.execute('journal_fail_here', '[{"n": 1}]');
ROLLBACK;
SELECT status, error -> 'recorded_apart' AS recorded_apart FROM reporunner.execution;
SELECT reporunner.delete_workflow('journal_fail_here');
-- a failure of the caller's own statement after the run is no failed run
SELECT reporunner.save_workflow('journal_ok', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
BEGIN;
SELECT reporunner.execute('journal_ok', '[{"n": 1}]');
SELECT 1 / 0;
ROLLBACK;
SELECT count(*) AS executions FROM reporunner.execution;
SELECT reporunner.delete_workflow(w) FROM unnest(ARRAY['journal_fail', 'journal_ok']) AS w;
-- a column the engine does not fill and that has a default: the rows go in
-- through an INSERT statement, which computes it (src/catalog/row_insert.c)
SELECT reporunner.save_workflow('journal_cols', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
BEGIN;
ALTER TABLE reporunner.execution ADD COLUMN added text DEFAULT 'by the default';
SELECT reporunner.execute('journal_cols', '[{"n": 1}]');
SELECT reporunner.start('journal_cols', '[{"n": 2}]') IS NOT NULL AS started;
SELECT e.mode, e.status, e.input, e.added FROM reporunner.execution e
	JOIN reporunner.workflow w ON w.id = e.workflow_id AND w.name = 'journal_cols' ORDER BY e.id;
ROLLBACK;
-- a dropped column, as in an upgraded table: the rows go in directly
BEGIN;
ALTER TABLE reporunner.execution ADD COLUMN gone text;
ALTER TABLE reporunner.execution DROP COLUMN gone;
SELECT reporunner.execute('journal_cols', '[{"n": 3}]');
SELECT e.mode, e.status, e.input, e.attempt FROM reporunner.execution e
	JOIN reporunner.workflow w ON w.id = e.workflow_id AND w.name = 'journal_cols' ORDER BY e.id;
ROLLBACK;
SELECT reporunner.delete_workflow('journal_cols');
