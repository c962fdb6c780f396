// The dashboard's pages. Each page builds its layout once, then update()
// is called with every poll's JSON (app.js). Text from the server is only
// ever set through textContent, never parsed as HTML.
'use strict';

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

// A table whose body is rebuilt by rows(list of arrays of cells). A cell is
// a string/number, or {text, cls, node, attrs}.
class Table {
  constructor(parent, headers, testid) {
    this.table = el('table', { 'data-testid': testid });
    const tr = el('tr');
    for (const h of headers) tr.appendChild(el('th', { class: h.num ? 'num' : '' }, h.name || h));
    this.table.appendChild(el('thead')).appendChild(tr);
    this.body = this.table.appendChild(el('tbody'));
    this.headers = headers;
    parent.appendChild(this.table);
  }
  rows(list, rowAttrs) {
    this.body.textContent = '';
    list.forEach((cells, i) => {
      const tr = el('tr', rowAttrs ? rowAttrs[i] : {});
      cells.forEach((c, j) => {
        const cell = (c !== null && typeof c === 'object') ? c : { text: c };
        const td = el('td', Object.assign({ class: (this.headers[j].num ? 'num ' : '') + (cell.cls || '') },
                                          cell.attrs || {}));
        if (cell.node) td.appendChild(cell.node); else td.textContent = cell.text === undefined ? '' : String(cell.text);
        tr.appendChild(td);
      });
      this.body.appendChild(tr);
    });
    if (list.length === 0) {
      const tr = el('tr');
      tr.appendChild(el('td', { class: 'empty', colspan: String(this.headers.length) }, 'none'));
      this.body.appendChild(tr);
    }
  }
}

function num(name) { return { name, num: true }; }
function fmtTime(ms) { return ms ? new Date(ms).toISOString().replace('T', ' ').substr(0, 19) : '–'; }

class TopicsPage {
  constructor(view) {
    view.appendChild(el('h1', {}, 'Topics'));
    this.table = new Table(view, ['Topic', num('Partitions'), num('Records'), num('Size'),
      num('Produced/s'), num('Fetched/s'), num('Produced total'), 'Consumer lag'], 'topics-table');
    view.appendChild(el('h2', {}, 'Partitions'));
    this.parts = new Table(view, ['Topic', num('Partition'), num('Start offset'),
      num('High watermark'), num('End offset'), num('Size'), num('Segments')], 'partitions-table');
    const grid = view.appendChild(el('div', { class: 'grid' }));
    this.produced = new LiveChart(grid, 'Produced records/s', '');
    this.fetched = new LiveChart(grid, 'Fetched records/s', '');
    this.lag = new LiveChart(grid, 'Consumer lag (records)', '');
    this.bytes = new LiveChart(grid, 'Log size', 'B');
    this.rates = new RateTracker();
  }
  update(d) {
    const t = d.time_ms, produced = {}, fetched = {}, lag = {}, bytes = {};
    const rows = [], prows = [], attrs = [];
    for (const topic of d.topics) {
      const pr = this.rates.rate('p/' + topic.name, topic.produced_records_total, t);
      const fr = this.rates.rate('f/' + topic.name, topic.fetched_records_total, t);
      if (!topic.name.startsWith('__')) {
        produced[topic.name] = pr; fetched[topic.name] = fr; bytes[topic.name] = topic.size_bytes;
      }
      const lags = topic.consumer_groups.map((g) => `${g.group}: ${formatNumber(g.lag)}`);
      for (const g of topic.consumer_groups) lag[`${g.group}/${topic.name}`] = g.lag;
      rows.push([topic.name, topic.partition_count, { text: topic.records, cls: 'records' },
        formatBytes(topic.size_bytes), { text: formatNumber(pr), cls: 'produce-rate' },
        formatNumber(fr), topic.produced_records_total, lags.join(', ') || '–']);
      attrs.push({ 'data-topic': topic.name });
      for (const p of topic.partitions) {
        prows.push([topic.name, p.partition, p.log_start_offset, p.high_watermark, p.log_end_offset,
          formatBytes(p.size_bytes), p.segments]);
      }
    }
    this.table.rows(rows, attrs);
    this.parts.rows(prows);
    this.produced.push(t, produced);
    this.fetched.push(t, fetched);
    this.lag.push(t, lag);
    this.bytes.push(t, bytes);
  }
}

function stateBadge(state) { return { node: el('span', { class: 'state ' + state }, state) }; }

class JobsPage {
  constructor(view) {
    view.appendChild(el('h1', {}, 'Jobs'));
    this.table = new Table(view, ['Job', 'Name', 'State', 'Submitted', num('Operators'),
      num('Source records/s'), num('Sink records in'), 'Error'], 'jobs-table');
    const grid = view.appendChild(el('div', { class: 'grid' }));
    this.chart = new LiveChart(grid, 'Source records/s by job', '');
    this.rates = new RateTracker();
  }
  update(d) {
    const point = {}, rows = [], attrs = [];
    for (const job of d.jobs) {
      const sources = job.operators.filter((o) => o.operator.endsWith('source'));
      const sinks = job.operators.filter((o) => o.operator.endsWith('sink'));
      const out = sources.reduce((a, o) => a + o.records_out, 0);
      const rate = this.rates.rate(job.id, out, d.time_ms);
      point[job.id] = rate;
      const link = el('a', { href: '#/job/' + encodeURIComponent(job.id) }, job.id);
      rows.push([{ node: link }, job.name, stateBadge(job.state), fmtTime(job.submit_time_ms),
        job.operators.length, { text: formatNumber(rate), cls: 'source-rate' },
        sinks.reduce((a, o) => a + o.records_in, 0), { text: job.error, cls: 'error-text' }]);
      attrs.push({ 'data-job': job.id });
    }
    this.table.rows(rows, attrs);
    this.chart.push(d.time_ms, point);
  }
}
