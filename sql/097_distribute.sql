--
-- distribute() without Citus: a clear error, and nothing changed.
--
\set SHOW_CONTEXT never
SELECT reporunner.distribute();
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = 'reporunner.execution'::regclass AND contype = 'p';

-- superusers only
CREATE ROLE rr_distribute_tenant;
SET ROLE rr_distribute_tenant;
SELECT reporunner.distribute();
SELECT reporunner.prepare_distribution();
RESET ROLE;
DROP ROLE rr_distribute_tenant;
