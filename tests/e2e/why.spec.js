// Why an object waits, in the view: a waiting pod, claim and replica not created yet each carry
// a compact reason on their card, and on keyboard focus or hover the whole explanation (the
// line's aria-describedby), word for word what the terminal's `why` prints. `why` completes
// with Tab. Session → Script for kind downloads the session as a bash script.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { audit, expectTerminal, open, pod, run, terminalText, watchErrors } from './helpers.js';

// kubernetes.io's web.yaml, its claims asking for a StorageClass that does not exist.
const MISSING_CLASS = `apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      storageClassName: fast
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

/** What the terminal printed for `line` (the text after its echo). */
async function printed(page, line) {
  const text = await terminalText(page);
  const at = text.lastIndexOf(`$ ${line}\n`);
  expect(at, `${line} was echoed`).toBeGreaterThanOrEqual(0);
  return text.slice(at + line.length + 3);
}

test('a waiting pod says why on focus and hover, as the terminal does', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);
  await page.getByRole('textbox', { name: 'Manifest' }).fill(MISSING_CLASS);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#editor-messages')).toContainText('statefulset.apps/web created');

  // web-0 is Pending: its card says why in one line, and the line is described by the whole.
  const card = pod(page, 'web-0');
  await expect(card).toHaveAttribute('data-status', 'Pending', { timeout: 20_000 });
  const line = card.locator('.why-line');
  await expect(line).toContainText('Pending: the scheduler cannot place it');
  await expect(line).toHaveAttribute('aria-describedby', 'why-pod-web-0');
  const tip = page.locator('#why-pod-web-0');
  await expect(tip).toHaveAttribute('role', 'tooltip');
  await expect(tip).toBeHidden();
  await line.focus();
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('persistentvolumeclaim/www-web-0 waits: Pending: its StorageClass fast does not exist');
  const shown = await tip.innerText();
  expect(shown.startsWith('pod/web-0 waits: Pending: the scheduler cannot place it\n')).toBe(true);
  await audit(page, 'a why tooltip open');

  // The same text as the terminal's `why pod/web-0`.
  await run(page, 'why pod/web-0');
  await expectTerminal(page, 'pod/web-0 waits: Pending');
  expect((await printed(page, 'why pod/web-0')).startsWith(shown.trimEnd() + '\n')).toBe(true);

  // The claim on hover; web-1, not created yet, by the controller's rule.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await expect(tip).toBeHidden();
  const claimTip = page.locator('#why-pvc-www-web-0');
  await page.locator('[aria-describedby="why-pvc-www-web-0"]').hover();
  await expect(claimTip).toBeVisible();
  await expect(claimTip).toContainText('persistentvolumeclaim/www-web-0 waits: Pending: its StorageClass fast does not exist');
  await expect(page.locator('[aria-describedby="why-pod-web-1"]')).toContainText('not created yet');

  // The class appears: everything becomes Ready and no card explains anything any more.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await page.getByRole('textbox', { name: 'Manifest' }).fill(
    'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n',
  );
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#editor-messages')).toContainText('storageclass.storage.k8s.io/fast created');
  await expect(pod(page, 'web-1')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await expect(page.locator('.why-tip')).toHaveCount(0);
  errs.check();
});

test('why completes with Tab', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);
  await run(page, 'kubectl apply -f https://k8s.io/examples/application/web/web.yaml');
  const term = page.getByRole('textbox', { name: 'Terminal' });
  await term.fill('wh');
  await term.press('Tab');
  await expect(term).toHaveValue('why ');
  await term.pressSequentially('st');
  await term.press('Tab'); // statefulsets/, sts/: both listed
  await expectTerminal(page, 'statefulsets/  sts/');
  await term.pressSequentially('s');
  await term.press('Tab'); // a type goes on with its name: no space after the slash
  await expect(term).toHaveValue('why sts/');
  await term.press('Tab');
  await expect(term).toHaveValue('why sts/web ');
  await term.press('Enter');
  await expectTerminal(page, 'statefulset.apps/web');
  errs.check();
});

test('Session → Script for kind downloads the session as a bash script', async ({ page }) => {
  const errs = watchErrors(page);
  await open(page);
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await run(page, 'kubectl apply -f https://k8s.io/examples/application/web/web.yaml');
  await expect(pod(page, 'web-1')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await run(page, 'why web-1');
  await page.locator('.session-menu > summary').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Script for kind' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('ordinal-session.sh');
  const text = readFileSync(await download.path(), 'utf8');
  expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
  expect(text).toContain('\nkind create cluster --config kind-config.yaml --image kindest/node:v1.33.1\n');
  expect(text).toContain('\nkubectl apply -f https://k8s.io/examples/application/web/web.yaml\n');
  expect(text).toContain('\nkubectl rollout status statefulset/web --timeout=10m\n');
  expect(text).toContain('\n# why web-1  # the playground');
  await expectTerminal(page, 'Exported this session as ordinal-session.sh');
  errs.check();
});
