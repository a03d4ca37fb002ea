/*-------------------------------------------------------------------------
 *
 * listener.c
 *		The webhook listener: one background process per cluster, serving
 *		HTTP on reporunner.webhook_listen for reporunner.webhook_database,
 *		and the settings that configure it.
 *
 * It is registered by _PG_init when the library is preloaded and
 * reporunner.webhook_listen names an address (host:port, [v6]:port);
 * the postmaster starts it with the server and again after it exits
 * (RR_WEBHOOK_RESTART_S later).  libmicrohttpd runs inside the process,
 * with no thread of its own (external polling, epoll): the main loop
 * waits on MHD's epoll descriptor and the latch, for at most as long as
 * MHD_get_timeout() allows, and calls MHD_run(), which calls the handlers
 * below in this same thread.  So the database work of a request (a
 * transaction, delivery.c) happens in the process's own backend, one
 * request at a time.  MHD reads and writes without blocking and closes
 * connections idle for RR_WEBHOOK_IDLE_S; a client that keeps sending a
 * byte now and then is not idle, so each request must also arrive whole,
 * request line included, within reporunner.webhook_request_timeout of the
 * connection's accept or of its previous request's end (its socket is shut
 * down otherwise), and one address may hold at most
 * reporunner.webhook_max_connections_per_address connections: slow
 * clients cannot take every connection.
 *
 * A request's body is read into memory up to reporunner.webhook_max_body
 * (413 beyond it, at once when Content-Length says so).  A when_finished
 * webhook's connection is suspended once its execution is queued, and
 * the loop looks, every RR_WEBHOOK_POLL_MS, whether the execution ended,
 * answering with its output, or 504 with its id when the timeout passes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <microhttpd.h>
#include <netdb.h>
#include <sys/socket.h>

#include "access/xact.h"
#include "commands/extension.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "reporunner.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "webhook/webhook.h"

PGDLLEXPORT void rr_webhook_main(Datum main_arg);

/* Seconds before the postmaster starts an exited listener again */
#define RR_WEBHOOK_RESTART_S	5
/* Seconds a connection may stay idle (a slow client) */
#define RR_WEBHOOK_IDLE_S		10
/* Connections at once */
#define RR_WEBHOOK_CONNECTIONS	256
/* How often waiting when_finished requests look at their execution */
#define RR_WEBHOOK_POLL_MS		100
/* Longest wait of the main loop */
#define RR_WEBHOOK_WAIT_MS		1000

#define WEBHOOK_PREFIX			"/webhook/"

/* Settings */
static char *webhook_listen = NULL;
static char *webhook_database = NULL;
int			rr_webhook_max_body = 1024 * 1024;
static int	webhook_request_timeout_s = 30;
static int	webhook_max_connections_per_address = 32;

/* A request being received or answered */
typedef struct Exchange
{
	MemoryContext context;		/* everything of the request */
	struct MHD_Connection *connection;
	StringInfoData body;
	bool		too_large;
	bool		answered;		/* reply holds the answer */
	bool		ready;			/* when_finished: and may be sent */
	RrWebhookReply reply;
	TimestampTz deadline;		/* when_finished: when to stop waiting */
} Exchange;

static struct MHD_Daemon *daemon_handle = NULL;
static List *waiting = NIL;		/* Exchanges suspended until their execution ends */
static bool resumed = false;	/* a connection was resumed: run MHD again */

/*
 * A connection, from its accept to its close (MHD's socket context): a
 * request must arrive whole, request line included, by received_by,
 * counted from the accept or from the end of the connection's last request
 */
typedef struct Peer
{
	struct MHD_Connection *connection;
	TimestampTz received_by;	/* 0 while its request is handled */
} Peer;

static List *peers = NIL;		/* every open connection's Peer */

/* A request of the connection may take until then to arrive */
static TimestampTz
request_deadline(void)
{
	return TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
									   webhook_request_timeout_s * (int64) 1000);
}

/* The connection's Peer (connection_changed() made it) */
static Peer *
peer_of(struct MHD_Connection *connection)
{
	return MHD_get_connection_info(connection,
								   MHD_CONNECTION_INFO_SOCKET_CONTEXT)->socket_context;
}

void
rr_webhook_init(void)
{
	BackgroundWorker worker;

	DefineCustomIntVariable("reporunner.webhook_max_body",
							"Largest body of a webhook request.",
							"Larger requests are refused with 413.",
							&rr_webhook_max_body, 1024 * 1024, 0,
							MaxAllocSize / 4, PGC_SIGHUP, GUC_UNIT_BYTE,
							NULL, NULL, NULL);
	DefineCustomIntVariable("reporunner.webhook_request_timeout",
							"Longest time a client may take to send one webhook request.",
							"Its request line, headers and body must arrive within it, counted from the connection's opening or its previous request's end, or the connection is closed.",
							&webhook_request_timeout_s, 30, 1, 3600,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);

	/*
	 * The listener is a static background worker, so its settings can only
	 * be defined while preloading: a library loaded later into a backend may
	 * not define PGC_POSTMASTER variables.
	 */
	if (!process_shared_preload_libraries_in_progress || IsBinaryUpgrade)
		return;
	DefineCustomStringVariable("reporunner.webhook_listen",
							   "Address and port of the webhook listener, such as 127.0.0.1:8080.",
							   "Empty (the default) starts no listener.",
							   &webhook_listen, "", PGC_POSTMASTER, GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);
	DefineCustomIntVariable("reporunner.webhook_max_connections_per_address",
							"Most connections one client address may hold to the webhook listener.",
							"0 sets no limit, as behind a proxy, whose address all requests come from.",
							&webhook_max_connections_per_address, 32, 0,
							RR_WEBHOOK_CONNECTIONS, PGC_POSTMASTER, 0,
							NULL, NULL, NULL);
	DefineCustomStringVariable("reporunner.webhook_database",
							   "Database whose webhook triggers the webhook listener serves.",
							   NULL,
							   &webhook_database, "postgres", PGC_POSTMASTER, GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);
	if (webhook_listen[0] == '\0')
		return;
	rr_webhook_wake_init();
	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS |
		BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = RR_WEBHOOK_RESTART_S;
	strlcpy(worker.bgw_library_name, "reporunner", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "rr_webhook_main", BGW_MAXLEN);
	strlcpy(worker.bgw_name, "reporunner webhook listener", BGW_MAXLEN);
	strlcpy(worker.bgw_type, "reporunner webhook listener", BGW_MAXLEN);
	RegisterBackgroundWorker(&worker);
}

/* Answer the connection with status and a JSON body */
static enum MHD_Result
answer(struct MHD_Connection *connection, int status, const char *body)
{
	struct MHD_Response *response;
	enum MHD_Result result;

	response = MHD_create_response_from_buffer(strlen(body), (void *) body,
											   MHD_RESPMEM_MUST_COPY);
	if (response == NULL)
		return MHD_NO;
	(void) MHD_add_response_header(response, "Content-Type", "application/json");
	result = MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return result;
}

/* Collecting a request's headers or query parameters */
typedef struct Fields
{
	RrWebhookField *fields;
	int			n;
	int			size;
} Fields;

static enum MHD_Result
collect_field(void *cls, enum MHD_ValueKind kind, const char *key,
			  const char *value)
{
	Fields	   *fields = cls;

	if (fields->n == fields->size)
	{
		fields->size = Max(16, fields->size * 2);
		fields->fields = fields->fields == NULL ?
			palloc(sizeof(RrWebhookField) * fields->size) :
			repalloc(fields->fields, sizeof(RrWebhookField) * fields->size);
	}
	fields->fields[fields->n].name = pstrdup(key);
	fields->fields[fields->n].value = pstrdup(value != NULL ? value : "");
	fields->n++;
	return MHD_YES;
}

/* Counting the request headers of one name */
typedef struct HeaderCount
{
	const char *name;
	int			n;
} HeaderCount;

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key,
			 const char *value)
{
	HeaderCount *count = cls;

	if (pg_strcasecmp(key, count->name) == 0)
		count->n++;
	return MHD_YES;
}

/* How many headers called name the request has */
static int
header_count(struct MHD_Connection *connection, const char *name)
{
	HeaderCount count = {name, 0};

	(void) MHD_get_connection_values(connection, MHD_HEADER_KIND,
									 count_header, &count);
	return count.n;
}

/* Deliver the exchange's request in a transaction of its own; the reply in it */
static void
deliver(Exchange *exchange, const char *method, const char *path)
{
	RrWebhookRequest request;
	Fields		headers = {0};
	Fields		query = {0};
	MemoryContext oldcontext = MemoryContextSwitchTo(exchange->context);

	(void) MHD_get_connection_values(exchange->connection, MHD_HEADER_KIND,
									 collect_field, &headers);
	(void) MHD_get_connection_values(exchange->connection, MHD_GET_ARGUMENT_KIND,
									 collect_field, &query);
	memset(&request, 0, sizeof(request));
	request.method = method;
	request.path = path;
	request.headers = headers.fields;
	request.nheaders = headers.n;
	request.query = query.fields;
	request.nquery = query.n;
	request.body = exchange->body.data;
	request.body_len = exchange->body.len;

	PG_TRY();
	{
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, "reporunner: webhook request");
		MemoryContextSwitchTo(exchange->context);
		if (!OidIsValid(get_extension_oid("reporunner", true)))
		{
			exchange->reply.status = 503;
			exchange->reply.body = "{\"error\": \"Reporunner is not installed in the webhook database\"}";
		}
		else
			rr_webhook_deliver(&request, &exchange->reply);
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *error;

		MemoryContextSwitchTo(exchange->context);
		error = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		/* the message, never the request: a header may be a secret */
		ereport(WARNING,
				(errcode(error->sqlerrcode),
				 errmsg("webhook request to \"%s\" failed: %s", path,
						error->message)));
		memset(&exchange->reply, 0, sizeof(exchange->reply));
		exchange->reply.status = 500;
		exchange->reply.body = "{\"error\": \"the request could not be handled; the server log says why\"}";
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
	MemoryContextSwitchTo(oldcontext);
}

/* MHD's request handler: called for the headers, each piece of body, the end */
static enum MHD_Result
handle(void *cls, struct MHD_Connection *connection, const char *url,
	   const char *method, const char *version, const char *upload_data,
	   size_t *upload_data_size, void **con_cls)
{
	Exchange   *exchange = *con_cls;
	MemoryContext oldcontext;

	if (exchange == NULL)
	{
		const char *length;
		MemoryContext context;

		if (strcmp(method, "POST") != 0 && strcmp(method, "GET") != 0)
			return answer(connection, 405, "{\"error\": \"a webhook takes GET or POST\"}");
		if (strncmp(url, WEBHOOK_PREFIX, strlen(WEBHOOK_PREFIX)) != 0)
			return answer(connection, 404, "{\"error\": \"no webhook has this path\"}");

		/*
		 * A body whose length a request gives twice, or as a length and as
		 * chunks, is one that a proxy in front may have read otherwise
		 * (request smuggling): refused, as RFC 9112 section 6.3 allows.
		 */
		if (header_count(connection, MHD_HTTP_HEADER_CONTENT_LENGTH) +
			(header_count(connection, MHD_HTTP_HEADER_TRANSFER_ENCODING) > 0) > 1)
			return answer(connection, 400, "{\"error\": \"a request gives the length of its body once\"}");
		length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
											 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length != NULL && strtoull(length, NULL, 10) > (unsigned long long) rr_webhook_max_body)
			return answer(connection, 413, "{\"error\": \"the request's body is too large\"}");
		context = AllocSetContextCreate(TopMemoryContext, "reporunner webhook request",
										ALLOCSET_DEFAULT_SIZES);
		exchange = MemoryContextAllocZero(context, sizeof(Exchange));
		exchange->context = context;
		exchange->connection = connection;
		oldcontext = MemoryContextSwitchTo(context);
		initStringInfo(&exchange->body);
		MemoryContextSwitchTo(oldcontext);
		*con_cls = exchange;
		return MHD_YES;
	}
	if (*upload_data_size > 0)
	{
		if (exchange->body.len + *upload_data_size > (size_t) rr_webhook_max_body)
			exchange->too_large = true;
		else
			appendBinaryStringInfo(&exchange->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (exchange->too_large)
		return answer(connection, 413, "{\"error\": \"the request's body is too large\"}");
	peer_of(connection)->received_by = 0;
	if (!exchange->answered)
	{
		deliver(exchange, method, url + strlen(WEBHOOK_PREFIX));
		exchange->answered = true;
		if (exchange->reply.wait_ms > 0)
		{
			exchange->deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
															 exchange->reply.wait_ms);
			MHD_suspend_connection(connection);
			oldcontext = MemoryContextSwitchTo(TopMemoryContext);
			waiting = lappend(waiting, exchange);
			MemoryContextSwitchTo(oldcontext);
			return MHD_YES;
		}
	}
	return answer(connection, exchange->reply.status, exchange->reply.body);
}

/* MHD accepted or closed a connection: its Peer */
static void
connection_changed(void *cls, struct MHD_Connection *connection,
				   void **socket_context,
				   enum MHD_ConnectionNotificationCode code)
{
	MemoryContext oldcontext = MemoryContextSwitchTo(TopMemoryContext);
	Peer	   *peer = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED)
	{
		peer = palloc(sizeof(Peer));
		peer->connection = connection;
		peer->received_by = request_deadline();
		peers = lappend(peers, peer);
		*socket_context = peer;
	}
	else if (peer != NULL)
	{
		peers = list_delete_ptr(peers, peer);
		pfree(peer);
		*socket_context = NULL;
	}
	MemoryContextSwitchTo(oldcontext);
}

/*
 * Shut down the sockets of connections whose request did not arrive in
 * time: MHD then reads their end and closes them, as it closes idle ones
 */
static void
cut_late_requests(void)
{
	TimestampTz now = GetCurrentTimestamp();
	ListCell   *lc;

	foreach(lc, peers)
	{
		Peer	   *peer = lfirst(lc);
		const union MHD_ConnectionInfo *info;

		if (peer->received_by == 0 || now < peer->received_by)
			continue;
		peer->received_by = 0;
		info = MHD_get_connection_info(peer->connection,
									   MHD_CONNECTION_INFO_CONNECTION_FD);
		if (info != NULL)
			(void) shutdown(info->connect_fd, SHUT_RDWR);
	}
}

/* MHD is done with a request: forget it */
static void
completed(void *cls, struct MHD_Connection *connection, void **con_cls,
		  enum MHD_RequestTerminationCode toe)
{
	Exchange   *exchange = *con_cls;

	/* the connection's next request, if it keeps it open */
	peer_of(connection)->received_by = request_deadline();
	if (exchange == NULL)
		return;
	waiting = list_delete_ptr(waiting, exchange);
	MemoryContextDelete(exchange->context);
	*con_cls = NULL;
}

/* Answer the when_finished requests whose execution ended or timed out */
static void
answer_waiting(void)
{
	TimestampTz now = GetCurrentTimestamp();
	ListCell   *lc;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	foreach(lc, waiting)
	{
		Exchange   *exchange = lfirst(lc);
		MemoryContext oldcontext = MemoryContextSwitchTo(exchange->context);
		int64		id = exchange->reply.execution_id;

		if (rr_webhook_finished(id, &exchange->reply))
			exchange->ready = true;
		else if (now >= exchange->deadline)
		{
			exchange->reply.status = 504;
			exchange->reply.body = psprintf("{\"execution_id\": " INT64_FORMAT ", \"status\": \"running\", \"error\": \"the execution did not end in time\"}",
											id);
			exchange->ready = true;
		}
		MemoryContextSwitchTo(oldcontext);
	}
	PopActiveSnapshot();
	CommitTransactionCommand();
	MemoryContextSwitchTo(TopMemoryContext);
	foreach(lc, waiting)
	{
		Exchange   *exchange = lfirst(lc);

		if (!exchange->ready)
			continue;
		waiting = foreach_delete_current(waiting, lc);
		MHD_resume_connection(exchange->connection);
		resumed = true;
	}
}

/* After an ERROR outside a request (answer_waiting): log it, go on */
static void
recover_from_error(void)
{
	error_context_stack = NULL;
	HOLD_INTERRUPTS();
	QueryCancelPending = false;
	EmitErrorReport();
	AbortCurrentTransaction();
	MemoryContextSwitchTo(TopMemoryContext);
	FlushErrorState();
	RESUME_INTERRUPTS();
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 RR_WEBHOOK_WAIT_MS, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
}

/* Start MHD on reporunner.webhook_listen; FATAL when it cannot */
static void
start_daemon(void)
{
	char	   *host = pstrdup(webhook_listen);
	char	   *port = strrchr(host, ':');
	struct addrinfo hints = {0};
	struct addrinfo *address;
	unsigned int flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
	int			rc;

	if (port == NULL || port[1] == '\0')
		ereport(FATAL,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid reporunner.webhook_listen \"%s\"", webhook_listen),
				 errdetail("It is host:port, such as 127.0.0.1:8080 or [::1]:8080.")));
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']')
	{
		host[strlen(host) - 1] = '\0';
		host++;
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &address);
	if (rc != 0)
		ereport(FATAL,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid reporunner.webhook_listen \"%s\": %s",
						webhook_listen, gai_strerror(rc))));
	if (address->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	daemon_handle = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL,
									 MHD_OPTION_SOCK_ADDR, address->ai_addr,
									 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) RR_WEBHOOK_IDLE_S,
									 MHD_OPTION_CONNECTION_LIMIT, (unsigned int) RR_WEBHOOK_CONNECTIONS,
									 MHD_OPTION_PER_IP_CONNECTION_LIMIT,
									 (unsigned int) webhook_max_connections_per_address,
									 MHD_OPTION_NOTIFY_CONNECTION, connection_changed, NULL,
									 MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
									 MHD_OPTION_END);
	freeaddrinfo(address);
	if (daemon_handle == NULL)
		ereport(FATAL,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("webhook listener could not listen on \"%s\"", webhook_listen)));
}

/* before_shmem_exit callback: close every connection, suspended ones too */
static void
stop_daemon(int code, Datum arg)
{
	ListCell   *lc;

	if (daemon_handle == NULL)
		return;
	/* MHD stops only with no connection suspended */
	foreach(lc, waiting)
		MHD_resume_connection(((Exchange *) lfirst(lc))->connection);
	waiting = NIL;
	MHD_stop_daemon(daemon_handle);
	daemon_handle = NULL;
}

/* How long the main loop may wait, in milliseconds */
static long
wait_ms(void)
{
	MHD_UNSIGNED_LONG_LONG mhd_ms;
	long		ms = RR_WEBHOOK_WAIT_MS;

	if (MHD_get_timeout(daemon_handle, &mhd_ms) == MHD_YES)
		ms = Min(ms, (long) mhd_ms);
	if (waiting != NIL)
		ms = Min(ms, RR_WEBHOOK_POLL_MS);
	return ms;
}

void
rr_webhook_main(Datum main_arg)
{
	sigjmp_buf	local_sigjmp_buf;
	static TimestampTz polled_at = 0;
	static bool woken = false;	/* the latch was set while waiting */
	int			epoll_fd;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	/* as the bootstrap superuser */
	BackgroundWorkerInitializeConnection(webhook_database, NULL, 0);

	start_daemon();
	before_shmem_exit(stop_daemon, (Datum) 0);
	rr_webhook_wake_publish();
	epoll_fd = MHD_get_daemon_info(daemon_handle, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd;
	ereport(LOG,
			(errmsg("reporunner webhook listener listening on %s for database \"%s\"",
					webhook_listen, webhook_database)));

	if (sigsetjmp(local_sigjmp_buf, 1) != 0)
		recover_from_error();
	PG_exception_stack = &local_sigjmp_buf;

	for (;;)
	{
		int			rc;

		CHECK_FOR_INTERRUPTS();
		MemoryContextSwitchTo(TopMemoryContext);
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		resumed = false;
		(void) MHD_run(daemon_handle);
		if (peers != NIL)
			cut_late_requests();
		/* woken by a worker that finished one (wake.c), or time to look */
		if (waiting != NIL &&
			(woken || rr_due_now(&polled_at, RR_WEBHOOK_POLL_MS)))
			answer_waiting();
		woken = false;
		if (resumed)
			continue;
		rc = WaitLatchOrSocket(MyLatch,
							   WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH |
							   WL_SOCKET_READABLE,
							   epoll_fd, wait_ms(), PG_WAIT_EXTENSION);
		if (rc & WL_LATCH_SET)
		{
			ResetLatch(MyLatch);
			woken = true;
		}
	}
}
