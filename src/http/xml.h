/*-------------------------------------------------------------------------
 *
 * xml.h
 *		XML response bodies read as JSON (docs/http.md, "XML responses").
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_HTTP_XML_H
#define RR_HTTP_XML_H

#include "postgres.h"

#include "utils/jsonb.h"

/* Deepest nesting of elements an XML document may have. */
#define RR_XML_MAX_DEPTH	64

/*
 * The XML document text[0..len) (in the database's encoding) as a JSON
 * value: {"<root>": element}, an element being its text when it has no
 * attributes and no child elements, else an object of "@<attribute>"
 * members, a member per child element's name (an array when the name comes
 * more than once) and "#text" (its text trimmed, when there is any).  No
 * DTD, no entities but the five predefined ones and character references.
 * NULL when the text is not such a document, with *error saying why (and
 * where); raises nothing but out of memory.
 */
extern JsonbValue *rr_xml_to_json(const char *text, size_t len, char **error);

#endif							/* RR_HTTP_XML_H */
