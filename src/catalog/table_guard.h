/*-------------------------------------------------------------------------
 *
 * table_guard.h
 *		Who may lock Reporunner's tables (see table_guard.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_TABLE_GUARD_H
#define RR_TABLE_GUARD_H

#include "postgres.h"

#include "nodes/nodes.h"

/*
 * ERROR for LOCK TABLE of a relation in schema reporunner, or of a view
 * that reads one, in a mode that holds off others' writes or reads, by a
 * role that does not own it (the ProcessUtility hook, src/reporunner.c).
 */
extern void rr_table_check_utility(Node *utility);

#endif							/* RR_TABLE_GUARD_H */
