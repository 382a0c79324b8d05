// SPDX-License-Identifier: MIT
/*
 * cli_ctl.c - finding the daemon to talk to and exchanging one request.
 *
 * Each running topology has CTL_RUN_DIR/NAME.sock; with -t NAME the CLI
 * uses that one, without it the only running topology (a clear error
 * names the candidates when there are several or none).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ctl/ctl_proto.h"

/**
 * cli_err() - print "dcbox: MESSAGE" to stderr
 * @fmt: printf format
 *
 * Return: 1, the exit status of a failed command.
 */
int cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("dcbox: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/**
 * cli_list_topos() - names of topologies whose daemon answers
 * @names: out
 * @max: capacity of @names
 *
 * Return: how many were found.
 */
int cli_list_topos(char names[][64], int max)
{
	DIR *dir = opendir(CTL_RUN_DIR);
	struct dirent *e;
	int n = 0;

	if (!dir)
		return 0;
	while ((e = readdir(dir)) && n < max) {
		size_t len = strlen(e->d_name);
		int fd;

		if (len < 6 || len - 5 >= 64 ||
		    strcmp(e->d_name + len - 5, ".sock"))
			continue;
		snprintf(names[n], 64, "%.*s", (int)(len - 5), e->d_name);
		fd = ctl_connect(names[n]);
		if (fd >= 0) {
			close(fd);
			n++;
		}
	}
	closedir(dir);
	return n;
}

/**
 * cli_pick_topo() - the topology a command addresses
 * @c: options (-t)
 * @name: out: its name
 * @size: size of @name
 *
 * Return: 0, or 1 after printing why none could be chosen.
 */
int cli_pick_topo(const struct cli *c, char *name, size_t size)
{
	char names[16][64];
	int n, i;

	if (c->topo) {
		snprintf(name, size, "%s", c->topo);
		return 0;
	}
	n = cli_list_topos(names, 16);
	if (n == 1) {
		snprintf(name, size, "%s", names[0]);
		return 0;
	}
	if (n == 0)
		return cli_err("no topology is up (start one with: dcbox up FILE)");
	fprintf(stderr, "dcbox: several topologies are up:");
	for (i = 0; i < n; i++)
		fprintf(stderr, " %s", names[i]);
	fprintf(stderr, "; choose one with -t NAME\n");
	return 1;
}

/**
 * cli_request() - send @req to topology @name, return its reply
 * @name: topology
 * @req: request (reference stolen)
 * @fd_out: if not NULL, the socket is left open and returned here
 *
 * Return: the reply, or NULL after printing an error.
 */
json_t *cli_request(const char *name, json_t *req, int *fd_out)
{
	char err[256];
	json_t *rep = NULL;
	int fd = ctl_connect(name);

	if (fd < 0) {
		json_decref(req);
		if (fd == -EACCES || fd == -EPERM)
			cli_err("permission denied: run as root");
		else
			cli_err("topology '%s' is not up", name);
		return NULL;
	}
	if (ctl_send_json(fd, req) ||
	    ctl_recv_json(fd, (void **)&rep, err, sizeof(err))) {
		cli_err("talking to the daemon of '%s' failed", name);
		rep = NULL;
	}
	json_decref(req);
	if (rep && !json_is_true(json_object_get(rep, "ok"))) {
		cli_err("%s", json_string_value(json_object_get(rep, "error")));
		json_decref(rep);
		rep = NULL;
	}
	if (fd_out && rep)
		*fd_out = fd;
	else
		close(fd);
	return rep;
}

/**
 * cli_request_name() - cli_request() to the topology @c addresses
 * @c: options
 * @req: request (reference stolen)
 *
 * Return: the reply or NULL after printing an error.
 */
json_t *cli_request_name(const struct cli *c, json_t *req)
{
	char name[64];

	if (cli_pick_topo(c, name, sizeof(name))) {
		json_decref(req);
		return NULL;
	}
	return cli_request(name, req, NULL);
}

/**
 * cli_print_json() - print @j indented on stdout, drop the reference
 * @j: object
 *
 * Return: 0.
 */
int cli_print_json(json_t *j)
{
	json_object_del(j, "ok");
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(j);
	return 0;
}
