// Learner text is never HTML, and the release build's Content-Security-Policy blocks inline
// scripts that are not Trunk's own loader.
import { test, expect } from '@playwright/test';

const PAYLOAD = '</textarea><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

test('a task definition full of HTML is shown as text and runs nothing', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await expect(page.getByTestId('task-chip')).toHaveCount(6);
  const editor = page.getByTestId('taskdef-editor');
  const text = (await editor.inputValue()).replace('"family": "web"', `"family": ${JSON.stringify(PAYLOAD)}`);
  await editor.fill(text);
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('diag-error').first()).toBeVisible();
  await expect(editor).toHaveValue(text);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(await page.locator('img[src=x]').count()).toBe(0);
  expect(errors).toEqual([]);
});

test('the Content-Security-Policy is in place and blocks injected inline scripts', async ({ page }) => {
  await page.goto('/');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
  expect(csp).not.toContain('unsafe-inline\' ;');
  await expect(page.getByTestId('task-chip')).toHaveCount(6); // the app itself loads under the policy
  const blocked = await page.evaluate(
    () =>
      new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
        const s = document.createElement('script');
        s.textContent = 'window.__injected = 1';
        document.body.appendChild(s);
        setTimeout(() => resolve('not blocked'), 2000);
      }),
  );
  expect(blocked).toMatch(/^script-src/);
  expect(await page.evaluate(() => window.__injected)).toBeUndefined();
});

test('a 1 MB paste is refused with a clear message, quickly', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('task-chip')).toHaveCount(6);
  const big = '{"family": "' + 'x'.repeat(1024 * 1024) + '"}';
  await page.getByTestId('taskdef-editor').fill(big);
  const started = Date.now();
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('diag-error').first()).toContainText('1 MiB', { timeout: 5000 });
  // Reported, not timed: the budget (200 ms in the issue) is checked in the benchmarks.
  console.log(`1 MB paste answered in ${Date.now() - started} ms`);
});
