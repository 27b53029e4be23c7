// The session survives a reload: its inputs are saved as they happen and replayed into the same
// cluster (same pods, same uids, same files). A saved session that cannot be read is reported and
// the cluster starts fresh.
import { test, expect } from '@playwright/test';
import { run, watchErrors } from './helpers.js';

const uids = (page) => page.evaluate(() =>
  Object.fromEntries([...document.querySelectorAll('[data-pod]')].map((e) => [e.dataset.pod, e.dataset.uid])));

test('a reload restores the cluster as it was', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await run(page, 'kubectl apply -f https://k8s.io/examples/application/web/web.yaml');
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-ready', '1/1', { timeout: 20_000 });
  await run(page, "kubectl exec web-1 -- sh -c 'echo kept > /usr/share/nginx/html/index.html'");
  await expect(page.locator('[data-file="/index.html"]')).toContainText('kept');
  await page.getByRole('button', { name: 'Pause' }).click();
  const before = await uids(page);
  const clock = await page.locator('time[aria-label="Simulated time"]').getAttribute('datetime');
  await page.waitForTimeout(2500); // the time-driven save (at most every 2 s)

  await page.reload();
  const log = page.getByRole('log', { name: 'Terminal output' });
  await expect(log).toContainText('Your session was restored');
  await expect(log).toContainText('$ kubectl apply -f https://k8s.io/examples/application/web/web.yaml');
  expect(await uids(page)).toEqual(before);
  await expect(page.locator('[data-file="/index.html"]')).toContainText('kept');
  const after = await page.locator('time[aria-label="Simulated time"]').getAttribute('datetime');
  expect(after >= clock, `${after} is not before ${clock}`).toBe(true);
  errs.check();
});

for (const [what, bad] of [
  ['not JSON', '{not json'],
  ['another version', '{"version":7,"ops":[]}'],
  ['inputs out of time order', '{"version":1,"seed":1,"now":5,"ops":[[9,"line","x"]]}'],
]) {
  test(`a saved session that is ${what} is reported and the cluster starts fresh`, async ({ page }) => {
    const errs = watchErrors(page);
    // Stored before the app starts, as a damaged or older save would be.
    await page.addInitScript((b) => {
      if (!sessionStorage.getItem('planted')) {
        localStorage.setItem('ordinal.session', b);
        sessionStorage.setItem('planted', '1');
      }
    }, bad);
    await page.goto('/');
    await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('could not be restored');
    await expect(page.locator('[data-pod]')).toHaveCount(0);
    // The page works, and its own session replaces the damaged one.
    await run(page, 'kubectl get nodes');
    await page.reload();
    await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('Your session was restored');
    errs.check();
  });
}
