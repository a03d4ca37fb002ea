--
-- The acceptance table of {{ }} expressions (issue 13): n8n's expression
-- cases of src/expr/PLAN.md section 5, and cases derived from sections 1-3
-- of that plan and ECMA-262 (source "derived: ...").  Each case runs for
-- real: the workflow Start -> E, where E is a set node whose field r is the
-- expression, is saved and executed on the case's item, and r of E's output
-- is compared with the expected value.  Only the failing cases are printed.
--
-- A case needs the engine up to slice "slice" of PLAN.md 6.5 (1 core
-- language, 2 paired items and node variables, 3 methods without callbacks,
-- 4 arrow functions and arrays, 5 regular expressions, 6 dates,
-- 7 conditions); the cases of the slices listed in "slices" run.  Add a
-- slice there when it lands.
--
-- Expected values: what n8n gives, as JSON.  undefined, NaN and Infinity as
-- the whole result are null (PLAN.md 2.9); a DateTime or Date is its ISO
-- string; {"$error": "text"} means the save or the run fails with an error
-- whose message or detail contains the text (case aside: a detail is a
-- sentence).
--
\set slices '1, 2, 3, 4, 5, 6'

-- item: the input item (the default one below unless the case gives one);
-- items: several input items instead, and then expected is the array of r
-- of every output item; settings: the workflow's settings; fixture: another
-- workflow ending in E (see pg_temp.case_doc), and at: which of E's output
-- items to compare.
CREATE TABLE pg_temp.cases (
	id serial PRIMARY KEY,
	slice int NOT NULL,
	expr text NOT NULL,
	item jsonb NOT NULL DEFAULT '{"n": 5, "s": "abc", "o": {}, "l": [1, [2, null]], "nil": null, "z": 0, "e": "", "t": true}',
	settings jsonb NOT NULL DEFAULT '{}',
	expected jsonb,
	source text NOT NULL,
	items jsonb,
	fixture text,
	at int NOT NULL DEFAULT 0
);

-- the cases (not echoed: read them in sql/095_expr_cases.sql)
\set ECHO none
-- PLAN.md section 5, in its order
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(1, '={{$json["contact"]["FirstName"]}}', '{"contact": {"FirstName": "test"}}', '"test"', 'PLAN 5: B:37-42'),
	(1, '={{$json["contact"]["FirstName"]}}', '{"contact": null}', 'null', 'PLAN 5: B:37,44-47'),
	(1, '={{ $json["test"] }}', '{"test": 1}', '1', 'PLAN 5: B:54,61-64'),
	(1, '={{ $json["test"] }}', '{"test": null}', 'null', 'PLAN 5: B:54,66-69'),
	(1, '={{ $json["test"] }}', '{}', 'null', 'PLAN 5: B:54,71-74'),
	(1, '={{$json[$json["Set2"].json["apiKey"]]}}', '{"Set2": {"json": {"apiKey": "testKey"}}, "testKey": "testValue"}', '"testValue"', 'PLAN 5: B:93-98'),
	(1, '=https://example.com/api/v1/workspaces/{{$json["Clockify1"].parameter["workspaceId"]}}/projects/{{$json["Clockify1"].json["id"]}}', '{"Clockify1": {"parameter": {"workspaceId": "test1"}, "json": {"id": "test2"}}}', '"https://example.com/api/v1/workspaces/test1/projects/test2"', 'PLAN 5: B:117-123'),
	(1, '= {{$json["dig check CF"].data["stdout"]}}', '{"dig check CF": {"data": {"stdout": "testout"}}}', '" testout"', 'PLAN 5: B:130-135'),
	(1, '={{$runIndex}}', '{}', '0', 'PLAN 5: B:154-159'),
	(1, '={{$json["GetTicket"].json["tickets"].length}}', '{"GetTicket": {"json": {"tickets": [1, 2, 3, 4]}}}', '4', 'PLAN 5: B:200-205'),
	(3, '={{ $json.toString() }}', '{"test": 1}', '"[object Object]"', 'PLAN 5: B:212-217'),
	(3, '={{Math.floor(Math.min(1, 2) * 100);}}', '{}', '100', 'PLAN 5: B:224-229'),
	(1, '={{ $json["phone"] ?? 0}}', '{"phone": "test"}', '"test"', 'PLAN 5: B:256-261'),
	(1, '={{ $json["phone"] ?? 0}}', '{"phone": null}', '0', 'PLAN 5: B:256,263-266'),
	(1, '={{ $json["phone"] ?? 0}}', '{}', '0', 'PLAN 5: B:256,268-271'),
	(3, '={{$json[''Webhook1''].json["headers"]["x-api-key"] +''-''+ parseInt($json.test)}}', '{"Webhook1": {"json": {"headers": {"x-api-key": "left"}}}, "test": 3}', '"left-3"', 'PLAN 5: B:305-311'),
	(4, '={{ [].concat($json["Create or update"].json["vid"]) }}', '{"Create or update": {"json": {"vid": [1, 2, 3]}}}', '[1, 2, 3]', 'PLAN 5: B:318-323'),
	(3, '=https://example.com/test?id={{$json["Crypto"].json["data"].substr(0,6)}}', '{"Crypto": {"json": {"data": "testtest"}}}', '"https://example.com/test?id=testte"', 'PLAN 5: B:330-335'),
	(5, '={{ $json["body"]["project"]["name"].match(/\[(\d+)]/)[1] }}', '{"body": {"project": {"name": "test[1234]"}}}', '"1234"', 'PLAN 5: B:342-347'),
	(6, '={{(new Date($json["end"]["date"]).getTime() - new Date($json["start"]["date"]).getTime()) / (1000 * 3600 * 24)}}', '{"start": {"date": "2023-02-09T13:22:54.187Z"}, "end": {"date": "2023-02-13T13:22:54.187Z"}}', '4', 'PLAN 5: B:354-365'),
	(1, '={{ $json["projectName"] == "" ? "Project Group " + ($json["projectsCount"] + 1) : $json["projectName"] }}', '{"projectName": "", "projectsCount": 3}', '"Project Group 4"', 'PLAN 5: B:372-378'),
	(1, '={{ $json["projectName"] == "" ? "Project Group " + ($json["projectsCount"] + 1) : $json["projectName"] }}', '{"projectName": "Project Test", "projectsCount": 3}', '"Project Test"', 'PLAN 5: B:372,380-383'),
	(6, '={{new Date($json["created_at"]).toISOString()}}', '{"created_at": "2023-02-09T13:22:54.187Z"}', '"2023-02-09T13:22:54.187Z"', 'PLAN 5: B:390-395'),
	(1, '={{$json["Find by ID1"].json["fields"]["clicks"]+1}}', '{"Find by ID1": {"json": {"fields": {"clicks": 8}}}}', '9', 'PLAN 5: B:402-407'),
	(3, '={{ (parseFloat($json["Bid"].replace('','', ''.'')) * parseFloat($json["Baserow"].json["Count"])).toFixed(2) }}', '{"Bid": "3,80", "Baserow": {"json": {"Count": "10"}}}', '"38.00"', 'PLAN 5: B:414-420'),
	(1, E'={\n\t"article": {\n\t\t"title": "{{$json["body"]["entry"]["Title"]}}",\n\t\t"published": true\n\t}\n}', '{"body": {"entry": {"Title": "title"}}}', '"{\n\t\"article\": {\n\t\t\"title\": \"title\",\n\t\t\"published\": true\n\t}\n}"', 'PLAN 5: B:427-442 (shortened form of the fixture (same rule: mixed template → string))'),
	(1, '={{$json["Find by ID"].json["id"] != "" && $json["Find by ID"].json["id"] != null && $json["Find by ID"].json["id"] != undefined}}', '{"Find by ID": {"json": {"id": "test"}}}', 'true', 'PLAN 5: B:449-455'),
	(1, '={{$json["Find by ID"].json["id"] != "" && $json["Find by ID"].json["id"] != null && $json["Find by ID"].json["id"] != undefined}}', '{"Find by ID": {"json": {"id": null}}}', 'false', 'PLAN 5: B:449,462-465'),
	(1, '={{$json["Find by ID"].json["id"] != "" && $json["Find by ID"].json["id"] != null && $json["Find by ID"].json["id"] != undefined}}', '{"Find by ID": {"json": {}}}', 'false', 'PLAN 5: B:449,467-470'),
	(1, '={{$json["HTTP Request"].json["paging"] ? true : false}}', '{"HTTP Request": {"json": {}}}', 'false', 'PLAN 5: B:477,484-487'),
	(1, '={{ !!$json["different"]["name"] || !!$json["different"]["phone"] }}', '{"different": {"phone": "test"}}', 'true', 'PLAN 5: B:517,524-527'),
	(1, '={{ !!$json["different"]["name"] || !!$json["different"]["phone"] }}', '{"different": {}}', 'false', 'PLAN 5: B:517,529-532'),
	(1, '={{200}}', '{}', '200', 'PLAN 5: B:544-549'),
	(1, '={{$json.assetValue * $json.value / 100}}', '{"assetValue": 50, "value": 50}', '25', 'PLAN 5: B:556-561'),
	(5, '={{/^\d+$/.test($json["search_term"])}}', '{"search_term": "1234"}', 'true', 'PLAN 5: B:568-573'),
	(5, '={{/^\d+$/.test($json["search_term"])}}', '{"search_term": "asdf"}', 'false', 'PLAN 5: B:568,575-578'),
	(1, E'={{ `test\nvalue\nmulti\nline` }}', '{}', '"test\nvalue\nmulti\nline"', 'PLAN 5: B:585-593'),
	(1, '={{ { "data": $json.body.choices } }}', '{"body": {"choices": "testValue"}}', '{"data": "testValue"}', 'PLAN 5: B:600-605'),
	(1, '={{ $json["data"]["errors"] && $json["data"]["errors"].length > 0 }}', '{"data": {"errors": [1, 2, 3, 4]}}', 'true', 'PLAN 5: B:616-621'),
	(1, '={{ $json["data"]["errors"] && $json["data"]["errors"].length > 0 }}', '{"data": {}}', 'null', 'PLAN 5: B:616,628-631'),
	(1, '={{!!$json["data"]["errors"]}}', '{"data": {"errors": []}}', 'true', 'PLAN 5: B:655-660'),
	(1, '=TRUE', '{}', '"TRUE"', 'PLAN 5: B:672-677'),
	(1, '={{ !$json?.data?.data?.issues?.pageInfo?.hasNextPage }}', '{"data": {"data": {"issues": {"pageInfo": {"hasNextPage": true}}}}}', 'false', 'PLAN 5: B:684-689'),
	(1, '={{ !$json?.data?.data?.issues?.pageInfo?.hasNextPage }}', '{}', 'true', 'PLAN 5: B:684,716-719'),
	(1, '={{ [{''name'': ''something'', ''batch_size'':1000, ''ignore_cols'':[''x'']}] }}', '{}', '[{"name": "something", "batch_size": 1000, "ignore_cols": ["x"]}]', 'PLAN 5: B:731-736'),
	(1, '={{typeof $json["person"].json["name"] != "undefined"}}', '{"person": {"json": {}}}', 'false', 'PLAN 5: B:743,750-753'),
	(1, '={{ $json?.data == undefined ? '''' : $json.data }}', '{"data": 1}', '1', 'PLAN 5: B:760-765'),
	(1, '={{ $json?.data == undefined ? '''' : $json.data }}', '{}', '""', 'PLAN 5: B:760,767-770'),
	(1, '={{ ''domain'' in $json && $json.domain != null}}', '{"domain": null}', 'false', 'PLAN 5: B:782,789-792'),
	(3, '={{ String("testing").length }}', '{}', '7', 'PLAN 5: B:804-809'),
	(3, '={{Object.keys({a: 1})}}', '{}', '["a"]', 'PLAN 5: E:218'),
	(3, '={{Object.entries({a: 1})}}', '{}', '[["a", 1]]', 'PLAN 5: E:220'),
	(3, '={{Object.fromEntries([["a", 1]])}}', '{}', '{"a": 1}', 'PLAN 5: E:222'),
	(3, '={{isNaN(1)}}', '{}', 'false', 'PLAN 5: E:134'),
	(3, '={{parseInt(''1'', 10)}}', '{}', '1', 'PLAN 5: E:136'),
	(3, '={{JSON.stringify({})}}', '{}', '"{}"', 'PLAN 5: E:138'),
	(3, '={{encodeURIComponent(''https://google.com'')}}', '{}', '"https%3A%2F%2Fgoogle.com"', 'PLAN 5: E:149-151'),
	(3, '={{Boolean(1)}}', '{}', 'true', 'PLAN 5: E:159'),
	(1, '={{Infinity}}', '{}', 'null', 'PLAN 5: E:131'),
	(1, '={{constructor}}', '{}', '{"$error": "Cannot access \"constructor\" due to security concerns"}', 'PLAN 5: E:72-74'),
	(3, '={{"NotBlank".isEmpty()}}', '{}', 'false', 'PLAN 5: S:11'),
	(3, '={{"".isNotEmpty()}}', '{}', 'false', 'PLAN 5: S:25'),
	(3, '={{"String".length()}}', '{}', '6', 'PLAN 5: S:30'),
	(3, '={{ "12345".hash("md5") }}', '{}', '"827ccb0eea8a706c4c34a16891f84e7b"', 'PLAN 5: S:36,53'),
	(3, '={{ "12345".hash("sha256") }}', '{}', '"5994471abb01112afcc18159f6cc74b4f511b99806da59b3caf5a9c173cacfc5"', 'PLAN 5: S:39,53'),
	(3, '={{ "12345".hash("invalid") }}', '{}', '{"$error": "Unknown algorithm"}', 'PLAN 5: S:58'),
	(3, '={{ "string%20with%20spaces".urlDecode(false) }}', '{}', '"string with spaces"', 'PLAN 5: S:63-65'),
	(3, '={{ "string with spaces".urlEncode(false) }}', '{}', '"string%20with%20spaces"', 'PLAN 5: S:69-71'),
	(5, '={{ "<html><head>test</head></html>".removeTags() }}', '{}', '"test"', 'PLAN 5: S:75'),
	(3, '={{ "TEST".toLowerCase() }}', '{}', '"test"', 'PLAN 5: S:83'),
	(3, '={{ "1.1".toFloat() }}', '{}', '1.1', 'PLAN 5: S:101'),
	(3, '={{ "1.5".toInt() }}', '{}', '1', 'PLAN 5: S:108'),
	(3, '={{ "test".quote() }}', '{}', '"\"test\""', 'PLAN 5: S:113'),
	(3, '={{ "4e4".isNumeric() }}', '{}', 'true', 'PLAN 5: S:121'),
	(5, '={{ "https://example.com/path?query=1".isUrl() }}', '{}', 'true', 'PLAN 5: S:133'),
	(5, '={{ "www.example.com".isUrl() }}', '{}', 'false', 'PLAN 5: S:130'),
	(5, '={{ "example.com:8080".isDomain() }}', '{}', 'true', 'PLAN 5: S:162'),
	(3, '={{ "I am a test!".toSnakeCase() }}', '{}', '"i_am_a_test"', 'PLAN 5: S:167'),
	(3, '={{ "i am a test! i have multiple types of Punctuation. or do i?".toSentenceCase() }}', '{}', '"I am a test! I have multiple types of punctuation. Or do i?"', 'PLAN 5: S:172-176'),
	(5, '={{ "Check this out: https://subdomain.example.com:3000/path?q=1#hash".extractUrl() }}', '{}', '"https://subdomain.example.com:3000/path?q=1#hash"', 'PLAN 5: S:187-191'),
	(5, '={{ "test@example.org".extractDomain() }}', '{}', '"example.org"', 'PLAN 5: S:213'),
	(5, '={{ "https://www.example.com:8080".extractDomain() }}', '{}', '"www.example.com"', 'PLAN 5: S:258-260'),
	(5, '={{ "tel:+1-555-123-4567".extractDomain() }}', '{}', 'null', 'PLAN 5: S:224'),
	(5, '={{ "I am a test with a url: https://example.net/ and I am a test with an email: test@example.org".extractEmail() }}', '{}', '"test@example.org"', 'PLAN 5: S:265-269'),
	(5, '={{ "test @ n8n".isEmail() }}', '{}', 'false', 'PLAN 5: S:275'),
	(6, '={{ "hi".toDateTime() }}', '{}', '{"$error": "cannot convert to Luxon DateTime"}', 'PLAN 5: S:288-290'),
	(5, '={{ "https://example.com/orders/1/detail#hash?foo=bar".extractUrlPath() }}', '{}', '"/orders/1/detail"', 'PLAN 5: S:295-297'),
	(3, '={{ ''{"test1":1,"test2":"2"}''.parseJson() }}', '{}', '{"test1": 1, "test2": "2"}', 'PLAN 5: S:302-305'),
	(3, '={{ "{''test1'':1,''test2'':''2''}".parseJson() }}', '{}', '{"$error": "Parsing failed. Check you''re using double quotes"}', 'PLAN 5: S:309-311'),
	(3, '={{ "False".toBoolean() }}', '{}', 'false', 'PLAN 5: S:324'),
	(3, '={{ "n8n test".base64Encode() }}', '{}', '"bjhuIHRlc3Q="', 'PLAN 5: S:333'),
	(4, '={{ [1,2,3, "imhere"].isNotEmpty() }}', '{}', 'true', 'PLAN 5: A:13'),
	(4, '={{ [{ firstName: ''John'', lastName: ''Doe'' }, { firstName: ''Jane'', lastName: ''Doe'' }].pluck("firstName", "lastName") }}', '{}', '[["John", "Doe"], ["Jane", "Doe"]]', 'PLAN 5: A:30-54 (phone fields of the fixture dropped; irrelevant to the result)'),
	(4, '={{ [1, 2, 3, "as", {}, {}, 1, 2, [1,2], "[sad]", "[sad]", null].unique() }}', '{}', '[1, 2, 3, "as", {}, [1, 2], "[sad]", null]', 'PLAN 5: A:89-90'),
	(4, '={{ [{''name'':''Nathan'', age:42}, {''name'':''Jan'', age:16}, {''name'':''Nathan'', age:21}].unique(''name'') }}', '{}', '[{"name": "Nathan", "age": 42}, {"name": "Jan", "age": 16}]', 'PLAN 5: A:94-101'),
	(4, '={{ [].isEmpty() }}', '{}', 'true', 'PLAN 5: A:105'),
	(4, '={{ ["repeat","repeat","a","b","c"].last() }}', '{}', '"c"', 'PLAN 5: A:113'),
	(4, '={{ [{ test1: 1, test2: 2 }, { test1: 1, test3: 3 }].merge([{ test1: 2, test3: 3 }, { test4: 4 }]) }}', '{}', '{"test1": 1, "test2": 2, "test3": 3, "test4": 4}', 'PLAN 5: A:121-125'),
	(4, '={{ [{ a: 1, some: null }, { a: 2, c: "something" }, 2, "asds", { b: 23 }, null, [1, 2]].merge() }}', '{}', '{"a": 1, "some": null, "c": "something", "b": 23}', 'PLAN 5: A:129-133'),
	(4, '={{ [{ name: "test1", value: "value1" }, { name: "test2", value: null }].smartJoin("name", "value") }}', '{}', '{"test1": "value1", "test2": null}', 'PLAN 5: A:137-144'),
	(4, '={{ [{ test1: 1, test2: 2 }, { test1: 1, test3: 3 }].renameKeys("test1", "rename1", "test3", "rename3") }}', '{}', '[{"rename1": 1, "test2": 2}, {"rename1": 1, "rename3": 3}]', 'PLAN 5: A:148-155'),
	(4, '={{ [1, 2, 3, 4, 5, 6].sum() }}', '{}', '21', 'PLAN 5: A:159'),
	(4, '={{ ["1", 2, 3, 4, 5, "bad"].sum() }}', '{}', '{"$error": "sum(): all array elements must be numbers"}', 'PLAN 5: A:160; W src/extensions/array-extensions.ts:70-77'),
	(4, '={{ [1, 2, 3, 4, 5, 6].average() }}', '{}', '3.5', 'PLAN 5: A:164'),
	(4, '={{ [1, 2, 3, 4, 5, 6].max() }}', '{}', '6', 'PLAN 5: A:174'),
	(4, '={{ [1, 2, "dd", {}, null].union([1, {}, null, 3]) }}', '{}', '[1, 2, "dd", {}, null, 3]', 'PLAN 5: A:187-194'),
	(4, '={{ [1, 2, "dd", {}, null].intersection([1, {}, null]) }}', '{}', '[1, {}, null]', 'PLAN 5: A:206-210'),
	(4, '={{ [1, 2, "dd", {}, null, ["a", 1]].difference([1, {}, null, ["a", 1]]) }}', '{}', '[2, "dd"]', 'PLAN 5: A:226-228'),
	(4, '={{ [{ test1: 1, test2: undefined, test3: null }, null, undefined, 1, 2, 0, { test: "asdf" }].compact() }}', '{}', '[{"test1": 1}, 1, 2, 0, {"test": "asdf"}]', 'PLAN 5: A:232-236'),
	(4, '={{ numberList(1, 20).chunk(5) }}', '{}', '[[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15], [16, 17, 18, 19, 20]]', 'PLAN 5: A:240-245'),
	(4, '={{ [true, 1, "one", {foo: "bar"}].toJsonString() }}', '{}', '"[true,1,\"one\",{\"foo\":\"bar\"}]"', 'PLAN 5: A:249-251'),
	(4, '={{ [1,2,3].append(4,5,"done") }}', '{}', '[1, 2, 3, 4, 5, "done"]', 'PLAN 5: A:255'),
	(4, '={{ numberList(1, 20).toInt() }}', '{}', 'null', 'PLAN 5: A:260'),
	(3, '={{ (1.2).ceil() }}', '{}', '2', 'PLAN 5: N:15'),
	(3, '={{ (1.9).floor() }}', '{}', '1', 'PLAN 5: N:23'),
	(3, '={{ (1.3333333).round(3) }}', '{}', '1.333', 'PLAN 5: N:29'),
	(3, '={{ (NaN).round(3) }}', '{}', 'null', 'PLAN 5: N:32'),
	(3, '={{ (9.2).isOdd() }}', '{}', '{"$error": "isOdd() is only callable on integers"}', 'PLAN 5: N:43; W src/extensions/number-extensions.ts:23-26'),
	(3, '={{ (0).isEven() }}', '{}', 'true', 'PLAN 5: N:49');
INSERT INTO pg_temp.cases (slice, expr, item, settings, expected, source) VALUES
	(6, '={{ (1704085200000).toDateTime().toISO() }}', '{}', '{"timezone": "America/New_York"}', '"2024-01-01T00:00:00.000-05:00"', 'PLAN 5: N:59-61'),
	(6, '={{ (1704085200).toDateTime("s").toISO() }}', '{}', '{"timezone": "America/New_York"}', '"2024-01-01T00:00:00.000-05:00"', 'PLAN 5: N:68-70'),
	(6, '={{ (42144).toDateTime("excel").toISO() }}', '{}', '{"timezone": "America/New_York"}', '"2015-05-19T20:00:00.000-04:00"', 'PLAN 5: N:74-76');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(3, '={{ (42144.545).toInt() }}', '{}', '42145', 'PLAN 5: N:90'),
	(3, '={{ (-1.549).toBoolean() }}', '{}', 'true', 'PLAN 5: N:104'),
	(3, '={{ "test abc".toSnakeCase() }} you have ${{ (100).format() }}.', '{}', '"test_abc you have $100."', 'PLAN 5: N:113-115'),
	(3, '={{ ({}).isEmpty() }}', '{}', 'true', 'PLAN 5: O:9'),
	(3, '={{ ({ test1: null, test2: undefined }).isEmpty() }}', '{}', 'false', 'PLAN 5: O:17'),
	(3, '={{ ({ test1: 1 }).hasField("test2") }}', '{}', 'false', 'PLAN 5: O:27'),
	(3, '={{ ({ test1: 1, test2: 2, test3: 3 }).removeField("test2") }}', '{}', '{"test1": 1, "test3": 3}', 'PLAN 5: O:32-35'),
	(3, '={{ ({ test1: "i exist", test2: "i should be removed", test3: { test4: "me too" } }).keepFieldsContaining("exist") }}', '{}', '{"test1": "i exist"}', 'PLAN 5: O:77-83'),
	(3, '={{ ({ test1: 0, test2: false, test3: "", test4: "nil", test5: NaN }).compact() }}', '{}', '{"test1": 0, "test2": false, "test5": null}', 'PLAN 5: O:103-107'),
	(3, '={{ ({ test1: 1, test2: "2" }).urlEncode() }}', '{}', '"test1=1&test2=2"', 'PLAN 5: O:139'),
	(3, '={{ ({ test1: 1, test2: "value" }).values() }}', '{}', '[1, "value"]', 'PLAN 5: O:154'),
	(3, '={{ ({ test1: 1, test2: "2" }).toJsonString() }}', '{}', '"{\"test1\":1,\"test2\":\"2\"}"', 'PLAN 5: O:163-165'),
	(3, '={{ (true).toInt() }}', '{}', '1', 'PLAN 5: W test/ExpressionExtensions/boolean-extensions.test.ts:11'),
	(3, '={{(undefined).isEmpty()}}', '{}', 'true', 'PLAN 5: W test/ExpressionExtensions/generic-extensions.test.ts:6');
INSERT INTO pg_temp.cases (slice, expr, item, settings, expected, source) VALUES
	(6, '={{ DateTime.local(2023, 1, 21).isWeekend() }}', '{}', '{"timezone": "America/New_York"}', 'true', 'PLAN 5: D:15'),
	(6, '={{ DateTime.local(2023, 1, 16).endOfMonth() }}', '{}', '{"timezone": "America/New_York"}', '"2023-01-31T23:59:59.999-05:00"', 'PLAN 5: D:60-62'),
	(6, '={{ DateTime.local(2023, 1, 20).extract() }}', '{}', '{"timezone": "America/New_York"}', '3', 'PLAN 5: D:88'),
	(6, '={{ DateTime.fromISO("2024-03-30T18:49").extract("hour") }}', '{}', '{"timezone": "America/New_York"}', '18', 'PLAN 5: D:97'),
	(6, '={{ DateTime.fromISO("2024-03-30T18:49:00.123Z").extract("millisecond") }}', '{}', '{"timezone": "America/New_York"}', '123', 'PLAN 5: D:113-115'),
	(6, '={{ DateTime.fromISO("2024-03-30T18:49").format("yyyy LLL dd") }}', '{}', '{"timezone": "America/New_York"}', '"2024 Mar 30"', 'PLAN 5: D:127-129'),
	(6, '={{ DateTime.fromISO("2024-03-30T18:49").format("yyyy-MM-dd''T''HH:mm:ss") }}', '{}', '{"timezone": "America/New_York"}', '"2024-03-30T18:49:00"', 'PLAN 5: D:133-135'),
	(6, '={{ ''2025-01-01''.toDateTime().diffTo(''2024-03-30T18:49:07.234'', ''days'').floor() }}', '{}', '{"timezone": "America/New_York"}', '276', 'PLAN 5: D:176-180'),
	(6, '={{ ''2025-01-01T00:00:00.000''.toDateTime().diffTo(''2024-03-30T18:49:07.234'', [''months'', ''days'']) }}', '{}', '{"timezone": "America/New_York"}', '{"months": 9, "days": 1.2158884953703704}', 'PLAN 5: D:184-188');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(6, '={{ DateTime.fromISO("2024-03-30T18:49:00Z").diffTo("2024-03-30T12:49:00Z", "hours") }}', '{}', '6', 'PLAN 5: D:200-204'),
	(6, '={{ DateTime.fromISO("2024-03-30T18:49:00Z").diffTo("2024-03-30T18:49:00Z", "invalid") }}', '{}', '{"$error": "Unsupported unit"}', 'PLAN 5: D:232-236'),
	(6, '={{ DateTime.fromISO(''2024-01-01T00:00:00.000Z'').toInt() }}', '{}', '1704067200000', 'PLAN 5: D:264-266'),
	(6, '={{ new Date("2024-03-30T18:49:00Z").minus(7, "days") }}', '{}', '"2024-03-23T18:49:00.000Z"', 'PLAN 5: D:319-321'),
	(6, '={{ DateTime.fromISO("2024-03-30T18:49:00Z").plus(1, "day").toJSDate() }}', '{}', '"2024-03-31T18:49:00.000Z"', 'PLAN 5: D:363-365');
INSERT INTO pg_temp.cases (slice, expr, item, settings, expected, source) VALUES
	(6, '={{ DateTime.fromISO("2024-06-30T18:49:00Z").isDst() }}', '{}', '{"timezone": "America/New_York"}', 'true', 'PLAN 5: D:371');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(6, '={{ $now.isBetween($now, ''invalid'') }}', '{}', 'null', 'PLAN 5: D:156'),
	(3, '={{ Math.floor([1, 2, 3, 4].length + 10) }}', '{}', '14', 'PLAN 5: X:108'),
	(4, '={{ [1, 2, 3, 4]?.sum() }}', '{}', '10', 'PLAN 5: X:136'),
	(4, '={{ [1, 2, 3, 4].sum?.() }}', '{}', '10', 'PLAN 5: X:154'),
	(3, '={{ max(1, NaN, 3, 4, 5, 6) }}', '{}', 'null', 'PLAN 5: X:178'),
	(3, '={{ numberList(1, -10) }}', '{}', '[1, 0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10]', 'PLAN 5: X:188-190'),
	(3, '={{ zip(["test1", "test2", "test3"], [1, 2, 3]) }}', '{}', '{"test1": 1, "test2": 2, "test3": 3}', 'PLAN 5: X:194-198'),
	(3, '={{ $if("a"==="b", 1, 2) }}', '{}', '2', 'PLAN 5: X:203'),
	(3, '={{ $if("a"==="b", 1) }}', '{}', 'false', 'PLAN 5: X:205'),
	(3, '={{ $not("") }}', '{}', 'true', 'PLAN 5: X:225'),
	(3, '={{ $ifEmpty(0, "default") }}', '{}', '0', 'PLAN 5: X:230'),
	(3, '={{ $ifEmpty([], "default") }}', '{}', '"default"', 'PLAN 5: X:236'),
	(6, '={{ $json.missing.toDateTime() }}', '{}', '{"$error": "toDateTime can''t be used on undefined value"}', 'PLAN 5: X:244-250; W src/extensions/utils.ts:23-28 (derived: the test calls extend(undefined, ''toDateTime'', []) directly)');
INSERT INTO pg_temp.cases (slice, expr, item, fixture, at, expected, source) VALUES
	(2, '={{ $(''Rename'').all()[1].json.data }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '160', 'PLAN 5: P:138-140'),
	(2, '={{ $(''Rename'').item }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '{"json": {"data": 105}, "pairedItem": {"item": 0}}', 'PLAN 5: P:144-146'),
	(2, '={{ $(''Function'').item.json.initialName }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '105', 'PLAN 5: P:147-152'),
	(2, '={{ $(''Rename'').itemMatching(2).json.data }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '121', 'PLAN 5: P:153-155'),
	(2, '={{ $(''Rename'').last().json.data }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '950', 'PLAN 5: P:159-161'),
	(2, '={{ $(''Rename'').params }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '{"rename": {"initialName": "data"}}', 'PLAN 5: P:163-165; adapted: the params of Reporunner''s Rename'),
	(2, '={{ $(''Rename'').isExecuted }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, 'true', 'PLAN 5: P:179-182; adapted: Reporunner refuses a node that is no ancestor at save, so ask about one that ran'),
	(2, '={{ $input.all().length }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '5', 'PLAN 5: P:187-189'),
	(2, '={{ $input.item.json.data }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '105', 'PLAN 5: P:196-198'),
	(2, '={{ $prevNode }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '{"name": "Rename", "outputIndex": 0, "runIndex": 0}', 'PLAN 5: P:221-223'),
	(2, '={{ $workflow.name }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '"expr_cases"', 'PLAN 5: P:229-235; adapted: the id is Reporunner''s, so only the name'),
	(2, '={{ $(''does not exist'').item }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 0, '{"$error": "Referenced node doesn''t exist"}', 'PLAN 5: P:241-254 (Reporunner: at save)'),
	(2, '={{ $(''Edit Fields'').item }}', '{"list": [{"a": 1}, {"a": 2}]}', 'multi', 0, '{"$error": "Multiple matches found"}', 'PLAN 5: P:320-330'),
	(2, '={{ $(''Function'').item.json.initialName }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 2, '121', 'PLAN 5: P fixture base_run.json + W src/workflow-data-proxy.ts:930-1005 (derived: the issue''s $(''Orders'').item pairing bug)'),
	(2, '={{ $node["Rename"].json.data }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}, {"initialName": 275}, {"initialName": 950}]}', 'base', 3, '275', 'PLAN 5: W src/workflow-data-proxy.ts:543-561 (derived: index-based, not first item)');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(3, '={{ $json.name.toUpperCase() }}', '{"name": "Ada Lovelace"}', '"ADA LOVELACE"', 'PLAN 5: W src/native-methods/string.methods.ts (toUpperCase) (derived)'),
	(3, '={{ $json.email.split(''@'')[1] }}', '{"email": "ada@example.com"}', '"example.com"', 'PLAN 5: ECMA-262 String.prototype.split (derived)'),
	(1, '={{ $json.a ? ''x'' : ''y'' }}', '{"a": 0}', '"y"', 'PLAN 5: ECMA-262 ToBoolean (derived)'),
	(1, '={{ $json["first name"] }}', '{"first name": "Ada"}', '"Ada"', 'PLAN 5: cf. B:130-135 (derived)'),
	(1, '={{ $json.list.length }}', '{"list": [1, 2, 3]}', '3', 'PLAN 5: cf. B:200-205 (derived)'),
	(1, '={{ "5" == 5 }}', '{}', 'true', 'PLAN 5: ECMA-262 IsLooselyEqual (derived)');
INSERT INTO pg_temp.cases (slice, expr, item, settings, expected, source) VALUES
	(6, '={{ ''2020-10-05T14:48:00.000Z''.toDateTime().toISO() }}', '{}', '{"timezone": "America/New_York"}', '"2020-10-05T14:48:00.000Z"', 'PLAN 5: W src/extensions/string-extensions.ts:225-245, src/type-validation.ts:87 (setZone:true) (derived; the issue''s .datetime() rejection)'),
	(6, '={{ DateTime.fromISO(''2020-10-05T14:48:00.000Z'').toISO() }}', '{}', '{"timezone": "America/New_York"}', '"2020-10-05T10:48:00.000-04:00"', 'PLAN 5: Luxon fromISO (no setZone) in default zone (derived)'),
	(6, '={{ DateTime.fromISO(''2024-03-30T18:49:00.000Z'').minus({days: 7}).toISO() }}', '{}', '{"timezone": "America/New_York"}', '"2024-03-23T14:49:00.000-04:00"', 'PLAN 5: W src/workflow-data-proxy.ts:1460 (derived; NONDETERMINISTIC in n8n: fix now); adapted: $now is the execution start, so a fixed DateTime instead');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(1, '={{ 0.1 + 0.2 }}', '{}', '0.30000000000000004', 'PLAN 5: ECMA-262 Number::toString (derived)'),
	(1, '=a{{ null }}b{{ $json.o }}c{{ $json.l }}d{{ NaN }}{{ 0 }}{{ false }}', '{"o": {"x": 1}, "l": [1, [2, null]]}', '"ab[object Object]c1,2,d0false"', 'PLAN 5: T src/ExpressionBuilder.ts:111-131,265-273 (derived)'),
	(1, '=x{{ $json.a.b }}y', '{}', '"xy"', 'PLAN 5: T src/ExpressionBuilder.ts:89-102,235-247; W src/expression.ts:49-51 (derived: TypeError swallowed)');

-- derived: arithmetic, precedence, associativity (PLAN 1.2, 2.2)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ 1 + 2 * 3 }}', '7', 'derived: PLAN 1.2 precedence'),
	(1, '{{ (1 + 2) * 3 }}', '9', 'derived: PLAN 1.2 precedence'),
	(1, '{{ 10 - 4 - 3 }}', '3', 'derived: PLAN 1.2 precedence (left assoc)'),
	(1, '{{ 100 / 10 / 5 }}', '2', 'derived: PLAN 1.2 precedence (left assoc)'),
	(1, '{{ 2 ** 3 ** 2 }}', '512', 'derived: PLAN 1.2 precedence (** right assoc)'),
	(1, '{{ 2 * 3 ** 2 }}', '18', 'derived: PLAN 1.2 precedence'),
	(1, '{{ (-2) ** 2 }}', '4', 'derived: PLAN 1.2 precedence'),
	(1, '{{ -2 ** 2 }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2 (-2**2 is a SyntaxError)'),
	(1, '{{ 7 % 3 }}', '1', 'derived: ECMA-262 %'),
	(1, '{{ -7 % 3 }}', '-1', 'derived: ECMA-262 % (sign of the dividend)'),
	(1, '{{ 5.5 % 2 }}', '1.5', 'derived: ECMA-262 % (fmod)'),
	(1, '{{ 7 / 2 }}', '3.5', 'derived: ECMA-262 /'),
	(1, '{{ 1 / 0 }}', 'null', 'derived: PLAN 2.2, 2.9 (Infinity -> null)'),
	(1, '{{ 0 / 0 }}', 'null', 'derived: PLAN 2.9 (NaN -> null)'),
	(1, '{{ -$json.n }}', '-5', 'derived: unary -'),
	(1, '{{ - -1 }}', '1', 'derived: unary - twice'),
	(1, '{{ +"3" + 1 }}', '4', 'derived: unary + then +'),
	(1, '{{ 1 + 2 == 3 }}', 'true', 'derived: PLAN 1.2 precedence (+ above ==)'),
	(1, '{{ 1 < 2 < 3 }}', 'true', 'derived: PLAN 1.2 precedence (true < 3)'),
	(1, '{{ 3 > 2 > 1 }}', 'false', 'derived: PLAN 1.2 precedence (true > 1 is false)'),
	(1, '{{ true || false && false }}', 'true', 'derived: PLAN 1.2 precedence (&& above ||)'),
	(1, '{{ (true || false) && false }}', 'false', 'derived: PLAN 1.2 precedence'),
	(1, '{{ false ? 1 : true ? 2 : 3 }}', '2', 'derived: PLAN 1.2 precedence (?: right assoc)'),
	(1, '{{ 1 ? 2 ? 3 : 4 : 5 }}', '3', 'derived: PLAN 1.2 precedence (nested ?:)'),
	(1, '{{ 1 + 1 === 2 ? "y" : "n" }}', '"y"', 'derived: PLAN 1.2 precedence'),
	(1, '{{ 2 + 3 * 4 > 13 && "big" }}', '"big"', 'derived: PLAN 1.2 precedence'),
	(1, '{{ !1 == false }}', 'true', 'derived: PLAN 1.2 precedence (! above ==)'),
	(1, '{{ typeof 1 + 2 }}', '"number2"', 'derived: PLAN 1.2 precedence (typeof above +)'),
	(1, '{{ 1 - -1 }}', '2', 'derived: binary minus, unary minus'),
	(1, '{{ 5 & 3 }}', '1', 'derived: PLAN 1.2 bitwise'),
	(1, '{{ 5 | 3 }}', '7', 'derived: PLAN 1.2 bitwise'),
	(1, '{{ 5 ^ 3 }}', '6', 'derived: PLAN 1.2 bitwise'),
	(1, '{{ ~5 }}', '-6', 'derived: PLAN 1.2 bitwise'),
	(1, '{{ 1 << 4 }}', '16', 'derived: PLAN 1.2 shifts'),
	(1, '{{ -16 >> 2 }}', '-4', 'derived: PLAN 1.2 shifts'),
	(1, '{{ -1 >>> 28 }}', '15', 'derived: PLAN 1.2 shifts'),
	(1, '{{ 1 | 2 & 3 ^ 4 }}', '7', 'derived: PLAN 1.2 precedence (& above ^ above |)');

-- derived: logical operators and ??
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ 1 == 1 && 2 }}', '2', 'derived: ECMA-262 logical operators'),
	(1, '{{ 0 && $json.n }}', '0', 'derived: ECMA-262 logical operators'),
	(1, '{{ 0 || null }}', 'null', 'derived: ECMA-262 logical operators'),
	(1, '{{ "" || "d" }}', '"d"', 'derived: ECMA-262 logical operators'),
	(1, '{{ "a" && "b" }}', '"b"', 'derived: ECMA-262 logical operators'),
	(1, '{{ $json.z || "d" }}', '"d"', 'derived: ECMA-262 logical operators'),
	(1, '{{ null ?? "d" }}', '"d"', 'derived: ?? vs ||'),
	(1, '{{ $json.missing ?? "d" }}', '"d"', 'derived: ?? vs ||'),
	(1, '{{ $json.z ?? "d" }}', '0', 'derived: ?? vs ||'),
	(1, '{{ $json.e ?? "d" }}', '""', 'derived: ?? vs ||'),
	(1, '{{ false ?? "d" }}', 'false', 'derived: ?? vs ||'),
	(1, '{{ $json.e || "d" }}', '"d"', 'derived: ?? vs ||'),
	(1, '{{ null ?? undefined }}', 'null', 'derived: ?? vs ||'),
	(1, '{{ $json.nil ?? $json.z ?? 7 }}', '0', 'derived: ?? vs ||'),
	(1, '{{ null || 0 ?? 1 }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2 (?? mixed with || unparenthesised is a SyntaxError)'),
	(1, '{{ (null || 0) ?? 1 }}', '0', 'derived: PLAN 1.2 (parenthesised mixing is fine)');

-- derived: truthiness (PLAN 2.3)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ !0 }}', 'true', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ !!"" }}', 'false', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ !!"0" }}', 'true', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ !!" " }}', 'true', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ !![] }}', 'true', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ !!$json.o }}', 'true', 'derived: PLAN 2.3 truthiness (empty object)'),
	(1, '{{ !!NaN }}', 'false', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ !!null }}', 'false', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ !!undefined }}', 'false', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ !!-0 }}', 'false', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ !!"false" }}', 'true', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ $json.l ? "yes" : "no" }}', '"yes"', 'derived: PLAN 2.3 truthiness'),
	(1, '{{ $json.e ? "yes" : "no" }}', '"no"', 'derived: PLAN 2.3 truthiness');

-- derived: typeof (PLAN 2.3)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ typeof 1 }}', '"number"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof NaN }}', '"number"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof $json.n }}', '"number"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof "x" }}', '"string"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof $json.s }}', '"string"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof true }}', '"boolean"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof $json.t }}', '"boolean"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof null }}', '"object"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof $json.nil }}', '"object"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof undefined }}', '"undefined"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof $json.missing }}', '"undefined"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof $json.o }}', '"object"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof $json.l }}', '"object"', 'derived: PLAN 2.3 typeof (arrays)'),
	(1, '{{ typeof $json }}', '"object"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof typeof 1 }}', '"string"', 'derived: PLAN 2.3 typeof'),
	(1, '{{ typeof $json.missing.x }}', 'null', 'derived: PLAN 2.4 (TypeError inside typeof swallowed: whole chunk undefined)');

-- derived: == and === (PLAN 2.3)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ null == undefined }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ null == 0 }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ undefined == 0 }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ null == "" }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ null == false }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ undefined == false }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ 0 == "" }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ 0 == "0" }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ "" == "0" }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ 0 == false }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ "1" == true }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ 2 == true }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ "true" == true }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ [] == "" }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ [] == 0 }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ [] == false }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ [0] == false }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ [1, 2] == "1,2" }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ [] == [] }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ NaN == NaN }}', 'false', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ $json.o == "[object Object]" }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ $json.o == $json.o }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ $json.nil == undefined }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ $json.missing == null }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ $json.n == "5" }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ " 5 " == 5 }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ "0x10" == 16 }}', 'true', 'derived: PLAN 2.3 IsLooselyEqual'),
	(1, '{{ 1 === 1.0 }}', 'true', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ "1" === 1 }}', 'false', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ null === undefined }}', 'false', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ NaN === NaN }}', 'false', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ 0 === -0 }}', 'true', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ $json.n === 5 }}', 'true', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ $json.s === "abc" }}', 'true', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ [] === [] }}', 'false', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ $json.l === $json.l }}', 'true', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ $json.missing === undefined }}', 'true', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ $json.nil === null }}', 'true', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ 1 != "1" }}', 'false', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ 1 !== "1" }}', 'true', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ null != undefined }}', 'false', 'derived: PLAN 2.3 IsStrictlyEqual'),
	(1, '{{ null !== undefined }}', 'true', 'derived: PLAN 2.3 IsStrictlyEqual');

-- derived: + (PLAN 2.3)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ 1 + "2" }}', '"12"', 'derived: PLAN 2.3 +'),
	(1, '{{ "1" + 2 }}', '"12"', 'derived: PLAN 2.3 +'),
	(1, '{{ 1 + 2 + "3" }}', '"33"', 'derived: PLAN 2.3 +'),
	(1, '{{ "1" + 2 + 3 }}', '"123"', 'derived: PLAN 2.3 +'),
	(1, '{{ true + 1 }}', '2', 'derived: PLAN 2.3 +'),
	(1, '{{ true + true }}', '2', 'derived: PLAN 2.3 +'),
	(1, '{{ "a" + true }}', '"atrue"', 'derived: PLAN 2.3 +'),
	(1, '{{ null + 1 }}', '1', 'derived: PLAN 2.3 +'),
	(1, '{{ null + null }}', '0', 'derived: PLAN 2.3 +'),
	(1, '{{ undefined + 1 }}', 'null', 'derived: PLAN 2.3 +'),
	(1, '{{ "a" + null }}', '"anull"', 'derived: PLAN 2.3 +'),
	(1, '{{ "a" + undefined }}', '"aundefined"', 'derived: PLAN 2.3 +'),
	(1, '{{ [1, 2] + [3] }}', '"1,23"', 'derived: PLAN 2.3 +'),
	(1, '{{ [] + [] }}', '""', 'derived: PLAN 2.3 +'),
	(1, '{{ [] + {} }}', '"[object Object]"', 'derived: PLAN 2.3 +'),
	(1, '{{ "x" + $json.o }}', '"x[object Object]"', 'derived: PLAN 2.3 +'),
	(1, '{{ "x" + [null] }}', '"x"', 'derived: PLAN 2.3 +'),
	(1, '{{ [1, [2, 3]] + "" }}', '"1,2,3"', 'derived: PLAN 2.3 +'),
	(1, '{{ [null, undefined, 1] + "" }}', '",,1"', 'derived: PLAN 2.3 +'),
	(1, '{{ $json.n + $json.s }}', '"5abc"', 'derived: PLAN 2.3 +'),
	(1, '{{ "" + -0 }}', '"0"', 'derived: PLAN 2.3 +'),
	(1, '{{ $json.l + "" }}', '"1,2,"', 'derived: PLAN 2.3 +'),
	(1, '{{ "n=" + 0.1 * 3 }}', '"n=0.30000000000000004"', 'derived: PLAN 2.3 +'),
	(1, '{{ 1 + $json.missing }}', 'null', 'derived: PLAN 2.3 +');

-- derived: other arithmetic with conversions (ToNumber, PLAN 2.2)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ "6" - 1 }}', '5', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ "6" * "2" }}', '12', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ "3" / "2" }}', '1.5', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ "a" - 1 }}', 'null', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ null * 5 }}', '0', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ true * 3 }}', '3', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ [5] * 2 }}', '10', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ [1, 2] * 2 }}', 'null', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +"" }}', '0', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +" 12 " }}', '12', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +"\n\t 7 \n" }}', '7', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +"0x1F" }}', '31', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +"0b101" }}', '5', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +"0o17" }}', '15', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +"1e3" }}', '1000', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +".5" }}', '0.5', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +"5." }}', '5', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +"-1.5e-1" }}', '-0.15', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +[] }}', '0', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +[5] }}', '5', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +null }}', '0', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +true }}', '1', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ +false }}', '0', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+"12px"}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+"Infinity"}` }}', '"Infinity"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+"-Infinity"}` }}', '"-Infinity"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+"-0x1F"}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+"1_000"}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+"inf"}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+"nan"}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+[1, 2]}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+undefined}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+$json.o}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+"0x"}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber'),
	(1, '{{ `${+"1 2"}` }}', '"NaN"', 'derived: PLAN 2.2 ToNumber');

-- derived: relational (PLAN 2.3)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ "10" < "9" }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ "10" < 9 }}', 'false', 'derived: PLAN 2.3 relational'),
	(1, '{{ "a" < "b" }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ "B" < "a" }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ "a" < "aa" }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ "é" > "z" }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ null >= 0 }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ null < 1 }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ undefined >= 0 }}', 'false', 'derived: PLAN 2.3 relational'),
	(1, '{{ NaN < 1 }}', 'false', 'derived: PLAN 2.3 relational'),
	(1, '{{ NaN >= NaN }}', 'false', 'derived: PLAN 2.3 relational'),
	(1, '{{ "x" < 1 }}', 'false', 'derived: PLAN 2.3 relational'),
	(1, '{{ "x" >= 1 }}', 'false', 'derived: PLAN 2.3 relational'),
	(1, '{{ [2] > 1 }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ "2" > 1 }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ true > false }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ $json.n >= 5 }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ $json.s <= "abd" }}', 'true', 'derived: PLAN 2.3 relational'),
	(1, '{{ $json.missing < 1 }}', 'false', 'derived: PLAN 2.3 relational'),
	(1, '{{ $json.missing >= $json.missing }}', 'false', 'derived: PLAN 2.3 relational');

-- derived: in (PLAN 2.3)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ ''n'' in $json }}', 'true', 'derived: PLAN 2.3 in'),
	(1, '{{ ''nil'' in $json }}', 'true', 'derived: PLAN 2.3 in (null member)'),
	(1, '{{ ''x'' in $json }}', 'false', 'derived: PLAN 2.3 in'),
	(1, '{{ 0 in [5] }}', 'true', 'derived: PLAN 2.3 in (array index)'),
	(1, '{{ 1 in [5] }}', 'false', 'derived: PLAN 2.3 in'),
	(1, '{{ "a" in {a: undefined} }}', 'true', 'derived: PLAN 2.3 in'),
	(1, '{{ ''a'' in $json.s }}', 'null', 'derived: PLAN 2.3 (in on a string: TypeError swallowed)'),
	(1, 'x{{ ''a'' in $json.s }}y', '"xy"', 'derived: PLAN 2.3, 1.1 (in on a string: TypeError swallowed)'),
	(1, '{{ ''n'' in $json && $json.n > 1 }}', 'true', 'derived: PLAN 2.3 in');

-- derived: number printing (PLAN 2.2 Number::toString) through templates
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, 'n={{ 0.1 + 0.2 }}', '"n=0.30000000000000004"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1e21 }}', '"n=1e+21"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1e20 }}', '"n=100000000000000000000"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1 / 3 }}', '"n=0.3333333333333333"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ -0 }}', '"n=0"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 2 ** 53 + 1 }}', '"n=9007199254740992"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 123456789012345680000 }}', '"n=123456789012345680000"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1e-7 }}', '"n=1e-7"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ -1e-7 }}', '"n=-1e-7"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 0.000001 }}', '"n=0.000001"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 123e-20 }}', '"n=1.23e-18"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 5e-324 }}', '"n=5e-324"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1.7976931348623157e308 }}', '"n=1.7976931348623157e+308"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1e308 * 10 }}', '"n=Infinity"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ -1 / 0 }}', '"n=-Infinity"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1.0 }}', '"n=1"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 100 }}', '"n=100"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1.50 }}', '"n=1.5"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 0x1F }}', '"n=31"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 0b101 }}', '"n=5"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 0o17 }}', '"n=15"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1_000 }}', '"n=1000"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ .5 }}', '"n=0.5"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 1e3 }}', '"n=1000"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 2 ** 70 }}', '"n=1.1805916207174113e+21"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ 4.35 * 100 }}', '"n=434.99999999999994"', 'derived: PLAN 2.2 Number::toString'),
	(1, 'n={{ $json.n / 2 }}', '"n=2.5"', 'derived: PLAN 2.2 Number::toString'),
	(1, '{{ 0.1 * 3 }}', '0.30000000000000004', 'derived: PLAN 2.2 double -> jsonb'),
	(1, '{{ 1 / 3 }}', '0.3333333333333333', 'derived: PLAN 2.2 double -> jsonb'),
	(1, '{{ 2 ** 53 + 1 }}', '9007199254740992', 'derived: PLAN 2.2 double -> jsonb'),
	(1, '{{ -0 }}', '0', 'derived: PLAN 2.2 double -> jsonb'),
	(1, '{{ 1e21 }}', '1e+21', 'derived: PLAN 2.2 double -> jsonb'),
	(1, '{{ 4.35 * 100 }}', '434.99999999999994', 'derived: PLAN 2.2 double -> jsonb');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(1, '{{ $json.id }}', '{"id": 12345678901234567890}', '12345678901234567890', 'derived: PLAN 2.2 (a passed-through number stays exact; n8n would give 12345678901234567000)'),
	(1, '{{ $json.p }}', '{"p": 0.1000000000000000055511151231257827}', '0.1000000000000000055511151231257827', 'derived: PLAN 2.2 (passthrough keeps every digit)'),
	(1, '{{ $json.id + 0 }}', '{"id": 12345678901234567890}', '12345678901234567000', 'derived: PLAN 2.2 (arithmetic is in doubles)'),
	(1, '{{ [$json.a, $json.b] }}', '{"a": 1.5, "b": -2}', '[1.5, -2]', 'derived: PLAN 2.2, 2.9 (numbers read from items)');

-- derived: templates (PLAN 1.1)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, 'a{{ null }}b', '"ab"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ undefined }}b', '"ab"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ $json.missing }}b', '"ab"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ 0 }}b', '"a0b"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ -0 }}b', '"a0b"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ false }}b', '"afalseb"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ true }}b', '"atrueb"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ '''' }}b', '"ab"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ NaN }}b', '"ab"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ Infinity }}b', '"aInfinityb"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ $json.o }}b', '"a[object Object]b"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ {x: 1} }}b', '"a[object Object]b"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ $json.l }}b', '"a1,2,b"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ [] }}b', '"ab"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ [null] }}b', '"ab"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ [[1, 2], [3]] }}b', '"a1,2,3b"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ "x" }}b', '"axb"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ $json.n }}b', '"a5b"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, '{{ 1 }}{{ 2 }}', '"12"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, '{{ ''x'' }}{{ null }}', '"x"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, '{{ null }}{{ null }}', '""', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, '{{ $json.o }}{{ "" }}', '"[object Object]"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, '{{ $json.n }} ', '"5 "', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, ' {{ $json.n }}', '" 5"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, '{{ $json.l }}{{ $json.l }}', '"1,2,1,2,"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a {{ $json.s }} {{ $json.n * 2 }} z', '"a abc 10 z"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, '{{ 0.1 + 0.2 }}!', '"0.30000000000000004!"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, '{{ "a\nb" }}.', '"a\nb."', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'x{{ $json.a.b }}y{{ 1 }}', '"xy1"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, 'a{{ $json.nil.x }}b{{ 2 }}', '"ab2"', 'derived: PLAN 1.1 template join (T ExpressionBuilder.ts:111-131)'),
	(1, '{{1}}', '1', 'derived: PLAN 1.1 lone vs mixed'),
	(1, '{{ $json.l }}', '[1, [2, null]]', 'derived: PLAN 1.1 lone vs mixed'),
	(1, '{{ $json }}', '{"n": 5, "s": "abc", "o": {}, "l": [1, [2, null]], "nil": null, "z": 0, "e": "", "t": true}', 'derived: PLAN 1.1 lone vs mixed'),
	(1, '{{ $json.o }}', '{}', 'derived: PLAN 1.1 lone vs mixed'),
	(1, '{{ "x" }}', '"x"', 'derived: PLAN 1.1 lone vs mixed'),
	(1, '{{ true }}', 'true', 'derived: PLAN 1.1 lone vs mixed'),
	(1, '{{ null }}', 'null', 'derived: PLAN 1.1 lone vs mixed'),
	(1, '{{ undefined }}', 'null', 'derived: PLAN 2.9 (a lone undefined is null)'),
	(1, '{{ $json.missing }}', 'null', 'derived: PLAN 2.9 (a lone undefined is null)'),
	(1, 'plain text', '"plain text"', 'derived: PLAN 1.1 (no {{ }}, no leading =: a constant)'),
	(1, '={{ 1 + 1 }}', '2', 'derived: PLAN 1.1 leading ='),
	(1, '={{ $json.l }}', '[1, [2, null]]', 'derived: PLAN 1.1 leading ='),
	(1, '=plain', '"plain"', 'derived: PLAN 1.1 leading ='),
	(1, '==x', '"=x"', 'derived: PLAN 1.1 leading ='),
	(1, '=a{{ 1 }}', '"a1"', 'derived: PLAN 1.1 leading ='),
	(1, '= {{ 1 }}', '" 1"', 'derived: PLAN 1.1 leading = (whitespace: mixed, B:130-135)'),
	(1, '={{ 1 }} ', '"1 "', 'derived: PLAN 1.1 leading = (whitespace: mixed)'),
	(1, '={{ 1 }}{{ 2 }}', '"12"', 'derived: PLAN 1.1 leading =');

-- derived: property access (PLAN 2.4)
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(1, '{{ $json["first name"] }}', '{"first name": "Ada", "a-b": 2}', '"Ada"', 'derived: PLAN 2.4 property access'),
	(1, '{{ $json[''a-b''] }}', '{"first name": "Ada", "a-b": 2}', '2', 'derived: PLAN 2.4 property access'),
	(1, '{{ $json.a.b.c }}', '{"a": {"b": {"c": 3}}}', '3', 'derived: PLAN 2.4 property access'),
	(1, '{{ $json.a["b"].c }}', '{"a": {"b": {"c": 3}}}', '3', 'derived: PLAN 2.4 property access'),
	(1, '{{ $json[$json.k] }}', '{"k": "x", "x": "v"}', '"v"', 'derived: PLAN 2.4 property access');
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ $json.l[0] }}', '1', 'derived: PLAN 2.4 property access'),
	(1, '{{ $json.l[1][0] }}', '2', 'derived: PLAN 2.4 property access'),
	(1, '{{ $json.l[''0''] }}', '1', 'derived: PLAN 2.4 property access (numeric string index)'),
	(1, '{{ $json.l[5] }}', 'null', 'derived: PLAN 2.4 property access (out of range)'),
	(1, '{{ $json.l[-1] }}', 'null', 'derived: PLAN 2.4 property access (negative index: a missing key)'),
	(1, '{{ $json.l.length }}', '2', 'derived: PLAN 2.4 property access'),
	(1, '{{ $json.o.length }}', 'null', 'derived: PLAN 2.4 property access (object without length)'),
	(1, '{{ $json.n.length }}', 'null', 'derived: PLAN 2.4 property access (property of a number: undefined, no error)'),
	(1, '{{ $json.s[1] }}', '"b"', 'derived: PLAN 2.4 property access'),
	(1, '{{ ''abc''[5] }}', 'null', 'derived: PLAN 2.4 property access'),
	(1, '{{ ''abc''[''length''] }}', '3', 'derived: PLAN 2.4 property access'),
	(1, '{{ [10, 20, 30][1] }}', '20', 'derived: PLAN 2.4 property access'),
	(1, '{{ ({a: {b: 2} }).a.b }}', '2', 'derived: PLAN 2.4 property access (a space keeps }} out of the code)'),
	(1, '{{ $json.missing.x }}', 'null', 'derived: PLAN 2.4 (property of undefined: TypeError swallowed)'),
	(1, '{{ $json.nil.x }}', 'null', 'derived: PLAN 2.4 (property of null: TypeError swallowed)'),
	(1, '{{ $json.n.x.y }}', 'null', 'derived: PLAN 2.4 (5 .x is undefined, then .y throws)');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(1, '{{ $json.a.b ?? ''x'' }}', '{}', 'null', 'derived: PLAN 2.4 (the error makes the whole chunk undefined, ?? never runs)'),
	(1, '{{ $json.a.b || ''x'' }}', '{}', 'null', 'derived: PLAN 2.4 (the error makes the whole chunk undefined)');
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ $json.missing[0] }}', 'null', 'derived: PLAN 2.4'),
	(1, '{{ ''😀''.length }}', '2', 'derived: PLAN 2.4 UTF-16 length'),
	(1, '{{ ''a😀b''.length }}', '4', 'derived: PLAN 2.4 UTF-16 length');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(1, '{{ $json.w.length }}', '{"w": "héllo"}', '5', 'derived: PLAN 2.4 UTF-16 length'),
	(1, '{{ $json.w.length }}', '{"w": "👍🏽"}', '4', 'derived: PLAN 2.4 UTF-16 length (two astral code points)');
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ ''''.length }}', '0', 'derived: PLAN 2.4 UTF-16 length');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(1, '{{ $json.w[1] }}', '{"w": "héllo"}', '"é"', 'derived: PLAN 2.4 UTF-16 length');

-- derived: optional chaining (PLAN 1.2)
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(1, '{{ $json.a?.b }}', '{}', 'null', 'derived: ECMA-262 optional chaining'),
	(1, '{{ $json.a?.b.c.d }}', '{}', 'null', 'derived: ECMA-262 optional chaining (short-circuits the whole chain)'),
	(1, '{{ $json.a?.b.c ?? ''d'' }}', '{}', '"d"', 'derived: ECMA-262 optional chaining (no error, so ?? applies)'),
	(1, '{{ ($json.a?.b).c ?? ''d'' }}', '{}', 'null', 'derived: ECMA-262 optional chaining (parentheses end the chain: TypeError swallowed)');
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ $json.l?.[0] }}', '1', 'derived: ECMA-262 optional chaining'),
	(1, '{{ $json.missing?.[0] }}', 'null', 'derived: ECMA-262 optional chaining'),
	(1, '{{ $json?.n }}', '5', 'derived: ECMA-262 optional chaining'),
	(1, '{{ $json.nil?.x ?? ''d'' }}', '"d"', 'derived: ECMA-262 optional chaining');
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(1, '{{ $json.a?.b }}', '{"a": {"b": 2}}', '2', 'derived: ECMA-262 optional chaining');

-- derived: literals
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ [1, ''a'', null, true] }}', '[1, "a", null, true]', 'derived: PLAN 1.2 literals'),
	(1, '{{ [1, [2, [3]]] }}', '[1, [2, [3]]]', 'derived: PLAN 1.2 literals'),
	(1, '{{ {a: 1, ''b c'': 2, "d": [3]} }}', '{"a": 1, "b c": 2, "d": [3]}', 'derived: PLAN 1.2 literals'),
	(1, '{{ {a: $json.n, b: $json.missing} }}', '{"a": 5}', 'derived: PLAN 2.9 (undefined members are dropped)'),
	(1, '{{ [$json.missing] }}', '[null]', 'derived: PLAN 2.9 (undefined in arrays is null)'),
	(1, '{{ {a: NaN, b: 1 / 0} }}', '{"a": null, "b": null}', 'derived: PLAN 2.9'),
	(1, '{{ {[''k'' + 1]: 2} }}', '{"k1": 2}', 'derived: PLAN 1.2 literals (computed key)'),
	(1, '{{ {n: 1,} }}', '{"n": 1}', 'derived: PLAN 1.2 literals (trailing comma)'),
	(1, '{{ [1, 2,] }}', '[1, 2]', 'derived: PLAN 1.2 literals (trailing comma)'),
	(1, '{{ {"a": 1, "a": 2} }}', '{"a": 2}', 'derived: PLAN 1.2 literals (last key wins)'),
	(1, '{{ [] }}', '[]', 'derived: PLAN 1.2 literals'),
	(1, '{{ {} }}', '{}', 'derived: PLAN 1.2 literals'),
	(1, '{{ {1: "x", a: "y"} }}', '{"1": "x", "a": "y"}', 'derived: PLAN 1.2 literals (number key)'),
	(1, '{{ [1.5, -2, 0x10, 1e2] }}', '[1.5, -2, 16, 100]', 'derived: PLAN 1.2 literals'),
	(1, '{{ ''it\''s'' }}', '"it''s"', 'derived: PLAN 1.2 literals (escapes)'),
	(1, '{{ "a\"b" }}', '"a\"b"', 'derived: PLAN 1.2 literals (escapes)'),
	(1, '{{ ''a\nb\tc'' }}', '"a\nb\tc"', 'derived: PLAN 1.2 literals (escapes)'),
	(1, '{{ ''a\\b'' }}', '"a\\b"', 'derived: PLAN 1.2 literals (escapes)'),
	(1, '{{ ''\u00e9\x41'' }}', '"éA"', 'derived: PLAN 1.2 literals (escapes)'),
	(1, '{{ ''\u{1F600}''.length }}', '2', 'derived: PLAN 1.2 literals (escapes)'),
	(1, '{{ `a${1 + 1}b` }}', '"a2b"', 'derived: PLAN 1.2 literals (template literal)'),
	(1, '{{ `${null}|${undefined}|${true}` }}', '"null|undefined|true"', 'derived: PLAN 1.1 (${} is plain ToString)'),
	(1, '{{ `${$json.o}` }}', '"[object Object]"', 'derived: PLAN 1.1 (${} is plain ToString)'),
	(1, '{{ `${[1, [2, 3]]}` }}', '"1,2,3"', 'derived: PLAN 1.1 (${} is plain ToString)'),
	(1, '{{ `x${`y${1}`}` }}', '"xy1"', 'derived: PLAN 1.2 literals (nested template literal)'),
	(1, '{{ `${$json.n}-${$json.s}` }}', '"5-abc"', 'derived: PLAN 1.2 literals (template literal)'),
	(1, '{{ `\${x}` }}', '"${x}"', 'derived: PLAN 1.2 literals (escaped ${)'),
	(1, '{{ `${-0}` }}', '"0"', 'derived: PLAN 1.2 literals (template literal)'),
	(1, '{{ NaN }}', 'null', 'derived: PLAN 2.9'),
	(1, '{{ -Infinity }}', 'null', 'derived: PLAN 2.9'),
	(3, '{{ Math.PI > 3 }}', 'true', 'derived: PLAN 1.3 (a global)');

-- derived: variables (PLAN 3)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ $input.item.json.s }}', '"abc"', 'derived: PLAN 3'),
	(1, '{{ $input.item.json }}', '{"n": 5, "s": "abc", "o": {}, "l": [1, [2, null]], "nil": null, "z": 0, "e": "", "t": true}', 'derived: PLAN 3'),
	(1, '{{ $input.item.json.s === $json.s }}', 'true', 'derived: PLAN 3'),
	(1, '{{ $input.all().length }}', '1', 'derived: PLAN 3'),
	(1, '{{ $input.first().json.n }}', '5', 'derived: PLAN 3'),
	(1, '{{ $input.last().json.n }}', '5', 'derived: PLAN 3'),
	(1, '{{ $input.first(1) }}', '{"$error": "$input.first() should have no arguments"}', 'derived: PLAN 3 (W workflow-data-proxy.ts:1318-1343)'),
	(1, '{{ $runIndex }}', '0', 'derived: PLAN 3'),
	(1, '{{ $workflow.name }}', '"expr_cases"', 'derived: PLAN 3'),
	(1, '{{ !!$workflow.id }}', 'true', 'derived: PLAN 3');
INSERT INTO pg_temp.cases (slice, expr, settings, expected, source) VALUES
	(1, '{{ typeof $execution.id }}', '{"save": "all"}', '"string"', 'derived: PLAN 3 ($execution.id is a string in n8n)'),
	(1, '{{ $execution.id.length > 0 }}', '{"save": "all"}', 'true', 'derived: PLAN 3');
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ $execution.mode == ''test'' || $execution.mode == ''production'' }}', 'true', 'derived: PLAN 3');
INSERT INTO pg_temp.cases (slice, expr, settings, expected, source) VALUES
	(1, '{{ $vars.x }}', '{"vars": {"x": 42, "obj": {"k": "v"}, "s": "hi"}}', '42', 'derived: PLAN 3 ($vars: settings.vars)'),
	(1, '{{ $vars.obj.k }}', '{"vars": {"x": 42, "obj": {"k": "v"}, "s": "hi"}}', '"v"', 'derived: PLAN 3'),
	(1, 'v={{ $vars.x + 1 }},{{ $vars.s }}', '{"vars": {"x": 42, "obj": {"k": "v"}, "s": "hi"}}', '"v=43,hi"', 'derived: PLAN 3'),
	(1, '{{ $vars.missing }}', '{"vars": {"x": 42, "obj": {"k": "v"}, "s": "hi"}}', 'null', 'derived: PLAN 3'),
	(1, '{{ $vars.x ?? ''none'' }}', '{}', '"none"', 'derived: PLAN 3 ($vars is an object even without settings.vars)');
INSERT INTO pg_temp.cases (slice, expr, items, expected, source) VALUES
	(1, '{{ $itemIndex }}', '[{"x": 10}, {"x": 20}, {"x": 30}]', '[0, 1, 2]', 'derived: PLAN 3 (per item)'),
	(1, '{{ $json.x + $itemIndex }}', '[{"x": 10}, {"x": 20}, {"x": 30}]', '[10, 21, 32]', 'derived: PLAN 3 (per item)'),
	(1, '{{ $input.all().length }}', '[{"x": 10}, {"x": 20}, {"x": 30}]', '[3, 3, 3]', 'derived: PLAN 3'),
	(1, '{{ $input.first().json.x }}', '[{"x": 10}, {"x": 20}, {"x": 30}]', '[10, 10, 10]', 'derived: PLAN 3'),
	(1, '{{ $input.last().json.x }}', '[{"x": 10}, {"x": 20}, {"x": 30}]', '[30, 30, 30]', 'derived: PLAN 3'),
	(1, '{{ $input.item.json.x }}', '[{"x": 10}, {"x": 20}, {"x": 30}]', '[10, 20, 30]', 'derived: PLAN 3'),
	(1, '{{ $input.all()[1].json.x }}', '[{"x": 10}, {"x": 20}, {"x": 30}]', '[20, 20, 20]', 'derived: PLAN 3'),
	(1, '{{ $input.all()[$itemIndex].json.x === $json.x }}', '[{"x": 10}, {"x": 20}, {"x": 30}]', '[true, true, true]', 'derived: PLAN 3'),
	(1, '#{{ $itemIndex }}: {{ $json.x }}', '[{"x": 10}, {"x": 20}, {"x": 30}]', '["#0: 10", "#1: 20", "#2: 30"]', 'derived: PLAN 3');

-- derived: save-time errors (PLAN 1.2, 6.2)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(1, '{{ $foo }}', '{"$error": "unknown variable \"$foo\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ foo }}', '{"$error": "unknown identifier \"foo\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json.a = 1 }}', '{"$error": "assignment is not allowed in expressions"}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json.a += 1 }}', '{"$error": "assignment is not allowed in expressions"}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json.n++ }}', '{"$error": "assignment is not allowed in expressions"}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $env.HOME }}', '{"$error": "$env"}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json.constructor }}', '{"$error": "Cannot access \"constructor\" due to security concerns"}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json[''constructor''] }}', '{"$error": "Cannot access \"constructor\" due to security concerns"}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json.__proto__ }}', '{"$error": "__proto__"}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ ''abc }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ 1 + }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ (1 }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ 1 2 }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ 1, 2 }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ 1; 2 }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json. }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ this }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ delete $json.n }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ void 0 }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ new Object() }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ function() { return 1 } }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ import(''x'') }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ 1n }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json.a', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $ }}', '{"$error": "Cannot access \"$\" without calling it as a function"}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json.s instanceof String }}', '{"$error": "invalid expression in node \"E\" field \"params.fields.r\""}', 'derived: PLAN 1.2, 6.2 (refused at save)'),
	(1, '{{ $json.s; }}', '"abc"', 'derived: PLAN 1.1 (one trailing ; is allowed, B:494-499)');
-- derived: arrow functions and the array methods that take one (PLAN 1.2, 4.2)
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(4, '{{ $json.list.map(x => x * 2) }}', '{"list": [1, 2, 3]}', '[2, 4, 6]', 'derived: ECMA-262 Array.prototype.map'),
	(4, '{{ $json.list.map((x, i) => x + i) }}', '{"list": [10, 20, 30]}', '[10, 21, 32]', 'derived: map gives the index'),
	(4, '{{ $json.list.map((x, i, a) => a.length) }}', '{"list": [1, 2]}', '[2, 2]', 'derived: map gives the array'),
	(4, '{{ $json.list.map(() => 1) }}', '{"list": [5, 6]}', '[1, 1]', 'derived: () => e'),
	(4, '{{ $json.list.map(x => { return x + 1; }) }}', '{"list": [1]}', '[2]', 'derived: a { return e; } body'),
	(4, '{{ $json.list.map(x => ({v: x})) }}', '{"list": [1, 2]}', '[{"v": 1}, {"v": 2}]', 'derived: an object literal body in parentheses'),
	(4, '{{ $json.list.filter(x => x > 1) }}', '{"list": [1, 2, 3]}', '[2, 3]', 'derived: filter'),
	(4, '{{ $json.list.filter(Boolean) }}', '{"list": [0, 1, "", "a", null, false, true]}', '[1, "a", true]', 'derived: a function as a value'),
	(4, '{{ $json.list.map(Number) }}', '{"list": ["1", "2.5", "x"]}', '[1, 2.5, null]', 'derived: Number as a callback; NaN is null in JSON'),
	(4, '{{ $json.list.map(String) }}', '{"list": [1, null, true]}', '["1", "null", "true"]', 'derived: String as a callback'),
	(4, '{{ $json.list.map(parseInt) }}', '{"list": ["10", "10", "10"]}', '[10, null, 2]', 'derived: parseInt(el, index), the JavaScript classic'),
	(4, '{{ $json.list.map(Math.round) }}', '{"list": [1.4, 1.5, -1.5]}', '[1, 2, -1]', 'derived: a namespace function as a value'),
	(4, '{{ $json.list.find(x => x.id === 2) }}', '{"list": [{"id": 1}, {"id": 2, "n": "b"}]}', '{"id": 2, "n": "b"}', 'derived: find'),
	(4, '{{ $json.list.find(x => x.id === 9) }}', '{"list": [{"id": 1}]}', 'null', 'derived: find without a match is undefined'),
	(4, '{{ $json.list.findIndex(x => x > 1) }}', '{"list": [1, 2, 3]}', '1', 'derived: findIndex'),
	(4, '{{ $json.list.findIndex(x => x > 5) }}', '{"list": [1, 2, 3]}', '-1', 'derived: findIndex without a match'),
	(4, '{{ $json.list.findLast(x => x > 1) }}', '{"list": [1, 2, 3]}', '3', 'derived: findLast'),
	(4, '{{ $json.list.findLastIndex(x => x < 3) }}', '{"list": [1, 2, 3]}', '1', 'derived: findLastIndex'),
	(4, '{{ $json.list.some(x => x > 2) }}', '{"list": [1, 2, 3]}', 'true', 'derived: some'),
	(4, '{{ $json.list.some(x => x > 5) }}', '{"list": [1, 2, 3]}', 'false', 'derived: some, none'),
	(4, '{{ $json.list.every(x => x > 0) }}', '{"list": [1, 2, 3]}', 'true', 'derived: every'),
	(4, '{{ [].every(x => false) }}', '{}', 'true', 'derived: every of nothing'),
	(4, '{{ $json.list.reduce((a, b) => a + b, 0) }}', '{"list": [1, 2, 3]}', '6', 'derived: reduce with an initial value'),
	(4, '{{ $json.list.reduce((a, b) => a + b) }}', '{"list": ["a", "b", "c"]}', '"abc"', 'derived: reduce without one'),
	(4, '{{ [].reduce((a, b) => a + b) }}', '{}', 'null', 'derived: TypeError (empty, no initial value), swallowed'),
	(4, '{{ $json.list.reduceRight((a, b) => a + b) }}', '{"list": ["a", "b", "c"]}', '"cba"', 'derived: reduceRight'),
	(4, '{{ $json.list.reduce((acc, x) => ({...acc, [x.k]: x.v}), {}) }}', '{"list": [{"k": "a", "v": 1}, {"k": "b", "v": 2}]}', '{"a": 1, "b": 2}', 'derived: reduce into an object'),
	(4, '{{ $json.list.flatMap(x => [x, x * 10]) }}', '{"list": [1, 2]}', '[1, 10, 2, 20]', 'derived: flatMap'),
	(4, '{{ $json.list.flatMap(x => x) }}', '{"list": [[1], 2, [[3]]]}', '[1, 2, [3]]', 'derived: flatMap flattens one level'),
	(4, '{{ $json.list.forEach(x => x) }}', '{"list": [1]}', 'null', 'derived: forEach gives undefined'),
	(4, '{{ $json.list.sort((a, b) => a - b) }}', '{"list": [10, 9, 1, 100]}', '[1, 9, 10, 100]', 'derived: sort with a comparator'),
	(4, '{{ $json.list.sort((a, b) => b.n - a.n).map(x => x.id) }}', '{"list": [{"id": 1, "n": 1}, {"id": 2, "n": 3}, {"id": 3, "n": 2}]}', '[2, 3, 1]', 'derived: sort objects'),
	(4, '{{ $json.list.sort((a, b) => 0).map(x => x.id) }}', '{"list": [{"id": 3}, {"id": 1}, {"id": 2}]}', '[3, 1, 2]', 'derived: sort is stable'),
	(4, '{{ $json.list.sort() }}', '{"list": [10, 9, 1, 100]}', '[1, 10, 100, 9]', 'derived: sort without a comparator compares strings'),
	(4, '{{ $json.list.map(x => x.a.b) }}', '{"list": [{"a": {"b": 1}}, {}]}', 'null', 'derived: a TypeError inside a callback ends the whole {{ }}'),
	(4, '{{ $json.list.map(x => x.a?.b) }}', '{"list": [{"a": {"b": 1}}, {}]}', '[1, null]', 'derived: ?. inside a callback'),
	(4, '{{ $json.list.map(5) }}', '{"list": [1]}', 'null', 'derived: TypeError: 5 is not a function'),
	(4, '{{ [].map(5) }}', '{}', 'null', 'derived: TypeError even with no element'),
	(4, '{{ $json.rows.map(r => r.items.map(i => i * r.k)) }}', '{"rows": [{"k": 2, "items": [1, 2]}, {"k": 10, "items": [3]}]}', '[[2, 4], [30]]', 'derived: nested arrows see the outer parameter'),
	(4, '{{ $json.list.map(x => x * 2).filter(x => x > 2).reduce((a, b) => a + b, 0) }}', '{"list": [1, 2, 3]}', '10', 'derived: a chain'),
	(4, '{{ $json.list.filter(x => x.tags.includes(''vip'')).length }}', '{"list": [{"tags": ["vip"]}, {"tags": []}, {"tags": ["vip", "x"]}]}', '2', 'derived: methods inside a callback'),
	(4, '{{ $input.all().map(i => i.json.n) }}', '{"n": 7}', '[7]', 'derived: the issue''s $input.all().map(...)'),
	(4, '{{ $input.all().filter(i => i.json.n > 5).length }}', '{"n": 7}', '1', 'derived: filter over items'),
	(4, '{{ Math.max(...$json.list.map(x => x.n)) }}', '{"list": [{"n": 3}, {"n": 9}]}', '9', 'derived: spread of a mapped array'),
	(4, '{{ $json.list.map(x => `#${x}`).join(", ") }}', '{"list": [1, 2]}', '"#1, #2"', 'derived: template literal in a callback'),
	(4, '{{ x => x }}', '{}', '{"$error": "this is a function, please add ()"}', 'derived: W src/expression.ts:445-449, at save'),
	(4, '{{ $json.list.map(x => x = 1) }}', '{"list": [1]}', '{"$error": "assignment is not allowed in expressions"}', 'derived: no assignment in arrows'),
	(4, '{{ $json.list.map(x => y) }}', '{"list": [1]}', '{"$error": "unknown identifier \"y\""}', 'derived: arrow scope, refused at save'),
	(4, '{{ [$json.list.map(x => x)].map(f => f) }}', '{"list": [1]}', '[[1]]', 'derived: a parameter named f is a value, not called'),
	(4, '{{ "a-b-c".replace(/-/g, m => "+") }}', '{}', '"a+b+c"', 'derived: ECMA-262 replace with a function'),
	(4, '{{ "John Smith".replace(/(\w+)\s(\w+)/, (m, a, b) => b + ", " + a) }}', '{}', '"Smith, John"', 'derived: the groups are arguments'),
	(4, '{{ "abc".replace("b", m => m.toUpperCase()) }}', '{}', '"aBc"', 'derived: a string pattern with a function'),
	(4, '{{ "aXbX".replaceAll("X", (m, offset) => offset) }}', '{}', '"a1b3"', 'derived: the offset argument'),
	(4, '{{ "ab".replace(/(z)?b/, (m, z) => typeof z) }}', '{}', '"aundefined"', 'derived: a group that did not take part is undefined'),
	(4, '{{ "ab".replace(/b/, m => m.x.y) }}', '{}', 'null', 'derived: a TypeError in the function ends the {{ }}');

-- derived: regular expressions (PLAN 1.2, 4.1, 4.6, 6.4; ECMA-262 RegExp)
INSERT INTO pg_temp.cases (slice, expr, expected, source) VALUES
	(5, '={{ "aBc".replace(/b/i, "X") }}', '"aXc"', 'derived: ECMA-262 RegExp (i)'),
	(5, '={{ /^b$/m.test("a\nb\nc") }}', 'true', 'derived: ECMA-262 RegExp (m)'),
	(5, '={{ /^b$/.test("a\nb\nc") }}', 'false', 'derived: ECMA-262 RegExp (no m)'),
	(5, '={{ /a.c/.test("a\nc") }}', 'false', 'derived: ECMA-262 RegExp (. and line terminators)'),
	(5, '={{ /a.c/.test("a\rc") }}', 'false', 'derived: ECMA-262 RegExp (. and line terminators)'),
	(5, '={{ /a.c/s.test("a\nc") }}', 'true', 'derived: ECMA-262 RegExp (s)'),
	(5, '={{ /a[^x]c/.test("a\nc") }}', 'true', 'derived: ECMA-262 RegExp ([^x] matches a newline)'),
	(5, '={{ "a1b2c3".replace(/\d/g, "#") }}', '"a#b#c#"', 'derived: ECMA-262 RegExp (g)'),
	(5, '={{ "a1b2c3".replace(/\d/, "#") }}', '"a#b2c3"', 'derived: ECMA-262 RegExp (no g)'),
	(5, '={{ /\u{1F600}/u.test("😀") }}', 'true', 'derived: ECMA-262 RegExp (u, \u{})'),
	(5, '={{ /^.$/u.test("😀") }}', 'true', 'derived: ECMA-262 RegExp (u: one code point)'),
	(5, '={{ /x/gimsu.flags }}', '"gimsu"', 'derived: ECMA-262 RegExp (flags)'),
	(5, '={{ /x/mgi.flags }}', '"gim"', 'derived: ECMA-262 RegExp (flags in their order)'),
	(5, '={{ String(/a\/b/gi) }}', '"/a\\/b/gi"', 'derived: ECMA-262 RegExp (toString)'),
	(5, '={{ /a+/.source }}', '"a+"', 'derived: ECMA-262 RegExp (source)'),
	(5, '={{ /a/i.ignoreCase && !/a/.global && /a/m.multiline }}', 'true', 'derived: ECMA-262 RegExp (flag getters)'),
	(5, '={{ typeof /a/ }}', '"object"', 'derived: ECMA-262 RegExp (typeof)'),
	(5, '={{ /a/ }}', '{}', 'derived: PLAN 2.9 (a RegExp as JSON)'),
	(5, '={{ JSON.stringify({r: /a/g}) }}', '"{\"r\":{}}"', 'derived: JSON.stringify of a RegExp'),
	(5, '={{ "x" + /a/g }}', '"x/a/g"', 'derived: ECMA-262 RegExp (ToPrimitive)'),
	(5, '={{ /a/g == "/a/g" }}', 'true', 'derived: ECMA-262 RegExp (==)'),
	(5, '={{ $json.s.replace(/b/, "B") }}', '"aBc"', 'derived: ECMA-262 RegExp (item string)'),
	(5, '={{ "hello world".replace(/\b/g, "|") }}', '"|hello| |world|"', 'derived: ECMA-262 RegExp (\b)'),
	(5, '={{ "cat concat".match(/\bcat\b/g) }}', '["cat"]', 'derived: ECMA-262 RegExp (\b)'),
	(5, '={{ "ab cd".replace(/\B/g, "-") }}', '"a-b c-d"', 'derived: ECMA-262 RegExp (\B)'),
	(5, '={{ "a1 b22".match(/\d+/g) }}', '["1", "22"]', 'derived: ECMA-262 RegExp (\d)'),
	(5, '={{ "café".match(/\w+/)[0] }}', '"caf"', 'derived: ECMA-262 RegExp (\w is ASCII)'),
	(5, '={{ "a\u00a0b\tc".split(/\s/) }}', '["a", "b", "c"]', 'derived: ECMA-262 RegExp (\s)'),
	(5, '={{ "a_1-b".replace(/\W/g, "") }}', '"a_1b"', 'derived: ECMA-262 RegExp (\W)'),
	(5, '={{ "a b".replace(/\S/g, "x") }}', '"x x"', 'derived: ECMA-262 RegExp (\S)'),
	(5, '={{ /\D+/.exec("12ab34")[0] }}', '"ab"', 'derived: ECMA-262 RegExp (\D)'),
	(5, '={{ "a-b_c d".match(/[\w-]+/)[0] }}', '"a-b_c"', 'derived: ECMA-262 RegExp (class)'),
	(5, '={{ "x]y".match(/[\]]/)[0] }}', '"]"', 'derived: ECMA-262 RegExp (class)'),
	(5, '={{ "a^b".replace(/[\^]/, "") }}', '"ab"', 'derived: ECMA-262 RegExp (class)'),
	(5, '={{ /[^\d\s]+/.exec("12 ab 3")[0] }}', '"ab"', 'derived: ECMA-262 RegExp (negated class)'),
	(5, '={{ /[\s\S]+/.exec("a\nb")[0] }}', '"a\nb"', 'derived: ECMA-262 RegExp ([\s\S])'),
	(5, '={{ /[^]+/.exec("a\nb")[0] }}', '"a\nb"', 'derived: ECMA-262 RegExp ([^])'),
	(5, '={{ /[]/.test("a") }}', 'false', 'derived: ECMA-262 RegExp ([])'),
	(5, '={{ "ABC".match(/[a-c]+/i)[0] }}', '"ABC"', 'derived: ECMA-262 RegExp (range, i)'),
	(5, '={{ "[[:alpha:]]".match(/[[:alpha:]]+/)[0] }}', '":]]"', 'derived: ECMA-262 RegExp (no POSIX classes)'),
	(5, '={{ /[\b]/.test("\b") }}', 'true', 'derived: ECMA-262 RegExp ([\b] is a backspace)'),
	(5, '={{ "aaaa".match(/a{2,3}/)[0] }}', '"aaa"', 'derived: ECMA-262 RegExp ({n,m})'),
	(5, '={{ "aaaa".match(/a{2}/g) }}', '["aa", "aa"]', 'derived: ECMA-262 RegExp ({n})'),
	(5, '={{ "aaaa".match(/a{2,}/)[0] }}', '"aaaa"', 'derived: ECMA-262 RegExp ({n,})'),
	(5, '={{ "<a><b>".match(/<.+?>/)[0] }}', '"<a>"', 'derived: ECMA-262 RegExp (lazy)'),
	(5, '={{ "<a><b>".match(/<.+>/)[0] }}', '"<a><b>"', 'derived: ECMA-262 RegExp (greedy)'),
	(5, '={{ "say \"a\" and \"b\"".match(/"(.*?)"/)[1] }}', '"a"', 'derived: ECMA-262 RegExp (lazy group)'),
	(5, '={{ "a{1".match(/a{1/)[0] }}', '"a{1"', 'derived: ECMA-262 RegExp (a literal {)'),
	(5, '={{ "aaa".replace(/a*?/g, "X") }}', '"XaXaXaX"', 'derived: ECMA-262 RegExp (empty matches)'),
	(5, '={{ "color colour".match(/colou?r/g) }}', '["color", "colour"]', 'derived: ECMA-262 RegExp (?)'),
	(5, '={{ "cat dog bird".match(/dog|bird/g) }}', '["dog", "bird"]', 'derived: ECMA-262 RegExp (alternation)'),
	(5, '={{ "2024-03-05".replace(/(\d+)-(\d+)-(\d+)/, "$3/$2/$1") }}', '"05/03/2024"', 'derived: ECMA-262 RegExp (groups)'),
	(5, '={{ "2024-03-05".match(/(?<y>\d{4})-(?<m>\d\d)/).groups }}', '{"m": "03", "y": "2024"}', 'derived: ECMA-262 RegExp (named groups)'),
	(5, '={{ "2024-03-05".match(/(?<y>\d{4})/).groups.y }}', '"2024"', 'derived: ECMA-262 RegExp (named groups)'),
	(5, '={{ "abc".match(/(a)(x)?/) }}', '["a", "a", null]', 'derived: ECMA-262 RegExp (a group taking no part)'),
	(5, '={{ "abc".match(/b/).index }}', '1', 'derived: ECMA-262 RegExp (index)'),
	(5, '={{ "abc".match(/b/).input }}', '"abc"', 'derived: ECMA-262 RegExp (input)'),
	(5, '={{ "abc".match(/b/).groups }}', 'null', 'derived: ECMA-262 RegExp (no named groups)'),
	(5, '={{ "abab".match(/(?:ab)+/)[0] }}', '"abab"', 'derived: ECMA-262 RegExp (?:)'),
	(5, '={{ "John Smith".replace(/(?<f>\w+) (?<l>\w+)/, "$<l>, $<f>") }}', '"Smith, John"', 'derived: ECMA-262 RegExp ($<name>)'),
	(5, '={{ /(a)\1/.test("aa") }}', 'true', 'derived: ECMA-262 RegExp (back-reference)'),
	(5, '={{ /(\w)\1/.exec("hello")[0] }}', '"ll"', 'derived: ECMA-262 RegExp (back-reference)'),
	(5, '={{ /(?<q>["'']).*?\k<q>/.exec("say ''hi'' now")[0] }}', '"''hi''"', 'derived: ECMA-262 RegExp (\k<name>)'),
	(5, '={{ /^(abc)\1$/i.test("abcABC") }}', 'true', 'derived: ECMA-262 RegExp (back-reference, i)'),
	(5, '={{ /^a/.test("ba") }}', 'false', 'derived: ECMA-262 RegExp (^)'),
	(5, '={{ "a\nb".replace(/^/gm, "> ") }}', '"> a\n> b"', 'derived: ECMA-262 RegExp (^ with m)'),
	(5, '={{ "a\nb".replace(/$/gm, ";") }}', '"a;\nb;"', 'derived: ECMA-262 RegExp ($ with m)'),
	(5, '={{ /a$/.test("a\n") }}', 'false', 'derived: ECMA-262 RegExp ($ without m)'),
	(5, '={{ /a$/m.test("a\n") }}', 'true', 'derived: ECMA-262 RegExp ($ with m)'),
	(5, '={{ "x\r\ny".split(/$/m) }}', '["x", "\r", "\ny"]', 'derived: ECMA-262 RegExp ($ with m: \r and \n are line terminators)'),
	(5, '={{ "😀a".search(/a/) }}', '2', 'derived: ECMA-262 RegExp (UTF-16 index)'),
	(5, '={{ "é😀x".match(/x/).index }}', '3', 'derived: ECMA-262 RegExp (UTF-16 index)'),
	(5, '={{ "😀😀".replace(/😀/g, "x") }}', '"xx"', 'derived: ECMA-262 RegExp (astral characters)'),
	(5, '={{ "ÉCOLE".match(/é/i)[0] }}', '"É"', 'derived: ECMA-262 RegExp (i beyond ASCII)'),
	(5, '={{ "naïve café".match(/\p{L}+/gu) }}', '["naïve", "café"]', 'derived: ECMA-262 RegExp (\p{L})'),
	(5, '={{ /\p{Lu}/u.test("é") || /\P{L}/u.test("é") }}', 'false', 'derived: ECMA-262 RegExp (\p{Lu}, \P{L})'),
	(5, '={{ "abc".search(/z/) }}', '-1', 'derived: ECMA-262 RegExp (search)'),
	(5, '={{ "a.b".search(".") }}', '0', 'derived: ECMA-262 RegExp (search with a string: new RegExp)'),
	(5, '={{ "a+b".match("\\+")[0] }}', '"+"', 'derived: ECMA-262 RegExp (match with a string: new RegExp)'),
	(5, '={{ /b/.exec("abc") }}', '["b"]', 'derived: ECMA-262 RegExp (exec)'),
	(5, '={{ /z/.exec("abc") }}', 'null', 'derived: ECMA-262 RegExp (exec)'),
	(5, '={{ /(\d+)/.exec("ab12").index }}', '2', 'derived: ECMA-262 RegExp (exec index)'),
	(5, '={{ "abc".match(/z/g) }}', 'null', 'derived: ECMA-262 RegExp (match g, none)'),
	(5, '={{ [..."a1b2".matchAll(/(\d)/g)][1].index }}', '3', 'derived: ECMA-262 RegExp (matchAll)'),
	(5, '={{ [..."a1b2".matchAll(/(\d)/g)][1] }}', '["2", "2"]', 'derived: ECMA-262 RegExp (matchAll)'),
	(5, '={{ "ab".matchAll(/a/) }}', 'null', 'derived: ECMA-262 RegExp (matchAll without g: TypeError, swallowed)'),
	(5, '={{ /a/.test() }}', 'false', 'derived: ECMA-262 RegExp (test(undefined) tests "undefined")'),
	(5, '={{ /und/.test() }}', 'true', 'derived: ECMA-262 RegExp (test(undefined) tests "undefined")'),
	(5, '={{ "a1b2c".split(/(\d)/) }}', '["a", "1", "b", "2", "c"]', 'derived: ECMA-262 RegExp (split with captures)'),
	(5, '={{ "a1b2c".split(/\d/, 2) }}', '["a", "b"]', 'derived: ECMA-262 RegExp (split limit)'),
	(5, '={{ "a1b2c".split(/(\d)/, 2) }}', '["a", "1"]', 'derived: ECMA-262 RegExp (split limit counts captures)'),
	(5, '={{ "a, b,c".split(/\s*,\s*/) }}', '["a", "b", "c"]', 'derived: ECMA-262 RegExp (split)'),
	(5, '={{ "abc".split(/(?:)/) }}', '["a", "b", "c"]', 'derived: ECMA-262 RegExp (split by an empty match)'),
	(5, '={{ "".split(/x/) }}', '[""]', 'derived: ECMA-262 RegExp (split of "")'),
	(5, '={{ "".split(/(?:)/) }}', '[]', 'derived: ECMA-262 RegExp (split of "")'),
	(5, '={{ "a1b".split(/(\d)(x)?/) }}', '["a", "1", null, "b"]', 'derived: ECMA-262 RegExp (split, a group taking no part)'),
	(5, '={{ "a1b2c3".split(/\d/, 0) }}', '[]', 'derived: ECMA-262 RegExp (split limit 0)'),
	(5, '={{ "abc".replace(/b/, "[$&]") }}', '"a[b]c"', 'derived: ECMA-262 RegExp ($&)'),
	(5, '={{ "abc".replace(/b/, "[$`|$'']") }}', '"a[a|c]c"', 'derived: ECMA-262 RegExp ($` $'')'),
	(5, '={{ "abc".replace(/b/, "$$") }}', '"a$c"', 'derived: ECMA-262 RegExp ($$)'),
	(5, '={{ "abc".replace(/(b)/, "$2$1$0") }}', '"a$2b$0c"', 'derived: ECMA-262 RegExp ($n beyond the groups)'),
	(5, '={{ "abc".replace(/(b)/, "$01$10") }}', '"abb0c"', 'derived: ECMA-262 RegExp ($nn)'),
	(5, '={{ "abc".replace(/(?<x>b)/, "[$<x>|$<y>]") }}', '"a[b|]c"', 'derived: ECMA-262 RegExp ($<name>)'),
	(5, '={{ "abc".replace(/(b)/, "$<x>") }}', '"a$<x>c"', 'derived: ECMA-262 RegExp ($< without named groups)'),
	(5, '={{ "aaa".replaceAll(/a/g, "b") }}', '"bbb"', 'derived: ECMA-262 RegExp (replaceAll)'),
	(5, '={{ "aaa".replaceAll(/a/, "b") }}', 'null', 'derived: ECMA-262 RegExp (replaceAll without g: TypeError, swallowed)'),
	(5, '={{ "x-y".replace("-", "$&$&") }}', '"x--y"', 'derived: ECMA-262 RegExp (string pattern, $&)'),
	(5, '={{ /(a|aa)*$/.test("a".repeat(100000) + "b") }}', 'true', 'derived: PLAN 6.4 (no backtracking: linear)'),
	(5, '={{ /a/y }}', '{"$error": "flag \"y\" is not supported"}', 'derived: PLAN 1.2 (refused at save)'),
	(5, '={{ /a/d }}', '{"$error": "flag \"d\" is not supported"}', 'derived: PLAN 4.6 (refused at save)'),
	(5, '={{ /a{256}/ }}', '{"$error": "quantifier bound above 255 is not supported"}', 'derived: PLAN 4.6 (refused at save)'),
	(5, '={{ /(?<=(a))b/ }}', '{"$error": "capturing groups inside lookahead or lookbehind are not supported"}', 'derived: PLAN 4.6 (refused at save)'),
	(5, '={{ /(a)(?=\1)/ }}', '{"$error": "back-references inside lookahead or lookbehind are not supported"}', 'derived: PLAN 4.6 (refused at save)'),
	(5, '={{ /[\1]/ }}', '{"$error": "back-references inside character classes are not supported"}', 'derived: PLAN 4.6 (refused at save)'),
	(5, '={{ /\1(a)/ }}', '{"$error": "a back-reference to a group that is not closed yet"}', 'derived: PLAN 4.6 (refused at save)'),
	(5, '={{ /\2(a)/ }}', '{"$error": "back-reference \\2 to a group that does not exist"}', 'derived: PLAN 4.6 (refused at save)'),
	(5, '={{ /\p{Nd}/u }}', '{"$error": "the Unicode property class \\p{Nd} is not supported"}', 'derived: PLAN 4.6 (refused at save)'),
	(5, '={{ /(?<a>x)(?<a>y)/ }}', '{"$error": "duplicate capture group name"}', 'derived: ECMA-262 (refused at save)'),
	(5, '={{ /a**/ }}', '{"$error": "nothing to repeat"}', 'derived: ECMA-262 (refused at save)'),
	(5, '={{ /(a/ }}', '{"$error": "unterminated group"}', 'derived: ECMA-262 (refused at save)'),
	(5, '={{ /a)/ }}', '{"$error": "unmatched \")\""}', 'derived: ECMA-262 (refused at save)'),
	(5, '={{ /(?i:a)/ }}', '{"$error": "invalid group"}', 'derived: PLAN 4.6 (refused at save)'),
	(5, '={{ /(?=a)*/ }}', '{"$error": "nothing to repeat"}', 'derived: PLAN 4.6 (quantified lookahead refused at save)'),
	(5, '={{ /\u{61}/u.test("a") && /\q/u }}', '{"$error": "invalid escape \\q"}', 'derived: ECMA-262 (u: refused at save)'),
	(5, '={{ new Foo("a") }}', '{"$error": "only \"new Date()\" and \"new RegExp()\" are supported"}', 'derived: PLAN 1.2 (refused at save)'),
	(5, '={{ "ab".match(/a|ab/)[0] }}', '"ab"', 'deviation (docs/expressions.md): ARE prefers the longest alternative; JavaScript gives "a"'),
	(5, '={{ "XY1234Z".match(/Y*?([0-9]{1,3})/)[1] }}', '"1"', 'deviation (docs/expressions.md): the first quantifier sets the whole expression''s greediness; JavaScript gives "123"'),
	(5, '={{ /' || repeat('a', 10241) || '/.test("a") }}', '{"$error": "regular expression is too long"}', 'derived: PLAN 6.4 (refused at save)');
-- derived: dates (PLAN 2.8, 4.5; slice 6), from Luxon's and ECMA-262's rules
INSERT INTO pg_temp.cases (slice, expr, settings, expected, source) VALUES
	(6, '{{ DateTime.fromISO(''2024-03-09T12:00'').plus({days: 1}).toISO() }}', '{"timezone": "America/New_York"}', '"2024-03-10T12:00:00.000-04:00"', 'derived: Luxon plus: days on the wall clock across spring forward'),
	(6, '{{ DateTime.fromISO(''2024-03-09T12:00'').plus({hours: 24}).toISO() }}', '{"timezone": "America/New_York"}', '"2024-03-10T13:00:00.000-04:00"', 'derived: Luxon plus: hours are absolute time'),
	(6, '{{ DateTime.fromISO(''2024-03-10T02:30'').toISO() }}', '{"timezone": "America/New_York"}', '"2024-03-10T03:30:00.000-04:00"', 'derived: Luxon a local time in the spring-forward gap moves forward'),
	(6, '{{ DateTime.fromISO(''2024-11-03T01:30'').toISO() }}', '{"timezone": "America/New_York"}', '"2024-11-03T01:30:00.000-04:00"', 'derived: Reporunner rule: an ambiguous local time is the earlier instant (Luxon: depends on the current season)'),
	(6, '{{ DateTime.fromISO(''2024-11-02T12:00'').plus({days: 1}).diff(DateTime.fromISO(''2024-11-02T12:00''), ''hours'').hours }}', '{"timezone": "America/New_York"}', '25', 'derived: Luxon a fall-back day has 25 hours'),
	(6, '{{ DateTime.fromISO(''2024-03-10T12:00'').startOf(''day'').toISO() }}', '{"timezone": "America/New_York"}', '"2024-03-10T00:00:00.000-05:00"', 'derived: Luxon startOf day keeps the offset of midnight'),
	(6, '{{ DateTime.fromISO(''2024-03-10T12:00'').endOf(''day'').toISO() }}', '{"timezone": "America/New_York"}', '"2024-03-10T23:59:59.999-04:00"', 'derived: Luxon endOf day'),
	(6, '{{ [DateTime.fromISO(''2024-03-10T00:00'').isInDST, DateTime.fromISO(''2024-03-10T04:00'').isInDST] }}', '{"timezone": "America/New_York"}', '[false, true]', 'derived: Luxon isInDST'),
	(6, '{{ DateTime.fromISO(''2024-11-03T00:30'').plus({hours: 1}).toISO() }}', '{"timezone": "America/New_York"}', '"2024-11-03T01:30:00.000-04:00"', 'derived: Luxon plus hours through fall back (first 01:30)'),
	(6, '{{ DateTime.fromISO(''2024-11-03T00:30'').plus({hours: 2}).toISO() }}', '{"timezone": "America/New_York"}', '"2024-11-03T01:30:00.000-05:00"', 'derived: Luxon plus hours through fall back (second 01:30)'),
	(6, '{{ DateTime.fromISO(''2024-03-10T01:59:59.999'').plus(1).toISO() }}', '{"timezone": "America/New_York"}', '"2024-03-10T03:00:00.000-04:00"', 'derived: Luxon plus(number) adds milliseconds'),
	(6, '{{ DateTime.fromISO(''2024-06-30T18:49:00Z'').isDst() }}', '{}', 'false', 'derived: W date-extensions.ts isDst: a UTC zone has no DST'),
	(6, '{{ DateTime.fromISO(''2024-03-31T02:30'').toISO() }}', '{"timezone": "Europe/Oslo"}', '"2024-03-31T03:30:00.000+02:00"', 'derived: Luxon Oslo spring-forward gap'),
	(6, '{{ DateTime.fromISO(''2024-03-30T12:00'').plus({days: 1}).toISO() }}', '{"timezone": "Europe/Oslo"}', '"2024-03-31T12:00:00.000+02:00"', 'derived: Luxon Oslo: days on the wall clock'),
	(6, '{{ DateTime.fromISO(''2024-10-27T00:00'').plus({days: 1}).diff(DateTime.fromISO(''2024-10-27T00:00''), ''hours'').hours }}', '{"timezone": "Europe/Oslo"}', '25', 'derived: Luxon Oslo: a fall-back day has 25 hours'),
	(6, '{{ DateTime.fromISO(''2024-10-27T02:30'').toISO() }}', '{"timezone": "Europe/Oslo"}', '"2024-10-27T02:30:00.000+02:00"', 'derived: Reporunner rule: an ambiguous local time is the earlier instant'),
	(6, '{{ DateTime.fromISO(''2024-07-01T12:00'').setZone(''America/New_York'', {keepLocalTime: true}).toISO() }}', '{"timezone": "Europe/Oslo"}', '"2024-07-01T12:00:00.000-04:00"', 'derived: Luxon setZone keepLocalTime'),
	(6, '{{ DateTime.fromISO(''2024-07-01T12:00:00Z'').setZone(''Europe/Oslo'').toISO() }}', '{}', '"2024-07-01T14:00:00.000+02:00"', 'derived: Luxon setZone'),
	(6, '{{ DateTime.fromISO(''2024-01-15T12:00:00Z'').setZone(''Europe/Oslo'').offset }}', '{}', '60', 'derived: Luxon offset in minutes'),
	(6, '{{ $now.zoneName }}', '{"timezone": "Europe/Oslo"}', '"Europe/Oslo"', 'derived: PLAN 2.8 ($now is in settings.timezone)'),
	(6, '{{ $now.zoneName }}', '{}', '"UTC"', 'derived: PLAN 2.8 (UTC when settings.timezone is unset; n8n: America/New_York)'),
	(6, '{{ DateTime.fromISO(''2024-03-05T08:04'').toFormat(''ZZZZ'') }}', '{"timezone": "Europe/Oslo"}', '"GMT+1"', 'derived: Luxon ZZZZ, en-US names (ICU: GMT+1 for Oslo)'),
	(6, '{{ DateTime.fromISO(''2024-01-31'').plus({months: 1}).toISODate() }}', '{}', '"2024-02-29"', 'derived: Luxon month-end clamping (leap year)'),
	(6, '{{ DateTime.fromISO(''2023-01-31'').plus({months: 1}).toISODate() }}', '{}', '"2023-02-28"', 'derived: Luxon month-end clamping'),
	(6, '{{ DateTime.fromISO(''2024-02-29'').plus({years: 1}).toISODate() }}', '{}', '"2025-02-28"', 'derived: Luxon Feb 29 plus a year'),
	(6, '{{ DateTime.fromISO(''2024-03-31'').minus({months: 1}).toISODate() }}', '{}', '"2024-02-29"', 'derived: Luxon minus months clamps'),
	(6, '{{ DateTime.fromISO(''2024-05-31'').plus({months: 1, days: 1}).toISODate() }}', '{}', '"2024-07-01"', 'derived: Luxon months clamp before days are added'),
	(6, '{{ DateTime.fromISO(''2024-12-31'').plus({quarters: 1}).toISODate() }}', '{}', '"2025-03-31"', 'derived: Luxon quarters'),
	(6, '{{ [DateTime.local(2024, 2, 29).isInLeapYear, DateTime.local(1900, 1, 1).isInLeapYear, DateTime.local(2000, 1, 1).daysInYear, DateTime.local(2023, 2).daysInMonth] }}', '{}', '[true, false, 366, 28]', 'derived: Luxon leap years'),
	(6, '{{ [DateTime.local(2023, 2, 29).isValid, DateTime.local(2023, 2, 29).invalidReason] }}', '{}', '[false, "unit out of range"]', 'derived: Luxon invalid day'),
	(6, '{{ DateTime.fromISO(''2024-01-31T10:00'').set({month: 2}).toISODate() }}', '{}', '"2024-02-29"', 'derived: Luxon set clamps the day'),
	(6, '{{ DateTime.local(2024, 1, 31).plus({months: 1.5}).toISO() }}', '{}', '"2024-03-15T00:00:00.000Z"', 'derived: Luxon fractional months: 0.5 month is 15 days'),
	(6, '{{ DateTime.fromISO(''2024-03-05T08:04:09.007'').toFormat(''d/M/yy H:m:s S'') }}', '{}', '"5/3/24 8:4:9 7"', 'derived: Luxon toFormat unpadded tokens'),
	(6, '{{ DateTime.fromISO(''2024-03-05T08:04:09.007'').toFormat(''dd/MM/yyyy HH:mm:ss.SSS'') }}', '{}', '"05/03/2024 08:04:09.007"', 'derived: Luxon toFormat padded tokens'),
	(6, '{{ DateTime.fromISO(''2024-03-05T08:04:09.007'').toFormat(''EEE EEEE ccc cccc E MMM MMMM LLL LLLL'') }}', '{}', '"Tue Tuesday Tue Tuesday 2 Mar March Mar March"', 'derived: Luxon toFormat names (en-US)'),
	(6, '{{ [DateTime.fromISO(''2024-03-05T08:04'').toFormat(''h:mm a''), DateTime.fromISO(''2024-03-05T20:04'').toFormat(''hh:mm a''), DateTime.fromISO(''2024-03-05T00:15'').toFormat(''h:mm a'')] }}', '{}', '["8:04 AM", "08:04 PM", "12:15 AM"]', 'derived: Luxon toFormat 12-hour clock'),
	(6, '{{ DateTime.fromISO(''2024-03-05T08:04'').toFormat(''o ooo q W WW kkkk'') }}', '{}', '"65 065 1 10 10 2024"', 'derived: Luxon toFormat ordinal, quarter, ISO week'),
	(6, '{{ DateTime.fromISO(''2024-03-05T08:04'').toFormat("yyyy ''year'' MM ''month''") }}', '{}', '"2024 year 03 month"', 'derived: Luxon toFormat literals'),
	(6, '{{ DateTime.fromISO(''2024-03-05'').toFormat("''''yy''''") }}', '{}', '"''24''"', 'derived: Luxon toFormat '''' is a quote'),
	(6, '{{ DateTime.fromISO(''2024-03-05T08:04'').toFormat(''ZZ ZZZ Z z ZZZZ ZZZZZ'') }}', '{"timezone": "America/New_York"}', '"-05:00 -0500 -5 America/New_York EST Eastern Standard Time"', 'derived: Luxon toFormat offsets and zone names'),
	(6, '{{ DateTime.fromISO(''2024-03-05T08:04'').toFormat(''ZZ'') }}', '{}', '"+00:00"', 'derived: Luxon toFormat ZZ of UTC (no Z)'),
	(6, '{{ [DateTime.fromISO(''2024-03-05T08:04:09'').toFormat(''D''), DateTime.fromISO(''2024-03-05T08:04:09'').toFormat(''DD''), DateTime.fromISO(''2024-03-05T08:04:09'').toFormat(''DDD''), DateTime.fromISO(''2024-03-05T08:04:09'').toFormat(''DDDD'')] }}', '{}', '["3/5/2024", "Mar 5, 2024", "March 5, 2024", "Tuesday, March 5, 2024"]', 'derived: Luxon toFormat date macros (en-US)'),
	(6, '{{ [DateTime.fromISO(''2024-03-05T08:04:09'').toFormat(''T''), DateTime.fromISO(''2024-03-05T08:04:09'').toFormat(''TT''), DateTime.fromISO(''2024-03-05T08:04:09'').toFormat(''t''), DateTime.fromISO(''2024-03-05T08:04:09'').toFormat(''ff'')] }}', '{}', '["08:04", "08:04:09", "8:04\u202fAM", "Mar 5, 2024, 8:04\u202fAM"]', 'derived: Luxon toFormat time macros (ICU 72+: narrow no-break space before AM)'),
	(6, '{{ DateTime.fromISO(''2024-03-05T08:04:09.007Z'').toFormat(''X x G GG'') }}', '{}', '"1709625849 1709625849007 AD Anno Domini"', 'derived: Luxon toFormat epoch and era'),
	(6, '{{ DateTime.fromISO(''2024-03-30T18:49'').format(''dd/LL/yyyy'') }}', '{}', '"30/03/2024"', 'derived: W date-extensions.ts format() doc example'),
	(6, '{{ DateTime.fromISO(''2024-04-30T18:49'').format("HH ''hours and'' mm ''minutes''") }}', '{}', '"18 hours and 49 minutes"', 'derived: W date-extensions.ts format() doc example'),
	(6, '{{ DateTime.fromISO(''x'').toFormat(''yyyy'') }}', '{}', '"Invalid DateTime"', 'derived: Luxon toFormat of an invalid DateTime'),
	(6, '{{ DateTime.fromISO(''2024-03-30T18:49:07.234+02:00'').toISO() }}', '{}', '"2024-03-30T16:49:07.234Z"', 'derived: Luxon fromISO with an offset, in the default zone'),
	(6, '{{ DateTime.fromISO(''2024-03-30T18:49:07.234+02:00'', {setZone: true}).toISO() }}', '{}', '"2024-03-30T18:49:07.234+02:00"', 'derived: Luxon fromISO setZone'),
	(6, '{{ DateTime.fromISO(''20240330T184907'').toISO() }}', '{}', '"2024-03-30T18:49:07.000Z"', 'derived: Luxon fromISO basic format'),
	(6, '{{ DateTime.fromISO(''2024-W13-6'').toISODate() }}', '{}', '"2024-03-30"', 'derived: Luxon fromISO week date'),
	(6, '{{ DateTime.fromISO(''2024-090'').toISODate() }}', '{}', '"2024-03-30"', 'derived: Luxon fromISO ordinal date'),
	(6, '{{ DateTime.fromISO(''2024-03-30T18:49:07,5Z'').millisecond }}', '{}', '500', 'derived: Luxon fromISO comma fraction'),
	(6, '{{ DateTime.fromISO(''2024-03-30T18:49:07.123456Z'').toISO() }}', '{}', '"2024-03-30T18:49:07.123Z"', 'derived: Luxon fromISO truncates to milliseconds'),
	(6, '{{ DateTime.fromISO(''2024-03-30T18:49-0530'', {setZone: true}).toISO() }}', '{}', '"2024-03-30T18:49:00.000-05:30"', 'derived: Luxon fromISO offset without colon'),
	(6, '{{ DateTime.fromISO(''2024-03'').toISODate() }}', '{}', '"2024-03-01"', 'derived: Luxon fromISO year and month'),
	(6, '{{ DateTime.fromISO(''2024-03-30T24:00'').toISO() }}', '{}', '"2024-03-31T00:00:00.000Z"', 'derived: Luxon fromISO 24:00 is the next midnight'),
	(6, '{{ [DateTime.fromISO(''2024-13-01'').isValid, DateTime.fromISO(''2024-13-01'').invalidReason, DateTime.fromISO(''2024-13-01'').invalidExplanation] }}', '{}', '[false, "unit out of range", "you specified 13 (of type number) as a month, which is invalid"]', 'derived: Luxon fromISO out of range'),
	(6, '{{ DateTime.fromISO(''not a date'').invalidExplanation }}', '{}', '"the input \"not a date\" can''t be parsed as ISO 8601"', 'derived: Luxon fromISO unparsable'),
	(6, '{{ DateTime.fromISO(''2024-03-30 18:49'').isValid }}', '{}', 'false', 'derived: Luxon fromISO needs a T'),
	(6, '{{ DateTime.fromSQL(''2024-03-30 18:49:07'').toISO() }}', '{}', '"2024-03-30T18:49:07.000Z"', 'derived: Luxon fromSQL'),
	(6, '{{ DateTime.fromSQL(''2024-03-30 18:49:07 +02:00'', {setZone: true}).toISO() }}', '{}', '"2024-03-30T18:49:07.000+02:00"', 'derived: Luxon fromSQL with an offset'),
	(6, '{{ [DateTime.fromHTTP(''Sun, 06 Nov 1994 08:49:37 GMT'').toISO(), DateTime.fromHTTP(''Sunday, 06-Nov-94 08:49:37 GMT'').toISO(), DateTime.fromHTTP(''Sun Nov  6 08:49:37 1994'').toISO()] }}', '{}', '["1994-11-06T08:49:37.000Z", "1994-11-06T08:49:37.000Z", "1994-11-06T08:49:37.000Z"]', 'derived: Luxon fromHTTP, its three forms'),
	(6, '{{ DateTime.fromRFC2822(''Tue, 01 Nov 2016 13:23:12 +0630'', {setZone: true}).toISO() }}', '{}', '"2016-11-01T13:23:12.000+06:30"', 'derived: Luxon fromRFC2822'),
	(6, '{{ DateTime.fromRFC2822(''01 Nov 2016 13:23 EST'').toISO() }}', '{}', '"2016-11-01T18:23:00.000Z"', 'derived: Luxon fromRFC2822 obsolete zone'),
	(6, '{{ DateTime.fromFormat(''30/03/2024 18:49'', ''dd/MM/yyyy HH:mm'').toISO() }}', '{}', '"2024-03-30T18:49:00.000Z"', 'derived: Luxon fromFormat'),
	(6, '{{ DateTime.fromFormat(''March 5, 2024 8:04 PM'', ''MMMM d, yyyy h:mm a'').toISO() }}', '{}', '"2024-03-05T20:04:00.000Z"', 'derived: Luxon fromFormat names and meridiem'),
	(6, '{{ DateTime.fromFormat(''2024-03-30'', ''dd/MM/yyyy'').invalidReason }}', '{}', '"unparsable"', 'derived: Luxon fromFormat mismatch'),
	(6, '{{ DateTime.fromISO(''18:49'').hour }}', '{}', '18', 'derived: Luxon fromISO time only'),
	(6, '{{ ''Sun, 06 Nov 1994 08:49:37 GMT''.toDateTime().toISO() }}', '{"timezone": "America/New_York"}', '"1994-11-06T08:49:37.000Z"', 'derived: W type-validation.ts tryToParseDateTime: HTTP with setZone'),
	(6, '{{ ''2024-03-30 18:49:07''.toDateTime().toISO() }}', '{"timezone": "America/New_York"}', '"2024-03-30T18:49:07.000-04:00"', 'derived: W type-validation.ts tryToParseDateTime: SQL'),
	(6, '{{ ''March 30, 2024''.toDateTime().toISO() }}', '{"timezone": "America/New_York"}', '"2024-03-30T00:00:00.000-04:00"', 'derived: W type-validation.ts tryToParseDateTime: Date.parse in the default zone'),
	(6, '{{ ''2024-02-30''.toDateTime().toISO() }}', '{"timezone": "America/New_York"}', '"2024-02-29T19:00:00.000-05:00"', 'derived: W type-validation.ts: ISO and SQL give an invalid date, V8 Date.parse takes Feb 30 as March 1 (UTC)'),
	(6, '{{ ''30.03.2024''.toDateTime(''dd.MM.yyyy'').toISODate() }}', '{}', '"2024-03-30"', 'derived: W string-extensions.ts toDateTime(format): fromFormat'),
	(6, '{{ ''1711824540''.toDateTime(''s'').toISO() }}', '{}', '"2024-03-30T18:49:00.000Z"', 'derived: W string-extensions.ts toDateTime(''s'')'),
	(6, '{{ (1711824540000).toDateTime().toISO() }}', '{"timezone": "Europe/Oslo"}', '"2024-03-30T19:49:00.000+01:00"', 'derived: W number-extensions.ts toDateTime (ms)'),
	(6, '{{ (1711824540000000).toDateTime(''us'').toMillis() }}', '{}', '1711824540000', 'derived: W number-extensions.ts toDateTime(''us'')'),
	(6, '{{ ''2024-13-45''.toDateTime() }}', '{}', '{"$error": "cannot convert to Luxon DateTime"}', 'derived: W string-extensions.ts toDateTime error'),
	(6, '{{ ''hello''.toDate() }}', '{}', '{"$error": "cannot convert to date"}', 'derived: W string-extensions.ts toDate error'),
	(6, '{{ (5).toDateTime(''days'') }}', '{}', '{"$error": "Unsupported format ''days''. toDateTime() supports ''ms'', ''s'', ''us'' and ''excel''."}', 'derived: W number-extensions.ts toDateTime error'),
	(6, '{{ $now.isBetween($now) }}', '{}', '{"$error": "isBetween(): expected exactly two args"}', 'derived: W date-extensions.ts isBetween'),
	(6, '{{ DateTime.fromISO(''2024-01-01'').diffTo(''2024-02-01'', ''fortnight'') }}', '{}', '{"$error": "Unsupported unit ''fortnight''. Supported: ''milliseconds''"}', 'derived: W date-extensions.ts diffTo'),
	(6, '{{ $now.diffTo(''garbage'') }}', '{}', '{"$error": "cannot convert to Luxon DateTime"}', 'derived: W date-extensions.ts diffTo of a bad string'),
	(6, '{{ ''2024-01-01''.plus(1, ''days'') }}', '{}', '{"$error": "plus() is only callable on type \"Date\""}', 'derived: W expression-extension.ts: only a full ISO date string is a Date'),
	(6, '{{ DateTime.now().plus(1, ''fortnights'') }}', '{}', 'null', 'derived: Luxon InvalidUnitError, a JavaScript error n8n swallows'),
	(6, '{{ Duration.fromObject({fortnights: 1}) }}', '{}', 'null', 'derived: Luxon InvalidUnitError swallowed'),
	(6, '{{ DateTime.fromISO(''x'').toISO() }}', '{}', 'null', 'derived: Luxon toISO of an invalid DateTime is null'),
	(6, '=a{{ DateTime.fromISO(''x'') }}', '{}', '"aInvalid DateTime"', 'derived: Luxon toString of an invalid DateTime'),
	(6, '{{ new Date(''x'').getTime() }}', '{}', 'null', 'derived: ECMA-262 an invalid Date is NaN'),
	(6, '{{ String(new Date(''garbage'')) }}', '{}', '"Invalid Date"', 'derived: ECMA-262 Date.prototype.toString'),
	(6, '{{ new Date(''x'').toISOString() }}', '{}', 'null', 'derived: ECMA-262 RangeError, swallowed'),
	(6, '{{ [Duration.fromObject({hours: 2, minutes: 30}).as(''minutes''), Duration.fromObject({days: 1, hours: 12}).as(''days''), Duration.fromObject({months: 1}).as(''days''), Duration.fromISO(''P1DT2H'').as(''hours''), Duration.fromObject({hours: 2}).toMillis(), Duration.fromObject({minutes: 90}).shiftTo(''hours'').hours, Duration.fromObject({hours: 1}).plus({minutes: 30}).as(''minutes'')] }}', '{}', '[150, 1.5, 30, 26, 7200000, 1.5, 90]', 'derived: Luxon Duration as, toMillis, shiftTo, plus (casual matrix: a month is 30 days)'),
	(6, '{{ Duration.fromObject({weeks: 1, days: 2}).toObject() }}', '{}', '{"weeks": 1, "days": 2}', 'derived: Luxon Duration toObject'),
	(6, '{{ Duration.fromMillis(90061001).shiftTo(''days'',''hours'',''minutes'',''seconds'',''milliseconds'').toObject() }}', '{}', '{"days": 1, "hours": 1, "minutes": 1, "seconds": 1, "milliseconds": 1}', 'derived: Luxon Duration shiftTo'),
	(6, '{{ [Duration.fromObject({hours: 1, minutes: 30}).toISO(), Duration.fromObject({years: 1, days: 2, seconds: 1.5}).toISO(), Duration.fromObject({}).toISO()] }}', '{}', '["PT1H30M", "P1Y2DT1.5S", "PT0S"]', 'derived: Luxon Duration toISO'),
	(6, '{{ Duration.fromObject({days: 7, hours: 2}) }}', '{}', '"P7DT2H"', 'derived: PLAN 2.9 (a Duration is its ISO text)'),
	(6, '{{ Duration.fromObject({hours: 1}).days }}', '{}', '0', 'derived: Luxon a unit not given is 0'),
	(6, '{{ DateTime.fromISO(''2024-03-30'').diff(DateTime.fromISO(''2024-01-01''), ''days'').days }}', '{}', '89', 'derived: Luxon diff days'),
	(6, '{{ DateTime.fromISO(''2024-03-30'').diff(DateTime.fromISO(''2024-01-15''), [''months'', ''days'']).toObject() }}', '{}', '{"months": 2, "days": 15}', 'derived: Luxon diff months and days'),
	(6, '{{ DateTime.fromISO(''2024-01-01'').diff(DateTime.fromISO(''2024-03-30''), ''days'').days }}', '{}', '-89', 'derived: Luxon diff is negative when the other is later'),
	(6, '{{ DateTime.fromISO(''2024-03-30T12:00'').diff(DateTime.fromISO(''2024-03-30T10:30''), [''hours'',''minutes'']).toObject() }}', '{}', '{"hours": 1, "minutes": 30}', 'derived: Luxon diff hours and minutes'),
	(6, '{{ DateTime.fromISO(''2025-03-30'').diff(DateTime.fromISO(''2024-03-30''), ''years'').years }}', '{}', '1', 'derived: Luxon diff years'),
	(6, '{{ DateTime.fromISO(''2024-03-30'').diff(DateTime.fromISO(''2024-03-01''), ''weeks'').weeks }}', '{}', '4.142857142857143', 'derived: Luxon diff weeks with a fraction'),
	(6, '{{ DateTime.fromISO(''2024-03-30'').diff(DateTime.fromISO(''2024-03-29T12:00''), ''hours'').hours }}', '{}', '12', 'derived: Luxon diff hours'),
	(6, '{{ DateTime.fromISO(''2024-03-30'').diff(DateTime.fromISO(''2024-03-29'')).milliseconds }}', '{}', '86400000', 'derived: Luxon diff default unit milliseconds'),
	(6, '{{ DateTime.fromISO(''2024-03-30'').diffTo(''2024-03-29'', ''hours'') }}', '{}', '24', 'derived: W date-extensions.ts diffTo'),
	(6, '{{ $now.diffTo($now.minus({days: 2}), ''days'') }}', '{}', '2', 'derived: W date-extensions.ts diffTo'),
	(6, '{{ $now.diffToNow(''days'') }}', '{}', '0', 'derived: W date-extensions.ts diffToNow (now is the execution start)'),
	(6, '{{ [DateTime.fromISO(''2024-01-01'') < DateTime.fromISO(''2024-01-02''), DateTime.fromISO(''2024-01-01'') == DateTime.fromISO(''2024-01-01''), DateTime.fromISO(''2024-01-01'').equals(DateTime.fromISO(''2024-01-01'')), $now >= $today] }}', '{}', '[true, false, true, true]', 'derived: ECMA-262 comparisons by valueOf, == by identity; Luxon equals'),
	(6, '{{ +DateTime.fromISO(''2024-01-01T00:00:00Z'') === DateTime.fromISO(''2024-01-01T00:00:00Z'').toMillis() }}', '{}', 'true', 'derived: ECMA-262 unary + takes valueOf'),
	(6, '{{ DateTime.fromISO(''2024-01-01'') - DateTime.fromISO(''2023-12-31'') }}', '{}', '86400000', 'derived: ECMA-262 subtraction takes valueOf'),
	(6, '{{ ''x'' + DateTime.fromISO(''2024-01-01T00:00:00Z'') }}', '{}', '"x1704067200000"', 'derived: PLAN 2.3 (+ on a DateTime takes valueOf)'),
	(6, '{{ `${DateTime.fromISO(''2024-01-01T00:00:00Z'')}` }}', '{}', '"2024-01-01T00:00:00.000Z"', 'derived: ECMA-262 template literals take toString (toISO)'),
	(6, '{{ [typeof $now, $now === $now] }}', '{}', '["object", true]', 'derived: PLAN 2.3 typeof; n8n builds $now once per evaluation'),
	(6, '{{ $now.isBetween(''2000-01-01'', ''2999-01-01'') }}', '{}', 'true', 'derived: W date-extensions.ts isBetween'),
	(6, '{{ DateTime.fromISO(''2024-03-30'').hasSame(DateTime.fromISO(''2024-03-01''), ''month'') }}', '{}', 'true', 'derived: Luxon hasSame'),
	(6, '{{ DateTime.fromISO(''2024-03-30T18:49:00Z'') }}', '{}', '"2024-03-30T18:49:00.000Z"', 'derived: PLAN 2.9 (a lone DateTime is its ISO text)'),
	(6, '{{ new Date(''2024-03-30T18:49:00Z'') }}', '{"timezone": "America/New_York"}', '"2024-03-30T18:49:00.000Z"', 'derived: PLAN 2.9 (a lone Date is toISOString)'),
	(6, '=at {{ DateTime.fromISO(''2024-03-30T18:49:00Z'') }}!', '{"timezone": "America/New_York"}', '"at 2024-03-30T14:49:00.000-04:00!"', 'derived: PLAN 1.1 (a DateTime in text is toISO in the zone)'),
	(6, '=at {{ new Date(''2024-03-30T18:49:00Z'') }}', '{"timezone": "America/New_York"}', '"at Sat Mar 30 2024 14:49:00 GMT-0400 (Eastern Daylight Time)"', 'derived: PLAN 1.1 (a Date in text is Date.prototype.toString)'),
	(6, '{{ JSON.stringify({d: DateTime.fromISO(''2024-03-30T18:49:00Z''), j: new Date(0), u: Duration.fromObject({hours: 1})}) }}', '{}', '"{\"d\":\"2024-03-30T18:49:00.000Z\",\"j\":\"1970-01-01T00:00:00.000Z\",\"u\":\"PT1H\"}"', 'derived: PLAN 2.7 JSON of dates'),
	(6, '{{ [{d: DateTime.fromISO(''x'')}, new Date(''x'')] }}', '{}', '[{"d": null}, null]', 'derived: PLAN 2.7 (invalid dates are null in JSON)'),
	(6, '{{ [new Date(2024, 0, 31).getDate(), new Date(2024, 0, 31).getMonth(), new Date(2024, 0, 31, 22).toISOString()] }}', '{"timezone": "America/New_York"}', '[31, 0, "2024-02-01T03:00:00.000Z"]', 'derived: ECMA-262 new Date(y, m, d) in local time (the workflow zone)'),
	(6, '{{ [new Date(0).getTime(), new Date(''2024-03-30'').getTime(), Date.UTC(2024, 2, 30), Date.parse(''Sat, 30 Mar 2024 18:49:00 GMT'')] }}', '{"timezone": "America/New_York"}', '[0, 1711756800000, 1711756800000, 1711824540000]', 'derived: ECMA-262 (a date-only ISO string is UTC)'),
	(6, '{{ new Date(''2024-03-30T10:00'').toISOString() }}', '{"timezone": "America/New_York"}', '"2024-03-30T14:00:00.000Z"', 'derived: ECMA-262 (an ISO date-time without offset is local)'),
	(6, '{{ [new Date(''2024-03-30T18:49:00Z'').getDay(), new Date(''2024-03-30T18:49:00Z'').getTimezoneOffset(), new Date(''2024-03-30T18:49:00Z'').toUTCString()] }}', '{"timezone": "America/New_York"}', '[6, 240, "Sat, 30 Mar 2024 18:49:00 GMT"]', 'derived: ECMA-262 Date getters'),
	(6, '{{ [new Date(''Mar 30 2024 14:49'').toISOString(), new Date(''3/30/2024 2:49 PM'').toISOString(), new Date(''2024/03/30'').toISOString()] }}', '{"timezone": "America/New_York"}', '["2024-03-30T18:49:00.000Z", "2024-03-30T18:49:00.000Z", "2024-03-30T04:00:00.000Z"]', 'derived: V8 Date.parse legacy forms (local time)'),
	(6, '{{ new Date(''Sat Mar 30 2024 14:49:00 GMT+0200 (Central European Summer Time)'').toISOString() }}', '{"timezone": "America/New_York"}', '"2024-03-30T12:49:00.000Z"', 'derived: V8 Date.parse of Date.prototype.toString text'),
	(6, '{{ [Date.now() === $now.toMillis(), new Date().getTime() === $now.toMillis(), new Date($now).getTime() === $now.toMillis()] }}', '{}', '[true, true, true]', 'derived: PLAN 2.8 (now is the execution start)'),
	(6, '{{ new Date(''2024-03-30T18:49:00Z'').toDateTime().toISO() }}', '{"timezone": "America/New_York"}', '"2024-03-30T14:49:00.000-04:00"', 'derived: W date-extensions.ts toDateTime of a Date'),
	(6, '{{ new Date(''2024-03-30T18:49:00Z'').minus(7, ''days'').getTime() }}', '{"timezone": "America/New_York"}', '1711219740000', 'derived: W date-extensions.ts minus on a Date gives a Date'),
	(6, '{{ ''2024-03-30''.toDate() }}', '{"timezone": "America/New_York"}', '"2024-03-29T04:00:00.000Z"', 'derived: W string-extensions.ts toDate (setHours(0) in local time)'),
	(6, '{{ [$today.hour, $today.minute, $today.second, $today.millisecond] }}', '{"timezone": "America/New_York"}', '[0, 0, 0, 0]', 'derived: PLAN 3 ($today)'),
	(6, '{{ $today <= $now && $now < $today.plus({days: 1}) }}', '{"timezone": "Europe/Oslo"}', 'true', 'derived: PLAN 3 ($today is the start of $now''s day)'),
	(6, '{{ ''2024-01-01T00:00:00.000Z''.plus(1, ''days'') }}', '{}', '"2024-01-02T00:00:00.000Z"', 'derived: W expression-extension.ts isDate: an ISO date string is a Date for date extensions'),
	(6, '{{ ''2024-01-01T00:00:00.000Z''.toInt() }}', '{}', '1704067200000', 'derived: W expression-extension.ts isDate (date toInt, not string toInt)'),
	(6, '{{ ''2024-01-01T00:00:00.000Z''.isWeekend() }}', '{"timezone": "America/New_York"}', 'true', 'derived: W expression-extension.ts isDate (Sunday Dec 31 in New York)'),
	(6, '{{ ''2024-01-01T00:00:00.000Z''.toDateTime().toISO() }}', '{"timezone": "America/New_York"}', '"2024-01-01T00:00:00.000Z"', 'derived: W expression-extension.ts (toDateTime stays the string one)'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49'').beginningOf(''month'').toISO(), DateTime.fromISO(''2024-03-30T18:49'').beginningOf().toISO()] }}', '{}', '["2024-03-01T00:00:00.000Z", "2024-03-25T00:00:00.000Z"]', 'derived: W date-extensions.ts beginningOf (default week)'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49'').extract(''month''), DateTime.fromISO(''2024-03-30T18:49'').extract(''weekday''), DateTime.fromISO(''2024-03-30T18:49'').extract(''yearDayNumber''), DateTime.fromISO(''2024-03-30T18:49'').extract(''years'')] }}', '{}', '[3, 6, 90, 2024]', 'derived: W date-extensions.ts extract'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49'').plus(7, ''days'').toISODate(), DateTime.fromISO(''2024-03-30T18:49'').minus(4, ''years'').toISODate(), DateTime.fromISO(''2024-03-30T18:49'').plus(90, ''min'').toISO(), DateTime.fromISO(''2024-03-30T18:49'').plus(2).toISO()] }}', '{}', '["2024-04-06", "2020-03-30", "2024-03-30T20:19:00.000Z", "2024-03-30T18:49:00.002Z"]', 'derived: W date-extensions.ts plus/minus (n, unit), DURATION_MAP'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49'').isInLast(1, ''day''), $now.minus(5, ''minutes'').isInLast(10)] }}', '{}', '[false, true]', 'derived: W date-extensions.ts isInLast (default unit minutes)'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49'').toFloat(), DateTime.fromISO(''2024-03-30T18:49'').toBoolean(), DateTime.fromISO(''2024-03-30'').isEmpty(), DateTime.fromISO(''2024-03-30'').isNotEmpty()] }}', '{}', '[1711824540000, null, false, true]', 'derived: W date-extensions.ts toFloat, toBoolean, isEmpty'),
	(6, '{{ [DateTime.local(2024, 3, 30, 18, 49).toMillis(), DateTime.fromSeconds(1711824540, {zone: ''Asia/Tokyo''}).toISO(), DateTime.fromObject({year: 2024, month: 3}).toISO()] }}', '{}', '[1711824540000, "2024-03-31T03:49:00.000+09:00", "2024-03-01T00:00:00.000Z"]', 'derived: Luxon local, fromSeconds with a zone, fromObject'),
	(6, '{{ [DateTime.utc(2024, 3, 30).toISO(), DateTime.fromMillis(0).toISO()] }}', '{"timezone": "America/New_York"}', '["2024-03-30T00:00:00.000Z", "1969-12-31T19:00:00.000-05:00"]', 'derived: Luxon utc, fromMillis in the default zone'),
	(6, '{{ DateTime.fromISO(''2024-03-30T18:49'').toObject() }}', '{}', '{"year": 2024, "month": 3, "day": 30, "hour": 18, "minute": 49, "second": 0, "millisecond": 0}', 'derived: Luxon toObject'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49:07.5'').toSQL(), DateTime.fromISO(''2024-03-30T18:49'').toSQLDate(), DateTime.fromISO(''2024-03-30T18:49'').toISO({suppressMilliseconds: true}), DateTime.fromISO(''2024-03-30T18:49'').toISO({includeOffset: false}), DateTime.fromISO(''2024-03-30T18:49'').toISOWeekDate()] }}', '{}', '["2024-03-30 18:49:07.500 Z", "2024-03-30", "2024-03-30T18:49:00Z", "2024-03-30T18:49:00.000", "2024-W13-6"]', 'derived: Luxon toSQL, toISO options, toISOWeekDate'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49'').toHTTP(), DateTime.fromISO(''2024-03-30T18:49'').toRFC2822(), DateTime.fromISO(''2024-03-30T18:49'').toUTC().toISO()] }}', '{"timezone": "America/New_York"}', '["Sat, 30 Mar 2024 22:49:00 GMT", "Sat, 30 Mar 2024 18:49:00 -0400", "2024-03-30T22:49:00.000Z"]', 'derived: Luxon toHTTP, toRFC2822, toUTC'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49'').toLocaleString(DateTime.DATE_MED), DateTime.fromISO(''2024-03-30T18:49'').toLocaleString(), DateTime.fromISO(''2024-03-30T18:49'').weekdayLong, DateTime.fromISO(''2024-03-30T18:49'').monthShort] }}', '{}', '["Mar 30, 2024", "3/30/2024", "Saturday", "Mar"]', 'derived: Luxon toLocaleString (en-US), names'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49:00Z'').setZone(''UTC+5:30'').toISO(), DateTime.fromISO(''2024-03-30T18:49:00Z'').setZone(''UTC+5:30'').zoneName, DateTime.fromISO(''2024-03-30'').setZone(''Mars/Olympus'').invalidReason] }}', '{}', '["2024-03-31T00:19:00.000+05:30", "UTC+5:30", "unsupported zone"]', 'derived: Luxon setZone to a fixed offset, an unknown zone'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49'').set({hour: 0, minute: 0}).toISO(), DateTime.fromISO(''2024-03-30T18:49'').startOf(''quarter'').toISODate(), DateTime.fromISO(''2024-03-30T18:49'').endOf(''year'').toISO(), DateTime.fromISO(''2024-03-30T18:49'').get(''ordinal'')] }}', '{}', '["2024-03-30T00:00:00.000Z", "2024-01-01", "2024-12-31T23:59:59.999Z", 90]', 'derived: Luxon set, startOf quarter, endOf year, get'),
	(6, '{{ [DateTime.fromISO(''2024-03-30T18:49'').weekNumber, DateTime.fromISO(''2021-01-03'').weekYear, DateTime.fromISO(''2021-01-03'').weekNumber] }}', '{}', '[13, 2020, 53]', 'derived: Luxon ISO weeks'),
	(6, '{{ [DateTime.fromISO(''2024-01-01'').plus({years: 1e15}).isValid, DateTime.fromISO(''2024-01-01'').plus({days: 1e300}).isValid, DateTime.fromMillis(9e15).invalidReason, new Date(8.64e15 + 1).getTime()] }}', '{}', '[false, false, "Timestamp out of range", null]', 'derived: Luxon and ECMA-262 TimeClip: beyond +-8.64e15 ms a date is invalid, no error'),
	(6, '{{ DateTime.fromISO(''2024-01-01'').plus({years: 1e15}).toISO() }}', '{}', 'null', 'derived: Luxon (an invalid DateTime has no ISO text)'),
	(6, '{{ 1 }}', '{"timezone": "Mars/Olympus"}', '{"$error": "22023: setting \"timezone\" has unknown time zone \"Mars/Olympus\""}', 'derived: settings.timezone is checked when the workflow is saved'),
	(6, '{{ 1 }}', '{"timezone": "EST5EDT,M3.2.0,M11.1.0"}', '{"$error": "22023: setting \"timezone\" has unknown time zone"}', 'derived: settings.timezone takes zone names, not POSIX rules');

-- the builtins of issue 13 added last: new RegExp, JSON.stringify's
-- replacer and indent, JSON.parse's reviver, Array.from with a function
-- and array-likes, $jsonpath, $items
INSERT INTO pg_temp.cases (slice, expr, item, expected, source) VALUES
	(5, '={{ new RegExp("a+", "g").test("caat") }}', '{}', 'true', 'derived: ECMA-262 RegExp(pattern, flags)'),
	(5, '={{ "a.b.c".replace(new RegExp("\\.", "g"), "-") }}', '{}', '"a-b-c"', 'derived: ECMA-262 RegExp with an escaped dot'),
	(5, '={{ "x1y22".match(new RegExp("\\d+", "g")) }}', '{}', '["1", "22"]', 'derived: ECMA-262 String.prototype.match with a global RegExp'),
	(5, '={{ new RegExp("^" + $json.p + "$", "i").test("ABC") }}', '{"p": "abc"}', 'true', 'derived: ECMA-262 RegExp built at run time'),
	(5, '={{ new RegExp($json.p).test("q") }}', '{"p": "("}', 'null', 'derived: ECMA-262 RegExp: a SyntaxError, swallowed by n8n (PLAN 2.4)'),
	(5, '={{ new RegExp("a", "gg") }}', '{}', '{"$error": "invalid regular expression flags"}', 'derived: ECMA-262 RegExp: duplicate flags are a SyntaxError (literals: at save)'),
	(5, '={{ new RegExp("a", $json.f) }}', '{"f": "x"}', 'null', 'derived: ECMA-262 RegExp: unknown flag at run time, swallowed'),
	(5, '={{ [new RegExp(/ab/i).flags, new RegExp(/ab/i, "g").flags, new RegExp("ab", "mi").flags, new RegExp().source] }}', '{}', '["i", "g", "im", "(?:)"]', 'derived: ECMA-262 RegExp(regexp, flags), flags in canonical order'),
	(5, '={{ String(new RegExp("a+b", "g")) }}', '{}', '"/a+b/g"', 'derived: ECMA-262 RegExp.prototype.toString'),
	(5, '={{ "A-b_C".split(new RegExp("[-_]")) }}', '{}', '["A", "b", "C"]', 'derived: ECMA-262 split with a RegExp'),
	(3, '={{ JSON.stringify({a: 1, b: [1, 2], c: {a: 3, d: 4} }, ["a", "c", "a", 1]) }}', '{}', '"{\"a\":1,\"c\":{\"a\":3}}"', 'derived: ECMA-262 JSON.stringify with a replacer array (its order, each key once, nested objects too)'),
	(3, '={{ JSON.stringify({b: 2, a: 1}, ["a", "b"]) }}', '{}', '"{\"a\":1,\"b\":2}"', 'derived: ECMA-262 JSON.stringify: a replacer array orders the keys'),
	(3, '={{ JSON.stringify([{a: 1, b: 2}], ["b"]) }}', '{}', '"[{\"b\":2}]"', 'derived: ECMA-262 JSON.stringify: a replacer array filters objects inside arrays'),
	(4, '={{ JSON.stringify({a: 1, b: "x"}, (k, v) => typeof v === "number" ? v * 10 : v) }}', '{}', '"{\"a\":10,\"b\":\"x\"}"', 'derived: ECMA-262 JSON.stringify with a replacer function'),
	(4, '={{ JSON.stringify({a: 1, b: 2}, (k, v) => k === "a" ? undefined : v) }}', '{}', '"{\"b\":2}"', 'derived: ECMA-262 JSON.stringify: undefined from the replacer drops a member'),
	(4, '={{ JSON.stringify([1, 2], (k, v) => k === "0" ? undefined : v) }}', '{}', '"[null,2]"', 'derived: ECMA-262 JSON.stringify: undefined in an array is null'),
	(4, '={{ JSON.stringify({x: 1}, (k, v) => k === "" ? [k, v] : v) }}', '{}', '"[\"\",{\"x\":1}]"', 'derived: ECMA-262 JSON.stringify: the replacer is called first with key "" and the whole value'),
	(6, '={{ JSON.stringify({d: new Date(0)}, (k, v) => k === "d" ? typeof v : v) }}', '{}', '"{\"d\":\"string\"}"', 'derived: ECMA-262 JSON.stringify: toJSON before the replacer'),
	(4, '={{ JSON.stringify({a: 1}, (k, v) => v.nope.x) }}', '{}', 'null', 'derived: a TypeError in the replacer, swallowed (PLAN 2.4)'),
	(3, '={{ JSON.stringify({a: [1, {b: 2}]}, null, "\t") }}', '{}', '"{\n\t\"a\": [\n\t\t1,\n\t\t{\n\t\t\t\"b\": 2\n\t\t}\n\t]\n}"', 'derived: ECMA-262 JSON.stringify with a string indent'),
	(3, '={{ JSON.stringify([5], null, "abcdefghijklmn") }}', '{}', '"[\nabcdefghij5\n]"', 'derived: ECMA-262 JSON.stringify: a string indent is cut to 10'),
	(3, '={{ JSON.stringify({a: 1}, null, 20) }}', '{}', '"{\n          \"a\": 1\n}"', 'derived: ECMA-262 JSON.stringify: a number indent is at most 10'),
	(3, '={{ JSON.stringify({a: 1}, {}, 1) }}', '{}', '"{\n \"a\": 1\n}"', 'derived: ECMA-262 JSON.stringify: a replacer that is neither function nor array is ignored'),
	(4, '={{ JSON.parse(''{"a": 1, "b": [2, 3]}'', (k, v) => typeof v === "number" ? v + 1 : v) }}', '{}', '{"a": 2, "b": [3, 4]}', 'derived: ECMA-262 JSON.parse with a reviver'),
	(4, '={{ JSON.parse(''{"a": 1, "b": 2}'', (k, v) => k === "a" ? undefined : v) }}', '{}', '{"b": 2}', 'derived: ECMA-262 JSON.parse: undefined from the reviver deletes the member'),
	(4, '={{ JSON.parse(''[1, 2]'', (k, v) => k === "" ? v.length : v) }}', '{}', '2', 'derived: ECMA-262 JSON.parse: the reviver sees the whole value last, with key ""'),
	(4, '={{ Array.from({length: 5}, (_, i) => i * 2) }}', '{}', '[0, 2, 4, 6, 8]', 'derived: ECMA-262 Array.from of an array-like with a map function'),
	(4, '={{ Array.from("abc", c => c.toUpperCase()) }}', '{}', '["A", "B", "C"]', 'derived: ECMA-262 Array.from of a string with a map function'),
	(4, '={{ Array.from([1, 2], (x, i) => x + i) }}', '{}', '[1, 3]', 'derived: ECMA-262 Array.from: the function gets element and index'),
	(4, '={{ Array.from({length: 2}) }}', '{}', '[null, null]', 'derived: ECMA-262 Array.from({length: 2}) is [undefined, undefined] (null in JSON)'),
	(4, '={{ Array.from({length: 2, 0: "a", 1: "b"}) }}', '{}', '["a", "b"]', 'derived: ECMA-262 Array.from of an array-like with members'),
	(4, '={{ [Array.from({}), Array.from(5), Array.from({length: -3})] }}', '{}', '[[], [], []]', 'derived: ECMA-262 Array.from: no length, a number, a negative length'),
	(4, '={{ Array.from([1], 5) }}', '{}', 'null', 'derived: ECMA-262 Array.from: a map that is not callable is a TypeError, swallowed'),
	(4, '={{ Array.from({length: 1e9}) }}', '{}', '{"$error": "Array.from() would build more than 1000000 elements"}', 'derived: PLAN 6.4 (size cap, 54000)'),
	(1, '={{ $jsonpath($json, ''$.a[*] ? (@ > 1)'') }}', '{"a": [1, 2, 3]}', '2', 'derived: Reporunner $jsonpath: jsonb_path_query_first'),
	(1, '={{ $jsonpath($json, ''$.nope'') }}', '{"a": [1, 2, 3]}', 'null', 'derived: Reporunner $jsonpath: no match is undefined'),
	(1, '={{ $jsonpath($json.a, ''$.size()'') }}', '{"a": [1, 2, 3]}', '3', 'derived: Reporunner $jsonpath on a part of the item'),
	(1, '={{ $jsonpath($json, ''$.a[*] ? (@ > $min)'', {min: 2}) }}', '{"a": [1, 2, 3]}', '3', 'derived: Reporunner $jsonpath with variables'),
	(1, '={{ $jsonpath($json, ''strict $.x.y'') }}', '{"a": [1, 2, 3]}', 'null', 'derived: Reporunner $jsonpath is silent: a strict-mode error is no match'),
	(4, '={{ $jsonpath([1, {b: "x"}], ''$[1].b'') }}', '{}', '"x"', 'derived: Reporunner $jsonpath on a value the expression built'),
	(5, '={{ $jsonpath($json.s, ''$ like_regex "^a"'') }}', '{"s": "abc"}', 'true', 'derived: Reporunner $jsonpath with a predicate'),
	(1, '={{ $jsonpath($json, ''$.a['') }}', '{}', '{"$error": "syntax error at end of jsonpath input"}', 'derived: Reporunner $jsonpath: a literal path is checked at save'),
	(1, '={{ $jsonpath($json, "$." + "a[") }}', '{}', '{"$error": "42601"}', 'derived: Reporunner $jsonpath: a path built at run time fails the node'),
	(3, '={{ "Crème brûlée à Zürich".replaceSpecialChars() }}', '{}', '"Creme brulee a Zurich"', 'derived: W string-extensions.ts replaceSpecialChars (npm transliteration: diacritics dropped)'),
	(3, '={{ "Straße Ærø Łódź œuvre".replaceSpecialChars() }}', '{}', '"Strasse AEro Lodz oeuvre"', 'derived: W string-extensions.ts replaceSpecialChars (npm transliteration: ß ss, Æ AE, ø o, Ł L, œ oe)'),
	(3, '={{ "plain-ASCII_123 !?".replaceSpecialChars() }}', '{}', '"plain-ASCII_123 !?"', 'derived: W string-extensions.ts replaceSpecialChars (ASCII unchanged)');
INSERT INTO pg_temp.cases (slice, expr, item, fixture, at, expected, source) VALUES
	(1, '={{ $items("Rename").map(i => i.json.data) }}', '{"list": [{"initialName": 105}, {"initialName": 160}]}', 'base', 0, '[105, 160]', 'derived: W src/workflow-data-proxy.ts:1431-1449 ($items: the node''s output 0)'),
	(1, '={{ $items().length }}', '{"list": [{"initialName": 105}, {"initialName": 160}]}', 'base', 0, '2', 'derived: W src/workflow-data-proxy.ts:1431-1449 ($items() is the input items)'),
	(1, '={{ [$items("Function", 0).length, $items("Function", 0, 0)[1].json.initialName, $items("Function", 0, -1).length] }}', '{"list": [{"initialName": 105}, {"initialName": 160}]}', 'base', 0, '[2, 160, 2]', 'derived: W src/workflow-data-proxy.ts:1431-1449 (output and run index)'),
	(1, '={{ $items("Function", 0, 1) }}', '{"list": [{"initialName": 105}]}', 'base', 0, '{"$error": "Run 1 of node ''Function'' doesn''t exist"}', 'derived: Reporunner runs a node once per execution'),
	(1, '={{ $items("Nope") }}', '{"list": [{"initialName": 105}]}', 'base', 0, '{"$error": "Referenced node doesn''t exist"}', 'derived: W src/workflow-data-proxy.ts (node lookup)'),
	(1, '={{ [$item(1).$json.data, $item(2).$node["Function"].json.initialName, $item($itemIndex).$node["Rename"].json.data] }}', '{"list": [{"initialName": 105}, {"initialName": 160}, {"initialName": 121}]}', 'base', 1, '[160, 121, 160]', 'derived: W src/workflow-data-proxy.ts:1408-1426 ($item(i): the proxy of item i)'),
	(1, '={{ $item(9).$json }}', '{"list": [{"initialName": 105}]}', 'base', 0, 'null', 'derived: W src/workflow-data-proxy.ts:1408-1426 (no item 9: undefined)'),
	(1, '={{ $item(0) }}', '{"list": [{"initialName": 105}]}', 'base', 0, '{"$error": "$item(i) is only supported as $item(i).$json"}', 'derived: Reporunner: other uses of $item refused at save');

\set ECHO all

-- case_doc(c): the workflow of a case.  Without a fixture, Start -> E.
-- Fixture "base" is n8n's WorkflowDataProxy base fixture (PLAN.md 5): Start
-- -> Function (5 items {initialName}, all paired with input item 0) ->
-- Rename ({data}, item i paired with item i) -> E.  Fixture "multi": Start
-- -> Split (2 items) -> "Edit Fields" -> Agg (1 item from both) -> E, where
-- $('Edit Fields').item has two matches.
CREATE FUNCTION pg_temp.case_doc(c pg_temp.cases) RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'nodes', jsonb_build_array(jsonb_build_object('name', 'Start', 'type', 'trigger'))
			|| coalesce(f.nodes, '[]')
			|| jsonb_build_array(jsonb_build_object('name', 'E', 'type', 'set', 'params',
					jsonb_build_object('fields', jsonb_build_object('r', c.expr)))),
		'connections', (SELECT jsonb_agg(jsonb_build_object('from', n.a, 'to', n.b))
						FROM (SELECT x->>'name' AS b, lag(x->>'name') OVER (ORDER BY o) AS a
							  FROM jsonb_array_elements(jsonb_build_array(jsonb_build_object('name', 'Start'))
														|| coalesce(f.nodes, '[]')
														|| jsonb_build_array(jsonb_build_object('name', 'E')))
								   WITH ORDINALITY AS e(x, o)) AS n
						WHERE n.a IS NOT NULL),
		'settings', c.settings)
	FROM (SELECT CASE c.fixture
		WHEN 'base' THEN '[{"name": "Function", "type": "split_out", "params": {"field": "list"}},
						   {"name": "Rename", "type": "set", "params": {"rename": {"initialName": "data"}}}]'::jsonb
		WHEN 'multi' THEN '[{"name": "Split", "type": "split_out", "params": {"field": "list"}},
							{"name": "Edit Fields", "type": "set", "params": {"fields": {"seen": true}}},
							{"name": "Agg", "type": "aggregate", "params": {"aggregations": [{"op": "count"}]}}]'::jsonb
		END AS nodes) AS f
$$;

-- run_case(c): saves and runs the case; got is r of E's output item "at"
-- (or the array of r of every output item, for a case with items), or else
-- the error: SQLSTATE and message, and detail after " / ".
CREATE FUNCTION pg_temp.run_case(c pg_temp.cases, OUT got jsonb, OUT error text)
LANGUAGE plpgsql AS $$
DECLARE
	output jsonb;
	msg text;
	detail text;
BEGIN
	PERFORM reporunner.save_workflow('expr_cases', pg_temp.case_doc(c));
	-- not journaled unless the case's settings say so: a failed run is
	-- journaled apart, in a transaction that cannot see this workflow
	output := reporunner.execute('expr_cases', coalesce(c.items, jsonb_build_array(c.item)),
								 CASE WHEN c.settings ? 'save' THEN '{}' ELSE '{"save": "none"}' END::jsonb);
	IF c.items IS NULL THEN
		got := output->c.at->'r';
	ELSE
		SELECT jsonb_agg(o->'r' ORDER BY i) INTO got
		FROM jsonb_array_elements(output) WITH ORDINALITY AS e(o, i);
	END IF;
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
	error := SQLSTATE || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
END
$$;

CREATE TABLE pg_temp.results AS
	SELECT c.*, r.got, r.error,
		   CASE WHEN jsonb_typeof(c.expected) = 'object' AND c.expected ? '$error'
				THEN coalesce(strpos(lower(r.error), lower(c.expected->>'$error')) > 0, false)
				ELSE r.error IS NULL AND r.got IS NOT DISTINCT FROM c.expected
		   END AS passed
	FROM pg_temp.cases AS c, pg_temp.run_case(c) AS r
	WHERE c.slice IN (:slices);

-- per slice run: how many cases, how many pass
SELECT slice, count(*) AS cases, count(*) FILTER (WHERE passed) AS passed
FROM pg_temp.results GROUP BY slice ORDER BY slice;

-- the failing cases
SELECT id, expr, expected, coalesce(error, got::text, '(no r)') AS got, source
FROM pg_temp.results WHERE NOT passed ORDER BY id;

-- regular expressions run on PostgreSQL's engine, which polls for a cancel
-- or statement_timeout (PLAN.md 6.4): a match that backtracks over
-- back-references is ended by the timeout with its SQLSTATE, 57014
SELECT reporunner.save_workflow('expr_regex_timeout', jsonb_build_object(
	'nodes', jsonb_build_array(jsonb_build_object('name', 'Start', 'type', 'trigger'),
							   jsonb_build_object('name', 'E', 'type', 'set', 'params',
								   jsonb_build_object('fields', jsonb_build_object('r',
									   '{{ /^(a+)(a+)(a+)\3\2\1$/.test("a".repeat(401)) }}')))),
	'connections', jsonb_build_array(jsonb_build_object('from', 'Start', 'to', 'E')))) IS NOT NULL AS saved;
SET statement_timeout = '1s';
DO $$
BEGIN
	PERFORM reporunner.execute('expr_regex_timeout', '[{}]', '{"save": "none"}');
	RAISE NOTICE 'not cancelled';
EXCEPTION WHEN query_canceled THEN
	RAISE NOTICE 'cancelled: SQLSTATE %', SQLSTATE;
END
$$;
RESET statement_timeout;
-- $now is the execution's start: the same on every item and in every node
SELECT reporunner.save_workflow('expr_now', '{
	"nodes": [{"name": "Start", "type": "trigger"},
			  {"name": "A", "type": "set", "params": {"fields": {"a": "{{ $now.toMillis() }}"}}},
			  {"name": "B", "type": "set", "params": {"fields": {
				  "same": "{{ $json.a === $now.toMillis() && Date.now() === $now.toMillis() }}",
				  "n": "{{ $now.toMillis() }}"}}}],
	"connections": [{"from": "Start", "to": "A"}, {"from": "A", "to": "B"}]}') IS NOT NULL AS saved;
SELECT count(*) AS items, count(DISTINCT o->'n') AS nows, bool_and((o->'same')::bool) AS same
FROM jsonb_array_elements(reporunner.execute('expr_now', '[{}, {}, {}]', '{"save": "none"}')) AS o;
