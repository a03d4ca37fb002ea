/*-------------------------------------------------------------------------
 *
 * node_shape.c
 *		The outputs and inputs of a node, for the server's plan builder.
 *
 * The validator decides which outputs and inputs a node has from its type
 * and params (node_schema.c); the server asks the same code here, with the
 * params as JSON text, so the two never disagree.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "document.h"
#include "node_schema.h"

/* Parse params text into a jansson value; NULL when it is not JSON. */
static json_t *
load_params(const char *params_json, size_t len)
{
	json_error_t error;

	memset(&error, 0, sizeof(error));
	return json_loadb(params_json, len, 0, &error);
}

int
rr_node_outputs(const char *type_name, const char *params_json, size_t len,
				bool error_output, void (*emit) (const char *name, void *arg),
				void *arg)
{
	const RrNodeType *type = rr_node_type_lookup(type_name);
	json_t	   *params;
	char		buf[RR_OUTPUT_INDEX_BUFLEN];
	int			count;
	int			i;

	if (type == NULL || (params = load_params(params_json, len)) == NULL)
		return -1;
	count = rr_node_output_count(type, params, error_output);
	for (i = 0; i < count; i++)
		emit(rr_node_output_name(type, params, error_output, i, buf,
								 sizeof(buf)), arg);
	json_decref(params);
	return count;
}

int
rr_node_inputs(const char *type_name, const char *params_json, size_t len)
{
	const RrNodeType *type = rr_node_type_lookup(type_name);
	json_t	   *params;
	int64_t		count;

	if (type == NULL || (params = load_params(params_json, len)) == NULL)
		return -1;
	count = rr_node_input_count(type, params);
	json_decref(params);
	return (int) count;
}

bool
rr_node_is_trigger(const char *type_name)
{
	const RrNodeType *type = rr_node_type_lookup(type_name);

	return type != NULL && type->is_trigger;
}
