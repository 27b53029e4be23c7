// Smoke test: the built app loads, renders the core's nodes, and passes an axe-core audit
// in both colour schemes. Screenshots go to tests/artifacts/.
import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

for (const colorScheme of ['light', 'dark']) {
  test(`home page renders the cluster nodes from ordinal-sim (${colorScheme})`, async ({ page }) => {
    const errors = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('response', (res) => {
      if (res.status() >= 400) errors.push(`${res.status()} ${res.url()}`);
    });

    await page.emulateMedia({ colorScheme });
    await page.goto('/');

    await expect(page.getByRole('heading', { level: 1, name: 'Ordinal' })).toBeVisible();
    await expect(page.getByText('A Kubernetes StatefulSet playground that runs in your browser')).toBeVisible();

    const nodes = page.getByRole('list', { name: 'Nodes' }).getByRole('listitem');
    await expect(nodes).toHaveText(['kind-control-plane', 'kind-worker', 'kind-worker2']);

    // Accessibility: no serious or critical axe-core violations (contrast is checked per scheme).
    await page.addScriptTag({ path: AXE_PATH });
    const results = await page.evaluate(async () => await window.axe.run(document));
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const summary = bad.map((v) => `${v.impact}: ${v.id}: ${v.help} (${v.nodes.length} nodes)`);
    expect(summary, 'serious/critical axe-core violations').toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = colorScheme === 'light' ? 'home.png' : `home-${colorScheme}.png`;
    await page.screenshot({ path: `${ARTIFACTS}${shot}`, fullPage: true });

    expect(errors, 'errors in the page (console, exceptions, failed requests)').toEqual([]);
  });
}
