#!/usr/bin/env bash
# The whole test suite, the same on a laptop and in CI:
#   lint · typecheck · unit · integration on PGlite · integration on PostgreSQL · browser (Chromium)
#
# PostgreSQL: LINDUNG_TEST_PG_URL if set (a server you run; the tests create and drop their own
# databases in it), otherwise a throwaway cluster from scripts/pg-temp.sh on a free port.
# Chromium: LINDUNG_CHROMIUM if set, otherwise /usr/bin/chromium.
# Without them the run goes on and says loudly what it skipped; with CI=true a missing engine or
# browser is a failure. Every step runs even after a failure; the exit code is non-zero if any failed.
# Each step is limited to LINDUNG_TEST_STEP_TIMEOUT seconds (default 480; 0 = no limit), so a hung
# test fails its step instead of hanging CI (which allows 20 minutes for everything).
# The last line is "N passed, N failed" (", N skipped" when something was skipped).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

CI_MODE=0
case "${CI:-}" in true | TRUE | True | 1 | yes) CI_MODE=1 ;; esac

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  BOLD=$'\e[1m' RED=$'\e[31m' GREEN=$'\e[32m' YELLOW=$'\e[33m' RESET=$'\e[0m'
else
  BOLD='' RED='' GREEN='' YELLOW='' RESET=''
fi

# ---------------------------------------------------------------------------------------------
# Bookkeeping

STEP_NAMES=() STEP_RESULTS=() STEP_TIMES=() STEP_NOTES=()
PASSED=0 FAILED=0 SKIPPED=0
STEP_NO=0
TOTAL_STEPS=6
STEP_DISPLAY=

now_us() {
  local t="${EPOCHREALTIME:-}"
  if [[ -n "$t" ]]; then echo "${t/./}"; else echo "$(($(date +%s) * 1000000))"; fi
}

fmt_secs() { # microseconds -> "12.3s"
  local us=$1
  printf '%d.%01ds' $((us / 1000000)) $(((us % 1000000) / 100000))
}

record() { # name result(PASS|FAIL|SKIP) micros note
  STEP_NAMES+=("$1") STEP_RESULTS+=("$2") STEP_TIMES+=("$3") STEP_NOTES+=("${4:-}")
  case "$2" in
    PASS) PASSED=$((PASSED + 1)) ;;
    FAIL) FAILED=$((FAILED + 1)) ;;
    SKIP) SKIPPED=$((SKIPPED + 1)) ;;
  esac
}

header() {
  STEP_NO=$((STEP_NO + 1))
  echo
  echo "${BOLD}==> [$STEP_NO/$TOTAL_STEPS] $1${RESET}"
  if [[ -n "${2:-}" ]]; then echo "    \$ $2"; fi
}

STEP_TIMEOUT="${LINDUNG_TEST_STEP_TIMEOUT:-480}"
[[ "$STEP_TIMEOUT" =~ ^[0-9]+$ ]] || { echo "LINDUNG_TEST_STEP_TIMEOUT must be a number of seconds" >&2; exit 2; }
CHILD_PID=''

# guarded COMMAND... : runs a program under the step time limit, as a background job so that
# Ctrl-C / SIGTERM reach this script at once (see on_signal) instead of after the step.
# `timeout` puts the command in its own process group and kills the whole group (vitest workers too).
guarded() {
  local rc=0
  if [[ "$STEP_TIMEOUT" != 0 ]] && command -v timeout >/dev/null 2>&1; then
    timeout -k 15 "$STEP_TIMEOUT" "$@" &
  else
    "$@" &
  fi
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=''
  if [[ $rc -eq 124 || ($rc -eq 137 && "$STEP_TIMEOUT" != 0) ]]; then
    echo "${RED}    timed out after ${STEP_TIMEOUT}s (LINDUNG_TEST_STEP_TIMEOUT) and was stopped${RESET}"
    return 124
  fi
  return $rc
}

# run_step NAME COMMAND... : runs it, records PASS/FAIL and the time, never stops the script.
# A program is run through `guarded`; a shell function must call `guarded` itself.
run_step() {
  local name=$1 start rc=0 took note
  shift
  header "$name" "${STEP_DISPLAY:-$*}"
  STEP_DISPLAY=
  start=$(now_us)
  if declare -F "$1" >/dev/null; then "$@" || rc=$?; else guarded "$@" || rc=$?; fi
  took=$(($(now_us) - start))
  if [[ $rc -eq 0 ]]; then
    record "$name" PASS "$took"
    echo "${GREEN}<== $name: passed ($(fmt_secs "$took"))${RESET}"
  else
    note="exit code $rc"
    [[ $rc -eq 124 ]] && note="timed out after ${STEP_TIMEOUT}s"
    record "$name" FAIL "$took" "$note"
    echo "${RED}<== $name: FAILED: $note ($(fmt_secs "$took"))${RESET}"
  fi
}

# skip_or_fail NAME WHY : a missing engine/browser is a skip on a laptop and a failure in CI.
skip_or_fail() {
  header "$1"
  if [[ $CI_MODE -eq 1 ]]; then
    record "$1" FAIL 0 "$2 (CI=true: nothing may be skipped)"
    echo "${RED}<== $1: FAILED: $2 (CI=true: nothing may be skipped)${RESET}"
  else
    record "$1" SKIP 0 "$2"
    echo "${YELLOW}<== $1: SKIPPED: $2${RESET}"
  fi
}

# A box around the given lines (ASCII only, so the padding is right in every locale).
box() {
  local colour=$1 width=0 line
  shift
  for line in "$@"; do ((${#line} > width)) && width=${#line}; done
  ((width < 74)) && width=74
  local bar
  bar="$(printf '%*s' $((width + 8)) '' | tr ' ' '#')"
  echo "$colour$bar"
  printf '##  %-*s  ##\n' "$width" ''
  for line in "$@"; do printf '##  %-*s  ##\n' "$width" "$line"; done
  printf '##  %-*s  ##\n' "$width" ''
  echo "$bar$RESET"
}

# ---------------------------------------------------------------------------------------------
# Temporary files and the throwaway PostgreSQL cluster: always removed, whatever happens.

TMP_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/lindung-test.XXXXXX")"
chmod 711 "$TMP_ROOT" # the postgres user (when we are root) must reach the cluster inside
PG_DIR="$TMP_ROOT/pg"
# Everything the tests put under os.tmpdir() (PGlite folders, browser profiles) lands in here too,
# so a test killed half-way (timeout, Ctrl-C) leaves nothing behind either.
TEST_TMPDIR="$TMP_ROOT/tmp"
mkdir -p "$TEST_TMPDIR"

cleanup() {
  if [[ -d "$PG_DIR" ]]; then bash "$ROOT/scripts/pg-temp.sh" stop "$PG_DIR" >/dev/null 2>&1 || true; fi
  rm -rf "$TMP_ROOT" 2>/dev/null || true
}
on_signal() {
  if [[ -n "$CHILD_PID" ]]; then
    kill -TERM -- "-$CHILD_PID" 2>/dev/null || kill -TERM "$CHILD_PID" 2>/dev/null || true
    wait "$CHILD_PID" 2>/dev/null || true
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# ---------------------------------------------------------------------------------------------
# What this machine has

MISSING_LINES=()

PG_MODE=missing PG_WHY=''
if [[ -n "${LINDUNG_TEST_PG_URL:-}" ]]; then
  PG_MODE=url
elif PG_BIN_DIR="$(bash scripts/pg-temp.sh find 2>"$TMP_ROOT/pg-find.err")"; then
  if [[ "$(id -u)" -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    PG_WHY="PostgreSQL found in $PG_BIN_DIR, but running as root without a 'postgres' system user (initdb refuses root)"
  else
    PG_MODE=temp
  fi
elif [[ -s "$TMP_ROOT/pg-find.err" ]]; then
  PG_WHY="$(head -n1 "$TMP_ROOT/pg-find.err")"
else
  PG_WHY="no PostgreSQL >= 15 (looked for /usr/lib/postgresql/*/bin/initdb and initdb on PATH)"
fi
if [[ $PG_MODE == missing ]]; then
  MISSING_LINES+=(
    "- integration tests on PostgreSQL"
    "    why:     $PG_WHY"
    "    get it:  sudo apt-get install -y --no-install-recommends postgresql   (about 10 s;"
    "             nothing to set up: the suite starts and removes a throwaway server)"
    "    or use:  LINDUNG_TEST_PG_URL=postgres://USER@HOST:PORT/postgres npm test"
    "             (a server of yours where USER may create databases), or"
    "             PG_BIN=/path/to/postgresql/bin npm test   (any PostgreSQL >= 15)"
    ""
  )
fi

CHROMIUM="${LINDUNG_CHROMIUM:-/usr/bin/chromium}"
CHROMIUM_OK=0 CHROMIUM_WHY=''
if [[ -x "$CHROMIUM" && ! -d "$CHROMIUM" ]]; then
  CHROMIUM_OK=1
elif [[ -n "${LINDUNG_CHROMIUM:-}" ]]; then
  CHROMIUM_WHY="LINDUNG_CHROMIUM=$LINDUNG_CHROMIUM is not an executable file"
else
  CHROMIUM_WHY="no Chromium at /usr/bin/chromium and LINDUNG_CHROMIUM is not set"
fi
if [[ $CHROMIUM_OK -eq 0 ]]; then
  MISSING_LINES+=(
    "- browser tests (Chromium)"
    "    why:     $CHROMIUM_WHY"
    "    get it:  sudo apt-get install -y chromium      (Debian; about 25 s)"
    "    or use:  LINDUNG_CHROMIUM=/path/to/chromium-or-chrome npm test"
    "             (never 'npx playwright install': it downloads from outside)"
    ""
  )
fi

banner() {
  ((${#MISSING_LINES[@]} > 0)) || return 0
  if [[ $CI_MODE -eq 1 ]]; then
    box "$RED" \
      "CI=true AND PARTS OF THE SUITE CANNOT RUN ON THIS MACHINE: THE RUN FAILS" \
      "" "${MISSING_LINES[@]}" \
      "In CI nothing may be skipped: install what is missing (see .ci/run)."
  else
    box "$YELLOW" \
      "!! NOT THE WHOLE SUITE: THESE PARTS ARE SKIPPED ON THIS MACHINE !!" \
      "" "${MISSING_LINES[@]}" \
      "A green run here does NOT mean CI will be green: CI (CI=true) runs" \
      "everything and treats anything missing as a failure."
  fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# ---------------------------------------------------------------------------------------------
# Steps

for bin in eslint tsc vitest; do
  if [[ ! -x node_modules/.bin/$bin ]]; then
    echo "${RED}node_modules/.bin/$bin is missing: run 'npm ci' first.${RESET}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
done
# The project's own tools, never a download (npx would fetch a missing one from the registry).
export PATH="$ROOT/node_modules/.bin:$PATH"

export TMPDIR="$TEST_TMPDIR"

echo "${BOLD}Lindung test suite${RESET} ($(node --version), CI=${CI:-unset}, $(date -u +%Y-%m-%dT%H:%M:%SZ))"
banner

run_step "lint" eslint .
run_step "typecheck" tsc --noEmit -p .
run_step "unit" vitest run --project unit
run_step "integration (PGlite)" env LINDUNG_TEST_DB=pglite vitest run --project integration

integration_on_postgres() {
  local url="${LINDUNG_TEST_PG_URL:-}" port attempt rc=0
  if [[ -z "$url" ]]; then
    for attempt in 1 2 3; do
      port="$(free_port)"
      echo "    starting a throwaway PostgreSQL ($PG_BIN_DIR) on 127.0.0.1:$port in $PG_DIR"
      if url="$(PG_BIN="$PG_BIN_DIR" bash scripts/pg-temp.sh start "$PG_DIR" "$port")"; then break; fi
      url=''
      bash scripts/pg-temp.sh stop "$PG_DIR" >/dev/null 2>&1 || true
      rm -rf "$PG_DIR"
    done
    if [[ -z "$url" ]]; then
      echo "${RED}    could not start PostgreSQL (see the messages above)${RESET}"
      return 1
    fi
  else
    echo "    using LINDUNG_TEST_PG_URL (a server of yours; the tests create and drop their own databases)"
  fi
  guarded env LINDUNG_TEST_DB=postgres LINDUNG_TEST_PG_URL="$url" vitest run --project integration || rc=$?
  if [[ -d "$PG_DIR" ]]; then bash scripts/pg-temp.sh stop "$PG_DIR" || true; fi
  return $rc
}

if [[ $PG_MODE == missing ]]; then
  skip_or_fail "integration (PostgreSQL)" "$PG_WHY"
else
  STEP_DISPLAY="LINDUNG_TEST_DB=postgres LINDUNG_TEST_PG_URL=<url> vitest run --project integration"
  run_step "integration (PostgreSQL)" integration_on_postgres
fi

if [[ $CHROMIUM_OK -eq 1 ]]; then
  run_step "browser (Chromium)" env LINDUNG_CHROMIUM="$CHROMIUM" vitest run --project browser
else
  skip_or_fail "browser (Chromium)" "$CHROMIUM_WHY"
fi

cleanup
trap - EXIT

# ---------------------------------------------------------------------------------------------
# Summary: the last line is the count.

echo
echo "${BOLD}==> Summary${RESET}"
for i in "${!STEP_NAMES[@]}"; do
  case "${STEP_RESULTS[$i]}" in
    PASS) colour=$GREEN ;;
    FAIL) colour=$RED ;;
    *) colour=$YELLOW ;;
  esac
  note="${STEP_NOTES[$i]}"
  printf '  %s%-4s%s  %-26s %7s  %s\n' "$colour" "${STEP_RESULTS[$i]}" "$RESET" "${STEP_NAMES[$i]}" \
    "$( [[ ${STEP_RESULTS[$i]} == SKIP ]] && echo '-' || fmt_secs "${STEP_TIMES[$i]}")" "$note"
done
echo
banner
if ((SKIPPED > 0)); then
  echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
  echo "$PASSED passed, $FAILED failed"
fi
((FAILED == 0))
