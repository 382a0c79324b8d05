// SPDX-License-Identifier: MIT
/*
 * udpgen.c - small-packet UDP load generator and sink for bench/run.sh.
 *
 * "send" mode blasts fixed-size UDP datagrams (64-byte payload by default,
 * a 106-byte Ethernet frame) at one IP:port, in batches of 64 per
 * sendmmsg(2), from one or more threads, either as fast as the kernel takes
 * them or paced to -r PPS. By default it uses connected UDP sockets; with
 * --dev IFNAME it writes ready-made Ethernet frames to an AF_PACKET socket on
 * that interface (PACKET_QDISC_BYPASS), which skips the sender's UDP/IP
 * stack and is several times faster: one iperf3 process (one sendmsg per
 * packet) and the socket mode both top out near 260 kpps on this host, below
 * what the switches under test can forward. The raw mode takes the source
 * MAC and IPv4 address from the interface and the destination MAC from the
 * neighbour table (/proc/net/arp; ping the target first) or --dst-mac.
 *
 * "sink" mode binds a UDP port and counts what arrives with recvmmsg(2),
 * also in batches of 64, and reports the kernel's count of datagrams it had
 * to drop because the socket buffer was full (SO_RXQ_OVFL), so that receiver
 * overload can be told apart from loss in the switch.
 *
 * Both modes print one summary line, or one JSON object with --json. The
 * program is standalone: it uses nothing from libdcbox, although the
 * Makefile links it in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
	UDPGEN_BATCH = 64,          /* datagrams per sendmmsg/recvmmsg */
	UDPGEN_PAYLOAD_MAX = 65507, /* largest UDP payload over IPv4 */
	UDPGEN_THREADS_MAX = 64,
	UDPGEN_SOCKBUF = 8 << 20,   /* socket buffer asked for, bytes */
	UDPGEN_SPORT = 40000,       /* UDP source port of raw frames */
	UDPGEN_HDRS = sizeof(struct ether_header) + sizeof(struct iphdr) +
		      sizeof(struct udphdr),
	UDPGEN_RAW_MAX = 1500 - sizeof(struct iphdr) - sizeof(struct udphdr),
};

/* Options of both modes; filled by parse_args(), read-only afterwards. */
struct udpgen_cfg {
	bool sink;
	bool json;
	struct sockaddr_in addr;    /* send: destination; sink: bind address */
	double seconds;             /* send: duration; sink: give-up time */
	double idle_s;              /* sink: stop this long after the last pkt */
	double pps;                 /* send: total rate, 0 = unlimited */
	unsigned int payload;       /* bytes of UDP payload */
	unsigned int threads;
	unsigned int batch;
	char dev[IF_NAMESIZE];      /* raw mode: send frames on this device */
	bool has_dst_mac;
	uint8_t dst_mac[ETH_ALEN];
	int ifindex;                /* raw mode, filled by raw_prepare() */
	size_t frame_len;
	uint8_t frame[UDPGEN_HDRS + UDPGEN_RAW_MAX];
};

/* Per-thread results of send mode. */
struct udpgen_worker {
	pthread_t tid;
	const struct udpgen_cfg *cfg;
	int err;                    /* 0 or -errno of a fatal setup error */
	uint64_t packets;
	uint64_t errors;            /* sendmmsg calls that failed (ENOBUFS...) */
	double t_start, t_end;
};

/* Set by SIGINT/SIGTERM; both modes stop at the next batch. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: udpgen send [-t SECONDS] [-r PPS] [-l BYTES] [-T THREADS]\n"
		"                   [-b BATCH] [--dev IFNAME [--dst-mac MAC]]\n"
		"                   [--json] IP:PORT\n"
		"       udpgen sink [-t SECONDS] [-i IDLE_SECONDS] [-b BATCH] [--json]\n"
		"                   [IP:]PORT\n"
		"send: -t duration (default 10), -r total packets/s (default 0 =\n"
		"      unlimited), -l UDP payload bytes (default 64), -T sender\n"
		"      threads (default 1), -b datagrams per sendmmsg (default 64),\n"
		"      --dev: raw Ethernet frames on IFNAME instead of UDP sockets.\n"
		"sink: counts datagrams until SIGINT/SIGTERM, -t SECONDS in total\n"
		"      (default 0 = no limit) or -i IDLE_SECONDS without a packet\n"
		"      once the first one came (default 0 = never).\n");
}

/* Parses "IP:PORT" (send) or "[IP:]PORT" (sink) into @sa. */
static int parse_addr(const char *s, bool need_ip, struct sockaddr_in *sa)
{
	char ip[INET_ADDRSTRLEN];
	const char *colon = strrchr(s, ':');
	const char *port = colon ? colon + 1 : s;
	char *end;
	long p;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_ANY);
	if (!colon && need_ip)
		return -EINVAL;
	if (colon) {
		if ((size_t)(colon - s) >= sizeof(ip))
			return -EINVAL;
		memcpy(ip, s, colon - s);
		ip[colon - s] = '\0';
		if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1)
			return -EINVAL;
	}
	errno = 0;
	p = strtol(port, &end, 10);
	if (errno || *end || end == port || p < 1 || p > 65535)
		return -EINVAL;
	sa->sin_port = htons((uint16_t)p);
	return 0;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != ETH_ALEN)
		return -EINVAL;
	for (i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int parse_opt(struct udpgen_cfg *cfg, int c, const char *arg)
{
	double v;

	switch (c) {
	case 't':
		return parse_num(arg, 0, 1e6, &cfg->seconds);
	case 'i':
		return parse_num(arg, 0, 1e6, &cfg->idle_s);
	case 'r':
		return parse_num(arg, 0, 1e9, &cfg->pps);
	case 'l':
		if (parse_num(arg, 0, UDPGEN_PAYLOAD_MAX, &v))
			return -EINVAL;
		cfg->payload = (unsigned int)v;
		return 0;
	case 'T':
		if (parse_num(arg, 1, UDPGEN_THREADS_MAX, &v))
			return -EINVAL;
		cfg->threads = (unsigned int)v;
		return 0;
	case 'b':
		if (parse_num(arg, 1, UDPGEN_BATCH, &v))
			return -EINVAL;
		cfg->batch = (unsigned int)v;
		return 0;
	case 'j':
		cfg->json = true;
		return 0;
	case 'd':
		if (strlen(arg) >= sizeof(cfg->dev))
			return -EINVAL;
		strcpy(cfg->dev, arg);
		return 0;
	case 'm':
		cfg->has_dst_mac = true;
		return parse_mac(arg, cfg->dst_mac);
	}
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct udpgen_cfg *cfg)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "dev", required_argument, NULL, 'd' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*cfg = (struct udpgen_cfg){ .seconds = 10, .payload = 64,
				    .threads = 1, .batch = UDPGEN_BATCH };
	if (argc < 2)
		return -EINVAL;
	if (!strcmp(argv[1], "sink")) {
		cfg->sink = true;
		cfg->seconds = 0;
	} else if (strcmp(argv[1], "send")) {
		return -EINVAL;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "t:i:r:l:T:b:jh", longopts,
				NULL)) != -1) {
		if (c == 'h' || parse_opt(cfg, c, optarg))
			return -EINVAL;
	}
	if (optind != argc - 1)
		return -EINVAL;
	if (cfg->dev[0] && (cfg->sink || cfg->payload > UDPGEN_RAW_MAX))
		return -EINVAL;
	return parse_addr(argv[optind], !cfg->sink, &cfg->addr);
}

/* A socket with big buffers; connected (send) or bound (sink). */
static int open_socket(const struct udpgen_cfg *cfg)
{
	int sz = UDPGEN_SOCKBUF, one = 1;
	int opt = cfg->sink ? SO_RCVBUFFORCE : SO_SNDBUFFORCE;
	int fd, rc;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* The FORCE variants need CAP_NET_ADMIN; fall back to the capped one. */
	if (setsockopt(fd, SOL_SOCKET, opt, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, cfg->sink ? SO_RCVBUF : SO_SNDBUF,
			   &sz, sizeof(sz));
	if (cfg->sink) {
		if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
			goto err_close;
		rc = bind(fd, (const struct sockaddr *)&cfg->addr,
			  sizeof(cfg->addr));
	} else {
		rc = connect(fd, (const struct sockaddr *)&cfg->addr,
			     sizeof(cfg->addr));
	}
	if (rc)
		goto err_close;
	return fd;

err_close:
	rc = -errno;
	close(fd);
	return rc;
}

/* Destination MAC of @ip from the neighbour table of this netns. */
static int arp_lookup(struct in_addr ip, const char *dev,
		      uint8_t mac[ETH_ALEN])
{
	char line[256], addr[64], hw[64], ifn[64], want[INET_ADDRSTRLEN];
	unsigned int flags;
	int rc = -ENOENT;
	FILE *f;

	f = fopen("/proc/net/arp", "re");
	if (!f)
		return -errno;
	inet_ntop(AF_INET, &ip, want, sizeof(want));
	while (rc && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %*s %x %63s %*s %63s", addr, &flags, hw,
			   ifn) != 4)
			continue;
		/* ATF_COM (0x2): the entry is complete. */
		if (!strcmp(addr, want) && !strcmp(ifn, dev) && (flags & 0x2))
			rc = parse_mac(hw, mac);
	}
	fclose(f);
	return rc;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* Builds the one frame every raw sender repeats: Ethernet/IPv4/UDP. */
static void raw_build(struct udpgen_cfg *cfg, const uint8_t *src_mac,
		      struct in_addr src)
{
	struct ether_header *eth = (struct ether_header *)cfg->frame;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	uint16_t ulen = (uint16_t)(sizeof(*udp) + cfg->payload);
	uint32_t sum;

	memset(cfg->frame, 0, sizeof(cfg->frame));
	memcpy(eth->ether_dhost, cfg->dst_mac, ETH_ALEN);
	memcpy(eth->ether_shost, src_mac, ETH_ALEN);
	eth->ether_type = htons(ETHERTYPE_IP);
	*ip = (struct iphdr){ .version = 4, .ihl = 5, .ttl = 64,
			      .protocol = IPPROTO_UDP,
			      .tot_len = htons(sizeof(*ip) + ulen),
			      .saddr = src.s_addr,
			      .daddr = cfg->addr.sin_addr.s_addr };
	ip->check = htons(csum_fold(csum_add(0, ip, sizeof(*ip))));
	*udp = (struct udphdr){ .source = htons(UDPGEN_SPORT),
				.dest = cfg->addr.sin_port,
				.len = htons(ulen) };
	sum = csum_add(0, &ip->saddr, 8) + IPPROTO_UDP + ulen;
	udp->check = htons(csum_fold(csum_add(sum, udp, ulen)));
	if (!udp->check)
		udp->check = 0xffff;
	cfg->frame_len = UDPGEN_HDRS + cfg->payload;
}

/* Resolves the interface, its addresses and the peer's MAC (raw mode). */
static int raw_prepare(struct udpgen_cfg *cfg)
{
	struct ifreq ifr = { 0 };
	struct in_addr src;
	uint8_t src_mac[ETH_ALEN];
	int fd, rc = 0;

	cfg->ifindex = (int)if_nametoindex(cfg->dev);
	if (!cfg->ifindex)
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, cfg->dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		rc = -errno;
	memcpy(src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	if (!rc && ioctl(fd, SIOCGIFADDR, &ifr))
		rc = -errno;
	close(fd);
	if (rc)
		return rc;
	src = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	if (!cfg->has_dst_mac) {
		rc = arp_lookup(cfg->addr.sin_addr, cfg->dev, cfg->dst_mac);
		if (rc)
			return rc;
	}
	raw_build(cfg, src_mac, src);
	return 0;
}

/* An AF_PACKET socket that transmits straight to the device's driver. */
static int raw_open(const struct udpgen_cfg *cfg)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_ifindex = cfg->ifindex };
	int one = 1, sz = UDPGEN_SOCKBUF;
	int fd, rc;

	/* Protocol 0: this socket never receives anything. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* How many datagrams the pacer allows now; sleeps if none are due yet. */
static unsigned int pace(const struct udpgen_cfg *cfg, double rate,
			 uint64_t sent, double t0)
{
	double due;

	if (rate <= 0)
		return cfg->batch;
	due = rate * (now_s() - t0) - (double)sent;
	if (due < 1) {
		sleep_s((1 - due) / rate);
		return 0;
	}
	return due < cfg->batch ? (unsigned int)due : cfg->batch;
}

static void *send_worker(void *arg)
{
	struct udpgen_worker *w = arg;
	const struct udpgen_cfg *cfg = w->cfg;
	static char payload[UDPGEN_PAYLOAD_MAX]; /* zeros, shared, read-only */
	struct mmsghdr msgs[UDPGEN_BATCH];
	struct iovec iov = { payload, cfg->payload };
	double rate = cfg->pps / cfg->threads, t_stop;
	unsigned int i, n;
	int fd, rc;

	if (cfg->dev[0])
		iov = (struct iovec){ (void *)cfg->frame, cfg->frame_len };
	fd = cfg->dev[0] ? raw_open(cfg) : open_socket(cfg);
	if (fd < 0) {
		w->err = fd;
		return NULL;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < UDPGEN_BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	w->t_start = now_s();
	t_stop = w->t_start + cfg->seconds;
	while (!stop_requested && (w->t_end = now_s()) < t_stop) {
		n = pace(cfg, rate, w->packets, w->t_start);
		if (!n)
			continue;
		rc = sendmmsg(fd, msgs, n, 0);
		if (rc > 0)
			w->packets += (unsigned int)rc;
		else if (rc < 0 && errno != EINTR)
			w->errors++;
	}
	close(fd);
	return NULL;
}

static void print_send(const struct udpgen_cfg *cfg,
		       const struct udpgen_worker *ws)
{
	uint64_t pkts = 0, errs = 0;
	double t0 = ws[0].t_start, t1 = ws[0].t_end, secs;
	unsigned int i;

	for (i = 0; i < cfg->threads; i++) {
		pkts += ws[i].packets;
		errs += ws[i].errors;
		t0 = ws[i].t_start < t0 ? ws[i].t_start : t0;
		t1 = ws[i].t_end > t1 ? ws[i].t_end : t1;
	}
	secs = t1 > t0 ? t1 - t0 : 0;
	if (cfg->json)
		printf("{\"mode\": \"send\", \"packets\": %llu, \"bytes\": %llu, "
		       "\"seconds\": %.6f, \"pps\": %.1f, \"errors\": %llu, "
		       "\"threads\": %u, \"batch\": %u, \"payload\": %u, "
		       "\"rate_limit_pps\": %.0f, \"raw_dev\": \"%s\"}\n",
		       (unsigned long long)pkts,
		       (unsigned long long)pkts * cfg->payload, secs,
		       secs > 0 ? pkts / secs : 0, (unsigned long long)errs,
		       cfg->threads, cfg->batch, cfg->payload, cfg->pps,
		       cfg->dev);
	else
		printf("sent %llu packets of %u bytes in %.3f s: %.0f pps "
		       "(%u threads, %llu send errors)\n",
		       (unsigned long long)pkts, cfg->payload, secs,
		       secs > 0 ? pkts / secs : 0, cfg->threads,
		       (unsigned long long)errs);
}

static int run_send(const struct udpgen_cfg *cfg)
{
	struct udpgen_worker ws[UDPGEN_THREADS_MAX];
	unsigned int i, started = 0;
	int rc = 0;

	memset(ws, 0, sizeof(ws));
	for (i = 0; i < cfg->threads; i++) {
		ws[i].cfg = cfg;
		rc = -pthread_create(&ws[i].tid, NULL, send_worker, &ws[i]);
		if (rc)
			break;
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(ws[i].tid, NULL);
		if (ws[i].err && !rc)
			rc = ws[i].err;
	}
	if (rc) {
		fprintf(stderr, "udpgen: send: %s\n", strerror(-rc));
		return rc;
	}
	print_send(cfg, ws);
	return 0;
}

/* Sink state: totals, first/last arrival, and the kernel drop counter. */
struct udpgen_sink {
	uint64_t packets, bytes;
	uint32_t drops;             /* SO_RXQ_OVFL: socket-buffer overflows */
	double t_first, t_last;
	char ctl[UDPGEN_BATCH][CMSG_SPACE(sizeof(uint32_t))];
};

/* The overflow counter rides on every datagram; the newest one wins. */
static void sink_read_ovfl(struct udpgen_sink *s, struct msghdr *mh)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
			memcpy(&s->drops, CMSG_DATA(c), sizeof(s->drops));
	}
}

static bool sink_should_stop(const struct udpgen_cfg *cfg,
			     const struct udpgen_sink *s, double t0, double t)
{
	if (stop_requested)
		return true;
	if (cfg->seconds > 0 && t - t0 >= cfg->seconds)
		return true;
	return cfg->idle_s > 0 && s->packets && t - s->t_last >= cfg->idle_s;
}

static void sink_loop(const struct udpgen_cfg *cfg, int fd,
		      struct udpgen_sink *s)
{
	static char bufs[UDPGEN_BATCH][2048];
	struct mmsghdr msgs[UDPGEN_BATCH];
	struct iovec iovs[UDPGEN_BATCH];
	double t0 = now_s(), t;
	unsigned int i;
	int n;

	for (;;) {
		for (i = 0; i < cfg->batch; i++) {
			iovs[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
			msgs[i].msg_hdr = (struct msghdr){
				.msg_iov = &iovs[i], .msg_iovlen = 1,
				.msg_control = s->ctl[i],
				.msg_controllen = sizeof(s->ctl[i]) };
		}
		n = recvmmsg(fd, msgs, cfg->batch, MSG_WAITFORONE, NULL);
		t = now_s();
		if (n > 0) {
			if (!s->packets)
				s->t_first = t;
			s->t_last = t;
			s->packets += (unsigned int)n;
			for (i = 0; i < (unsigned int)n; i++)
				s->bytes += msgs[i].msg_len;
			sink_read_ovfl(s, &msgs[n - 1].msg_hdr);
		}
		if (sink_should_stop(cfg, s, t0, t))
			return;
	}
}

static int run_sink(const struct udpgen_cfg *cfg)
{
	static struct udpgen_sink s;
	struct timeval tv = { 0, 100000 }; /* re-check the stop conditions */
	double secs;
	int fd;

	fd = open_socket(cfg);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		fprintf(stderr, "udpgen: sink: %s\n",
			strerror(fd < 0 ? -fd : errno));
		if (fd >= 0)
			close(fd);
		return fd < 0 ? fd : -EIO;
	}
	if (!cfg->json)
		fprintf(stderr, "udpgen: sink listening on port %u\n",
			ntohs(cfg->addr.sin_port));
	sink_loop(cfg, fd, &s);
	close(fd);
	secs = s.t_last - s.t_first;
	if (cfg->json)
		printf("{\"mode\": \"sink\", \"packets\": %llu, \"bytes\": %llu, "
		       "\"seconds\": %.6f, \"pps\": %.1f, "
		       "\"rcvbuf_drops\": %u}\n",
		       (unsigned long long)s.packets,
		       (unsigned long long)s.bytes, secs,
		       secs > 0 ? s.packets / secs : 0, s.drops);
	else
		printf("received %llu packets in %.3f s (first to last): "
		       "%.0f pps, %u dropped at the socket\n",
		       (unsigned long long)s.packets, secs,
		       secs > 0 ? s.packets / secs : 0, s.drops);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct udpgen_cfg cfg;

	if (parse_args(argc, argv, &cfg)) {
		usage(stderr);
		return 2;
	}
	/* No SA_RESTART: a signal must interrupt a blocked recvmmsg. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)) {
		perror("udpgen: sigaction");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cfg.dev[0] && raw_prepare(&cfg)) {
		fprintf(stderr, "udpgen: %s: cannot resolve the interface, its "
			"addresses or the destination's MAC (ping it first)\n",
			cfg.dev);
		return 1;
	}
	return (cfg.sink ? run_sink(&cfg) : run_send(&cfg)) ? 1 : 0;
}
