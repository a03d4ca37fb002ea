/*-------------------------------------------------------------------------
 *
 * spi_node.c
 *		Helpers for the node types that run SQL through SPI: turning
 *		result rows into items, reading the "mode" param, and turning SPI
 *		failure codes into errors.
 *
 * Shared by sql.c and function.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "nodes/node_util.h"
#include "nodes/spi_node.h"
#include "utils/fmgroids.h"
#include "utils/memutils.h"

/* to_jsonb() called on a record; set up on first use (rr_row_to_item) */
static FmgrInfo *row_to_jsonb = NULL;

/*
 * rr_row_to_item
 *		One result row as an item: an object of column name to value, with
 *		the values converted as to_jsonb() converts them.  tupdesc must be
 *		blessed.  The item is allocated in target.
 */
Jsonb *
rr_row_to_item(HeapTuple tuple, TupleDesc tupdesc, MemoryContext target)
{
	Datum		row;
	Jsonb	   *converted;
	Jsonb	   *item;

	/*
	 * to_jsonb(anyelement) learns its argument's type from the call
	 * expression (get_fn_expr_argtype), so it is given a call whose
	 * argument is of type record; each row datum then carries the typmod
	 * of its blessed descriptor, which leads to the column names and types.
	 */
	if (row_to_jsonb == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
		FmgrInfo   *finfo = palloc0(sizeof(FmgrInfo));
		Node	   *arg;

		fmgr_info(F_TO_JSONB, finfo);
		arg = (Node *) makeNullConst(RECORDOID, -1, InvalidOid);
		fmgr_info_set_expr((Node *) makeFuncExpr(F_TO_JSONB, JSONBOID,
												 list_make1(arg), InvalidOid,
												 InvalidOid,
												 COERCE_EXPLICIT_CALL),
						   finfo);
		MemoryContextSwitchTo(old);
		row_to_jsonb = finfo;
	}

	row = heap_copy_tuple_as_datum(tuple, tupdesc);
	converted = DatumGetJsonbP(FunctionCall1(row_to_jsonb, row));
	item = MemoryContextAlloc(target, VARSIZE(converted));
	memcpy(item, converted, VARSIZE(converted));
	return item;
}

/*
 * rr_node_runs_once
 *		Whether param "mode" of a sql or function node is "once".
 */
bool
rr_node_runs_once(const RrPlanNode *node)
{
	JsonbValue *mode = rr_node_param(node, "mode");

	return rr_value_is_word(mode, "once");
}

/*
 * rr_spi_check
 *		Turn a failure code of SPI_execute_plan into an error; returns the
 *		code when it is a success.  Errors inside the statement are raised
 *		by PostgreSQL itself, with their own SQLSTATE; what is left are
 *		statements SPI refuses to run.
 */
int
rr_spi_check(const RrPlanNode *node, int result)
{
	if (result >= 0)
		return result;
	switch (result)
	{
		case SPI_ERROR_TRANSACTION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TRANSACTION_TERMINATION),
					 errmsg("node \"%s\" cannot run transaction control statements",
							node->name),
					 errdetail("A workflow runs inside the transaction of its caller.")));
			break;
		case SPI_ERROR_COPY:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("node \"%s\" cannot copy to or from the client",
							node->name),
					 errdetail("COPY inside a workflow can only read or write files or programs.")));
			break;
		default:
			elog(ERROR, "node \"%s\": SPI_execute_plan failed: %s",
				 node->name, SPI_result_code_string(result));
	}
	return result;
}
