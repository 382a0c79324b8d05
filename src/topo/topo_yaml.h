/* SPDX-License-Identifier: MIT */
/*
 * topo_yaml.h - internal to the topology parser: the parse state and the
 * YAML helpers its files share.
 *
 * topo_yaml.c loads the YAML document (with the nesting and anchor caps)
 * and holds the schema-independent helpers: error messages with a
 * position, scalars, numbers, names, field maps, addresses and MACs.
 * topo_parse.c walks the top level, switches, hosts, VMs, links and
 * mirrors; topo_parse_router.c walks routers, topo_parse_fw.c groups and
 * firewalls. Nothing here is part of
 * dcbox's API (topo.h is): the tp_ prefix, the parser's since its first
 * version, marks these as internal to the three files.
 *
 * Every helper that reports an error writes one "FILE:LINE:COL: ..."
 * message through tp_err() and returns -EINVAL; p->what names the element
 * being parsed ("host 'a1'") and starts every message about it.
 */
#ifndef DCBOX_TOPO_YAML_H
#define DCBOX_TOPO_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "topo/topo.h"

enum {
	TP_SHOW_SLOTS = 4, /* tp_show() results alive in one message */
	TP_SHOW_MAX = 40, /* user text quoted in a message, in bytes */
	TP_WHAT_MAX = 96, /* "router 'NAME' interface 16 (switch NAME)" */
	TP_FIELDS_MAX = 16, /* keys of the largest field map */
};

/* struct tp - state of one parse; nothing outlives topo_parse_buf() */
struct tp {
	struct topo *t;
	yaml_document_t doc;
	const char *file;
	char *err;
	size_t errsize;
	char what[TP_WHAT_MAX]; /* element being parsed: "host 'a1'" */
	char show[TP_SHOW_SLOTS][TP_SHOW_MAX + 4];
	unsigned int nshow;
};

/* Messages */
__attribute__((format(printf, 3, 4))) int
tp_err(struct tp *p, const yaml_node_t *n, const char *fmt, ...);
__attribute__((format(printf, 4, 5))) int
tp_err_at(struct tp *p, int line, int col, const char *fmt, ...);
const char *tp_show(struct tp *p, const char *s);
const char *tp_node_kind(const yaml_node_t *n);

/* Loading the document */
int tp_load(struct tp *p, const char *buf, size_t size);

/* Nodes and scalars */
yaml_node_t *tp_node(struct tp *p, int id);
bool tp_is_null(const yaml_node_t *n);
size_t tp_len(const yaml_node_t *n);
int tp_str(struct tp *p, yaml_node_t *n, const char *what, const char **s);
bool tp_parse_u32(const char *s, uint32_t *v);
int tp_uint(struct tp *p, yaml_node_t *n, const char *key, uint32_t min,
	    uint32_t max, uint32_t *v);

/* Field maps and sections */
int tp_fields(struct tp *p, yaml_node_t *map, const char *const keys[],
	      const char *where, yaml_node_t *vals[]);
int tp_fields_reserved(struct tp *p, yaml_node_t *map, const char *const keys[],
		       const char *const reserved[], const char *where,
		       yaml_node_t *vals[]);
int tp_required(struct tp *p, yaml_node_t *map, yaml_node_t *val,
		const char *key);
int tp_section_map(struct tp *p, yaml_node_t *n, const char *key, int max);
int tp_section_list(struct tp *p, yaml_node_t *n, const char *key, int max);
int tp_each_pair(struct tp *p, yaml_node_t *n,
		 int (*fn)(struct tp *p, yaml_node_pair_t *pair));
int tp_each_item(struct tp *p, yaml_node_t *n,
		 int (*fn)(struct tp *p, yaml_node_t *item));

/* Names and references */
int tp_elem_name(struct tp *p, yaml_node_t *k, const char *kind, size_t max,
		 char *out, int *line, int *col);
int tp_switch_ref(struct tp *p, yaml_node_t *n, uint16_t *sw);
int tp_vlan(struct tp *p, yaml_node_t *n, uint16_t *vlan);
bool tp_is_ifname(const char *s);

/* Addresses */
const char *tp_parse_ip4(const char *s, struct in_addr *a);
uint32_t tp_mask(unsigned int prefix);
bool tp_is_unicast4(uint32_t a);
int tp_ip(struct tp *p, yaml_node_t *n, struct topo_ip *ip);
bool tp_parse_mac(const char *s, uint8_t mac[6]);
int tp_mac(struct tp *p, yaml_node_t *n, uint8_t mac[6]);

/* Sections parsed outside topo_parse.c (topo_parse_router.c, _fw.c) */
int tp_router(struct tp *p, yaml_node_pair_t *pair);
int tp_group(struct tp *p, yaml_node_pair_t *pair);
int tp_firewall(struct tp *p, yaml_node_pair_t *pair);
int tp_tunnel(struct tp *p, yaml_node_t *item);
int tp_ips_vars(struct tp *p, yaml_node_t *n, uint16_t fw);

#endif
