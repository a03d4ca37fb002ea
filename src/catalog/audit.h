/*-------------------------------------------------------------------------
 *
 * audit.h
 *		The audit log: one row of reporunner.audit per change made through
 *		the API to what runs (versions, activation, shares, triggers,
 *		credentials, the master key, owners).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_AUDIT_H
#define RR_AUDIT_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

/*
 * One audited action.  action and object_kind are among those the table's
 * CHECK constraints list; owner is the role the row belongs to (the role
 * acted for).  0 or NULL leaves object_id, object_name, from_version,
 * to_version and details empty.
 */
typedef struct RrAuditEntry
{
	const char *action;
	const char *object_kind;
	int64		object_id;
	const char *object_name;
	Oid			owner;
	int32		from_version;
	int32		to_version;
	StringInfo	details;		/* made with rr_audit_detail*(), or NULL */
} RrAuditEntry;

/*
 * Write the row, as the tables' owner, in the current transaction (a
 * rollback takes it back).  The session user and the current user are the
 * roles that act: call it with the caller's identity, not inside
 * rr_store_become_owner().
 */
extern void rr_audit(const RrAuditEntry *entry);

/*
 * Add a member to the details of an entry (details starts empty, from
 * initStringInfo): a string (null when value is NULL), a number, a jsonb.
 * Never a secret nor items.
 */
extern void rr_audit_detail(StringInfo details, const char *key,
							const char *value);
extern void rr_audit_detail_int(StringInfo details, const char *key,
								int64 value);
extern void rr_audit_detail_jsonb(StringInfo details, const char *key,
								  Jsonb *value);

/* A role's name, or its OID as text when it no longer exists */
extern char *rr_audit_role_name(Oid role);

#endif							/* RR_AUDIT_H */
