// Shared helpers of the browser tests: page-error collection, the axe-core audit, screenshots,
// a recorder of every pod state the page shows, and terminal input.
import { expect } from '@playwright/test';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** Collects console errors, uncaught exceptions and failed requests; `check()` asserts none. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`${res.status()} ${res.url()}`);
  });
  return {
    errors,
    check() {
      expect(errors, 'errors in the page (console, exceptions, failed requests)').toEqual([]);
    },
  };
}

/** axe-core over the whole page: no serious or critical violations. */
export async function audit(page, label) {
  // Colours mid-transition (a scheme switch, a status change) are not the page's colours.
  await settleAnimations(page);
  if (!(await page.evaluate(() => !!window.axe))) {
    await page.addScriptTag({ path: AXE_PATH });
  }
  const results = await page.evaluate(async () => await window.axe.run(document));
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map(
    (v) => `${v.impact}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')})`,
  );
  expect(summary, `serious/critical axe-core violations (${label})`).toEqual([]);
}

/** Waits for running transitions and one-off animations (an entrance, a status chip) to end. */
export async function settleAnimations(page) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => {})),
    ),
  );
}

/** A screenshot in tests/artifacts/ (and, with `alsoTo`, a copy at that path). */
export async function shot(page, name, opts = {}, alsoTo = null) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await settleAnimations(page);
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, ...opts });
  if (alsoTo) await page.screenshot({ path: alsoTo, ...opts });
}

/**
 * Records, before the app starts, every distinct set of pods the page shows: after each DOM
 * change, `{ name: [status, ready, uid] }` of all `[data-pod]` cards, in order. Read it with
 * `podLog(page)`.
 */
export async function recordPods(page) {
  await page.addInitScript(() => {
    window.__podLog = [];
    let last = '';
    const snap = () => {
      const state = {};
      for (const el of document.querySelectorAll('[data-pod]')) {
        state[el.dataset.pod] = [el.dataset.status, el.dataset.ready, el.dataset.uid];
      }
      const key = JSON.stringify(state);
      if (key !== last) {
        last = key;
        window.__podLog.push(state);
      }
    };
    new MutationObserver(snap).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-pod', 'data-status', 'data-ready', 'data-uid'],
    });
  });
}

export async function podLog(page) {
  return page.evaluate(() => window.__podLog);
}

export const pod = (page, name) => page.locator(`[data-pod="${name}"]`);
export const pvc = (page, name) => page.locator(`[data-pvc="${name}"]`);

/** Types a line into the terminal and presses Enter. */
export async function run(page, line) {
  const term = page.getByRole('textbox', { name: 'Terminal' });
  await term.fill(line);
  await term.press('Enter');
  await expect(term).toHaveValue('');
}

/** The terminal's output text. */
export async function terminalText(page) {
  return page.getByRole('log', { name: 'Terminal output' }).innerText();
}

export async function expectTerminal(page, text, timeout = 10_000) {
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText(text, { timeout });
}

/** Opens the app (each test has its own browser context, so storage starts empty). */
export async function open(page) {
  await page.goto('/');
  await expect(page.getByRole('textbox', { name: 'Manifest' })).toBeVisible();
}
