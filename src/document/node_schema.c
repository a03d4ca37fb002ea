/*-------------------------------------------------------------------------
 *
 * node_schema.c
 *		The table of workflow node types: their params, outputs and inputs.
 *
 * validate.c checks every node's params against the RrFieldSpec table of
 * its type, and asks the functions at the end of this file for a node's
 * outputs and input count.  The types are those of node_types.h; each
 * has its param table and its RR_SCHEMA_<type> entry here.
 *
 * Plain C on top of jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "document.h"
#include "condition_ops.h"
#include "node_schema.h"
#include "node_types.h"

/* Longest SQL identifier, in bytes (PostgreSQL's NAMEDATALEN - 1). */
#define RR_IDENTIFIER_LEN	63

static bool is_sqlstate(const char *text, size_t len);
static bool is_function_name(const char *text, size_t len);
static size_t identifier_end(const char *text, size_t len, size_t start);


/* ---------- Choice lists ---------- */

static const char *const main_output[] = {"main", NULL};
static const char *const if_outputs[] = {"true", "false", NULL};
static const char *const switch_outputs[] = {"fallback", NULL};
static const char *const no_outputs[] = {NULL};
static const char *const split_in_batches_outputs[] = {"done", "loop", NULL};
static const char *const compare_outputs[] = {"in_a_only", "same",
"different", "in_b_only", NULL};

static const char *const switch_modes[] = {"first", "all", NULL};
static const char *const merge_modes[] = {"append", "by_key", "by_position",
"cross_join", "choose_branch", NULL};
static const char *const merge_by_key[] = {"by_key", NULL};
static const char *const merge_joins[] = {"inner", "left", "right", "outer",
"anti", NULL};
static const char *const merge_from[] = {"both", "input1", "input2", NULL};
static const char *const merge_matches[] = {"all", "first", NULL};
static const char *const merge_clashes[] = {"prefer_last", "add_suffix",
	"prefer_input1", "prefer_input2", "prefer_input3", "prefer_input4",
	"prefer_input5", "prefer_input6", "prefer_input7", "prefer_input8",
"prefer_input9", "prefer_input10", NULL};
static const char *const merge_merge_modes[] = {"shallow", "deep", NULL};
static const char *const set_includes[] = {"all", "none", "selected",
"except", NULL};
static const char *const set_types[] = {"string", "number", "boolean",
"array", "object", NULL};
static const char *const aggregate_ops[] = {"collect", "count",
	"count_distinct", "sum", "min", "max", "avg", "first", "last", "concat",
"items", NULL};
static const char *const aggregate_no_field[] = {"count", "items", NULL};
static const char *const summarize_ops[] = {"append", "average",
	"concatenate", "count", "count_unique", "max", "min", "sum", NULL};
static const char *const limit_ends[] = {"start", "end", NULL};
static const char *const sort_orders[] = {"asc", "desc", NULL};
static const char *const dedup_scopes[] = {"input", "workflow", NULL};
static const char *const run_modes[] = {"per_item", "once", NULL};
static const char *const call_modes[] = {"wait", "fire_and_forget", NULL};
static const char *const http_methods[] = {"GET", "POST", "PUT", "PATCH",
"DELETE", "HEAD", NULL};
static const char *const http_body_types[] = {"json", "form", "raw",
"multipart", "file", NULL};
static const char *const http_page_places[] = {"query", "body", NULL};
static const char *const http_responses[] = {"json", "text", "binary", "xml",
"file", NULL};


/* ---------- Item specs shared by several params ---------- */

static const RrFieldSpec any_string = {.type = RR_FIELD_STRING};


/* ---------- Param tables, one per node type ---------- */

static const RrFieldSpec no_params[] = {
	{NULL}
};

static const RrFieldSpec set_type = {
	.type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL, .choices = set_types
};

static const RrFieldSpec set_params[] = {
	{.name = "fields", .type = RR_FIELD_OBJECT},
	{.name = "rename", .type = RR_FIELD_OBJECT, .items = &any_string},
	{.name = "remove", .type = RR_FIELD_ARRAY, .items = &any_string},
	{.name = "keep_only", .type = RR_FIELD_BOOLEAN},
	{.name = "include", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = set_includes},
	{.name = "include_fields", .type = RR_FIELD_ARRAY, .items = &any_string},
	{.name = "dot_notation", .type = RR_FIELD_BOOLEAN, .flags = RR_FIELD_LITERAL},
	{.name = "types", .type = RR_FIELD_OBJECT, .flags = RR_FIELD_LITERAL,
	.items = &set_type},
	{.name = "ignore_conversion_errors", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL},
	{NULL}
};

/* ---------- n8n's filter conditions ("conditions") ---------- */

#define CONDITION_NAME(name) #name,
#define CONDITION_OPS_LIST(type) \
static const char *const condition_ops_##type[] = { \
	RR_CONDITION_OPS_##type(CONDITION_NAME) NULL \
};
RR_CONDITION_TYPES(CONDITION_OPS_LIST)

static const char *const condition_types[] = {
	RR_CONDITION_TYPES(CONDITION_NAME) NULL
};
static const char *const condition_combinators[] = {"and", "or", NULL};
static const char *const condition_validations[] = {"strict", "loose", NULL};

/*
 * condition_operations
 *		The operations a condition's operator may have: those of its type
 *		(NULL when the type is not valid, which check_object reports).
 */
static const char *const *
condition_operations(const json_t *operator)
{
	const char *type = json_string_value(json_object_get(operator, "type"));

#define CONDITION_OPS_OF(t) \
	if (type != NULL && strcmp(type, #t) == 0) \
		return condition_ops_##t;
	RR_CONDITION_TYPES(CONDITION_OPS_OF)
	return NULL;
}

static const RrFieldSpec condition_operator_fields[] = {
	{.name = "type", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED,
	.choices = condition_types},
	{.name = "operation", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED,
	.choices_by = condition_operations},
	{NULL}
};

static const RrFieldSpec condition_rule_fields[] = {
	{.name = "left", .type = RR_FIELD_ANY, .flags = RR_FIELD_REQUIRED},
	{.name = "right", .type = RR_FIELD_ANY},
	{.name = "operator", .type = RR_FIELD_OBJECT,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.fields = condition_operator_fields,
		.hint = "The operator is fixed when the workflow is saved; only "
	"\"left\" and \"right\" are computed per item."},
	{NULL}
};

static const RrFieldSpec condition_rule = {
	.type = RR_FIELD_OBJECT, .flags = RR_FIELD_STATIC,
	.fields = condition_rule_fields
};

#define CONDITIONS_OPTION_HINT \
	"How conditions combine and compare is fixed when the workflow is " \
	"saved; only \"left\" and \"right\" are computed per item."

static const RrFieldSpec conditions_fields[] = {
	{.name = "combinator", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = condition_combinators, .hint = CONDITIONS_OPTION_HINT},
	{.name = "case_sensitive", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = CONDITIONS_OPTION_HINT},
	{.name = "type_validation", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_LITERAL, .choices = condition_validations,
	.hint = CONDITIONS_OPTION_HINT},
	{.name = "rules", .type = RR_FIELD_ARRAY,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_STATIC,
	.has_min = true, .min = 1, .has_max = true, .max = 100,
	.items = &condition_rule},
	{NULL}
};

static const char *const condition_one_of[] = {"condition", "conditions",
NULL};

static const RrFieldSpec condition_params[] = {
	{.name = "condition", .type = RR_FIELD_CONDITION},
	{.name = "conditions", .type = RR_FIELD_OBJECT, .flags = RR_FIELD_STATIC,
	.fields = conditions_fields},
	{NULL}
};

static const RrFieldSpec switch_rule_fields[] = {
	{.name = "condition", .type = RR_FIELD_CONDITION},
	{.name = "conditions", .type = RR_FIELD_OBJECT, .flags = RR_FIELD_STATIC,
	.fields = conditions_fields},
	{.name = "output", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
		.has_min = true, .min = 1, .has_max = true, .max = RR_OUTPUT_NAME_LEN,
		.hint = "Output names are part of the workflow graph, so they cannot "
	"be computed from data."},
	{NULL}
};

/* an HTTP error status */
static const RrFieldSpec http_status = {
	.type = RR_FIELD_INTEGER, .has_min = true, .min = 400, .has_max = true,
	.max = 599
};

/* A rule names an output, so it cannot be computed at run time. */
static const RrFieldSpec switch_rule = {
	.type = RR_FIELD_OBJECT, .flags = RR_FIELD_STATIC,
	.fields = switch_rule_fields, .one_of = condition_one_of
};

static const RrFieldSpec switch_params[] = {
	{.name = "rules", .type = RR_FIELD_ARRAY,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_STATIC,
	.has_min = true, .min = 1, .has_max = true, .max = 64, .items = &switch_rule},
	{.name = "mode", .type = RR_FIELD_STRING, .choices = switch_modes},
	{.name = "fallback", .type = RR_FIELD_BOOLEAN},
	{NULL}
};

static const RrFieldSpec merge_params[] = {
	{.name = "mode", .type = RR_FIELD_STRING, .choices = merge_modes},
	{.name = "inputs", .type = RR_FIELD_INTEGER, .flags = RR_FIELD_STATIC,
	.has_min = true, .min = 2, .has_max = true, .max = 10, .default_int = 2},
	{.name = "key", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
		.has_min = true, .min = 1,
		.required_if = {.field = "mode", .values = merge_by_key},
		.hint = "Key fields are fixed when the workflow is saved; the items' "
	"values are compared at run time."},
	{.name = "right_key", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
		.has_min = true, .min = 1,
		.hint = "Key fields are fixed when the workflow is saved; the items' "
	"values are compared at run time."},
	{.name = "join", .type = RR_FIELD_STRING, .choices = merge_joins},
	{.name = "output_from", .type = RR_FIELD_STRING, .choices = merge_from},
	{.name = "multiple_matches", .type = RR_FIELD_STRING,
	.choices = merge_matches},
	{.name = "dot_notation", .type = RR_FIELD_BOOLEAN, .flags = RR_FIELD_LITERAL},
	{.name = "clash", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = merge_clashes},
	{.name = "merge_mode", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = merge_merge_modes},
	{.name = "override_empty", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL},
	{.name = "include_unpaired", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL},
	{.name = "empty_item", .type = RR_FIELD_BOOLEAN, .flags = RR_FIELD_LITERAL},
	{.name = "branch", .type = RR_FIELD_INTEGER, .has_min = true, .min = 0,
	.below = "inputs"},
	{NULL}
};

static const RrFieldSpec split_out_params[] = {
	{.name = "field", .type = RR_FIELD_STRING},
	{.name = "fields", .type = RR_FIELD_ARRAY, .has_min = true, .min = 1,
	.items = &any_string},
	{.name = "keep_fields", .type = RR_FIELD_BOOLEAN},
	{.name = "include_fields", .type = RR_FIELD_ARRAY, .has_min = true,
	.min = 1, .items = &any_string},
	{.name = "destination", .type = RR_FIELD_STRING},
	{.name = "destinations", .type = RR_FIELD_ARRAY, .items = &any_string},
	{.name = "dot_notation", .type = RR_FIELD_BOOLEAN,
		.flags = RR_FIELD_LITERAL,
	.hint = "How names are read is fixed when the workflow is saved."},
	{NULL}
};

static const char *const split_out_one_of[] = {"field", "fields", NULL};

static const RrParamRule split_out_rules[] = {
	{.param = "include_fields", .excludes = "keep_fields"},
	{.param = "destination", .excludes = "fields"},
	{.param = "destinations", .needs = {"fields"}},
	{NULL}
};

static const RrFieldSpec aggregation_fields[] = {
	{.name = "op", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED,
	.choices = aggregate_ops},
	{.name = "field", .type = RR_FIELD_STRING,
		.required_if = {.field = "op", .values = aggregate_no_field,
	.negate = true}},
	{.name = "as", .type = RR_FIELD_STRING},
	{.name = "skip_nulls", .type = RR_FIELD_BOOLEAN},
	{.name = "merge_lists", .type = RR_FIELD_BOOLEAN},
	{.name = "include_fields", .type = RR_FIELD_ARRAY, .items = &any_string},
	{.name = "exclude_fields", .type = RR_FIELD_ARRAY, .items = &any_string},
	{NULL}
};

static const RrFieldSpec aggregation = {
	.type = RR_FIELD_OBJECT, .fields = aggregation_fields
};

static const RrFieldSpec aggregate_params[] = {
	{.name = "group_by", .type = RR_FIELD_ARRAY, .items = &any_string},
	{.name = "aggregations", .type = RR_FIELD_ARRAY,
		.flags = RR_FIELD_REQUIRED, .has_min = true, .min = 1,
	.items = &aggregation},
	{.name = "dot_notation", .type = RR_FIELD_BOOLEAN,
		.flags = RR_FIELD_LITERAL,
	.hint = "How names are read is fixed when the workflow is saved."},
	{NULL}
};

static const RrFieldSpec summarization_fields[] = {
	{.name = "op", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED,
	.choices = summarize_ops},
	{.name = "field", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED},
	{.name = "include_empty", .type = RR_FIELD_BOOLEAN},
	{.name = "separator", .type = RR_FIELD_STRING},
	{NULL}
};

static const RrFieldSpec summarization = {
	.type = RR_FIELD_OBJECT, .fields = summarization_fields
};

#define SUMMARIZE_HINT \
	"How the node groups and writes its output is fixed when the workflow " \
	"is saved."

static const RrFieldSpec summarize_params[] = {
	{.name = "split_by", .type = RR_FIELD_ARRAY, .items = &any_string},
	{.name = "aggregations", .type = RR_FIELD_ARRAY,
		.flags = RR_FIELD_REQUIRED, .has_min = true, .min = 1,
	.items = &summarization},
	{.name = "single_item", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = SUMMARIZE_HINT},
	{.name = "skip_empty_groups", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = SUMMARIZE_HINT},
	{.name = "typed_groups", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = SUMMARIZE_HINT},
	{.name = "ignore_missing", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = SUMMARIZE_HINT},
	{.name = "dot_notation", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = SUMMARIZE_HINT},
	{NULL}
};

/* rename_keys: paths computed per item; patterns fixed at save */
static const RrFieldSpec rename_key_fields[] = {
	{.name = "from", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED,
	.has_min = true, .min = 1},
	{.name = "to", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED,
	.has_min = true, .min = 1},
	{NULL}
};

static const RrFieldSpec rename_key = {
	.type = RR_FIELD_OBJECT, .fields = rename_key_fields
};

#define RENAME_REGEX_HINT \
	"Regular expressions are compiled when the workflow is saved, so they " \
	"cannot be computed from data."

static const RrFieldSpec rename_regex_fields[] = {
	{.name = "pattern", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.has_min = true, .min = 1, .has_max = true, .max = 10240,
	.hint = RENAME_REGEX_HINT},
	{.name = "replacement", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.hint = RENAME_REGEX_HINT},
	{.name = "case_insensitive", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = RENAME_REGEX_HINT},
	{.name = "depth", .type = RR_FIELD_INTEGER, .flags = RR_FIELD_LITERAL,
		.has_min = true, .min = -1, .has_max = true, .max = 1000,
	.default_int = -1, .hint = RENAME_REGEX_HINT},
	{NULL}
};

static const RrFieldSpec rename_regex = {
	.type = RR_FIELD_OBJECT, .flags = RR_FIELD_STATIC,
	.fields = rename_regex_fields
};

static const RrFieldSpec rename_keys_params[] = {
	{.name = "keys", .type = RR_FIELD_ARRAY, .items = &rename_key},
	{.name = "regex", .type = RR_FIELD_ARRAY, .flags = RR_FIELD_STATIC,
	.has_max = true, .max = 100, .items = &rename_regex},
	{NULL}
};

/* compare_datasets: everything fixed at save, as n8n reads it once */
static const char *const compare_resolves[] = {"include_both", "prefer_a",
"prefer_b", "mix", NULL};
static const char *const compare_prefers[] = {"a", "b", NULL};
static const char *const compare_matches[] = {"first", "all", NULL};

#define COMPARE_HINT \
	"How items are paired and compared is fixed when the workflow is " \
	"saved; the items' values are compared at run time."

static const RrFieldSpec compare_field_pair_fields[] = {
	{.name = "a", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
	.has_min = true, .min = 1, .hint = COMPARE_HINT},
	{.name = "b", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
	.has_min = true, .min = 1, .hint = COMPARE_HINT},
	{NULL}
};

static const RrFieldSpec compare_field_pair = {
	.type = RR_FIELD_OBJECT, .flags = RR_FIELD_STATIC,
	.fields = compare_field_pair_fields
};

static const RrFieldSpec literal_string = {
	.type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL, .has_min = true,
	.min = 1, .hint = COMPARE_HINT
};

static const RrFieldSpec compare_datasets_params[] = {
	{.name = "fields", .type = RR_FIELD_ARRAY,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_STATIC,
		.has_min = true, .min = 1, .has_max = true, .max = 100,
	.items = &compare_field_pair},
	{.name = "resolve", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = compare_resolves, .hint = COMPARE_HINT},
	{.name = "prefer", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = compare_prefers, .hint = COMPARE_HINT},
	{.name = "except", .type = RR_FIELD_ARRAY, .flags = RR_FIELD_STATIC,
	.items = &literal_string},
	{.name = "skip_fields", .type = RR_FIELD_ARRAY, .flags = RR_FIELD_STATIC,
	.items = &literal_string},
	{.name = "fuzzy_compare", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = COMPARE_HINT},
	{.name = "dot_notation", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = COMPARE_HINT},
	{.name = "multiple_matches", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_LITERAL, .choices = compare_matches,
	.hint = COMPARE_HINT},
	{NULL}
};

static const RrFieldSpec limit_params[] = {
	{.name = "max", .type = RR_FIELD_INTEGER, .flags = RR_FIELD_REQUIRED,
	.has_min = true, .min = 0},
	{.name = "from", .type = RR_FIELD_STRING, .choices = limit_ends},
	{NULL}
};

static const RrFieldSpec split_in_batches_params[] = {
	{.name = "batch_size", .type = RR_FIELD_INTEGER, .has_min = true, .min = 1},
	{.name = "reset", .type = RR_FIELD_BOOLEAN},
	{NULL}
};

static const RrFieldSpec sort_key_fields[] = {
	{.name = "field", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED},
	{.name = "order", .type = RR_FIELD_STRING, .choices = sort_orders},
	{NULL}
};

static const RrFieldSpec sort_key = {
	.type = RR_FIELD_OBJECT, .fields = sort_key_fields
};

static const RrFieldSpec sort_params[] = {
	{.name = "by", .type = RR_FIELD_ARRAY, .has_min = true, .min = 1,
	.items = &sort_key},
	{.name = "random", .type = RR_FIELD_BOOLEAN, .flags = RR_FIELD_LITERAL},
	{.name = "dot_notation", .type = RR_FIELD_BOOLEAN,
		.flags = RR_FIELD_LITERAL,
	.hint = "How names are read is fixed when the workflow is saved."},
	{NULL}
};

static const char *const sort_one_of[] = {"by", "random", NULL};

static const RrFieldSpec remove_duplicates_params[] = {
	{.name = "fields", .type = RR_FIELD_ARRAY, .items = &any_string},
	{.name = "except_fields", .type = RR_FIELD_ARRAY, .has_min = true,
	.min = 1, .items = &any_string},
	{.name = "scope", .type = RR_FIELD_STRING, .choices = dedup_scopes},
	{.name = "remove_other_fields", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL},
	{.name = "strict_fields", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL},
	{.name = "dot_notation", .type = RR_FIELD_BOOLEAN,
		.flags = RR_FIELD_LITERAL,
	.hint = "How names are read is fixed when the workflow is saved."},
	{NULL}
};

static const RrParamRule remove_duplicates_rules[] = {
	{.param = "except_fields", .excludes = "fields"},
	{NULL}
};

static const RrFieldSpec stop_and_error_params[] = {
	{.name = "message", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED},
	{.name = "code", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
		.valid = is_sqlstate,
		.valid_rule = "a SQLSTATE of five digits or upper-case letters",
		.hint = "Use a code such as \"P0001\"; it is fixed when the workflow "
	"is saved, so put data in \"message\" instead."},
	{NULL}
};

static const RrFieldSpec sql_params[] = {
	{.name = "query", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.has_min = true, .min = 1,
		.hint = "Pass values through \"args\" instead; the query text is "
	"never built from data."},
	{.name = "args", .type = RR_FIELD_ARRAY},
	{.name = "mode", .type = RR_FIELD_STRING, .choices = run_modes},
	{NULL}
};

static const RrFieldSpec function_params[] = {
	{.name = "function", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.valid = is_function_name, .valid_rule = "a function name",
		.hint = "Use a name such as \"my_function\" or "
		"\"my_schema.my_function\"; the function to call is fixed when the "
	"workflow is saved."},
	{.name = "mode", .type = RR_FIELD_STRING, .choices = run_modes},
	{NULL}
};

static const RrFieldSpec notify_params[] = {
	{.name = "channel", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.has_min = true, .min = 1, .has_max = true, .max = RR_IDENTIFIER_LEN,
		.hint = "The channel is fixed when the workflow is saved; put data "
	"in \"payload\" instead."},
	{.name = "payload", .type = RR_FIELD_ANY},
	{NULL}
};

/* wait: one of for, until, resume (checked when the plan is built) */
static const char *const wait_modes[] = {"for", "until", "resume", NULL};

static const RrFieldSpec wait_params[] = {
	{.name = "for", .type = RR_FIELD_DURATION, .flags = RR_FIELD_POSITIVE},
	{.name = "until", .type = RR_FIELD_STRING},
	{.name = "resume", .type = RR_FIELD_BOOLEAN},
	{.name = "timeout", .type = RR_FIELD_DURATION, .flags = RR_FIELD_POSITIVE},
	{NULL}
};

static const RrFieldSpec execute_workflow_params[] = {
	{.name = "workflow", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.has_min = true, .min = 1,
		.hint = "The workflow to call is fixed when the workflow is saved; "
	"pass data to it through \"input\"."},
	{.name = "owner", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
		.has_min = true, .min = 1, .has_max = true, .max = RR_IDENTIFIER_LEN,
		.hint = "Name the role that owns a workflow shared with this "
	"workflow's owner."},
	{.name = "version", .type = RR_FIELD_INTEGER, .flags = RR_FIELD_STATIC,
	.has_min = true, .min = 1},
	{.name = "mode", .type = RR_FIELD_STRING, .choices = call_modes},
	{.name = "per_item", .type = RR_FIELD_BOOLEAN, .flags = RR_FIELD_STATIC},
	{.name = "input", .type = RR_FIELD_ANY},
	{NULL}
};

/*
 * Params the http node and the connector node share: how a transfer goes,
 * the proxy, pacing, the credential (a name: at most RR_MAX_NAME_BYTES),
 * the most pages.
 */
#define HTTP_TRANSFER_PARAMS \
	{.name = "timeout", .type = RR_FIELD_DURATION, \
	.flags = RR_FIELD_POSITIVE | RR_FIELD_STATIC}, \
	{.name = "connect_timeout", .type = RR_FIELD_DURATION, \
	.flags = RR_FIELD_POSITIVE | RR_FIELD_STATIC}, \
	{.name = "max_redirects", .type = RR_FIELD_INTEGER, \
		.flags = RR_FIELD_STATIC, .has_min = true, .min = 0, \
	.has_max = true, .max = 20, .default_int = 5}, \
	{.name = "verify_tls", .type = RR_FIELD_BOOLEAN, .flags = RR_FIELD_STATIC}
#define HTTP_PROXY_PARAM \
	{.name = "proxy", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL, \
		.valid = rr_proxy_url_valid, \
		.valid_rule = "a proxy URL \"http://host:port\", \"https://host:port\" " \
		"or \"socks5h://host:port\"", \
		.hint = "The proxy is fixed when the workflow is saved; give its " \
	"port, and no user name or password."}
#define HTTP_BATCH_PARAMS \
	{.name = "batch_size", .type = RR_FIELD_INTEGER, .flags = RR_FIELD_STATIC, \
	.has_min = true, .min = 1, .has_max = true, .max = 10000}, \
	{.name = "batch_interval", .type = RR_FIELD_DURATION, \
	.flags = RR_FIELD_STATIC}
#define HTTP_CREDENTIAL_PARAM \
	{.name = "credential", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL, \
		.has_min = true, .min = 1, .has_max = true, .max = 128, \
		.hint = "The credential is named when the workflow is saved; " \
	"its owner sets it with reporunner.set_credential()."}
#define HTTP_MAX_PAGES_PARAM \
	{.name = "max_pages", .type = RR_FIELD_INTEGER, .flags = RR_FIELD_STATIC, \
		.has_min = true, .min = 1, .has_max = true, .max = 10000, \
	.default_int = 100}

/* the credential and base URL of a connector's service (connector, ai_agent) */
#define CONNECTOR_SERVICE_PARAMS \
	HTTP_CREDENTIAL_PARAM, \
	{.name = "base_url", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL, \
		.has_min = true, .min = 1, \
	.hint = "The base URL is fixed when the workflow is saved."}

/* http pagination by a parameter: the page's value is start + page * step */
static const RrFieldSpec http_pagination_fields[] = {
	{.name = "param", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.has_min = true, .min = 1, .has_max = true, .max = 256,
		.hint = "The name of the parameter that counts pages is fixed when "
	"the workflow is saved."},
	{.name = "in", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = http_page_places},
	{.name = "start", .type = RR_FIELD_INTEGER, .flags = RR_FIELD_STATIC,
	.has_min = true, .min = -1e15, .has_max = true, .max = 1e15},
	{.name = "step", .type = RR_FIELD_INTEGER, .flags = RR_FIELD_STATIC,
	.has_min = true, .min = 1, .has_max = true, .max = 1e9},
	{.name = "complete", .type = RR_FIELD_CONDITION},
	/* the page's value is what cursor computes on the page before */
	{.name = "cursor", .type = RR_FIELD_STRING, .has_min = true, .min = 1},
	{NULL}
};

/* http: what is sent may be computed per item; how, is fixed */
static const RrFieldSpec http_params[] = {
	{.name = "method", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
		.choices = http_methods,
		.hint = "The method is fixed when the workflow is saved."},
	{.name = "url", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED,
	.has_min = true, .min = 1},
	{.name = "query", .type = RR_FIELD_OBJECT},
	{.name = "headers", .type = RR_FIELD_OBJECT},
	{.name = "body", .type = RR_FIELD_ANY},
	{.name = "body_type", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
		.choices = http_body_types,
		.hint = "The body type is fixed when the workflow is saved."},
	{.name = "response", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
		.choices = http_responses,
		.hint = "How the response is read is fixed when the workflow is saved."},
	{.name = "full_response", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_STATIC},
	HTTP_TRANSFER_PARAMS,
	{.name = "next_url", .type = RR_FIELD_STRING, .has_min = true, .min = 1},
	{.name = "next_link", .type = RR_FIELD_BOOLEAN, .flags = RR_FIELD_STATIC},
	HTTP_MAX_PAGES_PARAM,
	HTTP_CREDENTIAL_PARAM,
	{.name = "pagination", .type = RR_FIELD_OBJECT, .flags = RR_FIELD_STATIC,
	.fields = http_pagination_fields},
	{.name = "items_per_request", .type = RR_FIELD_INTEGER,
		.flags = RR_FIELD_STATIC, .has_min = true, .min = 1, .has_max = true,
	.max = 10000, .default_int = 1},
	HTTP_BATCH_PARAMS,
	HTTP_PROXY_PARAM,
	/* computed on an error response's JSON body: the service's message */
	{.name = "error_message", .type = RR_FIELD_STRING, .has_min = true,
	.min = 1},
	/* the statuses a retry may help; the node's retry skips the others */
	{.name = "retry_on", .type = RR_FIELD_ARRAY, .flags = RR_FIELD_STATIC,
		.has_min = true, .min = 1, .has_max = true, .max = 200,
	.items = &http_status},
	{NULL}
};


/*
 * connector: the connector and operation, the credential, and how requests
 * go (as for http); the operation's own params are the handler's to check,
 * when the plan is built (src/nodes/connector.c)
 */
static const RrFieldSpec connector_params[] = {
	{.name = "connector", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.has_min = true, .min = 1, .has_max = true, .max = 128,
	.hint = "The connector is named when the workflow is saved."},
	{.name = "operation", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.has_min = true, .min = 1, .has_max = true, .max = 128,
	.hint = "The operation is named when the workflow is saved."},
	CONNECTOR_SERVICE_PARAMS,
	{.name = "path_style", .type = RR_FIELD_BOOLEAN, .flags = RR_FIELD_STATIC},
	HTTP_TRANSFER_PARAMS,
	HTTP_MAX_PAGES_PARAM,
	HTTP_BATCH_PARAMS,
	HTTP_PROXY_PARAM,
	{NULL}
};

/* ai_agent: one tool, a workflow the model may call */
static const RrFieldSpec ai_agent_tool_fields[] = {
	{.name = "workflow", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.has_min = true, .min = 1,
	.hint = "The tools are fixed when the workflow is saved."},
	{.name = "name", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.has_min = true, .min = 1, .has_max = true, .max = 64},
	{.name = "description", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL},
	{NULL}
};

static const RrFieldSpec ai_agent_tool = {
	.type = RR_FIELD_OBJECT, .fields = ai_agent_tool_fields
};

/*
 * ai_agent: the model and how it is reached are fixed, the prompts may be
 * computed per item; the tools are found when the plan is built
 * (src/nodes/ai_agent.c)
 */
static const RrFieldSpec ai_agent_params[] = {
	{.name = "model", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
		.has_min = true, .min = 1,
	.hint = "The model is fixed when the workflow is saved."},
	{.name = "system", .type = RR_FIELD_STRING},
	{.name = "message", .type = RR_FIELD_STRING, .flags = RR_FIELD_REQUIRED,
	.has_min = true, .min = 1},
	{.name = "tools", .type = RR_FIELD_ARRAY, .flags = RR_FIELD_STATIC,
	.has_max = true, .max = 128, .items = &ai_agent_tool},
	{.name = "max_iterations", .type = RR_FIELD_INTEGER,
		.flags = RR_FIELD_STATIC, .has_min = true, .min = 1,
	.has_max = true, .max = 100, .default_int = 10},
	{.name = "max_tokens", .type = RR_FIELD_INTEGER, .flags = RR_FIELD_STATIC,
	.has_min = true, .min = 1},
	CONNECTOR_SERVICE_PARAMS,
	HTTP_TRANSFER_PARAMS,
	HTTP_PROXY_PARAM,
	{NULL}
};

/* which http params need or exclude others */
static const RrParamRule http_rules[] = {
	{.param = "max_pages", .needs = {"next_url", "pagination", "next_link"}},
	{.param = "pagination", .excludes = "next_url"},
	{.param = "next_link", .excludes = "next_url"},
	{.param = "next_link", .excludes = "pagination"},
	{.param = "batch_interval", .needs = {"batch_size"}},
	/* a group's body is a JSON array, which pages cannot number */
	{.param = "items_per_request", .excludes = "body_type"},
	{.param = "items_per_request", .excludes = "pagination"},
	{NULL}
};

static const RrParamRule wait_rules[] = {
	{.param = "timeout", .needs = {"resume"}},
	{NULL}
};


/* date_time: the operation fixed at save, dates and amounts per item */
static const char *const date_time_ops[] = {"now", "add", "subtract",
"format", "round", "between", "extract", NULL};
static const char *const date_time_dated[] = {"add", "subtract", "format",
"round", "extract", NULL};
static const char *const date_time_shifts[] = {"add", "subtract", NULL};
static const char *const date_time_formats[] = {"format", NULL};
static const char *const date_time_betweens[] = {"between", NULL};
static const char *const date_time_amounts[] = {"years", "quarters",
	"months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds",
NULL};
static const char *const date_time_units[] = {"year", "quarter", "month",
"week", "day", "hour", "minute", "second", "millisecond", NULL};
static const char *const date_time_parts[] = {"year", "quarter", "month",
	"week", "day", "weekday", "hour", "minute", "second", "millisecond",
NULL};
static const char *const date_time_rounds[] = {"down", "up", NULL};

#define DATE_TIME_HINT \
	"The operation and its units are fixed when the workflow is saved; " \
	"dates, amounts and formats may be computed per item."

static const RrFieldSpec date_time_unit = {
	.type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = date_time_units, .hint = DATE_TIME_HINT
};

static const RrFieldSpec date_time_params[] = {
	{.name = "operation", .type = RR_FIELD_STRING,
		.flags = RR_FIELD_REQUIRED | RR_FIELD_LITERAL,
	.choices = date_time_ops, .hint = DATE_TIME_HINT},
	{.name = "date", .required_if = {.field = "operation",
	.values = date_time_dated}},
	{.name = "start_date", .required_if = {.field = "operation",
	.values = date_time_betweens}},
	{.name = "end_date", .required_if = {.field = "operation",
	.values = date_time_betweens}},
	{.name = "duration", .type = RR_FIELD_NUMBER,
	.required_if = {.field = "operation", .values = date_time_shifts}},
	{.name = "unit", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = date_time_amounts, .hint = DATE_TIME_HINT},
	{.name = "format", .type = RR_FIELD_STRING, .has_min = true, .min = 1,
	.required_if = {.field = "operation", .values = date_time_formats}},
	{.name = "from_format", .type = RR_FIELD_STRING, .has_min = true,
	.min = 1},
	{.name = "timezone", .type = RR_FIELD_STRING, .has_min = true, .min = 1},
	{.name = "from_timezone", .type = RR_FIELD_STRING, .has_min = true,
	.min = 1},
	{.name = "keep_offset", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = DATE_TIME_HINT},
	{.name = "include_time", .type = RR_FIELD_BOOLEAN},
	{.name = "mode", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = date_time_rounds, .hint = DATE_TIME_HINT},
	{.name = "to", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = date_time_units, .hint = DATE_TIME_HINT},
	{.name = "units", .type = RR_FIELD_ARRAY, .flags = RR_FIELD_STATIC,
	.has_min = true, .min = 1, .items = &date_time_unit},
	{.name = "iso", .type = RR_FIELD_BOOLEAN, .flags = RR_FIELD_LITERAL,
	.hint = DATE_TIME_HINT},
	{.name = "part", .type = RR_FIELD_STRING, .flags = RR_FIELD_LITERAL,
	.choices = date_time_parts, .hint = DATE_TIME_HINT},
	{.name = "output_field", .type = RR_FIELD_STRING, .has_min = true,
	.min = 1},
	{.name = "output_path", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = DATE_TIME_HINT},
	{.name = "include_input_fields", .type = RR_FIELD_BOOLEAN,
	.flags = RR_FIELD_LITERAL, .hint = DATE_TIME_HINT},
	{NULL}
};


/* ---------- The node types ---------- */

/*
 * Each type's entry, but for its name: RR_NODE_TYPES (node_types.h) names
 * them and builds the table.
 */
#define RR_SCHEMA_trigger \
	.params = no_params, .outputs = main_output, .inputs = 0, .is_trigger = true
#define RR_SCHEMA_set \
	.params = set_params, .outputs = main_output, .inputs = 1
#define RR_SCHEMA_if \
	.params = condition_params, .outputs = if_outputs, .inputs = 1, \
	.one_of = condition_one_of, .loops = true
#define RR_SCHEMA_switch \
	.params = switch_params, .outputs = switch_outputs, \
	.item_outputs = "rules", .item_output_name = "output", .inputs = 1
#define RR_SCHEMA_filter \
	.params = condition_params, .outputs = main_output, .inputs = 1, \
	.one_of = condition_one_of
#define RR_SCHEMA_merge \
	.params = merge_params, .outputs = main_output, .inputs_param = "inputs"
#define RR_SCHEMA_split_out \
	.params = split_out_params, .outputs = main_output, .inputs = 1, \
	.one_of = split_out_one_of, .rules = split_out_rules
#define RR_SCHEMA_aggregate \
	.params = aggregate_params, .outputs = main_output, .inputs = 1
#define RR_SCHEMA_limit \
	.params = limit_params, .outputs = main_output, .inputs = 1
#define RR_SCHEMA_sort \
	.params = sort_params, .outputs = main_output, .inputs = 1, \
	.one_of = sort_one_of
#define RR_SCHEMA_remove_duplicates \
	.params = remove_duplicates_params, .outputs = main_output, .inputs = 1, \
	.rules = remove_duplicates_rules
#define RR_SCHEMA_noop \
	.params = no_params, .outputs = main_output, .inputs = 1
#define RR_SCHEMA_stop_and_error \
	.params = stop_and_error_params, .outputs = no_outputs, .inputs = 1
#define RR_SCHEMA_sql \
	.params = sql_params, .outputs = main_output, .inputs = 1
#define RR_SCHEMA_function \
	.params = function_params, .outputs = main_output, .inputs = 1
#define RR_SCHEMA_notify \
	.params = notify_params, .outputs = main_output, .inputs = 1
#define RR_SCHEMA_wait \
	.params = wait_params, .outputs = main_output, .inputs = 1, \
	.one_of = wait_modes, .rules = wait_rules
#define RR_SCHEMA_execute_workflow \
	.params = execute_workflow_params, .outputs = main_output, .inputs = 1
#define RR_SCHEMA_http \
	.params = http_params, .outputs = main_output, .inputs = 1, \
	.rules = http_rules
#define RR_SCHEMA_connector \
	.params = connector_params, .outputs = main_output, .inputs = 1, \
	.open_params = true

#define RR_SCHEMA_rename_keys \
	.params = rename_keys_params, .outputs = main_output, .inputs = 1

#define RR_SCHEMA_summarize \
	.params = summarize_params, .outputs = main_output, .inputs = 1

#define RR_SCHEMA_compare_datasets \
	.params = compare_datasets_params, .outputs = compare_outputs, .inputs = 2

#define RR_SCHEMA_date_time \
	.params = date_time_params, .outputs = main_output, .inputs = 1

#define RR_SCHEMA_ai_agent \
	.params = ai_agent_params, .outputs = main_output, .inputs = 1

#define RR_SCHEMA_split_in_batches \
	.params = split_in_batches_params, .outputs = split_in_batches_outputs, \
	.inputs = 1, .loops = true

#define RR_SCHEMA_ENTRY(type) {.name = #type, RR_SCHEMA_##type},

const RrNodeType rr_node_types[] = {
	RR_NODE_TYPES(RR_SCHEMA_ENTRY)
};

const int	rr_node_type_count = sizeof(rr_node_types) / sizeof(rr_node_types[0]);


/* ---------- Lookups ---------- */

/*
 * rr_node_type_lookup
 *		The node type called name, or NULL when there is none.
 */
const RrNodeType *
rr_node_type_lookup(const char *name)
{
	int			i;

	for (i = 0; i < rr_node_type_count; i++)
	{
		if (strcmp(rr_node_types[i].name, name) == 0)
			return &rr_node_types[i];
	}
	return NULL;
}

/*
 * rr_field_lookup
 *		The entry for key name in a field table, or NULL when it has none.
 */
const RrFieldSpec *
rr_field_lookup(const RrFieldSpec *fields, const char *name)
{
	const RrFieldSpec *field;

	for (field = fields; field->name != NULL; field++)
	{
		if (strcmp(field->name, name) == 0)
			return field;
	}
	return NULL;
}


/* ---------- Outputs and inputs ---------- */

/*
 * item_output_array
 *		The array param whose items each make an output, or NULL.
 */
static const json_t *
item_output_array(const RrNodeType *type, const json_t *params)
{
	const json_t *items;

	if (type->item_outputs == NULL)
		return NULL;
	items = json_object_get(params, type->item_outputs);
	return json_is_array(items) ? items : NULL;
}

/*
 * fixed_output_count
 *		How many fixed outputs a type lists.
 */
static int
fixed_output_count(const RrNodeType *type)
{
	int			count = 0;

	while (type->outputs[count] != NULL)
		count++;
	return count;
}

/*
 * rr_node_output_count
 *		How many outputs a node of this type with these params has.
 *
 * error_output says whether the node routes failures to an "error" output.
 * params must already have been checked against the type's table.
 */
int
rr_node_output_count(const RrNodeType *type, const json_t *params,
					 bool error_output)
{
	const json_t *items = item_output_array(type, params);
	int			count = fixed_output_count(type);

	if (items != NULL)
		count += (int) json_array_size(items);
	if (error_output)
		count++;
	return count;
}

/*
 * rr_node_output_name
 *		The name of output number index (0-based) of a node.
 *
 * The result points into params, into static storage or, for an item
 * named by its position, into buf (which needs RR_OUTPUT_INDEX_BUFLEN
 * bytes).  Returns NULL when index is out of range.
 */
const char *
rr_node_output_name(const RrNodeType *type, const json_t *params,
					bool error_output, int index, char *buf, size_t buflen)
{
	const json_t *items = item_output_array(type, params);
	int			item_count = items != NULL ? (int) json_array_size(items) : 0;
	int			fixed_count = fixed_output_count(type);

	if (index < 0)
		return NULL;
	if (index < item_count)
	{
		const json_t *item = json_array_get(items, (size_t) index);
		const json_t *name = type->item_output_name != NULL ?
			json_object_get(item, type->item_output_name) : NULL;

		if (json_is_string(name))
			return json_string_value(name);
		snprintf(buf, buflen, "%d", index);
		return buf;
	}
	index -= item_count;
	if (index < fixed_count)
		return type->outputs[index];
	if (index == fixed_count && error_output)
		return RR_ERROR_OUTPUT;
	return NULL;
}

/*
 * rr_node_input_count
 *		How many inputs a node of this type with these params has.
 */
int64_t
rr_node_input_count(const RrNodeType *type, const json_t *params)
{
	const RrFieldSpec *spec;
	const json_t *value;

	if (type->inputs_param == NULL)
		return type->inputs;
	value = json_object_get(params, type->inputs_param);
	if (json_is_integer(value))
		return (int64_t) json_integer_value(value);
	spec = rr_field_lookup(type->params, type->inputs_param);
	return spec != NULL ? spec->default_int : 0;
}


/* ---------- Checks of particular string values ---------- */

/*
 * is_sqlstate
 *		Whether text is five characters from 0-9 and A-Z, like "P0001".
 */
static bool
is_sqlstate(const char *text, size_t len)
{
	size_t		i;

	if (len != 5)
		return false;
	for (i = 0; i < len; i++)
	{
		if (!((text[i] >= '0' && text[i] <= '9') ||
			  (text[i] >= 'A' && text[i] <= 'Z')))
			return false;
	}
	return true;
}

/*
 * identifier_end
 *		Where the SQL identifier starting at text[start] ends, or start when
 *		there is none there.
 *
 * Accepts a plain identifier (a letter, underscore or non-ASCII byte, then
 * also digits and dollar signs) or a double-quoted one with "" for a quote
 * inside, each 1 to RR_IDENTIFIER_LEN bytes long, like PostgreSQL does.
 */
static size_t
identifier_end(const char *text, size_t len, size_t start)
{
	size_t		pos = start;
	size_t		name_len = 0;

	if (pos >= len)
		return start;
	if (text[pos] == '"')
	{
		pos++;
		for (;;)
		{
			if (pos >= len)
				return start;
			if (text[pos] == '"')
			{
				if (pos + 1 < len && text[pos + 1] == '"')
					pos++;
				else
					break;
			}
			pos++;
			name_len++;
		}
		pos++;					/* the closing quote */
	}
	else
	{
		unsigned char c = (unsigned char) text[pos];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  c == '_' || c >= 0x80))
			return start;
		while (pos < len)
		{
			c = (unsigned char) text[pos];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				  (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80))
				break;
			pos++;
			name_len++;
		}
	}
	if (name_len == 0 || name_len > RR_IDENTIFIER_LEN)
		return start;
	return pos;
}

/*
 * is_function_name
 *		Whether text is a function name, optionally schema-qualified.
 */
static bool
is_function_name(const char *text, size_t len)
{
	size_t		end = identifier_end(text, len, 0);

	if (end == 0)
		return false;
	if (end < len && text[end] == '.')
	{
		size_t		second = identifier_end(text, len, end + 1);

		if (second == end + 1)
			return false;
		end = second;
	}
	return end == len;
}

/*
 * rr_proxy_url_valid
 *		Whether text is "scheme://host:port" with an optional "/" at the
 *		end, scheme http, https or socks5h in any case, host a name, an IPv4 address or
 *		an IPv6 one in brackets, and port 1 to 65535: no user name or
 *		password, no path.
 */
bool
rr_proxy_url_valid(const char *text, size_t len)
{
	static const char *const schemes[] = {"http://", "https://",
	"socks5h://", NULL};
	const char *const *scheme;
	size_t		pos;
	size_t		host_start;
	long		port = 0;
	size_t		digits = 0;

	for (scheme = schemes; *scheme != NULL; scheme++)
	{
		for (pos = 0; pos < len && (*scheme)[pos] != '\0'; pos++)
		{
			char		c = text[pos];

			if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != (*scheme)[pos])
				break;
		}
		if ((*scheme)[pos] == '\0')
			break;
	}
	if (*scheme == NULL || len <= strlen(*scheme))
		return false;
	pos = host_start = strlen(*scheme);
	if (text[pos] == '[')
	{
		while (++pos < len && (strchr("0123456789abcdefABCDEF:.", text[pos]) != NULL))
			;
		if (pos >= len || text[pos] != ']' || pos == host_start + 1)
			return false;
		pos++;
	}
	else
	{
		while (pos < len && ((text[pos] >= 'a' && text[pos] <= 'z') ||
							 (text[pos] >= 'A' && text[pos] <= 'Z') ||
							 (text[pos] >= '0' && text[pos] <= '9') ||
							 text[pos] == '-' || text[pos] == '.'))
			pos++;
		if (pos == host_start)
			return false;
	}
	if (pos >= len || text[pos] != ':')
		return false;
	while (++pos < len && text[pos] >= '0' && text[pos] <= '9' && digits < 6)
	{
		port = port * 10 + (text[pos] - '0');
		digits++;
	}
	if (digits == 0 || port < 1 || port > 65535)
		return false;
	return pos == len || (pos + 1 == len && text[pos] == '/');
}

