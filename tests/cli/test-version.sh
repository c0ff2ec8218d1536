#!/usr/bin/env bash
# `iommu-inflight --version`: the version, and the JSON schema analyze -j writes
# (the one docs/json-analysis.md documents).
set -euo pipefail
cli=$1
out=$("$cli" --version)
[ "$("$cli" -V)" = "$out" ] || { echo "-V and --version differ"; exit 1; }
grep -Eq '^iommu-inflight [0-9]+\.[0-9]+(\.[0-9]+)?$' <<< "$(sed -n 1p <<< "$out")" ||
    { echo "first line is not 'iommu-inflight VERSION': $out"; exit 1; }
schema=$(sed -n 's/^JSON schema //p' <<< "$out")
doc=$(sed -n 's/^  "schema": "\(.*\)",$/\1/p' docs/json-analysis.md | head -n 1)
[ -n "$schema" ] && [ "$schema" = "$doc" ] ||
    { echo "JSON schema '$schema', docs/json-analysis.md says '$doc'"; exit 1; }
"$cli" --help | grep -q -- '--version' || { echo "--help does not mention --version"; exit 1; }
echo "ok: $out"
