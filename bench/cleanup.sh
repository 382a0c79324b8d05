#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/cleanup.sh - undo whatever an interrupted bench/run.sh left behind
# (only needed after a SIGKILL; run.sh cleans up on exit, Ctrl-C and
# SIGTERM). Touches only what is listed in the state file ($PB_STATE,
# default /run/dcbox-bench/state): dcbox topologies are taken down, processes
# killed by recorded PID only if comm and start time still match, then the
# recorded namespaces, root-namespace links and temp dirs are deleted.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
if [[ ! -s $PB_STATE ]]; then
	echo "nothing to clean ($PB_STATE empty or missing)"
	exit 0
fi
echo "cleaning up:"
sed 's/^/  /' "$PB_STATE"
pb_cleanup
echo "done"
