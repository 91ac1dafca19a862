// blog.js — the example post's side of the iframe widget (web/blog.html): buttons that send the
// frame postMessage commands, a read-out of its state, and the frame's height following its content
// (the frame announces it with scorefield:resize). An example of the host half of frame.js's API.
//
// It accepts messages only from the frame's own window and origin, and shows what they say as text.

const frame = document.getElementById('frame');
const state = document.getElementById('frame-state');
const controls = document.getElementById('frame-controls');
const frameOrigin = new URL(frame.src, location.href).origin;
const STATE_POLL_MS = 1000; // ms between state read-outs

function send(message) {
  frame.contentWindow?.postMessage(message, frameOrigin);
}

controls.addEventListener('click', (event) => {
  const type = event.target.closest('button')?.dataset.message;
  if (type) send({ type });
});

window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow || event.origin !== frameOrigin) return;
  const msg = event.data;
  if (msg?.type === 'scorefield:resize' && Number.isFinite(msg.height) && msg.height > 0) {
    frame.height = String(Math.ceil(msg.height));
  } else if (msg?.type === 'scorefield:state' && msg.state) {
    const s = msg.state;
    state.textContent =
      s.worker === 'ready' ? `step ${s.step} of ${s.target}${s.playing ? ', training' : ''}` : `worker: ${s.worker}`;
  }
});

setInterval(() => send({ type: 'scorefield:get-state' }), STATE_POLL_MS);
