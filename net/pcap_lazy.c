/* pcap_lazy.c - libpcap's entry points through dlopen (pcap_lazy.h). */
#include <dlfcn.h>
#include <stddef.h>

#include "pcap_lazy.h"

#define LIBPCAP "libpcap.so.0.8"

static struct pcap_api api;
static void *lib;

/* Each member of struct pcap_api and the symbol that fills it. */
static const struct {
	const char *name;
	size_t off;
} symbols[] = {
    {"pcap_create", offsetof(struct pcap_api, create)},
    {"pcap_set_snaplen", offsetof(struct pcap_api, set_snaplen)},
    {"pcap_set_promisc", offsetof(struct pcap_api, set_promisc)},
    {"pcap_set_immediate_mode", offsetof(struct pcap_api, set_immediate_mode)},
    {"pcap_activate", offsetof(struct pcap_api, activate)},
    {"pcap_geterr", offsetof(struct pcap_api, geterr)},
    {"pcap_statustostr", offsetof(struct pcap_api, statustostr)},
    {"pcap_compile", offsetof(struct pcap_api, compile)},
    {"pcap_setfilter", offsetof(struct pcap_api, setfilter)},
    {"pcap_freecode", offsetof(struct pcap_api, freecode)},
    {"pcap_loop", offsetof(struct pcap_api, loop)},
    {"pcap_breakloop", offsetof(struct pcap_api, breakloop)},
    {"pcap_dump_fopen", offsetof(struct pcap_api, dump_fopen)},
    {"pcap_dump", offsetof(struct pcap_api, dump)},
    {"pcap_dump_flush", offsetof(struct pcap_api, dump_flush)},
    {"pcap_dump_close", offsetof(struct pcap_api, dump_close)},
    {"pcap_stats", offsetof(struct pcap_api, stats)},
    {"pcap_close", offsetof(struct pcap_api, close)},
    {"pcap_datalink", offsetof(struct pcap_api, datalink)},
    {"pcap_datalink_val_to_name", offsetof(struct pcap_api, datalink_val_to_name)},
    {"pcap_datalink_val_to_description", offsetof(struct pcap_api, datalink_val_to_description)},
    {"pcap_snapshot", offsetof(struct pcap_api, snapshot)},
};

const struct pcap_api *pcap_api_load(struct brig_err *e)
{
	struct pcap_api a;
	void *h;

	if (lib)
		return &api;
	h = dlopen(LIBPCAP, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		brig_errf(e, ELIBACC, "load %s (install libpcap0.8): %s", LIBPCAP, dlerror());
		return NULL;
	}
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		void *fn = dlsym(h, symbols[i].name);
		if (!fn) {
			brig_errf(e, ELIBACC, "%s: %s missing", LIBPCAP, symbols[i].name);
			dlclose(h);
			return NULL;
		}
		*(void **)((char *)&a + symbols[i].off) = fn;
	}
	api = a;
	lib = h;
	return &api;
}
