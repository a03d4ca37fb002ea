/*-------------------------------------------------------------------------
 *
 * worker.h
 *		Background workers: the launcher, per-database workers, wake-ups.
 *
 * With reporunner in shared_preload_libraries, a launcher process keeps
 * per-database state in shared memory and starts workers on demand: when
 * a transaction that called start() commits in a database (it calls
 * rr_worker_wake_at_commit), when a timer of that database is due, and
 * once per database after the server starts (to resume what a crash or
 * restart interrupted).  A worker connects to its database and calls
 * rr_queue_work() (src/engine, not this folder) until that reports no
 * more work, then exits, so no worker stays connected to an idle database
 * and DROP DATABASE is never blocked for long.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_WORKER_H
#define RR_WORKER_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "nodes/nodes.h"
#include "postmaster/bgworker.h"

/* GUC variables (reporunner.c) */
extern PGDLLIMPORT int rr_workers_per_database;
extern PGDLLIMPORT int rr_max_databases;

/* Called from _PG_init when loaded by shared_preload_libraries. */
extern void rr_worker_init(void);

/*
 * Describe one of Reporunner's background workers: a process of this
 * library, connected to a database, running function(arg) and named type;
 * restart_time and notify_pid as bgw_restart_time and bgw_notify_pid.
 */
extern void rr_worker_describe(BackgroundWorker *worker, const char *function,
							   const char *type, int restart_time, Datum arg,
							   pid_t notify_pid);

/* Whether the launcher was set up (the library is preloaded). */
extern bool rr_workers_enabled(void);

/*
 * Make sure a worker of the current database runs soon after the current
 * transaction commits (nothing happens if it rolls back).  Cheap to call
 * many times in one transaction.  ERROR with a hint when workers are not
 * enabled.
 */
extern void rr_worker_wake_at_commit(void);

/*
 * Implemented in src/engine/queue.c, called by a worker with no
 * transaction open: run queued executions of the current database,
 * committing as it goes, for at most about max_ms milliseconds.  Returns
 * true if it may have more runnable work right away (also early, after a
 * transaction it had to abort, which releases session locks of the
 * default lock method: the caller takes its locks again); in *next_wake it
 * returns the earliest time a waiting execution or retry becomes due (0
 * when there is none).
 */
extern bool rr_queue_work(int max_ms, TimestampTz *next_wake);

/* Define the settings of src/engine/queue.c (from _PG_init). */
extern void rr_queue_init(void);

/*
 * NOTIFY triggers.  A database with NOTIFY triggers has one listener, a
 * background process the launcher starts (src/triggers/listener.c).
 */

/*
 * Make sure the listener of the current database reads its NOTIFY
 * triggers again soon after the current transaction commits, or starts if
 * none runs (nothing happens if it rolls back, or without the workers).
 */
extern void rr_listener_wake_at_commit(void);

/*
 * The same at once, for a database, from any process; takes the slot
 * lock and never raises an ERROR.
 */
extern void rr_listener_request(Oid dboid);

/*
 * In the listener: become the listener of the current database (false
 * when another one is); take the request to read the triggers again
 * (whether there was one since the last call); leave, when it has no
 * triggers left to listen for (false when a request came meanwhile: it
 * must read them again).
 */
extern bool rr_listener_claim(void);
extern bool rr_listener_take_request(void);
extern bool rr_listener_leave(void);

/* Before DROP DATABASE: stop the database's listener (from ProcessUtility) */
extern void rr_worker_check_utility(Node *stmt);

/*
 * Implemented in src/triggers: whether the current database has NOTIFY
 * triggers (called by a worker at its start, with no transaction open);
 * the listener's main function; its settings (from _PG_init).
 */
extern bool rr_notify_registered(void);
extern PGDLLEXPORT void rr_listener_main(Datum main_arg) pg_attribute_noreturn();
extern void rr_listener_init(void);

#endif							/* RR_WORKER_H */
