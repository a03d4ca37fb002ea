/*-------------------------------------------------------------------------
 *
 * reporunner.h
 *		Settings and limits shared by every part of Reporunner.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REPORUNNER_H
#define REPORUNNER_H

/* Most nodes one workflow document may hold. */
#define RR_MAX_NODES		10000

/* Longest workflow name, in bytes (also enforced by a CHECK constraint). */
#define RR_MAX_NAME_BYTES	128

/* GUC variables (reporunner.c) */
extern PGDLLIMPORT int rr_max_document_size;
extern PGDLLIMPORT int rr_retention;	/* seconds; 0 keeps executions */

#endif							/* REPORUNNER_H */
