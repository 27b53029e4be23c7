// The timeline under the top bar: scrub back through the session (the cluster, the terminal and
// the clock as they were), branch a "what if", return to the latest line, and keep both across a
// reload; the slider works from the keyboard and says the simulated time the top bar shows.
import { test, expect } from '@playwright/test';
import { audit, run, watchErrors } from './helpers.js';

const clock = (page) => page.locator('time[aria-label="Simulated time"]');
const pods = (page) => page.locator('[data-pod]');

/** Apply kubernetes.io's web.yaml, let both pods come up, scale to five and let them come up. */
async function scaledToFive(page) {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await run(page, 'kubectl apply -f https://k8s.io/examples/application/web/web.yaml');
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await run(page, 'kubectl scale sts web --replicas=5');
  await expect(page.locator('[data-pod="web-4"]')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await expect(pods(page)).toHaveCount(5);
}

test('scrub back, branch, delete a pod on the branch, return to latest, reload', async ({ page }) => {
  test.setTimeout(120_000);
  const errs = watchErrors(page);
  await scaledToFive(page);
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  await expect(timeline).toBeVisible();

  // Back to before the scale: the last input is the scale, so one step left of now.
  await timeline.focus();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await expect(timeline).toHaveAttribute('aria-valuetext', /before input \d+ of \d+: \$ kubectl scale sts web --replicas=5/);
  await expect(pods(page)).toHaveCount(2);
  await expect(page.getByRole('log', { name: 'Terminal output' })).not.toContainText('--replicas=5');
  const shown = await clock(page).innerText();
  expect(await timeline.getAttribute('aria-valuetext')).toContain(shown);
  // The session's clock waits while the past is shown.
  await page.waitForTimeout(500);
  await expect(clock(page)).toHaveText(shown);

  await page.getByRole('button', { name: 'Branch here' }).click();
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('# Branched at');
  await page.getByRole('button', { name: 'Delete pod web-1' }).click();
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('pod "web-1" deleted');
  await expect(pods(page)).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Branch here' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Return to latest' }).click();
  await expect(pods(page)).toHaveCount(5);
  await expect(page.locator('[data-pod="web-4"]')).toHaveAttribute('data-ready', '1/1');
  const branches = page.getByRole('combobox', { name: 'Branches' });
  await expect(branches.locator('option')).toHaveCount(2);
  await expect(branches).toContainText('kubectl delete pod web-1');
  await audit(page, 'timeline with a branch');

  // The time-driven save (at most every 2 s), then a reload: both lines are there.
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForTimeout(2500);
  await page.reload();
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('Your session was restored');
  await expect(pods(page)).toHaveCount(5);
  await expect(branches).toContainText('kubectl delete pod web-1');
  // And the branch opens as it was left.
  await branches.selectOption({ index: 1 });
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('$ kubectl delete pod web-1 --wait=false');
  await expect(pods(page)).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Return to latest' })).toBeVisible();
  errs.check();
});

test('the timeline from the keyboard: arrows step input by input, Home and End, the time said', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await run(page, 'kubectl create namespace a');
  await run(page, 'kubectl create namespace b');
  await page.getByRole('button', { name: 'Pause' }).click();
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  const max = Number(await timeline.getAttribute('aria-valuemax'));
  expect(max).toBeGreaterThanOrEqual(3);
  await expect(timeline).toHaveAttribute('aria-valuenow', String(max));
  await expect(timeline).toHaveAttribute('aria-valuemin', '0');
  expect(await timeline.getAttribute('aria-valuetext')).toContain(await clock(page).innerText());
  expect(await timeline.getAttribute('aria-valuetext')).toContain('now');

  await timeline.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(timeline).toHaveAttribute('aria-valuenow', String(max - 1));
  await expect(timeline).toHaveAttribute('aria-valuetext', /: \$ kubectl create namespace b$/);
  expect(await timeline.getAttribute('aria-valuetext')).toContain(await clock(page).innerText());
  await page.keyboard.press('ArrowLeft');
  await expect(timeline).toHaveAttribute('aria-valuetext', /: \$ kubectl create namespace a$/);
  await page.keyboard.press('ArrowRight');
  await expect(timeline).toHaveAttribute('aria-valuenow', String(max - 1));
  await page.keyboard.press('Home');
  await expect(timeline).toHaveAttribute('aria-valuenow', '0');
  expect(await timeline.getAttribute('aria-valuetext')).toContain(await clock(page).innerText());
  await expect(page.getByRole('button', { name: 'Return to latest' })).toBeVisible();
  await page.keyboard.press('End');
  await expect(timeline).toHaveAttribute('aria-valuenow', String(max));
  await expect(page.getByRole('button', { name: 'Branch here' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Return to latest' })).toHaveCount(0);

  // Typing while the past is shown is never lost: it branches there.
  await page.keyboard.press('ArrowLeft');
  await run(page, 'kubectl get ns b');
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('Error from server (NotFound): namespaces "b" not found');
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('It branched');
  await page.getByRole('button', { name: 'Return to latest' }).click();
  await run(page, 'kubectl get ns b -o name');
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText('namespace/b');
  errs.check();
});
