/*
 * Inbound webhooks: the webhook listener (a background process, off unless
 * reporunner.webhook_listen names an address) starts the workflow
 * registered for the path of an HTTP request to /webhook/<path>
 * (src/webhook/).  A path is unique among the database's webhook
 * triggers: on_webhook() checks it under a lock, since an index on the
 * path alone would not survive distribute() (Citus wants the owner in it).
 */
ALTER TABLE reporunner.trigger DROP CONSTRAINT trigger_kind_check;
ALTER TABLE reporunner.trigger ADD CONSTRAINT trigger_kind_check
	CHECK (kind IN ('table', 'schedule', 'notify', 'webhook'));
ALTER DOMAIN reporunner.execution_mode DROP CONSTRAINT execution_mode_check;
ALTER DOMAIN reporunner.execution_mode ADD CONSTRAINT execution_mode_check
	CHECK (VALUE IN ('call', 'start', 'table', 'schedule', 'notify', 'webhook', 'retry', 'error', 'subworkflow'));
COMMENT ON DOMAIN reporunner.execution_mode IS 'How an execution started: call, start, table, schedule, notify, webhook, retry, error or subworkflow';
COMMENT ON COLUMN reporunner.trigger.kind IS 'table, schedule, notify or webhook';
COMMENT ON COLUMN reporunner.trigger.target IS 'The table, cron expression, channel or webhook path';
COMMENT ON VIEW reporunner.triggers IS 'Table triggers, schedules, NOTIFY triggers and webhooks visible to the current role, with how many executions each started (of those the role may see) and when it last fired';
COMMENT ON FUNCTION reporunner.drop_trigger(bigint) IS 'Removes a trigger made by on_table(), on_schedule(), on_notify() or on_webhook(), with the PostgreSQL triggers or the pg_cron job it made';

CREATE FUNCTION reporunner.on_webhook(workflow text, path text,
									  options jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_on_webhook';
COMMENT ON FUNCTION reporunner.on_webhook(text, text, jsonb) IS 'Starts the workflow for every accepted HTTP request to /webhook/<path> on the webhook listener (options respond, output, auth, credential, tolerance, timeout); returns the trigger''s id';
