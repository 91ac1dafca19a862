// bars.js — the cost comparison of section 5: for each data dimension D, one horizontal bar per
// objective with its measured ms/step written beside it. Each group has its own scale (at D = 64 exact
// score matching is tens of times slower, which would flatten the D = 2 bars on a shared one); the
// ratio in each group's label carries the comparison. Pure drawing; the timings are the worker's.

import { BAR_COLORS, MUTED_COLOR, TEXT_COLOR, TICK_FONT, TITLE_FONT } from './theme.js';

const LABEL_W = 64; // px for the objective names left of the bars
const VALUE_W = 78; // px for the values right of the bars
const BAR_H = 16; // px
const BAR_GAP = 6; // px between bars of a group
const GROUP_HEAD = 24; // px for a group's heading
const GROUP_GAP = 14; // px between groups

/**
 * Draws each group's heading and bars; a bar whose value is null is drawn as "measuring…".
 * value is in ms per step.
 */
export function drawBars(ctx, width, groups) {
  const barMax = Math.max(1, width - LABEL_W - VALUE_W);
  let y = 0;
  ctx.save();
  for (const group of groups) {
    ctx.font = TITLE_FONT;
    ctx.fillStyle = TEXT_COLOR;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(group.title, 0, y + GROUP_HEAD / 2);
    y += GROUP_HEAD;
    const max = Math.max(...group.bars.map((b) => b.value ?? 0));
    for (const bar of group.bars) {
      ctx.font = TICK_FONT;
      ctx.fillStyle = MUTED_COLOR;
      ctx.textAlign = 'right';
      ctx.fillText(bar.label, LABEL_W - 8, y + BAR_H / 2);
      if (bar.value != null && max > 0) {
        const w = Math.max(1, (bar.value / max) * barMax);
        ctx.fillStyle = BAR_COLORS[bar.key] ?? MUTED_COLOR;
        ctx.fillRect(LABEL_W, y, w, BAR_H);
        ctx.fillStyle = TEXT_COLOR;
        ctx.textAlign = 'left';
        ctx.fillText(`${formatMs(bar.value)} ms`, LABEL_W + w + 6, y + BAR_H / 2);
      } else {
        ctx.textAlign = 'left';
        ctx.fillText('measuring…', LABEL_W, y + BAR_H / 2);
      }
      y += BAR_H + BAR_GAP;
    }
    y += GROUP_GAP;
  }
  ctx.restore();
}

/** A duration in ms with three significant digits (0.0123, 1.23, 12.3, 123). */
export function formatMs(ms) {
  return ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3);
}
