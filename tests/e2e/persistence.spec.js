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

/** Opens the Session menu and presses one of its buttons. */
async function session(page, name) {
  await page.locator('.session-menu > summary').click();
  await page.getByRole('group', { name: 'Session' }).getByRole('button', { name }).click();
}

async function startedSet(page) {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await run(page, 'kubectl apply -f https://k8s.io/examples/application/web/web.yaml');
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-ready', '1/1', { timeout: 20_000 });
  await run(page, "kubectl exec web-0 -- sh -c 'echo shared > /usr/share/nginx/html/index.html'");
  await page.getByRole('button', { name: 'Pause' }).click();
  return uids(page);
}

test('a share link replays the session in another browser', async ({ page, browser }) => {
  const errs = watchErrors(page);
  const before = await startedSet(page);
  await session(page, 'Share link');
  const log = page.getByRole('log', { name: 'Terminal output' });
  await expect(log).toContainText('#/share/');
  const link = (await log.innerText()).match(/http\S+#\/share\/[A-Za-z0-9_-]+/)[0];

  const other = await (await browser.newContext()).newPage();
  const errs2 = watchErrors(other);
  await other.goto(link);
  await expect(other.getByRole('log', { name: 'Terminal output' })).toContainText('The shared link was opened');
  expect(await uids(other)).toEqual(before);
  await expect(other.locator('[data-file="/index.html"]').first()).toContainText('shared');
  await expect(other).toHaveURL(/#\/$/);
  errs.check();
  errs2.check();
});

test('export, import into a fresh browser, and restore the backup', async ({ page, browser }) => {
  const errs = watchErrors(page);
  const before = await startedSet(page);
  const [download] = await Promise.all([page.waitForEvent('download'), session(page, 'Export')]);
  const file = await download.path();

  const other = await (await browser.newContext()).newPage();
  const errs2 = watchErrors(other);
  await other.goto('/');
  await run(other, 'kubectl create namespace mine');
  await other.locator('.session-menu > summary').click();
  await other.locator('input[type=file]').setInputFiles(file);
  await expect(other.getByRole('log', { name: 'Terminal output' })).toContainText('The session file was opened');
  expect(await uids(other)).toEqual(before);
  // What it replaced is kept.
  await session(other, 'Restore backup');
  await expect(other.getByRole('log', { name: 'Terminal output' })).toContainText('$ kubectl create namespace mine');
  await expect(other.locator('[data-pod]')).toHaveCount(0);
  // A file that is not a session changes nothing.
  await other.locator('.session-menu > summary').click();
  await other.locator('input[type=file]').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
  await expect(other.getByRole('log', { name: 'Terminal output' })).toContainText('could not be opened (it is not an Ordinal session); nothing changed');
  errs.check();
  errs2.check();
});
