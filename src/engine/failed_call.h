/*-------------------------------------------------------------------------
 *
 * failed_call.h
 *		Journaling a failed execute() apart from the caller's transaction.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_FAILED_CALL_H
#define RR_FAILED_CALL_H

#include "postgres.h"

#include "engine/executor.h"

/*
 * Record, committed on its own, that execution (run by execute() for
 * caller, journal on) failed with edata: its execution row, failed, and
 * its steps up to the failing node.  Never raises; a failure to record is
 * logged.  Call with the original error copied and flushed, before
 * re-throwing it.
 */
extern void rr_journal_failed_call(RrExecution *execution, ErrorData *edata,
								   Oid caller);

#endif							/* RR_FAILED_CALL_H */
