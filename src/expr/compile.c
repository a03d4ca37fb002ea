/*-------------------------------------------------------------------------
 *
 * compile.c
 *		Resolve the names of a parsed {{ }} expression, once, when the
 *		workflow is saved and again when its plan is built.
 *
 * Every identifier becomes a variable ($json, $input, ...), a constant
 * (NaN, Infinity, Math.PI), a namespace member, a function of builtins.c,
 * or an arrow function's parameter (a slot); every call becomes a method
 * call, a function call or a call of n8n's node accessors.  $if(c, a, b)
 * becomes c ? a : b, as n8n rewrites it.  A regular expression literal is
 * translated and compiled for PostgreSQL's engine here (regex.c), so a
 * pattern that has no faithful translation fails at save.  What n8n leaves
 * to run time and Reporunner refuses at save: unknown identifiers ($foo,
 * foo), $env and $binary (other tenants' and absent data),
 * $evaluateExpression (code built at run time), and calls with a wrong
 * number of arguments.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/builtins.h"
#include "expr/eval.h"
#include "expr/regex.h"
#include "miscadmin.h"

/* The arrow parameters in scope, innermost last */
typedef struct Scope
{
	int			nnames;
	const char *names[RR_AST_MAX_DEPTH];
	int			slots[RR_AST_MAX_DEPTH];
} Scope;

typedef struct Compiler
{
	RrExpr	   *expr;
	Scope		scope;
	char	   *error;
	int			error_pos;
} Compiler;

/* The variables */
static const struct
{
	const char *name;
	RrVarRef	ref;
}			variables[] = {
	{"$json", RR_VAR_JSON},
	{"$input", RR_VAR_INPUT},
	{"$itemIndex", RR_VAR_ITEM_INDEX},
	{"$runIndex", RR_VAR_RUN_INDEX},
	{"$workflow", RR_VAR_WORKFLOW},
	{"$execution", RR_VAR_EXECUTION},
	{"$vars", RR_VAR_VARS},
	{"$now", RR_VAR_NOW},
	{"$today", RR_VAR_TODAY},
	{"$node", RR_VAR_NODE},
	{"$prevNode", RR_VAR_PREV_NODE},
	{"$mode", RR_VAR_MODE},
	{"$parameter", RR_VAR_PARAMETER},
	{"NaN", RR_VAR_NAN},
	{"Infinity", RR_VAR_INFINITY}
};

/* Names n8n knows that Reporunner refuses, and why */
static const struct
{
	const char *name;
	const char *reason;
}			refused[] = {
	{"$env", "$env is not available: workflows do not read the server's environment"},
	{"$binary", "$binary is not available: items hold no binary data"},
	{"$evaluateExpression", "$evaluateExpression is not supported: expressions are compiled when the workflow is saved"},
	{"$fromAI", "$fromAI is not supported"},
	{"$item", "$item(i) is only supported as $item(i).$json and $item(i).$node[\"Node\"]; use $input.all()[i] or $('Node').all()[i]"},
	{"$jmespath", "$jmespath is not supported; use $jsonpath(value, 'path')"},
	{"$jmesPath", "$jmesPath is not supported; use $jsonpath(value, 'path')"},
	{"$", "cannot access \"$\" without calling it as a function"}
};

/* The methods of $input (the first three) and of $('Node') */
static const char *const accessors[] = {
	"all", "first", "last", "itemMatching", "pairedItem", NULL
};

static bool compile_node(Compiler *c, RrAst *node);
static bool fail(Compiler *c, int pos, const char *fmt,...) pg_attribute_printf(3, 4);

static bool
fail(Compiler *c, int pos, const char *fmt,...)
{
	va_list		args;
	char		message[512];

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	c->error = pstrdup(message);
	c->error_pos = pos;
	return false;
}

static bool
compile_kids(Compiler *c, RrAst *node, int from)
{
	int			i;

	for (i = from; i < node->nkids; i++)
		if (node->kids[i] != NULL && !compile_node(c, node->kids[i]))
			return false;
	return true;
}

/* node, a function's name or a namespace member, is that function's value */
static bool
function_value(RrAst *node, int function)
{
	node->kind = RR_AST_IDENT;
	node->ref = RR_VAR_FUNCTION;
	node->num = function;
	node->nkids = 0;
	return true;
}

/* An identifier that is not the callee of a call nor a member's object */
static bool
compile_ident(Compiler *c, RrAst *node)
{
	int			function;
	int			i;

	for (i = c->scope.nnames - 1; i >= 0; i--)
		if (strcmp(c->scope.names[i], node->name) == 0)
		{
			node->ref = RR_VAR_SLOT + c->scope.slots[i];
			return true;
		}
	for (i = 0; i < lengthof(variables); i++)
		if (strcmp(variables[i].name, node->name) == 0)
		{
			node->ref = variables[i].ref;
			return true;
		}
	for (i = 0; i < lengthof(refused); i++)
		if (strcmp(refused[i].name, node->name) == 0)
			return fail(c, node->pos, "%s", refused[i].reason);
	function = rr_function_lookup(NULL, node->name);
	if (function >= 0)
		return function_value(node, function);
	if (rr_is_namespace(node->name))
		return fail(c, node->pos, "%s can only be used with one of its members",
					node->name);
	if (strcmp(node->name, "$if") == 0)
		return fail(c, node->pos, "%s must be called", node->name);
	if (node->name[0] == '$')
		return fail(c, node->pos, "unknown variable \"%s\"", node->name);
	return fail(c, node->pos, "unknown identifier \"%s\"", node->name);
}

/* Check the number of arguments of a call */
static bool
check_arity(Compiler *c, RrAst *call, const char *name, int min_args,
			int max_args)
{
	int			nargs = call->nkids - 1;
	int			i;

	/* a spread argument can be any number of them */
	for (i = 1; i < call->nkids; i++)
		if (call->kids[i]->kind == RR_AST_SPREAD)
			return true;
	if (nargs < min_args)
		return fail(c, call->pos, "%s needs at least %d argument%s",
					name, min_args, min_args == 1 ? "" : "s");
	if (max_args >= 0 && nargs > max_args)
		return fail(c, call->pos, "%s takes at most %d argument%s",
					name, max_args, max_args == 1 ? "" : "s");
	return true;
}

/* $if(test, then[, else]) becomes test ? then : else (else: false) */
static bool
compile_if(Compiler *c, RrAst *call)
{
	RrAst	  **kids;

	if (call->nkids - 1 < 2 || call->nkids - 1 > 3)
		return fail(c, call->pos,
					"$if requires at least 2 parameters: test, value_if_true[, and value_if_false]");
	kids = palloc(sizeof(RrAst *) * 3);
	kids[0] = call->kids[1];
	kids[1] = call->kids[2];
	if (call->nkids == 4)
		kids[2] = call->kids[3];
	else
	{
		kids[2] = palloc0(sizeof(RrAst));
		kids[2]->kind = RR_AST_FALSE;
		kids[2]->pos = call->pos;
	}
	call->kind = RR_AST_CONDITIONAL;
	call->kids = kids;
	call->nkids = 3;
	return compile_kids(c, call, 0);
}

static bool
compile_call(Compiler *c, RrAst *call)
{
	RrAst	   *callee = call->kids[0];
	int			function;
	int			method;
	int			min_args;
	int			max_args;

	if (callee->kind == RR_AST_IDENT)
	{
		if (strcmp(callee->name, "$") == 0)
		{
			/* $('Node'): a node name, as a string literal */
			if (call->nkids != 2 || call->kids[1]->kind != RR_AST_STRING)
				return fail(c, call->pos,
							"$() takes the name of a node as a string, as in $('Orders')");
			call->ref = RR_CALL_NODE;
			return true;
		}
		if (strcmp(callee->name, "$if") == 0)
			return compile_if(c, call);
		if (strcmp(callee->name, "$items") == 0)
		{
			if (!check_arity(c, call, callee->name, 0, 3))
				return false;
			call->ref = RR_CALL_ITEMS;
			return compile_kids(c, call, 1);
		}
		function = rr_function_lookup(NULL, callee->name);
		if (function >= 0)
		{
			rr_function_arity(function, &min_args, &max_args);
			if (!check_arity(c, call, callee->name, min_args, max_args))
				return false;
			call->ref = RR_CALL_FUNCTION + function;
			if (strcmp(callee->name, "$jsonpath") == 0 &&
				call->kids[2]->kind == RR_AST_STRING)
			{
				char	   *error;

				if (!rr_jsonpath_check(call->kids[2]->str, call->kids[2]->len,
									   &error))
					return fail(c, call->kids[2]->pos, "%s", error);
			}
			return compile_kids(c, call, 1);
		}
		/* anything else is a value that is not a function */
		if (!compile_ident(c, callee))
			return false;
		return fail(c, callee->pos, "%s is not a function", callee->name);
	}
	if (callee->kind == RR_AST_MEMBER && callee->name != NULL)
	{
		RrAst	   *object = callee->kids[0];

		/* Math.max(...), JSON.stringify(...) */
		if (object->kind == RR_AST_IDENT && rr_is_namespace(object->name))
		{
			function = rr_function_lookup(object->name, callee->name);
			if (function < 0)
				return fail(c, callee->pos, "%s.%s is not a function",
							object->name, callee->name);
			rr_function_arity(function, &min_args, &max_args);
			if (!check_arity(c, call, callee->name, min_args, max_args))
				return false;
			call->ref = RR_CALL_FUNCTION + function;
			return compile_kids(c, call, 1);
		}
		if (!compile_node(c, object))
			return false;
		/* the accessors of $input, $('N') and $node["N"] */
		if ((object->kind == RR_AST_IDENT && object->ref == RR_VAR_INPUT) ||
			(object->kind == RR_AST_CALL && object->ref == RR_CALL_NODE))
		{
			const char *const *name;

			for (name = accessors; *name != NULL; name++)
				if (strcmp(*name, callee->name) == 0)
					break;
			if (*name == NULL ||
				(object->kind == RR_AST_IDENT && name - accessors > 2))
				return fail(c, callee->pos, "%s has no method %s()",
							object->kind == RR_AST_IDENT ? "$input" : "$()",
							callee->name);
			call->ref = RR_CALL_HOST;
			return compile_kids(c, call, 1);
		}
		/* n8n gives undefined; a method no value has is a mistake */
		method = rr_method_lookup(callee->name);
		if (method < 0)
			return fail(c, callee->pos, "unknown method %s()", callee->name);
		callee->ref = RR_METHOD + method;
		call->ref = RR_CALL_METHOD;
		return compile_kids(c, call, 1);
	}
	return fail(c, callee->pos,
				"only functions and methods can be called, as in $json.name.trim()");
}

/* A node made by a rewrite, at pos, with up to two kids */
static RrAst *
made_node(RrAstKind kind, int pos, const char *name, RrAst *kid0, RrAst *kid1)
{
	RrAst	   *node = palloc0(sizeof(RrAst));

	node->kind = kind;
	node->pos = pos;
	node->name = name;
	node->nkids = (kid0 != NULL) + (kid1 != NULL);
	node->kids = palloc(sizeof(RrAst *) * 2);
	node->kids[0] = kid0;
	node->kids[1] = kid1;
	return node;
}

/* Whether node is $item(i): a call of $item with one argument */
static bool
is_item_call(const RrAst *node)
{
	return node->kind == RR_AST_CALL && node->nkids == 2 &&
		node->kids[0]->kind == RR_AST_IDENT &&
		strcmp(node->kids[0]->name, "$item") == 0 &&
		node->kids[1]->kind != RR_AST_SPREAD;
}

/*
 * $item(i), n8n's legacy proxy of the current node's item i (W
 * src/workflow-data-proxy.ts:1408-1426), in its two uses:
 * $item(i).$json reads as $input.all()[i].json, and $item(i).$node["N"]
 * as $('N').all()[i], whose .json is N's item i.  member is rewritten in
 * place; other uses of $item stay, and are refused as an unknown name.
 */
static void
rewrite_item(RrAst *member)
{
	RrAst	   *object = member->kids[0];
	RrAst	   *index;
	RrAst	   *items;

	if (member->name != NULL && strcmp(member->name, "$json") == 0 &&
		is_item_call(object))
	{
		index = object->kids[1];
		items = made_node(RR_AST_CALL, member->pos,
						 NULL, made_node(RR_AST_MEMBER, member->pos, "all",
										made_node(RR_AST_IDENT, member->pos,
												 "$input", NULL, NULL),
										NULL),
						 NULL);
		member->name = "json";
		member->kids[0] = made_node(RR_AST_MEMBER, member->pos, NULL, items,
								   index);
	}
	else if (member->name == NULL && member->kids[1]->kind == RR_AST_STRING &&
			 object->kind == RR_AST_MEMBER && object->name != NULL &&
			 strcmp(object->name, "$node") == 0 &&
			 is_item_call(object->kids[0]))
	{
		RrAst	   *node = made_node(RR_AST_CALL, member->pos,
									NULL, made_node(RR_AST_IDENT, member->pos,
												   "$", NULL, NULL),
									member->kids[1]);

		index = object->kids[0]->kids[1];
		items = made_node(RR_AST_CALL, member->pos, NULL,
						 made_node(RR_AST_MEMBER, member->pos, "all", node,
								  NULL),
						 NULL);
		member->kids[0] = items;
		member->kids[1] = index;
	}
}

static bool
compile_member(Compiler *c, RrAst *member)
{
	RrAst	   *object;

	rewrite_item(member);
	object = member->kids[0];

	if (object->kind == RR_AST_IDENT && rr_is_namespace(object->name))
	{
		JsValue		constant;
		int			function = member->name != NULL ?
			rr_function_lookup(object->name, member->name) : -1;

		/* Math.round as a value, as in .map(Math.round) */
		if (function >= 0)
			return function_value(member, function);
		if (member->name == NULL ||
			!rr_namespace_constant(object->name, member->name, &constant))
			return fail(c, member->pos, "%s has no constant %s", object->name,
						member->name ? member->name : "computed");
		/* Math.PI is a number, DateTime.DATE_MED a string */
		if (constant.kind == JS_STRING)
		{
			member->kind = RR_AST_STRING;
			member->str = constant.u.str.ptr;
			member->len = constant.u.str.len;
		}
		else
		{
			Assert(constant.kind == JS_NUMBER);
			member->kind = RR_AST_NUMBER;
			member->num = constant.u.num;
		}
		member->nkids = 0;
		return true;
	}
	return compile_kids(c, member, 0);
}

static bool
compile_arrow(Compiler *c, RrAst *arrow)
{
	int			saved = c->scope.nnames;
	int			i;
	bool		ok;

	if (c->scope.nnames + arrow->nparams > RR_AST_MAX_DEPTH)
		return fail(c, arrow->pos, "expression is nested too deeply");
	for (i = 0; i < arrow->nparams; i++)
	{
		c->scope.names[c->scope.nnames] = arrow->params[i];
		c->scope.slots[c->scope.nnames] = c->expr->nslots++;
		c->scope.nnames++;
	}
	/* the arrow's first slot, for eval.c */
	arrow->ref = c->expr->nslots - arrow->nparams;
	ok = compile_kids(c, arrow, 0);
	c->scope.nnames = saved;
	return ok;
}

/* A regular expression literal, compiled for PostgreSQL's engine once */
static bool
compile_regex(Compiler *c, RrAst *node)
{
	char	   *error;
	int			error_pos;

	node->regex = rr_regex_compile(node->str, node->len, node->name, &error,
								   &error_pos);
	if (node->regex == NULL)
		return fail(c, node->pos + 1 + error_pos, "%s", error);
	return true;
}

/*
 * new Date(...): at most 7 arguments; new RegExp(pattern, flags): at most
 * 2, compiled now when both are string literals; neither takes spread
 */
static bool
compile_new(Compiler *c, RrAst *node)
{
	bool		regexp = strcmp(node->name, "RegExp") == 0;
	int			max_args = regexp ? 2 : 7;
	int			i;

	for (i = 0; i < node->nkids; i++)
		if (node->kids[i]->kind == RR_AST_SPREAD)
			return fail(c, node->kids[i]->pos,
						"new %s() takes no spread arguments", node->name);
	if (node->nkids > max_args)
		return fail(c, node->pos, "new %s() takes at most %d arguments",
					node->name, max_args);
	if (regexp && node->nkids >= 1 && node->kids[0]->kind == RR_AST_STRING &&
		(node->nkids == 1 || node->kids[1]->kind == RR_AST_STRING))
	{
		char	   *error;
		int			error_pos;

		node->regex = rr_regex_new(js_string(node->kids[0]->str,
											 node->kids[0]->len),
								   node->nkids == 1 ? js_undefined() :
								   js_string(node->kids[1]->str,
											 node->kids[1]->len),
								   &error, &error_pos);
		if (node->regex == NULL)
			return fail(c, node->pos, "%s", error);
	}
	return compile_kids(c, node, 0);
}

static bool
compile_node(Compiler *c, RrAst *node)
{
	int			i;

	check_stack_depth();
	switch (node->kind)
	{
		case RR_AST_IDENT:
			return compile_ident(c, node);
		case RR_AST_CALL:
			return compile_call(c, node);
		case RR_AST_MEMBER:
			return compile_member(c, node);
		case RR_AST_ARROW:
			return compile_arrow(c, node);
		case RR_AST_OBJECT:
			for (i = 0; i < node->nkids; i++)
				if (node->computed != NULL && node->computed[i] != NULL &&
					!compile_node(c, node->computed[i]))
					return false;
			return compile_kids(c, node, 0);
		case RR_AST_REGEX:
			return compile_regex(c, node);
		case RR_AST_NEW:
			return compile_new(c, node);
		default:
			return compile_kids(c, node, 0);
	}
}

RrExpr *
rr_expr_compile(const char *text, int len, char **error, int *error_pos)
{
	Compiler	c;
	RrExpr	   *expr = palloc0(sizeof(RrExpr));

	expr->ast = rr_ast_parse(text, len, error, error_pos);
	if (expr->ast == NULL)
		return NULL;
	expr->text = pnstrdup(text, len);
	expr->len = len;
	memset(&c, 0, sizeof(c));
	c.expr = expr;
	if (!compile_node(&c, expr->ast))
	{
		*error = c.error;
		*error_pos = c.error_pos;
		return NULL;
	}
	if (expr->ast->kind == RR_AST_ARROW)
	{
		*error = pstrdup("this is a function, please add ()");
		*error_pos = expr->ast->pos;
		return NULL;
	}
	return expr;
}
