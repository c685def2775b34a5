#!/usr/bin/env bash
# One interop case: run_case.sh DIR FUNCTION ARGS... runs FUNCTION (cases.sh) in DIR.
# interop.sh starts it under timeout(1), which bounds its time and, being the leader of
# the case's process group, lets the runner kill every process the case started.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/peers.sh"
. "$here/cases.sh"
cd "$1" || exit 1
shift
"$@"
