// Keyboard only: Tab reaches Apply and the slider, Enter applies, arrow keys scale, the terminal
// takes typing, history (↑/↓), Tab completion and Ctrl-C; the time controls work from the keys.
import { test, expect } from '@playwright/test';
import { audit, expectTerminal, open, watchErrors } from './helpers.js';

/** Presses Tab until `locator` has focus. */
async function tabTo(page, locator, max = 120) {
  for (let i = 0; i < max; i++) {
    if (await locator.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${locator}`);
}

test('keyboard alone: Apply, the slider, the terminal', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });

  // Speed from the keyboard.
  const speed = page.getByRole('combobox', { name: 'Speed' });
  await tabTo(page, speed);
  await page.keyboard.press('End');
  await expect(speed).not.toHaveValue('1');
  await speed.selectOption('100');

  // Examples and Apply.
  await tabTo(page, page.getByRole('combobox', { name: 'Examples' }));
  // The menu shows the lesson's example (the buffer); the next one is kubernetes.io's web.yaml.
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('textbox', { name: 'Manifest' })).toHaveValue(/nginx-slim/);
  await tabTo(page, page.getByRole('button', { name: 'Apply' }));
  await page.keyboard.press('Enter');
  await expect(page.locator('#editor-messages')).toContainText('statefulset.apps/web created');
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });

  // Ctrl+Enter in the editor applies too. A set with volumeClaimTemplates is "configured" on every
  // re-apply, as kubectl v1.33 reports it (the server defaults the templates' claims).
  await tabTo(page, page.getByRole('textbox', { name: 'Manifest' }));
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('#editor-messages')).toContainText('statefulset.apps/web configured');

  // The slider: one arrow key is one `kubectl scale`.
  const slider = page.getByRole('slider', { name: 'Replicas' });
  await tabTo(page, slider);
  await page.keyboard.press('ArrowRight');
  await expectTerminal(page, 'kubectl scale sts web --replicas=3');
  await expect(page.locator('[data-pod="web-2"]')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await page.keyboard.press('ArrowLeft');
  await expectTerminal(page, 'kubectl scale sts web --replicas=2');
  await expect(page.locator('[data-pod="web-2"]')).toHaveCount(0, { timeout: 30_000 });

  // The terminal: typing, Tab completion, history, Ctrl-C.
  const term = page.getByRole('textbox', { name: 'Terminal' });
  await tabTo(page, term);
  await page.keyboard.type('kubectl get sts');
  await page.keyboard.press('Enter');
  await expectTerminal(page, 'NAME   READY   AGE');
  await expectTerminal(page, /web\s+2\/2\s+\d/);

  await page.keyboard.type('kubectl ge');
  await page.keyboard.press('Tab');
  await expect(term).toHaveValue('kubectl get ');
  await page.keyboard.type('po');
  await page.keyboard.press('Tab'); // po, pods: both listed
  await expectTerminal(page, 'po  pods');
  await page.keyboard.type('ds w');
  await page.keyboard.press('Tab'); // web-0, web-1: common prefix
  await expect(term).toHaveValue('kubectl get pods web-');
  await page.keyboard.type('1');
  await page.keyboard.press('Enter');
  await expectTerminal(page, /web-1\s+1\/1\s+Running/);

  await page.keyboard.press('ArrowUp');
  await expect(term).toHaveValue('kubectl get pods web-1');
  await page.keyboard.press('ArrowUp');
  await expect(term).toHaveValue('kubectl get sts');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(term).toHaveValue('');

  await page.keyboard.type('kubectl get pods -w');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Stop (Ctrl-C)' })).toBeVisible();
  await expect(term).toBeFocused();
  await page.keyboard.press('Control+C');
  await expectTerminal(page, '^C');
  await expect(page.getByRole('button', { name: 'Stop (Ctrl-C)' })).toHaveCount(0);

  // An empty line lets Tab move on (no keyboard trap), and Shift+Tab comes back.
  await expect(term).toHaveValue('');
  await page.keyboard.press('Tab');
  await expect(term).not.toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(term).toBeFocused();

  // Pause and Step from the keyboard.
  await tabTo(page, page.getByRole('button', { name: 'Pause' }));
  await page.keyboard.press('Enter');
  const resume = page.getByRole('button', { name: 'Resume' });
  await expect(resume).toBeFocused();
  const clock = page.getByLabel('Simulated time', { exact: true });
  const t0 = await clock.textContent();
  // Paused: 30 display frames (half a second, 50 simulated seconds at 100x) leave the clock alone.
  await page.evaluate(
    () =>
      new Promise((done) => {
        let n = 0;
        const frame = () => (++n >= 30 ? done() : requestAnimationFrame(frame));
        requestAnimationFrame(frame);
      }),
  );
  await expect(clock).toHaveText(t0);
  await page.getByRole('textbox', { name: 'Terminal' }).fill('kubectl delete pod web-1 --wait=false');
  await page.getByRole('textbox', { name: 'Terminal' }).press('Enter');
  const step = page.getByRole('button', { name: 'Step' });
  await tabTo(page, step);
  for (let i = 0; i < 200; i++) {
    if ((await page.locator('[data-pod="web-1"]').getAttribute('data-ready')) === '1/1') break;
    await page.keyboard.press('Enter');
  }
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-ready', '1/1');
  await audit(page, 'paused');
  errs.check();
});
