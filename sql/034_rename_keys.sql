--
-- The "rename_keys" node (n8n's Rename Keys): fields renamed by path, then
-- keys renamed by regular expression.
--
-- run(params, items): Start -> Rename with params, through regress.run_node
-- (009_test_helpers); returns the result or "SQLSTATE: message / detail",
-- for a document the validator refuses too.
CREATE FUNCTION pg_temp.run(params jsonb, items jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT regress.run_node('rename_keys', params, items, name => 'Rename')
$$;

\pset format unaligned
\pset tuples_only on

-- n8n's test workflow RenameKeys.workflow.json, its pinned outputs:
-- "Rename Keys": {"test": 0}
SELECT pg_temp.run('{"keys": [{"from": "propertyName", "to": "test"}]}',
	'[{"propertyName": 0}]');
-- "Rename Keys with dot notation": {"propertyName": {}, "test": {"dot": 21}}
SELECT pg_temp.run('{"keys": [{"from": "propertyName.newPropertyName", "to": "test.dot"}]}',
	'[{"propertyName": {"newPropertyName": 21}}]');
-- "Rename Keys with undefined" (no new name: the importer drops the pair):
-- the item unchanged
SELECT pg_temp.run('{"keys": []}', '[{"propertyName": {"newPropertyName": 21}}]');
-- "Rename Keys with Regex": {"propertyName": {"newPropertyName": 0}, "testex": 0}
SELECT pg_temp.run('{"regex": [{"pattern": "reg", "replacement": "test"}]}',
	'[{"propertyName": {"newPropertyName": 0}, "regex": 0}]');

-- several pairs read the item as it came in: a -> b, then b -> c moves the
-- original b, not the renamed a; a missing field is skipped
SELECT pg_temp.run('{"keys": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}, {"from": "zz", "to": "y"}]}',
	'[{"a": 1, "b": 2}, {"a": 3}]');
-- renaming onto an existing field overwrites it; the same name is a no-op
SELECT pg_temp.run('{"keys": [{"from": "a", "to": "b"}, {"from": "x", "to": "x"}]}',
	'[{"a": 1, "b": 2, "x": 3}]');
-- null is a value that is there
SELECT pg_temp.run('{"keys": [{"from": "a", "to": "b"}]}', '[{"a": null}]');
-- paths: into an array element, out of one (a hole becomes null), creating
-- objects and arrays on the way, through a value that is not an object
SELECT pg_temp.run('{"keys": [{"from": "list[1].v", "to": "second"}]}',
	'[{"list": [{"v": 1}, {"v": 2}]}]');
SELECT pg_temp.run('{"keys": [{"from": "list.0", "to": "first"}]}', '[{"list": [7, 8]}]');
SELECT pg_temp.run('{"keys": [{"from": "a", "to": "x.y.z"}, {"from": "b", "to": "arr[2]"}, {"from": "c", "to": "s.t"}]}',
	'[{"a": 1, "b": 2, "c": 3, "s": "text"}]');
-- a top-level key equal to the whole path is taken as it is
SELECT pg_temp.run('{"keys": [{"from": "a.b", "to": "ab"}]}', '[{"a.b": 1, "a": {"b": 2}}]');
-- names computed per item; an empty computed name does nothing
SELECT pg_temp.run('{"keys": [{"from": "{{ $json.which }}", "to": "picked"}]}',
	'[{"which": "p", "p": 1}, {"which": "q", "q": 2}, {"which": "", "p": 3}]');
SELECT pg_temp.run('{"keys": "{{ [{from: \"a\", to: \"b\"}] }}"}', '[{"a": 1}]');

-- regex: the first match replaced, with JavaScript's $1 and $&; every level
-- by default; inner objects and array elements too
SELECT pg_temp.run('{"regex": [{"pattern": "^(\\w+)_id$", "replacement": "$1Id"}]}',
	'[{"user_id": 1, "order": {"item_id": 2, "lines": [{"sku_id": 3}]}, "id": 4}]');
SELECT pg_temp.run('{"regex": [{"pattern": "a", "replacement": "[$&]"}]}', '[{"banana": 1}]');
-- depth 0: the top level only; depth 1: one level down
SELECT pg_temp.run('{"regex": [{"pattern": "x", "replacement": "y", "depth": 0}]}',
	'[{"x": {"x": {"x": 1}}}]');
SELECT pg_temp.run('{"regex": [{"pattern": "x", "replacement": "y", "depth": 1}]}',
	'[{"x": {"x": {"x": 1}}, "xs": [{"x": 1}]}]');
-- case: sensitive unless case_insensitive
SELECT pg_temp.run('{"regex": [{"pattern": "name", "replacement": "label"}]}', '[{"Name": 1, "name": 2}]');
SELECT pg_temp.run('{"regex": [{"pattern": "name", "replacement": "label", "case_insensitive": true}]}',
	'[{"Name": 1, "nick": 2}]');
-- several expressions apply in order, after keys; an empty replacement
-- deletes the match
SELECT pg_temp.run('{"keys": [{"from": "a", "to": "alpha"}], "regex": [{"pattern": "alpha", "replacement": "A"}, {"pattern": "^A$", "replacement": "done"}, {"pattern": "_tmp"}]}',
	'[{"a": 1, "b_tmp": 2}]');
-- no items; items passed through untouched when nothing matches
SELECT pg_temp.run('{"regex": [{"pattern": "zzz", "replacement": "y"}]}', '[]');
SELECT pg_temp.run('{}', '[{"a": [1, {"b": null}]}]');

-- bad params are refused when the workflow is saved
SELECT pg_temp.run('{"keys": [{"from": "a"}]}', '[{}]');
SELECT pg_temp.run('{"keys": [{"from": "", "to": "b"}]}', '[{}]');
SELECT pg_temp.run('{"keys": {"from": "a", "to": "b"}}', '[{}]');
SELECT pg_temp.run('{"regex": [{"replacement": "b"}]}', '[{}]');
SELECT pg_temp.run('{"regex": [{"pattern": "(", "replacement": "b"}]}', '[{}]');
SELECT pg_temp.run('{"regex": [{"pattern": "{{ $json.p }}"}]}', '[{}]');
SELECT pg_temp.run('{"regex": [{"pattern": "a", "depth": -2}]}', '[{}]');
SELECT pg_temp.run('{"regex": [{"pattern": "a", "flags": "g"}]}', '[{}]');
SELECT pg_temp.run('{"rename": {}}', '[{}]');
-- a computed keys that is not an array fails the run
SELECT pg_temp.run('{"keys": "{{ 5 }}"}', '[{}]');

-- the example of docs/nodes.md
SELECT pg_temp.run('{"keys": [{"from": "customer.mail", "to": "email"}], "regex": [{"pattern": "^(\\w+)_id$", "replacement": "$1Id"}]}',
	'[{"customer": {"mail": "a@b.c", "tier": 2}, "user_id": 1, "lines": [{"sku_id": 3}]}]');
