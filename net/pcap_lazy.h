/* pcap_lazy.h - libpcap, loaded on first use (pcap_lazy.c; private to
 * net/).
 *
 * libpcap pulls in libdbus (and through it libsystemd, liblz4, libgcrypt,
 * ...): linking it would tax every `brig run` for the sake of `brig
 * capture`.  So brig does not link it; net/capture.c asks for this table
 * of the entry points it uses, resolved from "libpcap.so.0.8" (Debian's
 * soname for libpcap 1.x) on the first call.  The members keep libpcap's
 * own prototypes. */
#ifndef BRIG_PCAP_LAZY_H
#define BRIG_PCAP_LAZY_H

#include <pcap/pcap.h>

#include "err.h"

struct pcap_api {
	pcap_t *(*create)(const char *dev, char *errbuf);
	int (*set_snaplen)(pcap_t *p, int snaplen);
	int (*set_promisc)(pcap_t *p, int on);
	int (*set_immediate_mode)(pcap_t *p, int on);
	int (*activate)(pcap_t *p);
	char *(*geterr)(pcap_t *p);
	const char *(*statustostr)(int status);
	int (*compile)(pcap_t *p, struct bpf_program *fp, const char *str, int optimize,
		       bpf_u_int32 netmask);
	int (*setfilter)(pcap_t *p, struct bpf_program *fp);
	void (*freecode)(struct bpf_program *fp);
	int (*loop)(pcap_t *p, int cnt, pcap_handler cb, u_char *user);
	void (*breakloop)(pcap_t *p);
	pcap_dumper_t *(*dump_fopen)(pcap_t *p, FILE *f);
	void (*dump)(u_char *user, const struct pcap_pkthdr *h, const u_char *sp);
	int (*dump_flush)(pcap_dumper_t *d);
	void (*dump_close)(pcap_dumper_t *d);
	int (*stats)(pcap_t *p, struct pcap_stat *ps);
	void (*close)(pcap_t *p);
	int (*datalink)(pcap_t *p);
	const char *(*datalink_val_to_name)(int dlt);
	const char *(*datalink_val_to_description)(int dlt);
	int (*snapshot)(pcap_t *p);
};

/* The table, loading libpcap on the first call; NULL with ELIBACC and
 * dlerror()'s words in e when the library or a symbol is missing. */
const struct pcap_api *pcap_api_load(struct brig_err *e);

#endif
