/* conv.h - the Docker Engine API's shapes and brig's, converted both ways
 * (pure: no I/O beyond the host's CPU count and memory size, which the
 * limits are checked against as `brig run` checks them).
 *
 *   requests -> brig:  ContainerCreate -> struct container_spec
 *                      NetworkCreate   -> struct network_request
 *   brig -> replies:   inspect document / summary -> ContainerJSON,
 *                      the entries of GET /containers/json; networks,
 *                      images and volumes as Docker's clients read them.
 *
 * Requests are read as Go's encoding/json reads them into Docker's types:
 * unknown fields and null values are ignored, a field name matches
 * regardless of case when no exact match exists, and a known field of the
 * wrong type is refused (EINVAL) with a message naming it ("HostConfig.Memory:
 * expected an integer, got string"), a 400 for the handler.  The values are
 * checked by the engine's own setters (spec_parse.h, netspec.h, mountspec.h,
 * portspec.h, secopt.h), so the API refuses what `brig run` refuses. */
#ifndef BRIG_API_CONV_H
#define BRIG_API_CONV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "inspect.h"
#include "network.h"
#include "spec.h"

/* A container spec made from a ContainerCreate body.  spec borrows the
 * body's strings (body is held: a reference, dropped by conv_create_free);
 * strings made here (Labels' and Sysctls' "K=V", PortBindings as -p
 * values, the networks' long form) are kept in owned. */
struct api_create {
	struct container_spec spec;
	json_t *body;
	char **argv; /* spec.argv: Entrypoint[1:] then Cmd, NULL-terminated */
	size_t n_argv;
	char **owned; /* NULL-terminated, each malloc'd */
	size_t n_owned;
};

/* Fill o (zeroed first) from a ContainerCreate body and the ?name= query
 * (NULL: none; a leading '/' is dropped): Config's Image, Cmd, Entrypoint
 * (each a string or an array), Env, WorkingDir, User, Hostname, Labels,
 * Tty, OpenStdin, ExposedPorts (published with PublishAllPorts),
 * MacAddress; HostConfig's NetworkMode ("default" is "bridge"), Binds,
 * Mounts, Tmpfs, Memory, NanoCpus, CpuQuota/CpuPeriod, CpuShares,
 * PidsLimit, CpusetCpus, CapAdd, CapDrop, Privileged, Sysctls, AutoRemove,
 * PortBindings, PublishAllPorts, Dns, DnsSearch, DnsOptions, ExtraHosts,
 * ReadonlyRootfs, SecurityOpt, Init, CgroupParent; NetworkingConfig's
 * EndpointsConfig (IPAMConfig.IPv4Address, Aliases, MacAddress,
 * GwPriority).  Fields brig has no use for are ignored (Domainname,
 * Attach*, StdinOnce, StopSignal, StopTimeout, MemorySwap, ...).  The
 * spec is detached (the daemon's containers always are) and validated
 * (spec_validate).  On failure (EINVAL, E2BIG, ENOMEM; e filled) nothing
 * is left allocated; on success free o with conv_create_free once the
 * spec was used (container_create copies what it keeps). */
int conv_create_spec(json_t *body, const char *name, struct api_create *o, struct brig_err *e);

/* Release what conv_create_spec made, and zero o (a zeroed o: nothing). */
void conv_create_free(struct api_create *o);

/* ---- containers ---- */

/* Docker's ContainerJSON of one element of container_inspect()'s array:
 * Id, Created, Path, Args, State, Image, Name ("/name"), HostConfig,
 * Config, Mounts, NetworkSettings (IPAddress and friends of the network
 * "bridge" when attached, as Docker's; Networks by name).  A new
 * reference; NULL (e filled) when doc does not read as one or memory
 * runs out. */
json_t *conv_container_json(json_t *doc, struct brig_err *e);

/* Docker's State.Status of a brig status: "created", "running", "exited". */
const char *conv_state_name(enum container_status s);

/* Docker's human status of a listed container at time now (unix
 * seconds): "Up 5 seconds", "Exited (3) 2 minutes ago", "Created". */
void conv_status_text(const struct container_summary *s, int64_t now, char *out, size_t len);

/* Docker's HumanDuration of seconds: "Less than a second", "1 second",
 * "About a minute", "3 hours", "2 weeks"... */
void conv_human_duration(int64_t seconds, char *out, size_t len);

/* One entry of GET /containers/json for s at time now; doc (s's inspect
 * document, may be NULL) gives ImageID, Labels, Ports, Mounts and the
 * networks.  A new reference, NULL when out of memory. */
json_t *conv_container_summary(const struct container_summary *s, json_t *doc, int64_t now);

/* Check a parsed ?filters= value: an object whose keys are filters this
 * list knows (id, name, status, label, exited), each an array of strings
 * or an object {VALUE: true} (older clients).  NULL passes.  EINVAL
 * ("invalid filter 'x'") otherwise. */
int conv_list_filters_check(json_t *filters, struct brig_err *e);

/* Whether s (its labels: the object {KEY: VALUE}, may be NULL) passes
 * filters (checked by conv_list_filters_check; NULL: everything passes):
 * within a key any value matches, every key must.  id: a prefix of the
 * id; name: a regular expression found in "/name"; status: the state;
 * label: KEY or KEY=VALUE; exited: the exit code of an exited one. */
bool conv_list_match(const struct container_summary *s, json_t *labels, json_t *filters);

/* ---- networks ---- */

/* A network's Id: 64 hex characters derived from its name (stable, so a
 * client may use it or a prefix of it as a reference). */
void conv_network_id(const char *name, char out[65]);

/* Docker's NetworkResource of network_inspect()'s document: Name, Id,
 * Created, Scope, Driver, EnableIPv6, IPAM, Internal, Attachable, Ingress,
 * Containers {ID: {Name, EndpointID, MacAddress, IPv4Address, IPv6Address}},
 * Options (bridge name, MTU), Labels.  A new reference, NULL when doc
 * does not read as one or memory runs out. */
json_t *conv_network_json(json_t *doc);

/* The same for a network of a listing (Containers empty, as Docker's
 * list). */
json_t *conv_network_summary(const struct network_summary *n);

/* Fill req (zeroed first) from a NetworkCreate body: Name, Driver (bridge
 * or none given; another is refused), Internal, EnableIPv6 (true is
 * refused: no IPv6 networks), IPAM.Driver ("null": no addresses),
 * IPAM.Config's first IPv4 {Subnet, Gateway}, Options
 * com.docker.network.bridge.name and com.docker.network.driver.mtu.
 * Labels, Attachable, CheckDuplicate (brig refuses a duplicate always)
 * and other options are ignored.  req borrows body's strings. */
int conv_network_request(json_t *body, struct network_request *req, struct brig_err *e);

/* ---- images, volumes ---- */

/* Docker's ImageSummary list of images_list()'s rows (one per tag): one
 * entry per image with its RepoTags.  A new reference, NULL without
 * memory. */
json_t *conv_image_list(json_t *rows);

/* Docker's ImageInspect of images_inspect()'s document.  A new
 * reference, NULL when doc does not read as one or memory runs out. */
json_t *conv_image_json(json_t *doc);

/* Docker's Volume of volume_inspect()'s document (Labels and Options {}
 * when none).  A new reference, NULL as above. */
json_t *conv_volume_json(json_t *doc);

/* GET /volumes: {"Volumes": [...], "Warnings": []} of volume_list()'s
 * array.  A new reference, NULL without memory. */
json_t *conv_volume_list(json_t *docs);

#endif
