/* conv_int.h - reading Docker's request bodies as Go's encoding/json does
 * (conv_json.c), for the conversions of conv.h only.
 *
 * Each getter takes the object, the field's name and where it is (the
 * path shown in a message, "HostConfig"; "" at the top).  An absent field
 * or a null is no value: the getter returns 0 and leaves *out alone.  A
 * value of the wrong type fails (EINVAL) with "WHERE.KEY: expected T, got
 * U". */
#ifndef BRIG_API_CONV_INT_H
#define BRIG_API_CONV_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/* The member key of o, matched exactly, else regardless of case (Go's
 * rule); NULL when absent, null, or o is no object. */
json_t *conv_member(json_t *o, const char *key);

/* Fail: "WHERE.KEY: expected WANT, got the type of v". */
int conv_type_err(const char *where, const char *key, const char *want, json_t *v,
		  struct brig_err *e);

int conv_get_string(json_t *o, const char *key, const char *where, const char **out,
		    struct brig_err *e);
int conv_get_bool(json_t *o, const char *key, const char *where, bool *out, struct brig_err *e);
/* *given (may be NULL) says whether there was a value. */
int conv_get_int(json_t *o, const char *key, const char *where, int64_t *out, bool *given,
		 struct brig_err *e);
int conv_get_object(json_t *o, const char *key, const char *where, json_t **out,
		    struct brig_err *e);
/* An array whose elements are strings (a null element is skipped by the
 * callers' conv_each_string). */
int conv_get_strings(json_t *o, const char *key, const char *where, json_t **out,
		     struct brig_err *e);
/* Docker's strslice: a string is an array of one. *out: a new reference. */
int conv_get_strslice(json_t *o, const char *key, const char *where, json_t **out,
		      struct brig_err *e);
/* An object whose values are strings (null values read as ""). */
int conv_get_string_map(json_t *o, const char *key, const char *where, json_t **out,
			struct brig_err *e);

/* "WHERE.KEY", or "KEY" at the top, into buf. */
const char *conv_path(const char *where, const char *key, char *buf, size_t len);

#endif
