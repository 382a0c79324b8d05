/* SPDX-License-Identifier: MIT */
/*
 * cli.h - shared state and helpers of the dcbox command line.
 */
#ifndef DCBOX_CLI_H
#define DCBOX_CLI_H

#include <jansson.h>
#include <stdbool.h>

/** struct cli - options common to every command */
struct cli {
	const char *topo;          /* -t NAME, or NULL: the only one running */
	bool json;                 /* --json */
	int argc;                  /* the command's own arguments */
	char **argv;
};

int cli_pick_topo(const struct cli *c, char *name, size_t size);
int cli_list_topos(char names[][64], int max);
json_t *cli_request(const char *name, json_t *req, int *fd_out);
json_t *cli_request_name(const struct cli *c, json_t *req);
int cli_print_json(json_t *j);
int cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cli_up(struct cli *c);
int cli_down(struct cli *c);
int cli_check(struct cli *c);
int cli_status(struct cli *c);
int cli_show(struct cli *c);
int cli_exec(struct cli *c);
int cli_capture(struct cli *c);
int cli_route(struct cli *c);
int cli_reload(struct cli *c);
int cli_log(struct cli *c);
int cli_ips(struct cli *c);
int cli_ips_offline(struct cli *c);
void cli_fw_print(json_t *r);
enum { CLI_IPS_TOP = 10 }; /* rules `show ips` lists without --json */
void cli_ips_print(json_t *r);
int cli_alerts(struct cli *c);
bool cli_router_print(const char *what, json_t *r);

#endif
