/* test_api_conv.c - src/api/conv*.c: Docker's ContainerCreate body into a
 * container spec (every field, null and unknown fields ignored, wrong
 * types refused naming the field, the engine's own checks), and brig's
 * documents as Docker's ContainerJSON, list entries (human status,
 * ports, filters), networks (both ways), images and volumes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conv.h"
#include "parse.h"
#include "spec_parse.h"

static json_t *js(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);

	if (!j)
		fail_msg("bad test JSON: %s: %s", err.text, text);
	return j;
}

/* j's member along the keys (a number indexes an array), NULL-ended. */
static json_t *at(json_t *j, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, j);
	while (j && (k = va_arg(ap, const char *)))
		j = json_is_array(j) ? json_array_get(j, (size_t)atoi(k)) : json_object_get(j, k);
	va_end(ap);
	return j;
}

#define S(...) json_string_value(at(__VA_ARGS__, NULL))
#define I(...) json_integer_value(at(__VA_ARGS__, NULL))
#define B(...) json_is_true(at(__VA_ARGS__, NULL))
#define N(...) json_is_null(at(__VA_ARGS__, NULL))

/* body is accepted into o (free it with conv_create_free) */
static void created(const char *body, struct api_create *o)
{
	struct brig_err e = {0};
	json_t *j = js(body);
	int r = conv_create_spec(j, NULL, o, &e);

	json_decref(j); /* o holds its own reference */
	if (r < 0)
		fail_msg("refused: %s: %s", e.msg, body);
}

/* body is refused (EINVAL) with a message holding want */
static void refused(const char *body, const char *want)
{
	struct brig_err e = {0};
	struct api_create o;
	json_t *j = js(body);

	if (conv_create_spec(j, NULL, &o, &e) == 0)
		fail_msg("accepted: %s", body);
	json_decref(j);
	assert_int_equal(e.code, EINVAL);
	if (!strstr(e.msg, want))
		fail_msg("message '%s' lacks '%s'", e.msg, want);
	assert_null(strchr(e.msg, '\n'));
	assert_null(o.body); /* nothing left allocated */
}

/* ---- ContainerCreate ---- */

static void create_minimal(void **state)
{
	struct api_create o;
	struct brig_err e = {0};
	json_t *j = js("{\"Image\": \"busybox\", \"Cmd\": [\"echo\", \"hi\"]}");

	(void)state;
	assert_int_equal(conv_create_spec(j, "/web", &o, &e), 0);
	json_decref(j);
	assert_string_equal(o.spec.image, "busybox");
	assert_string_equal(o.spec.name, "web");
	assert_null(o.spec.entrypoint);
	assert_string_equal(o.spec.argv[0], "echo");
	assert_string_equal(o.spec.argv[1], "hi");
	assert_null(o.spec.argv[2]);
	assert_true(o.spec.detach);
	assert_int_equal(o.spec.n_nets, 1);
	assert_string_equal(o.spec.nets[0].name, "bridge");
	conv_create_free(&o);
	assert_null(o.body);
}

static void create_entrypoint(void **state)
{
	struct api_create o;

	(void)state;
	/* a string is an array of one, never split */
	created("{\"Image\": \"b\", \"Entrypoint\": \"/bin/sh -c\", \"Cmd\": \"echo hi\"}", &o);
	assert_string_equal(o.spec.entrypoint, "/bin/sh -c");
	assert_string_equal(o.spec.argv[0], "echo hi");
	assert_null(o.spec.argv[1]);
	conv_create_free(&o);
	/* Entrypoint's further words come before Cmd */
	created("{\"Image\": \"b\", \"Entrypoint\": [\"sh\", \"-c\"], \"Cmd\": [\"x\"]}", &o);
	assert_string_equal(o.spec.entrypoint, "sh");
	assert_string_equal(o.spec.argv[0], "-c");
	assert_string_equal(o.spec.argv[1], "x");
	conv_create_free(&o);
	/* [""] resets the image's; [] and null keep it */
	created("{\"Image\": \"b\", \"Entrypoint\": [\"\"]}", &o);
	assert_string_equal(o.spec.entrypoint, "");
	conv_create_free(&o);
	created("{\"Image\": \"b\", \"Entrypoint\": [], \"Cmd\": null}", &o);
	assert_null(o.spec.entrypoint);
	assert_null(o.spec.argv);
	conv_create_free(&o);
}

static void create_null_unknown(void **state)
{
	struct api_create o;

	(void)state;
	created("{\"Image\": \"b\", \"Cmd\": null, \"Env\": null, \"Labels\": null, "
		"\"HostConfig\": null, \"NetworkingConfig\": null, \"Foo\": {\"bar\": [1]}, "
		"\"Domainname\": \"x\", \"AttachStdin\": true, \"StdinOnce\": true, "
		"\"StopSignal\": \"SIGINT\", \"StopTimeout\": 3, \"hostname\": \"h1\"}",
		&o);
	assert_string_equal(o.spec.hostname, "h1"); /* Go's decoder ignores case */
	assert_int_equal(o.spec.n_env, 0);
	assert_int_equal(o.spec.n_labels, 0);
	conv_create_free(&o);
	created("{\"Image\": \"b\", \"HostConfig\": {\"Memory\": null, \"MemorySwap\": -1, "
		"\"Binds\": null, \"PortBindings\": null, \"Unknown\": 1, \"NetworkMode\": null, "
		"\"PidsLimit\": null, \"CapAdd\": null}}",
		&o);
	assert_int_equal(o.spec.limits.memory, 0);
	assert_int_equal(o.spec.limits.pids, 0);
	assert_string_equal(o.spec.nets[0].name, "bridge");
	conv_create_free(&o);
}

static void create_wrong_types(void **state)
{
	(void)state;
	refused("[]", "JSON object");
	refused("{}", "Image: required");
	refused("{\"Image\": 1}", "Image: expected a string, got an integer");
	refused("{\"Image\": \"b\", \"Env\": \"A=1\"}",
		"Env: expected an array of strings, got a string");
	refused("{\"Image\": \"b\", \"Env\": [1]}", "Env[0]: expected a string, got an integer");
	refused("{\"Image\": \"b\", \"Cmd\": {}}", "Cmd: expected a string or an array");
	refused("{\"Image\": \"b\", \"Tty\": \"yes\"}", "Tty: expected a boolean, got a string");
	refused("{\"Image\": \"b\", \"Labels\": {\"a\": 1}}", "Labels[\"a\"]: expected a string");
	refused("{\"Image\": \"b\", \"HostConfig\": []}",
		"HostConfig: expected an object, got an array");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Memory\": \"1g\"}}",
		"HostConfig.Memory: expected an integer, got a string");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"NanoCpus\": 0.5}}",
		"HostConfig.NanoCpus: expected an integer, got a number");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Privileged\": 1}}", "HostConfig.Privileged");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"PortBindings\": {\"80/tcp\": \"8080\"}}}",
		"HostConfig.PortBindings.80/tcp: expected an array");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"PortBindings\": {\"80/tcp\": "
		"[{\"HostPort\": 8080}]}}}",
		"HostPort: expected a string, got an integer");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Mounts\": {}}}",
		"HostConfig.Mounts: expected an array");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Mounts\": [{\"Type\": \"bind\", "
		"\"ReadOnly\": \"y\"}]}}",
		"HostConfig.Mounts[0].ReadOnly: expected a boolean");
	refused("{\"Image\": \"b\", \"NetworkingConfig\": {\"EndpointsConfig\": {\"n\": "
		"{\"Aliases\": \"a\"}}}}",
		"Aliases: expected an array");
}

static void create_config(void **state)
{
	struct api_create o;

	(void)state;
	created(
	    "{\"Image\": \"b\", \"Env\": [\"A=1\", null, \"B=2\"], \"WorkingDir\": \"/w\", "
	    "\"User\": \"1000:1000\", \"Hostname\": \"h\", \"Domainname\": \"d\", \"Tty\": true, "
	    "\"OpenStdin\": true, \"Labels\": {\"a\": \"1\", \"b\": \"\"}}",
	    &o);
	assert_int_equal(o.spec.n_env, 2);
	assert_string_equal(o.spec.env[1], "B=2");
	assert_string_equal(o.spec.workdir, "/w");
	assert_string_equal(o.spec.user, "1000:1000");
	assert_string_equal(o.spec.hostname, "h");
	assert_true(o.spec.tty);
	assert_true(o.spec.interactive);
	assert_int_equal(o.spec.n_labels, 2);
	assert_string_equal(o.spec.labels[0], "a=1");
	assert_string_equal(o.spec.labels[1], "b=");
	conv_create_free(&o);
	/* "" is "not given" */
	created("{\"Image\": \"b\", \"WorkingDir\": \"\", \"User\": \"\", \"Hostname\": \"\"}", &o);
	assert_null(o.spec.workdir);
	assert_null(o.spec.user);
	assert_null(o.spec.hostname);
	conv_create_free(&o);
	refused("{\"Image\": \"b\", \"Hostname\": \"bad name\"}", "hostname");
}

static void create_ports(void **state)
{
	struct api_create o;

	(void)state;
	created("{\"Image\": \"b\", \"HostConfig\": {\"PortBindings\": {"
		"\"80/tcp\": [{\"HostIp\": \"\", \"HostPort\": \"8080\"}], "
		"\"53/udp\": [{\"HostIp\": \"127.0.0.1\", \"HostPort\": \"\"}], "
		"\"443/tcp\": [{\"HostIp\": \"::\", \"HostPort\": \"8443\"}, "
		"{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"8443\"}], \"22\": null}}}",
		&o);
	assert_int_equal(o.spec.n_publish, 3);
	assert_string_equal(o.spec.publish[0], "8080:80/tcp");
	assert_string_equal(o.spec.publish[1], "127.0.0.1:0:53/udp");
	assert_string_equal(o.spec.publish[2], "0.0.0.0:8443:443/tcp");
	assert_false(o.spec.publish_all);
	conv_create_free(&o);
	/* -P: the exposed ports no binding names, on free host ports */
	created("{\"Image\": \"b\", \"ExposedPorts\": {\"80/tcp\": {}, \"9000/udp\": {}}, "
		"\"HostConfig\": {\"PublishAllPorts\": true, \"PortBindings\": "
		"{\"80/tcp\": [{\"HostPort\": \"8080\"}]}}}",
		&o);
	assert_true(o.spec.publish_all);
	assert_int_equal(o.spec.n_publish, 2);
	assert_string_equal(o.spec.publish[0], "8080:80/tcp");
	assert_string_equal(o.spec.publish[1], "9000/udp");
	conv_create_free(&o);
	/* exposed alone publishes nothing */
	created("{\"Image\": \"b\", \"ExposedPorts\": {\"80/tcp\": {}}}", &o);
	assert_int_equal(o.spec.n_publish, 0);
	conv_create_free(&o);
	refused("{\"Image\": \"b\", \"HostConfig\": {\"PortBindings\": {\"http/tcp\": []}}}",
		"HostConfig.PortBindings");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"PortBindings\": {\"80/tcp\": "
		"[{\"HostPort\": \"99999\"}]}}}",
		"HostConfig.PortBindings[\"80/tcp\"]");
}

static void create_binds_mounts(void **state)
{
	struct api_create o;
	struct mount_spec *m;

	(void)state;
	created(
	    "{\"Image\": \"b\", \"HostConfig\": {\"Binds\": [\"/src:/dst:ro\", \"vol:/data\"], "
	    "\"Mounts\": [{\"Type\": \"bind\", \"Source\": \"/tmp\", \"Target\": \"/t\", "
	    "\"ReadOnly\": true, \"BindOptions\": {\"CreateMountpoint\": true}}, "
	    "{\"Type\": \"volume\", \"Source\": \"v2\", \"Target\": \"/v\", "
	    "\"VolumeOptions\": {\"NoCopy\": true}}, {\"Type\": \"tmpfs\", \"Target\": \"/tm\", "
	    "\"TmpfsOptions\": {\"SizeBytes\": 1048576, \"Mode\": 448}}], "
	    "\"Tmpfs\": {\"/run\": \"size=64m\", \"/x\": \"\"}}}",
	    &o);
	assert_int_equal(o.spec.n_mounts, 7);
	m = o.spec.mounts;
	assert_int_equal(m[0].type, MOUNT_BIND);
	assert_string_equal(m[0].source, "/src");
	assert_string_equal(m[0].target, "/dst");
	assert_true(m[0].readonly);
	assert_int_equal(m[1].type, MOUNT_VOLUME);
	assert_string_equal(m[1].source, "vol");
	assert_false(m[1].readonly);
	assert_int_equal(m[2].type, MOUNT_BIND);
	assert_true(m[2].readonly);
	assert_true(m[2].create_source);
	assert_int_equal(m[3].type, MOUNT_VOLUME);
	assert_true(m[3].nocopy);
	assert_int_equal(m[4].type, MOUNT_TMPFS);
	assert_non_null(strstr(m[4].options, "size=1048576"));
	assert_non_null(strstr(m[4].options, "mode=700"));
	assert_string_equal(m[5].target, "/run");
	assert_non_null(strstr(m[5].options, "size=67108864"));
	assert_string_equal(m[6].target, "/x");
	conv_create_free(&o);
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Binds\": [\"./rel:/x\"]}}",
		"HostConfig.Binds");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Mounts\": [{\"Type\": \"bind\", "
		"\"Source\": \"/a,readonly\", \"Target\": \"/x\"}]}}",
		"',' is not allowed");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Mounts\": [{\"Type\": \"npipe\", "
		"\"Source\": \"/a\", \"Target\": \"/x\"}]}}",
		"HostConfig.Mounts[0]");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Binds\": [\"/a:/x\", \"/b:/x\"]}}", "/x");
}

static void create_resources(void **state)
{
	struct api_create o;
	const struct cgroup_limits *l = &o.spec.limits;

	(void)state;
	created("{\"Image\": \"b\", \"HostConfig\": {\"Memory\": 104857600, \"MemorySwap\": 0, "
		"\"NanoCpus\": 500000000, \"PidsLimit\": -1, \"CpuShares\": 512, "
		"\"CpusetCpus\": \"0\"}}",
		&o);
	assert_int_equal(l->memory, 104857600);
	assert_int_equal(l->cpu_quota, 50000);
	assert_int_equal(l->cpu_period, 100000);
	assert_int_equal(l->pids, -1);
	assert_int_equal(l->cpu_shares, 512);
	assert_string_equal(l->cpuset, "0");
	conv_create_free(&o);
	created("{\"Image\": \"b\", \"HostConfig\": {\"PidsLimit\": 0, \"CpuQuota\": 25000, "
		"\"CpuPeriod\": 50000, \"CpuShares\": 1}}",
		&o);
	assert_int_equal(l->pids, -1);
	assert_int_equal(l->cpu_quota, 25000);
	assert_int_equal(l->cpu_period, 50000);
	assert_int_equal(l->cpu_shares, 2);
	conv_create_free(&o);
	created("{\"Image\": \"b\", \"HostConfig\": {\"PidsLimit\": 100}}", &o);
	assert_int_equal(l->pids, 100);
	conv_create_free(&o);
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Memory\": 1000}}", "HostConfig.Memory");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Memory\": -5}}", "negative");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"NanoCpus\": 500000000, \"CpuQuota\": 1000}}",
		"conflicting");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"NanoCpus\": 4096000000000}}",
		"HostConfig.NanoCpus");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"CpusetCpus\": \"999\"}}",
		"HostConfig.CpusetCpus");
}

static void create_security(void **state)
{
	struct api_create o;
	uint64_t net_admin, mknod;
	struct brig_err e;

	(void)state;
	assert_int_equal(spec_parse_cap("NET_ADMIN", &net_admin, &e), 0);
	assert_int_equal(spec_parse_cap("MKNOD", &mknod, &e), 0);
	created(
	    "{\"Image\": \"b\", \"HostConfig\": {\"CapAdd\": [\"NET_ADMIN\"], "
	    "\"CapDrop\": [\"CAP_MKNOD\"], \"Privileged\": true, \"SecurityOpt\": "
	    "[\"seccomp=unconfined\"], \"Sysctls\": {\"net.ipv4.ip_forward\": \"1\"}, "
	    "\"ReadonlyRootfs\": true, \"Init\": true, \"AutoRemove\": true, "
	    "\"CgroupParent\": \"lab\", \"Dns\": [\"1.1.1.1\"], \"DnsSearch\": [\"example.com\"], "
	    "\"DnsOptions\": [\"ndots:2\"], \"ExtraHosts\": [\"h:10.0.0.1\"]}}",
	    &o);
	assert_int_equal(o.spec.cap_add, net_admin);
	assert_int_equal(o.spec.cap_drop, mknod);
	assert_true(o.spec.privileged);
	assert_true(o.spec.security.seccomp_unconfined);
	assert_string_equal(o.spec.sysctls[0], "net.ipv4.ip_forward=1");
	assert_true(o.spec.read_only);
	assert_true(o.spec.init);
	assert_true(o.spec.rm);
	assert_string_equal(o.spec.cgroup_parent, "lab");
	assert_string_equal(o.spec.dns[0], "1.1.1.1");
	assert_string_equal(o.spec.dns_search[0], "example.com");
	assert_string_equal(o.spec.dns_opts[0], "ndots:2");
	assert_string_equal(o.spec.add_hosts[0], "h:10.0.0.1");
	conv_create_free(&o);
	refused("{\"Image\": \"b\", \"HostConfig\": {\"CapAdd\": [\"NOPE\"]}}",
		"HostConfig.CapAdd: unknown capability");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Sysctls\": {\"kernel.x\": \"1\"}}}",
		"HostConfig.Sysctls");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"SecurityOpt\": [\"seccomp=/p.json\"]}}",
		"HostConfig.SecurityOpt");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"Dns\": [\"x\"]}}", "HostConfig.Dns");
	refused("{\"Image\": \"b\", \"HostConfig\": {\"ExtraHosts\": [\"h\"]}}",
		"HostConfig.ExtraHosts");
}

static void create_networks(void **state)
{
	struct api_create o;
	uint32_t ip;

	(void)state;
	created("{\"Image\": \"b\", \"HostConfig\": {\"NetworkMode\": \"default\"}}", &o);
	assert_string_equal(o.spec.nets[0].name, "bridge");
	conv_create_free(&o);
	created("{\"Image\": \"b\", \"HostConfig\": {\"NetworkMode\": \"host\"}}", &o);
	assert_int_equal(o.spec.n_nets, 1);
	assert_string_equal(o.spec.nets[0].name, "host");
	conv_create_free(&o);
	/* the docker CLI's --network n --ip A --network-alias web --mac-address M */
	created("{\"Image\": \"b\", \"HostConfig\": {\"NetworkMode\": \"n1\"}, "
		"\"NetworkingConfig\": {\"EndpointsConfig\": {\"n1\": {\"IPAMConfig\": "
		"{\"IPv4Address\": \"10.1.0.5\"}, \"Aliases\": [\"web\"], "
		"\"MacAddress\": \"02:42:0a:01:00:05\"}}}}",
		&o);
	assert_int_equal(o.spec.n_nets, 1);
	assert_string_equal(o.spec.nets[0].name, "n1");
	assert_int_equal(net_parse_ip("10.1.0.5", &ip, NULL), 0);
	assert_int_equal(o.spec.nets[0].ip, ip);
	assert_int_equal(o.spec.nets[0].n_aliases, 1);
	assert_string_equal(o.spec.nets[0].aliases[0], "web");
	assert_true(o.spec.nets[0].has_mac);
	conv_create_free(&o);
	/* no mode: the endpoints given; a mode and another network: both */
	created("{\"Image\": \"b\", \"NetworkingConfig\": {\"EndpointsConfig\": {\"n2\": {}}}}",
		&o);
	assert_int_equal(o.spec.n_nets, 1);
	assert_string_equal(o.spec.nets[0].name, "n2");
	conv_create_free(&o);
	created(
	    "{\"Image\": \"b\", \"HostConfig\": {\"NetworkMode\": \"n1\"}, \"NetworkingConfig\": "
	    "{\"EndpointsConfig\": {\"n2\": null, \"n1\": {\"IPAMConfig\": null}}}}",
	    &o);
	assert_int_equal(o.spec.n_nets, 2);
	assert_string_equal(o.spec.nets[0].name, "n1");
	assert_string_equal(o.spec.nets[1].name, "n2");
	conv_create_free(&o);
	/* Config.MacAddress (API < 1.44) goes to the first network */
	created("{\"Image\": \"b\", \"MacAddress\": \"02:42:0a:01:00:06\"}", &o);
	assert_true(o.spec.nets[0].has_mac);
	conv_create_free(&o);
	refused("{\"Image\": \"b\", \"HostConfig\": {\"NetworkMode\": \"n1,ip=10.0.0.1\"}}",
		"',' is not allowed");
	refused(
	    "{\"Image\": \"b\", \"HostConfig\": {\"NetworkMode\": \"n1\"}, \"NetworkingConfig\": "
	    "{\"EndpointsConfig\": {\"n1\": {\"IPAMConfig\": {\"IPv4Address\": \"bad\"}}}}}",
	    "EndpointsConfig[\"n1\"]");
	refused(
	    "{\"Image\": \"b\", \"HostConfig\": {\"NetworkMode\": \"host\"}, \"NetworkingConfig\": "
	    "{\"EndpointsConfig\": {\"n2\": {}}}}",
	    "host");
}

/* Bodies real clients sent (captured from Debian's docker CLI 20.10 and
 * python3-docker 5.0.3 against a socket that only recorded them): the
 * fixtures beside this file (tests run from the repository root). */
static json_t *fixture(const char *name)
{
	const char *slash = strrchr(__FILE__, '/');
	char path[512];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%.*s/fixtures/api/%s", slash ? (int)(slash - __FILE__) : 1,
		 slash ? __FILE__ : ".", name);
	if (!(j = json_load_file(path, 0, &err)))
		fail_msg("%s: %s", path, err.text);
	return j;
}

static void fixture_created(const char *name, struct api_create *o)
{
	struct brig_err e = {0};
	json_t *j = fixture(name);

	if (conv_create_spec(j, "w", o, &e) < 0)
		fail_msg("%s refused: %s", name, e.msg);
	json_decref(j);
}

static void create_real_clients(void **state)
{
	struct api_create o;
	struct network_request req;
	struct brig_err e = {0};
	uint32_t ip;
	json_t *j;

	(void)state;
	/* docker run --rm busybox echo hi */
	fixture_created("docker-cli-run-rm.json", &o);
	assert_true(o.spec.rm);
	assert_string_equal(o.spec.argv[0], "echo");
	assert_string_equal(o.spec.nets[0].name, "bridge");
	assert_int_equal(o.spec.n_mounts, 0);
	conv_create_free(&o);
	/* docker run -d --name w -p 8080:80 -e A=1 -v /tmp:/t:ro --memory 100m
	 * --cpus 0.5 --pids-limit 50 --cap-add NET_ADMIN --network n --ip
	 * 10.1.0.5 --network-alias web -l a=b --tmpfs /run --mount
	 * type=volume,src=vol,dst=/v --sysctl net.ipv4.ip_forward=1 --dns 1.1.1.1
	 * --add-host h:10.0.0.1 --init --read-only -it --entrypoint /bin/sh
	 * busybox -c 'httpd -f' */
	fixture_created("docker-cli-run-full.json", &o);
	assert_string_equal(o.spec.entrypoint, "/bin/sh");
	assert_string_equal(o.spec.argv[1], "httpd -f");
	assert_string_equal(o.spec.publish[0], "8080:80/tcp");
	assert_int_equal(o.spec.n_publish, 1);
	assert_int_equal(o.spec.limits.memory, 104857600);
	assert_int_equal(o.spec.limits.cpu_quota, 50000);
	assert_int_equal(o.spec.limits.pids, 50);
	assert_string_equal(o.spec.nets[0].name, "n");
	assert_int_equal(net_parse_ip("10.1.0.5", &ip, NULL), 0);
	assert_int_equal(o.spec.nets[0].ip, ip);
	assert_string_equal(o.spec.nets[0].aliases[0], "web");
	assert_int_equal(o.spec.n_mounts, 3); /* -v, --mount, --tmpfs */
	assert_true(o.spec.tty);
	assert_true(o.spec.interactive);
	assert_true(o.spec.init);
	assert_true(o.spec.read_only);
	assert_string_equal(o.spec.labels[0], "a=b");
	conv_create_free(&o);
	/* containers.create('busybox', ['echo', 'hi'], ports={'80/tcp': 8080},
	 * environment=..., network='n', labels=..., mem_limit='100m',
	 * nano_cpus=500000000): its NetworkingConfig {"n": null} is no
	 * EndpointsConfig, ignored */
	fixture_created("docker-sdk-create.json", &o);
	assert_string_equal(o.spec.nets[0].name, "n");
	assert_string_equal(o.spec.publish[0], "8080:80/tcp");
	assert_int_equal(o.spec.limits.cpu_quota, 50000);
	conv_create_free(&o);
	/* docker network create --subnet 10.9.0.0/24 --gateway 10.9.0.1
	 * --internal -o com.docker.network.driver.mtu=1400 nn */
	j = fixture("docker-cli-net.json");
	assert_int_equal(conv_network_request(j, &req, &e), 0);
	assert_string_equal(req.name, "nn");
	assert_string_equal(req.subnet, "10.9.0.0/24");
	assert_string_equal(req.gateway, "10.9.0.1");
	assert_string_equal(req.mtu, "1400");
	assert_true(req.internal);
	json_decref(j);
}

/* ---- ContainerJSON, list entries ---- */

#define IMAGE_ID "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CT_ID "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const char config_text[] =
    "{\"id\": \"" CT_ID "\", \"name\": \"w\", \"image\": \"busybox\", \"image_id\": \"" IMAGE_ID
    "\", \"rootfs\": \"\", \"created\": \"2024-01-02T03:04:05.123456789Z\", "
    "\"cmd\": [\"httpd\", \"-f\", \"-p\", \"80\"], \"env\": [\"PATH=/bin\"], \"workdir\": \"\", "
    "\"user\": \"\", \"networks\": [{\"name\": \"bridge\", \"gw_priority\": 0, \"aliases\": []}], "
    "\"sysctls\": [\"net.ipv4.ip_forward=1\"], \"rm\": false, \"detach\": true, \"tty\": false, "
    "\"interactive\": false, \"init\": false, \"cap_add\": 4096, \"cap_drop\": 0, "
    "\"limits\": {\"memory\": 104857600, \"memory_swap\": 0, \"cpu_quota\": 50000, "
    "\"cpu_period\": 100000, \"cpu_shares\": 0, \"pids\": -1, \"cpuset\": \"\"}, "
    "\"cgroup_parent\": \"brig\", \"publish\": [\"8080:80/tcp\"], \"labels\": {\"a\": \"b\"}, "
    "\"image_config\": {\"ExposedPorts\": {\"53/udp\": {}}, \"Cmd\": [\"sh\"]}, "
    "\"mounts\": [{\"type\": \"bind\", \"source\": \"/src\", \"target\": \"/dst\", "
    "\"readonly\": true}]}";

static json_t *inspect_doc(const char *state_text)
{
	json_t *doc = js("{\"id\": \"" CT_ID "\", \"name\": \"w\", \"image\": \"busybox\", "
			 "\"Mounts\": [{\"Type\": \"bind\", \"Source\": \"/src\", "
			 "\"Destination\": \"/dst\", \"Mode\": \"ro\", \"RW\": false}], "
			 "\"HostConfig\": {\"Privileged\": false}, \"NetworkSettings\": "
			 "{\"Ports\": {\"80/tcp\": [{\"HostIp\": \"0.0.0.0\", \"HostPort\": "
			 "\"8080\"}]}}}");

	json_object_set_new(doc, "config", js(config_text));
	json_object_set_new(doc, "state", js(state_text));
	return doc;
}

static const char running_state[] =
    "{\"status\": \"running\", \"pid\": 1234, \"starttime\": 5, \"started\": "
    "\"2024-01-02T03:04:06.000000001Z\", \"networks\": [{\"network\": \"bridge\", "
    "\"address\": \"10.88.0.5\", \"prefix\": 16, \"gateway\": \"10.88.0.1\", \"mac\": "
    "\"02:42:0a:58:00:05\", \"interface\": \"eth0\", \"host_interface\": \"vb\", "
    "\"default_route\": true, \"aliases\": [\"w\"]}], \"hosts_shared\": false}";

static const char exited_state[] =
    "{\"status\": \"exited\", \"started\": \"2024-01-02T03:04:06Z\", \"finished\": "
    "\"2024-01-02T03:05:06Z\", \"exit_code\": 3, \"signal\": 0, \"oom_killed\": false}";

static void container_json_running(void **state)
{
	struct brig_err e = {0};
	json_t *doc = inspect_doc(running_state), *j = conv_container_json(doc, &e);

	(void)state;
	if (!j)
		fail_msg("%s", e.msg);
	assert_string_equal(S(j, "Id"), CT_ID);
	assert_string_equal(S(j, "Name"), "/w");
	assert_string_equal(S(j, "Created"), "2024-01-02T03:04:05.123456789Z");
	assert_string_equal(S(j, "Path"), "httpd");
	assert_string_equal(S(j, "Args", "2"), "80");
	assert_string_equal(S(j, "Image"), "sha256:" IMAGE_ID);
	assert_string_equal(S(j, "State", "Status"), "running");
	assert_true(B(j, "State", "Running"));
	assert_int_equal(I(j, "State", "Pid"), 1234);
	assert_string_equal(S(j, "State", "StartedAt"), "2024-01-02T03:04:06.000000001Z");
	assert_string_equal(S(j, "State", "FinishedAt"), "0001-01-01T00:00:00Z");
	assert_string_equal(S(j, "NetworkSettings", "IPAddress"), "10.88.0.5");
	assert_int_equal(I(j, "NetworkSettings", "IPPrefixLen"), 16);
	assert_string_equal(S(j, "NetworkSettings", "Gateway"), "10.88.0.1");
	assert_string_equal(S(j, "NetworkSettings", "MacAddress"), "02:42:0a:58:00:05");
	assert_string_equal(S(j, "NetworkSettings", "Networks", "bridge", "IPAddress"),
			    "10.88.0.5");
	assert_string_equal(S(j, "NetworkSettings", "Networks", "bridge", "Aliases", "0"), "w");
	assert_int_equal(strlen(S(j, "NetworkSettings", "Networks", "bridge", "NetworkID")), 64);
	assert_string_equal(S(j, "NetworkSettings", "Ports", "80/tcp", "0", "HostPort"), "8080");
	assert_true(N(j, "NetworkSettings", "Ports", "53/udp")); /* exposed, not published */
	assert_string_equal(S(j, "HostConfig", "NetworkMode"), "bridge");
	assert_int_equal(I(j, "HostConfig", "Memory"), 104857600);
	assert_int_equal(I(j, "HostConfig", "NanoCpus"), 500000000);
	assert_int_equal(I(j, "HostConfig", "PidsLimit"), -1);
	assert_string_equal(S(j, "HostConfig", "CapAdd", "0"), "CAP_NET_ADMIN");
	assert_true(N(j, "HostConfig", "CapDrop"));
	assert_string_equal(S(j, "HostConfig", "PortBindings", "80/tcp", "0", "HostPort"), "8080");
	assert_string_equal(S(j, "HostConfig", "PortBindings", "80/tcp", "0", "HostIp"), "");
	assert_string_equal(S(j, "HostConfig", "Binds", "0"), "/src:/dst:ro");
	assert_string_equal(S(j, "HostConfig", "Sysctls", "net.ipv4.ip_forward"), "1");
	assert_string_equal(S(j, "HostConfig", "LogConfig", "Type"), "json-file");
	assert_string_equal(S(j, "Config", "Hostname"), "bbbbbbbbbbbb");
	assert_string_equal(S(j, "Config", "Image"), "busybox");
	assert_string_equal(S(j, "Config", "Cmd", "0"), "httpd");
	assert_true(N(j, "Config", "Entrypoint"));
	assert_string_equal(S(j, "Config", "Env", "0"), "PATH=/bin");
	assert_string_equal(S(j, "Config", "Labels", "a"), "b");
	assert_non_null(at(j, "Config", "ExposedPorts", "80/tcp", NULL));
	assert_non_null(at(j, "Config", "ExposedPorts", "53/udp", NULL));
	assert_string_equal(S(j, "Mounts", "0", "Destination"), "/dst");
	json_decref(j);
	json_decref(doc);
}

static void container_json_exited(void **state)
{
	struct brig_err e = {0};
	json_t *doc = inspect_doc(exited_state), *j = conv_container_json(doc, &e);

	(void)state;
	if (!j)
		fail_msg("%s", e.msg);
	assert_string_equal(S(j, "State", "Status"), "exited");
	assert_false(B(j, "State", "Running"));
	assert_int_equal(I(j, "State", "ExitCode"), 3);
	assert_int_equal(I(j, "State", "Pid"), 0);
	assert_string_equal(S(j, "State", "FinishedAt"), "2024-01-02T03:05:06Z");
	assert_string_equal(S(j, "NetworkSettings", "IPAddress"), "");
	assert_string_equal(S(j, "NetworkSettings", "Networks", "bridge", "IPAddress"), "");
	json_decref(j);
	json_decref(doc);
	/* not an inspect document */
	doc = js("{\"name\": \"x\"}");
	assert_null(conv_container_json(doc, &e));
	assert_int_equal(e.code, EINVAL);
	json_decref(doc);
}

static struct container_summary summary(enum container_status st, int64_t started, int64_t finished,
					int code)
{
	struct container_summary s = {.status = st,
				      .started = started,
				      .finished = finished,
				      .has_exit = st == CONTAINER_EXITED,
				      .exit_code = code,
				      .created = 100};

	snprintf(s.id, sizeof(s.id), "%s", CT_ID);
	snprintf(s.name, sizeof(s.name), "web");
	snprintf(s.image, sizeof(s.image), "busybox");
	snprintf(s.command, sizeof(s.command), "httpd -f");
	return s;
}

static void status_text(void **state)
{
	static const struct {
		int64_t secs;
		const char *want;
	} up[] = {
	    {0, "Up Less than a second"}, {1, "Up 1 second"},		{5, "Up 5 seconds"},
	    {60, "Up About a minute"},	  {180, "Up 3 minutes"},	{3600, "Up About an hour"},
	    {5 * 3600, "Up 5 hours"},	  {3 * 86400, "Up 3 days"},	{21 * 86400, "Up 3 weeks"},
	    {90 * 86400, "Up 3 months"},  {1100 * 86400, "Up 3 years"},
	};
	struct container_summary s;
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		s = summary(CONTAINER_RUNNING, 1000, 0, 0);
		conv_status_text(&s, 1000 + up[i].secs, out, sizeof(out));
		assert_string_equal(out, up[i].want);
	}
	s = summary(CONTAINER_CREATED, 0, 0, 0);
	conv_status_text(&s, 1000, out, sizeof(out));
	assert_string_equal(out, "Created");
	s = summary(CONTAINER_EXITED, 1000, 2000, 3);
	conv_status_text(&s, 2120, out, sizeof(out));
	assert_string_equal(out, "Exited (3) 2 minutes ago");
	s = summary(CONTAINER_EXITED, 1000, 2000, 137);
	conv_status_text(&s, 2005, out, sizeof(out));
	assert_string_equal(out, "Exited (137) 5 seconds ago");
}

static void container_summary_json(void **state)
{
	struct container_summary s = summary(CONTAINER_RUNNING, 1000, 0, 0);
	json_t *doc = inspect_doc(running_state), *j = conv_container_summary(&s, doc, 1005), *p;
	size_t i;
	bool published = false, exposed = false;

	(void)state;
	assert_non_null(j);
	assert_string_equal(S(j, "Id"), CT_ID);
	assert_string_equal(S(j, "Names", "0"), "/web");
	assert_string_equal(S(j, "Image"), "busybox");
	assert_string_equal(S(j, "ImageID"), "sha256:" IMAGE_ID);
	assert_string_equal(S(j, "Command"), "httpd -f");
	assert_int_equal(I(j, "Created"), 100);
	assert_string_equal(S(j, "State"), "running");
	assert_string_equal(S(j, "Status"), "Up 5 seconds");
	assert_string_equal(S(j, "Labels", "a"), "b");
	assert_string_equal(S(j, "HostConfig", "NetworkMode"), "bridge");
	assert_string_equal(S(j, "NetworkSettings", "Networks", "bridge", "IPAddress"),
			    "10.88.0.5");
	assert_string_equal(S(j, "Mounts", "0", "Source"), "/src");
	json_array_foreach(at(j, "Ports", NULL), i, p)
	{
		if (I(p, "PrivatePort") == 80) {
			published = true;
			assert_string_equal(S(p, "IP"), "0.0.0.0");
			assert_int_equal(I(p, "PublicPort"), 8080);
			assert_string_equal(S(p, "Type"), "tcp");
		} else {
			exposed = true;
			assert_int_equal(I(p, "PrivatePort"), 53);
			assert_string_equal(S(p, "Type"), "udp");
			assert_null(at(p, "PublicPort", NULL));
		}
	}
	assert_true(published);
	assert_true(exposed);
	json_decref(j);
	json_decref(doc);
	/* without a document */
	j = conv_container_summary(&s, NULL, 1005);
	assert_int_equal(json_array_size(at(j, "Ports", NULL)), 0);
	assert_int_equal(json_object_size(at(j, "Labels", NULL)), 0);
	json_decref(j);
}

static bool matches(const struct container_summary *s, const char *filters)
{
	json_t *f = js(filters), *labels = js("{\"a\": \"b\", \"tier\": \"web\"}");
	struct brig_err e = {0};
	bool r;

	if (conv_list_filters_check(f, &e) < 0)
		fail_msg("filters %s refused: %s", filters, e.msg);
	r = conv_list_match(s, labels, f);
	json_decref(f);
	json_decref(labels);
	return r;
}

static void filters_bad(const char *filters, const char *want)
{
	json_t *f = js(filters);
	struct brig_err e = {0};

	assert_int_equal(conv_list_filters_check(f, &e), -EINVAL);
	if (!strstr(e.msg, want))
		fail_msg("message '%s' lacks '%s'", e.msg, want);
	json_decref(f);
}

static void list_filters(void **state)
{
	struct container_summary run = summary(CONTAINER_RUNNING, 1000, 0, 0);
	struct container_summary ex = summary(CONTAINER_EXITED, 1000, 2000, 3);
	struct brig_err e;

	(void)state;
	assert_int_equal(conv_list_filters_check(NULL, &e), 0);
	assert_true(matches(&run, "{}"));
	assert_true(matches(&run, "{\"name\": [\"web\"]}"));
	assert_true(matches(&run, "{\"name\": [\"^/web$\"]}"));
	assert_true(matches(&run, "{\"name\": [\"we\"]}"));
	assert_false(matches(&run, "{\"name\": [\"^/we$\"]}"));
	assert_true(matches(&run, "{\"name\": {\"web\": true}}")); /* the older form */
	assert_true(matches(&run, "{\"id\": [\"bbbb\"]}"));
	assert_false(matches(&run, "{\"id\": [\"cbbb\"]}"));
	assert_true(matches(&run, "{\"status\": [\"running\"]}"));
	assert_false(matches(&ex, "{\"status\": [\"running\"]}"));
	assert_true(matches(&ex, "{\"status\": [\"running\", \"exited\"]}"));
	assert_true(matches(&run, "{\"label\": [\"a\"]}"));
	assert_true(matches(&run, "{\"label\": [\"a=b\", \"tier=web\"]}"));
	assert_false(matches(&run, "{\"label\": [\"a=c\"]}"));
	assert_false(matches(&run, "{\"label\": [\"nope\"]}"));
	assert_true(matches(&ex, "{\"exited\": [\"3\"]}"));
	assert_false(matches(&ex, "{\"exited\": [\"0\"]}"));
	assert_false(matches(&run, "{\"exited\": [\"0\"]}"));
	assert_false(matches(&run, "{\"name\": [\"web\"], \"status\": [\"exited\"]}"));
	filters_bad("[]", "expected an object");
	filters_bad("{\"ancestor\": [\"busybox\"]}", "invalid filter 'ancestor'");
	filters_bad("{\"status\": [\"bogus\"]}", "status=bogus");
	filters_bad("{\"exited\": [\"x\"]}", "exited=x");
	filters_bad("{\"name\": \"web\"}", "expected an array");
	filters_bad("{\"name\": [1]}", "expected strings");
}

/* ---- networks ---- */

static void network_json(void **state)
{
	json_t *doc = js("{\"name\": \"n1\", \"bridge\": \"br-n1\", \"subnet\": \"10.1.0.0/24\", "
			 "\"gateway\": \"10.1.0.1\", \"mtu\": 1400, \"internal\": true, "
			 "\"no_gateway\": false, \"ipam\": \"default\", \"containers\": [{\"id\": "
			 "\"abc\", \"name\": \"w\", \"address\": \"10.1.0.5\", \"mac\": "
			 "\"02:42:0a:01:00:05\"}]}");
	json_t *j = conv_network_json(doc);
	char id[65];

	(void)state;
	assert_non_null(j);
	conv_network_id("n1", id);
	assert_int_equal(strlen(id), 64);
	assert_string_equal(S(j, "Id"), id);
	assert_string_equal(S(j, "Name"), "n1");
	assert_string_equal(S(j, "Driver"), "bridge");
	assert_string_equal(S(j, "Scope"), "local");
	assert_true(B(j, "Internal"));
	assert_string_equal(S(j, "IPAM", "Driver"), "default");
	assert_string_equal(S(j, "IPAM", "Config", "0", "Subnet"), "10.1.0.0/24");
	assert_string_equal(S(j, "IPAM", "Config", "0", "Gateway"), "10.1.0.1");
	assert_string_equal(S(j, "Options", "com.docker.network.bridge.name"), "br-n1");
	assert_string_equal(S(j, "Options", "com.docker.network.driver.mtu"), "1400");
	assert_string_equal(S(j, "Containers", "abc", "Name"), "w");
	assert_string_equal(S(j, "Containers", "abc", "IPv4Address"), "10.1.0.5/24");
	assert_string_equal(S(j, "Containers", "abc", "MacAddress"), "02:42:0a:01:00:05");
	json_decref(j);
	json_decref(doc);
	doc = js("{\"bridge\": \"x\"}");
	assert_null(conv_network_json(doc));
	json_decref(doc);
}

static void network_summary_json(void **state)
{
	struct network_summary n = {
	    .name = "bridge", .bridge = "br0", .subnet = "10.88.0.0/16", .gateway = "10.88.0.1"};
	json_t *j = conv_network_summary(&n);
	char id[65];

	(void)state;
	conv_network_id("bridge", id);
	assert_string_equal(S(j, "Id"), id);
	assert_string_equal(S(j, "IPAM", "Config", "0", "Subnet"), "10.88.0.0/16");
	assert_string_equal(S(j, "Options", "com.docker.network.bridge.default_bridge"), "true");
	assert_null(at(j, "Options", "com.docker.network.driver.mtu", NULL));
	assert_int_equal(json_object_size(at(j, "Containers", NULL)), 0);
	json_decref(j);
	n.ipam_none = true;
	n.subnet[0] = n.gateway[0] = '\0';
	j = conv_network_summary(&n);
	assert_string_equal(S(j, "IPAM", "Driver"), "null");
	assert_int_equal(json_array_size(at(j, "IPAM", "Config", NULL)), 0);
	json_decref(j);
}

static void network_request_refused(const char *body, const char *want)
{
	struct network_request req;
	struct brig_err e = {0};
	json_t *j = js(body);

	assert_int_equal(conv_network_request(j, &req, &e), -EINVAL);
	if (!strstr(e.msg, want))
		fail_msg("message '%s' lacks '%s'", e.msg, want);
	json_decref(j);
}

static void network_request(void **state)
{
	struct network_request req;
	struct net_network n;
	struct brig_err e = {0};
	json_t *j =
	    js("{\"Name\": \"n\", \"Driver\": \"bridge\", \"Internal\": true, \"CheckDuplicate\": "
	       "true, \"Attachable\": false, \"IPAM\": {\"Driver\": \"default\", \"Config\": "
	       "[{\"Subnet\": \"fd00::/64\"}, {\"Subnet\": \"10.2.0.0/24\", \"Gateway\": "
	       "\"10.2.0.1\"}]}, \"Options\": {\"com.docker.network.driver.mtu\": \"1400\", "
	       "\"com.docker.network.bridge.name\": \"brn\"}, \"Labels\": {\"x\": \"y\"}}");

	(void)state;
	if (conv_network_request(j, &req, &e) < 0)
		fail_msg("%s", e.msg);
	assert_string_equal(req.name, "n");
	assert_string_equal(req.subnet, "10.2.0.0/24");
	assert_string_equal(req.gateway, "10.2.0.1");
	assert_string_equal(req.mtu, "1400");
	assert_string_equal(req.bridge, "brn");
	assert_true(req.internal);
	assert_null(req.ipam);
	if (network_request_parse(&req, &n, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(n.mtu, 1400);
	assert_true(n.internal);
	json_decref(j);
	j = js("{\"Name\": \"n\", \"IPAM\": {\"Driver\": \"null\"}, \"Driver\": \"\"}");
	assert_int_equal(conv_network_request(j, &req, &e), 0);
	assert_string_equal(req.ipam, "none");
	assert_null(req.subnet);
	json_decref(j);
	network_request_refused("{\"Name\": \"n\", \"Driver\": \"overlay\"}", "Driver: 'overlay'");
	j = js("{\"Name\": \"n\", \"EnableIPv6\": true, \"IPAM\": {\"Config\": [{\"Subnet\": "
	       "\"10.9.0.0/24\"}, {\"Subnet\": \"fd00:9::/64\", \"Gateway\": \"fd00:9::fe\"}]}}");
	assert_int_equal(conv_network_request(j, &req, &e), 0);
	assert_true(req.ipv6);
	assert_string_equal(req.subnet, "10.9.0.0/24");
	assert_string_equal(req.subnet6, "fd00:9::/64");
	assert_string_equal(req.gateway6, "fd00:9::fe");
	json_decref(j);
	network_request_refused("{\"Name\": \"n\", \"Internal\": \"yes\"}",
				"Internal: expected a boolean");
	network_request_refused("{\"Name\": \"n\", \"IPAM\": {\"Config\": {}}}", "IPAM.Config");
	network_request_refused("{\"Name\": \"n\", \"Options\": {\"a\": 1}}", "Options[\"a\"]");
	network_request_refused("{\"Name\": \"n\", \"IPAM\": {\"Driver\": \"dhcp\"}}",
				"IPAM.Driver");
	network_request_refused("[3]", "JSON object");
}

/* ---- images, volumes ---- */

static void image_list(void **state)
{
	json_t *rows =
	    js("[{\"Repository\": \"busybox\", \"Tag\": \"latest\", \"Id\": \"sha256:aa\", "
	       "\"Created\": \"2024-01-01T00:00:00Z\", \"Size\": 100}, {\"Repository\": "
	       "\"bb\", \"Tag\": \"v1\", \"Id\": \"sha256:aa\", \"Created\": "
	       "\"2024-01-01T00:00:00Z\", \"Size\": 100}, {\"Repository\": \"<none>\", "
	       "\"Tag\": \"<none>\", \"Id\": \"sha256:bb\", \"Created\": \"\", \"Size\": 7}]");
	json_t *j = conv_image_list(rows);

	(void)state;
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(S(j, "0", "Id"), "sha256:aa");
	assert_string_equal(S(j, "0", "RepoTags", "0"), "busybox:latest");
	assert_string_equal(S(j, "0", "RepoTags", "1"), "bb:v1");
	assert_int_equal(I(j, "0", "Created"), 1704067200);
	assert_int_equal(I(j, "0", "Size"), 100);
	assert_int_equal(I(j, "0", "VirtualSize"), 100);
	assert_int_equal(I(j, "0", "SharedSize"), -1);
	assert_int_equal(I(j, "0", "Containers"), -1);
	assert_string_equal(S(j, "0", "ParentId"), "");
	assert_int_equal(json_array_size(at(j, "1", "RepoTags", NULL)), 0);
	assert_int_equal(I(j, "1", "Created"), 0);
	json_decref(j);
	json_decref(rows);
}

static void image_inspect(void **state)
{
	json_t *doc =
	    js("{\"Id\": \"sha256:aa\", \"RepoTags\": [\"busybox:latest\"], \"RepoDigests\": "
	       "[], \"Created\": \"2024-01-01T00:00:00Z\", \"Architecture\": \"amd64\", "
	       "\"Os\": \"linux\", \"Size\": 100, \"Config\": {\"Cmd\": [\"sh\"]}, "
	       "\"RootFS\": {\"Type\": \"layers\", \"Layers\": [\"sha256:l1\"]}, "
	       "\"Metadata\": {\"Source\": \"x\", \"Imported\": \"y\"}}");
	json_t *j = conv_image_json(doc);

	(void)state;
	assert_string_equal(S(j, "Id"), "sha256:aa");
	assert_string_equal(S(j, "RepoTags", "0"), "busybox:latest");
	assert_string_equal(S(j, "Created"), "2024-01-01T00:00:00Z");
	assert_int_equal(I(j, "VirtualSize"), 100);
	assert_string_equal(S(j, "Config", "Cmd", "0"), "sh");
	assert_string_equal(S(j, "RootFS", "Type"), "layers");
	assert_string_equal(S(j, "RootFS", "Layers", "0"), "sha256:l1");
	assert_string_equal(S(j, "Metadata", "LastTagTime"), "0001-01-01T00:00:00Z");
	assert_string_equal(S(j, "Os"), "linux");
	assert_string_equal(S(j, "Parent"), "");
	json_decref(j);
	assert_null(at(doc, "Parent", NULL)); /* the engine's document is left alone */
	json_decref(doc);
	doc = js("{\"RepoTags\": []}");
	assert_null(conv_image_json(doc));
	json_decref(doc);
}

static void volumes(void **state)
{
	json_t *docs =
	    js("[{\"Name\": \"v\", \"Driver\": \"local\", \"Mountpoint\": "
	       "\"/var/lib/brig/volumes/v/_data\", \"CreatedAt\": \"2024-01-01T00:00:00Z\", "
	       "\"Labels\": null, \"Options\": {}, \"Scope\": \"local\"}, {\"Name\": \"w\"}]");
	json_t *j = conv_volume_list(docs);

	(void)state;
	assert_int_equal(json_array_size(at(j, "Volumes", NULL)), 2);
	assert_int_equal(json_array_size(at(j, "Warnings", NULL)), 0);
	assert_string_equal(S(j, "Volumes", "0", "Mountpoint"), "/var/lib/brig/volumes/v/_data");
	assert_true(json_is_object(at(j, "Volumes", "0", "Labels", NULL)));
	assert_string_equal(S(j, "Volumes", "1", "Driver"), "local");
	assert_string_equal(S(j, "Volumes", "1", "Scope"), "local");
	assert_string_equal(S(j, "Volumes", "1", "CreatedAt"), "0001-01-01T00:00:00Z");
	json_decref(j);
	json_decref(docs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(create_minimal),	      cmocka_unit_test(create_entrypoint),
	    cmocka_unit_test(create_null_unknown),    cmocka_unit_test(create_wrong_types),
	    cmocka_unit_test(create_config),	      cmocka_unit_test(create_ports),
	    cmocka_unit_test(create_binds_mounts),    cmocka_unit_test(create_resources),
	    cmocka_unit_test(create_security),	      cmocka_unit_test(create_networks),
	    cmocka_unit_test(create_real_clients),    cmocka_unit_test(container_json_running),
	    cmocka_unit_test(container_json_exited),  cmocka_unit_test(status_text),
	    cmocka_unit_test(container_summary_json), cmocka_unit_test(list_filters),
	    cmocka_unit_test(network_json),	      cmocka_unit_test(network_summary_json),
	    cmocka_unit_test(network_request),	      cmocka_unit_test(image_list),
	    cmocka_unit_test(image_inspect),	      cmocka_unit_test(volumes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
