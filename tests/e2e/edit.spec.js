// kubectl edit in the browser: the Manifest panel is kubectl's editor. The command opens the
// object's buffer there (kubectl's header comment and all) while the terminal shows it still
// running; Save sends it (statefulset.apps/web edited, and the set scales), Cancel is the editor
// quitting without saving, a refused save reopens the buffer with the server's causes on top,
// and the user's web.yaml comes back untouched after every one of them.
import { test, expect } from '@playwright/test';
import { audit, expectTerminal, open, pod, run, shot, terminalText, watchErrors } from './helpers.js';

test.describe.configure({ timeout: 90_000 });

const manifest = (page) => page.getByRole('textbox', { name: 'Manifest' });
const buffer = (page) => page.getByRole('textbox', { name: 'kubectl edit buffer' });

/** The k8s.io example applied at 100x speed; returns web.yaml's text as the user left it. */
async function applyWeb(page) {
  await page.getByRole('combobox', { name: 'Examples' }).selectOption({ label: 'k8s.io: web.yaml' });
  await manifest(page).fill((await manifest(page).inputValue()) + '# my note\n');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#editor-messages')).toContainText('statefulset.apps/web created');
  await expect(page.locator('.ready-count')).toHaveText('2/2', { timeout: 30_000 });
  return manifest(page).inputValue();
}

test('kubectl edit: change the replicas, save, and the set scales', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);
  const mine = await applyWeb(page);

  await run(page, 'kubectl edit sts web');
  await expect(buffer(page)).toHaveValue(/^# Please edit the object below\. Lines beginning with a '#' will be ignored,\n/);
  await expect(buffer(page)).toHaveValue(/\nkind: StatefulSet\n/);
  await expect(buffer(page)).toBeFocused();
  // The command is still running: the terminal says what it waits for.
  await expect(page.locator('#terminal-state')).toContainText('kubectl edit is waiting for its editor');
  await expect(page.getByRole('button', { name: 'Apply' })).toHaveCount(0);
  await audit(page, 'kubectl edit open');
  await shot(page, 'edit-open');

  const text = await buffer(page).inputValue();
  await buffer(page).fill(text.replace(/\n {2}replicas: 2\n/, '\n  replicas: 3\n'));
  await page.getByRole('button', { name: 'Save' }).click();
  await expectTerminal(page, '$ kubectl edit sts web\nstatefulset.apps/web edited');
  await expect(page.locator('#terminal-state')).toHaveCount(0);
  // The user's manifest is back, as it was.
  await expect(manifest(page)).toHaveValue(mine);
  await expect(pod(page, 'web-2')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await expect(page.locator('.ready-count')).toHaveText('3/3');
  errs.check();
});

test('kubectl edit: Cancel, Ctrl+S, and a refused save reopened then given up', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);
  const mine = await applyWeb(page);

  // Cancel: the editor quit without saving.
  await run(page, 'kubectl edit sts web');
  await expect(buffer(page)).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expectTerminal(page, '$ kubectl edit sts web\nEdit cancelled, no changes made.');
  await expect(manifest(page)).toHaveValue(mine);

  // A refused change (Ctrl+S saves): the buffer reopens with the server's causes on top.
  await run(page, 'kubectl edit sts web');
  const text = await buffer(page).inputValue();
  await buffer(page).fill(text.replace(/\n {2}replicas: 2\n/, '\n  replicas: -1\n'));
  await buffer(page).press('Control+s');
  await expectTerminal(page, 'error: statefulsets.apps "web" is invalid');
  await expect(buffer(page)).toHaveValue(
    /#\n# statefulsets\.apps "web" was not valid:\n# \* spec\.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n/,
  );
  await expect(page.locator('#terminal-state')).toContainText('kubectl edit is waiting');
  // Closing it unchanged gives up, and says where the changes were kept.
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expectTerminal(page, 'error: Edit cancelled, no valid changes were saved.');
  expect(await terminalText(page)).toMatch(/A copy of your changes has been stored to "\/tmp\/kubectl-edit-\d+\.yaml"/);
  await expect(manifest(page)).toHaveValue(mine);
  await expect(page.locator('.ready-count')).toHaveText('2/2');
  errs.check();
});
