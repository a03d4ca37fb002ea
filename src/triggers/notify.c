/*-------------------------------------------------------------------------
 *
 * notify.c
 *		Workflows started by NOTIFY: reporunner.on_notify(), the channels
 *		the listener LISTENs on, and the executions a batch of
 *		notifications starts.
 *
 * on_notify() registers a row of reporunner.trigger (kind "notify", target
 * the channel, as pg_notify() takes it) and wakes the database's listener
 * at commit (src/worker), which LISTENs on the channel from then on
 * (src/triggers/listener.c).  Removing the registration wakes it as well.
 *
 * For every notification the listener receives, rr_notify_fire() queues
 * one execution (mode "notify") per registration of its channel, as an
 * async table trigger queues one: for the role that registered it, after
 * the checks start() makes (src/catalog/run_as.c), with the payload as
 * input: a JSON object is one item, a JSON array of objects the items, and
 * any other payload one item {"payload": text}; every item gets
 * "_trigger": {"channel", "pid"}.  A registration whose workflow may no
 * longer be queued starts nothing, and the server log says so (once a
 * minute at most).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "catalog/version_hold.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "triggers/triggers.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "worker/worker.h"

PG_FUNCTION_INFO_V1(reporunner_on_notify);

/* Channels beginning with this are Reporunner's own */
#define RR_RESERVED_CHANNELS	"reporunner_"

/* Least time between two complaints about registrations that start nothing */
#define RR_NOTIFY_COMPLAIN_MS	60000

/*
 * Every NOTIFY trigger, oldest first, with its owner, which keys the reads
 * of a firing (on Citus, this one reads every shard: once a batch)
 */
#define SQL_NOTIFY_TRIGGERS \
	"SELECT id, target, owner FROM reporunner.trigger WHERE kind = 'notify'" \
	" ORDER BY id"

static SPIPlanPtr notify_triggers_plan = NULL;

/* Notifications dropped since the last complaint, and when that was */
static int64 dropped = 0;
static TimestampTz complained_at = 0;

/* A NOTIFY trigger, as a batch of notifications uses it */
typedef struct NotifyTarget
{
	int64		id;
	Oid			owner;
	char	   *channel;
	bool		checked;		/* registration read and checked */
	ErrorData  *refused;		/* why it may not be queued, or NULL */
	RrRegistration registration;
} NotifyTarget;

/* ERROR unless channel may be a NOTIFY trigger's channel */
static void
check_channel(const char *channel)
{
	if (channel[0] == '\0')
		rr_invalid_parameter("channel must not be empty",
							 "A channel is the name given to NOTIFY and pg_notify(), such as orders.");
	if (strlen(channel) >= NAMEDATALEN)
		rr_invalid_parameter("channel name is too long",
							 psprintf("A channel name has at most %d bytes.",
									  NAMEDATALEN - 1));
	if (strncmp(channel, RR_RESERVED_CHANNELS, strlen(RR_RESERVED_CHANNELS)) == 0)
		rr_invalid_parameter(psprintf("channel \"%s\" is reserved", channel),
							 "Channels beginning with " RR_RESERVED_CHANNELS " are Reporunner's own: reporunner_execution announces ended executions.");
}

/*
 * on_notify(workflow, channel): start the workflow for every notification
 * on the channel; returns the registration's id.
 */
Datum
reporunner_on_notify(PG_FUNCTION_ARGS)
{
	char	   *name;
	char	   *channel;
	RrWorkflowRef ref;
	int64		id;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("workflow and channel must not be null")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	channel = text_to_cstring(PG_GETARG_TEXT_PP(1));
	check_channel(channel);
	rr_registration_workflow(name, true, &ref);
	id = rr_registration_insert(&ref, name, "notify", channel,
								rr_jsonb_empty_object());
	rr_listener_wake_at_commit();
	PG_RETURN_INT64(id);
}

/* NOTIFY trigger id is being deleted: its listener stops listening for it */
void
rr_notify_drop(int64 id)
{
	rr_listener_wake_at_commit();
}

/* Every NOTIFY trigger, as NotifyTargets, read as the tables' owner */
static List *
notify_targets(void)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *targets = NIL;
	uint64		row;
	int			nestlevel;

	nestlevel = rr_store_begin();
	rr_store_run_kept_as_owner(&notify_triggers_plan, SQL_NOTIFY_TRIGGERS, 0,
							   NULL, NULL, NULL, SPI_OK_SELECT);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		char	   *channel = SPI_getvalue(tuple, SPI_tuptable->tupdesc, 2);
		bool		isnull;
		MemoryContext spi = MemoryContextSwitchTo(caller);
		NotifyTarget *target = palloc0(sizeof(NotifyTarget));

		/* copied out of SPI's memory, which rr_store_end releases */
		target->id = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1,
												 &isnull));
		target->owner = DatumGetObjectId(SPI_getbinval(tuple, SPI_tuptable->tupdesc,
													   3, &isnull));
		target->channel = pstrdup(channel);
		targets = lappend(targets, target);
		MemoryContextSwitchTo(spi);
	}
	rr_store_end(nestlevel);
	return targets;
}

List *
rr_notify_channels(void)
{
	List	   *channels = NIL;
	ListCell   *lc;
	ListCell   *seen;

	foreach(lc, notify_targets())
	{
		NotifyTarget *target = lfirst(lc);
		bool		known = false;

		foreach(seen, channels)
			known = known || strcmp(lfirst(seen), target->channel) == 0;
		if (!known)
			channels = lappend(channels, target->channel);
	}
	return channels;
}

bool
rr_notify_registered(void)
{
	bool		registered;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	registered = notify_targets() != NIL;
	PopActiveSnapshot();
	CommitTransactionCommand();
	return registered;
}

/*
 * Run fn(arg) in a subtransaction; false, with the error in *error (NULL
 * to drop it) and everything fn did undone, when it raised one.
 */
static bool
try_in_subtransaction(void (*fn) (void *), void *arg, ErrorData **error)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool ok = true;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcontext);
		if (error != NULL)
			*error = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		ok = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcontext);
	CurrentResourceOwner = oldowner;
	return ok;
}

/* The registration of a target, checked as start() checks a caller */
static void
check_target(void *arg)
{
	NotifyTarget *target = arg;

	if (!rr_registration_read(target->id, target->owner, "notify", &target->registration))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("trigger " INT64_FORMAT " no longer exists", target->id)));
	(void) rr_registration_plan(&target->registration, RR_RUN_QUEUE);
	/* held to the batch's commit; a deleter's open transaction holds no one up */
	if (!rr_version_hold_try(target->registration.workflow_id,
							 target->registration.version, false))
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("workflow \"%s\" is being deleted", target->registration.workflow),
				 errdetail("A transaction that deletes it has not ended; the listener does not wait for it.")));
}

/* Whether notifications may start target's workflow, checked once a batch */
static bool
target_usable(NotifyTarget *target)
{
	if (!target->checked)
	{
		target->checked = true;
		(void) try_in_subtransaction(check_target, target, &target->refused);
	}
	return target->refused == NULL;
}

/*
 * Say in the log that notifications started nothing, and why (the first
 * refused target's error), once a minute at most.
 */
static void
complain(List *targets)
{
	ListCell   *lc;

	if (dropped == 0 || !rr_due_now(&complained_at, RR_NOTIFY_COMPLAIN_MS))
		return;
	foreach(lc, targets)
	{
		NotifyTarget *target = lfirst(lc);
		ErrorData  *error = target->refused;

		if (error == NULL)
			continue;
		ereport(WARNING,
				(errcode(error->sqlerrcode),
				 errmsg("notifications on channel \"%s\" start nothing for trigger " INT64_FORMAT ": %s",
						target->channel, target->id, error->message),
				 errdetail("Notifications that started nothing since the last such message: " INT64_FORMAT ".",
						   dropped),
				 error->hint ? errhint("%s", error->hint) : 0));
		dropped = 0;
		return;
	}
}

/* A payload and the items it gives, when it is JSON that gives items */
typedef struct PayloadItems
{
	const char *payload;
	List	   *items;
} PayloadItems;

static void
parse_payload(void *arg)
{
	PayloadItems *parsed = arg;

	parsed->items = rr_items_from_jsonb(DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																		   CStringGetDatum(parsed->payload))));
}

/*
 * The input of a notification's executions: the items of a payload that is
 * a JSON object or array of objects, else one item {"payload": text}; each
 * with "_trigger": {"channel", "pid"}, which replaces a key of that name.
 */
static Jsonb *
notification_input(const RrNotification *notification)
{
	PayloadItems parsed;
	StringInfoData buf;
	Jsonb	   *key;
	const char *start = notification->payload;
	List	   *tagged = NIL;
	ListCell   *lc;

	while (*start == ' ' || *start == '\t' || *start == '\n' || *start == '\r')
		start++;
	parsed.payload = notification->payload;
	parsed.items = NIL;
	if ((*start != '{' && *start != '[') ||
		!try_in_subtransaction(parse_payload, &parsed, NULL))
	{
		initStringInfo(&buf);
		appendStringInfoString(&buf, "{\"payload\": ");
		escape_json(&buf, notification->payload);
		appendStringInfoChar(&buf, '}');
		parsed.items = list_make1(DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																	 CStringGetDatum(buf.data))));
	}

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"_trigger\": {\"channel\": ");
	escape_json(&buf, notification->channel);
	appendStringInfo(&buf, ", \"pid\": %d}}", notification->pid);
	key = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
	foreach(lc, parsed.items)
		tagged = lappend(tagged,
						 DatumGetJsonbP(DirectFunctionCall2(jsonb_concat,
															JsonbPGetDatum(lfirst(lc)),
															JsonbPGetDatum(key))));
	return rr_items_to_jsonb(tagged);
}

int64
rr_notify_fire(const RrNotification *notifications, int n)
{
	List	   *targets = notify_targets();
	TimestampTz now = GetCurrentTimestamp();
	int64		queued = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		Jsonb	   *input = NULL;
		ListCell   *lc;

		CHECK_FOR_INTERRUPTS();
		foreach(lc, targets)
		{
			NotifyTarget *target = lfirst(lc);

			if (strcmp(target->channel, notifications[i].channel) != 0)
				continue;
			if (!target_usable(target))
			{
				dropped++;
				continue;
			}
			if (input == NULL)
				input = notification_input(&notifications[i]);
			(void) rr_journal_enqueue(&(RrEnqueue) {
				.workflow_id = target->registration.workflow_id,
					.workflow_name = target->registration.workflow,
					.version = target->registration.version,
					.owner = target->registration.owner,
					.input = input,
					.caller = target->registration.created_by,
					.ready_at = now,
					.mode = "notify",
					.trigger_id = target->id
			});
			queued++;
		}
	}
	complain(targets);
	if (queued > 0)
		rr_worker_wake_at_commit();
	return queued;
}
