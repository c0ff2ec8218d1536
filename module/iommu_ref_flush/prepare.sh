#!/bin/sh
# Put the hardware-format library's flush definition into a module build
# folder:  prepare.sh [DEST]   (default: this folder).
# The module compiles lib/flush.c with lib/amdvi/*.h, which are the library's
# own src/amdvi/flush.c and include/amdvi/*.h copied at build time, so the
# module and the analysis share one definition of "the reference flush".
# `make` here runs it; the lab runs it on its build copy (tests/lab/lib.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dest=${1:-$here}
mkdir -p "$dest/lib/amdvi"
cp "$top/src/amdvi/flush.c" "$dest/lib/flush.c"
for h in flush.h flush_record.h common.h command.h dte.h efr.h; do
    cp "$top/include/amdvi/$h" "$dest/lib/amdvi/$h"
done
# the VT-d reference flush: src/vtd/flush.c with include/vtd/{flush,qi,cap,common}.h
mkdir -p "$dest/lib/vtd"
cp "$top/src/vtd/flush.c" "$dest/lib/vtd_flush.c"
for h in flush.h qi.h cap.h common.h; do
    cp "$top/include/vtd/$h" "$dest/lib/vtd/$h"
done
# the tool's version, which the module carries (MODULE_VERSION, modinfo)
cp "$top/include/version.h" "$dest/lib/iif_version.h"
