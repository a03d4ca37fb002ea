/*
 * Reporunner 0.1.0 -> 0.2.0.  Applied by ALTER EXTENSION reporunner UPDATE;
 * the result must equal a fresh install of 0.2.0 (sql/998_upgrade checks
 * every object, privilege, policy and comment).
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION reporunner UPDATE TO '0.2.0'" to load this file. \quit
