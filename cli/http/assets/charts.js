// Live time-series charts over uPlot, and rates from counters.
// Every chart keeps at most MAX_POINTS points per series.
'use strict';

const MAX_POINTS = 300;
const PALETTE = ['#2f6fde', '#e0533d', '#1f9d55', '#b7791f', '#805ad5', '#d53f8c',
                 '#319795', '#4a5568', '#c05621', '#2b6cb0'];

// Turns monotonically increasing counters into per-second rates between
// successive observations (null for the first one or after a reset).
class RateTracker {
  constructor() { this.last = new Map(); }
  rate(key, value, timeMs) {
    const prev = this.last.get(key);
    this.last.set(key, { value, timeMs });
    if (!prev || timeMs <= prev.timeMs || value < prev.value) return null;
    return (value - prev.value) * 1000 / (timeMs - prev.timeMs);
  }
}

// A chart of named series over wall-clock time. push(timeMs, {name: value})
// appends one point to every series (missing names get null).
class LiveChart {
  constructor(parent, title, unit) {
    this.card = document.createElement('div');
    this.card.className = 'card chart';
    this.card.dataset.chart = title;
    const h = document.createElement('h2');
    h.textContent = title;
    this.card.appendChild(h);
    this.holder = document.createElement('div');
    this.card.appendChild(this.holder);
    parent.appendChild(this.card);
    this.unit = unit || '';
    this.names = [];
    this.times = [];
    this.values = new Map();  // name -> array aligned with times
    this.plot = null;
  }

  push(timeMs, point) {
    for (const name of Object.keys(point)) {
      if (!this.values.has(name)) {
        this.values.set(name, this.times.map(() => null));
        this.names.push(name);
        this.rebuild();
      }
    }
    this.times.push(timeMs / 1000);
    for (const name of this.names) {
      const v = point[name];
      this.values.get(name).push(v === undefined || v === null || !isFinite(v) ? null : v);
    }
    if (this.times.length > MAX_POINTS) {
      this.times.shift();
      for (const arr of this.values.values()) arr.shift();
    }
    if (!this.plot) this.rebuild();
    this.draw();
  }

  // Replaces the whole history (server-side series, e.g. model metrics).
  setSeries(series) {  // [{name, points: [[timeMs, value], ...]}]
    const times = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
    const changed = series.length !== this.names.length || series.some((s, i) => s.name !== this.names[i]);
    this.names = series.map((s) => s.name);
    this.times = times.map((t) => t / 1000);
    this.values = new Map();
    for (const s of series) {
      const at = new Map(s.points.map((p) => [p[0], p[1]]));
      this.values.set(s.name, times.map((t) => (at.has(t) ? at.get(t) : null)));
    }
    if (changed || !this.plot) this.rebuild();
    this.draw();
  }

  data() { return [this.times, ...this.names.map((n) => this.values.get(n))]; }

  // setData, then a time axis of at least 30 s, so that one or two points
  // do not stretch it over years.
  draw() {
    this.plot.setData(this.data());
    if (this.times.length === 0) return;
    const first = this.times[0], last = this.times[this.times.length - 1];
    this.plot.setScale('x', { min: Math.min(first, last - 30), max: last + 1 });
  }

  rebuild() {
    if (this.plot) this.plot.destroy();
    const unit = this.unit === 'B' ? '' : this.unit;
    const fmt = this.unit === 'B' ? formatBytes : formatNumber;
    const tick = this.unit === 'B' ? formatBytes : formatTick;
    const width = Math.max(320, this.holder.clientWidth || this.card.clientWidth - 24 || 460);
    this.plot = new uPlot({
      width, height: 200,
      scales: { x: { time: true } },
      axes: [{}, { size: 60, values: (u, vals) => vals.map((v) => (v === null ? '' : tick(v) + unit)) }],
      series: [{}, ...this.names.map((n, i) => ({
        label: n, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: true,
        value: (u, v) => (v === null ? '–' : fmt(v) + unit),
      }))],
    }, this.data(), this.holder);
  }

  destroy() { if (this.plot) this.plot.destroy(); }
}

function formatNumber(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(1) + 'G';
  if (a >= 1e6) return (v / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k';
  if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return v.toFixed(a >= 1 ? 1 : 3);
}

// Axis ticks: short, but never two equal labels for nearby ticks.
function formatTick(v) {
  if (v === null || v === undefined) return '';
  return Math.abs(v) >= 1e4 ? formatNumber(v) : String(+v.toPrecision(4));
}

function formatBytes(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? String(Math.round(v)) : v.toFixed(1)) + ' ' + units[i];
}
