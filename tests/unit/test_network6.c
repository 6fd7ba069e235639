/* test_network6.c - the IPv6 half of networks and records, without I/O:
 * network create's request (--ipv6, --subnet/--gateway per family), the
 * definition's v6 keys, the unique-local /64, and state.json's address6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "network.h"
#include "parse.h"
#include "spec.h"

static void request(void **state)
{
	struct network_request req = { .name = "lab", .subnet = "10.1.0.0/24", .ipv6 = true,
				       .subnet6 = "fd00:1::/64", .gateway6 = "fd00:1::fe" };
	struct net_network n;
	struct brig_err e = { 0 };
	char buf[NET_IP6_STRLEN];

	(void)state;
	assert_int_equal(network_request_parse(&req, &n, &e), 0);
	assert_true(n.ipv6);
	assert_int_equal(n.prefix6, 64);
	assert_string_equal(net_ip6_str(&n.gateway6, buf), "fd00:1::fe");
	req.ipv6 = false;
	assert_int_equal(network_request_parse(&req, &n, &e), -EINVAL);
	assert_string_equal(e.msg, "network create: an IPv6 --subnet or --gateway needs --ipv6");
	req.ipv6 = true;
	req.subnet = NULL;
	assert_int_equal(network_request_parse(&req, &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "an IPv4 --subnet is required beside the IPv6 one"));
	req.subnet = "10.1.0.0/24";
	req.subnet6 = "fd00:1::1/64";
	assert_int_equal(network_request_parse(&req, &n, &e), -EINVAL);
	assert_string_equal(e.msg, "--subnet: invalid IPv6 subnet 'fd00:1::1/64': host bits set "
				   "(did you mean fd00:1::/64?)");
	req.subnet6 = NULL; /* --ipv6 alone: the /64 is picked at create */
	req.gateway6 = NULL;
	assert_int_equal(network_request_parse(&req, &n, &e), 0);
	assert_true(n.ipv6);
	assert_int_equal(n.prefix6, 0);
	req.ipam = "none";
	req.subnet = NULL;
	assert_int_equal(network_request_parse(&req, &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--ipv6 needs IPAM"));
}

static void definition(void **state)
{
	struct net_network n = { .name = "lab", .ipv6 = true }, back;
	struct brig_err e = { 0 };
	json_t *j = json_object();

	(void)state;
	network_ula(&n, 0);
	assert_int_equal(net_network_validate6(&n, &e), 0);
	network_json6(j, &n);
	assert_true(json_is_true(json_object_get(j, "ipv6")));
	memset(&back, 0, sizeof(back));
	assert_int_equal(network_from_json6(j, &back, &e), 0);
	assert_true(back.ipv6);
	assert_memory_equal(&back.subnet6, &n.subnet6, sizeof(n.subnet6));
	assert_memory_equal(&back.gateway6, &n.gateway6, sizeof(n.gateway6));
	assert_int_equal(back.prefix6, 64);
	json_decref(j);
	/* a v4-only network writes no v6 key and reads back v4-only */
	j = json_object();
	n.ipv6 = false;
	network_json6(j, &n);
	assert_int_equal(json_object_size(j), 0);
	assert_int_equal(network_from_json6(j, &back, &e), 0);
	assert_false(back.ipv6);
	json_object_set_new(j, "ipv6", json_true());
	json_object_set_new(j, "subnet6", json_string("fd00::1/64"));
	assert_int_equal(network_from_json6(j, &back, &e), -EINVAL);
	json_decref(j);
}

static void ula_stable(void **state)
{
	struct net_network a = { .name = "lab" }, b = { .name = "lab" }, c = { .name = "lab" };

	(void)state;
	network_ula(&a, 0);
	network_ula(&b, 0);
	network_ula(&c, 1);
	assert_memory_equal(&a.subnet6, &b.subnet6, sizeof(a.subnet6));
	assert_memory_not_equal(&a.subnet6, &c.subnet6, sizeof(a.subnet6));
	assert_int_equal(a.subnet6.s6_addr[0], 0xfd);
}

static void state_address6(void **state)
{
	struct container_state st = { 0 }, back;
	struct brig_err e = { 0 };
	json_t *j, *x;

	(void)state;
	st.has_networks = true;
	st.n_nets = 2;
	snprintf(st.nets[0].network, sizeof(st.nets[0].network), "lab6");
	st.nets[0].address = 0x0a010002;
	st.nets[0].prefix = 24;
	st.nets[0].has6 = true;
	st.nets[0].default_route6 = true;
	st.nets[0].prefix6 = 64;
	net_parse_ip6("fd00:1::2", &st.nets[0].address6, NULL);
	net_parse_ip6("fd00:1::1", &st.nets[0].gateway6, NULL);
	snprintf(st.nets[1].network, sizeof(st.nets[1].network), "v4only");
	st.nets[1].address = 0x0a020002;
	j = spec_state_to_json(&st);
	assert_non_null(j);
	x = json_array_get(json_object_get(j, "networks"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "address6")), "fd00:1::2");
	assert_string_equal(json_string_value(json_object_get(x, "address")), "10.1.0.2");
	x = json_array_get(json_object_get(j, "networks"), 1);
	assert_null(json_object_get(x, "address6")); /* v4-only: the keys as before */
	assert_int_equal(spec_state_from_json(j, &back, &e), 0);
	assert_true(back.nets[0].has6);
	assert_true(back.nets[0].default_route6);
	assert_int_equal(back.nets[0].prefix6, 64);
	assert_memory_equal(&back.nets[0].address6, &st.nets[0].address6, 16);
	assert_memory_equal(&back.nets[0].gateway6, &st.nets[0].gateway6, 16);
	assert_false(back.nets[1].has6);
	json_decref(j);
}

/* Published ports of both families in state.json, and back. */
static void state_ports6(void **state)
{
	struct container_state st = { 0 }, back = { 0 };
	struct brig_err e = { 0 };
	json_t *j, *x;

	(void)state;
	st.n_ports = 2;
	st.ports[0] = (struct port_binding){ 0, 0x0a010002, 8080, 80, IPPROTO_TCP };
	st.ports[1] = (struct port_binding){ .host_port = 8081, .port = 81, .proto = IPPROTO_UDP,
					     .v6 = true };
	net_parse_ip6("2001:db8::1", &st.ports[1].host_ip6, NULL);
	net_parse_ip6("fd00:1::2", &st.ports[1].addr6, NULL);
	j = spec_state_to_json(&st);
	assert_non_null(j);
	x = json_array_get(json_object_get(j, "ports"), 1);
	assert_string_equal(json_string_value(json_object_get(x, "host_ip")), "2001:db8::1");
	assert_string_equal(json_string_value(json_object_get(x, "address")), "fd00:1::2");
	x = json_array_get(json_object_get(j, "ports"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "host_ip")), "0.0.0.0");
	assert_int_equal(spec_state_from_json(j, &back, &e), 0);
	assert_int_equal(back.n_ports, 2);
	assert_false(back.ports[0].v6);
	assert_int_equal(back.ports[0].addr, 0x0a010002);
	assert_true(back.ports[1].v6);
	assert_int_equal(back.ports[1].host_port, 8081);
	assert_int_equal(back.ports[1].proto, IPPROTO_UDP);
	assert_memory_equal(&back.ports[1].host_ip6, &st.ports[1].host_ip6, 16);
	assert_memory_equal(&back.ports[1].addr6, &st.ports[1].addr6, 16);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request),
		cmocka_unit_test(definition),
		cmocka_unit_test(ula_stable),
		cmocka_unit_test(state_address6),
		cmocka_unit_test(state_ports6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
