-- As a PostgreSQL superuser (e.g. sudo -u postgres psql -f roles.sql), once:
-- the owner of the schema, which migrates it, and the application role, which
-- only reads and writes data. Give each a password afterwards (psql: \password).
CREATE ROLE billing_owner LOGIN;
CREATE ROLE billing_app LOGIN;
CREATE DATABASE billing OWNER billing_owner ENCODING 'UTF8';
REVOKE ALL ON DATABASE billing FROM PUBLIC;
GRANT CONNECT ON DATABASE billing TO billing_app;
-- A large volume import keeps its file's keys in a temporary table (dropped with
-- the transaction): the one thing beyond data privileges the application needs.
GRANT TEMPORARY ON DATABASE billing TO billing_app;
