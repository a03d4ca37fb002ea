/*-------------------------------------------------------------------------
 *
 * rounds.c
 *		Carrying a worker's parked executions on together, so that the
 *		deferred work of many executions (their http requests) is done at
 *		once between the same two commits.
 *
 * A member of a claimed batch that reaches a node that may defer its work
 * (rr_node_deferrable: an http node without pagination or pacing, with no
 * timeout to count) stops there, parked, with the node's work (its
 * requests) handed over, and the next member runs (durable_run.c).  Once
 * every member has run, a round:
 *
 *	1. commits: every parked execution is durably known to be at that node,
 *	   its work maybe done (so a crash from here on does it again, and
 *	   only then);
 *	2. with no transaction open, does the deferred work of all of them at
 *	   once, through the node type's run_deferred (for http: one curl multi
 *	   handle, under reporunner.http_max_concurrency and
 *	   reporunner.http_max_per_host);
 *	3. in one new transaction, carries each on from where it stopped, in a
 *	   subtransaction of its own (so that one execution's failure undoes
 *	   nothing of another's): to its end, its failure, its pause, or the
 *	   next node that needs a commit first;
 *	4. commits: their steps and ends, one WAL flush for all;
 *	5. carries on, one after the other as any member runs, those that
 *	   stopped for a commit; they may park again at another deferrable
 *	   node, for the next round.
 *
 * An interrupt while the work is done (cancel() of one of them, which
 * interrupts the process) ends all of it: the canceled execution stays
 * canceled, the others go back to the queue and do their work again when
 * claimed again (their steps were not committed).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/batch.h"
#include "engine/node_handler.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* Whether the member is parked with work to be done. */
static bool
has_work(ClaimedExecution *member)
{
	return member->parked != NULL && member->parked->deferred != NULL;
}

/*
 * Do the deferred work of the parked members, with no transaction open,
 * in memory context "context", all of one node type at once.  After an
 * ERROR (an interrupt), the members with work go back to the queue.
 */
static void
do_deferred_work(Batch *batch, MemoryContext context)
{
	MemoryContext old = MemoryContextSwitchTo(context);
	void	  **work = palloc(sizeof(void *) * batch->nmembers);
	bool	   *done = palloc0(sizeof(bool) * batch->nmembers);
	int			i;

	PG_TRY();
	{
		for (i = 0; i < batch->nmembers; i++)
		{
			const RrNodeHandler *handler;
			int			n = 0;
			int			j;

			if (!has_work(&batch->members[i]) || done[i])
				continue;
			handler = batch->members[i].parked->deferred_node->handler;
			for (j = i; j < batch->nmembers; j++)
			{
				RrExecution *parked = batch->members[j].parked;

				if (!has_work(&batch->members[j]) || done[j] ||
					parked->deferred_node->handler != handler)
					continue;
				work[n++] = parked->deferred;
				done[j] = true;
			}
			handler->run_deferred(work, n);
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		FlushErrorState();
		/* cancel() interrupts the process: nothing to say about that */
		if (edata->sqlerrcode != ERRCODE_QUERY_CANCELED)
			ereport(LOG,
					(errmsg("could not do the deferred work of a batch of executions: %s",
							edata->message),
					 errdetail("The executions go back to the queue.")));
		rr_batch_begin_transaction();
		for (i = 0; i < batch->nmembers; i++)
		{
			if (has_work(&batch->members[i]))
				rr_durable_drop_member(&batch->members[i], true);
		}
		rr_batch_commit_transaction();
		rr_batch_release_done(batch);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
}

/* A new transaction of the batch. */
static void
begin_round_transaction(Batch *batch)
{
	rr_batch_begin_transaction();
	batch->began = GetCurrentTimestamp();
	batch->uncommitted = false;
}

/* Commit the open transaction; the members no longer parked are done. */
static void
commit_round_transaction(Batch *batch)
{
	rr_batch_commit_transaction();
	rr_batch_release_done(batch);
}

bool
rr_rounds_run(Batch *batch)
{
	for (;;)
	{
		MemoryContext work_context;
		bool		parked = false;
		int			i;

		for (i = 0; i < batch->nmembers; i++)
			parked |= batch->members[i].parked != NULL;
		if (!parked)
			return false;

		commit_round_transaction(batch);
		work_context = AllocSetContextCreate(batch->context,
											 "reporunner deferred work",
											 ALLOCSET_DEFAULT_SIZES);
		do_deferred_work(batch, work_context);

		begin_round_transaction(batch);
		batch->uncommitted = true;
		batch->in_subtransactions = true;
		for (batch->current = 0; batch->current < batch->nmembers; batch->current++)
		{
			if (has_work(&batch->members[batch->current]))
				rr_durable_resume_member(batch);
		}
		batch->in_subtransactions = false;
		MemoryContextDelete(work_context);
		commit_round_transaction(batch);

		/* those that stopped for a commit go on, one after the other */
		begin_round_transaction(batch);
		for (batch->current = 0; batch->current < batch->nmembers; batch->current++)
		{
			ClaimedExecution *member = &batch->members[batch->current];

			if (member->parked == NULL || member->parked->deferred != NULL)
				continue;
			CHECK_FOR_INTERRUPTS();
			if (rr_durable_run_member(batch))
				return true;
		}
	}
}
