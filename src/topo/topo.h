/* SPDX-License-Identifier: MIT */
/*
 * topo.h - the topology model: what one YAML file describes.
 *
 * topo_parse.c (with topo_yaml.c, topo_parse_router.c and topo_parse_fw.c)
 * fills a struct topo from YAML and validates it (names unique, references
 * resolved, addresses well formed) so that the builder (topo_build.c) never
 * sees an inconsistent model. Every element remembers
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
	TOPO_PORT_NAME_MAX = 32,   /* PORT_NAME_MAX of core/port.h, incl. NUL */
	TOPO_CT_TIMEOUTS = 11,     /* keys of `conntrack-timeouts:` */
};

/* Routers: limits and defaults */
enum {
	TOPO_MAX_ROUTERS = 16,
	TOPO_ROUTER_MAX_IFS = 16,
	TOPO_ROUTER_MAX_ROUTES = 64,
	TOPO_ROUTER_MAX_FWDS = 64,
	TOPO_DHCP_MAX_DNS = 4,
	TOPO_DHCP_MAX_RES = 32,
	TOPO_DHCP_MAX_RANGE = 65536, /* addresses in one range */
	TOPO_DHCP_DEFAULT_LEASE_S = 3600,
	TOPO_DHCP_LEASE_MIN_S = 60,
	TOPO_DHCP_LEASE_MAX_S = 31536000, /* a year */
	TOPO_MTU_DEFAULT = 1500,
	TOPO_MTU_MIN = 576,
	TOPO_MTU_MAX = 9000,
	TOPO_CT_DEFAULT = 65536,   /* conntrack-max */
	TOPO_CT_MAX = 1 << 24,
};

/* Groups and firewalls: limits */
enum {
	TOPO_MAX_GROUPS = 64,
	TOPO_GROUP_MAX_MEMBERS = 256,
	TOPO_MAX_FIREWALLS = 16,
	TOPO_FW_MAX_RULES = 16384,      /* all firewalls together (FW_RULES_MAX) */
	TOPO_FW_RULE_TEXT_MAX = 4096,   /* bytes of one rule, incl. NUL */
	TOPO_FW_TEXT_MAX = 2 << 20,     /* bytes of all rule texts */
	TOPO_PATH_MAX = 256,            /* rules-file, ips: as written */
};

/** struct topo_switch - `switches: NAME: {...}` */
struct topo_switch {
	char name[TOPO_NAME_MAX];
	uint32_t aging_s;          /* mac-aging: seconds, default 300 */
	uint32_t mac_limit;        /* mac-limit: per port default, 0 = none */
	uint32_t mac_table;        /* mac-table: capacity, default 8192 */
	bool offload;              /* offload: kernel fast path, default on */
	/* `uplink: IFNAME`: bridged onto an existing interface of the host
	 * (port "SWITCH.IFNAME", a trunk: untagged = VLAN 1, plus the
	 * `uplink-vlans:` tagged); "" = none */
	char uplink[TOPO_IFNAME_MAX];
	uint16_t nuplink_vlans;    /* 0: untagged only */
	uint16_t uplink_vlans[TOPO_VLAN_MAX]; /* ascending, unique */
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
	bool has_ip;               /* a static address */
	bool dhcp;                 /* `ip: dhcp`: a DHCP client; no has_ip */
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

/**
 * enum topo_socket_type - `socket-type:` the framing of a VM socket
 * @TOPO_SOCKET_STREAM: QEMU `-netdev stream`, length-prefixed frames
 * @TOPO_SOCKET_DGRAM: QEMU `-netdev dgram`, one frame per datagram
 */
enum topo_socket_type { TOPO_SOCKET_STREAM, TOPO_SOCKET_DGRAM };

enum { TOPO_SOCKET_MAX = 108 }; /* sizeof(sun_path), incl. NUL */

/**
 * struct topo_vm - `vms: NAME: {...}`, a VM plugged in by a TAP device or
 * by a unix socket dcbox listens on (`socket:`; then @tap is "")
 */
struct topo_vm {
	char name[TOPO_NAME_MAX];
	uint16_t sw;
	uint16_t vlan;
	char tap[TOPO_IFNAME_MAX]; /* TAP name, default "<topo>-<vm>";
				    * "" for a socket VM */
	uint32_t mac_limit;
	enum topo_tap_attach attach;
	char socket[TOPO_SOCKET_MAX]; /* `socket:` absolute path, "" = TAP */
	uint8_t socket_type;       /* enum topo_socket_type */
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

/** struct topo_dhcp_res - `reservations: - { mac: M, ip: A }` */
struct topo_dhcp_res {
	uint8_t mac[6];
	struct in_addr ip;
};

/**
 * struct topo_dhcp - a DHCP server on a router interface, `dhcp: {...}`
 *
 * The range lies inside the interface's subnet and excludes its address,
 * network and broadcast; reservations lie inside the subnet (not
 * necessarily inside the range), with unique MACs and addresses.
 */
struct topo_dhcp {
	struct in_addr start, end; /* `range: A-B`, start <= end */
	struct in_addr dns[TOPO_DHCP_MAX_DNS]; /* `dns: [A, ...]` */
	uint8_t ndns;
	uint32_t lease_s;          /* `lease:` seconds, default 3600 */
	struct topo_dhcp_res reservations[TOPO_DHCP_MAX_RES];
	uint8_t nres;
	int line;
	int col;                   /* 1-based position of the YAML key */
};

/**
 * struct topo_router_if - one item of a router's `interfaces:`
 *
 * Attached either to a dcbox switch (`switch:`; ports "ROUTER.SWITCH" on
 * the router and "SWITCH.ROUTER" on the switch) or to an existing Linux
 * interface of the host (`uplink: IFNAME`, AF_PACKET).
 */
struct topo_router_if {
	bool is_uplink;
	uint16_t sw;               /* index into topo.switches, !is_uplink */
	char uplink[TOPO_IFNAME_MAX]; /* is_uplink */
	uint16_t vlan;             /* access VLAN on the switch (0 = VLAN 1);
				    * on an uplink the 802.1Q tag, 0 = none */
	struct topo_ip ip;         /* required, static */
	bool has_mac;
	uint8_t mac[6];
	uint32_t mtu;              /* default 1500, 576..9000 */
	bool masquerade;           /* `nat: masquerade` */
	bool has_dhcp;
	struct topo_dhcp dhcp;
	int line;
	int col;                   /* 1-based position of the YAML item */
};

/** struct topo_route - `routes: - { to: NET/LEN, via: A.B.C.D }` */
struct topo_route {
	struct topo_ip to;         /* network address, host bits zero */
	struct in_addr via;        /* inside a connected subnet */
	int line;
	int col;
};

/**
 * struct topo_forward - `forward: - { proto, port, to, on }`, a published
 * service: traffic to the address of interface @on_if on ports
 * @port..@port_end goes to @to, ports @to_port..@to_port+(@port_end-@port).
 */
struct topo_forward {
	uint8_t proto;             /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port, port_end;   /* "8080" or "8000-8010" */
	struct in_addr to;         /* inside a connected subnet */
	uint16_t to_port;          /* "A.B.C.D" alone: same as port */
	int on_if;                 /* index into the router's ifs: `on:`,
				    * default the first masquerade one */
	int line;
	int col;
};

/** struct topo_router - `routers: NAME: {...}` */
extern const char *const topo_ct_timeout_keys[TOPO_CT_TIMEOUTS + 1];

struct topo_router {
	char name[TOPO_NAME_MAX];
	struct topo_router_if ifs[TOPO_ROUTER_MAX_IFS];
	uint8_t nifs;              /* at least 1 */
	struct topo_route routes[TOPO_ROUTER_MAX_ROUTES];
	uint8_t nroutes;
	struct topo_forward fwd[TOPO_ROUTER_MAX_FWDS];
	uint8_t nfwd;
	uint32_t ct_max;
	/* `conntrack-timeouts:` seconds, 0 = the default; order of
	 * topo_ct_timeout_keys[] (tcp-syn-sent ... tcp-close, udp,
	 * udp-assured, icmp) */
	uint32_t ct_timeouts[TOPO_CT_TIMEOUTS];           /* `conntrack-max`, default 65536 */
	int line;
	int col;                   /* 1-based position of the YAML key */
};

/**
 * enum topo_group_kind - what one member of a group is
 * @TOPO_GROUP_HOST: a host with a static address: its /32
 * @TOPO_GROUP_NET: an address or network written in the group
 */
enum topo_group_kind { TOPO_GROUP_HOST, TOPO_GROUP_NET };

/** struct topo_group_member - one item of `groups: NAME: [...]` */
struct topo_group_member {
	enum topo_group_kind kind;
	uint16_t host;             /* TOPO_GROUP_HOST: index into topo.hosts */
	struct topo_ip net;        /* TOPO_GROUP_NET: host bits zero */
	int line;
	int col;
};

/**
 * struct topo_group - `groups: NAME: [MEMBER, ...]`, a name for addresses
 * that firewall rules use. Members are host names (hosts with a static
 * `ip`) and A.B.C.D or A.B.C.D/LEN networks, each once; may be empty.
 */
struct topo_group {
	char name[TOPO_NAME_MAX];
	struct topo_group_member members[TOPO_GROUP_MAX_MEMBERS];
	uint16_t nmembers;
	int line;
	int col;                   /* 1-based position of the YAML key */
};

/**
 * enum topo_fw_mode - how a firewall sits in the network
 * @TOPO_FW_INLINE: a transparent L2 bridge between two switches (`inline:
 *                  [A, B]`), every VLAN, tags kept; it filters what it
 *                  forwards and joins the two switches' broadcast domains
 * @TOPO_FW_ONE_ARM: fed a copy of traffic (`one-arm: SWITCH-or-PORT`); it
 *                   forwards nothing and only logs (alerts)
 */
enum topo_fw_mode { TOPO_FW_INLINE, TOPO_FW_ONE_ARM };

/**
 * enum topo_fw_arm - what a one-arm firewall is fed a mirror of
 * @TOPO_FW_ARM_SWITCH: every port of switch legs[0] (`one-arm: SWITCH`)
 * @TOPO_FW_ARM_HOST: the port of host @arm (`one-arm: HOST`)
 * @TOPO_FW_ARM_VM: the port of VM @arm (`one-arm: VM`)
 */
enum topo_fw_arm { TOPO_FW_ARM_SWITCH, TOPO_FW_ARM_HOST, TOPO_FW_ARM_VM };

/* Same values as enum fw_action (fw/fw_rule.h); checked at build time. */
enum topo_fw_action { TOPO_FW_ALLOW, TOPO_FW_DROP, TOPO_FW_REJECT };

/** enum topo_fw_log - `log:` which flows a firewall logs (rate-limited) */
enum topo_fw_log { TOPO_FW_LOG_NONE, TOPO_FW_LOG_DENIED, TOPO_FW_LOG_ALL };

/** enum topo_fw_non_ip - `non-ip:` frames that are neither IPv4 nor IPv6 */
enum topo_fw_non_ip { TOPO_FW_NON_IP_PASS, TOPO_FW_NON_IP_DROP };

/**
 * struct topo_fw_rule - one rule of a firewall, as written
 *
 * The text (without YAML quoting, NUL-terminated) is at topo.fw_text +
 * @text; topo_fw_rule_text() returns it. @line and @col are where the text
 * starts: in the topology file, or in the firewall's rules file when it
 * has one. The rule language is src/fw's (fw/fw_rule.h).
 */
struct topo_fw_rule {
	uint32_t text;             /* offset into topo.fw_text */
	uint32_t line;
	uint32_t col;
};

/** struct topo_firewall - `firewalls: NAME: {...}` */
struct topo_firewall {
	char name[TOPO_NAME_MAX];
	enum topo_fw_mode mode;
	uint16_t legs[2];          /* switch indices; one-arm: legs[0] only,
				    * the switch its mirror port is on */
	enum topo_fw_arm arm_kind; /* one-arm: what is mirrored */
	uint16_t arm;              /* one-arm, HOST/VM: index into hosts/vms */
	enum topo_fw_action default_action; /* `default:`, default drop */
	enum topo_fw_log log;      /* `log:`, default denied */
	enum topo_fw_non_ip non_ip; /* `non-ip:`, default pass */
	uint32_t first_rule;       /* rules: topo.fw_rules[first_rule...] */
	uint32_t nrules;
	bool has_rules_file;       /* rules came from `rules-file:` */
	char rules_file[TOPO_PATH_MAX]; /* as written */
	char rules_path[PATH_MAX]; /* as opened (relative to the topology
				    * file's directory); names it in messages */
	bool has_ips;
	char ips[TOPO_PATH_MAX];   /* `ips: FILE` as written (topo_ips.c) */
	int line;
	int col;                   /* 1-based position of the YAML key */
};

/* IPS rule variables (`ips-vars:`): limits */
enum {
	TOPO_IPS_VARS_MAX = 64,        /* in the whole topology */
	TOPO_IPS_VAR_NAME_MAX = 64,    /* bytes, with the NUL */
	TOPO_IPS_VAR_VALUE_MAX = 512,  /* bytes, with the NUL */
	TOPO_IPS_ALL = 0xffff,         /* topo_ips_var.fw: the top level */
};

/**
 * struct topo_ips_var - one IPS rule variable of `ips-vars:`, at the top
 * level (every firewall) or in one firewall (overrides the top level);
 * Suricata's defaults apply to the rest (topo_ips.c)
 */
struct topo_ips_var {
	uint16_t fw;               /* firewall index, or TOPO_IPS_ALL */
	uint8_t port;              /* 0 address-groups, 1 port-groups */
	char name[TOPO_IPS_VAR_NAME_MAX];  /* without the '$' */
	char value[TOPO_IPS_VAR_VALUE_MAX];
	int line;
	int col;
};

/* Tunnels: limits and defaults */
enum {
	TOPO_MAX_TUNNELS = 64,
	TOPO_TUNNEL_MAX_REMOTES = 16,
	TOPO_VXLAN_PORT = 4789,
	TOPO_VNI_MAX = 16777215,
};

/**
 * struct topo_tunnel - `tunnels: - { switch: S, vlan: V, vxlan: {...} }`,
 * a VXLAN port "SWITCH.vxVNI" on switch @sw, an access port of @vlan,
 * whose UDP socket is bound to @local:@port in namespace @netns ("" for
 * the daemon's own). One tunnel per (netns, local, port).
 */
struct topo_tunnel {
	uint16_t sw;               /* index into topo.switches */
	uint32_t vni;              /* 1..TOPO_VNI_MAX */
	struct in_addr local;
	struct in_addr remotes[TOPO_TUNNEL_MAX_REMOTES];
	uint8_t nremotes;          /* at least 1 */
	uint16_t port;             /* UDP port, default 4789 */
	char netns[TOPO_NAME_MAX]; /* "" = the daemon's namespace */
	uint16_t vlan;             /* access VLAN, 0 = VLAN 1 */
	int line;
	int col;                   /* 1-based position of the YAML item */
};

/** struct topo - one whole topology file */
struct topo {
	char name[TOPO_NAME_MAX];  /* `name:`, also names the daemon */
	char file[PATH_MAX];
	uint16_t nswitches, nlinks, nhosts, nvms, nmirrors;
	uint16_t nrouters;
	uint16_t ngroups, nfirewalls;
	uint16_t ntunnels;          /* used of tunnels */
	uint16_t nips_vars;         /* used of ips_vars */
	uint32_t nfw_rules;        /* used of fw_rules */
	uint32_t fw_text_len;      /* bytes used of fw_text */
	struct topo_switch switches[TOPO_MAX_SWITCHES];
	struct topo_link links[TOPO_MAX_LINKS];
	struct topo_host hosts[TOPO_MAX_HOSTS];
	struct topo_vm vms[TOPO_MAX_VMS];
	struct topo_mirror mirrors[TOPO_MAX_MIRRORS];
	struct topo_router routers[TOPO_MAX_ROUTERS];
	struct topo_group groups[TOPO_MAX_GROUPS];
	struct topo_firewall firewalls[TOPO_MAX_FIREWALLS];
	struct topo_fw_rule fw_rules[TOPO_FW_MAX_RULES];
	char fw_text[TOPO_FW_TEXT_MAX];
	struct topo_tunnel tunnels[TOPO_MAX_TUNNELS];
	struct topo_ips_var ips_vars[TOPO_IPS_VARS_MAX];
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
int topo_router_find(const struct topo *t, const char *name);

/*
 * The interface of router @r attached to switch or uplink @name: an index
 * into r->ifs, or -ENOENT.
 */
int topo_router_if_find(const struct topo *t, const struct topo_router *r,
			const char *name);

/*
 * Port names of interface @rif of router @r: "ROUTER.SWITCH" (or
 * "ROUTER.UPLINK") on the router side, "SWITCH.ROUTER" on the switch side
 * ("" for an uplink). 0 or -ENAMETOOLONG.
 */
int topo_router_port_names(const struct topo *t, const struct topo_router *r,
			   const struct topo_router_if *rif,
			   char rport[TOPO_PORT_NAME_MAX],
			   char sport[TOPO_PORT_NAME_MAX]);

/* Groups and firewalls (topo_parse_fw.c) */
struct fw_policy;
int topo_group_find(const struct topo *t, const char *name);
int topo_firewall_find(const struct topo *t, const char *name);
const char *topo_fw_rule_text(const struct topo *t,
			      const struct topo_fw_rule *r);
int topo_firewall_port_names(const struct topo *t,
			     const struct topo_firewall *fw, unsigned int leg,
			     char fport[TOPO_PORT_NAME_MAX],
			     char sport[TOPO_PORT_NAME_MAX]);
int topo_fw_policy(const struct topo *t, const struct topo_firewall *fw,
		   struct fw_policy *p, char *err, size_t errsize);
int topo_fw_validate(const struct topo *t, char *err, size_t errsize);

/* The `ips:` rules and `ips-vars:` of firewalls (topo_ips.c) */
struct ips_ruleset;
struct ips_vars;
int topo_ips_path(const struct topo *t, const struct topo_firewall *fw,
		  char *out, size_t size);
int topo_ips_vars(const struct topo *t, unsigned int fw, struct ips_vars *v,
		  char *err, size_t errsize);
int topo_ips_load(const struct topo *t, unsigned int fw,
		  struct ips_ruleset *rs, char *err, size_t errsize);
int topo_ips_validate(const struct topo *t, char *err, size_t errsize);
void topo_ips_report(const char *fw, const char *path,
		     const struct ips_ruleset *rs, FILE *f);
int topo_ips_warn(const struct topo *t, FILE *f);

/* Tunnels (topo_parse_tunnel.c): "SWITCH.vxVNI"; 0 or -ENAMETOOLONG. */
int topo_tunnel_port_name(const struct topo *t, const struct topo_tunnel *tu,
			  char name[TOPO_PORT_NAME_MAX]);

/* "SWITCH.IFNAME": the port of switch @sw's uplink; 0 or -ENAMETOOLONG. */
int topo_switch_uplink_port_name(const struct topo_switch *sw,
				 char name[TOPO_PORT_NAME_MAX]);

/* "<topo>-<host>": the switch-side veth of host @h; 0 or -ENAMETOOLONG. */
int topo_host_ifname(const struct topo *t, const struct topo_host *h,
		     char ifname[TOPO_IFNAME_MAX]);

/* Normalised, deterministic text form of @t (golden tests, `dcbox show`). */
void topo_dump(const struct topo *t, FILE *f);

#endif
