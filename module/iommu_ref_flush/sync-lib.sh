#!/bin/sh
# Copy the hardware-format library's flush definition into the module's
# build folder.  The lab builds the module from a copy of this folder alone
# (tests/lab/lib.sh build_module), so the module cannot reach ../../src: it
# carries byte-identical copies instead, and the unit test
# test_module_copy_identical (tests/unit/test_amdvi_flush.c) fails when they
# drift.  Run from anywhere after editing any of these files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mkdir -p "$here/lib/amdvi"
cp "$top/src/amdvi/flush.c" "$here/lib/flush.c"
for h in flush.h flush_record.h common.h command.h dte.h efr.h; do
    cp "$top/include/amdvi/$h" "$here/lib/amdvi/$h"
done
echo "synced $(ls "$here/lib" "$here/lib/amdvi" | grep -c '\.[ch]$') files into $here/lib"
