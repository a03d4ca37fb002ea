/*-------------------------------------------------------------------------
 *
 * eval.h
 *		One {{ }} expression compiled (compile.c) and evaluated for an item
 *		(eval.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_EVAL_H
#define RR_EVAL_H

#include "engine/node_handler.h"
#include "expr/ast.h"
#include "expr/js_value.h"

/* A compiled expression: its tree with every name resolved */
typedef struct RrExpr
{
	RrAst	   *ast;
	const char *text;			/* the source, for messages */
	int			len;
	int			nslots;			/* arrow parameters, over all arrows */
} RrExpr;

/* What an IDENT resolves to (RrAst.ref) */
typedef enum RrVarRef
{
	RR_VAR_UNRESOLVED = 0,
	RR_VAR_JSON,				/* $json */
	RR_VAR_INPUT,				/* $input */
	RR_VAR_ITEM_INDEX,			/* $itemIndex */
	RR_VAR_RUN_INDEX,			/* $runIndex */
	RR_VAR_WORKFLOW,			/* $workflow */
	RR_VAR_EXECUTION,			/* $execution */
	RR_VAR_VARS,				/* $vars */
	RR_VAR_NOW,					/* $now */
	RR_VAR_TODAY,				/* $today */
	RR_VAR_NODE,				/* $node */
	RR_VAR_PREV_NODE,			/* $prevNode */
	RR_VAR_MODE,				/* $mode */
	RR_VAR_PARAMETER,			/* $parameter */
	RR_VAR_NAN,					/* NaN */
	RR_VAR_INFINITY,			/* Infinity */
	RR_VAR_FUNCTION,			/* a function as a value (.filter(Boolean)):
								 * its id in the node's num */
	RR_VAR_SLOT					/* an arrow parameter: RR_VAR_SLOT + slot */
} RrVarRef;

/* What a CALL resolves to (RrAst.ref) */
#define RR_CALL_METHOD		1	/* x.m(): method id in the callee's ref */
#define RR_CALL_HOST		2	/* $input.all(), $('N').first(): by name */
#define RR_CALL_NODE		3	/* $('N') */
#define RR_CALL_ITEMS		4	/* $items('N', output, run) */
#define RR_CALL_FUNCTION	1000	/* + the function id of builtins.h */

/* RrAst.ref of a MEMBER that is a method's callee: RR_METHOD + method id */
#define RR_METHOD			1

/* Compile the inside of one {{ }}; NULL with *error and *error_pos if bad */
extern RrExpr *rr_expr_compile(const char *text, int len, char **error,
							   int *error_pos);

/*
 * Evaluate for one item of a node run.  Returns false when a JavaScript
 * TypeError ended the evaluation, which n8n swallows: the {{ }} then gives
 * undefined.  Errors n8n reports are raised (ereport), with a context line
 * naming the node, the field, the expression and the item (the caller's
 * error context callback).
 */
extern bool rr_expr_eval(const RrExpr *expr, RrNodeRun *run, Jsonb *item,
						 int item_index, JsValue *result);

/*
 * What dates of a node run use, for code that has no evaluation in
 * progress (conditions.c): the workflow's zone and the execution's start
 * in epoch milliseconds (rr_expr_env_zone and rr_expr_env_now give the
 * same for an evaluation).
 */
struct RrZone;
extern const struct RrZone *rr_run_zone(RrNodeRun *run);
extern double rr_run_now(RrNodeRun *run);

#endif							/* RR_EVAL_H */
