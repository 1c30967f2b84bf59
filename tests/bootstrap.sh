#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine: the package with its test extras,
# and (as root, via apt-get) Java for Jing and the Nu HTML checker and Debian's Chromium for the
# browser tests.  Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check '.[test]'

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bootstrap: not root, cannot install ${missing[*]}; tests needing them will skip" >&2
  fi
fi
