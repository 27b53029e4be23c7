// Compare (#/compare): two clusters side by side through the test contract (a region named
// "Compare" holding one region per manifest, pods as [data-pod] with data-status/data-ready):
// both pairs' names and start order, the slider and a command reaching both sides, and axe.
import { test, expect } from '@playwright/test';
import { audit, watchErrors } from './helpers.js';

const side = (page, file) => page.getByRole('region', { name: 'Compare', exact: true }).getByRole('region', { name: file, exact: true });
const podNames = (region) => region.locator('[data-pod]').evaluateAll((els) => els.map((e) => e.dataset.pod));

test('Deployment vs StatefulSet: random suffixes vs ordinals, the slider scales both, axe', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/#/compare');
  const compare = page.getByRole('region', { name: 'Compare', exact: true });
  await expect(compare).toBeVisible();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  const dep = side(page, 'compare-deployment.yaml');
  const sts = side(page, 'compare-statefulset.yaml');
  await expect(dep).toBeVisible();
  await expect(sts).toBeVisible();

  await expect(sts.locator('[data-pod="web-2"]')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  expect(await podNames(sts)).toEqual(['web-0', 'web-1', 'web-2']);
  await expect(dep.locator('[data-pod]')).toHaveCount(3);
  for (const name of await podNames(dep)) {
    // A ReplicaSet's pod: web-<pod-template-hash>-<five random characters>.
    expect(name).toMatch(/^web-[a-z0-9]+-[a-z0-9]{5}$/);
  }
  await audit(page, 'Compare, Deployment vs StatefulSet');

  // One slider, both workloads.
  await compare.getByRole('slider', { name: 'Replicas (both)' }).fill('1');
  await expect(sts.locator('[data-pod]')).toHaveCount(1, { timeout: 30_000 });
  await expect(dep.locator('[data-pod]')).toHaveCount(1, { timeout: 30_000 });
  expect(await podNames(sts)).toEqual(['web-0']);

  // One command line, both terminals.
  await compare.getByRole('textbox', { name: 'Command for both' }).fill('kubectl get deploy,sts');
  await compare.getByRole('button', { name: 'Run in both' }).click();
  await expect(dep.getByLabel('Terminal output of compare-deployment.yaml')).toContainText('deployment.apps/web');
  await expect(sts.getByLabel('Terminal output of compare-statefulset.yaml')).toContainText('statefulset.apps/web');
  errs.check();
});

test('OrderedReady vs Parallel: one at a time vs all at once, deletion reaches both', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/#/compare');
  await page.getByRole('navigation', { name: 'Pairs' }).getByRole('link', { name: 'OrderedReady vs Parallel' }).click();
  await expect(page).toHaveURL(/#\/compare\/orderedready-parallel$/);
  const ordered = side(page, 'web.yaml');
  const parallel = side(page, 'web-parallel.yaml');
  await expect(ordered).toBeVisible();
  await expect(parallel).toBeVisible();

  // Parallel creates web-0 and web-1 together; OrderedReady has only web-0 until it is Ready.
  await expect(parallel.locator('[data-pod]')).toHaveCount(2);
  const orderedNow = await podNames(ordered);
  const web0 = ordered.locator('[data-pod="web-0"]');
  if ((await web0.getAttribute('data-ready')) !== '1/1') expect(orderedNow).toEqual(['web-0']);

  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await expect(ordered.locator('[data-pod="web-1"]')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  expect(await podNames(ordered)).toEqual(['web-0', 'web-1']);
  expect(await podNames(parallel)).toEqual(['web-0', 'web-1']);
  await audit(page, 'Compare, OrderedReady vs Parallel');

  // Delete web-0 on one side: the pod at the same place goes on both, and both come back.
  const uids = [
    await ordered.locator('[data-pod="web-0"]').getAttribute('data-uid'),
    await parallel.locator('[data-pod="web-0"]').getAttribute('data-uid'),
  ];
  await ordered.getByRole('button', { name: /^Delete pod web-0/ }).click();
  await expect(ordered.getByLabel('Terminal output of web.yaml')).toContainText('pod "web-0" deleted');
  await expect(parallel.getByLabel('Terminal output of web-parallel.yaml')).toContainText('pod "web-0" deleted');
  await expect(ordered.locator('[data-pod="web-0"]')).not.toHaveAttribute('data-uid', uids[0], { timeout: 30_000 });
  await expect(parallel.locator('[data-pod="web-0"]')).not.toHaveAttribute('data-uid', uids[1], { timeout: 30_000 });
  errs.check();
});
