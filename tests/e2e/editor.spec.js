// The manifest editor: the buffer survives a reload (and unreadable storage falls back to the
// example), YAML and API errors are marked at their line with kubectl's text, the examples menu
// loads each example, and Apply reports created/configured/unchanged as kubectl does.
import { test, expect } from '@playwright/test';
import { audit, expectTerminal, open, shot, watchErrors } from './helpers.js';

const manifest = (page) => page.getByRole('textbox', { name: 'Manifest' });
const errorLines = (page) => page.locator('.gutter .ln.err');

test('the editor buffer survives a reload', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);
  await expect(manifest(page)).toHaveValue(/registry-secret-aliyun/);
  const text = '# my notes\napiVersion: v1\nkind: Service\nmetadata:\n  name: kept\nspec:\n  ports:\n  - port: 80\n';
  await manifest(page).fill(text);
  await page.reload();
  await expect(manifest(page)).toHaveValue(text);
  // The highlighted copy shows the same lines, numbered.
  await expect(page.locator('.gutter .ln')).toHaveCount(text.split('\n').length);
  await expect(page.locator('.hl .line').first()).toHaveText('# my notes');
  errs.check();
});

test('unreadable storage falls back to the lesson example', async ({ page }) => {
  const errs = watchErrors(page);
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('ordinal.editor.v1', '{"version":1,"text":'); // truncated JSON
    }
  });
  await page.goto('/');
  await expect(manifest(page)).toHaveValue(/registry-secret-aliyun/);
  await expect(page.locator('#editor-messages')).toContainText('could not be read');
  // A value of the wrong shape is just as unreadable.
  await page.evaluate(() => localStorage.setItem('ordinal.editor.v1', '{"version":1,"text":42}'));
  await page.reload();
  await expect(manifest(page)).toHaveValue(/registry-secret-aliyun/);
  errs.check();
});

test('YAML and API errors are shown at their line', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);

  // A YAML error is marked while typing, and Apply reports kubectl's message.
  await manifest(page).fill('apiVersion: v1\nkind: Service\nmetadata:\n  name: x: y\n');
  await expect(errorLines(page)).toHaveText(['4']);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#editor-messages')).toContainText(
    'error: error parsing web.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context',
  );
  await expect(manifest(page)).toHaveAttribute('aria-invalid', 'true');
  await audit(page, 'YAML error');

  // API errors: each at the field the API server names, in the object it names.
  const bad = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: svc',
    'spec:',
    '  ports:',
    '  - name: web',
    '    port: 99999',
    '---',
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata:',
    '  name: web',
    'spec:',
    '  serviceName: svc',
    '  replicas: -1',
    '  selector:',
    '    matchLabels:',
    '      app: web',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: web',
    '    spec:',
    '      containers:',
    '      - name: nginx',
    '        image: registry.k8s.io/nginx-slim:0.21',
    '',
  ].join('\n');
  await manifest(page).fill(bad);
  await expect(errorLines(page)).toHaveCount(0);
  await page.getByRole('button', { name: 'Apply' }).click();
  const messages = page.locator('#editor-messages');
  await expect(messages).toContainText(
    // Two failures in one apply: kubectl prints each with its "error when creating" context.
    'Error from server (Invalid): error when creating "web.yaml": Service "svc" is invalid: spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive',
  );
  await expect(messages).toContainText(
    'Error from server (Invalid): error when creating "web.yaml": StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  );
  await expect(errorLines(page)).toHaveText(['8', '16']);
  await expect(page.locator('.hl .line.err')).toHaveText(['    port: 99999', '  replicas: -1']);
  await shot(page, 'editor-api-errors');
  await audit(page, 'API errors');

  // "Line 16" puts the caret on that line.
  await page.getByRole('button', { name: 'Line 16' }).click();
  await expect(manifest(page)).toBeFocused();
  const caretLine = await manifest(page).evaluate((el) => el.value.slice(0, el.selectionStart).split('\n').length);
  expect(caretLine).toBe(16);

  // Fixing the value applies; the Service's error alone is left (nothing was created for it).
  await manifest(page).fill(bad.replace('replicas: -1', 'replicas: 1').replace('port: 99999', 'port: 80'));
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(messages).toContainText('service/svc created');
  await expect(messages).toContainText('statefulset.apps/web created');
  await expect(errorLines(page)).toHaveCount(0);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(messages).toContainText('service/svc unchanged');
  await expect(messages).toContainText('statefulset.apps/web unchanged');
  await expectTerminal(page, 'kubectl apply -f web.yaml');
  errs.check();
});

test('the examples menu loads kubernetes.io web.yaml and web-parallel.yaml', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);
  const examples = page.getByRole('combobox', { name: 'Examples' });
  await examples.selectOption({ label: 'k8s.io: web.yaml' });
  await expect(manifest(page)).toHaveValue(/image: registry\.k8s\.io\/nginx-slim/);
  await expect(manifest(page)).not.toHaveValue(/imagePullSecrets/);
  await examples.selectOption({ label: 'k8s.io: web-parallel.yaml' });
  await expect(manifest(page)).toHaveValue(/podManagementPolicy: "Parallel"/);
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await page.getByRole('button', { name: 'Apply' }).click();
  const set = page.locator('[data-statefulset="web"]');
  await expect(set).toContainText('Parallel');
  await expect(page.locator('[data-pod="web-1"]')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await examples.selectOption({ label: 'Lesson: web.yaml' });
  await expect(manifest(page)).toHaveValue(/registry-secret-aliyun/);
  errs.check();
});
