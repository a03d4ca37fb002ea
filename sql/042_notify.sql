--
-- The "notify" node: channels, payloads (the item by default, or the
-- evaluated "payload" param), items passed on, delivery at commit only,
-- duplicates, the payload size limit, and the validator's checks.
--
-- psql prints the notifications it receives with the sending backend's
-- PID, which changes from run to run, so this file does not LISTEN itself.
-- A second session opened with dblink listens and runs the workflows:
-- PostgreSQL hands a session the notifications of its own transaction
-- when the transaction commits, before the statement's result, so
-- dblink_get_notify() then returns all of them, in order, without waiting
-- and without racing another backend.
--
CREATE EXTENSION dblink;
SELECT dblink_connect('notify_listener',
	format('host=%s port=%s dbname=%s user=%s',
		   coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''), 'localhost'),
		   current_setting('port'), current_database(), current_user));

-- save(params): saves Start -> N (a notify node with those params) -> Q
-- (a sql node returning what it receives) as a new workflow, through
-- regress.save_workflow (009_test_helpers) with fresh.
CREATE FUNCTION pg_temp.save(params jsonb) RETURNS integer
LANGUAGE sql AS $$
	SELECT regress.save_workflow('test_notify', jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'N', 'type', 'notify', 'params', params),
			jsonb_build_object('name', 'Q', 'type', 'sql', 'params',
							   jsonb_build_object('query', 'SELECT $1::jsonb AS got',
												  'args', jsonb_build_array('{{ $json }}')))),
		'connections', jsonb_build_array(
			jsonb_build_object('from', 'Start', 'to', 'N'),
			jsonb_build_object('from', 'N', 'to', 'Q'))), fresh => true)
$$;

-- listen(channel): the listening session listens on a channel.
CREATE FUNCTION pg_temp.listen(channel text) RETURNS void
LANGUAGE sql AS $$
	SELECT dblink_exec('notify_listener', format('LISTEN %I', channel));
$$;

-- run(items): the listening session runs the workflow, in a transaction of
-- its own; the result, or "SQLSTATE: message / detail" (regress.try).
CREATE FUNCTION pg_temp.run(items jsonb DEFAULT '[{}]') RETURNS text
LANGUAGE sql AS $$
	SELECT regress.try(format('SELECT r FROM dblink(%L, %L) AS t(r text)', 'notify_listener',
							  format('SELECT reporunner.execute(%L, %L, %L)::text',
									 'test_notify', items, '{"save": "none"}')))
$$;

-- heard(): the notifications the listening session received since the
-- last call, in order.
CREATE FUNCTION pg_temp.heard() RETURNS TABLE (channel text, payload text)
LANGUAGE sql AS $$
	SELECT notify_name, extra FROM dblink_get_notify('notify_listener');
$$;

\pset format unaligned
\pset tuples_only on

SELECT pg_temp.listen('rr_notify');
SELECT pg_temp.listen('Mixed Case é');

------------------------------------------------------------------------
-- Payloads
------------------------------------------------------------------------

-- the default payload is the item as JSON text; items pass on unchanged
SELECT pg_temp.save('{"channel": "rr_notify"}');
SELECT pg_temp.run('[{"id": 1, "name": "zoë"}, {"id": 2, "nested": {"a": [1, null]}}, {}]');
SELECT * FROM pg_temp.heard();

-- a string payload is sent as it is; expressions are evaluated per item
SELECT pg_temp.save('{"channel": "rr_notify", "payload": "order {{ $json.id }} is {{ $json.status }}"}');
SELECT pg_temp.run('[{"id": 1, "status": "paid"}, {"id": 2, "status": "é ☕"}, {"id": 3}]');
SELECT * FROM pg_temp.heard();

-- other JSON values are sent as JSON text
SELECT pg_temp.save('{"channel": "rr_notify", "payload": {"id": "{{ $json.id }}", "tags": ["x", "{{ $json.id }}"]}}');
SELECT pg_temp.run('[{"id": 7}, {"id": "7"}]');
SELECT * FROM pg_temp.heard();
SELECT pg_temp.save('{"channel": "rr_notify", "payload": "{{ $json.v }}"}');
SELECT pg_temp.run('[{"v": 42}, {"v": 1.50}, {"v": true}, {"v": null}, {}, {"v": [1, "a"]}, {"v": ""}]');
SELECT * FROM pg_temp.heard();
SELECT pg_temp.save('{"channel": "rr_notify", "payload": 12}');
SELECT pg_temp.run('[{"n": 1}]');
SELECT * FROM pg_temp.heard();

------------------------------------------------------------------------
-- Channels and delivery
------------------------------------------------------------------------

-- the channel is used as written (not folded to lower case, as NOTIFY
-- would fold an unquoted name); nobody listens on "rr_NOTIFY"
SELECT pg_temp.save('{"channel": "Mixed Case é"}');
SELECT pg_temp.run('[{"a": 1}]');
SELECT * FROM pg_temp.heard();
SELECT pg_temp.save('{"channel": "rr_NOTIFY"}');
SELECT pg_temp.run('[{"a": 1}]');
SELECT * FROM pg_temp.heard();

-- identical notifications of one transaction are delivered once
SELECT pg_temp.save('{"channel": "rr_notify", "payload": "{{ $json.k }}"}');
SELECT pg_temp.run('[{"k": "a"}, {"k": "b"}, {"k": "a"}, {"k": "b"}, {"k": "c"}]');
SELECT * FROM pg_temp.heard();

-- nothing is delivered when the transaction rolls back
SELECT dblink_exec('notify_listener', 'BEGIN');
SELECT pg_temp.run('[{"k": "rolled back"}]');
SELECT dblink_exec('notify_listener', 'ROLLBACK');
SELECT * FROM pg_temp.heard();
-- ... or when a later node fails the execution
SELECT reporunner.save_workflow('test_notify', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "N", "type": "notify", "params": {"channel": "rr_notify", "payload": "{{ $json.k }}"}},
	{"name": "Q", "type": "sql", "params": {"query": "SELECT 1 / 0"}}],
	"connections": [{"from": "Start", "to": "N"}, {"from": "N", "to": "Q"}]}');
SELECT pg_temp.run('[{"k": "failed"}]');
SELECT * FROM pg_temp.heard();

-- no items, no notifications
SELECT pg_temp.save('{"channel": "rr_notify"}');
SELECT pg_temp.run('[]');
SELECT * FROM pg_temp.heard();

------------------------------------------------------------------------
-- Errors
------------------------------------------------------------------------

-- payloads of 8000 bytes or more: the server's error; 7999 bytes pass
SELECT pg_temp.save('{"channel": "rr_notify", "payload": "{{ $json.p }}"}');
SELECT length(pg_temp.run(jsonb_build_array(jsonb_build_object('p', repeat('x', 7999)))));
SELECT channel, length(payload) FROM pg_temp.heard();
SELECT pg_temp.run(jsonb_build_array(jsonb_build_object('p', repeat('x', 8000))));
SELECT pg_temp.run(jsonb_build_array(jsonb_build_object('p', repeat('é', 4000))));
SELECT * FROM pg_temp.heard();

-- params the document validator refuses; check(params): "saved", or the
-- error of pg_temp.save (regress.try)
CREATE FUNCTION pg_temp.check(params jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT regress.try(format('SELECT %L FROM pg_temp.save(%L)', 'saved', params))
$$;
SELECT pg_temp.check('{}');
SELECT pg_temp.check('{"channel": ""}');
SELECT pg_temp.check(jsonb_build_object('channel', repeat('c', 64)));
SELECT pg_temp.check(jsonb_build_object('channel', repeat('c', 63)));
SELECT pg_temp.check('{"channel": "{{ $json.channel }}"}');
SELECT pg_temp.check('{"channel": 5}');
SELECT pg_temp.check('{"channel": "c", "payload": "{{ $json. }}"}');
SELECT pg_temp.check('{"channel": "c", "extra": 1}');

\pset tuples_only off
\pset format aligned

SELECT dblink_disconnect('notify_listener');
SELECT reporunner.delete_workflow('test_notify');
DROP EXTENSION dblink;
