// The live page of one search. Numbers in the header come from the JSON API (the same code as `actornas status`);
// the charts, the lineage and the timelines are folded here from the event stream. Events of a type this page does
// not know are counted and otherwise ignored, so a newer log still shows.
'use strict';

const searchId = decodeURIComponent(location.pathname.replace(/^\/search\//, ''));
const api = '/api/searches/' + encodeURIComponent(searchId);
const $ = id => document.getElementById(id);

const fold = {
  candidates: new Map(),   // id -> {id, parent, genotype, objective, metrics, children, failed}
  population: [],          // ids in the order they joined
  best: -Infinity,
  evaluated: 0,
  best_series: [],         // [evaluated, best so far]
  median_series: [],       // [evaluated, population median]
  running: new Map(),      // worker -> {id, at (ms)}
  spans: new Map(),        // worker -> [{id, from, to}] of the last minutes
  nodes: new Map(),        // node -> {workers: Set, evaluated}
  proposals: [],           // parent ids of the last 200 proposals
  lastAt: 0,               // time of the newest event (ms), the clock of a finished search
  received: 0,
  seq: 0,
};
let summary = null;
let selected = null;
let dirty = true;
let ended = false;
const rateSamples = [];

function text(id, value) { $(id).textContent = value; }
function showError(message) { const e = $('error'); e.hidden = !message; e.textContent = message || ''; }
function fmt(x, digits = 4) { return x === null || x === undefined || !isFinite(x) ? '–' : Number(x).toFixed(digits); }
function duration(seconds) {
  if (seconds === null || !isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return (h ? h + ' h ' : '') + (h || m ? m + ' min ' : '') + r + ' s';
}

function median(values) {
  if (values.length === 0) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function node(name) {
  if (!fold.nodes.has(name)) fold.nodes.set(name, { workers: new Set(), evaluated: 0 });
  return fold.nodes.get(name);
}

function apply(m) {
  const e = m.event;
  fold.received++;
  fold.seq = m.seq;
  const at = Date.parse(e.at || e.finishedAt || '');
  if (isFinite(at)) fold.lastAt = Math.max(fold.lastAt, at);
  switch (m.type) {
    case 'candidate-proposed.v1': {
      fold.candidates.set(e.id, { id: e.id, parent: e.parentId ?? null, genotype: m.genotype, objective: null, metrics: null, children: 0, failed: false });
      if (e.parentId !== undefined && e.parentId !== null) {
        const parent = fold.candidates.get(e.parentId);
        if (parent) parent.children++;
        fold.proposals.push(e.parentId);
        if (fold.proposals.length > 200) fold.proposals.shift();
      }
      break;
    }
    case 'candidate-started.v1':
      fold.running.set(e.worker, { id: e.id, at: Date.parse(e.at) });
      node(e.node).workers.add(e.worker);
      break;
    case 'candidate-evaluated.v1':
    case 'candidate-evaluated.v2': {   // v2: with the genotype a SpiderNet round's pruning left
      const c = fold.candidates.get(e.id);
      if (c) { c.objective = e.objective; c.metrics = e.metrics || {}; c.worker = e.worker; c.node = e.node; }
      if (fold.running.get(e.worker)?.id === e.id) fold.running.delete(e.worker);
      const spans = fold.spans.get(e.worker) || [];
      spans.push({ id: e.id, from: Date.parse(e.startedAt), to: Date.parse(e.finishedAt) });
      if (spans.length > 400) spans.splice(0, spans.length - 400);
      fold.spans.set(e.worker, spans);
      const n = node(e.node); n.workers.add(e.worker); n.evaluated++;
      fold.population.push(e.id);
      fold.evaluated++;
      if (e.objective > fold.best) fold.best = e.objective;
      const step = Math.max(1, Math.floor((summary?.budget || 1000) / 600));
      if (fold.evaluated % step === 0 || fold.evaluated === 1) {
        fold.best_series.push([fold.evaluated, fold.best]);
        fold.median_series.push([fold.evaluated, median(fold.population.map(id => fold.candidates.get(id)?.objective ?? 0))]);
      }
      break;
    }
    case 'candidate-retired.v1': {
      const i = fold.population.indexOf(e.id);
      if (i >= 0) fold.population.splice(i, 1);
      break;
    }
    case 'candidate-failed.v1': {
      const c = fold.candidates.get(e.id);
      if (c && e.final) c.failed = true;
      if (fold.running.get(e.worker)?.id === e.id) fold.running.delete(e.worker);
      break;
    }
    case 'candidate-released.v1':
      for (const [worker, r] of fold.running) if (r.id === e.id) fold.running.delete(worker);
      break;
    default:
      break;   // search-started, paused, resumed, completed and any newer type: the summary shows their effect
  }
  dirty = true;
}

async function refreshSummary() {
  try {
    const r = await fetch(api, { cache: 'no-store' });
    const body = await r.json();
    if (!r.ok) { showError(body.error); text('state', 'error'); return; }
    showError(null);
    summary = body;
    rateSamples.push([performance.now(), body.evaluated]);
    while (rateSamples.length > 2 && performance.now() - rateSamples[0][0] > 30000) rateSamples.shift();
    renderSummary();
  } catch (err) {
    text('live', 'server unreachable; retrying');
  }
}

function renderSummary() {
  const s = summary;
  text('search-id', s.searchId);
  text('evaluated', s.evaluated);
  text('budget', s.budget);
  text('failures', s.failed + (s.failedAttempts > s.failed ? ' (' + s.failedAttempts + ' attempts)' : ''));
  text('running', s.running + (s.queued ? ' + ' + s.queued + ' queued' : ''));
  text('elapsed', duration(s.elapsedSeconds));
  text('seq', s.sequenceNr);
  const state = s.completed ? 'completed (' + s.completionReason + ')' : s.paused ? 'paused' : 'running';
  text('state', state);
  $('state').className = 'badge ' + (s.completed ? 'done' : s.paused ? 'paused' : 'running');
  let rate = s.elapsedSeconds > 0 ? s.evaluated / s.elapsedSeconds : null;
  if (!s.completed && rateSamples.length >= 2) {
    const [t0, e0] = rateSamples[0], [t1, e1] = rateSamples[rateSamples.length - 1];
    if (t1 - t0 > 1500) rate = (e1 - e0) / ((t1 - t0) / 1000);
  }
  text('rate', fmt(rate, 2));
  text('eta', s.completed ? 'done' : s.paused ? 'paused' : rate > 0 ? duration((s.budget - s.evaluated) / rate) : '–');
  $('bar-fill').style.width = Math.min(100, 100 * s.evaluated / Math.max(1, s.budget)) + '%';
  text('best-objective', s.best ? fmt(s.best.objective, 6) : '–');
  text('best-id', s.best ? s.best.id : '–');
  text('best-genotype', s.best ? s.best.genotype : '');
  $('controls').hidden = !s.controls || s.completed;
  text('analyze', 'actornas analyze --db ' + (window.__where || 'DB') + ' --search-id ' + s.searchId);
  renderPopulation();
  renderNodes();
}

function cell(row, value, className) {
  const td = document.createElement('td');
  td.textContent = value;
  if (className) td.className = className;
  row.appendChild(td);
}

function renderPopulation() {
  if (!summary) return;
  const body = $('population').tBodies[0];
  body.textContent = '';
  const members = summary.population.slice().sort((a, b) => b.objective - a.objective);
  text('population-size', members.length);
  for (const m of members) {
    const row = document.createElement('tr');
    row.dataset.id = m.id;
    if (m.id === selected) row.className = 'selected';
    cell(row, m.id);
    cell(row, m.genotype, 'genotype');
    cell(row, fmt(m.objective, 6));
    cell(row, m.age);
    cell(row, fold.candidates.get(m.id)?.children ?? '–');
    row.onclick = () => { selected = m.id; renderDetail(); renderPopulation(); };
    body.appendChild(row);
  }
}

function renderDetail() {
  if (selected === null) return;
  text('detail-id', selected);
  const box = $('detail');
  box.textContent = '';
  box.className = '';
  const c = fold.candidates.get(selected);
  if (!c) { box.textContent = 'not in the events received yet'; return; }
  const metrics = document.createElement('table');
  for (const [k, v] of Object.entries(c.metrics || {})) { const r = document.createElement('tr'); cell(r, k); cell(r, fmt(v, 4)); metrics.appendChild(r); }
  const h = document.createElement('h3'); h.textContent = 'metrics'; box.appendChild(h); box.appendChild(metrics);
  const h2 = document.createElement('h3'); h2.textContent = 'lineage (parent chain)'; box.appendChild(h2);
  const list = document.createElement('ol');
  list.id = 'lineage';
  for (let x = c, guard = 0; x && guard < 10000; x = x.parent === null ? null : fold.candidates.get(x.parent), guard++) {
    const li = document.createElement('li');
    li.textContent = x.id + ': ' + (x.objective === null ? (x.failed ? 'failed' : 'not evaluated') : fmt(x.objective, 6)) + ' ' + x.genotype;
    list.appendChild(li);
  }
  box.appendChild(list);
}

function renderNodes() {
  const body = $('nodes').tBodies[0];
  body.textContent = '';
  const cache = new Map((summary?.cache || []).map(c => [c.node, c]));
  for (const [name, n] of fold.nodes) {
    const row = document.createElement('tr');
    cell(row, name); cell(row, n.workers.size); cell(row, n.evaluated);
    cell(row, cache.has(name) ? (100 * cache.get(name).hitRatio).toFixed(1) + ' %' : '–');
    body.appendChild(row);
  }
}

function renderDonors() {
  const counts = new Map();
  for (const p of fold.proposals) counts.set(p, (counts.get(p) || 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const body = $('donors').tBodies[0];
  body.textContent = '';
  for (const [id, n] of top) {
    const row = document.createElement('tr');
    cell(row, id); cell(row, n); cell(row, fmt(fold.candidates.get(id)?.objective, 6));
    body.appendChild(row);
  }
}

const svgNs = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, parent) {
  const el = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  parent.appendChild(el);
  return el;
}

function renderQuality() {
  const box = $('quality');
  box.textContent = '';
  const all = fold.best_series.concat(fold.median_series.filter(p => p[1] !== null));
  if (all.length === 0) return;
  const W = Math.max(300, Math.round(box.clientWidth || 800)), H = 260, L = 50, B = 20;
  box.setAttribute('viewBox', `0 0 ${W} ${H}`);
  // the evaluations so far fill the width; the budget is in the header
  const xMax = Math.max(1, Math.ceil(fold.evaluated * 1.05));
  let yMin = Math.min(...all.map(p => p[1])), yMax = Math.max(...all.map(p => p[1]));
  if (yMax === yMin) { yMax += 1e-6; yMin -= 1e-6; }
  const x = v => L + (W - L - 5) * v / xMax, y = v => 5 + (H - B - 10) * (1 - (v - yMin) / (yMax - yMin));
  svg('line', { x1: L, y1: H - B, x2: W, y2: H - B, class: 'axis' }, box);
  svg('line', { x1: L, y1: 0, x2: L, y2: H - B, class: 'axis' }, box);
  for (const v of [yMin, (yMin + yMax) / 2, yMax]) svg('text', { x: 2, y: y(v) + 4, class: 'tick' }, box).textContent = v.toFixed(3);
  svg('text', { x: W - 60, y: H - 4, class: 'tick' }, box).textContent = String(xMax);
  const path = series => series.filter(p => p[1] !== null).map((p, i) => (i ? 'L' : 'M') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1)).join(' ');
  svg('path', { d: path(fold.median_series), class: 'median' }, box);
  svg('path', { d: path(fold.best_series), class: 'best' }, box);
}

function renderWorkers() {
  const box = $('workers');
  box.textContent = '';
  const workers = [...new Set([...fold.spans.keys(), ...fold.running.keys()])].sort();
  const lane = 14, W = Math.max(300, Math.round(box.clientWidth || 800)), L = 150;
  const H = Math.max(30, workers.length * lane + 16);
  box.setAttribute('viewBox', `0 0 ${W} ${H}`);
  box.style.height = H + 'px';
  const now = summary && !summary.completed ? Date.now() : fold.lastAt;
  const from = now - 60000;
  const x = t => L + (W - L) * Math.max(0, t - from) / 60000;
  const slow = Math.max(1, 3 * (summary?.medianSeconds || 0)) * 1000;
  workers.forEach((w, i) => {
    const top = 4 + i * lane;
    svg('text', { x: 2, y: top + 10, class: 'tick' }, box).textContent = w.length > 24 ? '…' + w.slice(-23) : w;
    for (const s of fold.spans.get(w) || []) {
      if (s.to < from) continue;
      svg('rect', { x: x(s.from), y: top, width: Math.max(1, x(s.to) - x(s.from) - 0.5), height: lane - 3, class: 'span' }, box);
    }
    const r = fold.running.get(w);
    if (r && isFinite(r.at)) {
      const long = now - r.at > slow && summary?.medianSeconds;
      svg('rect', { x: x(r.at), y: top, width: Math.max(2, x(now) - x(r.at)), height: lane - 3, class: long ? 'overdue' : 'live' }, box)
        .appendChild(document.createElementNS(svgNs, 'title')).textContent = 'candidate ' + r.id + ', ' + ((now - r.at) / 1000).toFixed(1) + ' s';
    }
  });
}

function render() {
  if (!dirty) return;
  dirty = false;
  text('received', fold.received);
  renderQuality();
  renderWorkers();
  renderDonors();
  if (summary) renderPopulation();
  renderNodes();
  if (selected !== null) renderDetail();
}

async function refreshCluster() {
  // only a cluster node (`seed --web`) answers; elsewhere the card stays hidden
  try {
    const r = await fetch('/api/cluster', { cache: 'no-store' });
    if (!r.ok) return false;
    const body = await r.json();
    const rows = $('members').tBodies[0];
    rows.textContent = '';
    for (const m of body.members) { const row = document.createElement('tr'); cell(row, m.node); cell(row, m.roles.join(', ')); cell(row, m.status); rows.appendChild(row); }
    $('cluster').hidden = false;
    return true;
  } catch (err) { return false; }
}

async function control(action) {
  const r = await fetch(api + '/' + action, { method: 'POST', headers: { 'X-ActorNas-Token': $('token').value } });
  const body = await r.json().catch(() => ({}));
  text('control-result', r.ok ? action + ': done' : body.error || r.status);
  if (r.ok) sessionStorage.setItem('actornas-token', $('token').value);
  refreshSummary();
}

function connect() {
  const source = new EventSource(api + '/events');
  source.onopen = () => text('live', 'live');
  source.onmessage = msg => { try { apply(JSON.parse(msg.data)); } catch (err) { /* a malformed line is skipped */ } };
  source.addEventListener('end', async () => { source.close(); ended = true; dirty = true; await refreshSummary(); render(); text('live', 'search over'); });
  source.onerror = () => { if (!ended) text('live', 'reconnecting…'); };
}

async function main() {
  text('search-id', searchId);
  $('csv').href = api + '/candidates.csv';
  $('parquet').href = api + '/candidates.parquet';
  $('analysis').href = api + '/analysis.zip';
  $('token').value = sessionStorage.getItem('actornas-token') || '';
  for (const a of ['pause', 'resume', 'stop']) $(a).onclick = () => control(a);
  try { window.__where = (await (await fetch('/api/searches')).json()).where; } catch (err) { /* shown as DB */ }
  await refreshSummary();
  connect();
  if (await refreshCluster()) setInterval(refreshCluster, 5000);
  let lastReceived = 0;
  setInterval(() => {
    // the summary follows the stream: at most once a second while events arrive, every 5 s otherwise (elapsed, ETA)
    if (fold.received !== lastReceived || Date.now() % 5000 < 1000) { lastReceived = fold.received; if (!ended || !summary?.completed) refreshSummary(); }
  }, 1000);
  setInterval(render, 500);
  render();
}

main();
