/*-------------------------------------------------------------------------
 *
 * mappers.c
 *		The table of n8n node mappers: which n8n node types and versions
 *		import as which Reporunner node, which are refused and why, and
 *		which row exports each Reporunner type.
 *
 * A node type that is not listed has no Reporunner counterpart; one
 * listed with a refusal has, or will have, a different way to do it,
 * which the refusal names.  Adding a node: its mapper in a map_*.c file,
 * declared in mappers.h, and its row here (docs/n8n.md lists them).
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include "n8n/mappers.h"

#define NOT_YET "this node is not supported yet"

/* Imported only; imported and the export of a Reporunner type; refused */
#define IMPORTED(type, from, to, fn) \
	{.n8n_type = type, .min_version = from, .max_version = to, .import = fn}
#define BOTH_WAYS(type, from, to, fn, rr, back) \
	{.n8n_type = type, .min_version = from, .max_version = to, .import = fn, \
	 .rr_type = rr, .export = back}
#define REFUSED(type, why) {.n8n_type = type, .refusal = why}

#define NO_CODE "JavaScript code is not run: write it as a PL function and call it with a function node"

const RrN8nMapper rr_n8n_mappers[] = {
	BOTH_WAYS("manualTrigger", 1, 1, rr_n8n_import_manual_trigger,
			  "trigger", rr_n8n_export_trigger),
	IMPORTED("executeWorkflowTrigger", 1, 1.1, rr_n8n_import_workflow_trigger),
	IMPORTED("scheduleTrigger", 1, 1.2, rr_n8n_import_schedule_trigger),
	IMPORTED("webhook", 1, 2.1, rr_n8n_import_webhook),
	BOTH_WAYS("set", 1, 3.4, rr_n8n_import_set, "set", rr_n8n_export_set),
	BOTH_WAYS("if", 1, 2.2, rr_n8n_import_if, "if", rr_n8n_export_if),
	BOTH_WAYS("switch", 1, 3.2, rr_n8n_import_switch, "switch",
			  rr_n8n_export_switch),
	BOTH_WAYS("filter", 1, 2.2, rr_n8n_import_filter, "filter",
			  rr_n8n_export_filter),
	BOTH_WAYS("merge", 1, 3.2, rr_n8n_import_merge, "merge",
			  rr_n8n_export_merge),
	BOTH_WAYS("splitOut", 1, 1, rr_n8n_import_split_out, "split_out",
			  rr_n8n_export_split_out),
	BOTH_WAYS("aggregate", 1, 1, rr_n8n_import_aggregate, "aggregate",
			  rr_n8n_export_aggregate),
	BOTH_WAYS("summarize", 1, 1.1, rr_n8n_import_summarize, "summarize",
			  rr_n8n_export_summarize),
	BOTH_WAYS("limit", 1, 1, rr_n8n_import_limit, "limit", rr_n8n_export_limit),
	BOTH_WAYS("sort", 1, 1, rr_n8n_import_sort, "sort", rr_n8n_export_sort),
	BOTH_WAYS("removeDuplicates", 1, 2, rr_n8n_import_remove_duplicates,
			  "remove_duplicates", rr_n8n_export_remove_duplicates),
	IMPORTED("itemLists", 1, 3.1, rr_n8n_import_item_lists),
	BOTH_WAYS("renameKeys", 1, 1, rr_n8n_import_rename_keys, "rename_keys",
			  rr_n8n_export_rename_keys),
	BOTH_WAYS("compareDatasets", 1, 2.3, rr_n8n_import_compare_datasets,
			  "compare_datasets", rr_n8n_export_compare_datasets),
	BOTH_WAYS("dateTime", 1, 2, rr_n8n_import_date_time, "date_time",
			  rr_n8n_export_date_time),
	BOTH_WAYS("splitInBatches", 1, 3, rr_n8n_import_split_in_batches,
			  "split_in_batches", rr_n8n_export_split_in_batches),
	BOTH_WAYS("noOp", 1, 1, rr_n8n_import_noop, "noop", rr_n8n_export_noop),
	BOTH_WAYS("stopAndError", 1, 1, rr_n8n_import_stop_and_error,
			  "stop_and_error", rr_n8n_export_stop_and_error),
	BOTH_WAYS("wait", 1, 1.1, rr_n8n_import_wait, "wait", rr_n8n_export_wait),
	BOTH_WAYS("executeWorkflow", 1, 1.2, rr_n8n_import_execute_workflow,
			  "execute_workflow", rr_n8n_export_execute_workflow),
	BOTH_WAYS("httpRequest", 3, 4.2, rr_n8n_import_http, "http",
			  rr_n8n_export_http),
	{.n8n_type = "postgres", .min_version = 1, .max_version = 2.6,
		.import = rr_n8n_import_postgres, .rr_type = "sql",
	.export = rr_n8n_export_sql, .own_database = true},

	/* refused, with what to do instead */
	REFUSED("code", NO_CODE),
	REFUSED("function", NO_CODE),
	REFUSED("functionItem", NO_CODE),
	REFUSED("respondToWebhook", "there is no Respond to Webhook node: let the Webhook node respond immediately or when the last node finishes"),
	REFUSED("cron", "the old Cron node is not supported: replace it by a Schedule Trigger"),
	REFUSED("interval", "the old Interval node is not supported: replace it by a Schedule Trigger"),
};

const int	rr_n8n_mapper_count = sizeof(rr_n8n_mappers) / sizeof(rr_n8n_mappers[0]);
