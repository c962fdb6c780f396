// Router and poller: #/topics, #/jobs, #/job/<id>, #/models. Every
// POLL_MS the current page's API answer is fetched and handed to
// page.update(); charts keep the history in the browser.
'use strict';

const POLL_MS = Number(new URLSearchParams(location.search).get('poll_ms')) || 2000;
const ROUTES = {
  topics: { api: () => '/api/topics', make: (v) => new TopicsPage(v) },
  jobs: { api: () => '/api/jobs', make: (v) => new JobsPage(v) },
  job: { api: (id) => '/api/job?id=' + encodeURIComponent(id), make: (v, id) => new JobPage(v, id) },
  models: { api: () => '/api/models', make: (v) => new ModelsPage(v) },
};

let current = null;  // {route, arg, page, timer}

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  const route = ROUTES[parts[0]] ? parts[0] : 'topics';
  return { route, arg: decodeURIComponent(parts.slice(1).join('/')) };
}

function setStatus(text, error) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = 'status' + (error ? ' error' : '');
}

async function poll() {
  const c = current;
  try {
    const res = await fetch(ROUTES[c.route].api(c.arg), { cache: 'no-store' });
    const body = await res.json();
    if (c !== current) return;
    if (!res.ok) throw new Error(body.error || res.statusText);
    c.page.update(body);
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    setStatus('updated ' + new Date().toLocaleTimeString());
  } catch (e) {
    if (c === current) setStatus('error: ' + e.message, true);
  }
  if (c === current) c.timer = setTimeout(poll, POLL_MS);
}

function navigate() {
  if (current) clearTimeout(current.timer);
  const { route, arg } = parseHash();
  const view = document.getElementById('view');
  view.textContent = '';
  document.body.dataset.updates = '0';
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.dataset.route === route || (route === 'job' && a.dataset.route === 'jobs'));
  }
  current = { route, arg, page: ROUTES[route].make(view, arg), timer: null };
  poll();
}

window.addEventListener('hashchange', navigate);
navigate();
