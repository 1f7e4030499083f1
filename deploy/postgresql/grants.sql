-- As billing_owner, connected to the billing database, once and before the first
-- 'billing db upgrade' (psql "postgresql://billing_owner@HOST/billing" -f grants.sql).
-- The default privileges give the application role its data privileges on every
-- table and sequence the owner's migrations create, now and in later releases.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO billing_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO billing_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO billing_app;
-- Tables made before the default privileges were set (running this file again is harmless).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO billing_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO billing_app;
