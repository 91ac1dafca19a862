/* par.h — how the core runs work on several threads without depending on any thread library.
 *
 * The core only ever asks "run these n independent tasks and return when all are done" through a
 * runner the host installs with sf_set_runner (scorefield.h): natively a pthread pool (par/pool.h,
 * tests and bench), in the browser whatever the host builds over a shared memory. Without a runner,
 * or for n = 1, the tasks run inline on the calling thread, in index order. Which thread runs which
 * task never changes a result: every task writes only its own buffers, and the caller combines them
 * in a fixed order afterwards.
 */
#ifndef SF_PAR_H
#define SF_PAR_H

#include "scorefield.h"

/* Runs fn(ctx, i) for i = 0 .. n − 1, n <= sf__par_threads(), on the installed runner (inline
 * without one, or when n == 1). */
void sf__par_run(sf_task_fn fn, void *ctx, int n);

/* The thread count the installed runner offers (1 without one). */
int sf__par_threads(void);

#endif
