#!/usr/bin/env bash
# Runs the lead, webhook and delivery suites once per alternative CSMART behaviour of the sandbox
# (test/support/sandbox-modes.ts), each with the settings `csmart doctor` prints for it.
# Usage: npm run test:modes [-- test files…]   (default: test/leads test/webhooks test/delivery)
set -euo pipefail
cd "$(dirname "$0")/.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(test/leads test/webhooks test/delivery)
for mode in replace-on-edit other-field-names strict-nip-exact required-on-edit other-error-texts; do
  echo "=== SANDBOX_MODE=$mode"
  SANDBOX_MODE="$mode" npx vitest run "${files[@]}"
done
