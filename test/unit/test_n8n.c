/*-------------------------------------------------------------------------
 *
 * test_n8n.c
 *		Unit tests of the n8n translation (src/n8n), without a server: the
 *		workflows of test/n8n, a workflow of most node types, and the
 *		errors before any node is translated.  Prints TAP; `make valgrind`
 *		runs it under valgrind's leak checker.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n8n/bridge.h"
#include "n8n/n8n.h"

static int	tests = 0;
static int	failures = 0;

static void
check(int ok, const char *name)
{
	tests++;
	if (!ok)
		failures++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", tests, name);
}

static char *
slurp(const char *path)
{
	FILE	   *f = fopen(path, "rb");
	char	   *text;
	long		n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = malloc(n + 1);
	if (text == NULL || fread(text, 1, n, f) != (size_t) n)
	{
		free(text);
		fclose(f);
		return NULL;
	}
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Whether two JSON texts are the same JSON */
static int
same_json(const char *a, const char *b)
{
	json_t	   *ja = json_loads(a, JSON_DECODE_ANY, NULL);
	json_t	   *jb = json_loads(b, JSON_DECODE_ANY, NULL);
	int			same = ja != NULL && jb != NULL && json_equal(ja, jb);

	json_decref(ja);
	json_decref(jb);
	return same;
}

/*
 * Import a workflow, export what it became, import that again: the
 * problems of the first import, and whether the round trip gave the same
 * document.
 */
static void
round_trip(const char *name, const char *workflow, const char *options,
		   int problems)
{
	RrN8nOutcome first;
	char		label[200];

	rr_n8n_import_text(workflow, options, &first);
	snprintf(label, sizeof(label), "%s: %d problems on import", name, problems);
	check(first.error == RR_N8N_OK && first.nlines == problems, label);
	if (first.text != NULL)
	{
		RrN8nOutcome exported;
		RrN8nOutcome again;

		rr_n8n_export_text(first.text, name, &exported);
		snprintf(label, sizeof(label), "%s: exported to n8n", name);
		check(exported.text != NULL && exported.nlines == 0, label);
		rr_n8n_import_text(exported.text ? exported.text : "{}", options, &again);
		snprintf(label, sizeof(label), "%s: imported again, the same document", name);
		check(again.text != NULL && same_json(first.text, again.text), label);
		rr_n8n_outcome_free(&again);
		rr_n8n_outcome_free(&exported);
	}
	rr_n8n_outcome_free(&first);
}

/* The workflow of test/n8n/file, with the problems its refused nodes give */
static void
fixture(const char *file, int problems)
{
	char		path[200];
	char	   *text;

	snprintf(path, sizeof(path), "../n8n/%s", file);
	text = slurp(path);
	check(text != NULL, path);
	if (text != NULL)
		round_trip(file, text, "{}", problems);
	free(text);
}

static void
expect_error(const char *name, const char *workflow, const char *options,
			 RrN8nError error)
{
	RrN8nOutcome out;

	rr_n8n_import_text(workflow, options, &out);
	check(out.error == error && out.text == NULL && out.message != NULL, name);
	rr_n8n_outcome_free(&out);
}

static const char *mixed =
"{\"name\": \"mix\", \"nodes\": ["
"{\"name\": \"S\", \"type\": \"n8n-nodes-base.scheduleTrigger\", \"typeVersion\": 1.2, \"position\": [0, 0],"
" \"parameters\": {\"rule\": {\"interval\": [{\"field\": \"hours\", \"hoursInterval\": 2}]}}},"
"{\"name\": \"If\", \"type\": \"n8n-nodes-base.if\", \"typeVersion\": 2.2, \"position\": [200, 0],"
" \"parameters\": {\"conditions\": {\"options\": {\"caseSensitive\": true, \"typeValidation\": \"strict\"},"
" \"conditions\": [{\"leftValue\": \"={{ $json.n }}\", \"rightValue\": 3, \"operator\": {\"type\": \"number\", \"operation\": \"gt\"}},"
" {\"leftValue\": \"={{ $json.s }}\", \"operator\": {\"type\": \"string\", \"operation\": \"exists\", \"singleValue\": true}}],"
" \"combinator\": \"and\"}, \"options\": {}}},"
"{\"name\": \"Sw\", \"type\": \"n8n-nodes-base.switch\", \"typeVersion\": 3.2, \"position\": [400, 0],"
" \"parameters\": {\"rules\": {\"values\": [{\"conditions\": {\"conditions\": [{\"leftValue\": \"={{ $json.c }}\", \"rightValue\": \"DE\","
" \"operator\": {\"type\": \"string\", \"operation\": \"equals\"}}], \"combinator\": \"and\", \"options\": {}},"
" \"renameOutput\": true, \"outputKey\": \"de\"}]}, \"options\": {\"fallbackOutput\": \"extra\"}}},"
"{\"name\": \"H\", \"type\": \"n8n-nodes-base.httpRequest\", \"typeVersion\": 4.2, \"position\": [600, 0],"
" \"parameters\": {\"method\": \"POST\", \"url\": \"=https://x/{{ $json.id }}\", \"sendBody\": true, \"specifyBody\": \"json\","
" \"jsonBody\": \"={{ { a: 1 } }}\", \"options\": {\"timeout\": 1000, \"batching\": {\"batch\": {\"batchSize\": 2, \"batchInterval\": 100}}}}},"
"{\"name\": \"P\", \"type\": \"n8n-nodes-base.postgres\", \"typeVersion\": 2.5, \"position\": [600, 200],"
" \"parameters\": {\"operation\": \"executeQuery\", \"query\": \"select $1\", \"options\": {\"queryReplacement\": \"={{ $json.a }}\"}},"
" \"credentials\": {\"postgres\": {\"id\": \"1\"}}},"
"{\"name\": \"E\", \"type\": \"n8n-nodes-base.executeWorkflow\", \"typeVersion\": 1.2, \"position\": [800, 0],"
" \"parameters\": {\"workflowId\": {\"__rl\": true, \"value\": \"sub\"}, \"mode\": \"each\"}},"
"{\"name\": \"W\", \"type\": \"n8n-nodes-base.wait\", \"typeVersion\": 1.1, \"position\": [800, 200], \"parameters\": {\"amount\": 2, \"unit\": \"days\"}},"
"{\"name\": \"M\", \"type\": \"n8n-nodes-base.merge\", \"typeVersion\": 3, \"position\": [1000, 0],"
" \"parameters\": {\"mode\": \"combine\", \"combineBy\": \"combineByFields\", \"fieldsToMatchString\": \"id\", \"joinMode\": \"enrichInput1\"}},"
"{\"name\": \"Set\", \"type\": \"n8n-nodes-base.set\", \"typeVersion\": 3.4, \"position\": [1200, 0], \"retryOnFail\": true,"
" \"onError\": \"continueErrorOutput\", \"parameters\": {\"assignments\": {\"assignments\": [{\"name\": \"o\", \"value\": \"{\\\"k\\\": 1}\", \"type\": \"object\"},"
" {\"name\": \"f\", \"value\": 0.1, \"type\": \"number\"}]}, \"includeOtherFields\": true, \"include\": \"except\", \"excludeFields\": \"a,b\"}},"
"{\"name\": \"Sum\", \"type\": \"n8n-nodes-base.summarize\", \"typeVersion\": 1.1, \"position\": [1400, 0],"
" \"parameters\": {\"fieldsToSummarize\": {\"values\": [{\"aggregation\": \"concatenate\", \"field\": \"x\", \"separateBy\": \", \"}]},"
" \"fieldsToSplitBy\": \"g\", \"options\": {}}}],"
"\"connections\": {\"S\": {\"main\": [[{\"node\": \"If\", \"type\": \"main\", \"index\": 0}]]},"
" \"If\": {\"main\": [[{\"node\": \"Sw\", \"type\": \"main\", \"index\": 0}], [{\"node\": \"M\", \"type\": \"main\", \"index\": 1}]]},"
" \"Sw\": {\"main\": [[{\"node\": \"H\", \"type\": \"main\", \"index\": 0}], [{\"node\": \"M\", \"type\": \"main\", \"index\": 0}]]},"
" \"Set\": {\"main\": [[{\"node\": \"Sum\", \"type\": \"main\", \"index\": 0}], [{\"node\": \"W\", \"type\": \"main\", \"index\": 0}]]}},"
"\"settings\": {\"timezone\": \"Europe/Oslo\", \"executionTimeout\": 60}, \"pinData\": {\"S\": [{\"json\": {\"a\": 1}}]}}";

int
main(void)
{
	int			i;
	int			j;

	fixture("limit.json", 0);
	fixture("sort.json", 1);
	fixture("splitOut.json", 0);
	fixture("splitOutObject.json", 0);
	fixture("aggregate.json", 0);
	fixture("removeDuplicates.json", 0);
	fixture("summarize.json", 0);
	fixture("summarizeDatatypes.json", 0);
	fixture("itemListsSort.json", 1);
	fixture("itemListsSummarize.json", 0);
	fixture("itemListsRemoveDuplicates.json", 0);
	fixture("itemListsSplitOut.json", 0);
	fixture("dateTime_includeInputFields.json", 0);
	fixture("dateTime_timestamp.json", 0);
	fixture("dateTime_extractTimezone.json", 0);
	fixture("dateTime_nullDate.json", 0);
	fixture("dateTime.json", 0);
	round_trip("most node types", mixed, "{\"workflows\": {\"sub\": \"sub\"}}", 0);
	/* make bench-n8n's workflows: Webhook nodes, Edit Fields, If */
	fixture("../bench/n8n/workflows/webhook_set.json", 0);
	fixture("../bench/n8n/workflows/webhook_if.json", 0);
	fixture("../bench/n8n/workflows/webhook_set_chain.json", 0);
	round_trip("a Webhook node with what the listener cannot do",
			   "{\"nodes\": [{\"name\": \"W\", \"type\": \"n8n-nodes-base.webhook\", \"typeVersion\": 2,"
			   " \"parameters\": {\"path\": \"a/:id\", \"httpMethod\": \"PUT\", \"responseMode\": \"lastNode\","
			   " \"responseData\": \"noData\", \"options\": {\"rawBody\": true, \"x\": 1}}}]}",
			   "{}", 5);

	expect_error("an unknown option", "{\"nodes\": []}", "{\"x\": 1}",
				 RR_N8N_UNKNOWN_OPTION);
	expect_error("an option of the wrong type", "{\"nodes\": []}",
				 "{\"pin_data\": 1}", RR_N8N_OPTION_TYPE);
	expect_error("options that are not an object", "{\"nodes\": []}", "[]",
				 RR_N8N_OPTION_TYPE);
	expect_error("an integer beyond 64 bits", "{\"nodes\": [], \"n\": 123456789012345678901234567890}",
				 "{}", RR_N8N_UNREADABLE);

	/* the table: one row exports each Reporunner type, refusals say why */
	for (i = 0; i < rr_n8n_mapper_count; i++)
	{
		int			twice = 0;

		for (j = i + 1; j < rr_n8n_mapper_count; j++)
			if (rr_n8n_mappers[i].rr_type && rr_n8n_mappers[j].rr_type &&
				strcmp(rr_n8n_mappers[i].rr_type, rr_n8n_mappers[j].rr_type) == 0)
				twice = 1;
		if (twice || (rr_n8n_mappers[i].import == NULL) != (rr_n8n_mappers[i].refusal != NULL) ||
			(rr_n8n_mappers[i].rr_type == NULL) != (rr_n8n_mappers[i].export == NULL))
			break;
	}
	check(i == rr_n8n_mapper_count,
		  "every mapper row imports or refuses, and exports a type of its own or none");

	printf("1..%d\n", tests);
	return failures > 0;
}
