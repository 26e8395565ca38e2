/* sim/theory/exact.c — the registry of exact expected-loss engines and the adapters that present
 * nqm_exact, nqm_sched (with a schedule) and gaussreg_exact through one interface. */
#include "exact.h"
#include "gaussreg_exact.h"
#include "nqm_exact.h"
#include "nqm_sched.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>

/* Engines that step (their state starts with a stepped driver, sim/theory/stepped.h). */
static double st_loss(void *e, double k) { return stepped_loss_at(e, (long)k); }
static long st_steps(void *e, double target, long max_steps, double *frac)
{
    return stepped_steps(e, target, max_steps, frac);
}
static long st_diverged_at(void *e, double factor, long max_steps)
{
    return stepped_diverged_at(e, factor, max_steps);
}
static void st_scan(void *e, size_t nt, const double *targets, double factor, long max_steps,
                    double *steps, long *diverged, double *final)
{
    stepped_scan(e, nt, targets, factor, max_steps, steps, diverged, final);
}
static int st_stable_undecided(const void *e) { (void)e; return 1; }   /* steps say */
static double st_no_stationary(void *e) { (void)e; return NAN; }

/* The NQM under a schedule (sim/theory/nqm_sched.c). */
static int ns_init(void *e, const problem *pb, const opt_type *t, const opt_params *p, double B,
                   const double *s0)
{
    return nqm_sched_init(e, pb, t, p, B, s0);
}
static void ns_free(void *e) { nqm_sched_free(e); }

/* The NQM's closed forms (sim/theory/nqm_exact.c). */
static int nqm_fits(const problem_type *pt) { return pt->diag_facts != NULL; }
static int nqm_init(void *e, const problem *pb, const opt_type *t, const opt_params *p, double B,
                    const double *s0)
{
    return nqm_exact_init(e, pb, t, p, B, s0);
}
static void nqm_free(void *e) { nqm_exact_free(e); }
static int nqm_stable(const void *e) { return ((const nqm_exact *)e)->stable; }
static double nqm_loss(void *e, double k) { return nqm_exact_loss(e, k); }
static double nqm_stationary(void *e) { return nqm_exact_stationary(e); }
static long nqm_steps(void *e, double target, long max_steps, double *frac)
{
    return nqm_exact_steps(e, target, max_steps, frac);
}
static long nqm_diverged_at(void *e, double factor, long max_steps)
{
    return nqm_exact_diverged_at(e, factor, max_steps);
}

static const exact_engine engine_nqm_sched = {
    "nqm_sched", nqm_fits, nqm_sched_supports, sizeof(nqm_sched), ns_init, ns_free,
    st_stable_undecided, st_loss, st_no_stationary, st_steps, st_diverged_at, st_scan, NULL, NULL,
    NULL,
};

static const exact_engine engine_nqm = {
    "nqm", nqm_fits, nqm_exact_supports, sizeof(nqm_exact), nqm_init, nqm_free, nqm_stable,
    nqm_loss, nqm_stationary, nqm_steps, nqm_diverged_at, NULL, &engine_nqm_sched,
    nqm_exact_stationary_of, nqm_exact_thread_bytes,
};

/* Online Gaussian-feature regression, stepped (sim/theory/gaussreg_exact.c). */
static int gr_fits(const problem_type *pt) { return pt->feature_facts != NULL; }
static int gr_init(void *e, const problem *pb, const opt_type *t, const opt_params *p, double B,
                   const double *s0)
{
    return gaussreg_exact_init(e, pb, t, p, B, s0);
}
static void gr_free(void *e) { gaussreg_exact_free(e); }
static int gr_stable(const void *e) { return ((const gaussreg_exact *)e)->stable; }
static double gr_stationary(void *e) { return gaussreg_exact_stationary(e); }

static const exact_engine engine_gaussreg = {
    "gaussreg", gr_fits, gaussreg_exact_supports, sizeof(gaussreg_exact), gr_init, gr_free,
    gr_stable, st_loss, gr_stationary, st_steps, st_diverged_at, st_scan, &engine_gaussreg, NULL,
    NULL,
};

const exact_engine *const exact_engines[] = { &engine_nqm, &engine_gaussreg, NULL };

const exact_engine *exact_engine_of(const problem_type *pt)
{
    for (size_t i = 0; exact_engines[i]; i++)
        if (exact_engines[i]->fits(pt))
            return exact_engines[i];
    return NULL;
}

const exact_engine *exact_engine_for(const problem_type *pt, const opt_params *p)
{
    const exact_engine *e = exact_engine_of(pt);
    return e && opt_train_active(&p->train) ? e->scheduled : e;
}

int exact_init(exact *x, const problem *pb, const opt_type *t, const opt_params *p, double B,
               const double *s0)
{
    x->engine = exact_engine_for(pb->type, p);
    x->state = NULL;
    if (!x->engine || !x->engine->supports(pb->type, t, p))
        return OD_ENOTSUP;
    if (!(x->state = calloc(1, x->engine->size)))
        return OD_ENOMEM;
    int status = x->engine->init(x->state, pb, t, p, B, s0);
    if (status != OD_OK)
        exact_free(x);
    return status;
}

int exact_stationary(const problem *pb, const opt_type *t, const opt_params *p, double B,
                     const double *s0, double *value)
{
    const exact_engine *en = exact_engine_for(pb->type, p);
    if (en && en->stationary_of && en->supports(pb->type, t, p)) {
        int status = en->stationary_of(pb, t, p, B, s0, value);
        if (status != OD_ENOTSUP)          /* OD_ENOTSUP: only with the whole set-up */
            return status;
    }
    exact e;
    int status = exact_init(&e, pb, t, p, B, s0);
    if (status == OD_OK)
        *value = e.engine->stationary(e.state);
    exact_free(&e);
    return status;
}

void exact_free(exact *x)
{
    if (x->state)
        x->engine->free(x->state);
    free(x->state);
    x->state = NULL;
}

double *exact_start_moments(const problem *pb)
{
    double *s0 = malloc(pb->n * sizeof *s0);
    for (size_t i = 0; s0 && i < pb->n; i++) {
        double xs = pb->xstar ? pb->xstar[i] : 0.0, d = pb->x0[i] - xs;
        s0[i] = pb->init_scale > 0 ? pb->init_scale * pb->init_scale + xs * xs : d * d;
    }
    return s0;
}
