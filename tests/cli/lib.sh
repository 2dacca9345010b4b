# Shared helpers for the CLI tests. Usage in a test: source "$(dirname "$0")/lib.sh" "$@"
set -u
SITEPLAN="$1"
TESTS="$2"
ROOT="$3"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FAILURES=0
cd "$TESTS"

fail() { echo "FAIL: $*"; FAILURES=$((FAILURES + 1)); }

# expect_exit CODE PATTERN -- command...: runs, checks exit code and that stderr matches PATTERN.
expect_exit() {
  local code="$1" pattern="$2"
  shift 3
  local out rc
  out="$("$@" 2>&1 >/dev/null)"
  rc=$?
  if [[ $rc -ne $code ]]; then fail "exit $rc (want $code): $* :: $out"; return; fi
  if ! grep -qE -- "$pattern" <<<"$out"; then fail "message /$pattern/ not in: $out"; return; fi
  echo "ok: exit $code /$pattern/"
}

# golden NAME FILE: compares FILE with cli/golden/NAME (UPDATE_GOLDEN=1 rewrites it).
golden() {
  local name="$1" file="$2" want="$TESTS/cli/golden/$1"
  if [[ "${UPDATE_GOLDEN:-0}" == 1 ]]; then mkdir -p "$TESTS/cli/golden"; cp "$file" "$want"; echo "updated $name"; return; fi
  if diff -u "$want" "$file"; then echo "ok: golden $name"; else fail "golden $name differs"; fi
}

finish() {
  if [[ $FAILURES -ne 0 ]]; then echo "$FAILURES failures"; exit 1; fi
  echo "all passed"
}
