/* streams.h — which PCG32 stream each use of randomness draws from.
 *
 * Every use gets its own sequence from the same seed, so that sampling, scoring or drawing a picture
 * of the data never shifts the training batches: a run is reproducible whatever the page does
 * between steps. */
#ifndef SF_STREAMS_H
#define SF_STREAMS_H

enum {
    SF__STREAM_INIT = 1,    /* parameter initialisation */
    SF__STREAM_TRAIN = 2,   /* training batches, projections and DSM noise */
    SF__STREAM_SAMPLER = 3, /* Langevin noise */
    SF__STREAM_DATA = 4,    /* sf_data_sample */
    SF__STREAM_UNIFORM = 5, /* sf_uniform, sf_uniform_box */
    SF__STREAM_POINTS = 6   /* sf_points_sample */
};

#endif
