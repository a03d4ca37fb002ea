/*-------------------------------------------------------------------------
 *
 * map_date_time.c
 *		n8n's Date & Time node (v1 and v2) as date_time, and back (as v2).
 *
 * v2's operations map one to one (getCurrentDate: now, addToDate: add,
 * subtractFromDate: subtract, formatDate: format, roundDate: round,
 * getTimeBetweenDates: between, extractDate: extract), with n8n's
 * defaults written out.  n8n formats a date in UTC unless the option
 * "Use Workflow Timezone" is set, keeping the offset of a text with a "+"
 * in it: that is "timezone": "Etc/UTC" with "keep_offset".
 *
 * v1 writes its result into the input item at a path ("Property Name",
 * lodash's set) and speaks moment.js's format tokens, which are
 * translated into Luxon's; a token without a Luxon equivalent is refused.
 * Its "format" action reads and writes in the workflow's zone unless
 * "From Timezone" or "To Timezone" is set; its "calculate" action writes
 * an ISO text in UTC.  A node with "output_path" is exported as v1 (the
 * Luxon format translated back), any other as v2.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "n8n/mappers.h"

/* n8n's operation names, ours, and n8n's default output field of each */
static const char *const v2_ops[][2] = {
	{"getCurrentDate", "now"},
	{"addToDate", "add"},
	{"subtractFromDate", "subtract"},
	{"formatDate", "format"},
	{"roundDate", "round"},
	{"getTimeBetweenDates", "between"},
	{"extractDate", "extract"},
};

/* v2's format presets, which n8n writes as the format itself */
static const char *const v2_presets[] = {"MM/dd/yyyy", "yyyy/MM/dd",
"MMMM dd yyyy", "MM-dd-yyyy", "yyyy-MM-dd", "X", "x", NULL};

/* moment.js tokens and their Luxon equivalents */
static const char *const moment_tokens[][2] = {
	{"YYYY", "yyyy"}, {"YY", "yy"}, {"Q", "q"},
	{"MMMM", "LLLL"}, {"MMM", "LLL"}, {"MM", "LL"}, {"M", "L"},
	{"DDDD", "ooo"}, {"DDD", "o"}, {"DD", "dd"}, {"D", "d"},
	{"dddd", "cccc"}, {"ddd", "ccc"}, {"E", "c"},
	{"WW", "WW"}, {"W", "W"}, {"GGGG", "kkkk"}, {"GG", "kk"},
	{"HH", "HH"}, {"H", "H"}, {"hh", "hh"}, {"h", "h"},
	{"mm", "mm"}, {"m", "m"}, {"ss", "ss"}, {"s", "s"},
	{"SSS", "SSS"}, {"S", "S"}, {"A", "a"},
	{"ZZ", "ZZZ"}, {"Z", "ZZ"}, {"X", "X"}, {"x", "x"},
};

/* The letters of moment.js's format tokens */
#define MOMENT_LETTERS "MQDdeEwWgGYyAaHhkmsSZXxNnz"

/*
 * moment_to_luxon
 *		A moment.js format as a Luxon format (a new string), or NULL after
 *		a problem naming the token.  Letters are tokens, the text in
 *		[brackets] and other characters literal.
 */
static json_t *
moment_to_luxon(RrN8nContext *cx, const char *what, const char *format)
{
	char	   *out = malloc(strlen(format) * 3 + 3);
	size_t		n = 0;
	const char *p = format;
	json_t	   *result;

	if (out == NULL)
		return NULL;
	if (strstr(format, "{{") != NULL || format[0] == '=' ||
		strchr(format, '\'') != NULL)
	{
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "%s \"%s\" is a moment.js format computed by an expression or with a quote in it, which cannot be translated into a Luxon format",
					   what, format);
		free(out);
		return NULL;
	}
	while (*p != '\0')
	{
		size_t		run = 1;
		size_t		i;
		bool		found = false;

		if (*p == '[')
		{
			const char *end = strchr(p, ']');

			run = end == NULL ? strlen(p) : (size_t) (end - p) + 1;
			out[n++] = '\'';
			memcpy(out + n, p + 1, end == NULL ? run - 1 : run - 2);
			n += end == NULL ? run - 1 : run - 2;
			out[n++] = '\'';
			p += run;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		{
			out[n++] = *p++;
			continue;
		}
		while (p[run] == *p)
			run++;
		if (strchr(MOMENT_LETTERS, *p) == NULL)
		{
			/* moment writes other letters as they are */
			out[n++] = '\'';
			memcpy(out + n, p, run);
			n += run;
			out[n++] = '\'';
			p += run;
			continue;
		}
		for (i = 0; i < sizeof(moment_tokens) / sizeof(moment_tokens[0]); i++)
			if (strlen(moment_tokens[i][0]) == run &&
				strncmp(moment_tokens[i][0], p, run) == 0 &&
				p[run] != 'o')
			{
				memcpy(out + n, moment_tokens[i][1],
					   strlen(moment_tokens[i][1]));
				n += strlen(moment_tokens[i][1]);
				found = true;
			}
		if (!found)
		{
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "%s \"%s\" has the moment.js token \"%.*s\", which has no Luxon equivalent",
						   what, format, (int) (p[run] == 'o' ? run + 1 : run), p);
			free(out);
			return NULL;
		}
		p += run;
	}
	out[n] = '\0';
	result = json_string(out);
	free(out);
	return result;
}

/* Luxon tokens moment.js writes the same way, beyond moment_tokens */
static const char *const luxon_aliases[][2] = {
	{"MMMM", "MMMM"}, {"MMM", "MMM"}, {"MM", "MM"}, {"M", "M"},
	{"EEEE", "dddd"}, {"EEE", "ddd"},
};

/* The moment.js token of a Luxon token run, or NULL */
static const char *
moment_token(const char *p, size_t run)
{
	size_t		i;

	for (i = 0; i < sizeof(moment_tokens) / sizeof(moment_tokens[0]); i++)
		if (strlen(moment_tokens[i][1]) == run &&
			strncmp(moment_tokens[i][1], p, run) == 0)
			return moment_tokens[i][0];
	for (i = 0; i < sizeof(luxon_aliases) / sizeof(luxon_aliases[0]); i++)
		if (strlen(luxon_aliases[i][0]) == run &&
			strncmp(luxon_aliases[i][0], p, run) == 0)
			return luxon_aliases[i][1];
	return NULL;
}

/*
 * luxon_to_moment
 *		A Luxon format as a moment.js format (a new string), for the v1
 *		export, or NULL after a problem: moment_to_luxon's way back, the
 *		text in 'quotes' into [brackets].
 */
static json_t *
luxon_to_moment(RrN8nContext *cx, const char *what, const char *format)
{
	char	   *out = malloc(strlen(format) * 2 + 3);
	size_t		n = 0;
	const char *p = format;
	json_t	   *result;

	if (out == NULL)
		return NULL;
	while (*p != '\0')
	{
		size_t		run = 1;
		const char *token;

		if (*p == '\'')
		{
			const char *end = strchr(p + 1, '\'');
			size_t		len = end == NULL ? strlen(p + 1) : (size_t) (end - p - 1);

			out[n++] = '[';
			memcpy(out + n, p + 1, len);
			n += len;
			out[n++] = ']';
			p += len + (end == NULL ? 1 : 2);
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		{
			if (*p == '[' || *p == ']' || *p == '{')
				break;
			out[n++] = *p++;
			continue;
		}
		while (p[run] == *p)
			run++;
		token = moment_token(p, run);
		if (token == NULL)
		{
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "%s \"%s\" has the Luxon token \"%.*s\", which has no moment.js equivalent in n8n's Date & Time v1",
						   what, format, (int) run, p);
			free(out);
			return NULL;
		}
		memcpy(out + n, token, strlen(token));
		n += strlen(token);
		p += run;
	}
	if (*p != '\0')
	{
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "%s \"%s\" has a bracket or an expression, which n8n's Date & Time v1 would read otherwise",
					   what, format);
		free(out);
		return NULL;
	}
	out[n] = '\0';
	result = json_string(out);
	free(out);
	return result;
}

/* Set key of params to value (a new reference) when value is not NULL */
static void
set_new(json_t *params, const char *key, json_t *value)
{
	if (value != NULL)
		json_object_set_new(params, key, value);
}

/* A taken parameter, or its n8n default when absent */
static json_t *
take_or(RrN8nContext *cx, json_t *rest, const char *key, json_t *dflt)
{
	json_t	   *value = rr_n8n_take(rest, key);

	if (value == NULL)
		return dflt;
	json_decref(dflt);
	return rr_n8n_value(cx, value);
}

/* v2: the operation's own parameters */
static void
import_v2_operation(RrN8nContext *cx, const char *op, json_t *rest,
					json_t *options, json_t *params)
{
	if (strcmp(op, "now") == 0)
	{
		json_t	   *zone = rr_n8n_take(options, "timezone");

		set_new(params, "include_time",
				take_or(cx, rest, "includeTime", json_true()));
		if (!rr_n8n_is_empty(zone))
			set_new(params, "timezone", rr_n8n_value(cx, zone));
	}
	else if (strcmp(op, "add") == 0 || strcmp(op, "subtract") == 0)
	{
		set_new(params, "date", take_or(cx, rest, "magnitude", json_string("")));
		set_new(params, "duration", take_or(cx, rest, "duration", json_integer(0)));
		set_new(params, "unit", take_or(cx, rest, "timeUnit", json_string("days")));
	}
	else if (strcmp(op, "format") == 0)
	{
		json_t	   *format = take_or(cx, rest, "format",
									 json_string("MM/dd/yyyy"));
		json_t	   *custom = rr_n8n_take(rest, "customFormat");
		json_t	   *from = rr_n8n_take(options, "fromFormat");

		set_new(params, "date", take_or(cx, rest, "date", json_string("")));
		if (strcmp(rr_n8n_string(format, ""), "custom") == 0)
		{
			json_decref(format);
			format = rr_n8n_is_empty(custom) ? NULL : rr_n8n_value(cx, custom);
			if (format == NULL)
				rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
							   "an empty \"Custom Format\" is not supported (n8n writes an empty text)");
		}
		set_new(params, "format", format);
		if (!rr_n8n_is_empty(from))
			set_new(params, "from_format", rr_n8n_value(cx, from));
		if (!rr_n8n_bool(rr_n8n_take(options, "timezone"), false))
		{
			set_new(params, "timezone", json_string("Etc/UTC"));
			set_new(params, "keep_offset", json_true());
		}
	}
	else if (strcmp(op, "round") == 0)
	{
		json_t	   *mode = take_or(cx, rest, "mode", json_string("roundDown"));
		json_t	   *nearest = take_or(cx, rest, "toNearest", json_string("month"));
		json_t	   *to = take_or(cx, rest, "to", json_string("month"));
		bool		up = strcmp(rr_n8n_string(mode, ""), "roundUp") == 0;

		set_new(params, "date", take_or(cx, rest, "date", json_string("")));
		set_new(params, "mode", json_string(up ? "up" : "down"));
		set_new(params, "to", json_incref(up ? to : nearest));
		json_decref(mode);
		json_decref(nearest);
		json_decref(to);
	}
	else if (strcmp(op, "between") == 0)
	{
		set_new(params, "start_date", take_or(cx, rest, "startDate", json_string("")));
		set_new(params, "end_date", take_or(cx, rest, "endDate", json_string("")));
		set_new(params, "units", take_or(cx, rest, "units", json_pack("[s]", "day")));
		if (rr_n8n_bool(rr_n8n_take(options, "isoString"), false))
			set_new(params, "iso", json_true());
	}
	else
	{
		set_new(params, "date", take_or(cx, rest, "date", json_string("")));
		set_new(params, "part", take_or(cx, rest, "part", json_string("month")));
	}
}

/* v1: format and calculate, writing into the input item at a path */
static void
import_v1(RrN8nContext *cx, json_t *rest, json_t *options, json_t *params)
{
	json_t	   *action = take_or(cx, rest, "action", json_string("format"));
	json_t	   *from = rr_n8n_take(options, "fromFormat");

	set_new(params, "date", take_or(cx, rest, "value", json_string("")));
	if (strcmp(rr_n8n_string(action, ""), "calculate") == 0)
	{
		json_t	   *op = take_or(cx, rest, "operation", json_string("add"));

		json_object_set(params, "operation", op);
		set_new(params, "duration", take_or(cx, rest, "duration", json_integer(0)));
		set_new(params, "unit", take_or(cx, rest, "timeUnit", json_string("days")));
		set_new(params, "timezone", json_string("UTC"));
		json_decref(op);
	}
	else
	{
		json_t	   *format = take_or(cx, rest, "toFormat",
									 json_string("MM/DD/YYYY"));
		json_t	   *from_zone = rr_n8n_take(options, "fromTimezone");
		json_t	   *to_zone = rr_n8n_take(options, "toTimezone");

		(void) rr_n8n_take(rest, "custom");
		json_object_set_new(params, "operation", json_string("format"));
		set_new(params, "format",
				moment_to_luxon(cx, "\"To Format\"", rr_n8n_string(format, "")));
		if (!rr_n8n_is_empty(from_zone))
			set_new(params, "from_timezone", rr_n8n_value(cx, from_zone));
		if (!rr_n8n_is_empty(to_zone))
			set_new(params, "timezone", rr_n8n_value(cx, to_zone));
		json_decref(format);
	}
	if (!rr_n8n_is_empty(from))
		set_new(params, "from_format",
				moment_to_luxon(cx, "\"From Format\"", rr_n8n_string(from, "")));
	set_new(params, "output_field",
			take_or(cx, rest, "dataPropertyName", json_string("data")));
	json_object_set_new(params, "output_path", json_true());
	json_object_set_new(params, "include_input_fields", json_true());
	json_decref(action);
}

void
rr_n8n_import_date_time(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *options = rr_n8n_take(rest, "options");
	json_t	   *rest_options = json_is_object(options) ?
		json_copy(options) : rr_n8n_new_object();
	json_t	   *field;

	out->rr_type = "date_time";
	out->params = rr_n8n_new_object();
	/* the editor's notices: no value */
	(void) rr_n8n_take(rest, "notice");
	(void) rr_n8n_take(rest, "noticeDateTime");
	if (cx->version < 2)
		import_v1(cx, rest, rest_options, out->params);
	else
	{
		json_t	   *op = rr_n8n_take(rest, "operation");
		const char *name = rr_n8n_string(op, "getCurrentDate");
		const char *ours = NULL;
		size_t		i;

		for (i = 0; i < sizeof(v2_ops) / sizeof(v2_ops[0]); i++)
			if (strcmp(v2_ops[i][0], name) == 0)
				ours = v2_ops[i][1];
		if (ours == NULL)
			rr_n8n_problem(cx, RR_N8N_INVALID,
						   "operation \"%s\" is not one of n8n's", name);
		else
		{
			json_object_set_new(out->params, "operation", json_string(ours));
			import_v2_operation(cx, ours, rest, rest_options, out->params);
		}
		field = rr_n8n_take(rest, "outputFieldName");
		if (!rr_n8n_is_empty(field))
			set_new(out->params, "output_field", rr_n8n_value(cx, field));
		if (rr_n8n_bool(rr_n8n_take(rest_options, "includeInputFields"), false))
			json_object_set_new(out->params, "include_input_fields",
								json_true());
	}
	rr_n8n_leftovers(cx, rest_options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

/* Copy params' key to parameters' n8n_key, as an n8n value */
static void
export_param(json_t *params, const char *key, json_t *parameters,
			 const char *n8n_key)
{
	json_t	   *value = json_object_get(params, key);

	if (value != NULL)
		json_object_set_new(parameters, n8n_key, rr_n8n_export_value(value));
}

/*
 * export_v1
 *		A node as v1 imports it (the result at a path in the input item):
 *		format, or add and subtract in UTC (v1's calculate).
 */
static void
export_v1(RrN8nContext *cx, json_t *params, const char *op, RrN8nNode *out)
{
	json_t	   *options = rr_n8n_new_object();
	json_t	   *from = json_object_get(params, "from_format");
	const char *zone = rr_n8n_string(json_object_get(params, "timezone"), NULL);

	out->version = 1;
	if (!json_is_true(json_object_get(params, "include_input_fields")))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "n8n's Date & Time v1, which writes at a path, keeps the input fields: set \"include_input_fields\"");
	export_param(params, "date", out->params, "value");
	export_param(params, "output_field", out->params, "dataPropertyName");
	if (json_is_string(from))
		set_new(options, "fromFormat",
				luxon_to_moment(cx, "\"from_format\"", json_string_value(from)));
	if (strcmp(op, "format") == 0)
	{
		json_object_set_new(out->params, "action", json_string("format"));
		json_object_set_new(out->params, "custom", json_true());
		set_new(out->params, "toFormat",
				luxon_to_moment(cx, "\"format\"",
								rr_n8n_string(json_object_get(params, "format"), "")));
		export_param(params, "from_timezone", options, "fromTimezone");
		export_param(params, "timezone", options, "toTimezone");
		if (json_is_true(json_object_get(params, "keep_offset")))
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "\"keep_offset\" has no counterpart in n8n's Date & Time v1");
	}
	else if ((strcmp(op, "add") == 0 || strcmp(op, "subtract") == 0) &&
			 zone != NULL && strcmp(zone, "UTC") == 0)
	{
		json_object_set_new(out->params, "action", json_string("calculate"));
		json_object_set_new(out->params, "operation", json_string(op));
		export_param(params, "duration", out->params, "duration");
		export_param(params, "unit", out->params, "timeUnit");
	}
	else
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "n8n's Date & Time v1, which writes at a path (\"output_path\"), only formats, or adds and subtracts in UTC");
	json_object_set_new(out->params, "options", options);
}

void
rr_n8n_export_date_time(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	const char *op = rr_n8n_string(json_object_get(params, "operation"), "");
	const char *zone = rr_n8n_string(json_object_get(params, "timezone"), NULL);
	bool		keep_offset = json_is_true(json_object_get(params, "keep_offset"));
	json_t	   *options;
	size_t		i;

	out->n8n_type = "dateTime";
	out->params = rr_n8n_new_object();
	if (json_is_true(json_object_get(params, "output_path")))
	{
		export_v1(cx, params, op, out);
		return;
	}
	out->version = 2;
	options = rr_n8n_new_object();
	for (i = 0; i < sizeof(v2_ops) / sizeof(v2_ops[0]); i++)
		if (strcmp(v2_ops[i][1], op) == 0)
			json_object_set_new(out->params, "operation",
								json_string(v2_ops[i][0]));
	if (json_object_get(params, "from_timezone") != NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "\"from_timezone\" (n8n's Date & Time v1) has no counterpart in n8n's Date & Time v2");
	if (json_object_get(params, "from_format") != NULL &&
		strcmp(op, "format") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "n8n reads \"From Date Format\" only when formatting");
	if (strcmp(op, "format") == 0)
	{
		const char *format = rr_n8n_string(json_object_get(params, "format"), "");
		bool		preset = false;

		for (i = 0; v2_presets[i] != NULL; i++)
			preset |= strcmp(format, v2_presets[i]) == 0;
		if (zone == NULL && !keep_offset)
			json_object_set_new(options, "timezone", json_true());
		else if (zone == NULL || strcmp(zone, "Etc/UTC") != 0 || !keep_offset)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "n8n formats a date in the workflow's time zone, or in UTC keeping a \"+\" offset (\"timezone\": \"Etc/UTC\" with \"keep_offset\"), nothing else");
		export_param(params, "date", out->params, "date");
		if (preset)
			export_param(params, "format", out->params, "format");
		else
		{
			json_object_set_new(out->params, "format", json_string("custom"));
			export_param(params, "format", out->params, "customFormat");
		}
		export_param(params, "from_format", options, "fromFormat");
	}
	else if (zone != NULL && strcmp(op, "now") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "n8n reads dates in the workflow's time zone only, except for the current date");
	if (strcmp(op, "now") == 0)
	{
		export_param(params, "include_time", out->params, "includeTime");
		export_param(params, "timezone", options, "timezone");
	}
	else if (strcmp(op, "add") == 0 || strcmp(op, "subtract") == 0)
	{
		export_param(params, "date", out->params, "magnitude");
		export_param(params, "duration", out->params, "duration");
		export_param(params, "unit", out->params, "timeUnit");
	}
	else if (strcmp(op, "round") == 0)
	{
		bool		up = strcmp(rr_n8n_string(json_object_get(params, "mode"), ""), "up") == 0;

		export_param(params, "date", out->params, "date");
		json_object_set_new(out->params, "mode",
							json_string(up ? "roundUp" : "roundDown"));
		export_param(params, "to", out->params, up ? "to" : "toNearest");
	}
	else if (strcmp(op, "between") == 0)
	{
		export_param(params, "start_date", out->params, "startDate");
		export_param(params, "end_date", out->params, "endDate");
		export_param(params, "units", out->params, "units");
		export_param(params, "iso", options, "isoString");
	}
	else if (strcmp(op, "extract") == 0)
	{
		export_param(params, "date", out->params, "date");
		export_param(params, "part", out->params, "part");
	}
	export_param(params, "output_field", out->params, "outputFieldName");
	export_param(params, "include_input_fields", options, "includeInputFields");
	json_object_set_new(out->params, "options", options);
}
