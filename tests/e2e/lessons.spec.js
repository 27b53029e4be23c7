// Every lesson, completed end to end by pressing its buttons as a reader would: Reset lesson,
// then step by step each "Open in the editor" (then Apply, then back to the lesson) and each
// "Run"; every check of the step must turn passed before the next step. A watch a step starts
// is stopped with Ctrl-C once the step's checks pass. Progress must survive a reload.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { audit, shot, watchErrors } from './helpers.js';

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
      const buttons = step.getByRole('button', { name: /^(Run|Open in the editor)$/ });
      for (let b = 0; b < (await buttons.count()); b++) {
        const button = steps.nth(i).getByRole('button', { name: /^(Run|Open in the editor)$/ }).nth(b);
        const label = await button.innerText();
        await button.scrollIntoViewIfNeeded();
        await button.click();
        if (label === 'Open in the editor') {
          await expect(page.getByRole('textbox', { name: 'Manifest' })).toBeVisible();
          await page.getByRole('button', { name: 'Apply' }).click();
          await expect(page.locator('#editor-messages')).toContainText(/created|configured|unchanged/);
          await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Lessons' }).click();
          await expect(page.locator('.lesson-step').nth(i)).toBeVisible();
        }
      }
      const checks = page.locator('.lesson-step').nth(i).locator('[data-check]');
      for (let k = 0; k < (await checks.count()); k++) {
        await expect(checks.nth(k), `${href}, step "${title}": ${await checks.nth(k).innerText()}`)
          .toHaveAttribute('data-state', 'passed', { timeout: 60_000 });
      }
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
