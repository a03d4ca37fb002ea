--
-- The "merge" node: append, by_key (inner, left, right, outer, anti),
-- by_position,
-- cross_join and choose_branch, over 2 to 10 inputs.
--
-- merge(params, inputs): the items of inputs[k] reach merge input k
-- (Start -> Route (switch on "port") -> Strip<k> (set: remove "port") ->
-- Merge input k), run through regress.run_workflow (009_test_helpers);
-- returns the result or "SQLSTATE: message / detail", for a document the
-- validator refuses too.  An input with no items gets nothing at all, as
-- when a branch is not taken.
CREATE FUNCTION pg_temp.merge(params jsonb, inputs jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n int := coalesce((params->>'inputs')::int, 2);
	nodes jsonb := '[{"name": "Start", "type": "trigger"}]';
	rules jsonb := '[]';
	conns jsonb := '[{"from": "Start", "to": "Route"}]';
	items jsonb;
BEGIN
	FOR k IN 0 .. n - 1 LOOP
		rules := rules || jsonb_build_object('condition', format('{{ $json.port == %s }}', k));
		nodes := nodes || jsonb_build_object('name', 'Strip' || k, 'type', 'set',
											 'params', '{"remove": ["port"]}'::jsonb);
		conns := conns
			|| jsonb_build_object('from', 'Route', 'output', k::text, 'to', 'Strip' || k)
			|| jsonb_build_object('from', 'Strip' || k, 'to', 'Merge', 'input', k);
	END LOOP;
	nodes := nodes
		|| jsonb_build_object('name', 'Route', 'type', 'switch', 'params', jsonb_build_object('rules', rules))
		|| jsonb_build_object('name', 'Merge', 'type', 'merge', 'params', params);
	SELECT coalesce(jsonb_agg(e.value || jsonb_build_object('port', i.ord - 1) ORDER BY i.ord, e.ord), '[]')
	INTO items
	FROM jsonb_array_elements(inputs) WITH ORDINALITY i(value, ord),
		 jsonb_array_elements(i.value) WITH ORDINALITY e(value, ord);
	RETURN regress.run_workflow('test_merge',
		jsonb_build_object('nodes', nodes, 'connections', conns), items);
END
$$;

\pset format unaligned
\pset tuples_only on

-- append (the default): input 0, then input 1, ...
SELECT pg_temp.merge('{}', '[[{"a": 1}, {"a": 2}], [{"b": 1}]]');
SELECT pg_temp.merge('{"mode": "append", "inputs": 3}', '[[{"a": 1}], [{"b": 1}, {"b": 2}], [{"c": 1}]]');
-- an input that got nothing adds nothing; the merge still runs
SELECT pg_temp.merge('{}', '[[], [{"b": 1}]]');
SELECT pg_temp.merge('{"inputs": 3}', '[[{"a": 1}], [], [{"c": 1}]]');
-- no items at all: the merge does not run, nothing comes out
SELECT pg_temp.merge('{}', '[[], []]');

-- by_key, inner join (the default): every match, left || right, the right
-- item winning on shared fields, in left order then right order
SELECT pg_temp.merge('{"mode": "by_key", "key": "id"}',
	'[[{"id": 1, "l": "a", "v": "left"}, {"id": 2, "l": "b"}, {"id": 3, "l": "c"}],
	  [{"id": 1, "r": "x", "v": "right"}, {"id": 4, "r": "z"}, {"id": 1, "r": "y"}]]');
-- right_key: the field on the right has another name
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "right_key": "order_id"}',
	'[[{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}],
	  [{"order_id": 2, "total": 10}, {"order_id": 1, "total": 5}, {"order_id": 2, "total": 7}]]');
-- left join keeps unmatched left items as they are
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "left"}',
	'[[{"id": 1, "l": "a"}, {"id": 2, "l": "b"}], [{"id": 1, "r": "x"}, {"id": 3, "r": "z"}]]');
-- outer join also keeps unmatched right items, after the others
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "outer"}',
	'[[{"id": 1, "l": "a"}, {"id": 2, "l": "b"}], [{"id": 3, "r": "z"}, {"id": 1, "r": "x"}, {"id": 4}]]');
-- keys compare as jsonb values: 1 matches 1.0, not "1"; arrays and objects
-- match when equal; unicode strings match byte for byte
SELECT pg_temp.merge('{"mode": "by_key", "key": "k"}',
	'[[{"k": 1, "l": 1}, {"k": "1", "l": 2}, {"k": [1, {"a": 2}], "l": 3}, {"k": "ünï", "l": 4}, {"k": true, "l": 5}],
	  [{"k": 1.0, "r": 1}, {"k": [1, {"a": 2.00}], "r": 3}, {"k": "ünï", "r": 4}, {"k": "uni", "r": 0}, {"k": true, "r": 5}]]');
-- a missing key matches nothing; null matches null (lodash's isEqual, as n8n)
SELECT pg_temp.merge('{"mode": "by_key", "key": "k", "join": "outer"}',
	'[[{"k": null, "l": 1}, {"l": 2}], [{"k": null, "r": 1}, {"r": 2}]]');
-- one side empty
SELECT pg_temp.merge('{"mode": "by_key", "key": "id"}', '[[{"id": 1}], []]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "left"}', '[[{"id": 1}], []]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "outer"}', '[[], [{"id": 1}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "left"}', '[[], [{"id": 1}]]');
-- three inputs: input 2 is joined to the result, on the key of input 0
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "inputs": 3}',
	'[[{"id": 1, "a": 1}, {"id": 2, "a": 2}], [{"id": 1, "b": 1}, {"id": 2, "b": 2}], [{"id": 2, "c": 2}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "right_key": "ref", "join": "outer", "inputs": 3}',
	'[[{"id": 1, "a": 1}], [{"ref": 1, "id": 9, "b": 1}, {"ref": 5, "b": 5}], [{"ref": 1, "c": 1}, {"ref": 9, "c": 9}]]');

-- by_position: the n-th items merged, up to the longest input
SELECT pg_temp.merge('{"mode": "by_position"}',
	'[[{"a": 1, "v": "left"}, {"a": 2}, {"a": 3}], [{"b": 1, "v": "right"}, {"b": 2}]]');
SELECT pg_temp.merge('{"mode": "by_position", "inputs": 3}',
	'[[{"a": 1}], [], [{"c": 1}, {"c": 2}]]');

-- cross_join: every combination, input 0 varying slowest
SELECT pg_temp.merge('{"mode": "cross_join"}',
	'[[{"a": 1}, {"a": 2}], [{"b": 1}, {"b": 2}, {"b": 3, "a": 0}]]');
SELECT pg_temp.merge('{"mode": "cross_join", "inputs": 3}',
	'[[{"a": 1}, {"a": 2}], [{"b": 1}], [{"c": 1}, {"c": 2}]]');
-- an empty input: no combinations
SELECT pg_temp.merge('{"mode": "cross_join"}', '[[{"a": 1}, {"a": 2}], []]');
-- more than 1,000,000 combinations is refused before any is built
SELECT pg_temp.merge('{"mode": "cross_join"}',
	(SELECT jsonb_build_array(jsonb_agg(jsonb_build_object('a', i)) FILTER (WHERE i <= 1001),
							  jsonb_agg(jsonb_build_object('b', i)) FILTER (WHERE i <= 1000))
	 FROM generate_series(1, 1001) i));
SELECT pg_temp.merge('{"mode": "cross_join", "inputs": 3}',
	(SELECT jsonb_build_array(jsonb_agg(jsonb_build_object('a', i)),
							  jsonb_agg(jsonb_build_object('b', i)),
							  jsonb_agg(jsonb_build_object('c', i)))
	 FROM generate_series(1, 101) i));
-- choose_branch: the items of input "branch" (default 0)
SELECT pg_temp.merge('{"mode": "choose_branch"}', '[[{"a": 1}], [{"b": 1}]]');
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": 1}', '[[{"a": 1}], [{"b": 1}, {"b": 2}]]');
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": 1}', '[[{"a": 1}], []]');
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": 2, "inputs": 3}', '[[{"a": 1}], [{"b": 1}], [{"c": 1}]]');
-- "branch" computed from the first item of input 0
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": "{{ $json.pick }}"}',
	'[[{"pick": 1}, {"pick": 0}], [{"b": 1}]]');
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": "{{ $json.pick }}"}',
	'[[{"pick": 1.0}], [{"b": 1}]]');
-- with no item on input 0 it is computed for an empty item: no result, so
-- the default 0
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": "{{ $json.pick }}"}', '[[], [{"b": 1}]]');
-- computed values that are not a valid input
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": "{{ $json.pick }}"}', '[[{"pick": "1"}], [{"b": 1}]]');
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": "{{ $json.pick }}"}', '[[{"pick": 2}], [{"b": 1}]]');
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": "{{ $json.pick }}"}', '[[{"pick": -1}], [{"b": 1}]]');
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": "{{ $json.pick }}"}', '[[{"pick": 0.5}], [{"b": 1}]]');
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": "{{ $json.pick }}"}', '[[{"pick": 1e20}], [{"b": 1}]]');

-- by_key as n8n's combine by fields: matched items first, then the
-- unmatched ones of input 0, then those of input 1
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "outer"}',
	'[[{"id": 9, "l": "x"}, {"id": 1, "l": "a"}], [{"id": 3, "r": "z"}, {"id": 1, "r": "b"}]]');
-- right join (enrich input 2): input 2's items in their order, their
-- fields winning by default, unmatched ones last
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "right"}',
	'[[{"id": 1, "v": "left"}, {"id": 2, "v": "only left"}, {"id": 4, "v": "l4"}], [{"id": 4, "v": "r4"}, {"id": 1, "v": "right", "r": 1}, {"id": 3, "v": "only right"}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "right", "clash": "add_suffix"}',
	'[[{"id": 1, "v": "left"}], [{"id": 1, "v": "right"}, {"id": 3}]]');
-- anti join (keep non-matches): from both with "_source", or from one input
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "anti"}',
	'[[{"id": 1}, {"id": 2}], [{"id": 1}, {"id": 3}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "anti", "output_from": "input1"}',
	'[[{"id": 1}, {"id": 2}], [{"id": 1}, {"id": 3}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "anti", "output_from": "input2"}',
	'[[{"id": 1}, {"id": 2}], [{"id": 1}, {"id": 3}]]');
-- inner join, output data from one input: input 1 items once each, or the
-- matched input 2 items in their own order
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "output_from": "input1"}',
	'[[{"id": 1, "l": 1}, {"id": 2, "l": 2}], [{"id": 2, "r": "a"}, {"id": 1, "r": "b"}, {"id": 1, "r": "c"}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "output_from": "input2"}',
	'[[{"id": 2, "l": 2}, {"id": 1, "l": 1}], [{"id": 3}, {"id": 1, "r": "b"}, {"id": 2, "r": "a"}]]');
-- first match only
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "multiple_matches": "first"}',
	'[[{"id": 1}], [{"id": 1, "r": 1}, {"id": 1, "r": 2}]]');
-- several key fields ("a, b"), and fields of other names on the right
SELECT pg_temp.merge('{"mode": "by_key", "key": "a, b", "right_key": "x,y"}',
	'[[{"a": 1, "b": 1}, {"a": 1, "b": 2}, {"a": 1}], [{"x": 1, "y": 2, "r": "12"}, {"x": 1, "y": 1, "r": "11"}]]');
-- dotted key paths with dot_notation, literal names without
SELECT pg_temp.merge('{"mode": "by_key", "key": "u.id", "dot_notation": true}',
	'[[{"u": {"id": 1}, "l": 1}], [{"u": {"id": 1, "n": "x"}}, {"u.id": 1}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "u.id"}',
	'[[{"u": {"id": 1}, "l": 1}], [{"u": {"id": 1, "n": "x"}}, {"u.id": 1}]]');
-- one input empty: n8n passes the other input's items on, or nothing
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "outer"}', '[[{"id": 1}], []]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "anti", "output_from": "input2"}', '[[{"id": 1}], []]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "right"}', '[[{"id": 1}], []]');
-- several fields and their counts must agree
SELECT pg_temp.merge('{"mode": "by_key", "key": "a, b", "right_key": "x"}', '[[{"a": 1}], [{"x": 1}]]');

-- clash handling: deep merge (lodash merge: objects member by member,
-- arrays element by element), shallow, suffixes, a preferred input,
-- empty values not overriding
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "merge_mode": "deep"}',
	'[[{"id": 1, "o": {"a": 1, "b": {"c": 1}}, "l": [1, 2, 3], "s": "x"}], [{"id": 1, "o": {"b": {"d": 2}}, "l": [9], "s": null}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id"}',
	'[[{"id": 1, "o": {"a": 1}}], [{"id": 1, "o": {"b": 2}}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "clash": "add_suffix", "join": "outer"}',
	'[[{"id": 1, "v": "l"}, {"id": 2}], [{"id": 1, "v": "r"}, {"id": 3}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "clash": "prefer_input1"}',
	'[[{"id": 1, "v": "l"}], [{"id": 1, "v": "r", "w": 1}]]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "override_empty": true, "merge_mode": "deep"}',
	'[[{"id": 1, "a": "keep", "b": "keep", "o": {"c": 1}}], [{"id": 1, "a": "", "b": null, "o": {"c": null}, "n": null}]]');

-- by_position: n8n drops unpaired items unless include_unpaired (the
-- default here is to include them)
SELECT pg_temp.merge('{"mode": "by_position", "include_unpaired": false}',
	'[[{"a": 1}, {"a": 2}], [{"b": 1}]]');
SELECT pg_temp.merge('{"mode": "by_position", "include_unpaired": false}', '[[{"a": 1}], []]');
SELECT pg_temp.merge('{"mode": "by_position", "clash": "add_suffix", "inputs": 3}',
	'[[{"a": 1}], [{"a": 2}], [{"a": 3}, {"a": 4}]]');
SELECT pg_temp.merge('{"mode": "by_position", "clash": "prefer_input1", "merge_mode": "deep"}',
	'[[{"a": 1, "o": {"x": 1}}], [{"a": 2, "o": {"y": 2}}]]');

-- cross_join with clash handling; prefer_input1 also makes input 1 vary
-- fastest, as n8n swaps the inputs
SELECT pg_temp.merge('{"mode": "cross_join", "clash": "prefer_input1"}',
	'[[{"a": 1}, {"a": 2}], [{"a": 9, "b": 1}, {"a": 9, "b": 2}]]');
SELECT pg_temp.merge('{"mode": "cross_join", "clash": "add_suffix"}',
	'[[{"a": 1}], [{"a": 2}]]');

-- choose_branch with one empty item
SELECT pg_temp.merge('{"mode": "choose_branch", "empty_item": true}', '[[{"a": 1}], [{"b": 1}, {"b": 2}]]');

-- bad options are refused when the workflow is saved
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "join": "cross"}', '[[], []]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "output_from": "input3"}', '[[], []]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "clash": "prefer_input11"}', '[[], []]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "merge_mode": "{{ \"deep\" }}"}', '[[], []]');
SELECT pg_temp.merge('{"mode": "by_position", "include_unpaired": "yes"}', '[[], []]');
SELECT pg_temp.merge('{"mode": "by_key", "key": "id", "multiple_matches": "last"}', '[[], []]');

-- the validator's side: what cannot be saved
SELECT pg_temp.merge('{"mode": "by_key"}', '[[], []]');
SELECT pg_temp.merge('{"mode": "zip"}', '[[], []]');
SELECT pg_temp.merge('{"mode": "choose_branch", "branch": 2}', '[[], []]');

\pset format aligned
\pset tuples_only off
SELECT reporunner.delete_workflow('test_merge');
