/*-------------------------------------------------------------------------
 *
 * map_trigger.c
 *		n8n's trigger nodes as trigger, and back.
 *
 * Manual Trigger and Execute Workflow Trigger (passing its input through)
 * are a trigger node.  Schedule Trigger is a trigger node and a schedule
 * of the workflow, an entry of the document's "triggers" that
 * import_workflow() makes with on_schedule() (pg_cron's five fields; an
 * n8n rule is turned into that cron expression, or refused).  Export
 * writes a trigger node as Schedule Trigger when the workflow has
 * schedules (export.c hands them over), as a Webhook node when it has a
 * webhook trigger (map_webhook.c), else as Manual Trigger.  The Webhook
 * node's import is map_webhook.c's.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "n8n/mappers.h"

void
rr_n8n_import_manual_trigger(RrN8nContext *cx, json_t *parameters,
							 RrN8nNode *out)
{
	out->rr_type = "trigger";
	rr_n8n_leftovers(cx, json_copy(parameters), "parameter");
}

void
rr_n8n_import_workflow_trigger(RrN8nContext *cx, json_t *parameters,
							   RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	const char *source = rr_n8n_string(rr_n8n_take(rest, "inputSource"),
									   "passthrough");

	out->rr_type = "trigger";
	if (strcmp(source, "passthrough") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "declared workflow inputs (\"%s\") are not supported yet; accept all data",
					   source);
	(void) rr_n8n_take(rest, "workflowInputs");
	(void) rr_n8n_take(rest, "jsonExample");
	rr_n8n_leftovers(cx, rest, "parameter");
}

static int
number_or(json_t *value, int fallback)
{
	return json_is_number(value) ? (int) json_number_value(value) : fallback;
}

/* One rule of the Schedule Trigger as a cron expression, or NULL */
static json_t *
schedule_cron(RrN8nContext *cx, json_t *rule)
{
	const char *field = rr_n8n_string(json_object_get(rule, "field"), "days");
	int			minute = number_or(json_object_get(rule, "triggerAtMinute"), 0);
	int			hour = number_or(json_object_get(rule, "triggerAtHour"), 0);

	if (strcmp(field, "cronExpression") == 0)
	{
		const char *cron = rr_n8n_string(json_object_get(rule, "expression"), "");
		int			fields = 0;
		const char *c;
		bool		in_field = false;

		for (c = cron; *c; c++)
		{
			if (*c != ' ' && !in_field)
				fields++;
			in_field = *c != ' ';
		}
		if (fields == 6 && strncmp(cron, "0 ", 2) == 0)
			return json_string(cron + 2);
		if (fields == 5 && cron[0] != '=')
			return json_string(cron);
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "the cron expression \"%s\" has no five-field form (seconds are not supported)",
					   cron);
		return NULL;
	}
	if (strcmp(field, "minutes") == 0)
		return json_sprintf("*/%d * * * *",
							number_or(json_object_get(rule, "minutesInterval"), 5));
	if (strcmp(field, "hours") == 0)
		return json_sprintf("%d */%d * * *", minute,
							number_or(json_object_get(rule, "hoursInterval"), 1));
	if (strcmp(field, "days") == 0)
	{
		int			days = number_or(json_object_get(rule, "daysInterval"), 1);

		if (days == 1)
			return json_sprintf("%d %d * * *", minute, hour);
		return json_sprintf("%d %d */%d * *", minute, hour, days);
	}
	rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
				   "a schedule by \"%s\" is not supported yet (use a cron expression)",
				   field);
	return NULL;
}

void
rr_n8n_import_schedule_trigger(RrN8nContext *cx, json_t *parameters,
							   RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *rules = json_object_get(rr_n8n_take(rest, "rule"), "interval");
	size_t		i;

	out->rr_type = "trigger";
	out->trigger = json_array();
	if (json_array_size(rules) == 0)
		rr_n8n_problem(cx, RR_N8N_INVALID, "the schedule has no rule");
	for (i = 0; i < json_array_size(rules); i++)
	{
		json_t	   *cron = schedule_cron(cx, json_array_get(rules, i));

		if (cron != NULL)
			json_array_append_new(out->trigger,
								  json_pack("{s:s, s:o}", "kind", "schedule",
											"target", cron));
	}
	rr_n8n_leftovers(cx, rest, "parameter");
}

/*
 * A trigger node; params holds the workflow's schedules (cron texts) and
 * webhook triggers when it has any, given by export.c.
 */
void
rr_n8n_export_trigger(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *schedules = json_object_get(params, "schedules");
	json_t	   *webhooks = json_object_get(params, "webhooks");
	json_t	   *interval;
	size_t		i;

	if (json_array_size(webhooks) > 0)
	{
		if (json_array_size(webhooks) > 1 || json_array_size(schedules) > 0)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "an n8n trigger node starts the workflow one way: the workflow has %d webhooks and %d schedules",
						   (int) json_array_size(webhooks),
						   (int) json_array_size(schedules));
		rr_n8n_export_webhook(cx, json_array_get(webhooks, 0), out);
		return;
	}
	interval = json_array();
	out->version = 1;
	if (json_array_size(schedules) == 0)
	{
		out->n8n_type = "manualTrigger";
		out->params = rr_n8n_new_object();
		json_decref(interval);
		return;
	}
	out->n8n_type = "scheduleTrigger";
	out->version = 1.2;
	for (i = 0; i < json_array_size(schedules); i++)
		json_array_append_new(interval,
							  json_pack("{s:s, s:O}", "field", "cronExpression",
										"expression", json_array_get(schedules, i)));
	out->params = json_pack("{s:{s:o}}", "rule", "interval", interval);
}
