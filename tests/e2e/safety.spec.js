// Browser safety: the built page carries a Content-Security-Policy and breaks none of it, makes no
// request beyond its own origin, and shows markup that users type (terminal lines, file contents)
// as text: no script runs.
import { test, expect } from '@playwright/test';
import { run, watchErrors } from './helpers.js';

test.use({ bypassCSP: false });

test('a strict CSP, no foreign requests, and user markup shown as text', async ({ page, baseURL }) => {
  const errs = watchErrors(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    errs.errors.push(`a dialog opened: ${d.message()}`);
    d.dismiss();
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto('/');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(await page.locator('script:not([src])').count(), 'inline scripts').toBe(0);

  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await run(page, 'kubectl apply -f https://k8s.io/examples/application/web/web.yaml');
  await expect(page.locator('[data-pod="web-0"]')).toHaveAttribute('data-ready', '1/1', { timeout: 20_000 });
  const markup = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  await run(page, `echo '${markup}'`);
  await run(page, `kubectl exec web-0 -- sh -c 'echo "${markup.replaceAll('"', '\\"')}" > /usr/share/nginx/html/index.html'`);
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText(markup);
  await expect(page.locator('[data-file="/index.html"]').first()).toContainText('<img src=x');
  await page.goto('/#/lessons/basics');
  await page.getByRole('button', { name: 'Run' }).first().click();

  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  const origin = new URL(baseURL).origin;
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
  expect(foreign, 'requests beyond the app’s own files').toEqual([]);
  errs.check();
});

test('an endless loop or watch never freezes the page', async ({ page }) => {
  const errs = watchErrors(page);
  await page.goto('/');
  const started = Date.now();
  await run(page, 'while true; do echo x; done');
  const log = page.getByRole('log', { name: 'Terminal output' });
  await expect(log).toContainText('stopped after 100000 steps');
  expect(Date.now() - started, 'ms for the loop to be stopped').toBeLessThan(10_000);
  // A watch runs as time passes, a frame at a time: the page keeps answering, and Ctrl-C stops it.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1000');
  await run(page, 'kubectl get events -w');
  await page.waitForTimeout(1000);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Terminal' }).press('Control+c');
  await expect(page.locator('#terminal-state', { hasText: 'Ctrl-C' })).toHaveCount(0);
  errs.check();
});
