/*-------------------------------------------------------------------------
 *
 * n8n.h
 *		Translating n8n's workflow JSON to Reporunner documents and back.
 *
 * Plain C on jansson, no PostgreSQL header (as src/document): the SQL
 * functions in n8n_sql.c give it JSON and turn its problems into one
 * error.  import.c and export.c own the document-wide parts (nodes'
 * settings, positions, connections, pinData); each node family's mapping
 * both ways is one file of map_*.c, listed in the table of mappers.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_N8N_H
#define RR_N8N_H

#include <stdbool.h>

#include <jansson.h>

/* What is wrong with one node; the import fails when there is any. */
typedef enum RrN8nProblemKind
{
	RR_N8N_UNSUPPORTED,			/* not importable (yet): 0A000 */
	RR_N8N_INVALID				/* not a valid n8n node: 22023 */
} RrN8nProblemKind;

/* The node being translated, and where its problems go */
typedef struct RrN8nContext
{
	const char *node;			/* its name */
	const char *type;			/* its n8n type */
	double		version;		/* its n8n typeVersion */
	json_t	   *options;		/* import_n8n()'s options */
	json_t	   *problems;		/* array of {node, type, reason, kind} */
	bool		failed;			/* this node added a problem */
} RrN8nContext;

/*
 * One node as a mapper translates it.  Import: the mapper sets rr_type,
 * params and outputs (its Reporunner output names by n8n output index;
 * NULL means just "main"), and may set trigger (an array of entries of
 * the document's "triggers").  Export: it sets n8n_type, version, parameters
 * and outputs the same way.
 */
typedef struct RrN8nNode
{
	const char *rr_type;
	const char *n8n_type;
	double		version;
	json_t	   *params;			/* Reporunner params, or n8n parameters */
	json_t	   *outputs;		/* array of output names, or NULL */
	json_t	   *trigger;		/* import only: triggers of the workflow */
} RrN8nNode;

typedef void (*RrN8nImportFn) (RrN8nContext *cx, json_t *parameters,
							   RrN8nNode *out);
typedef void (*RrN8nExportFn) (RrN8nContext *cx, json_t *params,
							   RrN8nNode *out);

/*
 * A row of the table of mappers: the n8n type (without the
 * "n8n-nodes-base." prefix) and the versions imported, or, with
 * import NULL, a refusal saying why; rr_type and export for the row
 * that export_workflow(format => 'n8n') uses for a Reporunner type.
 */
typedef struct RrN8nMapper
{
	const char *n8n_type;
	double		min_version;
	double		max_version;
	RrN8nImportFn import;
	const char *refusal;		/* with import NULL */
	const char *rr_type;		/* exported as this row, or NULL */
	RrN8nExportFn export;
	bool		own_database;	/* its credentials name a database: the
								 * node runs in Reporunner's instead */
} RrN8nMapper;

extern const RrN8nMapper rr_n8n_mappers[];
extern const int rr_n8n_mapper_count;

/* import.c and export.c: the whole translation; problems is an array */
extern json_t *rr_n8n_import(json_t *workflow, json_t *options,
							 json_t *problems);
extern json_t *rr_n8n_export(json_t *document, const char *name,
							 json_t *problems);

/* map_util.c: what every mapper needs */
extern void rr_n8n_problem(RrN8nContext *cx, RrN8nProblemKind kind,
						   const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
extern json_t *rr_n8n_new_object(void);
extern json_t *rr_n8n_take(json_t *rest, const char *key);
extern void rr_n8n_leftovers(RrN8nContext *cx, json_t *rest,
							 const char *where);
extern json_t *rr_n8n_value(RrN8nContext *cx, json_t *value);
extern json_t *rr_n8n_export_value(json_t *value);
extern json_t *rr_n8n_lone_expression(RrN8nContext *cx, json_t *value,
									  const char *what);
extern const char *rr_n8n_string(json_t *value, const char *fallback);
extern bool rr_n8n_bool(json_t *value, bool fallback);
extern bool rr_n8n_is_empty(json_t *value);
extern json_t *rr_n8n_field_list(RrN8nContext *cx, json_t *value);
extern json_t *rr_n8n_outputs(const char *first,...);
extern json_t *rr_n8n_join(json_t *names);

/* map_conditions.c: n8n's filter conditions and the conditions param */
extern json_t *rr_n8n_import_conditions(RrN8nContext *cx, json_t *conditions,
										json_t *options, bool loose);
extern json_t *rr_n8n_import_v1_conditions(RrN8nContext *cx,
										   json_t *conditions,
										   const char *combine);
extern json_t *rr_n8n_export_conditions(RrN8nContext *cx, json_t *conditions);

#endif							/* RR_N8N_H */
