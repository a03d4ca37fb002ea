/*-------------------------------------------------------------------------
 *
 * builtins.h
 *		The functions and methods {{ }} expressions may call: JavaScript's
 *		own (String.prototype.split, Math.max, JSON.stringify, parseInt ...)
 *		and n8n's extensions (isEmpty, sum, toTitleCase, $ifEmpty ...).
 *
 * Names are looked up once, when an expression is compiled; a call then
 * dispatches on the id and, for a method, on the kind of the value it is
 * called on (src/expr/PLAN.md section 4).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_BUILTINS_H
#define RR_BUILTINS_H

#include "expr/js_value.h"

/* An evaluation in progress (src/expr/eval.c); opaque here */
typedef struct RrExprEnv RrExprEnv;

/*
 * A JavaScript TypeError or RangeError inside a builtin (a method of a
 * value that has none, toFixed(200), JSON.parse of bad text): n8n swallows
 * it, and the whole {{ }} gives undefined (PLAN.md 2.4).  The builtin
 * calls this and returns js_undefined(); evaluation unwinds.  Errors that
 * n8n reports (its ExpressionExtensionError: "sum(): all array elements
 * must be numbers") are raised with ereport(ERROR, ...) instead, SQLSTATE
 * 22023; eval.c's error context adds the node, field, expression and item.
 */
extern void rr_expr_throw(RrExprEnv *env);

/*
 * Callbacks: call fn, an arrow function or a function passed as a value
 * ($input.all().map(i => i.json.total), .filter(Boolean)).  Calling what
 * is not callable is a TypeError.  After a call, rr_expr_thrown() says
 * whether the evaluation is unwinding (a TypeError inside the callback):
 * the builtin then returns at once, with any value.
 */
extern bool rr_expr_callable(JsValue fn);
extern JsValue rr_expr_call(RrExprEnv *env, JsValue fn, int nargs,
							const JsValue *args);
extern bool rr_expr_thrown(RrExprEnv *env);

/*
 * One step of an evaluation: every callback call and every turn of a
 * builtin's loop over elements, characters or matches.  Every
 * RR_LIMIT_CHECK_EVERY steps the run's limits are checked
 * (rr_check_limits: a cancel, the node's and the execution's timeouts,
 * reporunner.max_execution_memory), so no evaluation outlives them.
 */
extern void rr_expr_step(RrExprEnv *env);

/*
 * What dates need of the evaluation (eval.c): the workflow's zone
 * (settings.timezone, UTC when unset) and "now", the execution's start in
 * epoch milliseconds.  new Date(args) is builtins_date.c's.
 */
struct RrZone;
extern const struct RrZone *rr_expr_env_zone(RrExprEnv *env);
extern double rr_expr_env_now(RrExprEnv *env);
extern JsValue rr_new_date(RrExprEnv *env, int nargs, const JsValue *args);

/*
 * Methods: x.name(args).  rr_method_lookup gives the id of a method name,
 * or -1 when no value has a method of that name (calling it is then a
 * TypeError, swallowed).  rr_method_call runs method id on self.
 */
extern int	rr_method_lookup(const char *name);
extern JsValue rr_method_call(RrExprEnv *env, int method, JsValue self,
							  int nargs, const JsValue *args);

/*
 * Functions: parseInt(...), String(...), $ifEmpty(...) (namespace NULL),
 * and the members of the namespaces Math, JSON, Object, Array, Number,
 * String ("Math", "max").  rr_function_lookup gives an id, or -1 when
 * there is no such function; rr_function_arity its bounds, checked when
 * the expression is compiled (max -1: any number).
 */
extern int	rr_function_lookup(const char *namespace, const char *name);
extern void rr_function_arity(int function, int *min_args, int *max_args);
extern JsValue rr_function_call(RrExprEnv *env, int function, int nargs,
								const JsValue *args);

/*
 * Whether path (len bytes) is a jsonpath, for $jsonpath() with a literal
 * path; else PostgreSQL's message in *error
 */
extern bool rr_jsonpath_check(const char *path, int len, char **error);

/*
 * Constants of the namespaces (Math.PI, Math.E, Number.MAX_SAFE_INTEGER
 * ...): true with the value in *value when there is one.
 */
extern bool rr_namespace_constant(const char *namespace, const char *name,
								  JsValue *value);

/*
 * Whether name is a namespace (Math, JSON, Object, Array, Number, String,
 * Date, DateTime, Duration)
 */
extern bool rr_is_namespace(const char *name);

#endif							/* RR_BUILTINS_H */
