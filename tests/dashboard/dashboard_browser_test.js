#!/usr/bin/env node
// The dashboard in Debian's headless Chromium, driven by playwright-core,
// against a real rtaid: topics, a running job (records moving through its
// DAG) and registered models show up, the pages raise no script errors, and
// screenshots are saved in OUT_DIR.
//
// usage: dashboard_browser_test.js RTAID RTAI_CLI OUT_DIR FIXTURE_SERVER
// FIXTURE_SERVER (dashboard_fixture_server.cc) serves the same dashboard
// with synthetic checkpoints, model metrics and drift events, which no
// rtaid component feeds yet.
// Exit codes: 0 pass, 1 fail, 77 skip (no chromium or playwright-core; run
// .ci/setup to install both).
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const SKIP = 77;
const CHROMIUM = '/usr/bin/chromium';
const [RTAID, CLI, OUT_DIR, FIXTURE] = process.argv.slice(2);

const JOB = {
  version: 1,
  name: 'bids-per-auction',
  schemas: [{ name: 'bid', fields: [{ name: 'auction', type: 'int64' },
    { name: 'price', type: 'int64' }, { name: 'ts', type: 'timestamp' }] }],
  watermark: { max_out_of_orderness_ms: 1000, idle_timeout_ms: 0 },
  nodes: [
    { uid: 'src', operator: 'broker_source',
      config: { topic: 'bids', schema: 'bid', event_time: 'ts', dead_letter_topic: 'bids-dlq' } },
    { uid: 'cheap', operator: 'filter', config: { predicate: 'price < 1000' } },
    { uid: 'win', operator: 'window_aggregate', config: {
      window: { type: 'tumbling', size_ms: 1000 }, key: ['auction'],
      aggregates: [{ name: 'bids', fn: 'count' }, { name: 'top', fn: 'max', expr: 'price' }] } },
    { uid: 'out', operator: 'broker_sink', config: { topic: 'results', key: 'auction' } }],
  edges: [{ from: 'src', to: 'cheap' }, { from: 'cheap', to: 'win' }, { from: 'win', to: 'out' }],
};

function skip(why) {
  console.log(`SKIP: ${why}`);
  process.exit(SKIP);
}

function loadPlaywright() {
  if (!fs.existsSync(CHROMIUM)) skip(`${CHROMIUM} not found (apt-get install chromium; .ci/setup does)`);
  try {
    return require('playwright-core');
  } catch (e) {
    skip(`playwright-core not installed in ${__dirname}/node_modules (run .ci/setup): ${e.message}`);
  }
}

function cli(grpc, ...args) {
  const r = spawnSync(CLI, ['--server', grpc, ...args], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error(`rtai-cli ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

// Starts rtaid on free ports; resolves with the addresses from its
// "rtaid listening" log line.
function startRtaid(dataDir, logPath) {
  const log = fs.openSync(logPath, 'w');
  const proc = spawn(RTAID, [`--data-dir=${dataDir}`, '--grpc-listen=127.0.0.1:0',
    '--kafka-listen=127.0.0.1:0', '--http-listen=127.0.0.1:0'], { stdio: ['ignore', log, log] });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30000;
    const check = () => {
      const text = fs.readFileSync(logPath, 'utf8');
      const m = /msg="rtaid listening".* grpc="?([^ "]+)"?.* kafka="?([^ "]+)"?.* http="?([^ "]+)"?/.exec(text);
      if (m) return resolve({ proc, grpc: m[1], kafka: m[2], http: m[3] });
      if (proc.exitCode !== null || Date.now() > deadline) {
        return reject(new Error(`rtaid did not start:\n${text.slice(-2000)}`));
      }
      setTimeout(check, 50);
    };
    check();
  });
}

// Feeds `bids` through a long-running `rtai-cli produce` so records keep
// moving while the pages are open. Event time follows the wall clock.
function startProducer(grpc) {
  const p = spawn(CLI, ['--server', grpc, 'produce', 'bids', '--batch-records', '10'],
    { stdio: ['pipe', 'ignore', 'inherit'] });
  let n = 0;
  const timer = setInterval(() => {
    const lines = [];
    for (let i = 0; i < 10; i++, n++) {
      lines.push(JSON.stringify({ auction: n % 7, price: (n * 37) % 1500, ts: Date.now() }));
    }
    p.stdin.write(lines.join('\n') + '\n');
  }, 100);
  return { stop: () => { clearInterval(timer); p.stdin.end(); p.kill('SIGTERM'); } };
}

// A Kafka consumer group (kcat, librdkafka) reads some of `bids` and
// commits, so the topics page has a consumer lag to show. Optional: kcat
// comes from Debian's kcat package (.ci/setup installs it).
function consumeWithGroup(kafka) {
  const r = spawnSync('kcat', ['-b', kafka, '-G', 'dashboard-group', '-X', 'auto.offset.reset=earliest',
    '-c', '20', '-q', 'bids'], { encoding: 'utf8', timeout: 20000 });
  if (r.error || r.status !== 0) throw new Error(`kcat: ${r.error || r.stderr}`);
}

function linearModel(weight) {
  return JSON.stringify({ format: 'rtai.linear', version: 1, objective: 'binary:logistic',
    intercept: 0, weights: { amount: weight } });
}

// Polls fn (returning a truthy value when satisfied) until timeoutMs.
async function eventually(what, fn, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const cellNumber = (page, sel) =>
  page.$eval(sel, (e) => Number(e.textContent.replace(/[^0-9.]/g, ''))).catch(() => -1);

async function checkTopics(page, base, shots) {
  await page.goto(`${base}/dashboard/?poll_ms=500#/topics`);
  const records = await eventually('bids records in the topics table', async () => {
    const n = await cellNumber(page, 'tr[data-topic="bids"] td.records');
    return n > 0 && n;
  });
  // A produce rate needs two polls with records in between.
  await eventually('a produce rate for bids', async () =>
    (await cellNumber(page, 'tr[data-topic="bids"] td.produce-rate')) > 0);
  await eventually('bids partitions listed', async () =>
    (await page.$$('[data-testid="partitions-table"] tbody tr')).length >= 2);
  await eventually('charts drawn', async () => (await page.$$('.uplot')).length >= 4);
  await eventually('the consumer group lag on bids', async () =>
    page.$eval('tr[data-topic="bids"]', (e) => /dashboard-group: \d/.test(e.textContent)).catch(() => false));
  // The API behind it: both partitions, and the group's lag as the sum of
  // its partitions' lags, each committed offset within the log (the
  // producer keeps appending, so lag and high watermark are read apart).
  const api = (await (await fetch(`${base}/api/topics`)).json()).topics.find((t) => t.name === 'bids');
  const group = api.consumer_groups.find((g) => g.group === 'dashboard-group');
  if (api.partitions.length !== 2 || !group || group.partitions.length < 1 ||
      group.lag !== group.partitions.reduce((a, p) => a + p.lag, 0) ||
      group.partitions.some((p) => p.lag < 0 || p.committed_offset < 0 || p.committed_offset >
        api.partitions.find((q) => String(q.partition) === p.partition).high_watermark)) {
    throw new Error(`/api/topics bids: ${JSON.stringify(api)}`);
  }
  shots.push(path.join(OUT_DIR, 'dashboard_topics.png'));
  await page.screenshot({ path: shots[shots.length - 1], fullPage: true });
  console.log(`topics page: bids has ${records} records`);
}

async function checkJob(page, base, shots) {
  await page.goto(`${base}/dashboard/?poll_ms=500#/jobs`);
  await eventually('job-1 running in the jobs table', async () =>
    page.$eval('tr[data-job="job-1"]', (e) => e.textContent.includes('running')).catch(() => false));
  await page.click('tr[data-job="job-1"] a');
  await eventually('the job page', async () => page.url().endsWith('#/job/job-1'));
  await eventually('a DAG with 4 nodes and 3 edges', async () =>
    (await page.$$('svg.dag g.node')).length === 4 && (await page.$$('svg.dag path.edge')).length === 3);
  const first = await eventually('records out of src', async () => {
    const n = await cellNumber(page, 'tr[data-uid="src"] td.records-out');
    return n > 0 && n;
  });
  const later = await eventually('src records moving', async () => {
    const n = await cellNumber(page, 'tr[data-uid="src"] td.records-out');
    return n > first && n;
  });
  await eventually('records into the sink', async () =>
    (await cellNumber(page, 'tr[data-uid="out"] td.records-in')) > 0, 20000);
  const dagText = await page.$eval('svg.dag g.node[data-uid="src"]', (e) => e.textContent);
  if (!/out \d/.test(dagText)) throw new Error(`DAG node src shows no rate: ${dagText}`);
  await eventually('task time shares', async () =>
    (await page.$$('[data-testid="tasks-table"] .bar')).length >= 1);
  shots.push(path.join(OUT_DIR, 'dashboard_job.png'));
  await page.screenshot({ path: shots[shots.length - 1], fullPage: true });
  console.log(`job page: src records out ${first} -> ${later}; DAG node: ${dagText}`);
}

async function checkModels(page, base, shots) {
  await page.goto(`${base}/dashboard/?poll_ms=500#/models`);
  await eventually('two fraud versions, one champion', async () => {
    const text = await page.$eval('[data-testid="models-table"]', (e) => e.textContent).catch(() => '');
    return text.includes('champion') && text.includes('challenger') && text.includes('auc=0.9');
  });
  shots.push(path.join(OUT_DIR, 'dashboard_models.png'));
  await page.screenshot({ path: shots[shots.length - 1], fullPage: true });
}

function startFixture() {
  const proc = spawn(FIXTURE, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening http=(\S+)/.exec(out);
      if (m) resolve({ proc, http: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`fixture server exited ${code}: ${out}`)));
  });
}

// Checkpoint history, model metrics over time and ML events render.
async function checkFixture(page, base, shots) {
  await page.goto(`${base}/dashboard/?poll_ms=500#/models`);
  await eventually('the fraud auc chart with champion and challenger', async () =>
    page.$eval('[data-chart="fraud · auc"]', (e) => e.querySelector('.uplot') !== null &&
      e.textContent.includes('v1 champion') && e.textContent.includes('v2 challenger')).catch(() => false));
  await eventually('drift and promotion events', async () => {
    const t = await page.$eval('[data-testid="events-table"]', (e) => e.textContent).catch(() => '');
    return t.includes('drift') && t.includes('adwin') && t.includes('promotion');
  });
  shots.push(path.join(OUT_DIR, 'dashboard_models_fixture.png'));
  await page.screenshot({ path: shots[shots.length - 1], fullPage: true });
  await page.goto(`${base}/dashboard/?poll_ms=500#/job/job-1`);
  await eventually('three checkpoints, one failed, and their chart', async () => {
    const rows = await page.$$eval('[data-testid="checkpoints-table"] tbody tr', (r) => r.map((e) => e.textContent));
    const chart = await page.$eval('[data-chart="Checkpoint duration"]', (e) => e.style.display !== 'none').catch(() => false);
    return rows.length === 3 && rows.some((r) => r.includes('failed') && r.includes('timed out')) && chart;
  });
  shots.push(path.join(OUT_DIR, 'dashboard_job_fixture.png'));
  await page.screenshot({ path: shots[shots.length - 1], fullPage: true });
}

async function main() {
  if (!RTAID || !CLI || !OUT_DIR || !FIXTURE) {
    throw new Error('usage: dashboard_browser_test.js RTAID RTAI_CLI OUT_DIR FIXTURE_SERVER');
  }
  const { chromium } = loadPlaywright();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rtai-dashboard-'));
  let rtaid = null, producer = null, browser = null, fixture = null;
  try {
    rtaid = await startRtaid(path.join(tmp, 'data'), path.join(OUT_DIR, 'rtaid.log'));
    for (const [topic, parts] of [['bids', 2], ['results', 1], ['bids-dlq', 1]]) {
      cli(rtaid.grpc, 'topic', 'create', topic, '--partitions', String(parts));
    }
    producer = startProducer(rtaid.grpc);
    await eventually('40 records in bids (/api/topics)', async () => {
      const topics = (await (await fetch(`http://${rtaid.http}/api/topics`)).json()).topics;
      return topics.some((t) => t.name === 'bids' && t.records >= 40);
    });
    consumeWithGroup(rtaid.kafka);
    fs.writeFileSync(path.join(tmp, 'job.json'), JSON.stringify(JOB));
    const id = cli(rtaid.grpc, 'job', 'submit', path.join(tmp, 'job.json'));
    if (id !== 'job-1') throw new Error(`job id ${id}`);
    fs.writeFileSync(path.join(tmp, 'm1.json'), linearModel(0.5));
    fs.writeFileSync(path.join(tmp, 'm2.json'), linearModel(0.75));
    cli(rtaid.grpc, 'model', 'register', path.join(tmp, 'm1.json'), '--name', 'fraud', '--metric', 'auc=0.9');
    cli(rtaid.grpc, 'model', 'register', path.join(tmp, 'm2.json'), '--name', 'fraud');
    cli(rtaid.grpc, 'model', 'promote', 'fraud@1');

    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
    const base = `http://${rtaid.http}`;
    const shots = [];
    await checkTopics(page, base, shots);
    await checkJob(page, base, shots);
    await checkModels(page, base, shots);
    fixture = await startFixture();
    await checkFixture(page, `http://${fixture.http}`, shots);
    if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
    for (const s of shots) console.log(`screenshot: ${s}`);
    console.log('PASS dashboard_browser_test');
  } finally {
    if (browser) await browser.close();
    if (fixture) {
      fixture.proc.stdin.end();
      await new Promise((r) => (fixture.proc.exitCode !== null ? r() : fixture.proc.on('exit', r)));
    }
    if (producer) producer.stop();
    if (rtaid) {
      rtaid.proc.kill('SIGTERM');
      await new Promise((r) => (rtaid.proc.exitCode !== null ? r() : rtaid.proc.on('exit', r)));
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
