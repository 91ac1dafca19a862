// theme.js — the colours, line widths and fonts of the page's canvas views, in one place. They follow
// the tutorial's matplotlib figures (and web/render/svg.js, the CLI's figures): blue semi-transparent
// data, green score arrows, blue chain points joined by orange arrows, viridis for the digits.
// Values only; the draw functions take what they need from here.

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif';
export const TICK_FONT = `11px ${FONT_FAMILY}`;
export const TITLE_FONT = `600 13px ${FONT_FAMILY}`;
export const NOTE_FONT = `14px ${FONT_FAMILY}`;

export const TEXT_COLOR = '#222';
export const MUTED_COLOR = '#666';
export const AXIS_COLOR = '#333';
export const GRID_COLOR = 'rgba(0, 0, 0, 0.07)';
export const BACKGROUND = '#fff';

export const DATA_COLOR = '#1f77b4'; // matplotlib's first colour, the tutorial's scatter
export const DATA_ALPHA = 0.2; // 10 000 overlapping dots still show the density
export const DATA_RADIUS = 1.6; // px

export const QUIVER_COLOR = 'green'; // the tutorial's quiver(color='green')
export const LOSS_COLOR = '#1f77b4';
export const LOSS_RADIUS = 1.5; // px

export const CHAIN_POINT_COLOR = 'blue';
export const CHAIN_ARROW_COLOR = 'orange';
export const CHAIN_START_COLOR = '#d62728'; // the start of each chain, so clicks are visible at once

export const HIGHLIGHT_COLOR = '#d62728'; // the current frame of the filmstrip
export const BAR_COLORS = { exact: '#d62728', sliced: '#2ca02c', sliced_vr: '#9467bd', dsm: '#8c564b' };

// The NCSN section (section 7).
export const PARTICLE_COLOR = '#d62728'; // the annealed sampler's particles, over the blue data
export const PARTICLE_ALPHA = 0.55; // 2000 particles overlap in the modes
export const PARTICLE_PX = 2.4; // px, the side of a particle's square
export const PAINT_ALPHA = 0.55; // painted points: few, so each one shows
export const SERIES_COLOR = '#1f77b4';
export const REFERENCE_COLOR = '#7f7f7f'; // a reference line (true vs true)
export const MODE_LINE_COLOR = 'rgba(0, 0, 0, 0.35)'; // the line x + y = 0 between the mixture's modes

// The score-SDE section (section 8).
export const TRAJECTORY_COLOR = '#ff7f0e'; // the paths behind the red particles
export const TRAJECTORY_ALPHA = 0.35;
export const TRAJECTORY_PX = 0.8; // px
// One colour per sampler, in the order of the settings table's SDE_SAMPLERS (matplotlib's tab10).
export const SAMPLER_COLORS = Object.freeze({
  annealed: '#7f7f7f',
  sde: '#d62728',
  pc: '#9467bd',
  'ode-euler': '#2ca02c',
  'ode-heun': '#1f77b4',
  edm: '#ff7f0e',
});
export const BAND_COLOR = 'rgba(127, 127, 127, 0.18)'; // the true-vs-true band
export const CONTOUR_COLOR = 'rgba(255, 255, 255, 0.75)'; // contour lines over the viridis map
