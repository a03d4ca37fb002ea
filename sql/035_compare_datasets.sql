--
-- The "compare_datasets" node (n8n's Compare Datasets): items of input A
-- paired with items of input B by fields, to four outputs: in_a_only,
-- same, different, in_b_only.
--
-- cmp(params, a, b): the items of a reach input A and those of b input B
-- (Start -> Route (switch on "port") -> Strip<k> (set: remove "port") ->
-- Compare input k); each output goes to a set node that tags its items.  Returns
-- {"in_a_only": [...], "same": [...], "different": [...], "in_b_only": [...]}
-- (outputs with no items left out), or "SQLSTATE: message / detail", for a
-- document the validator refuses too.
CREATE FUNCTION pg_temp.cmp(params jsonb, a jsonb, b jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	nodes jsonb := '[{"name": "Start", "type": "trigger"},
		{"name": "Route", "type": "switch", "params": {"rules": [{"condition": "{{ $json.port == 0 }}"}, {"condition": "{{ $json.port == 1 }}"}]}},
		{"name": "Strip0", "type": "set", "params": {"remove": ["port"]}},
		{"name": "Strip1", "type": "set", "params": {"remove": ["port"]}},
		{"name": "in_a_only", "type": "set", "params": {"fields": {"_out": "in_a_only"}}},
		{"name": "same", "type": "set", "params": {"fields": {"_out": "same"}}},
		{"name": "different", "type": "set", "params": {"fields": {"_out": "different"}}},
		{"name": "in_b_only", "type": "set", "params": {"fields": {"_out": "in_b_only"}}}]';
	conns jsonb := '[{"from": "Start", "to": "Route"},
		{"from": "Route", "output": "0", "to": "Strip0"}, {"from": "Route", "output": "1", "to": "Strip1"},
		{"from": "Strip0", "to": "Compare", "input": 0}, {"from": "Strip1", "to": "Compare", "input": 1},
		{"from": "Compare", "output": "in_a_only", "to": "in_a_only"},
		{"from": "Compare", "output": "same", "to": "same"},
		{"from": "Compare", "output": "different", "to": "different"},
		{"from": "Compare", "output": "in_b_only", "to": "in_b_only"}]';
	items jsonb;
	result text;
BEGIN
	nodes := nodes || jsonb_build_object('name', 'Compare', 'type', 'compare_datasets', 'params', params);
	SELECT coalesce(jsonb_agg(e.value || jsonb_build_object('port', i.port) ORDER BY i.port, e.ord), '[]')
	INTO items
	FROM (VALUES (0, a), (1, b)) i(port, value),
		 jsonb_array_elements(i.value) WITH ORDINALITY e(value, ord);
	result := regress.run_workflow('test_compare',
		jsonb_build_object('nodes', nodes, 'connections', conns), items);
	IF left(result, 1) <> '[' THEN
		RETURN result;
	END IF;
	RETURN (SELECT coalesce(jsonb_object_agg(o.out, o.items), '{}')
			FROM (SELECT e.value->>'_out' AS out,
						 jsonb_agg(e.value - '_out' ORDER BY e.ord) AS items
				  FROM jsonb_array_elements(result::jsonb) WITH ORDINALITY e(value, ord)
				  GROUP BY 1) o);
END
$$;

\pset format unaligned
\pset tuples_only on

SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}]}',
	'[{"id": 1, "v": "x"}, {"id": 2, "v": "y"}, {"id": 3}]',
	'[{"id": 2, "v": "y"}, {"id": 3, "v": 0}, {"id": 4}]');

-- n8n's workflow.compareDatasets.json, transcribed (its checks are Function
-- nodes; their assertions in the comments).
-- "first match only by id and text": A only the item 4 ("Y"), same the
-- item 2 ("E"), different 1 and 3 (first B match only), B only "DD" and 5
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}, {"a": "text", "b": "text"}], "resolve": "prefer_b", "multiple_matches": "first"}',
	'[{"id": 1, "text": "foo", "data": "A", "data2": 555, "memo": "test"}, {"id": 2, "text": "bar bar", "data": "E"},
	  {"id": 3, "text": "spam", "data": "C"}, {"id": 4, "text": "not matched", "data": "Y"}]',
	'[{"id": 1, "text": "foo", "data": "D", "data3": 111, "memo": "test"}, {"id": 1, "text": "foo", "data": "DD"},
	  {"id": 2, "text": "bar bar", "data": "E"}, {"id": 3, "text": "spam", "data": "F"}, {"id": 5, "text": "spam", "data": "X"}]');
-- "all match by id", include both: two different items for each id; B only id 5
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "resolve": "include_both", "multiple_matches": "all"}',
	'[{"id": 1, "data": "A"}, {"id": 2, "data": "B"}, {"id": 3, "data": "C"}]',
	'[{"id": 1, "data": "D"}, {"id": 1, "data": "DD"}, {"id": 2, "data": "E"}, {"id": 2, "data": "EE"},
	  {"id": 3, "data": "F"}, {"id": 3, "data": "FF"}, {"id": 5, "data": "X"}]');
-- "matches mix prefer input 1" (except "data"): A only "AA", same "A",
-- different "E" and "F" (B's data in A's item), B only "EE"
SELECT pg_temp.cmp('{"fields": [{"a": "id.code", "b": "id.code"}], "resolve": "mix", "except": ["data"], "multiple_matches": "all"}',
	'[{"id": {"code": 1}, "data": "A"}, {"id": {"code": 2}, "data": "B"}, {"id": {"code": 3}, "data": "C"}, {"id": {"code": 4}, "data": "AA"}]',
	'[{"id": {"code": 1}, "data": "A"}, {"id": {"code": 2}, "data": "E"}, {"id": {"code": 3}, "data": "F"}, {"id": {"code": 5}, "data": "EE"}]');
-- "matching by dot notation": three different; the items with the literal
-- key "id.code" are the same (a path first tries the whole name as a key,
-- as lodash's get does)
SELECT pg_temp.cmp('{"fields": [{"a": "id.code", "b": "id.code"}], "resolve": "include_both"}',
	'[{"id": {"code": 1}, "data": "A"}, {"id": {"code": 2}, "data": "B"}, {"id": {"code": 3}, "data": "C"}, {"id.code": "AAA"}]',
	'[{"id": {"code": 1}, "data": "D"}, {"id": {"code": 2}, "data": "E"}, {"id": {"code": 3}, "data": "F"}, {"id.code": "AAA"}]');
-- "disabled dot notation": only the literal keys match
SELECT pg_temp.cmp('{"fields": [{"a": "id.code", "b": "id.code"}], "resolve": "include_both", "dot_notation": false}',
	'[{"id": {"code": 1}, "data": "A"}, {"id": {"code": 2}, "data": "B"}, {"id": {"code": 3}, "data": "C"}, {"id.code": "AAA"}]',
	'[{"id": {"code": 1}, "data": "D"}, {"id": {"code": 2}, "data": "E"}, {"id": {"code": 3}, "data": "F"}, {"id.code": "AAA"}]');
-- workflow.update_2_2.json: a field no item has is no error; empty input B
SELECT pg_temp.cmp('{"fields": [{"a": "idd", "b": "idd"}]}', '[{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}]', '[]');

-- resolve: include_both is the default; prefer_a; mix preferring B with
-- A's fields; a missing or falsy except field through a path becomes null
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "key"}]}', '[{"id": 1, "x": 1, "y": "a"}]', '[{"key": 1, "x": 2, "z": true}]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "resolve": "prefer_a"}', '[{"id": 1, "x": 1}]', '[{"id": 1, "x": 2}]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "resolve": "mix", "prefer": "b", "except": ["x", "gone", "zero", "n.m"]}',
	'[{"id": 1, "x": "A", "zero": 0, "n": {"m": 5}}]', '[{"id": 1, "x": "B", "zero": 7, "gone": 1, "n": {"m": 6, "k": 1}}]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "resolve": "mix", "except": ["gone"], "dot_notation": false}',
	'[{"id": 1, "x": "A", "gone": 1}]', '[{"id": 1, "x": "B"}]');
-- skip_fields: not compared; in include_both they go to "skipped"; a path
-- skips inside an object
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "skip_fields": ["updated_at"]}',
	'[{"id": 1, "v": 1, "updated_at": "mon"}, {"id": 2, "v": 1, "updated_at": "mon"}]',
	'[{"id": 1, "v": 1, "updated_at": "tue"}, {"id": 2, "v": 2, "updated_at": "tue"}]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "skip_fields": ["meta.at"]}',
	'[{"id": 1, "meta": {"at": 1, "by": "x"}}, {"id": 2, "meta": {"at": 1, "by": "x"}}]',
	'[{"id": 1, "meta": {"at": 2, "by": "x"}}, {"id": 2, "meta": {"at": 2, "by": "y"}}]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "skip_fields": ["meta.at"]}',
	'[{"id": 1, "meta": "text"}]', '[{"id": 1, "meta": {"at": 2}}]');
-- fuzzy_compare: 3 and "3", true and "TRUE", 1 and true, null, "" and [] and
-- a missing field, null and 0, an object and its JSON text
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "fuzzy_compare": true}',
	'[{"id": 3, "n": 1.5, "b": true, "c": 1, "e": null, "f": "", "z": null, "o": {"k": [1]}},
	  {"id": "4", "b": false, "s": "x"}]',
	'[{"id": "3", "n": "1.5", "b": "TRUE", "c": true, "e": [], "z": 0, "o": "{\"k\": [1]}"},
	  {"id": 4, "b": "1", "s": "x"}]');
-- without it, the same items differ and ids do not match
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}]}', '[{"id": 3, "n": 1}]', '[{"id": "3", "n": 1}]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}]}', '[{"id": 3, "n": 1.0}]', '[{"id": 3, "n": 1}]');
-- fuzzy with prefer_b: same gets B's item
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "fuzzy_compare": true, "resolve": "prefer_b"}',
	'[{"id": 1, "v": 2}]', '[{"id": 1, "v": "2"}]');
-- an A item lacking a match field, empty items left out, several fields
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}, {"a": "k", "b": "k"}]}',
	'[{"id": 1}, {}, {"id": 2, "k": "x"}]', '[{}, {"id": 2, "k": "x"}, {"id": 2, "k": "y"}]');
-- nothing in either input
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}]}', '[]', '[]');

-- bad params are refused when the workflow is saved
SELECT pg_temp.cmp('{}', '[]', '[]');
SELECT pg_temp.cmp('{"fields": []}', '[]', '[]');
SELECT pg_temp.cmp('{"fields": [{"a": "id"}]}', '[]', '[]');
SELECT pg_temp.cmp('{"fields": [{"a": "{{ $json.k }}", "b": "id"}]}', '[]', '[]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "resolve": "prefer_input1"}', '[]', '[]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "prefer": "c"}', '[]', '[]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "skip_fields": "a, b"}', '[]', '[]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "multiple_matches": "some"}', '[]', '[]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "fuzzy_compare": "{{ true }}"}', '[]', '[]');
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}], "skip_fields": ["a.b"], "dot_notation": false}', '[]', '[]');

-- paired items: each output item says which input items it came from, so
-- $('Node').item reaches back through either input
SELECT regress.run_workflow('test_compare_paired', jsonb_build_object(
	'nodes', '[{"name": "Start", "type": "trigger"},
		{"name": "A", "type": "split_out", "params": {"field": "a"}},
		{"name": "B", "type": "split_out", "params": {"field": "b"}},
		{"name": "Compare", "type": "compare_datasets", "params": {"fields": [{"a": "id", "b": "id"}], "resolve": "prefer_b"}},
		{"name": "OnlyA", "type": "set", "params": {"keep_only": true, "fields": {"from_a": "{{ $(''A'').item.json.tag }}"}}},
		{"name": "Diff", "type": "set", "params": {"keep_only": true, "fields": {"from_b": "{{ $(''B'').item.json.tag }}"}}},
		{"name": "OnlyB", "type": "set", "params": {"keep_only": true, "fields": {"from_b": "{{ $(''B'').item.json.tag }}"}}}]'::jsonb,
	'connections', '[{"from": "Start", "to": "A"}, {"from": "Start", "to": "B"},
		{"from": "A", "to": "Compare", "input": 0}, {"from": "B", "to": "Compare", "input": 1},
		{"from": "Compare", "output": "in_a_only", "to": "OnlyA"},
		{"from": "Compare", "output": "different", "to": "Diff"},
		{"from": "Compare", "output": "in_b_only", "to": "OnlyB"}]'::jsonb),
	'[{"a": [{"id": 1, "tag": "a1"}, {"id": 2, "tag": "a2"}], "b": [{"id": 2, "tag": "b2"}, {"id": 3, "tag": "b3"}]}]');

-- B's items are found by the hash of their values (not by testing every
-- pair): numbers of another scale and objects match as isEqual says, and a
-- missing field matches nothing
SELECT pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}, {"a": "k", "b": "k"}]}',
	'[{"id": 1.0, "k": {"b": 1, "a": [2]}}, {"id": 2, "k": null}, {"id": 3}]',
	'[{"id": 1, "k": {"a": [2], "b": 1}, "x": 1}, {"id": 2, "k": null}, {"id": 3}]');
-- 3,000 against 3,000 by id, half of them in both
SELECT (SELECT jsonb_object_agg(o.key, jsonb_array_length(o.value))
		FROM jsonb_each(pg_temp.cmp('{"fields": [{"a": "id", "b": "id"}]}',
			(SELECT jsonb_agg(jsonb_build_object('id', i, 'v', i % 7)) FROM generate_series(1, 3000) i),
			(SELECT jsonb_agg(jsonb_build_object('id', i, 'v', i % 5)) FROM generate_series(1501, 4500) i))::jsonb) o);
