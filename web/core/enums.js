// enums.js — Scorefield's enumerations by name, mirrored from src/scorefield.h for the JavaScript API,
// the worker and the page. It only maps names to the C values and checks names; what each value means
// is documented in scorefield.h, and all range checks stay in the C library.
//
// Keep in sync with src/scorefield.h: the values there never change, so these never do either.
// One spelling per name (snake_case, as the C enumerators), so a URL or a saved setting has one form.

/** sf_objective: the score-matching objective trained. */
export const OBJECTIVES = Object.freeze({ exact: 0, sliced: 1, sliced_vr: 2, dsm: 3, ncsn: 4, vesde: 5 });

/** sf_sigma_dist: how the vesde objective draws σ between sigmaMin and sigmaMax. */
export const SIGMA_DISTS = Object.freeze({ log_uniform: 0, edm: 1 });

/** sf_sampler: how a noise-conditional model is sampled (annealed Langevin, or a score-SDE sampler). */
export const SAMPLERS = Object.freeze({ annealed: 0, sde: 1, pc: 2, ode_euler: 3, ode_heun: 4, edm: 5 });

/**
 * The samplers by the names the API, the command line and the page take: sf_sampler's enumerators with
 * '-' for '_' ('ode-euler', 'ode-heun'), as issue 16 names them. The one spelling of a sampler.
 */
export const SAMPLER_NAMES = Object.freeze(
  Object.fromEntries(Object.entries(SAMPLERS).map(([k, v]) => [k.replaceAll('_', '-'), v])),
);

/** sf_dataset: the data a model trains on (digits D = 64, all others D = 2; points = painted by a user). */
export const DATASETS = Object.freeze({
  swiss_roll: 0,
  digits: 1,
  moons: 2,
  eight_gaussians: 3,
  rings: 4,
  checkerboard: 5,
  mixture: 6,
  points: 7,
});

/** sf_keep: how much of a sampler's run comes back (levels: annealed only, one frame per noise level). */
export const KEEPS = Object.freeze({ last: 0, all: 1, levels: 2 });

/** sf_isa: which kernels a model runs (auto = SIMD128 when the module has it). */
export const ISAS = Object.freeze({ auto: 0, scalar: 1, simd128: 2 });

/** sf_status: what a C call returned. */
export const STATUS = Object.freeze({ ok: 0, invalid_argument: 1, out_of_memory: 2, not_finite: 3 });

/**
 * A value as an error message shows it: strings quoted, objects by their class, anything longer than
 * 40 characters cut (a message must not grow with what it was given).
 */
export function describe(v) {
  if (typeof v === 'object' && v !== null) return v.constructor?.name ?? 'object';
  const text = typeof v === 'string' ? `'${v}'` : String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * The value of `name` in `table` (one of the objects above); throws an Error naming the bad value and
 * listing the valid ones, e.g. `unknown dataset 'moons' (valid: 'swiss_roll', 'digits')`.
 */
export function enumValue(table, kind, name) {
  if (typeof name === 'string' && Object.hasOwn(table, name)) return table[name];
  const valid = Object.keys(table)
    .map((k) => `'${k}'`)
    .join(', ');
  throw new Error(`scorefield: unknown ${kind} ${describe(name)} (valid: ${valid})`);
}
