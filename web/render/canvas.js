// canvas.js — keeps a canvas crisp: its backing store follows the element's size in device pixels
// (devicePixelRatio, browser zoom, layout changes), and drawing happens in CSS pixels.
//
// It draws nothing; views call prepareCanvas() before each redraw and observeCanvasSize() once to
// learn when to redraw.

// The exact device-pixel size of each observed canvas, from ResizeObserver's
// device-pixel-content-box (Chromium, Firefox): rounding CSS size × devicePixelRatio ourselves can be
// one pixel off, which blurs every line.
const devicePixels = new WeakMap();

/**
 * Sizes the canvas's backing store to its box in device pixels and returns { ctx, width, height }
 * with width and height in CSS pixels and the context scaled so that one unit is one CSS pixel.
 * Clears the canvas.
 */
export function prepareCanvas(canvas) {
  const width = Math.max(1, canvas.clientWidth),
    height = Math.max(1, canvas.clientHeight);
  const dpr = globalThis.devicePixelRatio || 1;
  // The observed size wins when it agrees with CSS size × devicePixelRatio to within a pixel; when
  // it does not (a resize not yet observed, or an emulated ratio the box does not reflect), the
  // product does.
  const exact = devicePixels.get(canvas);
  const agrees = exact && Math.abs(exact.width - width * dpr) <= 1 && Math.abs(exact.height - height * dpr) <= 1;
  const pw = agrees ? exact.width : Math.max(1, Math.round(width * dpr));
  const ph = agrees ? exact.height : Math.max(1, Math.round(height * dpr));
  if (canvas.width !== pw) canvas.width = pw;
  if (canvas.height !== ph) canvas.height = ph;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(pw / width, 0, 0, ph / height, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/** Calls onResize() whenever the canvas's size in device pixels changes; returns a disconnect function. */
export function observeCanvasSize(canvas, onResize) {
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const box = entry.devicePixelContentBoxSize?.[0];
      if (box) devicePixels.set(canvas, { width: box.inlineSize, height: box.blockSize });
    }
    onResize();
  });
  try {
    observer.observe(canvas, { box: 'device-pixel-content-box' });
  } catch {
    observer.observe(canvas); // engines without device-pixel boxes: CSS size × devicePixelRatio
  }
  return () => observer.disconnect();
}
