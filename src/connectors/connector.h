/*-------------------------------------------------------------------------
 *
 * connector.h
 *		Connectors: services described as data (docs/connectors.md).
 *
 * definition.c checks a definition as a whole; connector_store.c saves
 * versions (save_connector()) and loads the one a node uses;
 * src/nodes/connector.c turns an operation into an http node.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_CONNECTOR_H
#define RR_CONNECTOR_H

#include "postgres.h"

#include "utils/jsonb.h"

/* Longest connector, operation or param name, in bytes. */
#define RR_CONNECTOR_NAME_LEN	128

/*
 * ERROR 22023 unless definition is a valid connector definition; the
 * message names the operation and the dotted field.
 */
extern void rr_connector_check(const char *connector, Jsonb *definition);

/*
 * When the text inside a "{{ }}" is "$param.<name>" (blanks around
 * allowed), the name; else NULL.
 */
extern char *rr_connector_param_reference(const char *inner, size_t len);

/* Whether name is a param of the connector node itself (not of operations). */
extern bool rr_connector_is_node_param(const char *name);

/*
 * The latest definition of connector name for owner: owner's own, else the
 * shipped one; ERROR 42704 when there is neither.  Read as the tables'
 * owner, whoever the current role is.
 */
extern Jsonb *rr_connector_load(Oid owner, const char *name);

/* An operation for one connector node (rr_connector_translate). */
typedef struct RrConnectorOperation
{
	char	   *http_params;	/* JSON text: the params of an http node */
	char	   *error_when;		/* JSON text: the error rule's condition, or
								 * NULL */
	char	   *error_message;	/* JSON text: its message, or NULL */
	char	   *items;			/* the items path, or NULL */
} RrConnectorOperation;

/*
 * Check node's params (all of them, as saved) against operation of the
 * connector's definition, and the credential they name against owner's,
 * and write the operation for the node; ERROR 22023 naming the param.
 */
extern void rr_connector_translate(const char *node, const char *connector,
								   const char *operation, Jsonb *definition,
								   Jsonb *params, Oid owner,
								   RrConnectorOperation *result);

/* The type of owner's credential name, or NULL when it has none (yet). */
extern char *rr_connector_credential_type(Oid owner, const char *name);

#endif							/* RR_CONNECTOR_H */
