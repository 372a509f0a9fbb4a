#!/usr/bin/env bash
# Makes sure Debian's Chromium is there for the end-to-end tests (test/e2e), which drive it through
# playwright-core: no browser download, only the distribution's package. Runs as `pretest`, so it
# must never fail a test run by itself: without root or apt it says what to install and exits 0,
# and the e2e test then fails with a message naming the missing browser.
set -u

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing. Install Debian's package to run the browser tests:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium" >&2
  exit 0
fi

echo "ensure-chromium: installing Debian's chromium package (needed by test/e2e)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq; then
  echo "ensure-chromium: apt-get update failed; the browser tests will say Chromium is missing" >&2
  exit 0
fi
if ! apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
  echo "ensure-chromium: apt-get install chromium failed; the browser tests will say Chromium is missing" >&2
  exit 0
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo "chromium installed")" >&2
exit 0
