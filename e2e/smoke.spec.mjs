// Smoke test: the release build loads, without console errors and without any
// request leaving 127.0.0.1 (the app must be fully self-contained).
import { test, expect } from '@playwright/test';

const LOCAL_HOSTS = new Set(['127.0.0.1']);

function isExternal(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return true;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return false;
  return !LOCAL_HOSTS.has(u.hostname);
}

test('page loads with a body, no console errors, no external or failed requests', async ({ page }) => {
  const consoleErrors = [];
  const pageErrors = [];
  const externalRequests = [];
  const failedRequests = [];
  const badResponses = [];

  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('request', (req) => {
    if (isExternal(req.url())) externalRequests.push(req.url());
  });
  page.on('requestfailed', (req) => {
    failedRequests.push(`${req.url()} (${req.failure()?.errorText ?? 'failed'})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) badResponses.push(`${res.status()} ${res.url()}`);
  });

  const response = await page.goto('/', { waitUntil: 'load' });
  expect(response?.ok(), 'index.html is served').toBeTruthy();
  await page.waitForLoadState('networkidle');

  await expect(page.locator('body')).toHaveCount(1);
  expect(await page.evaluate(() => document.body !== null)).toBe(true);

  expect(pageErrors, 'uncaught page errors').toEqual([]);
  expect(consoleErrors, 'console errors').toEqual([]);
  expect(externalRequests, 'requests to hosts other than 127.0.0.1').toEqual([]);
  expect(failedRequests, 'failed requests').toEqual([]);
  expect(badResponses, 'HTTP error responses').toEqual([]);
});
