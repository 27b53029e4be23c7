// What outlives a StatefulSet stays visible: pods orphaned by `delete --cascade=orphan`, and the
// claims left when the pods are gone; with no set, the slider is disabled and says why.
import { test, expect } from '@playwright/test';
import { audit, expectTerminal, open, pod, pvc, run, shot, watchErrors } from './helpers.js';

test('orphaned pods and the claims of a deleted set stay visible', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);
  await page.getByRole('combobox', { name: 'Examples' }).selectOption({ label: 'k8s.io: web.yaml' });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(pod(page, 'web-1')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });

  await run(page, 'kubectl delete sts web --cascade=orphan');
  await expectTerminal(page, 'statefulset.apps "web" deleted');
  const orphans = page.getByRole('region', { name: 'Cluster objects' }).locator('section.group', {
    has: page.getByRole('heading', { name: 'Pods outside any StatefulSet' }),
  });
  await expect(orphans.locator('[data-pod]')).toHaveCount(2);
  await expect(orphans.locator('[data-pvc="www-web-0"]')).toHaveAttribute('data-status', 'Bound');
  const slider = page.getByRole('slider', { name: 'Replicas' });
  await expect(slider).toBeDisabled();
  await expect(page.getByText('No StatefulSet or Deployment to scale: Apply a manifest first.')).toBeVisible();
  await audit(page, 'orphaned pods');

  await page.getByRole('button', { name: 'Delete pod web-0' }).click();
  await page.getByRole('button', { name: 'Delete pod web-1' }).click();
  await expect(page.locator('[data-pod]')).toHaveCount(0, { timeout: 30_000 });
  const loose = page.locator('section.group', { has: page.getByRole('heading', { name: 'Claims no StatefulSet uses' }) });
  await expect(loose.locator('[data-pvc]')).toHaveCount(2);
  await expect(pvc(page, 'www-web-1')).toHaveAttribute('data-status', 'Bound');
  // The headless Service is still there, with nothing to resolve to.
  await expect(page.locator('[data-service="nginx"]')).toContainText('resolves to nothing yet');
  await shot(page, 'claims-of-a-deleted-set');
  await audit(page, 'claims left');
  errs.check();
});
