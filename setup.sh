#!/usr/bin/env bash
# One command for a fresh machine: installs what the project needs, then runs it.
#
#   ./setup.sh          install, then run the main job on the bundled samples (embedded defaults:
#                       JSON records + SQLite in ./data)
#   ./setup.sh test     install (with dev tools), make sure PostgreSQL is up, run ruff, mypy --strict
#                       and the tests
#
# System packages come from Debian (LibreOffice renders the sample PDFs, tesseract reads scans,
# poppler's pdftoppm renders pages); Python packages are pinned in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-run}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
# (grep -q would close the pipe early and, under pipefail, fail the check: read all output first)
langs=$(tesseract --list-langs 2>/dev/null || true)
grep -qx vie <<<"$langs" || need+=(tesseract-ocr-vie)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fonts=$(fc-list 2>/dev/null || true)
grep -qi "liberation serif" <<<"$fonts" || need+=(fonts-liberation)
if [ "$mode" = test ] && ! command -v pg_ctlcluster >/dev/null 2>&1; then need+=(postgresql); fi
# the desk's tests drive Debian's chromium with Playwright (Playwright's own browser download is never used)
if [ "$mode" = test ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${need[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
extras=""
[ "$mode" = test ] && extras="[dev]"
.venv/bin/pip install -q --disable-pip-version-check -e ".$extras"

export PREFECT_SERVER_ANALYTICS_ENABLED=false

case "$mode" in
  run)
    # the main job: every bundled sample through the batch, records into ./data
    .venv/bin/directives batch samples
    ;;
  test)
    # the tests talk to a real PostgreSQL on 127.0.0.1:5432; start it when it is down
    if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
      as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
      for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
    # the tests connect as postgres@127.0.0.1 without a password (trust, as on the project's machines); a
    # server fresh from Debian asks for one there, so the tests get a private cluster of their own instead
    # (initdb with trust auth on a free port, stopped and removed when the tests end); the system's
    # server and its pg_hba.conf are left as they are
    if [ -z "${DIRECTIVES_TEST_POSTGRES:-}" ] && ! .venv/bin/python -c \
        'import psycopg; psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()' \
        2>/dev/null; then
      pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
      pgbase="$(mktemp -d /tmp/directives-test-pg-XXXXXX)"
      chmod 755 "$pgbase"
      as_pg=()
      if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$pgbase"; fi
      pgport="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
      "${as_pg[@]}" "$pgbin/initdb" -D "$pgbase/data" -U postgres --auth=trust -E UTF8 >/dev/null
      "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgbase/data" -l "$pgbase/log" -w start \
        -o "-p $pgport -c listen_addresses=127.0.0.1 -k $pgbase" >/dev/null
      trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgbase/data" -m fast -w stop >/dev/null; rm -rf "$pgbase"' EXIT
      export DIRECTIVES_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$pgport/postgres"
      echo "setup: postgres@127.0.0.1:5432 asks for a password; the tests use a private cluster on port $pgport"
    fi
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    .venv/bin/mypy pipeline extractors models flows.py
    .venv/bin/python -m pytest
    ;;
  *)
    echo "usage: ./setup.sh [run|test]" >&2
    exit 2
    ;;
esac
