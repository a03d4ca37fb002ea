--
-- The "set" node: fields, rename, remove, keep_only; constants and
-- expressions; errors for computed params of the wrong type.
--
-- regress.run_node('set', params, items) (009_test_helpers) runs
-- Start -> Set with those params on the items and returns the result,
-- or the error as "SQLSTATE: message / detail".

\pset format unaligned
\pset tuples_only on

-- no params: items pass unchanged; no items: nothing
SELECT regress.run_node('set', '{}', '[{"a": 1}, {"b": [1, 2]}]');
SELECT regress.run_node('set', '{"fields": {"x": 1}}', '[]');

-- constant fields: added, overwritten, nested values kept whole
SELECT regress.run_node('set', '{"fields": {"x": 1, "s": "text", "n": null, "o": {"deep": [1, {"z": true}]}}}',
							   '[{"a": 1}, {"x": "old", "a": 2}]');

-- lone expressions keep their JSON type; mixed strings are text
SELECT regress.run_node('set', '{"fields": {"total": "{{ $json.price * $json.qty }}",
                                            "label": "{{ $json.qty }} x {{ $json.name }}",
                                            "tags": "{{ $json.tags }}",
                                            "big": "{{ $json.price > 10 }}",
                                            "missing": "{{ $json.nothing }}"}}',
							   '[{"price": 12.5, "qty": 2, "name": "pen", "tags": ["a", "b"]},
								 {"price": 1, "qty": 3, "name": "cap", "tags": {"k": "v"}}]');

-- expressions nested inside objects and arrays of a field
SELECT regress.run_node('set', '{"fields": {"o": {"id": "{{ $json.id }}", "list": ["{{ $json.id }}", 2]}}}',
							   '[{"id": 7}]');

-- keys are literal: "a.b" is a key with a dot, not a path
SELECT regress.run_node('set', '{"fields": {"a.b": 1}, "remove": ["c.d"]}', '[{"a": {"b": 0}, "c.d": 1, "c": {"d": 2}}]');

-- unicode keys and values
SELECT regress.run_node('set', '{"fields": {"ключ": "värde 🎉", "名前": "{{ $json[\"名\"] }}"}, "rename": {"é": "e"}}',
							   '[{"名": "太郎", "é": "ü"}]');

-- remove: present and missing fields; a removed field that is also set
SELECT regress.run_node('set', '{"remove": ["a", "nope", "c"], "fields": {"c": 3}}', '[{"a": 1, "b": 2, "c": 0}]');

-- rename: missing old name does nothing; renamed value wins over an
-- existing field of the new name; renames apply all at once (a swap)
SELECT regress.run_node('set', '{"rename": {"a": "b", "zz": "y"}}', '[{"a": 1, "b": 2, "c": 3}]');
SELECT regress.run_node('set', '{"rename": {"a": "b", "b": "a"}}', '[{"a": 1, "b": 2}]');
-- rename then set: a set field wins over a renamed one; a removed field
-- is not renamed
SELECT regress.run_node('set', '{"rename": {"a": "x", "b": "y"}, "fields": {"x": "set"}, "remove": ["b"]}',
							   '[{"a": 1, "b": 2, "c": 3}]');

-- keep_only: only the set fields; remove and rename have nothing to act on
SELECT regress.run_node('set', '{"keep_only": true, "fields": {"id": "{{ $json.id }}"}, "rename": {"name": "n"}}',
							   '[{"id": 1, "name": "a"}, {"name": "b"}]');
SELECT regress.run_node('set', '{"keep_only": true}', '[{"id": 1}]');
SELECT regress.run_node('set', '{"keep_only": false, "fields": {"k": 1}}', '[{"id": 1}]');

-- params computed by expressions, per item
SELECT regress.run_node('set', '{"fields": "{{ $json.address }}"}',
							   '[{"id": 1, "address": {"city": "Oslo", "id": 9}}, {"id": 2, "address": {}}]');
SELECT regress.run_node('set', '{"remove": "{{ $json.drop }}"}', '[{"drop": ["a", "drop"], "a": 1, "b": 2}, {"drop": [], "a": 3}]');
SELECT regress.run_node('set', '{"rename": "{{ $json.map }}"}', '[{"map": {"a": "z"}, "a": 1}]');
SELECT regress.run_node('set', '{"keep_only": "{{ $json.strict }}", "fields": {"k": 0}}',
							   '[{"strict": true, "a": 1}, {"strict": false, "a": 2}, {"a": 3}]');
SELECT regress.run_node('set', '{"remove": ["{{ $json.f }}"], "rename": {"b": "{{ $json.to }}"}}',
							   '[{"f": "a", "to": "B", "a": 1, "b": 2}]');
-- null from an expression: no fields, nothing removed or renamed
SELECT regress.run_node('set', '{"fields": "{{ $json.none }}", "remove": "{{ $json.none }}", "rename": "{{ $json.none }}"}',
							   '[{"a": 1}]');

-- computed params of the wrong type
SELECT regress.run_node('set', '{"fields": "{{ $json.a }}"}', '[{"a": [1]}]');
SELECT regress.run_node('set', '{"fields": "{{ $json.a }}"}', '[{"a": "text"}]');
SELECT regress.run_node('set', '{"remove": "{{ $json.a }}"}', '[{"a": "a"}]');
SELECT regress.run_node('set', '{"remove": ["x", "{{ $json.a }}"]}', '[{"a": 5}]');
SELECT regress.run_node('set', '{"rename": "{{ $json.a }}"}', '[{"a": ["a"]}]');
SELECT regress.run_node('set', '{"rename": {"a": "{{ $json.n }}"}}', '[{"a": 1, "n": 2}]');
SELECT regress.run_node('set', '{"keep_only": "{{ $json.a }}"}', '[{"a": "yes"}]');

-- an expression that fails names the node, field and item
SELECT regress.run_node('set', '{"fields": {"q": "{{ [$json.a, $json.b].sum() }}"}}', '[{"a": 1, "b": 1}, {"a": 1, "b": "x"}]');
-- JavaScript arithmetic does not fail: 1 / 0 is Infinity (JSON null), "two" * 2 NaN (null)
SELECT regress.run_node('set', '{"fields": {"q": "{{ $json.a / $json.b }}", "n": "{{ $json.a * 2 }}"}}', '[{"a": 1, "b": 0}, {"a": "two", "b": 1}]');

-- many items keep their order
SELECT regress.run_node('set', '{"fields": {"i2": "{{ $json.i * 2 }}"}}',
							   (SELECT jsonb_agg(jsonb_build_object('i', i)) FROM generate_series(1, 5) i));

-- dot_notation: names are lodash paths (set, unset), creating the way
SELECT regress.run_node('set', '{"dot_notation": true, "fields": {"a.b": 1, "list[1].x": "y", "c": {"d": 1}, "c.e": 2}}',
							   '[{"a": {"keep": true}}, {"a": 5}]');
-- an existing literal key "a.b" is used as it is (lodash's isKey)
SELECT regress.run_node('set', '{"dot_notation": true, "fields": {"a.b": 2}}', '[{"a.b": 1}]');
SELECT regress.run_node('set', '{"dot_notation": true, "remove": ["a.b", "x[0]", "nope.deep"]}',
							   '[{"a": {"b": 1, "c": 2}, "x": [1, 2], "a.b": 3}]');
-- include: none, except (= remove), selected (a dotted one under its last part)
SELECT regress.run_node('set', '{"include": "none", "fields": {"k": 1}}', '[{"id": 1}]');
SELECT regress.run_node('set', '{"include": "except", "remove": ["b"]}', '[{"a": 1, "b": 2}]');
SELECT regress.run_node('set', '{"include": "selected", "include_fields": ["id", "user.name", "missing"], "fields": {"k": 1}}',
							   '[{"id": 1, "user": {"name": "Ann", "age": 3}, "x": 0}]');
SELECT regress.run_node('set', '{"include": "selected", "dot_notation": true, "include_fields": ["id", "user.name", "missing"]}',
							   '[{"id": 1, "user": {"name": "Ann", "age": 3}, "x": 0}]');
SELECT regress.run_node('set', '{"include": "selected", "include_fields": "{{ $json.keep }}"}',
							   '[{"keep": ["a"], "a": 1, "b": 2}]');

-- types: values converted as n8n's validateFieldType converts
SELECT regress.run_node('set', '{"types": {"n": "number", "b": "boolean", "s": "string", "o": "object", "a": "array", "z": "number"},
                                 "fields": {"n": "{{ $json.n }}", "b": "{{ $json.b }}", "s": "{{ $json.s }}", "o": "{{ $json.o }}", "a": "{{ $json.a }}", "z": null}}',
							   '[{"n": "12.5", "b": "TRUE", "s": {"x": [1]}, "o": "{\"k\": 1}", "a": "[1, 2]"},
								 {"n": "", "b": 0, "s": 7, "o": {"k": 2}, "a": "[''q'']"},
								 {"n": true, "b": "1", "s": null, "o": null, "a": [3]}]');
-- constants are converted once
SELECT regress.run_node('set', '{"types": {"n": "number"}, "fields": {"n": "42"}}', '[{}]');
-- a value that cannot be converted: an error naming the field and item,
-- or kept as it is with ignore_conversion_errors
SELECT regress.run_node('set', '{"types": {"n": "number"}, "fields": {"n": "{{ $json.v }}"}}', '[{"v": "1"}, {"v": "abc"}]');
SELECT regress.run_node('set', '{"types": {"b": "boolean"}, "fields": {"b": "{{ $json.v }}"}}', '[{"v": "yes"}]');
SELECT regress.run_node('set', '{"types": {"o": "object"}, "fields": {"o": "{{ $json.v }}"}}', '[{"v": "[1]"}]');
SELECT regress.run_node('set', '{"types": {"n": "number"}, "fields": {"n": "abc"}}', '[{}]');
SELECT regress.run_node('set', '{"types": {"n": "number", "b": "boolean"}, "ignore_conversion_errors": true,
                                 "fields": {"n": "{{ $json.v }}", "b": "{{ $json.v }}"}}', '[{"v": "abc"}]');

-- bad options are refused when the workflow is saved
SELECT regress.run_node('set', '{"include": "some"}', '[{}]');
SELECT regress.run_node('set', '{"types": {"n": "integer"}}', '[{}]');
SELECT regress.run_node('set', '{"dot_notation": "{{ true }}"}', '[{}]');
SELECT regress.run_node('set', '{"include_fields": "a"}', '[{}]');

SELECT reporunner.delete_workflow('test_set');
