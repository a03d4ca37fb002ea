/*-------------------------------------------------------------------------
 *
 * listener.c
 *		The NOTIFY listener: the background process that LISTENs on the
 *		channels of a database's NOTIFY triggers and starts their
 *		executions.
 *
 * A background worker cannot LISTEN (notifications reach client
 * connections only), so the listener holds a loopback libpq connection to
 * its own database: over the server's first unix socket directory (or
 * localhost) and port, as the bootstrap superuser, with
 * reporunner.listener_conninfo added (a role, a password, another host).
 * It LISTENs there on every registered channel, waits on the connection's
 * socket and its latch (never inside a transaction), and turns what
 * arrives into executions, up to RR_LISTENER_BATCH notifications per
 * transaction (src/triggers/notify.c).
 *
 * The launcher starts it (src/worker), once the database has NOTIFY
 * triggers: on_notify() asks for it at commit, and so does a worker that
 * starts in a database with NOTIFY triggers and no listener, so it comes
 * back after a restart.  A change of the triggers wakes it through its
 * latch, and it reads them again every RR_LISTENER_REREAD_MS anyway; with
 * none left, it exits.
 *
 * A connection that fails or breaks is made again, at once and then with
 * a growing pause (RR_LISTENER_BACKOFF_MIN_MS to _MAX_MS); the log says so
 * once per outage, and once when it listens again.  Notifications sent
 * meanwhile are lost: NOTIFY keeps nothing for a listener that is not
 * connected.
 *
 * SIGTERM ends it at once; SIGHUP reloads the settings (a changed
 * reporunner.listener_conninfo makes the connection again); a cancel
 * stops the batch being queued, whose notifications are lost, and the
 * log says how many.  Any other ERROR is logged too, and the listener
 * goes on a second later (with a new connection if the ERROR came in the
 * middle of an exchange on it).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_extension.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "libpq-fe.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "postmaster/postmaster.h"
#include "reporunner.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/lwlock.h"
#include "tcop/tcopprot.h"
#include "triggers/triggers.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"
#include "worker/worker.h"

/* Most notifications queued in one transaction */
#define RR_LISTENER_BATCH				1000

/* How often the triggers are read again without being asked */
#define RR_LISTENER_REREAD_MS			10000

/* Pauses between connection attempts after the first one failed */
#define RR_LISTENER_BACKOFF_MIN_MS		100
#define RR_LISTENER_BACKOFF_MAX_MS		10000

/* Longest wait for a connection, or for the answer to LISTEN */
#define RR_LISTENER_TIMEOUT_MS			10000

/* Pause after an ERROR, so that a lasting one does not flood the log */
#define RR_LISTENER_ERROR_PAUSE_MS		1000

/* The setting: more connection options for the loopback connection */
static char *listener_conninfo = NULL;

/* The connection, NULL while there is none */
static PGconn *conn = NULL;

/* Whether an exchange on it is under way (an ERROR leaves it half-done) */
static bool exchanging = false;

/* Channels of the triggers, as last read (in channels_context) */
static MemoryContext channels_context = NULL;
static List *channels = NIL;

/* Channels LISTENed on over conn (in listening_context) */
static MemoryContext listening_context = NULL;
static List *listening = NIL;
static bool listening_synced = false;

/* The batch being queued (its strings in batch_context) */
static MemoryContext batch_context = NULL;
static RrNotification *batch = NULL;
static int	batch_pending = 0;

/* Where and as whom to connect by default (read once) */
static char *database_name = NULL;
static char *superuser_name = NULL;

/* When the triggers were last read */
static TimestampTz read_at = 0;

/* Connection attempts: when the next may start, the pause after it */
static TimestampTz connect_at = 0;
static int	backoff_ms = 0;
static bool outage = false;		/* the log said the listener cannot listen */

void
rr_listener_init(void)
{
	DefineCustomStringVariable("reporunner.listener_conninfo",
							   "Connection options of the NOTIFY listener's loopback connection.",
							   "Added to the defaults: the server's first unix socket directory and port, the bootstrap superuser. The database is always the listener's own.",
							   &listener_conninfo,
							   "",
							   PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY,
							   NULL,
							   NULL,
							   NULL);
}

/* before_shmem_exit callback: close the connection */
static void
close_connection(int code, Datum arg)
{
	if (conn != NULL)
		PQfinish(conn);
	conn = NULL;
}

static void
disconnect(void)
{
	close_connection(0, (Datum) 0);
	exchanging = false;
	MemoryContextReset(listening_context);
	listening = NIL;
	listening_synced = false;
}

/*
 * Wait until the connection's socket is ready for events, or until the
 * deadline (false).  SIGTERM ends the process here; a cancel has nothing
 * to stop.  A latch set for another reason (triggers changed) is set
 * again on the way out, for the main loop.
 */
static bool
wait_for_socket(int events, TimestampTz deadline)
{
	bool		latch_was_set = false;
	bool		ready = false;

	for (;;)
	{
		long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
														   deadline);
		int			rc;

		if (left <= 0)
			break;
		rc = WaitLatchOrSocket(MyLatch,
							   WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH | events,
							   PQsocket(conn), left, PG_WAIT_EXTENSION);
		if (rc & WL_LATCH_SET)
		{
			ResetLatch(MyLatch);
			latch_was_set = true;
			QueryCancelPending = false;
			CHECK_FOR_INTERRUPTS();
		}
		if (rc & events)
		{
			ready = true;
			break;
		}
	}
	if (latch_was_set)
		SetLatch(MyLatch);
	return ready;
}

/*
 * What the connection's server says besides results (the FATAL of a
 * terminated connection, notices): libpq would print it on stderr, which
 * is the server log; the backend logged it already.
 */
static void
log_notice(void *arg, const char *message)
{
	ereport(DEBUG1,
			(errmsg_internal("reporunner listener's connection: %s",
							 pchomp(message))));
}

/* Start a connection: the defaults, the setting, the database */
static bool
start_connection(void)
{
	PQconninfoOption *options;
	PQconninfoOption *option;
	const char **keywords;
	const char **values;
	char	   *dirs = pstrdup(Unix_socket_directories ? Unix_socket_directories : "");
	List	   *dir_list = NIL;
	int			n = 0;

	options = PQconninfoParse(listener_conninfo, NULL);
	if (options == NULL)
		return false;
	for (option = options; option->keyword != NULL; option++)
		n++;
	keywords = palloc0(sizeof(char *) * (n + 8));
	values = palloc0(sizeof(char *) * (n + 8));
	n = 0;

	keywords[n] = "host";
	values[n++] = SplitDirectoriesString(dirs, ',', &dir_list) && dir_list != NIL ?
		linitial(dir_list) : "localhost";
	keywords[n] = "port";
	values[n++] = psprintf("%d", PostPortNumber);
	keywords[n] = "user";
	values[n++] = superuser_name;
	keywords[n] = "fallback_application_name";
	values[n++] = "reporunner listener";
	/* the setting's options override those above */
	for (option = options; option->keyword != NULL; option++)
	{
		if (option->val == NULL)
			continue;
		keywords[n] = option->keyword;
		values[n++] = option->val;
	}
	/* and nothing overrides these: payloads come in the database's encoding */
	keywords[n] = "client_encoding";
	values[n++] = GetDatabaseEncodingName();
	keywords[n] = "dbname";
	values[n++] = database_name;
	keywords[n] = NULL;
	values[n] = NULL;

	conn = PQconnectStartParams(keywords, values, false);
	PQconninfoFree(options);
	if (conn == NULL)
		return false;
	PQsetNoticeProcessor(conn, log_notice, NULL);
	return PQstatus(conn) != CONNECTION_BAD;
}

/* Connect, as far as the timeout allows */
static bool
connect_loopback(void)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   RR_LISTENER_TIMEOUT_MS);
	PostgresPollingStatusType status = PGRES_POLLING_WRITING;

	if (!start_connection())
		return false;
	exchanging = true;
	while (status != PGRES_POLLING_OK)
	{
		if (status == PGRES_POLLING_FAILED ||
			!wait_for_socket(status == PGRES_POLLING_READING ?
							 WL_SOCKET_READABLE : WL_SOCKET_WRITEABLE,
							 deadline))
			return false;
		status = PQconnectPoll(conn);
	}
	exchanging = false;
	return true;
}

/* Run commands over the connection; false when one failed, or timed out */
static bool
run_commands(const char *sql)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   RR_LISTENER_TIMEOUT_MS);
	PGresult   *result;
	bool		ok = true;

	if (!PQsendQuery(conn, sql))
		return false;
	exchanging = true;
	for (;;)
	{
		while (PQisBusy(conn))
		{
			if (!wait_for_socket(WL_SOCKET_READABLE, deadline) ||
				!PQconsumeInput(conn))
				return false;
		}
		result = PQgetResult(conn);
		if (result == NULL)
			break;
		if (PQresultStatus(result) != PGRES_COMMAND_OK)
			ok = false;
		PQclear(result);
	}
	exchanging = false;
	return ok;
}

/* Append "LISTEN channel;" or "UNLISTEN channel;", the name quoted */
static bool
append_command(StringInfo sql, const char *command, const char *channel)
{
	char	   *quoted = PQescapeIdentifier(conn, channel, strlen(channel));

	if (quoted == NULL)
		return false;
	appendStringInfo(sql, "%s %s; ", command, quoted);
	PQfreemem(quoted);
	return true;
}

/* What pg_stat_activity shows while the listener waits */
static void
report_listening(void)
{
	pgstat_report_activity(STATE_IDLE,
						   psprintf("reporunner: listening on %d channel%s (connection %d)",
									list_length(listening),
									list_length(listening) == 1 ? "" : "s",
									PQbackendPID(conn)));
}

static bool
has_channel(List *list, const char *channel)
{
	ListCell   *lc;

	foreach(lc, list)
		if (strcmp(lfirst(lc), channel) == 0)
			return true;
	return false;
}

/*
 * LISTEN on the channels of the triggers, UNLISTEN the others (all of
 * them from prefix on, which runs first).
 */
static bool
sync_channels(const char *prefix)
{
	StringInfoData sql;
	ListCell   *lc;
	MemoryContext oldcontext;

	initStringInfo(&sql);
	appendStringInfoString(&sql, prefix);
	foreach(lc, channels)
		if (!has_channel(listening, lfirst(lc)) &&
			!append_command(&sql, "LISTEN", lfirst(lc)))
			return false;
	foreach(lc, listening)
		if (!has_channel(channels, lfirst(lc)) &&
			!append_command(&sql, "UNLISTEN", lfirst(lc)))
			return false;
	if (sql.len > 0 && !run_commands(sql.data))
		return false;

	MemoryContextReset(listening_context);
	oldcontext = MemoryContextSwitchTo(listening_context);
	listening = NIL;
	foreach(lc, channels)
		listening = lappend(listening, pstrdup(lfirst(lc)));
	MemoryContextSwitchTo(oldcontext);
	listening_synced = true;
	report_listening();
	return true;
}

/*
 * The connection failed ("could not connect", ...): drop it and try again
 * after a pause; say so once per outage.
 */
static void
connection_failed(const char *what)
{
	if (!outage)
		ereport(WARNING,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("reporunner listener of database \"%s\" %s",
						database_name, what),
				 conn != NULL ?
				 errdetail_internal("%s", pchomp(PQerrorMessage(conn))) :
				 errdetail("reporunner.listener_conninfo is not a valid connection string."),
				 errhint("Notifications sent until it listens again are lost. It tries again; reporunner.listener_conninfo says how it connects.")));
	outage = true;
	disconnect();
	connect_at = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), backoff_ms);
	backoff_ms = backoff_ms == 0 ? RR_LISTENER_BACKOFF_MIN_MS :
		Min(backoff_ms * 2, RR_LISTENER_BACKOFF_MAX_MS);
}

/* Connect and LISTEN on every channel */
static void
connect_and_listen(void)
{
	if (!connect_loopback())
	{
		connection_failed("could not connect");
		return;
	}
	/* an idle session is this connection's normal state */
	if (!sync_channels("SET idle_session_timeout = 0; "))
	{
		connection_failed("could not listen");
		return;
	}
	if (outage)
		ereport(LOG,
				(errmsg("reporunner listener of database \"%s\" listens again",
						database_name)));
	outage = false;
	backoff_ms = 0;
}

/*
 * Start a transaction of the listener's, with the extension locked (as a
 * worker locks it: DROP EXTENSION locks it first, so it waits for this
 * transaction instead of deadlocking with it) and a snapshot taken after
 * the lock; false, with the transaction open and no snapshot, when the
 * database no longer has the extension.
 */
static bool
begin_work(const char *activity)
{
	Oid			extoid;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	pgstat_report_activity(STATE_RUNNING, activity);
	extoid = get_extension_oid("reporunner", true);
	if (!OidIsValid(extoid))
		return false;
	LockDatabaseObject(ExtensionRelationId, extoid, 0, AccessShareLock);
	/* look again, seeing what committed while the lock was waited for */
	InvalidateCatalogSnapshot();
	if (get_extension_oid("reporunner", true) != extoid)
		return false;
	PushActiveSnapshot(GetTransactionSnapshot());
	return true;
}

static void
end_work(bool snapshot)
{
	if (snapshot)
		PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* Read the channels of the triggers; false when there are none */
static bool
read_channels(void)
{
	bool		extension = begin_work("reporunner: reading NOTIFY triggers");

	MemoryContextReset(channels_context);
	channels = NIL;
	if (extension)
	{
		MemoryContext oldcontext = MemoryContextSwitchTo(channels_context);

		channels = rr_notify_channels();
		MemoryContextSwitchTo(oldcontext);
	}
	end_work(extension);
	listening_synced = false;
	return channels != NIL;
}

/*
 * Receive what the connection has, and queue up to a batch of
 * notifications; true when the batch was full (more may be there).
 */
static bool
receive(void)
{
	PGnotify   *notify;
	int			n = 0;
	bool		extension;

	if (!PQconsumeInput(conn))
	{
		connection_failed("lost its connection");
		return false;
	}
	while (n < RR_LISTENER_BATCH && (notify = PQnotifies(conn)) != NULL)
	{
		batch[n].channel = MemoryContextStrdup(batch_context, notify->relname);
		batch[n].payload = MemoryContextStrdup(batch_context, notify->extra);
		batch[n].pid = notify->be_pid;
		PQfreemem(notify);
		n++;
	}
	if (n == 0)
		return false;

	batch_pending = n;
	extension = begin_work("reporunner: starting executions for notifications");
	if (extension)
		(void) rr_notify_fire(batch, n);
	end_work(extension);
	batch_pending = 0;
	MemoryContextReset(batch_context);
	report_listening();
	return n == RR_LISTENER_BATCH;
}

/* After an ERROR: log it, drop what was under way, start over */
static void
recover_from_error(void)
{
	/* since not using PG_TRY, reset the error stack by hand */
	error_context_stack = NULL;
	HOLD_INTERRUPTS();
	QueryCancelPending = false;
	EmitErrorReport();
	AbortCurrentTransaction();
	LWLockReleaseAll();
	MemoryContextSwitchTo(TopMemoryContext);
	FlushErrorState();
	if (batch_pending > 0)
		ereport(WARNING,
				(errmsg("reporunner listener of database \"%s\" lost %d notifications",
						database_name, batch_pending),
				 errdetail("Queuing their executions failed.")));
	batch_pending = 0;
	MemoryContextReset(batch_context);
	/* a connection left half-way through an exchange is of no more use */
	if (exchanging)
	{
		disconnect();
		connect_at = 0;
	}
	RESUME_INTERRUPTS();

	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 RR_LISTENER_ERROR_PAUSE_MS, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
}

/* How long to wait for notifications, in milliseconds */
static long
wait_ms(void)
{
	TimestampTz now = GetCurrentTimestamp();
	long		ms = TimestampDifferenceMilliseconds(now,
													 TimestampTzPlusMilliseconds(read_at,
																				 RR_LISTENER_REREAD_MS));

	if (conn == NULL)
		ms = Min(ms, TimestampDifferenceMilliseconds(now, connect_at));
	return Max(ms, 1);
}

/*
 * Main function of the listener; main_arg is the OID of its database.
 */
void
rr_listener_main(Datum main_arg)
{
	sigjmp_buf	local_sigjmp_buf;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	/* as the bootstrap superuser; fails if the database was dropped */
	BackgroundWorkerInitializeConnectionByOid(DatumGetObjectId(main_arg),
											  InvalidOid, 0);

	/* one listener per database */
	if (!rr_listener_claim())
		proc_exit(0);
	/* its connection ends properly, whatever ends the process */
	before_shmem_exit(close_connection, (Datum) 0);

	channels_context = AllocSetContextCreate(TopMemoryContext,
											 "reporunner listener channels",
											 ALLOCSET_SMALL_SIZES);
	listening_context = AllocSetContextCreate(TopMemoryContext,
											  "reporunner listener LISTENs",
											  ALLOCSET_SMALL_SIZES);
	batch_context = AllocSetContextCreate(TopMemoryContext,
										  "reporunner listener batch",
										  ALLOCSET_DEFAULT_SIZES);
	batch = MemoryContextAlloc(TopMemoryContext,
							   sizeof(RrNotification) * RR_LISTENER_BATCH);

	StartTransactionCommand();
	database_name = MemoryContextStrdup(TopMemoryContext,
										get_database_name(MyDatabaseId));
	superuser_name = MemoryContextStrdup(TopMemoryContext,
										 GetUserNameFromId(BOOTSTRAP_SUPERUSERID, false));
	CommitTransactionCommand();

	if (sigsetjmp(local_sigjmp_buf, 1) != 0)
	{
		recover_from_error();
		read_at = 0;
	}
	PG_exception_stack = &local_sigjmp_buf;

	for (;;)
	{
		bool		requested;
		int			rc;

		/* a cancel stops a batch being queued; here there is none */
		QueryCancelPending = false;
		CHECK_FOR_INTERRUPTS();

		if (ConfigReloadPending)
		{
			char	   *old = pstrdup(listener_conninfo);

			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			if (strcmp(old, listener_conninfo) != 0)
			{
				disconnect();
				connect_at = 0;
				backoff_ms = 0;
			}
			pfree(old);
		}

		/* the triggers, when they changed, and now and then */
		requested = rr_listener_take_request();
		if (rr_due_now(&read_at, RR_LISTENER_REREAD_MS) || requested)
		{
			if (!read_channels())
			{
				if (rr_listener_leave())
					break;
				continue;		/* asked again meanwhile: read again */
			}
		}

		if (conn == NULL)
		{
			if (GetCurrentTimestamp() >= connect_at)
				connect_and_listen();
		}
		else if (!listening_synced && !sync_channels(""))
			connection_failed("could not listen");

		if (conn != NULL && receive())
			continue;

		rc = WaitLatchOrSocket(MyLatch,
							   WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH |
							   (conn != NULL ? WL_SOCKET_READABLE : 0),
							   conn != NULL ? PQsocket(conn) : PGINVALID_SOCKET,
							   wait_ms(), PG_WAIT_EXTENSION);
		if (rc & WL_LATCH_SET)
			ResetLatch(MyLatch);
	}

	proc_exit(0);
}
