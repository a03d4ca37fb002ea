--
-- The "date_time" node (n8n's Date & Time): the current date, adding and
-- subtracting, formatting, rounding, the time between two dates and parts
-- of a date, in the workflow's time zone.
--
-- run(params, items, settings): Start -> Date with params, returning the
-- result or "SQLSTATE: message / detail" (regress.run_workflow).
CREATE FUNCTION pg_temp.run(params jsonb, items jsonb DEFAULT '[{}]',
							settings jsonb DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
	SELECT regress.run_workflow('test_date_time',
		regress.node_doc('date_time', params, 'Date')
		|| CASE WHEN settings IS NULL THEN '{}'::jsonb
				ELSE jsonb_build_object('settings', settings) END,
		items)
$$;

\pset format unaligned
\pset tuples_only on

-- add and subtract (Luxon's plus and minus), in the workflow's zone: UTC
-- when settings.timezone is not set
SELECT pg_temp.run('{"operation": "add", "date": "{{ $json.d }}", "duration": 2}',
	'[{"d": "2023-04-11T13:51:59.965+00:00"}, {"d": "2024-01-31"}]');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-31T10:00:00", "duration": 1, "unit": "months"}');
SELECT pg_temp.run('{"operation": "subtract", "date": "2024-03-31T10:00:00Z", "duration": 1, "unit": "quarters", "output_field": "before"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-01T00:00:00Z", "duration": "{{ $json.n }}", "unit": "hours"}',
	'[{"n": 1.5}, {"n": -30}]');
-- each unit once
SELECT pg_temp.run(jsonb_build_object('operation', 'add', 'date', '2024-02-29T12:00:00Z',
	'duration', 1, 'unit', u)) FROM unnest('{years,quarters,months,weeks,days,hours,minutes,seconds,milliseconds}'::text[]) u;

-- time zones: settings.timezone; the param "timezone" wins over it
SELECT pg_temp.run('{"operation": "add", "date": "2024-06-01T12:00:00Z", "duration": 1}',
	settings => '{"timezone": "Europe/Oslo"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-06-01T12:00:00Z", "duration": 1, "timezone": "America/New_York"}',
	settings => '{"timezone": "Europe/Oslo"}');
-- a text without an offset is a wall-clock time of that zone
SELECT pg_temp.run('{"operation": "add", "date": "2024-06-01 12:00:00", "duration": 0}',
	settings => '{"timezone": "Asia/Kolkata"}');
-- DST: a day across the change is 23 or 25 hours, 24 hours is not a day;
-- a wall-clock time in the spring gap moves forward, an ambiguous one in
-- the autumn takes the earlier instant
SELECT pg_temp.run('{"operation": "add", "date": "2024-03-30T12:00:00", "duration": 1, "unit": "days"}',
	settings => '{"timezone": "Europe/Berlin"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-03-30T12:00:00", "duration": 24, "unit": "hours"}',
	settings => '{"timezone": "Europe/Berlin"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-03-31T02:30:00", "duration": 0}',
	settings => '{"timezone": "Europe/Berlin"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-10-27T02:30:00", "duration": 1, "unit": "hours"}',
	settings => '{"timezone": "Europe/Berlin"}');
SELECT pg_temp.run('{"operation": "subtract", "date": "2024-11-03T12:00:00", "duration": 1, "unit": "days"}',
	settings => '{"timezone": "America/New_York"}');

-- numbers are Unix timestamps: seconds below 12 digits, else milliseconds,
-- with a fraction seconds; so are texts that are numbers
SELECT pg_temp.run('{"operation": "format", "date": "{{ $json.d }}", "format": "yyyy-MM-dd HH:mm:ss.SSS"}',
	'[{"d": 1682918315906}, {"d": 1682918315.906}, {"d": 1682918315}, {"d": "1682918315906"}, {"d": "1682918315.906"}, {"d": "1682918315"}, {"d": 0}, {"d": -86400}, {"d": " 42 "}]');

-- format: n8n's presets and any Luxon format; the workflow's zone
SELECT pg_temp.run(jsonb_build_object('operation', 'format', 'date', '1986-04-09T15:04:05.123Z', 'format', f))
FROM unnest('{MM/dd/yyyy,yyyy/MM/dd,MMMM dd yyyy,MM-dd-yyyy,yyyy-MM-dd,X,x}'::text[]) f;
SELECT pg_temp.run('{"operation": "format", "date": "2024-07-04T18:30:00Z", "format": "cccc, d LLLL yyyy ''at'' h:mm a ZZZZ (z)", "output_field": "text"}',
	settings => '{"timezone": "America/Los_Angeles"}');
-- from_format reads a text of another form; from_timezone the zone it is in
SELECT pg_temp.run('{"operation": "format", "date": "09.04.1986 17:00", "from_format": "dd.MM.yyyy HH:mm", "format": "yyyy-MM-dd''T''HH:mmZZ"}');
SELECT pg_temp.run('{"operation": "format", "date": "09.04.1986 17:00", "from_format": "dd.MM.yyyy HH:mm", "from_timezone": "Asia/Tokyo", "timezone": "UTC", "format": "yyyy-MM-dd HH:mm ZZ"}');
-- keep_offset: a text with a "+" offset keeps it (n8n's format without its
-- "use workflow timezone"); others move to "timezone"
SELECT pg_temp.run('{"operation": "format", "date": "{{ $json.d }}", "timezone": "UTC", "keep_offset": true, "format": "HH:mm ZZ"}',
	'[{"d": "2024-01-01T10:00:00+05:30"}, {"d": "2024-01-01T10:00:00-05:00"}, {"d": "2024-01-01T10:00:00"}]');
-- RFC 2822, HTTP, SQL and what Date.parse reads
SELECT pg_temp.run('{"operation": "format", "date": "{{ $json.d }}", "format": "yyyy-MM-dd HH:mm"}',
	'[{"d": "Tue, 09 Apr 1986 15:00:00 +0200"}, {"d": "Tue, 09 Apr 1986 15:00:00 GMT"}, {"d": "1986-04-09 15:00:00"}, {"d": "1986/04/09"}, {"d": "April 9, 1986 3:00 PM"}]');
-- dates of expressions (Luxon's DateTime, JavaScript's Date) as they are
SELECT pg_temp.run('{"operation": "extract", "date": "{{ DateTime.fromISO(\"2024-01-01T10:00:00+05:00\") }}", "part": "hour"}',
	settings => '{"timezone": "Europe/Berlin"}');
SELECT pg_temp.run('{"operation": "between", "start_date": "{{ $now.minus(3, \"days\") }}", "end_date": "{{ $now }}"}');
SELECT pg_temp.run('{"operation": "format", "date": "{{ new Date(0) }}", "format": "yyyy-MM-dd HH:mm ZZ"}',
	settings => '{"timezone": "Europe/Berlin"}');
-- fractions of calendar units as Luxon adds them: the whole units on the
-- calendar, the rest as time (half a month is 15 days)
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-31", "duration": 1.5, "unit": "months"}');
-- a missing date stays missing
SELECT pg_temp.run('{"operation": "format", "date": "{{ $json.d }}", "format": "yyyy"}', '[{"d": null}, {}]');

-- round down to the start of a unit, up to the start of the next one
SELECT pg_temp.run(jsonb_build_object('operation', 'round', 'date', '2024-05-15T13:47:31.250Z', 'to', u))
FROM unnest('{year,quarter,month,week,day,hour,minute,second}'::text[]) u;
SELECT pg_temp.run(jsonb_build_object('operation', 'round', 'mode', 'up', 'date', '2024-05-15T13:47:31.250Z', 'to', u))
FROM unnest('{year,month,week,day,hour}'::text[]) u;
SELECT pg_temp.run('{"operation": "round", "date": "2024-05-15T13:47:31Z"}');
SELECT pg_temp.run('{"operation": "round", "mode": "up", "date": "2024-05-01T00:00:00Z"}');
-- across DST: the start of the day in the workflow's zone
SELECT pg_temp.run('{"operation": "round", "date": "2024-03-31T20:00:00Z", "to": "day"}',
	settings => '{"timezone": "Europe/Berlin"}');
SELECT pg_temp.run('{"operation": "round", "mode": "up", "date": "2024-03-30T20:00:00", "to": "day"}',
	settings => '{"timezone": "Europe/Berlin"}');

-- between: Luxon's diff in the units asked, as an object or ISO duration
SELECT pg_temp.run('{"operation": "between", "start_date": "2023-04-11T13:51:59.965Z", "end_date": "2023-04-13T13:51:59.965Z"}');
SELECT pg_temp.run('{"operation": "between", "start_date": "2024-01-15T08:00:00Z", "end_date": "2025-03-20T09:30:15.5Z",
	"units": ["year", "month", "day", "hour", "minute", "second", "millisecond"]}');
SELECT pg_temp.run('{"operation": "between", "start_date": "2024-01-15T08:00:00Z", "end_date": "2025-03-20T09:30:15.5Z",
	"units": ["month", "hour"], "iso": true}');
SELECT pg_temp.run('{"operation": "between", "start_date": "2024-03-20", "end_date": "2024-03-01", "units": ["week", "day"]}');
-- a day across DST is one day, 23 hours
SELECT pg_temp.run('{"operation": "between", "start_date": "2024-03-30T12:00:00", "end_date": "2024-03-31T12:00:00", "units": ["day"]}',
	settings => '{"timezone": "Europe/Berlin"}');
SELECT pg_temp.run('{"operation": "between", "start_date": "2024-03-30T12:00:00", "end_date": "2024-03-31T12:00:00", "units": ["hour"]}',
	settings => '{"timezone": "Europe/Berlin"}');

-- extract: a part, in the workflow's zone
SELECT pg_temp.run(jsonb_build_object('operation', 'extract', 'date', '2024-12-30T23:30:45.678Z', 'part', p))
FROM unnest('{year,quarter,month,week,day,weekday,hour,minute,second,millisecond}'::text[]) p;
SELECT pg_temp.run('{"operation": "extract", "date": "2024-12-31T23:30:00Z", "part": "day", "output_field": "d"}',
	settings => '{"timezone": "Pacific/Auckland"}');
SELECT pg_temp.run('{"operation": "extract", "date": "2024-12-31T23:30:00Z"}');

-- now: the execution's start ($now), the same for every item; without the
-- time the start of its day
SELECT r -> 0 ->> 'currentDate' = r -> 1 ->> 'currentDate'
FROM pg_temp.run('{"operation": "now"}', '[{}, {}]')::jsonb r;
SELECT (pg_temp.run('{"operation": "now", "timezone": "Asia/Tokyo"}')::jsonb -> 0 ->> 'currentDate') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00$';
SELECT (pg_temp.run('{"operation": "now", "include_time": false}', settings => '{"timezone": "America/New_York"}')::jsonb
	-> 0 ->> 'currentDate') ~ '^\d{4}-\d\d-\d\dT00:00:00\.000-0[45]:00$';
SELECT (pg_temp.run('{"operation": "now", "output_field": "at"}')::jsonb -> 0 ->> 'at')::timestamptz
	BETWEEN now() - interval '1 minute' AND clock_timestamp();

-- the output: only the field, or the input item with it; a path with
-- output_path; a computed field name
SELECT pg_temp.run('{"operation": "extract", "date": "{{ $json.d }}", "part": "year", "include_input_fields": true}',
	'[{"d": "2024-05-01", "keep": 1}]');
SELECT pg_temp.run('{"operation": "extract", "date": "{{ $json.d }}", "part": "year", "include_input_fields": true, "output_field": "d"}',
	'[{"d": "2024-05-01", "keep": 1}]');
SELECT pg_temp.run('{"operation": "extract", "date": "2024-05-01", "part": "year", "include_input_fields": true, "output_path": true, "output_field": "when.year"}',
	'[{"when": {"month": 5}}]');
SELECT pg_temp.run('{"operation": "extract", "date": "2024-05-01", "part": "year", "output_field": "a.b"}');
SELECT pg_temp.run('{"operation": "extract", "date": "2024-05-01", "output_field": "{{ $json.f }}"}', '[{"f": "m"}]');

-- bad params are refused when the workflow is saved, naming the field
SELECT pg_temp.run('{}');
SELECT pg_temp.run('{"operation": "shift"}');
SELECT pg_temp.run('{"operation": "add", "duration": 1}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-01"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-01", "duration": 1, "unit": "fortnights"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-01", "duration": "1"}');
SELECT pg_temp.run('{"operation": "format", "date": "2024-01-01"}');
SELECT pg_temp.run('{"operation": "format", "date": "2024-01-01", "format": ""}');
SELECT pg_temp.run('{"operation": "between", "start_date": "2024-01-01"}');
SELECT pg_temp.run('{"operation": "between", "start_date": "2024-01-01", "end_date": "2024-01-02", "units": ["days", "eons"]}');
SELECT pg_temp.run('{"operation": "between", "start_date": "2024-01-01", "end_date": "2024-01-02", "units": []}');
SELECT pg_temp.run('{"operation": "round", "date": "2024-01-01", "mode": "nearest"}');
SELECT pg_temp.run('{"operation": "extract", "date": "2024-01-01", "part": "century"}');
SELECT pg_temp.run('{"operation": "extract", "date": "2024-01-01", "part": "{{ $json.p }}"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-01", "duration": 1, "timezone": "Mars/Olympus"}');
SELECT pg_temp.run('{"operation": "format", "date": "2024-01-01", "format": "yyyy", "from_timezone": "Nowhere"}');
SELECT pg_temp.run('{"operation": "extract", "date": "2024-01-01", "format": "yyyy"}');
SELECT pg_temp.run('{"operation": "now", "date": "2024-01-01"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-01", "duration": 1, "keep_offset": true}');
SELECT pg_temp.run('{"operation": "now", "colour": "red"}');

-- bad values at run time: a clear error naming the param, nothing written
SELECT pg_temp.run('{"operation": "extract", "date": "{{ $json.d }}"}', '[{"d": "yesterday-ish"}]');
SELECT pg_temp.run('{"operation": "extract", "date": "{{ $json.d }}"}', '[{"d": "2024-02-30"}]');
SELECT pg_temp.run('{"operation": "extract", "date": "{{ $json.d }}"}', '[{"d": ""}]');
SELECT pg_temp.run('{"operation": "extract", "date": "{{ $json.d }}"}', '[{"d": {"y": 2024}}]');
SELECT pg_temp.run('{"operation": "extract", "date": "{{ $json.d }}"}', '[{}]');
SELECT pg_temp.run('{"operation": "extract", "date": "{{ $json.d }}"}', '[{"d": 100000000000000000000}]');
SELECT pg_temp.run('{"operation": "extract", "date": "{{ $json.d }}"}', '[{"d": true}]');
SELECT pg_temp.run('{"operation": "format", "date": "{{ $json.d }}", "from_format": "dd.MM.yyyy", "format": "yyyy"}', '[{"d": "2024-01-01"}]');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-01", "duration": "{{ $json.n }}"}', '[{"n": "two"}]');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-01", "duration": 300000, "unit": "years"}');
SELECT pg_temp.run('{"operation": "add", "date": "2024-01-01", "duration": 1, "timezone": "{{ $json.z }}"}', '[{"z": "Atlantis/Capital"}]');
SELECT pg_temp.run('{"operation": "format", "date": "2024-01-01", "format": "{{ $json.f }}"}', '[{"f": 7}]');
SELECT pg_temp.run('{"operation": "extract", "date": "2024-01-01", "output_field": "{{ $json.f }}"}', '[{"f": ""}]');
-- with the journal: the run fails whole, the good first item's output
-- is not kept as the node's
SELECT regress.save_node('date_time', '{"operation": "extract", "date": "{{ $json.d }}"}', 'Date', 'test_date_time') > 0;
SELECT regress.try($$SELECT reporunner.execute('test_date_time', '[{"d": "2024-01-01"}, {"d": "never"}]')$$);
SELECT e.status, s.status AS step, s.output
FROM reporunner.execution e JOIN reporunner.workflows w ON w.id = e.workflow_id
LEFT JOIN reporunner.step s ON s.execution_id = e.id AND s.node = 'Date'
WHERE w.name = 'test_date_time';

-- n8n's Date & Time node: v2, each operation with n8n's defaults written out
CREATE FUNCTION pg_temp.n8n(version numeric, parameters jsonb) RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object('name', 'one node',
		'nodes', jsonb_build_array(
			'{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
			  "position": [0, 0], "parameters": {}}'::jsonb,
			jsonb_build_object('name', 'N', 'type', 'n8n-nodes-base.dateTime',
							   'typeVersion', version, 'position', '[200, 0]'::jsonb,
							   'parameters', parameters)),
		'connections', '{"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}}'::jsonb)
$$;
CREATE FUNCTION pg_temp.node(version numeric, parameters jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT regress.try(format($q$SELECT reporunner.n8n_document(%L::jsonb)->'nodes'->1->>'params'$q$,
							  pg_temp.n8n(version, parameters)))
$$;
SELECT pg_temp.node(2, '{}');
SELECT pg_temp.node(2, '{"includeTime": false, "outputFieldName": "today", "options": {"timezone": "Asia/Tokyo"}}');
SELECT pg_temp.node(2, '{"operation": "addToDate", "magnitude": "={{ $json.d }}", "duration": 2}');
SELECT pg_temp.node(2, '{"operation": "subtractFromDate", "magnitude": "={{ $json.d }}", "timeUnit": "hours", "duration": "={{ $json.n }}", "outputFieldName": "x", "options": {"includeInputFields": true}}');
SELECT pg_temp.node(2, '{"operation": "formatDate", "date": "={{ $json.d }}"}');
SELECT pg_temp.node(2, '{"operation": "formatDate", "date": "={{ $json.d }}", "format": "custom", "customFormat": "HH:mm", "options": {"timezone": true, "fromFormat": "dd.MM.yyyy HH:mm"}}');
SELECT pg_temp.node(2, '{"operation": "roundDate", "date": "={{ $json.d }}"}');
SELECT pg_temp.node(2, '{"operation": "roundDate", "date": "={{ $json.d }}", "mode": "roundUp", "to": "month"}');
SELECT pg_temp.node(2, '{"operation": "getTimeBetweenDates", "startDate": "={{ $json.a }}", "endDate": "={{ $json.b }}"}');
SELECT pg_temp.node(2, '{"operation": "getTimeBetweenDates", "startDate": "={{ $json.a }}", "endDate": "={{ $json.b }}", "units": ["year", "day"], "options": {"isoString": true}}');
SELECT pg_temp.node(2, '{"operation": "extractDate", "date": "={{ $json.d }}"}');
SELECT pg_temp.node(2, '{"operation": "extractDate", "date": "={{ $json.d }}", "part": "week", "outputFieldName": "w"}');
-- v1: the input item with the result at a path; moment.js formats in
-- Luxon's tokens
SELECT pg_temp.node(1, '{"value": "={{ $json.d }}"}');
SELECT pg_temp.node(1, '{"value": "={{ $json.d }}", "dataPropertyName": "out.date", "custom": true, "toFormat": "dddd, D MMMM YYYY [at] HH:mm:ss.SSS A Z",
	"options": {"fromFormat": "DD/MM/YYYY HH:mm", "fromTimezone": "Europe/Oslo", "toTimezone": "America/Chicago"}}');
SELECT pg_temp.node(1, '{"action": "calculate", "value": "={{ $json.d }}", "operation": "subtract", "duration": 3, "timeUnit": "weeks"}');
-- what cannot be imported faithfully is refused, with the reason
SELECT pg_temp.node(2, '{"operation": "shiftDate"}');
SELECT pg_temp.node(2, '{"operation": "formatDate", "date": "x", "format": "custom"}');
SELECT pg_temp.node(2, '{"operation": "addToDate", "magnitude": "x", "options": {"locale": "de"}}');
SELECT pg_temp.node(1, '{"value": "x", "toFormat": "Do MMM"}');
SELECT pg_temp.node(1, '{"value": "x", "custom": true, "toFormat": "={{ $json.f }}"}');
SELECT pg_temp.node(3, '{}');

-- import, run, export, import again: the same document
SELECT reporunner.import_n8n(jsonb_build_object('name', 'dt',
	'nodes', jsonb_build_array(
		'{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0], "parameters": {}}'::jsonb,
		'{"name": "Add", "type": "n8n-nodes-base.dateTime", "typeVersion": 2, "position": [200, 0],
		  "parameters": {"operation": "addToDate", "magnitude": "={{ $json.d }}", "timeUnit": "months", "duration": 1, "options": {"includeInputFields": true}}}'::jsonb,
		'{"name": "Format", "type": "n8n-nodes-base.dateTime", "typeVersion": 2, "position": [400, 0],
		  "parameters": {"operation": "formatDate", "date": "={{ $json.newDate }}", "format": "custom", "customFormat": "d LLL yyyy HH:mm", "options": {"includeInputFields": true, "timezone": true}}}'::jsonb,
		'{"name": "Between", "type": "n8n-nodes-base.dateTime", "typeVersion": 2, "position": [600, 0],
		  "parameters": {"operation": "getTimeBetweenDates", "startDate": "={{ $json.d }}", "endDate": "={{ $json.newDate }}", "units": ["day", "hour"], "options": {"includeInputFields": true, "isoString": true}}}'::jsonb,
		'{"name": "Round", "type": "n8n-nodes-base.dateTime", "typeVersion": 2, "position": [800, 0],
		  "parameters": {"operation": "roundDate", "date": "={{ $json.newDate }}", "mode": "roundUp", "to": "month", "options": {"includeInputFields": true}}}'::jsonb,
		'{"name": "Extract", "type": "n8n-nodes-base.dateTime", "typeVersion": 2, "position": [1000, 0],
		  "parameters": {"operation": "extractDate", "date": "={{ $json.roundedDate }}", "part": "day", "outputFieldName": "day"}}'::jsonb,
		'{"name": "Now", "type": "n8n-nodes-base.dateTime", "typeVersion": 2, "position": [1200, 0],
		  "parameters": {"includeTime": false, "options": {"timezone": "Asia/Tokyo", "includeInputFields": true}}}'::jsonb),
	'connections', '{"Start": {"main": [[{"node": "Add", "type": "main", "index": 0}]]},
		"Add": {"main": [[{"node": "Format", "type": "main", "index": 0}]]},
		"Format": {"main": [[{"node": "Between", "type": "main", "index": 0}]]},
		"Between": {"main": [[{"node": "Round", "type": "main", "index": 0}]]},
		"Round": {"main": [[{"node": "Extract", "type": "main", "index": 0}]]},
		"Extract": {"main": [[{"node": "Now", "type": "main", "index": 0}]]}}'::jsonb,
	'settings', '{"timezone": "Europe/Paris"}'::jsonb), 'n8n dt') > 0;
SELECT (reporunner.execute('n8n dt', '[{"d": "2024-10-31T09:00:00"}]')->0) - 'currentDate';
SELECT reporunner.export_workflow('n8n dt', format => 'n8n') AS exported \gset
SELECT jsonb_pretty(n->'parameters') FROM jsonb_array_elements((:'exported')::jsonb->'nodes') n WHERE n->>'type' = 'n8n-nodes-base.dateTime';
SELECT reporunner.import_n8n(:'exported', 'n8n dt again') > 0;
SELECT (SELECT definition->'nodes' FROM reporunner.workflow_version v JOIN reporunner.workflows w ON w.id = v.workflow_id
		WHERE w.name = 'n8n dt' AND v.version = w.active_version)
	 = (SELECT definition->'nodes' FROM reporunner.workflow_version v JOIN reporunner.workflows w ON w.id = v.workflow_id
		WHERE w.name = 'n8n dt again' AND v.version = w.active_version) AS same_nodes;
-- v1 the same way: its moment.js formats translated to Luxon's and back
SELECT reporunner.import_n8n(jsonb_build_object('name', 'dt1',
	'nodes', jsonb_build_array(
		'{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0], "parameters": {}}'::jsonb,
		'{"name": "Calc", "type": "n8n-nodes-base.dateTime", "typeVersion": 1, "position": [200, 0],
		  "parameters": {"action": "calculate", "value": "={{ $json.d }}", "duration": 90, "timeUnit": "minutes", "dataPropertyName": "at.later"}}'::jsonb,
		'{"name": "Fmt", "type": "n8n-nodes-base.dateTime", "typeVersion": 1, "position": [400, 0],
		  "parameters": {"value": "={{ $json.at.later }}", "custom": true, "toFormat": "ddd D MMM YYYY [at] h:mm A (Z)", "dataPropertyName": "text",
		                 "options": {"toTimezone": "America/New_York"}}}'::jsonb,
		'{"name": "Parse", "type": "n8n-nodes-base.dateTime", "typeVersion": 1, "position": [600, 0],
		  "parameters": {"value": "={{ $json.local }}", "toFormat": "YYYY-MM-DD HH:mm", "options": {"fromFormat": "DD.MM.YYYY HH:mm", "fromTimezone": "Europe/Oslo", "toTimezone": "UTC"}}}'::jsonb),
	'connections', '{"Start": {"main": [[{"node": "Calc", "type": "main", "index": 0}]]},
		"Calc": {"main": [[{"node": "Fmt", "type": "main", "index": 0}]]},
		"Fmt": {"main": [[{"node": "Parse", "type": "main", "index": 0}]]}}'::jsonb), 'n8n dt1') > 0;
SELECT reporunner.execute('n8n dt1', '[{"d": "2024-07-01T23:00:00Z", "local": "01.07.2024 08:15"}]');
SELECT reporunner.export_workflow('n8n dt1', format => 'n8n') AS exported \gset
SELECT n->>'typeVersion', n->'parameters' FROM jsonb_array_elements((:'exported')::jsonb->'nodes') n WHERE n->>'type' = 'n8n-nodes-base.dateTime';
SELECT reporunner.import_n8n(:'exported', 'n8n dt1 again') > 0;
SELECT (SELECT definition->'nodes' FROM reporunner.workflow_version v JOIN reporunner.workflows w ON w.id = v.workflow_id
		WHERE w.name = 'n8n dt1' AND v.version = w.active_version)
	 = (SELECT definition->'nodes' FROM reporunner.workflow_version v JOIN reporunner.workflows w ON w.id = v.workflow_id
		WHERE w.name = 'n8n dt1 again' AND v.version = w.active_version) AS same_nodes;
-- what neither version has is refused: a path without the input fields, a
-- Luxon token moment.js lacks, a fixed zone on other operations
SELECT regress.save_node('date_time', '{"operation": "format", "date": "2024-01-01", "format": "yyyy", "output_field": "a.b", "output_path": true}',
	workflow => 'dt path');
SELECT regress.try($$SELECT reporunner.export_workflow('dt path', format => 'n8n')$$);
SELECT regress.save_node('date_time', '{"operation": "format", "date": "2024-01-01", "format": "kkkk-''W''WW ZZZZ", "output_field": "w", "output_path": true, "include_input_fields": true}',
	workflow => 'dt path');
SELECT regress.try($$SELECT reporunner.export_workflow('dt path', format => 'n8n')$$);
SELECT regress.save_node('date_time', '{"operation": "round", "date": "2024-01-01", "timezone": "Asia/Tokyo"}',
	workflow => 'dt path');
SELECT regress.try($$SELECT reporunner.export_workflow('dt path', format => 'n8n')$$);

-- n8n's Date & Time test workflows (test/n8n/), run on their input: how
-- many pinned node outputs match
\set wf `cat test/n8n/dateTime.json`
CREATE TEMP TABLE pinned AS
SELECT 'dateTime' AS workflow, * FROM regress.n8n_pinned(:'wf', 'n8n dateTime',
	'[{"currentDate": "2023-04-11T13:51:59.965+00:00"}]');
\set wf `cat test/n8n/dateTime_includeInputFields.json`
INSERT INTO pinned SELECT 'dateTime_includeInputFields', * FROM regress.n8n_pinned(:'wf', 'n8n dateTime include',
	'[{"dateMilis": 1682918315906, "dateMilisFloat": 1682918315.906, "dateUnix": 1682918315,
	   "dateMilisStr": "1682918315906", "dateMilisFloatStr": "1682918315.906", "dateUnixStr": "1682918315"}]');
\set wf `cat test/n8n/dateTime_timestamp.json`
INSERT INTO pinned SELECT 'dateTime_timestamp', * FROM regress.n8n_pinned(:'wf', 'n8n dateTime timestamp',
	'[{"dateMilis": 1682918315906, "dateMilisFloat": 1682918315.906, "dateUnix": 1682918315,
	   "dateMilisStr": "1682918315906", "dateMilisFloatStr": "1682918315.906", "dateUnixStr": "1682918315"}]');
\set wf `cat test/n8n/dateTime_extractTimezone.json`
INSERT INTO pinned SELECT 'dateTime_extractTimezone', * FROM regress.n8n_pinned(:'wf', 'n8n dateTime zone', '[{}]');
\set wf `cat test/n8n/dateTime_nullDate.json`
INSERT INTO pinned SELECT 'dateTime_nullDate', * FROM regress.n8n_pinned(:'wf', 'n8n dateTime null', '[{"date": null}]');
SELECT * FROM pinned ORDER BY workflow, node;
SELECT count(*) FILTER (WHERE matches) AS matching, count(*) AS pinned FROM pinned;
