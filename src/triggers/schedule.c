/*-------------------------------------------------------------------------
 *
 * schedule.c
 *		Workflows started on a schedule: reporunner.on_schedule(), which
 *		makes a pg_cron job, and reporunner.fire_schedule(), which the job
 *		runs.
 *
 * on_schedule() registers a row of reporunner.trigger (kind "schedule")
 * and makes, as the caller, a pg_cron job named reporunner_<id> in this
 * database whose command is fixed text: SELECT reporunner.fire_schedule(id).
 * Nothing a tenant writes is pasted into it, and pg_cron runs it as the
 * role that made it.  pg_cron checks the cron expression: a bad one is an
 * ERROR, and the transaction leaves neither job nor registration.
 *
 * fire_schedule() queues one execution (mode "schedule") with the
 * registration's input, for the role that made it, and an idempotency key
 * of the registration and the minute of the tick: a job that runs twice
 * for one tick (a retry, a restart around it, a manual call) starts one
 * execution.
 *
 * pg_cron can only be installed in one database, cron.database_name.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "commands/extension.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/scansup.h"
#include "triggers/triggers.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "worker/worker.h"

PG_FUNCTION_INFO_V1(reporunner_on_schedule);
PG_FUNCTION_INFO_V1(reporunner_fire_schedule);

/* The job of registration $1, made as the caller */
#define SQL_SCHEDULE \
	"SELECT cron.schedule($1, $2, $3)"
/*
 * The job of a registration that goes, if pg_cron still has it: by its
 * name and its command ($2), in this database, so that a job someone made
 * by hand with the same name stays
 */
#define SQL_UNSCHEDULE \
	"SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = $1" \
	" AND command = $2 AND database = pg_catalog.current_database()"

/* ERROR unless pg_cron is installed in this database */
static void
require_pg_cron(void)
{
	if (!OidIsValid(get_extension_oid("pg_cron", true)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pg_cron is not installed in this database"),
				 errhint("Add pg_cron to shared_preload_libraries, set cron.database_name to this database, and run CREATE EXTENSION pg_cron.")));
}

static char *
job_name(int64 id)
{
	return psprintf("reporunner_" INT64_FORMAT, id);
}

static char *
job_command(int64 id)
{
	return psprintf("SELECT reporunner.fire_schedule(" INT64_FORMAT ")", id);
}

/* Whether schedule is pg_cron's "N seconds" form (digits, "second" or "seconds") */
static bool
is_interval_in_seconds(const char *schedule)
{
	const char *p = schedule;

	if (!isdigit((unsigned char) *p))
		return false;
	while (isdigit((unsigned char) *p))
		p++;
	while (scanner_isspace(*p))
		p++;
	if (strncmp(p, "second", 6) != 0)
		return false;
	p += 6;
	if (*p == 's')
		p++;
	while (scanner_isspace(*p))
		p++;
	return *p == '\0';
}

/*
 * Refuse a cron expression of more or fewer than five fields, which
 * pg_cron 1.4 takes without complaint: it read six fields (seconds first,
 * as some cron tools write them) as the first five, so "every five
 * seconds" ran every five minutes.  Its other
 * forms ("@daily", and in later releases "30 seconds") go to pg_cron, which
 * checks them.
 */
static void
check_cron_fields(const char *schedule)
{
	const char *p = schedule;
	int			fields = 0;

	while (scanner_isspace(*p))
		p++;
	if (*p == '@' || is_interval_in_seconds(p))
		return;
	while (*p != '\0')
	{
		fields++;
		while (*p != '\0' && !scanner_isspace(*p))
			p++;
		while (scanner_isspace(*p))
			p++;
	}
	if (fields != 5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid schedule: %s", schedule),
				 errdetail("A cron expression has five fields (minute, hour, day of month, month, day of week); this one has %d.",
						   fields)));
}

/*
 * on_schedule(workflow, schedule, input): start the workflow on a cron
 * schedule; returns the registration's id.
 */
Datum
reporunner_on_schedule(PG_FUNCTION_ARGS)
{
	char	   *name;
	char	   *schedule;
	Jsonb	   *input;
	RrWorkflowRef ref;
	StringInfoData options;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	int64		id;
	int			nestlevel;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("workflow and schedule must not be null")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	schedule = text_to_cstring(PG_GETARG_TEXT_PP(1));
	input = PG_ARGISNULL(2) ? rr_items_to_jsonb(NIL) :
		rr_items_to_jsonb(rr_items_from_jsonb(PG_GETARG_JSONB_P(2)));
	require_pg_cron();
	check_cron_fields(schedule);
	rr_registration_workflow(name, true, &ref);

	initStringInfo(&options);
	appendStringInfoString(&options, "{\"input\": ");
	(void) JsonbToCString(&options, &input->root, VARSIZE(input));
	appendStringInfoChar(&options, '}');
	id = rr_registration_insert(&ref, name, "schedule", schedule,
								DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																   CStringGetDatum(options.data))));

	/* the job, as the caller: pg_cron runs it as its maker */
	values[0] = CStringGetTextDatum(job_name(id));
	values[1] = CStringGetTextDatum(schedule);
	values[2] = CStringGetTextDatum(job_command(id));
	nestlevel = rr_store_begin();
	rr_registration_run_as_caller(SQL_SCHEDULE, 3, argtypes, values,
								  SPI_OK_SELECT);
	rr_store_end(nestlevel);
	PG_RETURN_INT64(id);
}

/*
 * fire_schedule(id): one tick of a schedule; returns the execution it
 * queued, or the one an earlier run of the same tick queued.
 */
Datum
reporunner_fire_schedule(PG_FUNCTION_ARGS)
{
	int64		id = PG_GETARG_INT64(0);
	RrRegistration schedule;
	Jsonb	   *input;
	TimestampTz tick;
	char		tick_text[MAXDATELEN + 1];
	const int	utc = 0;

	/*
	 * pg_cron's command names the id only: on Citus, a read of every shard.
	 * A schedule the caller may not see (row-level security's rule) does
	 * not exist for it, so that its id tells nothing.
	 */
	if (!rr_registration_read(id, InvalidOid, "schedule", &schedule) ||
		!rr_has_owner_access(GetUserId(), schedule.owner))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("schedule " INT64_FORMAT " does not exist", id)));
	/* only the role that made the schedule (pg_cron runs the job as it) */
	if (!has_privs_of_role(GetUserId(), schedule.created_by))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to fire schedule " INT64_FORMAT, id),
				 errdetail("Only the role that made it, or its members, may.")));
	(void) rr_registration_plan(&schedule, RR_RUN_QUEUE);
	input = rr_registration_option_jsonb(&schedule, "input");
	if (input == NULL)
		input = rr_items_to_jsonb(NIL);

	/* the tick: the minute this run belongs to (pg_cron's granularity) */
	tick = GetCurrentTransactionStartTimestamp();
	tick -= tick % USECS_PER_MINUTE;
	(void) JsonEncodeDateTime(tick_text, TimestampTzGetDatum(tick),
							  TIMESTAMPTZOID, &utc);
	rr_worker_wake_at_commit();
	PG_RETURN_INT64(rr_journal_enqueue(&(RrEnqueue) {
		.workflow_id = schedule.workflow_id,
			.workflow_name = schedule.workflow,
			.version = schedule.version,
			.owner = schedule.owner,
			.input = input,
			.idempotency_key = psprintf("schedule " INT64_FORMAT " %s", id, tick_text),
			.caller = schedule.created_by,
			.ready_at = GetCurrentTimestamp(),
			.mode = "schedule",
			.trigger_id = id
	}));
}

/* The pg_cron job of schedule id, which is being deleted */
void
rr_schedule_drop(int64 id)
{
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;

	if (!OidIsValid(get_extension_oid("pg_cron", true)))
		return;
	values[0] = CStringGetTextDatum(job_name(id));
	values[1] = CStringGetTextDatum(job_command(id));
	nestlevel = rr_store_begin();
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run(SQL_UNSCHEDULE, 2, argtypes, values, SPI_OK_SELECT);
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);
}
