// Two tabs of one browser share one saved session, so one tab holds it at a time: the first tab
// opened (or the one the user took over in) runs and saves; another tab opened meanwhile shows
// the session and follows the holder's saves live (its cluster, terminal and editor), refuses to
// change it (with a notice and a "Take over here" button) and saves nothing. No tab's work is written over unless the user takes over. And a saved session
// this version cannot read is kept as a backup the user can export.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run, watchErrors } from './helpers.js';

const log = (page) => page.getByRole('log', { name: 'Terminal output' });
const notice = (page) => page.getByRole('alert').filter({ hasText: 'This session is open in another tab' });
const REFUSED = 'This session is open in another tab, so nothing was run here';

/** Runs `line` and waits for `expected` in the terminal. */
async function runs(page, line, expected) {
  await run(page, line);
  await expect(log(page)).toContainText(expected);
}

/** A fresh page of the context, with the app open and its kind of tab settled. */
async function openTab(context) {
  const page = await context.newPage();
  const errs = watchErrors(page);
  await page.goto('/');
  await expect(page.getByRole('textbox', { name: 'Manifest' })).toBeVisible();
  return { page, errs };
}

test('both tabs working: the second is read-only, and only the first one\'s work is kept', async ({ context }) => {
  const a = await openTab(context);
  await runs(a.page, 'kubectl create namespace from-a', 'namespace/from-a created');
  await expect(notice(a.page)).toHaveCount(0);

  const b = await openTab(context);
  await expect(notice(b.page)).toBeVisible();
  // It shows the session as saved ...
  await expect(log(b.page)).toContainText('$ kubectl create namespace from-a');
  // ... and runs nothing.
  await run(b.page, 'kubectl create secret generic from-b --from-literal=k=v');
  await expect(log(b.page)).toContainText(REFUSED);
  await expect(log(b.page)).not.toContainText('secret/from-b created');

  // The first tab goes on as before.
  await runs(a.page, 'kubectl create namespace from-a2', 'namespace/from-a2 created');
  await expect(notice(a.page)).toHaveCount(0);

  await b.page.close();
  await a.page.close();
  const c = await openTab(context);
  await expect(notice(c.page)).toHaveCount(0);
  await expect(log(c.page)).toContainText('Your session was restored');
  await runs(c.page, 'kubectl get ns from-a2 -o name', 'namespace/from-a2');
  await runs(c.page, 'kubectl get secret from-b', 'Error from server (NotFound): secrets "from-b" not found');
  a.errs.check();
  b.errs.check();
  c.errs.check();
});

test('the read-only tab follows the holder live: its Apply and a new Secret show without a reload', async ({ context }) => {
  const a = await openTab(context);
  const b = await openTab(context);
  await expect(notice(b.page)).toBeVisible();
  // What the user typed in B and did not send stays through everything below.
  const bLine = b.page.getByRole('textbox', { name: 'Terminal' });
  await bLine.fill('kubectl get secret from-a');

  // A picks another manifest and applies it, with time running fast.
  await a.page.getByRole('combobox', { name: 'Examples' }).selectOption({ label: 'k8s.io: web.yaml' });
  await a.page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await a.page.getByRole('button', { name: 'Apply' }).click();
  await expect(log(a.page)).toContainText('statefulset.apps/web created');

  // B shows A's editor, A's Apply in its terminal, and the pods coming up as time passes in A.
  await expect(b.page.getByRole('textbox', { name: 'Manifest' })).toHaveValue(/registry\.k8s\.io\/nginx-slim/);
  await expect(log(b.page)).toContainText('$ kubectl apply -f web.yaml');
  await expect(log(b.page)).toContainText('statefulset.apps/web created');
  for (const p of ['web-0', 'web-1']) {
    await expect(b.page.locator(`[data-pod="${p}"]`)).toHaveAttribute('data-ready', '1/1', { timeout: 15_000 });
  }
  // A new Secret in A is in B's terminal at once.
  await runs(a.page, 'kubectl create secret generic from-a --from-literal=k=v', 'secret/from-a created');
  await expect(log(b.page)).toContainText('$ kubectl create secret generic from-a --from-literal=k=v\nsecret/from-a created');
  await expect(notice(b.page)).toBeVisible();
  await expect(bLine).toHaveValue('kubectl get secret from-a');

  // Taking over still works, from what B followed; B's unsent line is sent as it was.
  await b.page.getByRole('button', { name: 'Take over here' }).click();
  await expect(notice(b.page)).toHaveCount(0);
  await expect(log(b.page)).toContainText('You took over the session in this tab');
  await expect(bLine).toHaveValue('kubectl get secret from-a');
  await bLine.press('Enter');
  await expect(log(b.page)).toContainText(/from-a +Opaque +1 /);
  // And now A follows B.
  await expect(notice(a.page)).toBeVisible();
  await runs(b.page, 'kubectl scale sts web --replicas=3', 'statefulset.apps/web scaled');
  await expect(log(a.page)).toContainText('$ kubectl scale sts web --replicas=3\nstatefulset.apps/web scaled');
  await expect(a.page.locator('[data-pod="web-2"]')).toBeVisible({ timeout: 15_000 });
  a.errs.check();
  b.errs.check();
});

test('reloads: the holder gets its session back, the read-only tab stays read-only', async ({ context }) => {
  const a = await openTab(context);
  await runs(a.page, 'kubectl create namespace kept', 'namespace/kept created');
  const b = await openTab(context);
  await expect(notice(b.page)).toBeVisible();

  await a.page.reload();
  await expect(log(a.page)).toContainText('Your session was restored');
  await expect(notice(a.page)).toHaveCount(0);
  await runs(a.page, 'kubectl create namespace after-reload', 'namespace/after-reload created');

  await b.page.reload();
  await expect(log(b.page)).toContainText('$ kubectl create namespace after-reload');
  await expect(notice(b.page)).toBeVisible();
  await run(b.page, 'kubectl delete namespace kept');
  await expect(log(b.page)).toContainText(REFUSED);
  await runs(a.page, 'kubectl get ns kept -o name', 'namespace/kept');
  a.errs.check();
  b.errs.check();
});

test('take over here: the other tab becomes read-only, and the work of both is kept in turn', async ({ context }) => {
  const a = await openTab(context);
  await runs(a.page, 'kubectl create namespace by-a', 'namespace/by-a created');
  const b = await openTab(context);
  await expect(notice(b.page)).toBeVisible();
  // A works on after B opened: B takes over the session as A saved it last.
  await runs(a.page, 'kubectl create namespace late-a', 'namespace/late-a created');

  await b.page.getByRole('button', { name: 'Take over here' }).click();
  await expect(notice(b.page)).toHaveCount(0);
  await expect(log(b.page)).toContainText('You took over the session in this tab');
  await runs(b.page, 'kubectl get ns late-a -o name', 'namespace/late-a');
  await runs(b.page, 'kubectl create secret generic by-b --from-literal=k=v', 'secret/by-b created');

  // A heard of it, and changes nothing more.
  await expect(notice(a.page)).toBeVisible();
  await run(a.page, 'kubectl create namespace lost');
  await expect(log(a.page)).toContainText(REFUSED);

  // And back: A takes over again, with B's work in it.
  await a.page.getByRole('button', { name: 'Take over here' }).click();
  await expect(notice(a.page)).toHaveCount(0);
  await runs(a.page, 'kubectl get secret by-b -o name', 'secret/by-b');
  await expect(notice(b.page)).toBeVisible();

  // Both closed (the read-only one last), the app opened again: the holder's session.
  await a.page.close();
  await b.page.close();
  const c = await openTab(context);
  await expect(notice(c.page)).toHaveCount(0);
  await runs(c.page, 'kubectl get secret by-b -o name', 'secret/by-b');
  await runs(c.page, 'kubectl get ns lost', 'Error from server (NotFound): namespaces "lost" not found');
  a.errs.check();
  b.errs.check();
  c.errs.check();
});

test('the holder closing lets the next tab opened hold the session; the read-only tab can take over', async ({ context }) => {
  const a = await openTab(context);
  await runs(a.page, 'kubectl create namespace first', 'namespace/first created');
  const b = await openTab(context);
  await expect(notice(b.page)).toBeVisible();
  await a.page.close();
  // The read-only tab does not take the session by itself (a reloading holder comes back) ...
  await expect(notice(b.page)).toBeVisible();
  // ... but a tab opened now holds it,
  const c = await openTab(context);
  await expect(notice(c.page)).toHaveCount(0);
  await runs(c.page, 'kubectl get ns first -o name', 'namespace/first');
  await c.page.close();
  // and the read-only tab can take it over, with all of it.
  await b.page.getByRole('button', { name: 'Take over here' }).click();
  await expect(notice(b.page)).toHaveCount(0);
  await runs(b.page, 'kubectl get ns first -o name', 'namespace/first');
  a.errs.check();
  b.errs.check();
  c.errs.check();
});

test('a crashed holder\'s lease lapses; a live one is respected', async ({ browser }) => {
  for (const [age, readOnly] of [[60_000, false], [0, true]]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errs = watchErrors(page);
    // A lease from a tab that is gone (not renewed for a minute), or one renewed just now.
    await page.addInitScript((age) => {
      if (!sessionStorage.getItem('planted')) {
        localStorage.setItem('ordinal.lease', JSON.stringify({ tab: 'gone', at: Date.now() - age }));
        sessionStorage.setItem('planted', '1');
      }
    }, age);
    await page.goto('/');
    await expect(page.getByRole('textbox', { name: 'Manifest' })).toBeVisible();
    await expect(notice(page)).toHaveCount(readOnly ? 1 : 0);
    await context.close();
    errs.check();
  }
});

test('a saved session this version cannot read is kept as a backup to export', async ({ page }) => {
  const errs = watchErrors(page);
  const old = '{"version":7,"seed":1,"now":0,"ops":[[0,"teleport","x"]]}';
  await page.addInitScript((old) => {
    if (!sessionStorage.getItem('planted')) {
      localStorage.setItem('ordinal.session', old);
      sessionStorage.setItem('planted', '1');
    }
  }, old);
  await page.goto('/');
  await expect(log(page)).toContainText('could not be restored (it is from another version of Ordinal (format 7))');
  await expect(log(page)).toContainText('The saved session is kept as the backup');
  // This session is saved as it goes, and the old record stays in the backup.
  await runs(page, 'kubectl create namespace new', 'namespace/new created');
  await page.locator('.session-menu > summary').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Export backup' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('ordinal-session-backup.json');
  expect(readFileSync(await download.path(), 'utf8')).toBe(old);
  await page.reload();
  await expect(log(page)).toContainText('Your session was restored');
  errs.check();
});

test('a session saved by the release before opens in this build', async ({ page }) => {
  const errs = watchErrors(page);
  const fixture = readFileSync(fileURLToPath(new URL('../../web/tests/fixtures/session-v1.json', import.meta.url)), 'utf8');
  await page.addInitScript((f) => {
    if (!sessionStorage.getItem('planted')) {
      localStorage.setItem('ordinal.session', f);
      sessionStorage.setItem('planted', '1');
    }
  }, fixture);
  await page.goto('/');
  await expect(log(page)).toContainText('Your session was restored: 5 inputs replayed');
  for (const p of ['web-0', 'web-1', 'web-2']) {
    await expect(page.locator(`[data-pod="${p}"]`)).toHaveAttribute('data-ready', '1/1');
  }
  await runs(page, 'kubectl exec web-1 -- cat /usr/share/nginx/html/index.html', 'kept');
  errs.check();
});
