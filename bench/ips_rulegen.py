#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ips_rulegen.py - generate N random but realistic IPS rules for bench/ips.sh.

The rules are written in Suricata 6/7 syntax restricted to what dcbox loads
(see docs: sticky buffers http.uri/http.header/http.user_agent/http.host/
http.cookie/http.method/file.data, dns.query, tls.sni, raw content with
offset/depth/distance/within, nocase, startswith/endswith, fast_pattern,
a few percent pcre), so that dcbox and Suricata both load every one of them
and their alerts can be compared. Their shape follows Emerging Threats web
rules: most carry a distinctive pattern that never occurs in the traffic of
bench/ips_pcapgen.c, some share a common first pattern with it ("/images/",
"/api/v1/", "Mozilla/5.0") so that the multi-pattern prefilter hands the
rule over for full evaluation which then fails, and a few (about 1%) are
"policy" rules that fire on ordinary requests. Same seed, same rules.

usage: ips_rulegen.py N [--seed S] [--sid FIRST] [-o FILE]
"""

import argparse
import random
import sys

WORDS = [
    "admin", "login", "portal", "upload", "config", "backup", "module",
    "gallery", "plugin", "widget", "forum", "member", "invoice", "report",
    "export", "import", "ajax", "cron", "shop", "cart", "checkout", "tool",
    "editor", "media", "theme", "user", "account", "profile", "session",
    "search", "product", "catalog", "index", "view", "show", "list", "item",
    "order", "payment", "setup", "install", "update", "api", "service",
    "feed", "news", "calendar", "event", "ticket", "survey", "poll",
]
APPS = [
    "WordPress", "Joomla", "Drupal", "phpBB", "vBulletin", "Magento",
    "osCommerce", "PrestaShop", "MediaWiki", "TYPO3", "OpenCart", "Zen Cart",
    "Moodle", "phpMyAdmin", "Roundcube", "SugarCRM", "Nagios", "Cacti",
]
PARAMS = ["id", "cat", "page", "file", "dir", "lang", "module", "action",
          "cmd", "path", "template", "uid", "pid", "sort", "name", "q"]
ATTACKS = ["SQL Injection", "Cross Site Scripting", "Remote File Inclusion",
           "Local File Inclusion", "Command Injection", "Directory Traversal"]
BOTS = ["Bot", "Agent", "Loader", "Spider", "Client", "Updater", "Miner",
        "Crawler", "Shell", "RAT"]
TLDS = ["ru", "cn", "top", "xyz", "info", "biz", "pw", "cc", "su", "tk"]
# first patterns that do occur in ips_pcapgen's traffic
COMMON_URI = ["/images/", "/static/", "/api/v1/", ".html", ".jpg", "page="]
COMMON_HDR = ["Mozilla/5.0", "keep-alive", "gzip, deflate", "Referer"]
# ips_pcapgen.c's words, which its /api/v1/WORD?page=N URIs use
API_WORDS = [
    "home", "about", "products", "catalog", "news", "blog", "support",
    "account", "cart", "checkout", "search", "contact", "help", "docs",
    "orders", "profile", "settings", "gallery", "events", "careers",
    "pricing", "download", "release", "weekly", "summer", "garden",
    "kitchen", "travel", "review", "guide", "2024", "2025", "green",
    "classic", "modern", "sale", "new", "popular", "outdoor", "office",
]


def rname(r, lo=5, hi=10):
    """A random lower-case identifier."""
    n = r.randint(lo, hi)
    return "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))


def hexbytes(r, n):
    return " ".join("%02x" % r.randrange(256) for _ in range(n))


def head(proto, msg):
    return '%s any any -> any any (msg:"BENCHGEN %s"; ' % (proto, msg)


def uri_app(r):
    app = r.choice(APPS)
    path = "/%s/%s_%s.php" % (r.choice(WORDS), rname(r, 4, 8), r.choice(WORDS))
    p = r.choice(PARAMS)
    act = r.choice(ATTACKS)
    s = head("alert http", "%s %s %s parameter %s" % (app, path, p, act))
    s += "flow:established,to_server; http.method; content:\"GET\"; "
    s += 'http.uri; content:"%s"; fast_pattern; nocase; ' % path
    s += 'content:"%s="; nocase; distance:0; ' % p
    if act == "SQL Injection":
        s += 'content:"SELECT"; nocase; distance:0; '
    elif act == "Cross Site Scripting":
        s += 'content:"onmouseover"; nocase; distance:0; '
    s += "classtype:web-application-attack; "
    return s


def uri_pcre(r):
    d = r.choice(WORDS) + rname(r, 2, 4)
    p = r.choice(PARAMS)
    s = head("alert http", "%s %s= possible injection (pcre)" % (d, p))
    s += 'flow:established,to_server; http.uri; content:"/%s/"; nocase; ' % d
    s += ('pcre:"/\\/%s\\/[a-z0-9_]{3,16}\\.(php|asp|cgi)\\?(.+&)?%s='
          '[^&]*(%%27|\\x27|select|union|exec)/i"; ' % (d, p))
    s += "classtype:web-application-attack; "
    return s


def uri_common(r):
    """Common first pattern, distinctive second: prefilter hit, no match."""
    c = r.choice(COMMON_URI)
    s = head("alert http", "suspicious %s request %s" % (c, rname(r)))
    s += 'flow:established,to_server; http.uri; content:"%s"; ' % c
    s += 'content:"%s.%s"; distance:0; ' % (rname(r, 6, 9),
                                         r.choice(["php", "exe", "dll"]))
    s += "classtype:trojan-activity; "
    return s


def user_agent(r):
    ua = "%s%s/%d.%d" % (rname(r, 3, 6).capitalize(), r.choice(BOTS),
                         r.randint(0, 9), r.randint(0, 20))
    s = head("alert http", "Malicious user agent %s" % ua)
    s += 'flow:established,to_server; http.user_agent; content:"%s"; ' % ua
    s += "startswith; " if r.random() < 0.5 else "nocase; "
    s += "classtype:trojan-activity; "
    return s


def ua_common(r):
    s = head("alert http", "Fake browser user agent %s" % rname(r))
    s += ('flow:established,to_server; http.user_agent; content:"Mozilla/5.0";'
          ' startswith; content:"%s"; distance:0; ' % rname(r, 6, 9))
    s += "classtype:trojan-activity; "
    return s


def host(r):
    h = "%s.%s" % (rname(r, 6, 14), r.choice(TLDS))
    s = head("alert http", "Known malicious host %s" % h)
    s += 'flow:established,to_server; http.host; content:"%s"; endswith; ' % h
    s += "classtype:trojan-activity; "
    return s


def header(r):
    name = "X-%s-%s" % (rname(r, 3, 7).capitalize(), rname(r, 2, 5).capitalize())
    s = head("alert http", "CnC header %s" % name)
    s += 'flow:established,to_server; http.header; content:"%s|3a 20|"; ' % name
    s += "classtype:trojan-activity; "
    return s


def cookie(r):
    c = "%s_%s" % (rname(r, 3, 6), rname(r, 3, 6))
    s = head("alert http", "Tracking cookie %s" % c)
    s += 'flow:established,to_server; http.cookie; content:"%s="; ' % c
    s += "classtype:policy-violation; "
    return s


def file_data(r):
    f = "%s%s" % (rname(r, 4, 8), rname(r, 3, 6).capitalize())
    s = head("alert http", "Exploit kit landing page %s" % f)
    s += 'flow:established,to_client; file.data; content:"%s("; ' % f
    s += 'content:"%s"; distance:0; within:200; ' % rname(r, 6, 10)
    s += "classtype:exploit-kit; "
    return s


def raw_tcp(r):
    s = head("alert tcp", "Shellcode or CnC beacon %s" % rname(r))
    s += "flow:established; "
    s += 'content:"|%s|%s"; ' % (hexbytes(r, r.randint(3, 6)), rname(r, 3, 6))
    if r.random() < 0.3:
        s += "depth:%d; " % r.randint(16, 256)
    s += "classtype:shellcode-detect; "
    return s


def dns(r):
    d = "%s.%s" % (rname(r, 6, 14), r.choice(TLDS))
    s = head("alert dns", "DNS query for %s" % d)
    s += 'dns.query; content:"%s"; nocase; endswith; ' % d
    s += "classtype:bad-unknown; "
    return s


def tls(r):
    d = "%s.%s" % (rname(r, 6, 14), r.choice(TLDS))
    s = head("alert tls", "TLS SNI %s" % d)
    s += 'flow:established,to_server; tls.sni; content:"%s"; endswith; ' % d
    s += "classtype:bad-unknown; "
    return s


def policy(r):
    """Fires on ordinary traffic: /api/v1/WORD?page=NN (1 in 2,000 API GETs).

    Drawn from 1,600 combinations so that few policy rules share one and no
    request fires more than a handful: Suricata keeps at most 15 alerts per
    packet (packet-alert-max) and would drop the rest.
    """
    s = head("alert http", "POLICY API listing %s" % rname(r))
    s += ('flow:established,to_server; http.uri; content:"/api/v1/%s?"; '
          'content:"page=%d&"; distance:0; ' % (r.choice(API_WORDS),
                                                 r.randint(10, 49)))
    s += "classtype:policy-violation; "
    return s


KINDS = [  # (weight, generator)
    (30, uri_app), (4, uri_pcre), (6, uri_common), (13, user_agent),
    (3, ua_common), (10, host), (9, header), (5, cookie), (8, file_data),
    (8, raw_tcp), (2, dns), (2, tls), (1, policy),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sid", type=int, default=9100001)
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    r = random.Random(a.seed)
    weights = [w for w, _ in KINDS]
    out = sys.stdout if a.output == "-" else open(a.output, "w")
    out.write("# %d rules generated by bench/ips_rulegen.py --seed %d\n"
              % (a.n, a.seed))
    for i in range(a.n):
        gen = r.choices(KINDS, weights)[0][1]
        drop = r.random() < 0.1
        rule = gen(r)
        # a policy rule stays alert: in IDS mode Suricata 7 stops
        # inspecting a flow once a drop rule fired in it
        if drop and gen is not policy:
            rule = "drop" + rule[len("alert"):]
        out.write(rule + "sid:%d; rev:1;)\n" % (a.sid + i))
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
