#!/usr/bin/env bash
# Prints module-id.js for a checker module: its identity (a SHA-256 prefix),
# which names the module's copy in Cache Storage (extension/checker/checker.js),
# so an updated module never runs from an old copy.
#
#   wasm/build/module-id.sh path/to/redflag.wasm > path/to/module-id.js
set -euo pipefail
id=$(sha256sum "$1" | cut -c1-24)
printf "// Written by wasm/build/module-id.sh: the module's identity, naming its copy in Cache Storage.\nexport const MODULE_ID = '%s';\n" "$id"
