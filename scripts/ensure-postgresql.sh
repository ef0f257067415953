#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries the storage tests start are
# present: Debian's `postgresql` package (initdb and postgres under
# /usr/lib/postgresql/<version>/bin). The tests start their own throw-away
# server (test/helpers/postgres-server.ts); the package's own cluster and
# service are not used, and nothing is downloaded from outside the package
# manager.
set -euo pipefail

found() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null &&
    compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

if found; then
  echo "ensure-postgresql: found $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); nothing to do."
  exit 0
fi

echo "ensure-postgresql: PostgreSQL server binaries are missing; the storage tests need them."

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-postgresql: not running as root, so cannot install them." >&2
  echo "ensure-postgresql: install them yourself: sudo apt-get install -y postgresql" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-postgresql: apt-get is not available; install PostgreSQL (initdb, postgres) by other means." >&2
  exit 1
fi

echo "ensure-postgresql: running apt-get update"
if ! apt-get update; then
  echo "ensure-postgresql: apt-get update failed (no network to the package mirror?)." >&2
  exit 1
fi

echo "ensure-postgresql: running apt-get install -y postgresql"
# policy-rc.d refusing 101: install the binaries without starting the
# package's own cluster as a service (the tests run their own servers).
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=no
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  CREATED_POLICY=yes
fi
status=0
DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql || status=$?
if [ "$CREATED_POLICY" = yes ]; then rm -f "$POLICY"; fi
if [ "$status" -ne 0 ]; then
  echo "ensure-postgresql: apt-get install postgresql failed." >&2
  exit 1
fi

if ! found; then
  echo "ensure-postgresql: postgresql was installed but /usr/lib/postgresql/*/bin/initdb is still missing." >&2
  exit 1
fi

# The helper runs the server as the `postgres` account when the tests run as root.
if [ "$(id -u)" -eq 0 ] && ! getent passwd postgres >/dev/null; then
  echo "ensure-postgresql: the postgres account is missing (the package creates it)." >&2
  exit 1
fi

echo "ensure-postgresql: installed $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)."
