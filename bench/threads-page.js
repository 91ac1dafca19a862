// threads-page.js — bench/threads.html's script: starts bench/threads-worker.js with ?pairs=N, shows
// each row as it comes, and leaves the result in window.benchResult or window.benchError.
const pairs = Number(new URLSearchParams(location.search).get('pairs') ?? 3);
const log = document.getElementById('log');
const worker = new Worker(new URL('threads-worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => {
  if (data.row) log.textContent += `${JSON.stringify(data.row)}\n`;
  else if (data.error) window.benchError = data.error;
  else window.benchResult = data;
};
worker.onerror = (event) => {
  window.benchError = event.message || 'the benchmark worker failed to start';
};
worker.postMessage({ pairs });
