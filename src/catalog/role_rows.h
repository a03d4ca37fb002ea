/*-------------------------------------------------------------------------
 *
 * role_rows.h
 *		The rows a role owns in Reporunner when the role goes away.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ROLE_ROWS_H
#define RR_ROLE_ROWS_H

/* Install the DROP ROLE check (from _PG_init). */
extern void rr_role_rows_init(void);

#endif							/* RR_ROLE_ROWS_H */
