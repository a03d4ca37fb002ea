--
-- Table triggers: reporunner.on_table(), the executions it starts (async,
-- sync; row, statement; a condition), drop_trigger(), and registrations
-- that go with their table, trigger or workflow.
--
SET client_min_messages TO warning;
SELECT reporunner.save_workflow('on_order', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Double", "type": "set", "params": {"fields": {"doubled": "{{ [$json.amount].sum() * 2 }}"}}}],
	"connections": [{"from": "Start", "to": "Double"}]}');
CREATE TABLE orders (id int PRIMARY KEY, amount numeric, note text);

-- bad input: nothing is registered, nothing is created
SELECT reporunner.on_table('on_order', 'orders', '{truncate}', 'row');
SELECT reporunner.on_table('on_order', 'orders', '{bogus}');
SELECT reporunner.on_table('on_order', 'orders', '{}');
SELECT reporunner.on_table('on_order', 'orders', '{insert,insert}');
SELECT reporunner.on_table('on_order', 'orders', '{insert,NULL}');
SELECT reporunner.on_table('on_order', 'orders', '{insert}', 'rows');
SELECT reporunner.on_table('on_order', 'orders', '{insert}', 'row', 'later');
SELECT reporunner.on_table('on_order', 'orders', '{insert}', 'row', 'async', '{{ $json. }}');
SELECT reporunner.on_table('on_order', 'orders', NULL);
SELECT reporunner.on_table('nope', 'orders');
SELECT reporunner.on_table('on_order', 'nope');
SELECT reporunner.on_table('on_order', 0::oid::regclass);
CREATE VIEW orders_view AS SELECT * FROM orders;
SELECT reporunner.on_table('on_order', 'orders_view');
SELECT count(*) AS registrations FROM reporunner.trigger;
SELECT count(*) AS pg_triggers FROM pg_trigger WHERE tgname LIKE 'reporunner%';

-- row level, async, with a condition: one execution per matching row; the
-- item is the row, with _trigger (and the old row for an update)
SELECT reporunner.on_table('on_order', 'orders', '{insert,update,delete}', 'row', 'async',
	'{{ $json.amount > 10 }}') AS row_trigger \gset
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname LIKE 'reporunner%';
SELECT kind, target, options, created_by::regrole = current_user::regrole AS mine
FROM reporunner.trigger;
INSERT INTO orders VALUES (1, 5, 'small'), (2, 50, 'big');
UPDATE orders SET amount = 60 WHERE id = 2;
DELETE FROM orders WHERE id = 2;
SELECT regress.drain();
SELECT mode, status, input, output FROM reporunner.execution ORDER BY id;
-- a rolled-back change queues nothing
BEGIN;
INSERT INTO orders VALUES (3, 100, 'undone');
SELECT count(*) AS queued_inside FROM reporunner.queue;
ROLLBACK;
SELECT count(*) AS executions FROM reporunner.execution;
SELECT reporunner.drop_trigger(:row_trigger);
SELECT count(*) AS pg_triggers FROM pg_trigger WHERE tgname LIKE 'reporunner%';
SELECT reporunner.drop_trigger(:row_trigger);
DELETE FROM reporunner.execution;

-- statement level: one execution per statement, every changed row an item
SELECT reporunner.on_table('on_order', 'orders', '{insert,delete,truncate}', 'statement') AS stmt_trigger \gset
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname LIKE 'reporunner%' ORDER BY 1;
INSERT INTO orders SELECT i, i, NULL FROM generate_series(10, 10009) i;
SELECT regress.drain();
-- (statement-level items are the rows as they are)
SELECT count(*) AS executions, min(jsonb_array_length(input)) AS items,
	   min(input ->> 0) AS first_item,
	   min((output -> 9999 ->> 'doubled')::numeric) AS last_doubled
FROM reporunner.execution;
DELETE FROM reporunner.execution;
DELETE FROM orders WHERE id >= 10 AND id < 13;
TRUNCATE orders;
SELECT regress.drain();
-- (the truncate item has no amount: the workflow's expression fails on it)
SELECT mode, status, input, error ->> 'message' AS error FROM reporunner.execution ORDER BY id;
DELETE FROM reporunner.execution;
-- dropping one of its triggers forgets the registration and drops the rest
DROP TRIGGER reporunner_2_delete ON orders;
SELECT count(*) AS registrations FROM reporunner.trigger;
SELECT count(*) AS pg_triggers FROM pg_trigger WHERE tgname LIKE 'reporunner%';

-- at statement level a condition keeps the rows it is true for
SELECT reporunner.on_table('on_order', 'orders', '{insert}', 'statement', 'async',
	'{{ $json.amount > 7 }}') AS stmt_trigger \gset
INSERT INTO orders SELECT i, i, NULL FROM generate_series(1, 10) i;
INSERT INTO orders SELECT i, i, NULL FROM generate_series(100, 105) i WHERE i < 0;
INSERT INTO orders VALUES (11, 1, 'too small');
SELECT regress.drain();
SELECT input FROM reporunner.execution;
SELECT reporunner.drop_trigger(:stmt_trigger);
DELETE FROM reporunner.execution;
TRUNCATE orders;

-- sync: the workflow runs in the statement; its failure rejects the change
SELECT reporunner.save_workflow('no_orders', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Refuse", "type": "stop_and_error", "params": {"message": "no orders today"}}],
	"connections": [{"from": "Start", "to": "Refuse"}]}');
SELECT reporunner.on_table('no_orders', 'orders', '{insert}', 'row', 'sync') AS sync_trigger \gset
\set VERBOSITY sqlstate
INSERT INTO orders VALUES (20, 1, 'refused');
\set VERBOSITY default
INSERT INTO orders VALUES (20, 1, 'refused');
SELECT count(*) AS orders FROM orders;
SELECT reporunner.drop_trigger(:sync_trigger);
SELECT reporunner.on_table('on_order', 'orders', '{insert}', 'row', 'sync') AS sync_trigger \gset
INSERT INTO orders VALUES (21, 7, 'journaled');
-- (the refused runs were recorded apart; all name the trigger that ran them)
SELECT e.mode, e.status, e.output, count(s.*) AS steps, e.trigger_id IS NOT NULL AS by_trigger
FROM reporunner.execution e JOIN reporunner.step s ON s.execution_id = e.id
WHERE e.mode = 'table' GROUP BY e.id ORDER BY e.id;
DELETE FROM reporunner.execution;

-- DROP TABLE forgets the registrations; delete_workflow drops the triggers
CREATE TABLE scratch (id int);
SELECT reporunner.on_table('on_order', 'scratch') IS NOT NULL AS registered;
DROP TABLE scratch;
SELECT target FROM reporunner.trigger ORDER BY id;
SELECT reporunner.delete_workflow('on_order');
SELECT count(*) AS registrations FROM reporunner.trigger;
SELECT count(*) AS pg_triggers FROM pg_trigger WHERE tgname LIKE 'reporunner%';

-- who may: a tenant needs the TRIGGER privilege on the table and must be
-- able to run the workflow; the workflow runs as its owner, for the tenant
CREATE ROLE rr_trigger_tenant LOGIN;
CREATE ROLE rr_trigger_other;
GRANT rr_trigger_tenant TO rr_trigger_other;
GRANT USAGE ON SCHEMA public TO rr_trigger_tenant, rr_trigger_other;
SET ROLE rr_trigger_tenant;
SELECT reporunner.save_workflow('tenant_flow', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.on_table('tenant_flow', 'orders');
RESET ROLE;
GRANT TRIGGER ON orders TO rr_trigger_tenant;
SET ROLE rr_trigger_tenant;
SELECT reporunner.on_table('tenant_flow', 'orders') IS NOT NULL AS registered;
-- another tenant's workflow cannot be named
SELECT reporunner.on_table('no_orders', 'orders');
SELECT id AS tenant_trigger FROM reporunner.triggers \gset
RESET ROLE;
-- a role that cannot act for the tenant neither sees nor drops its trigger
CREATE ROLE rr_trigger_stranger;
SET ROLE rr_trigger_stranger;
SELECT count(*) AS visible FROM reporunner.triggers;
SELECT count(*) AS visible_rows FROM reporunner.trigger;
SELECT reporunner.drop_trigger(:tenant_trigger);
RESET ROLE;
DROP ROLE rr_trigger_stranger;
-- a member of the tenant sees it
SET ROLE rr_trigger_other;
SELECT count(*) AS visible_to_member FROM reporunner.triggers;
RESET ROLE;
INSERT INTO orders VALUES (30, 3, 'by postgres');
SELECT regress.drain();
SELECT e.mode, e.status, e.owner::regrole, e.created_by::regrole, e.error ->> 'message' AS error
FROM reporunner.execution e;
-- the triggers view: what each trigger started, and when it last fired
SELECT kind, workflow, owner, target, options, created_by, executions,
	   last_fired IS NOT NULL AS fired
FROM reporunner.triggers ORDER BY id;
SELECT reporunner.delete_workflow('no_orders');
SET ROLE rr_trigger_tenant;
SELECT reporunner.delete_workflow('tenant_flow');
RESET ROLE;
SELECT count(*) AS registrations FROM reporunner.trigger;
SELECT count(*) AS pg_triggers FROM pg_trigger WHERE tgname LIKE 'reporunner%';
DELETE FROM reporunner.execution;
DROP TABLE orders CASCADE;
REVOKE USAGE ON SCHEMA public FROM rr_trigger_tenant, rr_trigger_other;
DROP ROLE rr_trigger_other;
DROP ROLE rr_trigger_tenant;

-- timing before: a sync row trigger whose workflow may change the row
CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric,
					   slug text, checked boolean DEFAULT false);
SELECT reporunner.save_workflow('slugify', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Cheap?", "type": "filter", "params": {"condition": "{{ $json.price < 100 }}"}},
	{"name": "Slug", "type": "set", "params": {"fields": {"slug": "{{ $json.name }}-{{ $json.id }}", "checked": true}}}],
	"connections": [{"from": "Start", "to": "Cheap?"}, {"from": "Cheap?", "to": "Slug"}]}');
SELECT reporunner.on_table('slugify', 'products', '{insert,update,delete}', 'row', 'sync',
						   '{{ $json.name != "skip" }}', 'before') AS before_trigger \gset
SELECT tgname ~ '^reporunner_[0-9]+$' AS named, tgtype & 2 = 2 AS fires_before
FROM pg_trigger WHERE tgrelid = 'products'::regclass;
SELECT options FROM reporunner.triggers WHERE id = :before_trigger;
-- one item out: its keys that are columns set the row; others (_trigger) are ignored
INSERT INTO products (id, name, price) VALUES (1, 'apple', 2);
UPDATE products SET name = 'green apple' WHERE id = 1;
-- no item out (the filter dropped it), or the condition false: the row as written
INSERT INTO products (id, name, price) VALUES (2, 'gold', 500), (3, 'skip', 1);
-- a delete is not changed
DELETE FROM products WHERE id = 3;
SELECT * FROM products ORDER BY id;
-- a value the column cannot take rejects the row with the column's error
SELECT reporunner.save_workflow('bad_price', regress.node_doc('set', '{"fields": {"price": "cheap"}}'));
SELECT reporunner.on_table('bad_price', 'products', '{insert}', 'row', 'sync', NULL, 'before') AS bad_trigger \gset
INSERT INTO products (id, name, price) VALUES (4, 'plum', 1);
SELECT reporunner.drop_trigger(:bad_trigger);
-- more than one item for one row
SELECT reporunner.save_workflow('two_rows', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "A", "type": "noop"}, {"name": "B", "type": "noop"}],
	"connections": [{"from": "Start", "to": "A"}, {"from": "Start", "to": "B"}]}');
SELECT reporunner.on_table('two_rows', 'products', '{insert}', 'row', 'sync', NULL, 'before') AS two_trigger \gset
INSERT INTO products (id, name, price) VALUES (5, 'fig', 1);
SELECT reporunner.drop_trigger(:two_trigger);
SELECT count(*) AS rows_after_refusals FROM products;
-- before needs a sync row trigger
SELECT reporunner.on_table('slugify', 'products', '{insert}', 'row', 'async', NULL, 'before');
SELECT reporunner.on_table('slugify', 'products', '{insert}', 'statement', 'sync', NULL, 'before');
SELECT reporunner.on_table('slugify', 'products', '{insert}', 'row', 'sync', NULL, 'later');
SELECT count(*) AS registrations FROM reporunner.trigger;
DROP TABLE products;
SELECT count(*) AS registrations FROM reporunner.trigger;
DELETE FROM reporunner.execution;

-- an async statement-level trigger keeps its statement's rows as they are;
-- the worker makes them the items, as to_jsonb() of each row would
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE TABLE typed (id int PRIMARY KEY, amount numeric(10,2), name text, at timestamptz,
					doc jsonb, ok boolean, feeling mood, tags text[], n positive, raw bytea,
					nothing text);
ALTER TABLE typed DROP COLUMN nothing;
SELECT reporunner.save_workflow('pass', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.on_table('pass', 'typed', '{insert,update,delete}', 'statement') AS typed_trigger \gset
BEGIN;
INSERT INTO typed VALUES
	(1, 12.5, 'café', '2026-12-05 10:00:00+00', '{"a": [1, 2]}', true, 'happy', '{x,"y z"}', 3, '\x00ff'),
	(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
-- queued, its rows not made items yet
SELECT input, input_rows IS NOT NULL AS rows_kept FROM reporunner.execution WHERE trigger_id = :typed_trigger;
COMMIT;
SELECT regress.drain();
SELECT e.status, e.input_rows IS NULL AS rows_made_items,
	   e.input = (SELECT jsonb_agg(to_jsonb(t) ORDER BY id) FROM typed t) AS input_as_to_jsonb,
	   e.output = e.input AS passed_on
FROM reporunner.execution e WHERE trigger_id = :typed_trigger;
SELECT input -> 0 AS first_item FROM reporunner.execution WHERE trigger_id = :typed_trigger;
-- made items in the statement (to test a condition on them, or run in
-- sync mode), the rows are the same items, whatever their columns' types
SELECT reporunner.on_table('pass', 'typed', '{update}', 'statement', 'async',
	'{{ $json.id > 0 }}') AS typed_condition_trigger \gset
UPDATE typed SET ok = ok;
SELECT regress.drain();
SELECT e.status,
	   (SELECT array_agg(x::text ORDER BY x::text) FROM jsonb_array_elements(e.input) x) =
	   (SELECT array_agg(to_jsonb(t)::text ORDER BY to_jsonb(t)::text) FROM typed t) AS input_as_to_jsonb
FROM reporunner.execution e WHERE trigger_id = :typed_condition_trigger;
SELECT reporunner.drop_trigger(:typed_condition_trigger);
-- columns written without their send functions (fixed-width and text
-- types), and text from a client whose encoding is not the database's:
-- the items are what to_jsonb() gives in the database
CREATE TABLE typed_fast (id int PRIMARY KEY, s smallint, b bigint, r real, d double precision,
	day date, ts timestamp, v varchar(5), c char(4), o oid, t text);
SELECT reporunner.on_table('pass', 'typed_fast', '{insert}', 'statement') AS fast_trigger \gset
SET client_encoding = 'LATIN1';
INSERT INTO typed_fast VALUES
	(1, -32768, 9223372036854775807, 1.5, -2.25e-300, '2026-12-05', '2026-12-05 10:00:00.123456',
	 'ab', 'x', 4294967295, convert_from('\x636166c3a9', 'UTF8')),
	(2, 7, -1, 'NaN', '-Infinity', 'infinity', '-infinity', '', '', 0, '');
RESET client_encoding;
SELECT regress.drain();
SELECT e.status, e.input = (SELECT jsonb_agg(to_jsonb(f) ORDER BY id) FROM typed_fast f) AS input_as_to_jsonb,
	   e.input -> 0 ->> 't' = convert_from('\x636166c3a9', 'UTF8') AS text_kept
FROM reporunner.execution e WHERE trigger_id = :fast_trigger;
DROP TABLE typed_fast;
-- numerics are written without their send function as well, from their
-- stored forms (short, long, special): digits and display scale kept
CREATE TABLE typed_numeric (id int PRIMARY KEY, n numeric, m numeric(10, 3));
SELECT reporunner.on_table('pass', 'typed_numeric', '{insert}', 'statement') AS numeric_trigger \gset
INSERT INTO typed_numeric
SELECT i, v, CASE WHEN i < 4 THEN v END FROM unnest(ARRAY['12.50', '-0.0005', '0', '0.00', '-0.0001',
	'1e300', '-1e-300', round(1.5, 100), 'Infinity', '-Infinity', 'NaN',
	'123456789012345678901234567890.1234567890123', '99999999', '-7', '-32768.5', NULL]::numeric[])
	WITH ORDINALITY AS u(v, i);
SELECT regress.drain();
SELECT e.status, e.input = (SELECT jsonb_agg(to_jsonb(t) ORDER BY id) FROM typed_numeric t) AS input_as_to_jsonb,
	   (SELECT string_agg(coalesce(x ->> 'n', '-') || '/' || coalesce(x ->> 'm', '-'), ','
	                      ORDER BY (x ->> 'id')::int) FROM jsonb_array_elements(e.input) x) =
	   (SELECT string_agg(coalesce(n::text, '-') || '/' || coalesce(m::text, '-'), ',' ORDER BY id)
	    FROM typed_numeric) AS same_text
FROM reporunner.execution e WHERE trigger_id = :numeric_trigger;
DROP TABLE typed_numeric;
-- a row-level trigger's item is to_jsonb() of the row and "_trigger", an
-- update's old row to_jsonb() of the row before it, whatever the types of
-- the columns (those written directly and those through to_jsonb())
CREATE TABLE typed_row (id int PRIMARY KEY, b boolean, s smallint, i int, g bigint, n numeric,
	t text, v varchar(5), c char(4), day date, ts timestamp, tz timestamptz, j jsonb, js json,
	f float8, r real, u uuid, a int[], e mood, p positive, x bytea, nothing text);
ALTER TABLE typed_row DROP COLUMN nothing;
SELECT reporunner.on_table('pass', 'typed_row', '{insert,update}') AS row_typed_trigger \gset
INSERT INTO typed_row VALUES
	(1, true, -32768, 7, 9223372036854775807, 12.50, convert_from('\x636166c3a9', 'UTF8'), 'ab', 'x',
	 '2026-12-05', '2026-12-05 10:00:00.5', '2026-12-05 10:00:00+01', '{"k": [1, "x"], "": null}',
	 '{"a": 1, "a": 2}', 1.5e300, 'NaN', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,NULL}',
	 'happy', 3, '\x00ff'),
	(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL, NULL, NULL),
	(3, false, 0, -1, 0, 'NaN', '', '', '', 'infinity', '-infinity', 'infinity', '"s"', 'null',
	 '-Infinity', 'Infinity', '00000000-0000-0000-0000-000000000000', '{}', 'sad', 1, '');
CREATE TEMP TABLE as_inserted AS SELECT id, to_jsonb(tr)::text AS j FROM typed_row tr;
UPDATE typed_row SET n = -0.00010, tz = '2026-06-01 12:00:00+00' WHERE id = 3;
SELECT regress.drain();
SELECT w.id, e.input -> 0 -> '_trigger' ->> 'event' AS event,
	   ((e.input -> 0) - '_trigger')::text = CASE e.input -> 0 -> '_trigger' ->> 'event'
	       WHEN 'insert' THEN w.j
	       ELSE (SELECT to_jsonb(tr)::text FROM typed_row tr WHERE tr.id = w.id) END AS row_as_to_jsonb,
	   (e.input -> 0 -> '_trigger' -> 'old')::text = w.j AS old_as_inserted,
	   e.input -> 0 ->> 'n' AS n
FROM reporunner.execution e JOIN as_inserted w ON w.id = (e.input -> 0 ->> 'id')::int
WHERE e.trigger_id = :row_typed_trigger ORDER BY e.id;
DROP TABLE as_inserted;
DROP TABLE typed_row;
DELETE FROM reporunner.execution;
-- deleted rows too; and a canceled execution, retried, still has its rows
BEGIN;
DELETE FROM typed WHERE id = 2;
SELECT reporunner.cancel(id) FROM reporunner.execution WHERE trigger_id = :typed_trigger;
COMMIT;
SELECT reporunner.retry(id) AS retried FROM reporunner.execution WHERE trigger_id = :typed_trigger \gset
SELECT status, input FROM reporunner.wait_for(:retried, '30s');
DELETE FROM reporunner.execution;
-- kept rows whose column type is not one this database has under its
-- number (as after a restore elsewhere renumbered types), or that are not
-- kept rows at all, are never read; forged here, before any worker can
-- see them
BEGIN;
UPDATE typed SET name = 'changed';
UPDATE typed SET name = 'changed again';
UPDATE reporunner.execution e SET input_rows = decode(replace(encode(e.input_rows, 'hex'),
	encode('public.mood', 'hex') || lpad(to_hex('mood'::regtype::oid::bigint), 8, '0'),
	encode('public.mood', 'hex') || 'fffffff0'), 'hex')
WHERE id = (SELECT min(id) FROM reporunner.execution WHERE trigger_id = :typed_trigger);
UPDATE reporunner.execution e SET input_rows = '\x00'
WHERE id = (SELECT max(id) FROM reporunner.execution WHERE trigger_id = :typed_trigger);
COMMIT;
SELECT regress.drain();
SELECT status, error ->> 'message' AS error, error ->> 'detail' AS detail, error ->> 'sqlstate' AS sqlstate
FROM reporunner.execution WHERE trigger_id = :typed_trigger ORDER BY id;
-- a type renamed while its rows wait is the same type
BEGIN;
UPDATE typed SET name = 'renamed type';
ALTER TYPE mood RENAME TO mood_renamed;
COMMIT;
SELECT regress.drain();
SELECT status, output -> 0 ->> 'feeling' AS feeling
FROM reporunner.execution WHERE trigger_id = :typed_trigger ORDER BY id DESC LIMIT 1;
ALTER TYPE mood_renamed RENAME TO mood;
DELETE FROM reporunner.execution;
-- kept rows are read only by a server of the kind that wrote them (forged
-- here: another byte order), and rows with values of a type that is not
-- built in (the enum) only in the cluster that wrote them (forged: another
-- system identifier); rows of built-in types are read in any cluster
CREATE TABLE plain (id int PRIMARY KEY, name text);
SELECT reporunner.on_table('pass', 'plain', '{insert}', 'statement') AS plain_trigger \gset
BEGIN;
UPDATE typed SET name = 'forged platform';
UPDATE typed SET name = 'forged cluster';
UPDATE reporunner.execution e SET input_rows = overlay(e.input_rows placing
	CASE WHEN substr(e.input_rows, 9, 4) = '\x01000000' THEN '\x00000001'::bytea ELSE '\x01000000' END
	FROM 9 FOR 4)
WHERE id = (SELECT min(id) FROM reporunner.execution WHERE trigger_id = :typed_trigger);
UPDATE reporunner.execution e SET input_rows = overlay(e.input_rows placing '\x0000000000000000' FROM 13 FOR 8)
WHERE id = (SELECT max(id) FROM reporunner.execution WHERE trigger_id = :typed_trigger);
INSERT INTO plain VALUES (1, 'built in');
UPDATE reporunner.execution e SET input_rows = overlay(e.input_rows placing '\x0000000000000000' FROM 13 FOR 8)
WHERE trigger_id = :plain_trigger;
COMMIT;
SELECT regress.drain();
SELECT status, error ->> 'message' AS error, error ->> 'detail' AS detail, error ->> 'sqlstate' AS sqlstate
FROM reporunner.execution WHERE trigger_id = :typed_trigger ORDER BY id;
SELECT status, output FROM reporunner.execution WHERE trigger_id = :plain_trigger;
DELETE FROM reporunner.execution;
-- kept rows whose lc_monetary is a locale this server does not have (forged
-- here): only money values need it, so only rows that hold money fail
CREATE TABLE priced (id int PRIMARY KEY, price money);
SELECT reporunner.on_table('pass', 'priced', '{insert}', 'statement') AS priced_trigger \gset
BEGIN;
SET LOCAL lc_monetary = 'C';
INSERT INTO plain VALUES (2, 'no money');
INSERT INTO priced VALUES (1, 12.5);
UPDATE reporunner.execution e SET input_rows = decode(replace(encode(e.input_rows, 'hex'),
	encode('lc_monetary', 'hex') || '00000001' || encode('C', 'hex'),
	encode('lc_monetary', 'hex') || '00000001' || encode('Z', 'hex')), 'hex')
WHERE trigger_id IN (:plain_trigger, :priced_trigger);
SELECT count(*) AS forged FROM reporunner.execution
WHERE trigger_id IN (:plain_trigger, :priced_trigger)
	AND position(convert_to('lc_monetary', 'UTF8') || '\x000000015a'::bytea IN input_rows) > 0;
COMMIT;
SELECT regress.drain();
SELECT trigger_id = :priced_trigger AS money, status, output -> 0 ->> 'name' AS name,
	error ->> 'sqlstate' AS sqlstate, error ->> 'message' AS error
FROM reporunner.execution WHERE trigger_id IN (:plain_trigger, :priced_trigger) ORDER BY id;
DROP TABLE priced;
DROP TABLE plain;
DELETE FROM reporunner.execution;
-- a deleted row's value of a column dropped since is not kept (nor the
-- row's place in the table)
CREATE TABLE dropping (id int PRIMARY KEY, secret text, note text);
SELECT reporunner.on_table('pass', 'dropping', '{delete}', 'statement') AS dropping_trigger \gset
INSERT INTO dropping VALUES (1, 'dropped-secret-value', 'kept');
ALTER TABLE dropping DROP COLUMN secret;
BEGIN;
DELETE FROM dropping;
SELECT position('dropped-secret-value'::bytea IN input_rows) = 0 AS dropped_value_not_kept
FROM reporunner.execution WHERE trigger_id = :dropping_trigger;
COMMIT;
SELECT regress.drain();
SELECT status, output FROM reporunner.execution WHERE trigger_id = :dropping_trigger;
DROP TABLE dropping;
DELETE FROM reporunner.execution;
-- a type with a cast to json (the owner of an enum may create one) is not
-- packed: to_jsonb() calls the cast, which a worker must not run; its rows
-- are made items in the statement, as to_jsonb() makes them there
CREATE TYPE level AS ENUM ('low', 'high');
CREATE FUNCTION level_json(level) RETURNS json LANGUAGE sql
	AS $$ SELECT json_build_object('level', $1::text) $$;
CREATE CAST (level AS json) WITH FUNCTION level_json(level);
CREATE TABLE leveled (id int PRIMARY KEY, l level, ls level[]);
SELECT reporunner.on_table('pass', 'leveled', '{insert}', 'statement') AS leveled_trigger \gset
BEGIN;
INSERT INTO leveled VALUES (1, 'high', '{low,high}');
SELECT input_rows IS NULL AS made_items_in_statement,
	   input = (SELECT jsonb_agg(to_jsonb(t)) FROM leveled t) AS input_as_to_jsonb,
	   input -> 0 -> 'l' AS l
FROM reporunner.execution WHERE trigger_id = :leveled_trigger;
COMMIT;
-- rows kept before such a cast was made are refused, not read through it
DROP CAST (level AS json);
BEGIN;
INSERT INTO leveled VALUES (2, 'low', '{}');
SELECT input_rows IS NOT NULL AS rows_kept FROM reporunner.execution
WHERE trigger_id = :leveled_trigger AND input = '[]';
CREATE CAST (level AS json) WITH FUNCTION level_json(level);
COMMIT;
SELECT regress.drain();
SELECT status, error ->> 'detail' AS detail FROM reporunner.execution
WHERE trigger_id = :leveled_trigger ORDER BY id;
DROP TABLE leveled;
DROP CAST (level AS json);
DROP FUNCTION level_json(level);
DROP TYPE level;
DELETE FROM reporunner.execution;
-- the items are what to_jsonb() gives with the statement's output
-- settings: TimeZone (a fixed offset with seconds as well), IntervalStyle,
-- bytea_output, extra_float_digits, search_path (for reg* types)
CREATE SCHEMA hidden;
CREATE TABLE hidden.thing (id int);
CREATE TABLE styled (id int PRIMARY KEY, at timestamptz, iv interval, ba bytea, f float8,
					 rc regclass);
SELECT reporunner.on_table('pass', 'styled', '{insert}', 'statement') AS styled_trigger \gset
SET TIME ZONE 5.0041667;
SET IntervalStyle = 'sql_standard';
SET bytea_output = 'escape';
SET extra_float_digits = -3;
SET search_path = hidden, public;
INSERT INTO styled VALUES (1, '2026-12-05 10:00:00+00', '1 day 2 hours', 'ab\000'::bytea,
						   1.234567890123456, 'hidden.thing');
CREATE TEMP TABLE styled_expected AS SELECT jsonb_agg(to_jsonb(s)) AS j FROM styled s;
RESET TIME ZONE;
RESET IntervalStyle;
RESET bytea_output;
RESET extra_float_digits;
RESET search_path;
SELECT regress.drain();
SELECT e.status, e.input = (SELECT j FROM styled_expected) AS input_as_to_jsonb_then,
	   e.input -> 0 ->> 'at' AS at, e.input -> 0 ->> 'iv' AS iv, e.input -> 0 ->> 'ba' AS ba,
	   e.input -> 0 ->> 'f' AS f, e.input -> 0 ->> 'rc' AS rc
FROM reporunner.execution e WHERE trigger_id = :styled_trigger;
DROP TABLE styled, styled_expected, hidden.thing;
DROP SCHEMA hidden;
DELETE FROM reporunner.execution;
-- rows are kept whole: a value stored out of line (in the TOAST table,
-- from which a deleted row's values are vacuumed away) is kept itself,
-- not a pointer to it; a value compressed in the row is read back; a row
-- stored before a column was added keeps that column's default; a dropped
-- column's old values are stepped over
CREATE TABLE wide (id int PRIMARY KEY, gone bigint, big text, note text);
ALTER TABLE wide ALTER COLUMN big SET STORAGE EXTERNAL;
SELECT reporunner.on_table('pass', 'wide', '{insert,delete}', 'statement') AS wide_trigger \gset
CREATE TEMP TABLE big_source AS
	SELECT i AS id, string_agg(md5(i::text || '/' || j::text), '' ORDER BY j) AS big
	FROM generate_series(1, 3) i, generate_series(1, 4000) j GROUP BY i;
ALTER TABLE big_source ALTER COLUMN big SET STORAGE EXTERNAL;
BEGIN;
INSERT INTO wide SELECT id, id * 10, big, repeat('compressed in line ', 200) FROM big_source;
SELECT octet_length(input_rows) > 3 * 128000 AS values_kept_not_pointers
FROM reporunner.execution WHERE trigger_id = :wide_trigger;
COMMIT;
SELECT regress.drain();
SELECT status, (SELECT array_agg(md5(x ->> 'big') ORDER BY (x ->> 'id')::int) FROM jsonb_array_elements(output) x) =
	   (SELECT array_agg(md5(big) ORDER BY id) FROM big_source) AS big_values_whole
FROM reporunner.execution WHERE trigger_id = :wide_trigger;
DELETE FROM reporunner.execution;
ALTER TABLE wide DROP COLUMN gone;
ALTER TABLE wide ADD COLUMN added int DEFAULT 42;
CREATE TEMP TABLE as_stored AS SELECT id, to_jsonb(w) AS j FROM wide w;
SELECT bool_and(pg_column_compression(note) IS NOT NULL) AS notes_compressed_in_line FROM wide;
BEGIN;
DELETE FROM wide;
SELECT octet_length(input_rows) > 3 * 128000 AS values_kept_not_pointers
FROM reporunner.execution WHERE trigger_id = :wide_trigger;
COMMIT;
SELECT regress.drain();
SELECT status, output = (SELECT jsonb_agg(j ORDER BY id) FROM as_stored) AS rows_as_stored,
	   output -> 0 -> 'added' AS added, output -> 0 ? 'gone' AS has_gone
FROM reporunner.execution WHERE trigger_id = :wide_trigger;
DROP TABLE wide, big_source, as_stored;
DELETE FROM reporunner.execution;
-- a composite column is converted in the statement instead
CREATE TYPE pair AS (a int, b text);
CREATE TABLE composite_rows (id int PRIMARY KEY, p pair);
SELECT reporunner.on_table('pass', 'composite_rows', '{insert}', 'statement') AS composite_trigger \gset
BEGIN;
INSERT INTO composite_rows VALUES (1, ROW(1, 'one'));
SELECT input, input_rows IS NULL AS converted_in_statement
FROM reporunner.execution WHERE trigger_id = :composite_trigger;
COMMIT;
SELECT regress.drain();
SELECT status, output FROM reporunner.execution WHERE trigger_id = :composite_trigger;
DROP TABLE typed, composite_rows;
DROP TYPE pair;
DROP TYPE mood;
DROP DOMAIN positive;
SELECT reporunner.delete_workflow('pass');
DELETE FROM reporunner.execution;

-- table_trigger() fires only under a name on_table() gives its triggers
-- (only the tables' owner may use it: EXECUTE is revoked from PUBLIC)
CREATE TABLE stray (id int);
CREATE TRIGGER stray_trigger AFTER INSERT ON stray FOR EACH ROW
	EXECUTE FUNCTION reporunner.table_trigger('1');
INSERT INTO stray VALUES (1);
DROP TABLE stray;
SELECT has_function_privilege('public', 'reporunner.table_trigger()', 'EXECUTE') AS public_may_use_it;

-- a condition's $now is when the statement began, not the epoch
CREATE TABLE stamped (id int PRIMARY KEY);
SELECT reporunner.save_workflow('stamp', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.on_table('stamp', 'stamped', '{insert}', 'row', 'async',
	'{{ $now.year >= 2024 && $now.toMillis() <= Date.now() }}') AS now_trigger \gset
INSERT INTO stamped VALUES (1);
SELECT count(*) AS queued_by_now FROM reporunner.execution WHERE trigger_id = :now_trigger;
DROP TABLE stamped;
SELECT reporunner.delete_workflow('stamp');
DELETE FROM reporunner.execution;
