#!/bin/bash
# test_qemu.sh - real VMs: Debian's kernel booted under qemu-system-x86_64
# (TCG) from a tiny busybox initramfs, one VM plugged in by a unix socket
# and one by a TAP:
#
#   h1 (veth, 10.41.0.10) --+
#                           +-- [ sw ] --- gw (10.41.0.1, DHCP .100-.199)
#   vs (socket qv/vs.sock) -+
#   vt (TAP qv-vt) ---------+
#
# Inside each VM /init loads virtio_net (a module in Debian's kernel),
# asks the router gw for a lease with udhcpc, pings h1 and prints
# DCBOX-VM-OK (or DCBOX-VM-FAIL) on the serial console, then powers off.
# The test checks the marker, the address in the console and gw's lease
# for the VM's MAC. It is skipped (77), not failed, only where
# qemu-system-x86_64, a Debian kernel or busybox-static is missing, or
# where QEMU cannot start at all.
. "$(dirname "$0")/lib.sh"

skip() { echo "# skip: $*"; exit 77; }
qemu=$(command -v qemu-system-x86_64) ||
	skip "no qemu-system-x86_64 (apt install qemu-system-x86)"
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || skip "no kernel in /boot (apt install linux-image-amd64)"
kver=${kernel#/boot/vmlinuz-}
mods=/lib/modules/$kver
[ -r "$kernel" ] && [ -f "$mods/modules.dep" ] ||
	skip "kernel $kver or its modules unreadable"
bb=/bin/busybox
[ -x "$bb" ] || skip "no $bb (apt install busybox-static)"
ldd "$bb" 2>&1 | grep -q 'not a dynamic' ||
	skip "$bb is not static (apt install busybox-static)"
command -v cpio >/dev/null || skip "no cpio"

# mod_deps NAME: NAME's module file and its dependencies, dependencies
# first, paths relative to $mods (from modules.dep)
mod_deps() {
	local line f d
	line=$(grep -E "(^|/)$1\.ko(\.xz|\.zst|\.gz)?:" "$mods/modules.dep") ||
		return 1
	f=${line%%:*}
	for d in ${line#*:}; do
		d=${d##*/}
		mod_deps "${d%%.ko*}"
	done
	echo "$f"
}

# build_initramfs OUT: busybox, virtio_net and its dependencies (in load
# order, decompressed), udhcpc's script and /init, as a newc cpio
build_initramfs() {
	local r=$T_DIR/root m f list=""
	mkdir -p "$r"/{bin,sbin,proc,sys,dev,tmp,mod} || return 1
	cp "$bb" "$r/bin/busybox" || return 1
	# the kernel opens /dev/console for /init before anything is mounted
	mknod "$r/dev/console" c 5 1 || return 1
	for m in $("$bb" --list); do
		[ "$m" = busybox ] || ln -sf busybox "$r/bin/$m"
	done
	for m in virtio_pci virtio_net; do
		grep -qE "(^|/)$m\.ko" "$mods/modules.dep" || continue
		list="$list $(mod_deps $m)" || return 1
	done
	echo "$list" | tr ' ' '\n' | grep . | awk '!seen[$0]++' >"$T_DIR/modlist"
	: >"$r/mod/order"
	while read -r f; do
		m=$(basename "$f"); m=${m%%.ko*}.ko
		case "$f" in
		*.xz) xz -dc "$mods/$f" >"$r/mod/$m" ;;
		*.zst) zstd -qdc "$mods/$f" >"$r/mod/$m" ;;
		*.gz) gzip -dc "$mods/$f" >"$r/mod/$m" ;;
		*) cp "$mods/$f" "$r/mod/$m" ;;
		esac || return 1
		echo "$m" >>"$r/mod/order"
	done <"$T_DIR/modlist"
	cat >"$r/bin/simple.script" <<'S'
#!/bin/sh
# udhcpc's script: set the address and the default route, nothing else
case "$1" in
deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
bound|renew)
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -n "$router" ] && ip route replace default via "${router%% *}"
	echo "DCBOX-VM-LEASE $ip"
	;;
esac
exit 0
S
	cat >"$r/init" <<'S'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
for m in $(cat /mod/order); do insmod /mod/$m || echo "insmod $m failed"; done
n=0
while ! ip link show eth0 >/dev/null 2>&1 && [ $n -lt 50 ]; do
	sleep 0.1; n=$((n + 1))
done
ip link set lo up
ip link set eth0 up
peer=$(sed -n 's/.*dcbox.peer=\([0-9.]*\).*/\1/p' /proc/cmdline)
if udhcpc -i eth0 -q -n -t 10 -T 1 -s /bin/simple.script &&
   ping -c 3 -W 2 "$peer"; then
	echo "DCBOX-VM-OK"
else
	ip addr; ip route
	echo "DCBOX-VM-FAIL"
fi
poweroff -f
S
	chmod +x "$r/init" "$r/bin/simple.script"
	(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) >"$1"
}

# boot NAME MAC NETDEV: boot a VM, its console in $T_DIR/NAME.console
boot() {
	timeout 120 "$qemu" -machine accel=tcg -m 256 -nographic -no-reboot \
		-nodefaults -serial stdio -monitor none \
		-kernel "$kernel" -initrd "$T_DIR/initrd" \
		-append "console=ttyS0 quiet panic=-1 dcbox.peer=10.41.0.10" \
		-netdev "$3" -device "virtio-net-pci,netdev=n0,mac=$2" \
		</dev/null >"$T_DIR/$1.console" 2>&1
}

# Can QEMU start at all? A machine with no kernel, stopped at once.
probe=$(timeout 20 "$qemu" -machine accel=tcg -m 64 -display none \
	-nodefaults -no-reboot -S -monitor none -device virtio-net-pci \
	-qmp stdio 2>&1 <<<'{"execute":"qmp_capabilities"}
{"execute":"quit"}')
echo "$probe" | grep -q '"return"' ||
	skip "qemu-system-x86_64 cannot start: $(echo "$probe" | head -3)"

t0=$(date +%s)
check "build the initramfs (busybox, $(basename "$kernel"))" \
	build_initramfs "$T_DIR/initrd" || t_done
echo "# modules: $(tr '\n' ' ' <"$T_DIR/modlist")"

sock=/run/dcbox/qv/vs.sock
rm -rf /var/lib/dcbox/qv
trap 'rm -rf /var/lib/dcbox/qv; t_cleanup' EXIT
f=$(topo_file qv <<Y
name: qv
switches:
  sw: {}
routers:
  gw:
    interfaces:
      - switch: sw
        ip: 10.41.0.1/24
        dhcp: { range: 10.41.0.100-10.41.0.199, lease: 600 }
hosts:
  h1: { switch: sw, ip: 10.41.0.10/24, gw: 10.41.0.1 }
vms:
  vs: { switch: sw, socket: $sock }
  vt: { switch: sw, tap: qv-vt }
Y
)
check "up" up "$f" qv || t_done

# lease_of MAC: the address gw leased to MAC, bound
lease_of() {
	dc -t qv show leases --json | /usr/bin/python3 -c '
import json, sys
print(" ".join(l["ip"] for l in json.load(sys.stdin)["leases"]
	       if l["state"] == "bound" and l["mac"].lower() == sys.argv[1]))
' "$1"
}

# vm_checks NAME MAC WHAT: the console says OK, the lease is gw's
vm_checks() {
	local c=$T_DIR/$1.console ip
	if grep -q DCBOX-VM-OK "$c"; then
		ok "$3 VM got a lease and pinged h1 ($(($(date +%s) - t1)) s)"
	else
		fail "$3 VM got a lease and pinged h1"
		grep -v '^$' "$c" | tail -20 | sed 's/^/    # /'
	fi
	ip=$(sed -n 's/.*DCBOX-VM-LEASE \([0-9.]*\).*/\1/p' "$c" | tail -1)
	case "$ip" in
	10.41.0.1[0-9][0-9]) ok "$3 VM's address $ip is in gw's range" ;;
	*) fail "$3 VM's address '$ip' is in gw's range" ;;
	esac
	check "show leases lists $ip for the $3 VM's MAC" \
		test "$(lease_of "$2")" = "$ip"
}

t1=$(date +%s)
boot vs 52:54:00:41:00:01 \
	"stream,id=n0,server=off,addr.type=unix,addr.path=$sock"
vm_checks vs 52:54:00:41:00:01 "socket"
t1=$(date +%s)
boot vt 52:54:00:41:00:02 "tap,id=n0,ifname=qv-vt,script=no,downscript=no"
vm_checks vt 52:54:00:41:00:02 "TAP"
# mac_port MAC: the switch port sw learned MAC on
mac_port() {
	dc -t qv show mac --json | /usr/bin/python3 -c '
import json, sys
print(" ".join(e["port"] for e in json.load(sys.stdin)["mac"]
	       if e["mac"].lower() == sys.argv[1]))
' "$1"
}
check "sw learned the socket VM's MAC on port vs" \
	test "$(mac_port 52:54:00:41:00:01)" = vs
check "sw learned the TAP VM's MAC on port vt" \
	test "$(mac_port 52:54:00:41:00:02)" = vt
check "down" dc -t qv down
check_not "TAP qv-vt gone after down" ip link show qv-vt
check_not "socket gone after down" test -e $sock
echo "# total $(($(date +%s) - t0)) s"
t_done
