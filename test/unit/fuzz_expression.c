/*
 * fuzz_expression.c - libFuzzer target for the {{ }} expression parser
 * (src/expr/parser.c), built outside the server: the few server functions
 * the parser calls (palloc and friends, StringInfo, check_stack_depth) are
 * given here on top of malloc, and every block is freed after each input.
 *
 * Beyond not crashing, leaking or reading out of bounds (ASan, UBSan), the
 * parser must keep its contract (src/expr/ast.h): a tree whose every
 * pointer is readable and no taller than RR_AST_MAX_DEPTH, or an error
 * with a position inside the input.
 */
#include "postgres.h"

#include <stdarg.h>
#include <stdlib.h>

#include "expr/ast.h"
#include "lib/stringinfo.h"

typedef struct Block
{
	struct Block *next;
	Size		size;
	double		align;
} Block;

static Block *blocks;

void *
palloc(Size size)
{
	Block	   *b = malloc(sizeof(Block) + size);

	if (b == NULL)
		abort();
	b->size = size;
	b->next = blocks;
	blocks = b;
	return b + 1;
}

void *
palloc0(Size size)
{
	return memset(palloc(size), 0, size);
}

void *
repalloc(void *old, Size size)
{
	Block	   *b = (Block *) old - 1;
	void	   *p = palloc(size);

	memcpy(p, old, Min(b->size, size));
	return p;
}

void
pfree(void *p)
{
	/* freed with the rest after the input */
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *p = palloc(len + 1);

	memcpy(p, in, len);
	p[len] = '\0';
	return p;
}

char *
pstrdup(const char *in)
{
	return pnstrdup(in, strlen(in));
}

void
check_stack_depth(void)
{
}

void
ExceptionalCondition(const char *condition, const char *type,
					 const char *file, int line)
{
	fprintf(stderr, "assertion %s failed at %s:%d\n", condition, file, line);
	abort();
}

void
initStringInfo(StringInfo s)
{
	s->maxlen = 64;
	s->data = palloc(s->maxlen);
	s->len = 0;
	s->data[0] = '\0';
	s->cursor = 0;
}

void
enlargeStringInfo(StringInfo s, int needed)
{
	if (s->len + needed + 1 > s->maxlen)
	{
		int			maxlen = (s->len + needed + 1) * 2;
		char	   *data = palloc(maxlen);

		memcpy(data, s->data, s->len + 1);
		s->data = data;
		s->maxlen = maxlen;
	}
}

int
appendStringInfoVA(StringInfo s, const char *fmt, va_list args)
{
	int			avail = s->maxlen - s->len;
	int			n = vsnprintf(s->data + s->len, avail, fmt, args);

	if (n < avail)
	{
		s->len += n;
		return 0;
	}
	s->data[s->len] = '\0';
	return n + 1;
}

void
appendBinaryStringInfo(StringInfo s, const char *data, int len)
{
	enlargeStringInfo(s, len);
	memcpy(s->data + s->len, data, len);
	s->len += len;
	s->data[s->len] = '\0';
}

void
appendStringInfoChar(StringInfo s, char c)
{
	appendBinaryStringInfo(s, &c, 1);
}

/* Read every byte the tree points to; abort when it is taller than allowed */
static void
walk(const RrAst *node, int depth)
{
	volatile char sink = 0;
	int			i;

	if (depth > RR_AST_MAX_DEPTH + 1)
		abort();
	for (i = 0; i < node->len && node->str != NULL; i++)
		sink ^= node->str[i];
	if (node->name != NULL)
		sink ^= (char) strlen(node->name);
	for (i = 0; i < node->nparts; i++)
		if (node->partlens[i] > 0)
			sink ^= node->parts[i][node->partlens[i] - 1];
	for (i = 0; i < node->nparams; i++)
		sink ^= (char) strlen(node->params[i]);
	for (i = 0; i < node->nkids; i++)
	{
		if (node->kind == RR_AST_OBJECT)
		{
			if (node->keys[i] != NULL && node->keylens[i] > 0)
				sink ^= node->keys[i][node->keylens[i] - 1];
			else if (node->computed[i] != NULL)
				walk(node->computed[i], depth + 1);
		}
		if (node->kids[i] != NULL)
			walk(node->kids[i], depth + 1);
	}
	(void) sink;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* a copy of exactly size bytes, so that ASan sees any read past it */
	char	   *text = malloc(size > 0 ? size : 1);
	char	   *error = NULL;
	int			error_pos = -1;
	RrAst	   *tree;

	memcpy(text, data, size);
	tree = rr_ast_parse(text, (int) size, &error, &error_pos);
	if (tree != NULL)
		walk(tree, 1);
	else if (error == NULL || error_pos < 0 || error_pos > (int) size)
		abort();
	free(text);
	while (blocks != NULL)
	{
		Block	   *next = blocks->next;

		free(blocks);
		blocks = next;
	}
	return 0;
}
