#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine: the package with its test extras;
# as root, via apt-get: Java (Jing, the Nu HTML checker), Debian's Chromium (browser tests), and the
# real clients of the exports (biber and BibTeX, pandoc, Node.js); then citeproc-js from npm into
# tests/js/node_modules (git ignores it).  Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check '.[test]'

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v biber >/dev/null 2>&1 || missing+=(biber)
command -v bibtex >/dev/null 2>&1 || missing+=(texlive-binaries texlive-base)
command -v pandoc >/dev/null 2>&1 || missing+=(pandoc)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# WeasyPrint (the PDF format) loads Pango at run time.
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bootstrap: not root, cannot install ${missing[*]}; tests needing them will skip" >&2
  fi
fi

# citeproc-js and the Nu HTML Checker, pinned by tests/js/package-lock.json.
if command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/js/node_modules/citeproc ] || [ ! -f tests/js/node_modules/vnu-jar/build/dist/vnu.jar ]; then
    npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null
  fi
else
  echo "bootstrap: npm is missing; the citeproc-js and Nu checker tests will skip" >&2
fi
