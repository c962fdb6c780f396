// Models: registry versions and stages, champion/challenger prequential
// metrics over time (kept by rtaid, so history shows at once), drift and
// promotion events.
'use strict';

class ModelsPage {
  constructor(view) {
    view.appendChild(el('h1', {}, 'Models'));
    this.registry = new Table(view, ['Model', num('Version'), 'Stage', 'Format', num('Size'),
      'Registered', 'Metrics', 'SHA-256'], 'models-table');
    this.grid = view.appendChild(el('div', { class: 'grid' }));
    this.charts = new Map();  // "model/metric" -> LiveChart
    this.none = this.grid.appendChild(el('p', { class: 'empty' },
        'No prequential metrics yet: they appear while a scoring job runs.'));
    view.appendChild(el('h2', {}, 'Drift and promotion events'));
    this.events = new Table(view, ['Time', 'Kind', 'Model', num('Version'), 'Detail'], 'events-table');
  }

  update(d) {
    const rows = [];
    for (const m of d.models) {
      for (const v of m.versions.slice().reverse()) {
        const metrics = Object.entries(v.metrics).map(([k, x]) => `${k}=${formatNumber(x)}`).join(' ');
        rows.push([m.name, v.version, { text: v.stage, cls: 'stage-' + v.stage }, v.format,
          formatBytes(v.size_bytes), fmtTime(v.created_ms), metrics, v.sha256.substr(0, 12)]);
      }
    }
    this.registry.rows(rows);
    const byChart = new Map();
    for (const s of d.series) {
      const key = `${s.model} · ${s.metric}`;
      if (!byChart.has(key)) byChart.set(key, []);
      byChart.get(key).push({ name: `v${s.version} ${s.role}`, points: s.points });
    }
    this.none.style.display = byChart.size ? 'none' : '';
    for (const [key, series] of byChart) {
      if (!this.charts.has(key)) this.charts.set(key, new LiveChart(this.grid, key, ''));
      this.charts.get(key).setSeries(series);
    }
    this.events.rows(d.events.slice().reverse().map((e) =>
      [fmtTime(e.time_ms), e.kind, e.model, e.version, e.detail]));
  }
}
