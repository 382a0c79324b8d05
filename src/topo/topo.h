/* SPDX-License-Identifier: MIT */
/*
 * topo.h - the topology model: what one YAML file describes.
 *
 * topo_parse.c fills a struct topo from YAML and validates it (names unique,
 * references resolved, addresses well formed) so that the builder
 * (topo_build.c) never sees an inconsistent model. Every element remembers
 * the line it came from so later errors can still point into the file.
 * Limits are fixed so the model is one allocation and easy to fuzz.
 */
#ifndef DCBOX_TOPO_H
#define DCBOX_TOPO_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	TOPO_NAME_MAX = 32,        /* names incl. NUL; host names <= 15 chars */
	TOPO_IFNAME_MAX = 16,      /* IFNAMSIZ */
	TOPO_MAX_SWITCHES = 64,
	TOPO_MAX_LINKS = 128,
	TOPO_MAX_HOSTS = 256,
	TOPO_MAX_VMS = 256,
	TOPO_MAX_MIRRORS = 64,
	TOPO_VLAN_MAX = 4094,
	TOPO_DEFAULT_AGING_S = 300,
	TOPO_DEFAULT_MAC_LIMIT = 0,   /* 0: no limit */
	TOPO_DEFAULT_MAC_TABLE = 8192,
	TOPO_FILE_MAX = 1 << 20,   /* bytes of YAML accepted */
	TOPO_TOPO_NAME_MAX = 12,   /* `name:` chars, prefixes interface names */
	TOPO_MAC_TABLE_MAX = 1 << 24, /* mac-table and mac-limit upper bound */
	TOPO_AGING_MAX_S = 1000000,
};

/** struct topo_switch - `switches: NAME: {...}` */
struct topo_switch {
	char name[TOPO_NAME_MAX];
	uint32_t aging_s;          /* mac-aging: seconds, default 300 */
	uint32_t mac_limit;        /* mac-limit: per port default, 0 = none */
	uint32_t mac_table;        /* mac-table: capacity, default 8192 */
	int line;
	int col;                   /* 1-based position of the YAML key */
};

/** struct topo_link - `links: - { between: [A, B], trunk: [V...] }` */
struct topo_link {
	uint16_t sw[2];            /* indices into topo.switches */
	uint16_t ntrunk;           /* 0: untagged access link (VLAN 1) */
	uint16_t trunk[TOPO_VLAN_MAX];
	int line;
	int col;                   /* 1-based position of the YAML key */
};

/** struct topo_ip - an IPv4 address with prefix length */
struct topo_ip {
	struct in_addr addr;
	uint8_t prefix;
};

/** struct topo_host - `hosts: NAME: {...}`, a namespace with a veth NIC */
struct topo_host {
	char name[TOPO_NAME_MAX];  /* also the netns name */
	uint16_t sw;               /* index into topo.switches */
	uint16_t vlan;             /* access VLAN on the switch, 0 = VLAN 1 */
	bool has_ip;
	struct topo_ip ip;
	bool has_gw;
	struct in_addr gw;
	bool has_mac;
	uint8_t mac[6];
	uint32_t mac_limit;        /* 0: the switch's default */
	int line;
	int col;                   /* 1-based position of the YAML key */
};

/**
 * enum topo_tap_attach - who holds the TAP's file descriptor
 * @TOPO_TAP_QEMU: the VM opens the TAP by name (qemu -netdev tap,ifname=);
 *                 dcbox attaches to the TAP's host-side interface
 * @TOPO_TAP_FD: dcbox holds the descriptor, as QEMU would; the interface is
 *               the "VM's" NIC and may be moved into a namespace
 */
enum topo_tap_attach { TOPO_TAP_QEMU, TOPO_TAP_FD };

/** struct topo_vm - `vms: NAME: {...}`, a TAP device for a VM */
struct topo_vm {
	char name[TOPO_NAME_MAX];
	uint16_t sw;
	uint16_t vlan;
	char tap[TOPO_IFNAME_MAX]; /* TAP name, default "<topo>-<vm>" */
	uint32_t mac_limit;
	enum topo_tap_attach attach;
	int line;
	int col;                   /* 1-based position of the YAML key */
};

enum topo_mirror_dir { TOPO_MIRROR_IN = 1, TOPO_MIRROR_OUT = 2,
		       TOPO_MIRROR_BOTH = 3 };

/** struct topo_mirror - `mirrors: - { port: P, to: Q, direction: both }` */
struct topo_mirror {
	char port[TOPO_NAME_MAX];  /* a host or VM name: its switch port */
	char to[TOPO_NAME_MAX];    /* destination host or VM name */
	enum topo_mirror_dir dir;
	int line;
	int col;                   /* 1-based position of the YAML key */
};

/** struct topo - one whole topology file */
struct topo {
	char name[TOPO_NAME_MAX];  /* `name:`, also names the daemon */
	char file[PATH_MAX];
	uint16_t nswitches, nlinks, nhosts, nvms, nmirrors;
	struct topo_switch switches[TOPO_MAX_SWITCHES];
	struct topo_link links[TOPO_MAX_LINKS];
	struct topo_host hosts[TOPO_MAX_HOSTS];
	struct topo_vm vms[TOPO_MAX_VMS];
	struct topo_mirror mirrors[TOPO_MAX_MIRRORS];
};

/*
 * Parsing (topo_parse.c). Both return 0, or -EINVAL (bad YAML or model),
 * -ENOMEM, -EFBIG or a -errno from reading the file, with a one-line
 * "FILE:LINE:COL: what is wrong" message in @err. On error *t is garbage.
 */
int topo_parse_buf(const char *buf, size_t size, const char *file,
		   struct topo *t, char *err, size_t errsize);
int topo_load(const char *path, struct topo *t, char *err, size_t errsize);

/* Cross-element checks run by the parser (topo_validate.c). */
int topo_validate(const struct topo *t, char *err, size_t errsize);

/* Lookups by name: an index into the array, or -ENOENT. */
int topo_switch_find(const struct topo *t, const char *name);
int topo_host_find(const struct topo *t, const char *name);
int topo_vm_find(const struct topo *t, const char *name);

/* "<topo>-<host>": the switch-side veth of host @h; 0 or -ENAMETOOLONG. */
int topo_host_ifname(const struct topo *t, const struct topo_host *h,
		     char ifname[TOPO_IFNAME_MAX]);

/* Normalised, deterministic text form of @t (golden tests, `dcbox show`). */
void topo_dump(const struct topo *t, FILE *f);

#endif
