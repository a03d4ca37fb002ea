# Makefile for Reporunner (PGXS)
#
#   make            build the extension
#   make install    install it into the server found by pg_config
#   make demo       set up everything on this machine and show it working
#   make test       set up everything and run every test suite
#   make bench      measure throughput and memory against same-run baselines
#   make bench-n8n  n8n 1.110 and Reporunner side by side on the same workflows
#   make fuzz       fuzz the document validator for 10 minutes
#   make fuzz-expr  run 100,000 random expressions through the evaluator
#   make test-sqlsmith  random SQL as a tenant against a busy cluster, 10 minutes
#   make test-citus     build Citus and run the scale-out tests on 3 nodes
#   make bench-citus    durable executions/s on those 3 nodes against one server

EXTENSION = reporunner
EXTVERSION = 0.3.0

MODULE_big = reporunner
OBJS = \
	src/reporunner.o \
	src/catalog/audit.o \
	src/catalog/definition.o \
	src/catalog/diff.o \
	src/catalog/execute.o \
	src/catalog/explain.o \
	src/catalog/graph_text.o \
	src/catalog/owner_role.o \
	src/catalog/plan.o \
	src/catalog/render.o \
	src/catalog/role_rows.o \
	src/catalog/row_write.o \
	src/catalog/table_guard.o \
	src/catalog/table_lookup.o \
	src/catalog/run_as.o \
	src/catalog/store.o \
	src/catalog/test_workflow.o \
	src/catalog/version_hold.o \
	src/catalog/workflow_cache.o \
	src/catalog/workflow_store.o \
	src/connectors/connector_store.o \
	src/connectors/definition.o \
	src/connectors/translate.o \
	src/crypto/credential.o \
	src/crypto/key.o \
	src/crypto/seal.o \
	src/document/duration.o \
	src/document/node_schema.o \
	src/document/node_shape.o \
	src/document/validate.o \
	src/engine/activity.o \
	src/engine/durable_run.o \
	src/engine/executor.o \
	src/engine/failed_call.o \
	src/engine/item_errors.o \
	src/engine/journal.o \
	src/engine/jsonb_text.o \
	src/engine/order_v0.o \
	src/engine/node_guard.o \
	src/engine/node_search_path.o \
	src/engine/packed_rows.o \
	src/engine/row_jsonb.o \
	src/engine/pairing.o \
	src/engine/local_queue.o \
	src/engine/queue.o \
	src/engine/rounds.o \
	src/engine/retry_policy.o \
	src/expr/builtins.o \
	src/expr/builtins_array.o \
	src/expr/builtins_callback.o \
	src/expr/builtins_common.o \
	src/expr/builtins_date.o \
	src/expr/builtins_global.o \
	src/expr/builtins_json.o \
	src/expr/builtins_number.o \
	src/expr/builtins_object.o \
	src/expr/builtins_pattern.o \
	src/expr/builtins_markdown.o \
	src/expr/builtins_relative.o \
	src/expr/builtins_interval.o \
	src/expr/sha3.o \
	src/expr/builtins_regex.o \
	src/expr/builtins_string.o \
	src/expr/compile.o \
	src/expr/conditions.o \
	src/expr/datetime.o \
	src/expr/eval.o \
	src/expr/expression.o \
	src/expr/js_chars.o \
	src/expr/js_value.o \
	src/expr/parser.o \
	src/expr/regex.o \
	src/expr/template.o \
	src/http/address_guard.o \
	src/http/auth.o \
	src/http/oauth2.o \
	src/http/multipart.o \
	src/http/proxy.o \
	src/http/request.o \
	src/http/stats.o \
	src/http/xml.o \
	src/n8n/bridge.o \
	src/n8n/export.o \
	src/n8n/import.o \
	src/n8n/map_compare_datasets.o \
	src/n8n/map_conditions.o \
	src/n8n/map_flow.o \
	src/n8n/map_http.o \
	src/n8n/map_item_lists.o \
	src/n8n/map_items.o \
	src/n8n/map_merge.o \
	src/n8n/map_misc.o \
	src/n8n/map_rename_keys.o \
	src/n8n/map_date_time.o \
	src/n8n/map_set.o \
	src/n8n/map_split_in_batches.o \
	src/n8n/map_trigger.o \
	src/n8n/map_webhook.o \
	src/n8n/map_util.o \
	src/n8n/mappers.o \
	src/n8n/n8n_sql.o \
	src/nodes/aggregate.o \
	src/nodes/compare_datasets.o \
	src/nodes/connector.o \
	src/nodes/ai_agent.o \
	src/nodes/subworkflow_call.o \
	src/nodes/execute_workflow.o \
	src/nodes/filter.o \
	src/nodes/function.o \
	src/nodes/http.o \
	src/nodes/http_body.o \
	src/nodes/if.o \
	src/nodes/item_keys.o \
	src/nodes/item_merge.o \
	src/nodes/item_paths.o \
	src/nodes/limit.o \
	src/nodes/merge.o \
	src/nodes/node_util.o \
	src/nodes/noop.o \
	src/nodes/notify.o \
	src/nodes/registry.o \
	src/nodes/remove_duplicates.o \
	src/nodes/rename_keys.o \
	src/nodes/date_time.o \
	src/nodes/set.o \
	src/nodes/sort.o \
	src/nodes/spi_node.o \
	src/nodes/split_in_batches.o \
	src/nodes/split_out.o \
	src/nodes/sql.o \
	src/nodes/summarize.o \
	src/nodes/stop_and_error.o \
	src/nodes/switch.o \
	src/nodes/trigger.o \
	src/nodes/wait.o \
	src/triggers/listener.o \
	src/triggers/notify.o \
	src/triggers/registration.o \
	src/triggers/schedule.o \
	src/triggers/table_trigger.o \
	src/triggers/transfer.o \
	src/webhook/delivery.o \
	src/webhook/listener.o \
	src/webhook/on_webhook.o \
	src/webhook/verify.o \
	src/webhook/wake.o \
	src/worker/launcher.o \
	src/worker/slots.o \
	src/worker/wake.o \
	src/worker/worker.o

# The install script is built from the pieces in src/sql, in name order.
SQL_PIECES = $(sort $(wildcard src/sql/*.sql))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
DATA = $(wildcard upgrade/$(EXTENSION)--*.sql)
DOCS := $(wildcard docs/*.md)

REGRESS = \
	001_install \
	002_save_export \
	003_versions \
	004_validation \
	005_expressions \
	009_test_helpers \
	010_executor \
	011_journal \
	020_set \
	021_if \
	022_switch \
	023_filter \
	024_limit \
	025_sort \
	026_noop_stop \
	030_merge \
	031_split_out \
	032_aggregate \
	033_remove_duplicates \
	034_rename_keys \
	035_compare_datasets \
	036_date_time \
	040_sql \
	041_function \
	042_notify \
	050_background \
	060_limits \
	070_triggers \
	071_schedules \
	072_notify \
	075_import_export \
	076_n8n \
	076_n8n_set_merge \
	077_n8n_nodes \
	077_webhooks \
	078_n8n_webhook \
	080_subworkflows \
	085_http \
	086_credentials \
	087_http_ssrf \
	088_connectors \
	090_render \
	091_explain \
	092_stats \
	093_activity \
	094_audit \
	095_expr_cases 095_expr_limits 095_expr_fuzz \
	097_paired_items \
	098_loops \
	099_run_order 099_v0_order \
	096_metrics \
	097_conditions \
	097_test_workflow \
	097_distribute \
	099_ai_agent \
	998_upgrade \
	999_uninstall
REGRESS_OPTS = --temp-config=test/regress.conf --temp-instance=./tmp_check

JSON_CFLAGS := $(shell pkg-config --cflags libcurl jansson libcrypto liblz4)
JSON_LIBS := $(shell pkg-config --libs libcurl jansson libcrypto liblz4)

# The library checks that the installed SQL objects are of its version.
# libpq: the NOTIFY listener's loopback connection (src/triggers/listener.c)
LIBPQ_CFLAGS := $(shell pkg-config --cflags libpq)
LIBPQ_LIBS := $(shell pkg-config --libs libpq)

# libmicrohttpd: the webhook listener (src/webhook/listener.c)
MHD_CFLAGS := $(shell pkg-config --cflags libmicrohttpd)
MHD_LIBS := $(shell pkg-config --libs libmicrohttpd)

PG_CPPFLAGS = -Isrc $(JSON_CFLAGS) $(LIBPQ_CFLAGS) $(MHD_CFLAGS) -DREPORUNNER_VERSION='"$(EXTVERSION)"'
SHLIB_LINK = $(JSON_LIBS) $(LIBPQ_LIBS) $(MHD_LIBS)
# CI builds with every warning PostgreSQL's headers allow, as errors, and
# with our Assert()s compiled in (test/link_check.sh checks that such a
# module needs nothing an assert-disabled server lacks).
ifdef CI
PG_CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Werror
PG_CPPFLAGS += -DUSE_ASSERT_CHECKING
endif

EXTRA_CLEAN = tmp_check results regression.diffs regression.out \
	test/unit/test_document test/unit/test_n8n test/unit/fuzz_document test/unit/fuzz-corpus test/unit/fuzz.log

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
# On a machine that does not have the server headers yet, only the targets
# below work; "make demo" and "make test" install them first.
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else ifneq ($(filter-out setup demo test bench bench-n8n unit test-citus bench-citus,$(or $(MAKECMDGOALS),all)),)
$(error pg_config ($(PG_CONFIG)) or its PGXS makefile was not found: install postgresql-server-dev-15, or run "make demo" or "make test", which install what is missing)
endif

$(DATA_built): $(SQL_PIECES)
	cat $^ > $@

# PGXS tracks no header dependencies: rebuild everything when one changes.
$(OBJS): $(wildcard src/*.h src/*/*.h)

.PHONY: setup demo test unit bench fuzz fuzz-expr test-sqlsmith test-citus
setup:
	sh test/setup.sh

demo: setup
	$(MAKE) all
	$(MAKE) install
	sh test/demo.sh

test: setup
	$(MAKE) all
	$(MAKE) install
	sh test/run.sh

bench: setup
	$(MAKE) all
	$(MAKE) install
	sh test/bench/run.sh

# n8n's webhook throughput and ours (execute(), start(), the listener) on
# the same three workflows, in one run (test/bench/n8n/README.md)
.PHONY: bench-n8n
bench-n8n: setup
	$(MAKE) all
	$(MAKE) install
	sh test/bench/n8n/run.sh

unit:
	$(MAKE) -C test/unit

# random SQL from a tenant against a busy cluster for 10 minutes
test-sqlsmith: setup
	$(MAKE) all
	$(MAKE) install
	sh test/sqlsmith.sh

# Citus: a coordinator and two worker nodes (test/citus; builds Citus from
# ../shared/vendor/citus the first time, a few minutes)
test-citus: setup
	$(MAKE) install
	sh test/citus/run.sh

# durable executions/s on those 3 nodes against one server, in one run
.PHONY: bench-citus
bench-citus: setup
	$(MAKE) install
	sh test/citus/run.sh bench

# libFuzzer on the document validator for 10 minutes (make test runs 20 s)
fuzz: setup
	$(MAKE) -C test/unit fuzz

# random expressions through the evaluator (make test runs 1,500)
fuzz-expr: setup
	$(MAKE) all
	$(MAKE) install
	sh test/fuzz_expr.sh
