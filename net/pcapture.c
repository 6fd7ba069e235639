/* pcapture.c - libpcap on an interface of the current network namespace
 * (pcapture.h).  tcpdump's choices: snapshot 262144, promiscuous, and
 * immediate mode (each packet is delivered as it comes, so -c N ends at
 * the Nth packet and a pipe streams). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_lazy.h"
#include "pcapture.h"

#define SNAPLEN 262144

struct net_capture {
	const struct pcap_api *api;
	pcap_t *p;
	FILE *out;
	pcap_dumper_t *dumper;
	net_capture_fn fn;
	void *arg;
	uint64_t captured;
	int write_failed;
};

static int activate(struct net_capture *cap, const struct net_capture_opts *o, struct brig_err *e)
{
	const struct pcap_api *a = cap->api;
	int rc;

	a->set_snaplen(cap->p, o->snaplen > 0 ? o->snaplen : SNAPLEN);
	a->set_promisc(cap->p, 1);
	a->set_immediate_mode(cap->p, 1);
	rc = a->activate(cap->p);
	if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
		return brig_errf(e, ENODEV, "no interface %s", o->ifname);
	if (rc == PCAP_ERROR_PERM_DENIED)
		return brig_errf(e, EPERM, "capture on %s: %s", o->ifname, a->geterr(cap->p));
	if (rc < 0)
		return brig_errf(e, EIO, "capture on %s: %s: %s", o->ifname, a->statustostr(rc),
				 a->geterr(cap->p));
	return 0;
}

static int set_filter(struct net_capture *cap, const char *filter, struct brig_err *e)
{
	const struct pcap_api *a = cap->api;
	struct bpf_program prog;

	if (!filter || !*filter)
		return 0;
	if (a->compile(cap->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return brig_errf(e, EINVAL, "invalid filter '%s': %s", filter, a->geterr(cap->p));
	if (a->setfilter(cap->p, &prog) < 0) {
		brig_errf(e, EINVAL, "set filter '%s': %s", filter, a->geterr(cap->p));
		a->freecode(&prog);
		return -EINVAL;
	}
	a->freecode(&prog);
	return 0;
}

static void describe(const struct net_capture *cap, struct net_capture_info *info)
{
	const struct pcap_api *a = cap->api;
	const char *name, *desc;

	info->dlt = a->datalink(cap->p);
	name = a->datalink_val_to_name(info->dlt);
	desc = a->datalink_val_to_description(info->dlt);
	snprintf(info->linktype, sizeof(info->linktype), "%s", name ? name : "?");
	snprintf(info->desc, sizeof(info->desc), "%s", desc ? desc : "?");
	info->snaplen = a->snapshot(cap->p);
}

int net_capture_open(const struct net_capture_opts *o, struct net_capture **out,
		     struct net_capture_info *info, struct brig_err *e)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct net_capture *cap = calloc(1, sizeof(*cap));

	*out = NULL;
	if (!cap)
		return brig_errf(e, ENOMEM, "out of memory");
	if (!(cap->api = pcap_api_load(e))) {
		free(cap);
		return -e->code;
	}
	if (!(cap->p = cap->api->create(o->ifname, errbuf))) {
		free(cap);
		return brig_errf(e, EIO, "capture on %s: %s", o->ifname, errbuf);
	}
	if (activate(cap, o, e) < 0 || set_filter(cap, o->filter, e) < 0) {
		net_capture_close(cap);
		return -e->code;
	}
	describe(cap, info);
	*out = cap;
	return 0;
}

int net_capture_to_file(struct net_capture *cap, FILE *f, struct brig_err *e)
{
	cap->dumper = cap->api->dump_fopen(cap->p, f);
	if (!cap->dumper)
		return brig_errf(e, EIO, "write pcap: %s", cap->api->geterr(cap->p));
	cap->out = f;
	return 0;
}

void net_capture_to_fn(struct net_capture *cap, net_capture_fn fn, void *arg)
{
	cap->fn = fn;
	cap->arg = arg;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct net_capture *cap = (struct net_capture *)user;

	if (cap->dumper) {
		cap->api->dump((u_char *)cap->dumper, h, data);
		/* one packet at a time: a reader of the pipe sees it now */
		if (cap->api->dump_flush(cap->dumper) < 0 || ferror(cap->out)) {
			cap->write_failed = 1;
			cap->api->breakloop(cap->p);
			return;
		}
	} else if (cap->fn) {
		cap->fn(cap->arg, &h->ts, h->caplen, h->len, data);
	}
	cap->captured++;
}

int net_capture_run(struct net_capture *cap, long count, struct net_capture_stats *st,
		    struct brig_err *e)
{
	struct pcap_stat ps;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = cap->api->loop(cap->p, count > 0 ? (int)count : -1, on_packet, (u_char *)cap);
	if (rc == PCAP_ERROR)
		return brig_errf(e, EIO, "capture: %s", cap->api->geterr(cap->p));
	st->captured = cap->captured;
	if (cap->api->stats(cap->p, &ps) == 0) {
		st->received = ps.ps_recv;
		st->dropped = ps.ps_drop;
	}
	return 0;
}

void net_capture_break(struct net_capture *cap)
{
	if (cap)
		cap->api->breakloop(cap->p);
}

void net_capture_close(struct net_capture *cap)
{
	if (!cap)
		return;
	if (cap->dumper)
		cap->api->dump_close(cap->dumper); /* closes the FILE too */
	if (cap->p)
		cap->api->close(cap->p);
	free(cap);
}
