-- Run by the postgres image only on first start (empty postgres-data volume): one server,
-- two databases, so Airflow's metadata and the Iceberg JDBC catalog can be backed up and
-- dropped independently. Both are owned by POSTGRES_USER (shoplake).
CREATE DATABASE airflow;
CREATE DATABASE iceberg;
