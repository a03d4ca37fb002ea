/*-------------------------------------------------------------------------
 *
 * node_schema.h
 *		Declarative description of workflow node types and their params.
 *
 * Every node type of node_types.h is one RrNodeType entry in
 * node_schema.c: its params (as a table of RrFieldSpec), its outputs and
 * its input count.  The same RrFieldSpec tables also describe the common
 * node fields, retry policies, settings and connections, so validate.c
 * checks all of them with one routine.
 *
 * Plain C on top of jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_NODE_SCHEMA_H
#define RR_NODE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The JSON shape a field must have. */
typedef enum RrFieldType
{
	RR_FIELD_ANY = 0,			/* any JSON value */
	RR_FIELD_STRING,
	RR_FIELD_INTEGER,			/* a JSON integer (no fraction) */
	RR_FIELD_NUMBER,			/* a JSON integer or real */
	RR_FIELD_BOOLEAN,
	RR_FIELD_OBJECT,
	RR_FIELD_ARRAY,
	RR_FIELD_DURATION,			/* a string such as "5min" */
	RR_FIELD_CONDITION			/* a string that is one {{ }} expression */
} RrFieldType;

/* RrFieldSpec.flags */
#define RR_FIELD_REQUIRED	0x01	/* must be present */
#define RR_FIELD_LITERAL	0x02	/* fixed text: no {{ }} anywhere in it */
#define RR_FIELD_STATIC		0x04	/* shapes the graph: may not be a lone
									 * expression standing for another type */
#define RR_FIELD_POSITIVE	0x08	/* durations: must be greater than zero */

/*
 * A field that is required only when a sibling string field has (or,
 * with negate, does not have) one of the given values.  A missing sibling
 * has no value.
 */
typedef struct RrFieldCondition
{
	const char *field;			/* sibling field name, NULL for none */
	const char *const *values;	/* NULL-terminated */
	bool		negate;
} RrFieldCondition;

/*
 * One field of an object: a node param, a node field, a setting or a
 * connection field.  Tables of them end with an entry whose name is NULL.
 *
 * Bounds (has_min/has_max) apply to the value of numbers, to the length in
 * bytes of strings and to the number of items of arrays.
 */
typedef struct RrFieldSpec
{
	const char *name;
	RrFieldType type;
	int			flags;			/* RR_FIELD_* bits */
	const char *const *choices; /* allowed string values, NULL-terminated */
	bool		has_min;
	bool		has_max;
	double		min;
	double		max;
	const struct RrFieldSpec *fields;	/* objects: the only keys allowed */
	const struct RrFieldSpec *items;	/* arrays: every item; objects
										 * without "fields": every value */
	RrFieldCondition required_if;	/* conditionally required */
	const char *below;			/* integers: must be less than this sibling */
	int64_t		default_int;	/* integers: value when absent */
	bool		(*valid) (const char *text, size_t len);	/* extra string
															 * check */
	const char *valid_rule;		/* what "valid" wants, after "must be" */
	const char *hint;			/* detail for literal, condition and valid
								 * errors */

	/*
	 * Strings: the values allowed, given the object that holds the field
	 * (a condition's operation, by its type); NULL when any is
	 */
	const char *const *(*choices_by) (const json_t *object);
	const char *const *one_of;	/* objects: fields of which exactly one
								 * must be given; NULL-terminated */
} RrFieldSpec;

/*
 * A rule between a node's params: when param is given, one of needs must
 * be given too (NULL-terminated; empty for none), and excludes must not
 * (NULL for none).  Tables of them end with an entry whose param is NULL.
 */
typedef struct RrParamRule
{
	const char *param;
	const char *needs[4];
	const char *excludes;
} RrParamRule;

/*
 * A node type.  Its outputs are, in order: one per item of the array param
 * "item_outputs" (named by that item's "item_output_name" field, or by its
 * 0-based position when the field is absent), then the fixed "outputs".
 * Its input count is the integer param "inputs_param" when set (or that
 * param's default), else "inputs".
 */
typedef struct RrNodeType
{
	const char *name;
	const RrFieldSpec *params;	/* never NULL; may be just the end entry */
	const char *const *outputs; /* NULL-terminated */
	const char *item_outputs;
	const char *item_output_name;
	int			inputs;
	const char *inputs_param;
	bool		is_trigger;		/* starts the workflow */
	const char *const *one_of;	/* params of which exactly one must be
								 * given (present, and not false or null);
								 * NULL-terminated, or NULL */
	const RrParamRule *rules;	/* params that need or exclude others, or
								 * NULL */
	bool		open_params;	/* params not in "params" are allowed (any
								 * JSON), the handler checks them */
	bool		loops;			/* cycles may pass through it (its loop
								 * output stops at some point) */
} RrNodeType;

/* Longest output name of a switch-like node, in bytes. */
#define RR_OUTPUT_NAME_LEN	128

/* Room for an output named by its position. */
#define RR_OUTPUT_INDEX_BUFLEN	24

/* Name of the extra output a node gets with "on_error": "error_output". */
#define RR_ERROR_OUTPUT		"error"

extern const RrNodeType rr_node_types[];
extern const int rr_node_type_count;

extern const RrNodeType *rr_node_type_lookup(const char *name);
extern const RrFieldSpec *rr_field_lookup(const RrFieldSpec *fields,
										  const char *name);

extern int	rr_node_output_count(const RrNodeType *type, const json_t *params,
								 bool error_output);
extern const char *rr_node_output_name(const RrNodeType *type,
									   const json_t *params,
									   bool error_output, int index,
									   char *buf, size_t buflen);
extern int64_t rr_node_input_count(const RrNodeType *type,
								   const json_t *params);

#endif							/* RR_NODE_SCHEMA_H */
