/*-------------------------------------------------------------------------
 *
 * mappers.h
 *		The node mappers of map_*.c, listed in mappers.c's table.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_N8N_MAPPERS_H
#define RR_N8N_MAPPERS_H

#include "n8n/n8n.h"

#define RR_N8N_MAPPER(name) \
	extern void rr_n8n_import_##name(RrN8nContext *cx, json_t *parameters, \
									 RrN8nNode *out)
#define RR_N8N_EXPORTER(name) \
	extern void rr_n8n_export_##name(RrN8nContext *cx, json_t *params, \
									 RrN8nNode *out)

/* map_trigger.c */
RR_N8N_MAPPER(manual_trigger);
RR_N8N_MAPPER(workflow_trigger);
RR_N8N_MAPPER(schedule_trigger);
RR_N8N_EXPORTER(trigger);

/* map_webhook.c; export_trigger hands it the workflow's webhook trigger */
RR_N8N_MAPPER(webhook);
RR_N8N_EXPORTER(webhook);

/* map_flow.c */
RR_N8N_MAPPER(if);
RR_N8N_MAPPER(filter);
RR_N8N_MAPPER(switch);
RR_N8N_EXPORTER(if);
RR_N8N_EXPORTER(filter);
RR_N8N_EXPORTER(switch);

/* map_set.c, map_merge.c */
RR_N8N_MAPPER(set);
RR_N8N_MAPPER(merge);
RR_N8N_EXPORTER(set);
RR_N8N_EXPORTER(merge);

/* map_items.c */
RR_N8N_MAPPER(split_out);
RR_N8N_MAPPER(aggregate);
RR_N8N_MAPPER(summarize);
RR_N8N_MAPPER(limit);
RR_N8N_MAPPER(sort);
RR_N8N_MAPPER(remove_duplicates);
RR_N8N_EXPORTER(split_out);
RR_N8N_EXPORTER(aggregate);
RR_N8N_EXPORTER(summarize);
RR_N8N_EXPORTER(limit);
RR_N8N_EXPORTER(sort);
RR_N8N_EXPORTER(remove_duplicates);
/* for map_item_lists.c: Summarize's parameters with its version's rules */
extern void rr_n8n_import_summarize_as(RrN8nContext *cx, json_t *parameters,
									   RrN8nNode *out, bool typed,
									   bool ignore_missing);

/* map_item_lists.c */
RR_N8N_MAPPER(item_lists);

/* map_misc.c */
RR_N8N_MAPPER(noop);
RR_N8N_MAPPER(stop_and_error);
RR_N8N_MAPPER(wait);
RR_N8N_MAPPER(execute_workflow);
RR_N8N_MAPPER(postgres);
RR_N8N_EXPORTER(noop);
RR_N8N_EXPORTER(stop_and_error);
RR_N8N_EXPORTER(wait);
RR_N8N_EXPORTER(execute_workflow);
RR_N8N_EXPORTER(sql);

/* map_rename_keys.c */
RR_N8N_MAPPER(rename_keys);
RR_N8N_EXPORTER(rename_keys);

/* map_date_time.c */
RR_N8N_MAPPER(date_time);
RR_N8N_EXPORTER(date_time);

/* map_compare_datasets.c */
RR_N8N_MAPPER(compare_datasets);
RR_N8N_EXPORTER(compare_datasets);

/* map_split_in_batches.c */
RR_N8N_MAPPER(split_in_batches);
RR_N8N_EXPORTER(split_in_batches);

/* map_http.c */
RR_N8N_MAPPER(http);
RR_N8N_EXPORTER(http);

#endif							/* RR_N8N_MAPPERS_H */
