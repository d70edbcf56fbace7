#!/bin/sh
# Creates Temporal's two PostgreSQL databases when missing and brings their schema up to the
# version of the temporal-sql-tool running this (temporalio/admin-tools). Safe to run again:
# `setup-schema -v 0.0` only adds the version tables, and `update-schema` applies only the
# versioned steps not yet recorded.
#
# The tool reads its connection from SQL_PLUGIN (postgres12), SQL_HOST, SQL_PORT, SQL_USER and
# SQL_PASSWORD. Used by docker-compose.yml (temporal-schema) and by test/deploy/temporal-scripts.test.ts.
set -eu

schema="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

setup() {
  database="$1"
  versioned="$2"
  if ! temporal-sql-tool --db "$database" setup-schema -v 0.0 >/dev/null 2>&1; then
    echo "creating database $database"
    temporal-sql-tool --db "$database" create-database
    temporal-sql-tool --db "$database" setup-schema -v 0.0
  fi
  temporal-sql-tool --db "$database" update-schema -d "$versioned"
  echo "database $database is at the schema of this Temporal version"
}

setup "${TEMPORAL_DB:-temporal}" "$schema/temporal/versioned"
setup "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}" "$schema/visibility/versioned"
