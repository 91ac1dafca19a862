// measure.js — the worker's cost measurement (the page's section 5, TO_WORKER.MEASURE): each cell times
// training steps of a fresh model for about its budget. Loaded by worker.js with the first MEASURE, so
// a widget's worker never downloads it.

import { FROM_WORKER } from './protocol.js';

// Cost measurement: warm-up steps (first calls touch fresh memory) and a floor on timed steps.
const MEASURE_WARMUP_STEPS = 1;
const MEASURE_MIN_STEPS = 2;
const MEASURE_MAX_STEPS = 200;

// Times one cell of a cost measurement on a fresh model, then frees it.
export function measureCell(sf, { requestId, dim, objective, budgetMs }, post) {
  const model = sf.createModel({ dim });
  try {
    model.configureTraining({ dataset: dim === 2 ? 'swiss_roll' : 'digits', objective });
    model.train(MEASURE_WARMUP_STEPS);
    let steps = 0;
    const start = performance.now();
    let elapsed = 0;
    while (steps < MEASURE_MAX_STEPS && (steps < MEASURE_MIN_STEPS || elapsed < budgetMs)) {
      model.train(1);
      steps++;
      elapsed = performance.now() - start;
    }
    post({ type: FROM_WORKER.COST, requestId, dim, objective, msPerStep: elapsed / steps, steps });
  } finally {
    model.dispose();
  }
}
