// readout.js — the read-out drawn over a plot at one of its points: a thin vertical line through the
// point, a ring around it, and the text ("step 120: loss 0.4321") in a box beside it that stays inside
// the plot area. Pure drawing in CSS pixels; which point, and its text, are web/app/plot-readout.js's.

import { AXIS_COLOR, BACKGROUND, HIGHLIGHT_COLOR, TEXT_COLOR, TICK_FONT } from './theme.js';

const RING_PX = 4.5; // px, the radius of the ring around the point
const BOX_PAD = 4; // px of padding inside the text box
const BOX_GAP = 8; // px between the point and the box
const LINE_HEIGHT = 14; // px, the text box's height before padding

/** Draws the read-out of the point (x, y) (CSS px inside area { x, y, w, h }) with its text. */
export function drawReadout(ctx, area, x, y, text) {
  ctx.save();
  ctx.strokeStyle = AXIS_COLOR;
  ctx.globalAlpha = 0.5;
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  ctx.moveTo(Math.round(x) + 0.5, area.y);
  ctx.lineTo(Math.round(x) + 0.5, area.y + area.h);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  const inside = Number.isFinite(y);
  if (inside) {
    ctx.strokeStyle = HIGHLIGHT_COLOR;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, RING_PX, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.font = TICK_FONT;
  const w = ctx.measureText(text).width + 2 * BOX_PAD,
    h = LINE_HEIGHT + 2 * BOX_PAD;
  // Right of the point unless that leaves the area; above it unless that does.
  let bx = x + BOX_GAP;
  if (bx + w > area.x + area.w) bx = x - BOX_GAP - w;
  bx = Math.max(area.x, bx);
  const py = inside ? y : area.y + area.h / 2;
  let by = py - BOX_GAP - h;
  if (by < area.y) by = py + BOX_GAP;
  by = Math.min(by, area.y + area.h - h);
  ctx.fillStyle = BACKGROUND;
  ctx.globalAlpha = 0.9;
  ctx.fillRect(bx, by, w, h);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = AXIS_COLOR;
  ctx.lineWidth = 1;
  ctx.strokeRect(bx + 0.5, by + 0.5, w - 1, h - 1);
  ctx.fillStyle = TEXT_COLOR;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, bx + BOX_PAD, by + h / 2);
  ctx.restore();
}
