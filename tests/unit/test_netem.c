/* test_netem.c - impairment values (net/netem.c): units, ranges, the
 * one-line messages, the checks across values, and the text tc writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netem.h"

static uint64_t parse_u(const char *key, const char *value)
{
	struct netem_params p = { 0 };
	struct brig_err e = { 0 };

	if (netem_parse_value(&p, key, value, &e) != 0)
		fail_msg("%s %s: %s", key, value, e.msg);
	return strcmp(key, "rate") == 0 ? p.rate_bps : strcmp(key, "delay") == 0 ? p.delay_us
										: p.jitter_us;
}

static void durations(void **state)
{
	static const struct {
		const char *in;
		uint64_t us;
	} ok[] = {
		{ "50ms", 50000 }, { "1.5s", 1500000 }, { "200us", 200 }, { "50", 50000 },
		{ "0", 0 }, { "0ms", 0 }, { "2sec", 2000000 }, { "3msec", 3000 },
		{ "7usecs", 7 }, { "1500ns", 2 }, { "1499ns", 1 }, { "60s", 60000000 },
		{ "0.5ms", 500 }, { "1.", 1000 }, { ".5s", 500000 }, { "5MS", 5000 },
		{ "0.0015s", 1500 }, { "1.23456789s", 1234568 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (parse_u("delay", ok[i].in) != ok[i].us)
			fail_msg("delay %s: %llu, not %llu", ok[i].in,
				 (unsigned long long)parse_u("delay", ok[i].in),
				 (unsigned long long)ok[i].us);
	}
	assert_int_equal(parse_u("jitter", "5ms"), 5000);
}

static void rates(void **state)
{
	static const struct {
		const char *in;
		uint64_t bps;
	} ok[] = {
		{ "10mbit", 10000000 },
		{ "1gbit", 1000000000 },
		{ "500kbit", 500000 },
		{ "100bit", 100 },
		{ "1mbps", 8000000 },
		{ "100", 100000 }, /* bare: kbit/s */
		{ "1kibit", 1024 },
		{ "1mibit", 1048576 },
		{ "1gibit", 1073741824 },
		{ "1tibit", 1099511627776ULL },
		{ "1kibps", 8192 },
		{ "2mibps", 16777216 },
		{ "1bps", 8 },
		{ "3kbps", 24000 },
		{ "1gbps", 8000000000ULL },
		{ "1tbit", 1000000000000ULL },
		{ "1tbps", 8000000000000ULL },
		{ "1.5mbit", 1500000 },
		{ "10Mbit", 10000000 },
		{ "1000tbit", 1000000000000000ULL },
		{ "0", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (parse_u("rate", ok[i].in) != ok[i].bps)
			fail_msg("rate %s: %llu", ok[i].in,
				 (unsigned long long)parse_u("rate", ok[i].in));
}

static void percentages(void **state)
{
	struct netem_params p = { 0 };
	struct brig_err e = { 0 };

	(void)state;
	assert_int_equal(netem_parse_value(&p, "loss", "1%", &e), 0);
	assert_true(p.loss == 1.0);
	assert_int_equal(netem_parse_value(&p, "corrupt", "0.1%", &e), 0);
	assert_true(p.corrupt == 0.1);
	assert_int_equal(netem_parse_value(&p, "duplicate", "0.5", &e), 0);
	assert_true(p.duplicate == 0.5);
	assert_int_equal(netem_parse_value(&p, "reorder", "100%", &e), 0);
	assert_true(p.reorder == 100.0);
	assert_int_equal(netem_parse_value(&p, "loss", "100.000", &e), 0);
	assert_true(p.loss == 100.0);
	assert_int_equal(netem_parse_value(&p, "loss", "0", &e), 0);
	assert_true(p.loss == 0);
}

/* Each bad value: -EINVAL, this exact message, p untouched. */
static void refused(void **state)
{
	static const struct {
		const char *key, *value, *msg;
	} bad[] = {
		{ "delay", "-5ms", "delay \"-5ms\": a duration must not be negative" },
		{ "loss", "150%", "loss \"150%\": a percentage must be at most 100%" },
		{ "loss", "100.5%", "loss \"100.5%\": a percentage must be at most 100%" },
		{ "loss", "-1%", "loss \"-1%\": a percentage must not be negative" },
		{ "rate", "10parsecs",
		  "rate \"10parsecs\": unknown unit \"parsecs\" (use bit, kbit, mbit, gbit, tbit, "
		  "kibit... or bps, kbps, mbps... for bytes; a bare number is kbit)" },
		{ "rate", "-1mbit", "rate \"-1mbit\": a rate must not be negative" },
		{ "delay", "", "delay \"\": empty: expected a duration, such as 50ms" },
		{ "loss", "", "loss \"\": empty: expected a percentage, such as 1% or 0.5" },
		{ "delay", "abc", "delay \"abc\": not a duration, such as 50ms" },
		{ "delay", "nan", "delay \"nan\": not a duration, such as 50ms" },
		{ "delay", "inf", "delay \"inf\": not a duration, such as 50ms" },
		{ "loss", "nan", "loss \"nan\": not a percentage, such as 1% or 0.5" },
		{ "delay", "50ms ",
		  "delay \"50ms \": unknown unit \"ms \" (use s, ms or us; a bare number is ms)" },
		{ "delay", " 50ms", "delay \" 50ms\": not a duration, such as 50ms" },
		{ "delay", "+5ms", "delay \"+5ms\": not a duration, such as 50ms" },
		{ "delay", "1e3ms",
		  "delay \"1e3ms\": unknown unit \"e3ms\" (use s, ms or us; a bare number is ms)" },
		{ "delay", "61s", "delay \"61s\": a duration must be at most 60s" },
		{ "delay", "99999999999999999999999999s",
		  "delay \"99999999999999999999999999s\": a duration must be at most 60s" },
		{ "delay", "0.1us", "delay \"0.1us\": a duration must be at least 1us (or 0)" },
		{ "rate", "1001tbit", "rate \"1001tbit\": a rate must be at most 1000tbit" },
		{ "rate", "0.1bit", "rate \"0.1bit\": a rate must be at least 1bit (or 0)" },
		{ "loss", "5%%", "loss \"5%%\": not a percentage, such as 1% or 0.5" },
		{ "loss", "5ms", "loss \"5ms\": not a percentage, such as 1% or 0.5" },
		{ "loss", "1e2", "loss \"1e2\": not a percentage, such as 1% or 0.5" },
		{ "delay", "5\nms", "delay \"5?ms\": unknown unit \"?ms\" (use s, ms or us; a bare "
				    "number is ms)" },
		{ "speed", "1", "unknown impairment \"speed\" (delay, jitter, loss, rate, corrupt, "
				"duplicate, reorder)" },
	};
	struct netem_params p = { .delay_us = 7, .loss = 3, .rate_bps = 9 };
	struct brig_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		if (netem_parse_value(&p, bad[i].key, bad[i].value, &e) != -EINVAL)
			fail_msg("%s \"%s\" accepted", bad[i].key, bad[i].value);
		assert_int_equal(e.code, EINVAL);
		assert_string_equal(e.msg, bad[i].msg);
	}
	assert_int_equal(p.delay_us, 7);
	assert_true(p.loss == 3);
	assert_int_equal(p.rate_bps, 9);
}

static void long_value_is_cut(void **state)
{
	char v[300];
	struct netem_params p = { 0 };
	struct brig_err e;

	(void)state;
	memset(v, 'x', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	assert_int_equal(netem_parse_value(&p, "delay", v, &e), -EINVAL);
	assert_true(strlen(e.msg) < 150);
	assert_non_null(strstr(e.msg, "xxx...\""));
}

static void check(void **state)
{
	struct netem_params p = { .delay_us = 5000, .jitter_us = 5000 };
	struct brig_err e;

	(void)state;
	assert_int_equal(netem_check(&p, &e), 0);
	p.jitter_us = 10000;
	assert_int_equal(netem_check(&p, &e), -EINVAL);
	assert_string_equal(e.msg, "jitter 10ms is larger than delay 5ms");
	p.delay_us = 0;
	assert_int_equal(netem_check(&p, &e), -EINVAL);
	assert_string_equal(e.msg, "jitter 10ms needs a delay of at least 10ms");
	p = (struct netem_params){ .reorder = 25 };
	assert_int_equal(netem_check(&p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "reorder needs a delay"));
	p.delay_us = 1000;
	assert_int_equal(netem_check(&p, &e), 0);
	p.loss = 101;
	assert_int_equal(netem_check(&p, &e), -EINVAL);
	assert_string_equal(e.msg, "loss must be between 0% and 100%");
	p.loss = __builtin_nan("");
	assert_int_equal(netem_check(&p, &e), -EINVAL);
	p = (struct netem_params){ .delay_us = NETEM_DURATION_MAX_US + 1 };
	assert_int_equal(netem_check(&p, &e), -EINVAL);
	p = (struct netem_params){ 0 };
	assert_int_equal(netem_check(&p, &e), 0);
	assert_true(netem_params_empty(&p));
	p.duplicate = 0.1;
	assert_false(netem_params_empty(&p));
}

static void to_string(void **state)
{
	static const char full[] = "delay 50ms jitter 5ms loss 1% rate 10mbit corrupt 0.1% "
				   "duplicate 1% reorder 25%";
	struct netem_params p = { 0 };
	char buf[256];

	(void)state;
	assert_int_equal(netem_params_str(&p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	p = (struct netem_params){ .delay_us = 50000, .jitter_us = 5000, .loss = 1,
				   .rate_bps = 10000000, .corrupt = 0.1, .duplicate = 1,
				   .reorder = 25 };
	assert_int_equal(netem_params_str(&p, buf, sizeof(buf)), (int)strlen(full));
	assert_string_equal(buf, full);
	p = (struct netem_params){ .delay_us = 1500000, .jitter_us = 200, .rate_bps = 1500000000 };
	netem_params_str(&p, buf, sizeof(buf));
	assert_string_equal(buf, "delay 1.5s jitter 200us rate 1.5gbit");
	p = (struct netem_params){ .delay_us = 1234, .rate_bps = 100, .loss = 0.000000001 };
	netem_params_str(&p, buf, sizeof(buf));
	assert_string_equal(buf, "delay 1.234ms loss 0.000000001% rate 100bit");
	p = (struct netem_params){ .delay_us = 60000000, .rate_bps = 1234567 };
	netem_params_str(&p, buf, sizeof(buf));
	assert_string_equal(buf, "delay 60s rate 1.234567mbit");
	/* too small: whole pairs only */
	p = (struct netem_params){ .delay_us = 50000, .loss = 1 };
	assert_int_equal(netem_params_str(&p, buf, 16), -ENOSPC);
	assert_string_equal(buf, "delay 50ms");
}

/* What netem_params_str writes parses back to the same values. */
static void round_trip(void **state)
{
	static const char *const values[][2] = {
		{ "delay", "1.234567s" }, { "jitter", "999us" }, { "loss", "33.333333333%" },
		{ "rate", "123456789bit" }, { "corrupt", "0.1" }, { "duplicate", "99.9%" },
		{ "reorder", "0.000000001%" },
	};
	struct netem_params p = { 0 }, q = { 0 };
	struct brig_err e;
	char buf[256], *tok, *save = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		assert_int_equal(netem_parse_value(&p, values[i][0], values[i][1], &e), 0);
	assert_true(netem_params_str(&p, buf, sizeof(buf)) > 0);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		const char *v = strtok_r(NULL, " ", &save);

		assert_non_null(v);
		assert_int_equal(netem_parse_value(&q, tok, v, &e), 0);
	}
	assert_memory_equal(&p, &q, sizeof(p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durations),	    cmocka_unit_test(rates),
		cmocka_unit_test(percentages),	    cmocka_unit_test(refused),
		cmocka_unit_test(long_value_is_cut), cmocka_unit_test(check),
		cmocka_unit_test(to_string),	    cmocka_unit_test(round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
