#!/usr/bin/env bash
# Prints a go.mod for building the checker module (make wasm) whose
# golang.org/x/net is the required version with one line changed.
#
# golang.org/x/net/publicsuffix declares its List variable with the type
# net/http/cookiejar.PublicSuffixList, which links net/http, crypto/tls and
# crypto/x509 into every program importing the package: about 1.5 MB of the
# checker module, and their package initialization at every service-worker
# start. Here List is typed by its own methods instead; the rules tables and
# the functions the checker calls are the released ones, and
# wasm/test/crosscheck.test.mjs checks that the module answers exactly as
# the native redflag command (built from the unchanged module) does. Go
# refuses -overlay for files in the module cache, hence a replace.
#
#   wasm/build/slim-modfile.sh OUTDIR   -> prints OUTDIR/go.mod
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$(cd "$top" && go list -m -f '{{.Dir}}' golang.org/x/net)

rm -rf "$out/xnet"
mkdir -p "$out/xnet"
# Only the packages the checker imports from golang.org/x/net.
cp -r "$src/go.mod" "$src/idna" "$src/publicsuffix" "$out/xnet/"
chmod -R u+w "$out/xnet"
list=$out/xnet/publicsuffix/list.go
sed -i -e '/^\t"net\/http\/cookiejar"$/d' \
       -e 's/^var List cookiejar\.PublicSuffixList = list{}$/var List = list{}/' "$list"
# Fail loudly when a new x/net release changes these lines.
if grep -v '^//' "$list" | grep -q 'cookiejar'; then
  echo "slim-modfile.sh: $list still uses net/http/cookiejar; update the patterns" >&2
  exit 1
fi

cp "$top/go.mod" "$out/go.mod"
cp "$top/go.sum" "$out/go.sum"
echo "replace golang.org/x/net => $out/xnet" >> "$out/go.mod"
echo "$out/go.mod"
