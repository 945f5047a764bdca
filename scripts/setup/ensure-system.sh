#!/usr/bin/env bash
# Makes sure the Debian packages the README's commands need are present; run by `npm start` (prestart),
# `npm test` (pretest) and .ci/run. Fast when everything is there (file tests and one SQL query, well under a second).
#   scripts/setup/ensure-system.sh start   what `npm start` needs: the enhancer's dictd dictionaries
#   scripts/setup/ensure-system.sh test    also chromium, nginx, prometheus/promtool, a font, pgvector in the local
#                                          PostgreSQL, the RabbitMQ Prometheus plugin on :15692 and management API on :15672
# As root, installs what is missing (apt-get; pgvector built from ../shared/vendor). Otherwise prints the exact
# commands and exits 1. ATELIER_SKIP_SYSTEM_CHECK=1 skips everything (e.g. inside the service images).
set -euo pipefail
mode="${1:-test}"
[[ "${ATELIER_SKIP_SYSTEM_CHECK:-}" == 1 ]] && exit 0
root="$(cd "$(dirname "$0")/../.." && pwd)"
pg_admin="${DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

apt_missing=()   # Debian packages to install
todo=()          # other steps, as commands for a person to run
need_pkg() { apt_missing+=("$@"); }

# ---- what is missing
[[ -f /usr/share/dictd/mueller7.index ]] || need_pkg mueller7-dict
[[ -f /usr/share/dictd/freedict-eng-rus.index ]] || need_pkg dict-freedict-eng-rus
# Cyrillic fonts for the creative text layer (the generator sets Roboto, DejaVu is its fallback).
[[ -f /usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Black.ttf ]] || need_pkg fonts-roboto-unhinted
[[ -d /usr/share/fonts/truetype/dejavu ]] || need_pkg fonts-dejavu-core
if [[ "$mode" == test ]]; then
  command -v chromium >/dev/null 2>&1 || need_pkg chromium
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need_pkg nginx
  { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || need_pkg prometheus
fi

# pgvector: only for a PostgreSQL on this machine (a remote one is its operator's business).
pgvector_missing=false
pg_major=""
if [[ "$mode" == test ]] && command -v psql >/dev/null 2>&1 && command -v pg_lsclusters >/dev/null 2>&1; then
  pg_major="$(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1; exit }')"
  if [[ -n "$pg_major" ]] \
    && [[ "$(psql "$pg_admin" -Atqc "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'" 2>/dev/null)" == 0 ]]; then
    pgvector_missing=true
    # The server package ships pg_config too; only the -dev package has the headers the build needs.
    [[ -f "/usr/include/postgresql/$pg_major/server/postgres.h" ]] || need_pkg "postgresql-server-dev-$pg_major"
    command -v make >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1 || need_pkg build-essential
  fi
fi

# The broker's Prometheus endpoint, for the ops test (ops/prometheus): enable it when the broker runs here.
rabbit_plugin_missing=false
# And the management API, which the broker definitions test loads the mesh's users through (as compose and k8s do).
if [[ "$mode" == test ]] && command -v rabbitmq-plugins >/dev/null 2>&1 \
  && { ! (exec 3<>/dev/tcp/127.0.0.1/15692) 2>/dev/null || ! (exec 3<>/dev/tcp/127.0.0.1/15672) 2>/dev/null; }; then
  rabbit_plugin_missing=true
fi

if [[ ${#apt_missing[@]} -eq 0 && "$pgvector_missing" == false && "$rabbit_plugin_missing" == false ]]; then
  exit 0
fi

# ---- install (root) or explain (anyone else)
tarball=""
for candidate in "${PGVECTOR_TARBALL:-}" "$root"/../shared/vendor/pgvector-*.tar.gz "$root"/vendor/pgvector-*.tar.gz; do
  [[ -n "$candidate" && -f "$candidate" ]] && { tarball="$candidate"; break; }
done

if [[ "$(id -u)" != 0 ]]; then
  echo "atelier: missing system dependencies for 'npm $mode'. Run as root:" >&2
  [[ ${#apt_missing[@]} -gt 0 ]] && echo "  apt-get update && apt-get install -y --no-install-recommends ${apt_missing[*]}" >&2
  if [[ "$pgvector_missing" == true ]]; then
    echo "  # pgvector for PostgreSQL $pg_major (or: apt-get install postgresql-$pg_major-pgvector)" >&2
    echo "  tar -xzf ${tarball:-pgvector-0.8.6.tar.gz} -C /tmp && make -C /tmp/pgvector-* PG_CONFIG=/usr/lib/postgresql/$pg_major/bin/pg_config && make -C /tmp/pgvector-* install PG_CONFIG=/usr/lib/postgresql/$pg_major/bin/pg_config" >&2
  fi
  [[ "$rabbit_plugin_missing" == true ]] && echo "  rabbitmq-plugins enable rabbitmq_prometheus rabbitmq_management" >&2
  exit 1
fi

if [[ ${#apt_missing[@]} -gt 0 ]]; then
  echo "atelier: installing ${apt_missing[*]}" >&2
  # An old or absent package list (fresh image) would not know the packages.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

if [[ "$pgvector_missing" == true ]]; then
  pg_config="/usr/lib/postgresql/$pg_major/bin/pg_config"
  if [[ -n "$tarball" ]]; then
    echo "atelier: building pgvector from $tarball for PostgreSQL $pg_major" >&2
    build="$(mktemp -d)"
    tar -xzf "$tarball" -C "$build" --strip-components=1
    make -s -C "$build" PG_CONFIG="$pg_config" >/dev/null
    make -s -C "$build" install PG_CONFIG="$pg_config" >/dev/null
    rm -rf "$build"
  else
    echo "atelier: no pgvector tarball found; installing postgresql-$pg_major-pgvector from Debian" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "postgresql-$pg_major-pgvector" >/dev/null
  fi
fi

if [[ "$rabbit_plugin_missing" == true ]]; then
  echo "atelier: enabling rabbitmq_prometheus rabbitmq_management" >&2
  rabbitmq-plugins enable rabbitmq_prometheus rabbitmq_management >/dev/null \
    || echo "atelier: could not enable rabbitmq_prometheus rabbitmq_management" >&2
fi
