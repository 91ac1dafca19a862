// svg-context.test.js — web/render/svg-context.js, the recording 2-D context behind the page's "Quality
// SVG" and "Density SVG" exports, in Node: a figure drawn by the render modules comes out as the SVG
// of what they drew (paths, clip, text with its font as attributes, state restored), and what the
// context cannot write (part of a circle, an unreadable font) throws instead of drawing something else.
// The browser side (the exports of section 8, parsed) is tests/browser/sde.test.js.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SvgContext, viewSvg } from '../../web/render/svg-context.js';
import { drawCostPlot } from '../../web/render/cost-plot.js';
import { SAMPLER_COLORS, TITLE_FONT } from '../../web/render/theme.js';

test('a_cost_plot_drawn_on_the_context_is_its_lines_band_and_text_as_svg', () => {
  const series = [
    {
      name: 'ode-heun',
      label: 'ODE, Heun',
      points: [
        { nfe: 5, ed: 0.3 },
        { nfe: 35, ed: 0.01 },
      ],
    },
    {
      name: 'sde',
      label: 'reverse SDE',
      points: [
        { nfe: 8, ed: 0.5 },
        { nfe: 500, ed: 0.02 },
      ],
    },
  ];
  const view = { draw: (ctx, w, h) => drawCostPlot(ctx, w, h, series, { floor: 0.004, title: 'cost <&>' }) };
  const svg = viewSvg(view, 400, 300);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 400 300" width="400" height="300">/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  for (const s of series) assert.ok(svg.includes(`stroke="${SAMPLER_COLORS[s.name]}"`), `no line of ${s.name}`);
  assert.ok(svg.includes('>true vs true</text>'));
  assert.ok(svg.includes('>cost &lt;&amp;&gt;</text>'), 'the title is not escaped');
  assert.doesNotMatch(svg, /style=/, 'an inline style (refused by a strict CSP)');
  // The plot's lines are clipped to its area: a clipPath defined and used.
  assert.match(svg, /<clipPath id="clip0"><path d="M[^"]+"\/><\/clipPath>/);
  assert.ok(svg.includes('clip-path="url(#clip0)"'));
});

test('save_and_restore_bring_back_the_state_and_the_clip', () => {
  const ctx = new SvgContext(10, 10);
  ctx.fillStyle = 'red';
  ctx.save();
  ctx.fillStyle = 'blue';
  ctx.beginPath();
  ctx.rect(0, 0, 5, 5);
  ctx.clip();
  ctx.fillRect(1, 1, 2, 2);
  ctx.restore();
  ctx.fillRect(3, 3, 1, 1);
  const svg = ctx.toSvg();
  assert.ok(svg.includes('<g clip-path="url(#clip0)"><rect x="1" y="1" width="2" height="2" fill="blue"/></g>'));
  assert.ok(svg.includes('\n<rect x="3" y="3" width="1" height="1" fill="red"/>'), 'restore kept the clip or colour');
});

test('text_takes_its_font_alignment_and_baseline_as_attributes', () => {
  const ctx = new SvgContext(100, 20);
  ctx.font = TITLE_FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('a', 50, 10);
  assert.match(
    ctx.toSvg(),
    /<text x="50" y="10" dy="0.35em" text-anchor="middle" font-family="[^"]+" font-size="13" font-weight="600" fill="#000">a<\/text>/,
  );
});

test('what_the_context_cannot_write_throws', () => {
  const ctx = new SvgContext(10, 10);
  assert.throws(() => ctx.arc(5, 5, 2, 0, Math.PI), /only whole circles/);
  ctx.font = 'large serif';
  assert.throws(() => ctx.fillText('x', 0, 0), /cannot read the font 'large serif'/);
  assert.throws(() => ctx.bezierCurveTo(0, 0, 1, 1, 2, 2), TypeError);
});
