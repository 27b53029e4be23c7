// Smoke test: the built app loads with every panel, the clock runs, the core's nodes are listed,
// and an axe-core audit passes in both colour schemes, on a laptop and on a phone. Screenshots
// go to tests/artifacts/.
import { test, expect } from '@playwright/test';
import { audit, shot, watchErrors } from './helpers.js';

const VIEWPORTS = {
  laptop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
  for (const colorScheme of ['light', 'dark']) {
    test(`home page: every panel, nodes from ordinal-sim, axe (${device}, ${colorScheme})`, async ({ page }) => {
      const errs = watchErrors(page);
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      await page.goto('/');

      await expect(page.getByRole('heading', { level: 1, name: 'Ordinal' })).toBeVisible();
      const nodes = page.getByRole('list', { name: 'Nodes' }).getByRole('listitem');
      await expect(nodes).toHaveCount(3);
      for (const [i, name] of ['kind-control-plane', 'kind-worker', 'kind-worker2'].entries()) {
        await expect(nodes.nth(i)).toHaveAttribute('data-node', name);
        await expect(nodes.nth(i)).toHaveAttribute('data-status', 'Ready');
      }
      // Workers can be stopped as `docker stop` would; the control plane cannot.
      await expect(page.getByRole('button', { name: 'Stop node kind-worker', exact: true })).toBeVisible();
      await expect(page.getByRole('button', { name: /node kind-control-plane/ })).toHaveCount(0);

      // The contract other tests rely on.
      await expect(page.getByRole('textbox', { name: 'Manifest' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Apply' })).toBeVisible();
      await expect(page.getByRole('combobox', { name: 'Examples' })).toBeVisible();
      await expect(page.getByRole('slider', { name: 'Replicas' })).toBeDisabled();
      await expect(page.getByText('No StatefulSet or Deployment to scale: Apply a manifest first.')).toBeVisible();
      await expect(page.getByRole('textbox', { name: 'Terminal' })).toBeVisible();
      await expect(page.getByRole('log', { name: 'Terminal output' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Step' })).toBeVisible();
      await expect(page.getByRole('combobox', { name: 'Speed' })).toHaveValue('1');
      await expect(page.getByRole('heading', { name: 'Events' })).toBeVisible();

      // The simulated clock follows real time.
      const clock = page.getByLabel('Simulated time', { exact: true });
      const t0 = await clock.textContent();
      await expect(clock).not.toHaveText(t0, { timeout: 5_000 });

      // No layout wider than the window.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);

      await audit(page, `${device} ${colorScheme}`);
      const name = device === 'laptop' ? 'home' : 'home-phone';
      await shot(page, colorScheme === 'light' ? name : `${name}-dark`, { fullPage: device === 'phone' });
      errs.check();
    });
  }
}

test('a running cluster in the dark scheme and on a phone passes axe', async ({ page }) => {
  const errs = watchErrors(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Examples' }).selectOption({ label: 'k8s.io: web.yaml' });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await audit(page, 'dark, two pods');
  await shot(page, 'running-dark');
  await page.setViewportSize(VIEWPORTS.phone);
  await audit(page, 'dark phone, two pods');
  await shot(page, 'running-phone-dark', { fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await audit(page, 'light phone, two pods');
  await shot(page, 'running-phone', { fullPage: true });
  errs.check();
});
