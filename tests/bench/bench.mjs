// Browser benchmarks (issue 7): the built app in Debian's chromium, measured through Playwright.
//   node tests/bench/bench.mjs [--port 8182] [--pods 1000] [--big 10000] [--cap 120]
// Prints a table: navigation → interactive, frame times (requestAnimationFrame deltas, p50/p95)
// while a --pods Parallel set starts and animates, the JS heap and wasm memory then, and how long
// a --big Parallel set takes from apply to all Ready at top speed (or how far it got in --cap s).
// scripts/bench.sh builds dist/, serves it and runs this after the native benchmarks.
import { chromium } from '@playwright/test';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const port = Number(arg('port', 8182));
const pods = Number(arg('pods', 1000));
const big = Number(arg('big', 10000));
const cap = Number(arg('cap', 120));
const base = `http://127.0.0.1:${port}/`;

const manifest = (n) => `apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: ${n}
  podManagementPolicy: Parallel
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
`;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const row = (name, value) => console.log(`${name.padEnd(58)} ${value}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-precise-memory-info'],
});

// kind's kubelet takes 110 pods a node: each scenario's cluster gets workers enough for its set.
const workersFor = (n) => Math.max(2, Math.ceil(n / 110));

async function openPage(workers = 2) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // When the terminal's input first exists, the app has rendered and takes input.
  await page.addInitScript(() => {
    // The wasm module's linear memory (its size only grows: the peak so far).
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasmMemory = e.detail.wasm.memory; });
    // The engine runs in a worker the page starts: it has answered once the page says so.
    new MutationObserver((_, obs) => {
      if (window.__interactive === undefined && document.getElementById('terminal-input')) {
        window.__interactive = performance.now();
      }
      if (document.querySelector('[data-engine="ready"]')) {
        window.__engineReady = performance.now();
        obs.disconnect();
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
    // Keypresses: from the key's event to the next frame after its input was handled.
    window.__keyLatency = [];
    addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      requestAnimationFrame(() => window.__keyLatency.push(performance.now() - t0));
    }, true);
  });
  await page.goto(`${base}?workers=${workers}`);
  await page.waitForFunction(() => window.__engineReady !== undefined);
  return page;
}

/** Puts a manifest in the editor and presses Apply at the given speed. */
async function applyManifest(page, yaml, speed) {
  await page.getByRole('combobox', { name: 'Speed' }).selectOption(String(speed));
  await page.getByRole('textbox', { name: 'Manifest' }).fill(yaml);
  await page.getByRole('button', { name: 'Apply' }).click();
}

/** The wasm memory of the page's module and of the engine's (in its worker), in MiB. */
async function wasmMiB(page) {
  const mib = (b) => (b / 1048576).toFixed(0);
  const own = await page.evaluate(() => window.__wasmMemory?.buffer.byteLength ?? 0);
  let engine = 0;
  for (const w of page.workers()) {
    // The worker's glue (no-modules) answers its init again with the module's exports.
    engine += await w.evaluate(async () =>
      typeof wasm_bindgen === 'function' ? (await wasm_bindgen()).memory.buffer.byteLength : 0);
  }
  return `${mib(own)} (page) + ${mib(engine)} (engine)`;
}

const readyText = (page) => page.evaluate(() => {
  const el = document.querySelector('[data-statefulset="web"] .ready-count');
  return el ? el.textContent : '';
});

console.log(`${'benchmark (chromium, wasm)'.padEnd(58)} value`);
{
  const runs = [];
  const engine = [];
  for (let i = 0; i < 5; i++) {
    const page = await openPage();
    runs.push(await page.evaluate(() => window.__interactive));
    engine.push(await page.evaluate(() => window.__engineReady));
    await page.close();
  }
  row('navigation → interactive (median of 5)', `${pct(runs, 50).toFixed(0)} ms`);
  row('navigation → engine ready, Apply works (median of 5)', `${pct(engine, 50).toFixed(0)} ms`);
}
{
  const page = await openPage(workersFor(pods));
  await applyManifest(page, manifest(pods), 10);
  const deltas = await page.evaluate(() => new Promise((resolve) => {
    const out = [];
    let last = performance.now();
    const end = last + 5000;
    const tick = (t) => {
      out.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(tick); else resolve(out);
    };
    requestAnimationFrame(tick);
  }));
  row(`frames while ${pods} pods start (5 s, 10x): p50 / p95 / max`,
    `${pct(deltas, 50).toFixed(1)} / ${pct(deltas, 95).toFixed(1)} / ${Math.max(...deltas).toFixed(0)} ms (${deltas.length} frames)`);
  const cdp = await page.context().newCDPSession(page);
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics').catch(() => ({ metrics: [] })))
    .metrics?.map((m) => [m.name, m.value]) ?? []);
  const heap = metrics.JSHeapUsedSize ?? (await page.evaluate(() => performance.memory?.usedJSHeapSize));
  row(`JS heap after ${pods} pods started`, `${(heap / 1048576).toFixed(1)} MB`);
  row(`READY of the ${pods}-pod set after 5 s at 10x`, await readyText(page));
  row(`wasm memory after ${pods} pods started`, `${await wasmMiB(page)} MiB`);
  await page.close();
}
{
  const page = await openPage(workersFor(big));
  const t0 = Date.now();
  await applyManifest(page, manifest(big), 1000);
  // While they start, keys typed into the terminal's line.
  await page.evaluate(() => { window.__keyLatency = []; });
  await page.getByRole('textbox', { name: 'Terminal' }).focus();
  let ready = '';
  while (Date.now() - t0 < cap * 1000) {
    ready = await readyText(page);
    if (ready === `${big}/${big}`) break;
    await page.keyboard.press('x');
    await page.waitForTimeout(250);
  }
  const keys = await page.evaluate(() => window.__keyLatency);
  if (keys.length) {
    row(`keypress → next frame while ${big} start: p50 / max`,
      `${pct(keys, 50).toFixed(0)} / ${Math.max(...keys).toFixed(0)} ms (${keys.length} keys)`);
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  row(`${big} Parallel replicas: apply → all Ready (1000x)`,
    ready === `${big}/${big}` ? `${secs} s` : `not done after ${cap} s (READY ${ready || 'n/a'})`);
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  row(`tab memory with ${big} pods: JS heap + wasm memory`,
    `${(heap / 1048576).toFixed(1)} MB + ${await wasmMiB(page)} MiB`);
  await page.close();
}
await browser.close();
