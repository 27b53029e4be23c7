// The page and its engine: the page is its own small module, and the engine (the cluster, kubectl
// and the reducer) runs in a Web Worker that loads beside it. The page is usable before the engine
// has arrived: what the learner does meanwhile (an edit, Apply, a typed line) is done, in order,
// once it has. Here the engine's module is held back for a while to show it.
import { test, expect } from '@playwright/test';
import { expectTerminal, watchErrors } from './helpers.js';

test('the page works before its engine arrives, and what was done meanwhile runs then', async ({ page, context }) => {
  const errs = watchErrors(page);
  let release;
  const held = new Promise((r) => { release = r; });
  let engineRequested = false;
  await context.route('**/ordinal-engine_bg.wasm', async (route) => {
    engineRequested = true;
    await held;
    await route.continue();
  });
  await page.goto('/');
  const app = page.locator('.app');
  await expect(app).toHaveAttribute('data-engine', 'starting');
  await expect.poll(() => engineRequested, { message: 'the page asks for its engine at once' }).toBe(true);

  // The editor, the Examples menu, Apply and the terminal's line answer now.
  await page.getByRole('combobox', { name: 'Examples' }).selectOption({ label: 'k8s.io: web.yaml' });
  const manifest = page.getByRole('textbox', { name: 'Manifest' });
  await expect(manifest).toHaveValue(/registry\.k8s\.io\/nginx-slim/);
  await manifest.fill((await manifest.inputValue()).replace('replicas: 2', 'replicas: 3'));
  await page.getByRole('button', { name: 'Apply' }).click();
  const term = page.getByRole('textbox', { name: 'Terminal' });
  await term.fill("kubectl get sts web -o jsonpath='replicas={.spec.replicas}'");
  await term.press('Enter');
  await expect(term).toHaveValue('');
  await expect(app).toHaveAttribute('data-engine', 'starting');

  release();
  await expect(app).toHaveAttribute('data-engine', 'ready');
  await expectTerminal(page, 'statefulset.apps/web created');
  await expectTerminal(page, 'replicas=3');
  await expect(manifest).toHaveValue(/replicas: 3/);
  const nodes = page.getByRole('list', { name: 'Nodes' }).getByRole('listitem');
  await expect(nodes).toHaveCount(3);
  errs.check();
});

test('the engine runs in a worker, not on the page', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/');
  await expect(page.locator('.app')).toHaveAttribute('data-engine', 'ready');
  const workers = page.workers();
  expect(workers.map((w) => new URL(w.url()).pathname)).toEqual(['/ordinal-engine_loader.js']);
  // The page's own module does not hold the simulation: its wasm is the small one.
  const sizes = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('.wasm'))
    .map((e) => [new URL(e.name).pathname, e.decodedBodySize]));
  const own = sizes.find(([p]) => p.startsWith('/ordinal-web-'));
  expect(own, `the page's module among ${JSON.stringify(sizes)}`).toBeTruthy();
  expect(own[1]).toBeLessThan(1_000_000);
  errs.check();
});
