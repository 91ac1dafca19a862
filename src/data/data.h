/* data.h — the seeded data generators behind training batches and sf_data_sample. */
#ifndef SF_DATA_H
#define SF_DATA_H

#include "base/rng.h"
#include "scorefield.h"

/* x (n, D) = n points of `dataset` (an id the caller has checked) with the given noise;
 * label (n), if not NULL, receives the class of each digit and −1 for the swiss roll. */
void sf__data_draw(float *x, int *label, int dataset, int n, float noise, sf_rng *r);

/* x (n, 2) = n points drawn uniformly from points (count, 2), each with noise·N(0, I) added. */
void sf__points_draw(float *x, const float *points, int count, int n, float noise, sf_rng *r);

/* 1 once the digits table is there (always in the native build; see sf_data_load_digits). */
int sf__digits_ready(void);
/* The digits table's pixels (rows, 64) and labels (rows), or NULL while it is not loaded. */
const unsigned char *sf__digits_pixels(void);
const unsigned char *sf__digits_labels(void);
/* The one message for a model whose dimension D no dataset has (a printf format taking D): the same
 * from sf_model_set_train, sf_model_train and sf_model_step_begin, and from the JS API. */
#define SF__NO_DATASET_FMT                                                                                             \
    "no dataset has dimension %d (the datasets have D = 2, digits D = 64; painted points D = 2): "                     \
    "train this model with sf_model_loss_grad on your own data"
#define SF__DIGITS_NOT_LOADED "the digits table is not loaded: give it to sf_data_load_digits first"

#endif
