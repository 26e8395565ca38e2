/* tests/test_registry.c — the kind registry iterated generically: every registered kind is
 * well formed, accepts a file built from its own key specs and refuses the other kinds' sections,
 * so a new kind is tested the moment it is registered. */
#include "testutil.h"
#include "../sim/core/status.h"
#include "../sim/kinds/kind.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A value inside a spec's range, as INI text. */
static void some_value(const param_spec *s, char *buf, size_t len)
{
    double lo = s->lo <= -1e300 ? -1.0 : s->lo, hi = s->hi >= 1e300 ? lo + 4.0 : s->hi;
    double v = s->kind == PARAM_INT ? ceil(lo + 1.0) : lo + 0.375 * (hi - lo);
    if (v <= lo && (s->flags & PARAM_LO_OPEN))
        v = lo + 0.5;
    if (s->kind == PARAM_CHOICE)
        snprintf(buf, len, "%s", s->choices[0]);
    else if (s->kind == PARAM_STRING)
        snprintf(buf, len, "x");
    else
        snprintf(buf, len, "%.17g", v);
}

/* [experiment] kind = K with only the required keys of K's section, an NQM and one SGD. */
static void minimal_file(const kind_type *k, char *ini, size_t len)
{
    int used = snprintf(ini, len, "[experiment]\nkind = %s\n[problem]\ntype = nqm\ndim = 4\n"
                        "[optimizer a]\ntype = sgd\n%s[%s]\n",
                        k->name, k->reserved_key ? "" : "lr = 0.1\n",
                        k->section);
    for (const param_spec *s = k->specs; s->key; s++)
        if (!s->def && !(s->flags & PARAM_OPTIONAL)) {
            char v[64];
            some_value(s, v, sizeof v);
            used += snprintf(ini + used, len - (size_t)used, "%s = %s\n", s->key, v);
        }
}

static void every_kind_is_well_formed(void **unused)
{
    (void)unused;
    size_t n = 0;
    for (size_t i = 0; kind_types[i]; i++, n++) {
        const kind_type *k = kind_types[i];
        assert_non_null(k->name);
        assert_non_null(k->summary);
        assert_non_null(k->section);
        assert_non_null(k->specs);
        assert_non_null(k->run);
        assert_true(k->params_size > 0);
        assert_ptr_equal(kind_lookup(k->name), k);
        assert_int_equal(!!(k->flags & KIND_CELLS), k->merge != NULL);   /* shards need merging */
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(kind_types[j]->name, k->name);
            assert_string_not_equal(kind_types[j]->section, k->section);
        }
        for (const param_spec *s = k->specs; s->key; s++) {
            assert_non_null(s->doc);
            assert_true(s->offset < k->params_size);
        }
    }
    assert_true(n >= 4);
    assert_null(kind_lookup("no-such-kind"));
}

static void every_kind_accepts_its_own_section(void **unused)
{
    (void)unused;
    for (size_t i = 0; kind_types[i]; i++) {
        char ini[4096], err[2048];
        minimal_file(kind_types[i], ini, sizeof ini);
        int status = tu_config_status(ini, err, sizeof err);
        if (status != OD_OK)
            fail_msg("kind %s: %s\n%s", kind_types[i]->name, err, ini);
        config *c = tu_config(ini);
        assert_ptr_equal(c->kind, kind_types[i]);
        assert_string_equal(config_kind_name(c), kind_types[i]->name);
        config_free(c);
    }
}

static void every_kind_refuses_the_other_sections(void **unused)
{
    (void)unused;
    for (size_t i = 0; kind_types[i]; i++)
        for (size_t j = 0; kind_types[j]; j++) {
            if (i == j)
                continue;
            char ini[4096], err[2048];
            minimal_file(kind_types[i], ini, sizeof ini);
            snprintf(ini + strlen(ini), sizeof ini - strlen(ini), "[%s]\n", kind_types[j]->section);
            assert_int_equal(tu_config_status(ini, err, sizeof err), OD_EINPUT);
            assert_non_null(strstr(err, "not used by kind"));
            assert_non_null(strstr(err, kind_types[j]->section));
        }
}

static void unknown_kind_lists_the_registry(void **unused)
{
    (void)unused;
    char err[2048];
    assert_int_equal(tu_config_status("[experiment]\nkind = trajectroy\n[problem]\ntype = nqm\n"
                                      "[run]\nsteps = 3\n[optimizer a]\ntype = sgd\nlr = 0.1\n",
                                      err, sizeof err), OD_EINPUT);
    assert_non_null(strstr(err, ":2:"));
    assert_non_null(strstr(err, "'trajectroy'"));
    for (size_t i = 0; kind_types[i]; i++)
        assert_non_null(strstr(err, kind_types[i]->name));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_is_well_formed),
        cmocka_unit_test(every_kind_accepts_its_own_section),
        cmocka_unit_test(every_kind_refuses_the_other_sections),
        cmocka_unit_test(unknown_kind_lists_the_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
