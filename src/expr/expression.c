/*-------------------------------------------------------------------------
 *
 * expression.c
 *		The document validator's check of one {{ }} expression.
 *
 * The validator (src/document) finds the expressions of a workflow
 * document and hands each one's text to rr_expr_check(), which compiles it
 * (compile.c) and reports why it cannot be, with the position: so a
 * workflow with an expression that would not compile is never saved.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/eval.h"
#include "expr/expression.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

bool
rr_expr_check(const char *expr, size_t len, char *errbuf, size_t errlen,
			  void *arg)
{
	MemoryContext context;
	MemoryContext old;
	char	   *error = NULL;
	int			error_pos = 0;
	bool		ok;

	context = AllocSetContextCreate(CurrentMemoryContext,
									"reporunner expression check",
									ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(context);
	ok = rr_expr_compile(expr, (int) len, &error, &error_pos) != NULL;
	if (!ok)
	{
		/* a sentence, for the error's detail */
		if (error[0] >= 'a' && error[0] <= 'z')
			error[0] += 'A' - 'a';
		snprintf(errbuf, errlen, "%s, at character %d of the expression.",
				 error,
				 pg_mbstrlen_with_len(expr, Min(error_pos, (int) len)) + 1);
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(context);
	return ok;
}
