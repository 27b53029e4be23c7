// The StatefulSet lesson, done through the UI as a learner would: the lesson's web.yaml, the
// private image failing until the registry secret exists, ordered start, a file on each pod's
// volume, scaling up and down with the slider, a pod deleted from its card coming back to the
// same claim, and DNS from a busybox pod. Pod order is checked over every state the page showed
// (a MutationObserver records them), at 100x speed, with polling waits only.
import { test, expect } from '@playwright/test';
import { audit, expectTerminal, open, pod, podLog, pvc, recordPods, run, shot, watchErrors } from './helpers.js';

test.describe.configure({ timeout: 120_000 });

/** Names of the pods in one recorded state. */
const names = (state) => Object.keys(state);
const isReady = (state, name) => state[name] && state[name][0] === 'Running' && state[name][1] === '1/1';

test('the StatefulSet lesson through the UI', async ({ page }) => {
  const errs = watchErrors(page);
  await recordPods(page);
  await open(page);
  await audit(page, 'first load');

  // The lesson's manifest, chosen from the examples menu.
  await page.getByRole('combobox', { name: 'Examples' }).selectOption({ label: 'Lesson: web.yaml' });
  const manifest = page.getByRole('textbox', { name: 'Manifest' });
  await expect(manifest).toHaveValue(/imagePullSecrets:\n\s+- name: registry-secret-aliyun/);
  await expect(manifest).toHaveValue(/registry\.cn-hangzhou\.aliyuncs\.com\/larswang\/nginx:1\.0/);

  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#editor-messages')).toContainText('service/nginx created');
  await expect(page.locator('#editor-messages')).toContainText('statefulset.apps/web created');

  // No secret yet: the private image cannot be pulled, and web-1 is not created.
  await expect(pod(page, 'web-0')).toHaveAttribute('data-status', 'ImagePullBackOff', { timeout: 20_000 });
  await expect(pod(page, 'web-0')).toHaveAttribute('data-ready', '0/1');
  await expect(page.locator('.waiting')).toContainText('web-1 waits: web-0 is not Running and Ready yet');
  await expect(pod(page, 'web-1')).toHaveCount(0);
  await shot(page, 'tutorial-1-image-pull-backoff');
  await audit(page, 'ImagePullBackOff');

  await run(
    page,
    'kubectl create secret docker-registry registry-secret-aliyun --docker-server=registry.cn-hangzhou.aliyuncs.com --docker-username=xxx@xx.com --docker-password=xxxx',
  );
  await expectTerminal(page, 'secret/registry-secret-aliyun created');

  // Ordered start: web-0 Running and Ready, then web-1.
  await expect(pod(page, 'web-0')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await expect(pod(page, 'web-1')).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await expect(pod(page, 'web-1')).toHaveAttribute('data-status', 'Running');
  let log = await podLog(page);
  const firstWithWeb1 = log.findIndex((s) => 'web-1' in s);
  expect(firstWithWeb1, 'web-1 appeared').toBeGreaterThan(0);
  expect(log.slice(0, firstWithWeb1).some((s) => 'web-0' in s), 'web-0 existed before web-1').toBe(true);
  for (const state of log.filter((s) => 'web-1' in s)) {
    expect(isReady(state, 'web-0'), `web-0 Running and Ready whenever web-1 exists: ${JSON.stringify(state)}`).toBe(true);
  }
  await expect(pvc(page, 'www-web-0')).toHaveAttribute('data-status', 'Bound');
  await expect(pvc(page, 'www-web-1')).toHaveAttribute('data-status', 'Bound');
  await expect(page.locator('.ready-count')).toHaveText('2/2');
  await expect(pod(page, 'web-0')).toContainText('web-0.nginx.default.svc.cluster.local');
  await expect(page.locator('[data-service="nginx"]')).toContainText('web-1.nginx.default.svc.cluster.local');
  await shot(page, 'tutorial-2-ordered-start');
  await audit(page, 'two pods ready');

  // A file on each pod's volume, written from the terminal.
  await run(page, "for i in 0 1; do kubectl exec web-$i -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html'; done");
  for (const i of [0, 1]) {
    const file = page.locator(`.ordinal:has([data-pvc="www-web-${i}"]) [data-file="/index.html"]`);
    await expect(file).toContainText(`web-${i}`);
  }
  // ORDINAL_DOCS_SCREENSHOT=1 refreshes the README's screenshot from this state.
  const docs = process.env.ORDINAL_DOCS_SCREENSHOT ? new URL('../../docs/screenshot.png', import.meta.url).pathname : null;
  await shot(page, 'tutorial-2b-files-on-volumes', {}, docs);

  // Scale up with the slider: 2, 3, 4 in order, each after its predecessor is Ready.
  const slider = page.getByRole('slider', { name: 'Replicas' });
  await slider.fill('5');
  await expectTerminal(page, 'kubectl scale sts web --replicas=5');
  for (const i of [2, 3, 4]) {
    await expect(pod(page, `web-${i}`)).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  }
  await expect(page.locator('.ready-count')).toHaveText('5/5');
  log = await podLog(page);
  const appeared = (name) => log.findIndex((s) => name in s);
  expect(appeared('web-2')).toBeLessThanOrEqual(appeared('web-3'));
  expect(appeared('web-3')).toBeLessThanOrEqual(appeared('web-4'));
  for (const state of log) {
    for (const i of [2, 3, 4]) {
      if (`web-${i}` in state) {
        expect(isReady(state, `web-${i - 1}`), `web-${i - 1} Ready whenever web-${i} exists: ${JSON.stringify(state)}`).toBe(true);
      }
    }
  }
  await shot(page, 'tutorial-3-scaled-to-5');
  await audit(page, 'five pods');

  // Scale down: 4, then 3, then 2 go; all five claims stay.
  const before = (await podLog(page)).length;
  await slider.fill('2');
  await expectTerminal(page, 'kubectl scale sts web --replicas=2');
  for (const i of [4, 3, 2]) {
    await expect(pod(page, `web-${i}`)).toHaveCount(0, { timeout: 30_000 });
  }
  log = (await podLog(page)).slice(before);
  const lastSeen = (name) => log.findLastIndex((s) => name in s);
  expect(lastSeen('web-4')).toBeLessThanOrEqual(lastSeen('web-3'));
  expect(lastSeen('web-3')).toBeLessThanOrEqual(lastSeen('web-2'));
  for (const state of log) {
    for (const i of [2, 3]) {
      const leaving = !(`web-${i}` in state) || state[`web-${i}`][0] === 'Terminating';
      if (leaving) {
        expect(`web-${i + 1}` in state, `web-${i + 1} gone before web-${i} goes: ${JSON.stringify(state)}`).toBe(false);
      }
    }
  }
  expect(names(log.at(-1)).sort()).toEqual(['web-0', 'web-1']);
  await expect(page.locator('[data-pvc]')).toHaveCount(5);
  for (const i of [0, 1, 2, 3, 4]) {
    await expect(pvc(page, `www-web-${i}`)).toHaveAttribute('data-status', 'Bound');
  }
  await expect(page.locator('.ordinal.unwanted')).toHaveCount(3);
  await shot(page, 'tutorial-4-scaled-to-2-claims-kept');
  await audit(page, 'scaled down, claims kept');

  // Delete web-0 from its card: a new pod with the same name comes back to the same claim.
  const web0 = pod(page, 'web-0');
  const oldUid = await web0.getAttribute('data-uid');
  const row0 = page.locator('.ordinal:has([data-pvc="www-web-0"])');
  const pvName = await row0.locator('[data-pv]').getAttribute('data-pv');
  await page.getByRole('button', { name: 'Delete pod web-0' }).click();
  await expectTerminal(page, 'pod "web-0" deleted');
  await expect(web0).not.toHaveAttribute('data-uid', oldUid, { timeout: 30_000 });
  await expect(web0).toHaveAttribute('data-ready', '1/1', { timeout: 30_000 });
  await expect(web0).toHaveAttribute('data-status', 'Running');
  await expect(row0.locator('[data-pv]')).toHaveAttribute('data-pv', pvName);
  await expect(row0.locator('[data-file="/index.html"]')).toContainText('web-0');
  await run(page, 'kubectl exec web-1 -- curl -s http://web-0.nginx');
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText(
    /\$ kubectl exec web-1 -- curl -s http:\/\/web-0\.nginx\nweb-0\n/,
  );
  await shot(page, 'tutorial-5-web-0-recreated');
  await audit(page, 'web-0 recreated');

  // DNS from a busybox pod, in an attached shell.
  await run(page, 'kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm');
  await expect(page.locator('#terminal-prompt')).toHaveText('/ #', { timeout: 30_000 });
  await expect(pod(page, 'dns-test')).toHaveAttribute('data-status', 'Running');
  await run(page, 'nslookup web-0.nginx');
  await expectTerminal(page, 'Name:      web-0.nginx');
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText(
    /Address 1: 10\.244\.\d+\.\d+ web-0\.nginx\.default\.svc\.cluster\.local/,
  );
  await shot(page, 'tutorial-6-nslookup');
  await audit(page, 'attached shell');
  await run(page, 'exit');
  await expectTerminal(page, 'pod "dns-test" deleted');
  await expect(page.locator('#terminal-prompt')).toHaveText('$');
  await expect(pod(page, 'dns-test')).toHaveCount(0, { timeout: 30_000 });

  errs.check();
});
