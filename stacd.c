/*
 * stacd.c - the STorage Appliance Connector daemon: command line,
 * start-up checks, and (later) the one poll() loop that owns all state.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "stac_object.h"
#include "stacd.h"

#define EXIT_USAGE	2

struct options {
	const char	*conf_file;	/* NULL: ROOT/etc/stas/stacd.conf */
	const char	*root;		/* "" or a prefix for every system path */
	const char	*idl_file;
	bool		 syslog;
	bool		 tron;
	bool		 check;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: stacd [-hsv] [-f FILE] [--tron] [--check] [--idl=FILE]\n"
	    "             [--root=DIR]\n"
	    "STorage Appliance Connector (STAC). Must be root to run this "
	    "program.\n\n"
	    "  -f, --conf-file=FILE  configuration file "
	    "(default /etc/stas/stacd.conf)\n"
	    "  -s, --syslog          log to syslog instead of stdout\n"
	    "      --tron            trace on: debug messages\n"
	    "      --check           print the effective configuration and "
	    "exit\n"
	    "      --idl=FILE        write the D-Bus introspection XML to "
	    "FILE and exit\n"
	    "      --root=DIR        look for /dev, /sys, /etc and /run "
	    "under DIR\n"
	    "  -v, --version         print the version and exit\n"
	    "  -h, --help            print this help and exit\n");
}

enum long_only { OPT_TRON = 256, OPT_IDL, OPT_CHECK, OPT_ROOT };

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "conf-file", required_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 's' },
		{ "tron", no_argument, NULL, OPT_TRON },
		{ "idl", required_argument, NULL, OPT_IDL },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "f:svh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o->conf_file = optarg;
			break;
		case 's':
			o->syslog = true;
			break;
		case OPT_TRON:
			o->tron = true;
			break;
		case OPT_IDL:
			o->idl_file = optarg;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case OPT_ROOT:
			/* "/" and "" both mean the real system. */
			o->root = strcmp(optarg, "/") == 0 ? "" : optarg;
			break;
		case 'v':
			printf("stacd %s (nvme-stas 3.0 D-Bus interface)\n",
			    STACD_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "stacd: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

static int
write_idl(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");

	if (f == NULL || fputs(stac_introspection_xml, f) == EOF ||
	    (f != stdout && fclose(f) != 0) || (f == stdout && fflush(f))) {
		fprintf(stderr, "stacd: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

static void
print_host(const struct host_conf *h)
{
	printf("# host nqn: %s\n# host id: %s\n# host key: %s\n"
	    "# host symname: %s\n", h->nqn, h->id, h->key[0] ? "set" : "none",
	    h->symname[0] ? h->symname : "none");
}

/*
 * --check: like bgpd -n.  The configuration goes to stdout in stacd.conf
 * syntax (so it can be fed back), problems to stderr.
 */
static int
check_config(const struct options *o, const char *conf_path)
{
	struct conf conf;
	struct host_conf host;
	int usable = 1;

	log_init(LOG_TO_STDERR);
	conf_init(&conf);
	if (conf_load(&conf, conf_path) < 0)
		usable = 0;
	if (host_load(&host, o->root) < 0)
		usable = 0;
	printf("# stacd %s effective configuration of %s\n", STACD_VERSION,
	    conf_path);
	if (usable)
		print_host(&host);
	conf_print(stdout, &conf);
	conf_free(&conf);
	fflush(stdout);
	return usable ? 0 : 1;
}

static int
startup_checks(const struct options *o)
{
	char path[4096];

	/* Under a test root the daemon runs unprivileged on a fake tree. */
	if (o->root[0] == '\0' && geteuid() != 0) {
		fprintf(stderr, "Permission denied. You need root privileges "
		    "to run stacd.\n");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/dev/nvme-fabrics", o->root);
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "Fatal error: missing nvme-tcp kernel module "
		    "(%s: %s)\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { .root = "" };
	char conf_path[4096];

	if (parse_options(argc, argv, &o) < 0)
		return EXIT_USAGE;
	if (o.idl_file)
		return write_idl(o.idl_file);
	if (o.conf_file)
		snprintf(conf_path, sizeof(conf_path), "%s", o.conf_file);
	else
		snprintf(conf_path, sizeof(conf_path),
		    "%s/etc/stas/stacd.conf", o.root);
	if (o.check)
		return check_config(&o, conf_path);
	if (startup_checks(&o) < 0)
		return 1;
	fprintf(stderr, "stacd: the connector loop is not built yet\n");
	return 1;
}
