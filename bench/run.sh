#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh - end-to-end benchmark of dcbox against peer switches.
#
# For each peer, two namespaces h1 (10.77.0.1/24) and h2 (10.77.0.2/24) are
# joined by that switch, and we measure: idle CPU of the switch process,
# iperf3 TCP, 64-byte UDP with udpgen (sendmmsg/AF_PACKET generator in h1,
# recvmmsg sink in h2), optionally iperf3 UDP, and ping RTT, each window with
# the switch process's CPU time and a foreign-CPU noise check. Results go to
# bench/results/<UTC time>/ (summary.md, summary.json, raw/). Derived from
# the shared peerbench harness (../shared/peerbench/peerbench.sh); see
# bench/README.md.
#
# Usage: bench/run.sh [quick|full|fw] [--json] [PEER...]   (root)
#   quick  dcbox + bridge, 1 repetition, 3-s tests (~1 min) + switch_bench
#   full   dcbox veth bridge bridge-notso ovs-netdev ovs-netdev-tso vde,
#          >= 3 clean repetitions of 10-s tests (~25 min)
#   fw     the firewall: bridge-nft dcbox-fw dcbox-fw-1k dcbox-fw-10k, 5-s
#          tests + a steady 100 Mbit/s TCP test, 3 repetitions (~10 min),
#          ratios to bridge-nft (peers-fw.sh)
#   --json print summary.json instead of summary.md on stdout
# Env: DCBOX UDPGEN OUT REPS MIN_CLEAN MAX_REPS CLEAN_FOREIGN_CPU_S DUR IDLE
#      SETTLE PING_COUNT PING_INTERVAL UDP_LEN UDPGEN_MODE UDPGEN_THREADS
#      UDP_IPERF TCP_CC SWITCH_BENCH SWITCH_BENCH_ARGS STEADY STEADY_RATE
#      STEADY_DUR REF_PEER NS_PREFIX PB_STATE (see README.md)
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PY=${PY:-$(command -v /usr/bin/python3 || command -v python3)}
# fw mode picks its own state file and namespace names unless these are set
PB_STATE_SET=${PB_STATE+x} NS_PREFIX_SET=${NS_PREFIX+x}
SWITCH_BENCH_SET=${SWITCH_BENCH+x}
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
# shellcheck source=bench/peers.sh
. "$HERE/peers.sh"
# shellcheck source=bench/peers-dcbox.sh
. "$HERE/peers-dcbox.sh"
# shellcheck source=bench/peers-fw.sh
. "$HERE/peers-fw.sh"

MODE=quick JSON=0 ARGS=()
for a in "$@"; do
	case $a in
	quick | full | fw) MODE=$a ;;
	--json) JSON=1 ;;
	-h | --help) sed -n '4,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "unknown option $a" >&2; exit 2 ;;
	*) ARGS+=("$a") ;;
	esac
done

DEF_STEADY=0
if [[ $MODE == quick ]]; then
	DEF_PEERS="dcbox bridge" DEF_REPS=1 DEF_MAX=1 DEF_DUR=3 DEF_IDLE=3
	DEF_SETTLE=1 DEF_PINGS=200 DEF_IUDP=0 DEF_SBARGS="2 --json"
elif [[ $MODE == fw ]]; then
	# Its own state file and namespaces (dcf-*), so that it can never
	# clean up or collide with a quick/full run going on at the same time.
	DEF_PEERS="bridge-nft dcbox-fw dcbox-fw-1k dcbox-fw-10k" DEF_REPS=3
	DEF_MAX=4 DEF_DUR=5 DEF_IDLE=3 DEF_SETTLE=2 DEF_PINGS=300 DEF_IUDP=0
	DEF_SBARGS="2 --json" DEF_STEADY=1
	[[ -n $PB_STATE_SET ]] || PB_STATE=/run/dcbox-bench/state-fw
	[[ -n $NS_PREFIX_SET ]] || NS_PREFIX=dcf
	NS_SW=$NS_PREFIX-sw
else
	DEF_PEERS="dcbox veth bridge bridge-notso ovs-netdev ovs-netdev-tso vde"
	DEF_REPS=3 DEF_MAX=5 DEF_DUR=10 DEF_IDLE=10 DEF_SETTLE=3
	DEF_PINGS=1000 DEF_IUDP=1 DEF_SBARGS="3 --json"
fi
REPS=${REPS:-$DEF_REPS}
MAX_REPS=${MAX_REPS:-$((DEF_MAX > REPS ? DEF_MAX : REPS))}
MIN_CLEAN=${MIN_CLEAN:-$REPS}
CLEAN_FOREIGN_CPU_S=${CLEAN_FOREIGN_CPU_S:-0.5}
DUR=${DUR:-$DEF_DUR}
IDLE=${IDLE:-$DEF_IDLE}
SETTLE=${SETTLE:-$DEF_SETTLE}
PING_COUNT=${PING_COUNT:-$DEF_PINGS}
PING_INTERVAL=${PING_INTERVAL:-0.01}
UDP_LEN=${UDP_LEN:-64}
UDPGEN_MODE=${UDPGEN_MODE:-raw}
UDPGEN_THREADS=${UDPGEN_THREADS:-1}
UDP_IPERF=${UDP_IPERF:-$DEF_IUDP}
TCP_CC=${TCP_CC:-cubic}
TCP_PORT=5201 UDP_PORT=5202
STEADY=${STEADY:-$DEF_STEADY}
STEADY_RATE=${STEADY_RATE:-100M}
STEADY_DUR=${STEADY_DUR:-10}
SWITCH_BENCH=${SWITCH_BENCH:-$ROOT/build/bench/switch_bench}
SWITCH_BENCH_ARGS=${SWITCH_BENCH_ARGS:-$DEF_SBARGS}
# fw mode: the switch micro-benchmark only if asked for (SWITCH_BENCH=PATH)
[[ $MODE == fw && -z $SWITCH_BENCH_SET ]] && SWITCH_BENCH=0
OUT=${OUT:-$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)}
CLK=$(getconf CLK_TCK)
CLEAN_TICKS=$(awk "BEGIN{printf \"%d\", $CLEAN_FOREIGN_CPU_S * $CLK}")
ALL_PEERS="dcbox dcbox-nofast dcbox-notso veth bridge bridge-notso ovs-netdev ovs-netdev-tso vde bridge-nft dcbox-fw dcbox-fw-1k dcbox-fw-10k"

if [[ ${#ARGS[@]} -gt 0 ]]; then PEERS="${ARGS[*]}"; else PEERS=${PEERS:-$DEF_PEERS}; fi
# Ratios are to the Linux bridge, or to bridge-nft when the bridge is not
# measured (fw mode). The firewall peers allow only port $FW_PORT, so the
# UDP tests use it too (servers never run at the same time).
if [[ -z ${REF_PEER:-} ]]; then
	REF_PEER=bridge
	[[ $MODE == fw || " $PEERS " != *" bridge "* && " $PEERS " == *" bridge-nft "* ]] &&
		REF_PEER=bridge-nft
fi
for p in $PEERS; do fw_peer "$p" && TCP_PORT=$FW_PORT UDP_PORT=$FW_PORT; done

[[ $(id -u) == 0 ]] || { echo "must run as root" >&2; exit 1; }
for p in $PEERS; do
	declare -F "setup_$p" >/dev/null ||
		{ echo "unknown peer '$p' (known: $ALL_PEERS)" >&2; exit 1; }
done
for t in ip ss iperf3 ping ethtool timeout awk cc "$PY"; do
	command -v "$t" >/dev/null ||
		{ echo "missing tool: $t (see scripts/debian-packages.txt)" >&2; exit 1; }
done
if [[ " $PEERS " == *" dcbox"* ]] && ! dcbox_available; then
	pb_log "dcbox binary '$DCBOX' not found: skipping the dcbox peers"
	PEERS=$(tr ' ' '\n' <<<"$PEERS" | grep -v '^dcbox' | xargs)
fi
for p in $PEERS; do
	[[ $p == ovs-* ]] && ! command -v ovs-vswitchd >/dev/null &&
		{ echo "peer $p needs openvswitch-switch" >&2; exit 1; }
	[[ $p == vde ]] && ! command -v vde_switch >/dev/null &&
		{ echo "peer vde needs vde2" >&2; exit 1; }
	[[ $p == bridge-nft ]] && ! command -v nft >/dev/null &&
		{ echo "peer bridge-nft needs nftables" >&2; exit 1; }
done

pb_state_init
if [[ -s $PB_STATE ]]; then
	pb_log "state file $PB_STATE lists leftovers of an earlier run; cleaning up"
	pb_cleanup
fi
trap 'pb_cleanup' EXIT
exec 9>&2 # the real stderr, for the trap message
trap 'pb_log "interrupted" 2>&9; exit 130' INT TERM
mkdir -p "$OUT/raw" || exit 1
pb_log "mode $MODE, peers: $PEERS; output: $OUT"

# udpgen: the Makefile's build/bench/udpgen, else compile it here.
UDPGEN=${UDPGEN:-$ROOT/build/bench/udpgen}
if [[ ! -x $UDPGEN ]]; then
	pb_log "$UDPGEN not built; compiling bench/udpgen.c into $OUT/"
	cc -std=gnu11 -O2 -Wall -D_GNU_SOURCE -o "$OUT/udpgen" \
		"$HERE/udpgen.c" -lpthread || exit 1
	UDPGEN=$OUT/udpgen
fi

sysinfo() {
	echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "bench_mode=$MODE"
	echo "kernel: $(uname -r)"
	echo "cpus: $(nproc) ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo))"
	echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "iperf3: $(iperf3 --version 2>&1 | head -1)"
	command -v ovs-vswitchd >/dev/null && echo "ovs: $(ovs_version)"
	dcbox_available && echo "dcbox: $DCBOX ($(dcbox_version))"
	echo "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)"
	echo "udpgen: $UDPGEN udpgen_mode=$UDPGEN_MODE udpgen_threads=$UDPGEN_THREADS"
	echo "tcp_cc_used: $TCP_CC (host default: $(sysctl -n net.ipv4.tcp_congestion_control))"
	echo "reps=$REPS max_reps=$MAX_REPS min_clean=$MIN_CLEAN clean_foreign_cpu_s=$CLEAN_FOREIGN_CPU_S"
	echo "dur=$DUR idle=$IDLE settle=$SETTLE ping_count=$PING_COUNT ping_interval=$PING_INTERVAL udp_len=$UDP_LEN udp_iperf=$UDP_IPERF"
	echo "steady=$STEADY steady_rate=$STEADY_RATE steady_dur=$STEADY_DUR tcp_port=$TCP_PORT udp_port=$UDP_PORT"
	echo "reference=$REF_PEER pb_state=$PB_STATE ns_prefix=$NS_PREFIX"
	echo "peers: $PEERS"
	echo "clk_tck: $CLK"
}
sysinfo >"$OUT/sysinfo.txt"

kv() { echo "$1=$2" >>"$RUN/metrics.txt"; }

# Run a client under timeout(1) in the background and wait for it, so that
# a signal to this script is handled at once; the timeout process is
# tracked and, if still running, killed by PID at cleanup.
run_client() {
	timeout "$@" &
	local p=$!
	pb_track_pid "$p" timeout 2>/dev/null || true
	wait "$p"
}
pb_sleep() { sleep "$1" & wait $!; }

sw_ticks() { pb_proc_ticks "${SW_PIDS[@]}"; }
aux_ticks() { pb_proc_ticks "${AUX_PIDS[@]}"; }
tracked_pids() { awk '$1 == "pid" {print $2}' "$PB_STATE"; }

# A measured window: CPU of the switch, of helpers, of the host, and the
# ours/kthread/foreign split (cpuattr.py), plus h1/h2 interface counters.
declare -A W
win_start() { # test
	"$PY" "$HERE/cpuattr.py" snap >"$RUN/.snap0"
	W[tx]=$(pb_ifstat "$NS_H1" "$IF_H1" tx_packets)
	W[rx]=$(pb_ifstat "$NS_H2" "$IF_H2" rx_packets)
	W[drop]=$(pb_ifstat "$NS_H2" "$IF_H2" rx_dropped)
	W[sw]=$(sw_ticks) W[ax]=$(aux_ticks) W[h]=$(pb_host_ticks)
	W[si]=$(pb_softirq_ticks)
	W[t]=$(date +%s.%N)
}

win_end() { # test
	local t1 sw1 ax1 h1 si1
	t1=$(date +%s.%N) h1=$(pb_host_ticks) sw1=$(sw_ticks) ax1=$(aux_ticks)
	si1=$(pb_softirq_ticks)
	"$PY" "$HERE/cpuattr.py" snap >"$RUN/.snap1"
	# shellcheck disable=SC2046
	"$PY" "$HERE/cpuattr.py" diff "$RUN/.snap0" "$RUN/.snap1" $$ \
		$(tracked_pids) | sed "s/^/$1_/" >>"$RUN/metrics.txt"
	rm -f "$RUN/.snap0" "$RUN/.snap1"
	kv "$1_wall_s" "$(awk "BEGIN{printf \"%.3f\", $t1 - ${W[t]}}")"
	kv "$1_sw_ticks" "$(pb_ticks_diff "${W[sw]}" "$sw1")"
	kv "$1_aux_ticks" "$(pb_ticks_diff "${W[ax]}" "$ax1")"
	kv "$1_host_busy_ticks" "$(pb_ticks_diff "${W[h]% *}" "${h1% *}")"
	kv "$1_softirq_ticks" "$(pb_ticks_diff "${W[si]}" "$si1")"
	# frames still queued in a userspace switch arrive a moment later
	pb_sleep 0.3
	kv "$1_h1_tx_packets" "$(pb_ticks_diff "${W[tx]}" "$(pb_ifstat "$NS_H1" "$IF_H1" tx_packets)")"
	kv "$1_h2_rx_packets" "$(pb_ticks_diff "${W[rx]}" "$(pb_ifstat "$NS_H2" "$IF_H2" rx_packets)")"
	kv "$1_h2_rx_dropped" "$(pb_ticks_diff "${W[drop]}" "$(pb_ifstat "$NS_H2" "$IF_H2" rx_dropped)")"
}

# Start a server in h2 as a direct child of this shell (so its CPU counts
# as ours) and wait until it listens. $1 = comm, $2 = ss filter, rest = cmd.
start_server() {
	local comm=$1 ssopt=$2 port=$3 i
	shift 3
	ip netns exec "$NS_H2" "$@" </dev/null &
	SPID=$!
	pb_track_pid "$SPID" "$comm" >/dev/null 2>&1 || true
	for i in $(seq 1 50); do
		ip netns exec "$NS_H2" ss "$ssopt" "sport = :$port" 2>/dev/null |
			grep -q . && return 0
		sleep 0.1
	done
	pb_log "  server $comm did not start listening"
}

stop_server() { # pid comm: let it exit by itself for 3 s, else kill it
	local pid=$1 comm=$2 i st
	st=$(pb_stat_field "$pid" 22 2>/dev/null) || { wait "$pid" 2>/dev/null; return 0; }
	for i in $(seq 1 30); do
		pb_pid_is "$pid" "$comm" "$st" || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.1
	done
	pb_kill_one "$pid" "$comm" "$st"
	wait "$pid" 2>/dev/null
}

measure_tcp() {
	local rc
	start_server iperf3 -ltnH $TCP_PORT iperf3 -s -1 -p $TCP_PORT \
		--rcv-timeout 5000 2>>"$RUN/iperf3-server.log" >>"$RUN/iperf3-server.log"
	win_start tcp
	run_client $((DUR + 30)) ip netns exec "$NS_H1" iperf3 -c "$IP_H2" \
		-p $TCP_PORT -t "$DUR" -C "$TCP_CC" -J >"$RUN/tcp.json" 2>"$RUN/tcp.err"
	rc=$?
	win_end tcp
	stop_server "$SPID" iperf3
	kv tcp_rc "$rc"
}

# 64-byte UDP: udpgen sender in h1 (raw AF_PACKET frames by default), sink
# in h2 that exits 2 s after the last datagram.
measure_udp() {
	local rc args=(-t "$DUR" -l "$UDP_LEN" -T "$UDPGEN_THREADS" --json)
	[[ $UDPGEN_MODE == raw ]] && args+=(--dev "$IF_H1")
	ip netns exec "$NS_H1" ping -n -c 1 -W 1 "$IP_H2" >/dev/null 2>&1
	start_server udpgen -lunH $UDP_PORT "$UDPGEN" sink -i 2 \
		-t $((DUR + 30)) --json $UDP_PORT \
		>"$RUN/udpgen-sink.json" 2>"$RUN/udpgen-sink.err"
	win_start udp
	run_client $((DUR + 30)) ip netns exec "$NS_H1" "$UDPGEN" send \
		"${args[@]}" "$IP_H2:$UDP_PORT" >"$RUN/udpgen-send.json" \
		2>"$RUN/udpgen-send.err"
	rc=$?
	win_end udp
	stop_server "$SPID" udpgen
	kv udp_rc "$rc"
}

measure_iudp() { # iperf3's own UDP figure (one packet per system call)
	local rc
	start_server iperf3 -ltnH $TCP_PORT iperf3 -s -1 -p $TCP_PORT \
		--rcv-timeout 5000 2>>"$RUN/iperf3-server.log" >>"$RUN/iperf3-server.log"
	win_start iudp
	run_client $((DUR + 30)) ip netns exec "$NS_H1" iperf3 -c "$IP_H2" \
		-p $TCP_PORT -u -b 0 -l "$UDP_LEN" -t "$DUR" -J \
		>"$RUN/iperf-udp.json" 2>"$RUN/iperf-udp.err"
	rc=$?
	win_end iudp
	stop_server "$SPID" iperf3
	kv iudp_rc "$rc"
}

# The steady-rate test: TCP paced to STEADY_RATE (web-like traffic at a
# fixed load, not a flood), for the switch CPU per unit of work.
measure_steady() {
	local rc
	start_server iperf3 -ltnH $TCP_PORT iperf3 -s -1 -p $TCP_PORT \
		--rcv-timeout 5000 2>>"$RUN/iperf3-server.log" >>"$RUN/iperf3-server.log"
	win_start steady
	run_client $((STEADY_DUR + 30)) ip netns exec "$NS_H1" iperf3 -c "$IP_H2" \
		-p $TCP_PORT -b "$STEADY_RATE" -t "$STEADY_DUR" -C "$TCP_CC" -J \
		>"$RUN/steady.json" 2>"$RUN/steady.err"
	rc=$?
	win_end steady
	stop_server "$SPID" iperf3
	kv steady_rc "$rc"
}

measure_ping() {
	local rc
	win_start ping
	run_client $((DUR + 120)) ip netns exec "$NS_H1" ping -n \
		-c "$PING_COUNT" -i "$PING_INTERVAL" -W 1 "$IP_H2" >"$RUN/ping.txt" 2>&1
	rc=$?
	win_end ping
	kv ping_rc "$rc"
}

measure_idle() {
	win_start idle
	pb_sleep "$IDLE"
	win_end idle
}

# clean: every window of this repetition saw little foreign CPU
is_clean() {
	awk -F= -v lim="$CLEAN_TICKS" '
		/^[a-z]+_foreign_ticks=/ { n++; if ($2 + 0 > lim) bad++ }
		END { exit !(n >= 4 && bad == 0) }' "$RUN/metrics.txt"
}

peer_measure() {
	measure_idle
	# connectivity check (also warms ARP / MAC learning / flow caches)
	if ! ip netns exec "$NS_H1" ping -n -c 3 -i 0.2 -W 2 "$IP_H2" \
		>"$RUN/ping-check.txt" 2>&1; then
		echo "no connectivity h1->h2; see ping-check.txt" >"$RUN/error.txt"
		pb_log "  NO CONNECTIVITY"
		return 1
	fi
	if fw_peer "$PEER"; then
		fw_check >>"$RUN/metrics.txt"
		pb_log "  $(tail -1 "$RUN/metrics.txt")"
	fi
	pb_log "  tcp"; measure_tcp
	pb_log "  udp (udpgen)"; measure_udp
	if [[ $UDP_IPERF == 1 ]]; then pb_log "  udp (iperf3)"; measure_iudp; fi
	if [[ $STEADY == 1 ]]; then pb_log "  steady $STEADY_RATE tcp"; measure_steady; fi
	pb_log "  ping"; measure_ping
}

peer_record() { # peer: what the switch did, for the record
	local peer=$1
	[[ $peer == ovs-* ]] && ovs_info "$RUN"
	[[ $peer == dcbox* ]] && dcbox_info "$RUN"
	fw_peer "$peer" && fw_info "$peer" "$RUN"
	ip -n "$NS_H1" -s -d link show "$IF_H1" >"$RUN/ifstats-h1.txt" 2>&1
	ip -n "$NS_H2" -s -d link show "$IF_H2" >"$RUN/ifstats-h2.txt" 2>&1
}

run_peer_once() {
	local peer=$1 rep=$2 rc=0
	RUN="$OUT/raw/$peer/rep$rep"
	mkdir -p "$RUN"
	peer_reset
	PEER=$peer
	pb_log "== $peer rep $rep: setup"
	{
		echo "loadavg_before: $(cat /proc/loadavg)"
		ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -6
	} >"$RUN/env.txt"
	if ! "setup_$peer" >"$RUN/setup.log" 2>&1; then
		echo "setup failed; see setup.log" >"$RUN/error.txt"
		sed 's/^/  | /' "$RUN/setup.log" >&2
		pb_log "  SETUP FAILED for $peer"
		[[ $peer == ovs-* && -n $OVS_DIR ]] && cp "$OVS_DIR"/*.log "$RUN/" 2>/dev/null
		pb_cleanup
		return 1
	fi
	kv note "$PEER_NOTE"
	fw_peer "$peer" && kv fw_rules "$FW_RULES"
	kv sw_pids "${SW_PIDS[*]:-}"
	kv netns "$NS_H1 $NS_H2"
	pb_sleep "$SETTLE"
	peer_measure || rc=1
	peer_record "$peer"
	pb_log "  teardown"
	pb_cleanup
	if [[ $rc == 0 ]] && is_clean; then kv clean 1; else kv clean 0; fi
	return $rc
}

# The in-process switch micro-benchmark, if it was built: run before the
# peers, on a machine as quiet as it will get.
run_switch_bench() {
	[[ -x $SWITCH_BENCH ]] || { pb_log "no $SWITCH_BENCH: micro-benchmark skipped"; return 0; }
	pb_log "switch micro-benchmark: $SWITCH_BENCH $SWITCH_BENCH_ARGS"
	# shellcheck disable=SC2086
	run_client 300 "$SWITCH_BENCH" $SWITCH_BENCH_ARGS \
		>"$OUT/switch_bench.txt" 2>"$OUT/switch_bench.err"
	echo "rc=$?" >>"$OUT/switch_bench.err"
}

[[ $SWITCH_BENCH != 0 ]] && run_switch_bench

# Repetitions are interleaved (rep 1 of every peer, then rep 2, ...) so
# slow drifts in machine load spread over all peers. After REPS rounds,
# peers with fewer than MIN_CLEAN clean repetitions get extra rounds, up to
# MAX_REPS. Every repetition is kept and reported.
declare -A CLEAN
for p in $PEERS; do CLEAN[$p]=0; done
rep=0
while ((rep < MAX_REPS)); do
	rep=$((rep + 1))
	todo=""
	for p in $PEERS; do
		((rep <= REPS || ${CLEAN[$p]} < MIN_CLEAN)) && todo+=" $p"
	done
	[[ -n $todo ]] || break
	for p in $todo; do
		if run_peer_once "$p" "$rep" && grep -qx 'clean=1' "$RUN/metrics.txt"; then
			CLEAN[$p]=$((${CLEAN[$p]} + 1))
		else
			pb_log "  ($p rep $rep not clean: foreign CPU above ${CLEAN_FOREIGN_CPU_S} CPU-s in some window, or failed)"
		fi
	done
done
for p in $PEERS; do echo "clean_reps $p ${CLEAN[$p]}"; done >>"$OUT/sysinfo.txt"

"$PY" "$HERE/summarize.py" "$OUT" >"$OUT/summary.md" || exit 1
pb_log "done: $OUT/summary.md, $OUT/summary.json"
if [[ $JSON == 1 ]]; then cat "$OUT/summary.json"; else cat "$OUT/summary.md"; fi
