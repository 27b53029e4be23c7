// A node's stop/start control: `docker stop kind-worker` from its chip, the node NotReady after
// the grace period, its pods evicted but never replaced while the old ones remain, then back.
import { test, expect } from '@playwright/test';
import { audit, run, watchErrors } from './helpers.js';

test('stopping a worker from its chip, and starting it again', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await run(page, 'kubectl apply -f https://k8s.io/examples/application/web/web.yaml');
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-ready', '1/1', { timeout: 20_000 });
  const worker = page.locator('[data-node="kind-worker"]');
  await page.getByRole('button', { name: 'Stop node kind-worker', exact: true }).click();
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('$ docker stop kind-worker');
  await expect(worker).toHaveAttribute('data-status', 'NotReady', { timeout: 20_000 });
  // After the 300 s tolerations the pod on it is deleted, but no kubelet confirms: it stays.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1000');
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-status', 'Terminating', { timeout: 20_000 });
  await expect(page.locator('[data-pod="web-1"]')).toHaveCount(1);
  await audit(page, 'a stopped node');
  await page.getByRole('button', { name: 'Start node kind-worker', exact: true }).click();
  await expect(worker).toHaveAttribute('data-status', 'Ready', { timeout: 20_000 });
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-status', 'Running', { timeout: 20_000 });
  errs.check();
});
