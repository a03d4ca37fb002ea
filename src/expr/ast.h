/*-------------------------------------------------------------------------
 *
 * ast.h
 *		The syntax tree of one {{ }} expression: a JavaScript expression
 *		(n8n's dialect, src/expr/PLAN.md section 1.2), as parser.c builds it.
 *
 * The tree is allocated in the current memory context when parsed and is
 * read-only afterwards.  Every node carries the byte offset in the
 * expression text where it starts (pos), for messages.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_AST_H
#define RR_AST_H

#include "postgres.h"

typedef enum RrAstKind
{
	RR_AST_NUMBER,				/* number literal: num */
	RR_AST_STRING,				/* string literal: str/len, decoded UTF-8 */
	RR_AST_TRUE,
	RR_AST_FALSE,
	RR_AST_NULL,
	RR_AST_UNDEFINED,			/* the identifier "undefined" */
	RR_AST_TEMPLATE,			/* `a${x}b`: nparts cooked strings in parts,
								 * nkids = nparts - 1 expressions in kids */
	RR_AST_REGEX,				/* /pattern/flags: str/len = pattern, name =
								 * flags (NUL-terminated, maybe "") */
	RR_AST_IDENT,				/* name: a variable ($json), a global (Math)
								 * or an arrow parameter */
	RR_AST_ARRAY,				/* [kids...]; a kid may be RR_AST_SPREAD */
	RR_AST_OBJECT,				/* {props}: nkids values, keys[i] the literal
								 * key or NULL when computed (then
								 * computed[i] holds the key expression); a
								 * spread member has keys[i] NULL,
								 * computed[i] NULL and kids[i] a SPREAD */
	RR_AST_MEMBER,				/* kids[0].name, or kids[0][kids[1]] when
								 * name is NULL; optional for ?. */
	RR_AST_CALL,				/* kids[0](kids[1..]); optional for ?.() */
	RR_AST_CHAIN,				/* kids[0] is a chain holding a ?.: a ?. that
								 * meets null or undefined makes the whole
								 * CHAIN undefined (ESTree ChainExpression) */
	RR_AST_UNARY,				/* op kids[0]: ! - + ~ typeof */
	RR_AST_BINARY,				/* kids[0] op kids[1]: arithmetic, compare,
								 * equality, bitwise, shifts, in */
	RR_AST_LOGICAL,				/* kids[0] op kids[1]: && || ?? */
	RR_AST_CONDITIONAL,			/* kids[0] ? kids[1] : kids[2] */
	RR_AST_ARROW,				/* (params) => kids[0]: nparams names in
								 * params */
	RR_AST_SPREAD,				/* ...kids[0], in arrays, objects, arguments */
	RR_AST_NEW					/* new Date(kids...) or new RegExp(kids...)
								 * (the only "new"s); name is "Date" or
								 * "RegExp" */
} RrAstKind;

/* Operators of RR_AST_UNARY, RR_AST_BINARY and RR_AST_LOGICAL */
typedef enum RrAstOp
{
	RR_OP_NONE = 0,
	/* unary */
	RR_OP_NOT,					/* ! */
	RR_OP_NEG,					/* - */
	RR_OP_PLUS,					/* + */
	RR_OP_BITNOT,				/* ~ */
	RR_OP_TYPEOF,				/* typeof */
	/* binary */
	RR_OP_ADD,					/* + */
	RR_OP_SUB,					/* - */
	RR_OP_MUL,					/* * */
	RR_OP_DIV,					/* / */
	RR_OP_MOD,					/* % */
	RR_OP_POW,					/* ** */
	RR_OP_EQ,					/* == */
	RR_OP_NE,					/* != */
	RR_OP_SEQ,					/* === */
	RR_OP_SNE,					/* !== */
	RR_OP_LT,					/* < */
	RR_OP_LE,					/* <= */
	RR_OP_GT,					/* > */
	RR_OP_GE,					/* >= */
	RR_OP_IN,					/* in */
	RR_OP_BITAND,				/* & */
	RR_OP_BITOR,				/* | */
	RR_OP_BITXOR,				/* ^ */
	RR_OP_SHL,					/* << */
	RR_OP_SHR,					/* >> */
	RR_OP_USHR,					/* >>> */
	/* logical */
	RR_OP_AND,					/* && */
	RR_OP_OR,					/* || */
	RR_OP_COALESCE				/* ?? */
} RrAstOp;

typedef struct RrAst
{
	RrAstKind	kind;
	RrAstOp		op;
	int			pos;			/* byte offset in the expression text */
	bool		optional;		/* MEMBER/CALL reached through ?. */
	double		num;			/* NUMBER */
	const char *str;			/* STRING, REGEX: bytes (not NUL-terminated
								 * for STRING: may hold NUL) */
	int			len;			/* length of str */
	const char *name;			/* IDENT, MEMBER (dot), REGEX flags, NEW;
								 * NUL-terminated */
	int			nkids;
	struct RrAst **kids;
	/* OBJECT: nkids keys (NUL-terminated, may be NULL) and computed keys */
	const char **keys;
	int		   *keylens;
	struct RrAst **computed;
	/* TEMPLATE: nparts cooked strings */
	int			nparts;
	const char **parts;
	int		   *partlens;
	/* ARROW: nparams names; with destructured parameters ([k, v], {a, b:
	 * c}), param_arg says which argument each comes from, and param_key
	 * (a member) or param_element (an index, else -1) what of it */
	int			nparams;
	const char **params;
	int		   *param_arg;
	const char **param_key;
	int		   *param_element;
	/* set by compile.c: what an IDENT, MEMBER or CALL resolves to */
	int			ref;
	/* set by compile.c: a REGEX, or a NEW RegExp of literals, compiled
	 * (src/expr/regex.h) */
	const struct RrRegex *regex;
} RrAst;

/*
 * Parse the inside of one {{ }} (len bytes of text, UTF-8) into a tree.
 * On a syntax error or a refused construct returns NULL, with a palloc'd
 * message in *error (lower case, no period: "unexpected token \")\"",
 * "assignment is not allowed in expressions") and the byte offset where
 * it was found in *error_pos.  Never raises an ERROR for bad input; deep
 * nesting is refused (at most RR_AST_MAX_DEPTH) before the C stack is at
 * risk.
 */
#define RR_AST_MAX_DEPTH	200
extern RrAst *rr_ast_parse(const char *text, int len, char **error,
						   int *error_pos);

#endif							/* RR_AST_H */
