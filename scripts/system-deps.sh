#!/usr/bin/env bash
# System packages the test suite needs, installed with apt-get only when missing (CI runs as root
# on a fresh machine; a developer without root gets a message and the tests that need them skip
# unless DEDUPE_REQUIRE_SHARED=1). Idempotent: a second run installs nothing.
set -euo pipefail

# command that must exist -> Debian package that provides it
declare -A NEEDED=(
  [java]=openjdk-17-jre-headless     # Spark local mode (tests/test_spark_*.py)
  [redis-server]=redis-server        # shared index backend (tests/test_index_redis.py)
  [chromium]=chromium                # the HTML report rendered in a real browser (tests/test_report_browser.py)
)

missing=()
for cmd in "${!NEEDED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEEDED[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing ${missing[*]}; run as root or install them (apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
