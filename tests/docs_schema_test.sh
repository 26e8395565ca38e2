#!/bin/sh
# tests/docs_schema_test.sh OPTDYN — every shipped experiment, reduced, against docs/hdf5-schema.md:
# names, ranks, types and dimension scales, both directions (tests/docs_schema.py; ~1-2 min).
OPTDYN=${1:-build/optdyn}
. tests/lib.sh
/usr/bin/python3 tests/docs_schema.py "$OPTDYN" "$tmp/h5"
