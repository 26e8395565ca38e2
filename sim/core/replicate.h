/* sim/core/replicate.h — one simulated optimizer run, step by step: draw the step's noise, apply the
 * update rule (scheduled lr, weight decay, clipping: opt_train), x += dx, update the iterate average. Shared by trajectories and sweep cells, so
 * both advance runs the same way (same draws, same arithmetic). */
#ifndef OPTDYN_REPLICATE_H
#define OPTDYN_REPLICATE_H

#include <stdint.h>

#include "../../optimizers/opt.h"
#include "draw.h"
#include "problem.h"
#include "train_grad.h"

typedef struct replicate {
    const problem *pb;
    const opt_type *type;
    const opt_params *p;
    double *x, *dx, *st;
    double *xbar;           /* iterate average when p->ema > 0, else NULL */
    draw dr;
    long t;                 /* steps taken */
    train_grad wrap;        /* clipping / L2 around pb, when p->train asks for them */
    opt_params pt;          /* p with the scheduled lr of the current step */
    double loss;            /* L(x) accumulated by the fused step of step loss_t (-1: none) */
    long loss_t;
    int fused;              /* steps are taken tile by tile (replicate_can_fuse at init; the
                               tests clear it to get the reference path) */
} replicate;

/* Start at x0 of replicate `stream` (problem_start) with its noise streams, batch size B. */
int replicate_init(replicate *r, const problem *pb, const opt_type *type, const opt_params *p,
                   double B, uint64_t seed, uint64_t stream);
/* Take step t + 1 with lr_t = lr*s(t) (p->train's schedule), clipped or L2 gradients and
 * decoupled weight decay x <- x*(1 - lr_t*wd) + dx where p->train asks. Returns the update
 * rule's status. */
int replicate_step(replicate *r);
/* x <- x*(1 - lr_t*wd) + dx (dx of the late blocks scaled by lr_ratio first), then the iterate
 * average, on coordinates i0 .. i0+len-1 (dx holds those coordinates): the end of every step. */
void replicate_advance(replicate *r, const opt_params *p, size_t i0, size_t len, double *dx);
/* Can r take fused steps (replicate_fused.c): an element-wise rule (type->slice) on a problem with
 * an element-wise gradient (grad_slice) and Gaussian noise at a finite batch, no clipping or L2. */
int replicate_can_fuse(const replicate *r);
/* Step r->t (already counted) with parameters p, tile by tile: each tile's normals into an L1
 * buffer, its gradient, update and advance, and its terms of the loss at the new x where the
 * problem has loss_lanes, in one pass; bit for bit the unfused step and the problem's loss. */
int replicate_fused_step(replicate *r, const opt_params *p);
/* Loss at x, and at the point the run is judged by (xbar with averaging, else x). */
double replicate_loss(const replicate *r);
double replicate_judged_loss(const replicate *r);
/* The lr of step t >= 1 (t = 0: of step 1). */
double replicate_lr(const replicate *r, long t);
void replicate_free(replicate *r);

#endif
