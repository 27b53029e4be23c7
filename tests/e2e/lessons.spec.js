// Every lesson, completed end to end by pressing its buttons as a reader would: Reset lesson,
// then step by step each manifest's "Apply" and each "Run"; every check of the step must turn
// passed before the next step. A watch a step starts is stopped with the step's "Stop" once the
// step's checks pass. Progress must survive a reload. Then the buttons on their own: Apply keeps
// the lesson in view and leaves the manifest in the editor, "Open in the editor" shows the editor,
// Stop is there only for a step that starts a watch and is enabled only while one runs.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { audit, expectTerminal, shot, watchErrors } from './helpers.js';

test.describe.configure({ timeout: 180_000 });

/** The lesson ids, from the contents navigation (the test contract). */
async function lessonLinks(page) {
  const nav = page.getByRole('navigation', { name: 'Lessons' });
  await expect(nav).toBeVisible();
  const links = nav.getByRole('link');
  const hrefs = [];
  for (let i = 0; i < (await links.count()); i++) hrefs.push(await links.nth(i).getAttribute('href'));
  return hrefs;
}

async function terminalBusy(page) {
  // One query (no wait): the state line may go at any moment.
  return (await page.locator('#terminal-state', { hasText: 'Ctrl-C' }).count()) > 0;
}

test('the lesson list is a navigation landmark with one link per lesson', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/#/lessons');
  const hrefs = await lessonLinks(page);
  expect(hrefs.length).toBeGreaterThanOrEqual(1);
  for (const h of hrefs) expect(h).toMatch(/^#\/lessons\/[a-z0-9-]+$/);
  await audit(page, 'lesson contents');
  errs.check();
});

// One test per lesson file (its `id:` meta line), in course order.
const LESSONS = readdirSync(new URL('../../web/lessons/', import.meta.url))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => readFileSync(new URL(`../../web/lessons/${f}`, import.meta.url), 'utf8').match(/^id: (.+)$/m)[1]);

for (const id of LESSONS) {
  test(`lesson "${id}", completed with its buttons`, async ({ page }) => {
    const errs = watchErrors(page);
    const href = `#/lessons/${id}`;
    await page.goto(`/${href}`);
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('1000');
    await page.getByRole('button', { name: 'Reset lesson' }).click();
    const steps = page.locator('.lesson-step');
    const n = await steps.count();
    expect(n, `${href} has steps`).toBeGreaterThan(0);
    await expect(page.locator('[data-check][data-state="passed"]')).toHaveCount(0);

    for (let i = 0; i < n; i++) {
      const step = steps.nth(i);
      const title = await step.locator('h4').innerText();
      const buttons = step.getByRole('button', { name: /^(Run|Apply)$/ });
      for (let b = 0; b < (await buttons.count()); b++) {
        const button = buttons.nth(b);
        await button.scrollIntoViewIfNeeded();
        await button.click();
        // The lesson stays in view (a manifest's Apply does not switch to the editor).
        await expect(step).toBeVisible();
      }
      const checks = step.locator('[data-check]');
      for (let k = 0; k < (await checks.count()); k++) {
        await expect(checks.nth(k), `${href}, step "${title}": ${await checks.nth(k).innerText()}`)
          .toHaveAttribute('data-state', 'passed', { timeout: 60_000 });
      }
      const stop = step.getByRole('button', { name: 'Stop' });
      if ((await stop.count()) > 0 && (await stop.isEnabled())) {
        await stop.click();
        await expect(page.locator('#terminal-state', { hasText: 'Ctrl-C' })).toHaveCount(0);
      }
      // A command that ends by itself (a delete's wait) may still be finishing.
      if (await terminalBusy(page)) {
        const term = page.getByRole('textbox', { name: 'Terminal' });
        await term.focus();
        await term.press('Control+c');
        await expect(page.locator('#terminal-state', { hasText: 'Ctrl-C' })).toHaveCount(0);
      }
    }
    const total = await page.locator('[data-check]').count();
    await expect(page.locator('[data-check][data-state="passed"]')).toHaveCount(total);
    await shot(page, `lesson-${id}`);
    await audit(page, `lesson ${id}`);

    // Progress is kept across a reload: the contents show the lesson complete.
    await page.reload();
    const item = page.getByRole('navigation', { name: 'Lessons' }).locator('li', { has: page.locator(`a[href="${href}"]`) });
    await expect(item).toHaveClass(/complete/);
    errs.check();
  });
}

test('Reset lesson restores the starting cluster and clears its checks', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/#/lessons/basics');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1000');
  const term = page.getByRole('textbox', { name: 'Terminal' });
  await term.fill('kubectl apply -f https://k8s.io/examples/application/web/web.yaml');
  await term.press('Enter');
  await expect(page.locator('[data-check="created"]')).toHaveAttribute('data-state', 'passed');
  await expect(page.locator('[data-pod="web-0"]')).toHaveCount(1, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Reset lesson' }).click();
  await expect(page.locator('[data-pod]')).toHaveCount(0);
  await expect(page.locator('[data-check="created"]')).toHaveAttribute('data-state', 'pending');
  errs.check();
});

test("a manifest's Apply applies it in place and leaves it in the editor; Open in the editor shows it", async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/#/lessons/pending-claims');
  await page.getByRole('button', { name: 'Reset lesson' }).click();
  const first = page.locator('.lesson-step').first();
  await first.getByRole('button', { name: 'Apply' }).click();
  await expectTerminal(page, "kubectl apply -f web.yaml   # the lesson's Apply button");
  await expectTerminal(page, 'persistentvolumeclaim/data created');
  // Still the lesson: same route, same step in view.
  await expect(page).toHaveURL(/#\/lessons\/pending-claims$/);
  await expect(first).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Manifest' })).toBeHidden();
  // The editor holds what was applied, and says what came of it.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Manifest' }).click();
  const editor = page.getByRole('textbox', { name: 'Manifest' });
  await expect(editor).toBeVisible();
  await expect(editor).toHaveValue(/kind: PersistentVolumeClaim\nmetadata:\n  name: data\n/);
  await expect(page.locator('#editor-messages')).toContainText('persistentvolumeclaim/data created');
  // "Open in the editor" puts a manifest there without applying it; the editor's Apply does.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Lessons' }).click();
  const second = page.locator('.lesson-step').nth(1);
  await second.getByRole('button', { name: 'Open in the editor' }).click();
  await expect(editor).toBeVisible();
  await expect(editor).toHaveValue(/kind: Pod\nmetadata:\n  name: user\n/);
  await expect(page.locator('[data-pod="user"]')).toHaveCount(0);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#editor-messages')).toContainText('pod/user created');
  errs.check();
});

test('Stop is offered only beside a watch, and ends it while it runs', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/#/lessons/pending-claims');
  await page.getByRole('button', { name: 'Reset lesson' }).click();
  // The first step's commands end by themselves: no Stop. The second step watches a pod.
  await expect(page.locator('.lesson-step').first().getByRole('button', { name: 'Stop' })).toHaveCount(0);
  const step = page.locator('.lesson-step').nth(1);
  const stop = step.getByRole('button', { name: 'Stop' });
  await expect(stop).toBeDisabled();
  await step.getByRole('button', { name: 'Apply' }).click();
  await step.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#terminal-state', { hasText: 'Ctrl-C' })).toHaveCount(1);
  await expect(stop).toBeEnabled();
  await expectTerminal(page, '$ kubectl get pod user -w');
  await stop.click();
  await expect(page.locator('#terminal-state', { hasText: 'Ctrl-C' })).toHaveCount(0);
  await expect(stop).toBeDisabled();
  await expectTerminal(page, '^C');
  // The terminal takes the next line at once.
  const term = page.getByRole('textbox', { name: 'Terminal' });
  await term.fill('kubectl get pod user');
  await term.press('Enter');
  await expectTerminal(page, 'NAME   READY   STATUS');
  errs.check();
});
