// Static hosting from a sub-path, and offline after the first visit (docs/hosting.md).
//
// The release build (E2E_DIST, default dist/) is served by a tiny static server of this test
// under /berth/ only — like GitHub Pages' project sites — so any absolute URL (/foo.js) would
// fail. After the first visit the test stops that server AND puts the browser offline, reloads,
// and the app must still start from the service worker's cache and simulate a deployment.
import { test, expect } from '@playwright/test';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const DIST = path.resolve(process.env.E2E_DIST || 'dist');
const BASE = '/berth/';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serve DIST at /berth/ on 127.0.0.1 (a free port); every request path is recorded. */
async function serveSubPath() {
  const hits = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    hits.push(url.pathname);
    if (url.pathname === '/berth') {
      res.writeHead(301, { Location: BASE });
      return res.end();
    }
    if (!url.pathname.startsWith(BASE)) {
      res.writeHead(404);
      return res.end('not under /berth/');
    }
    let rel = decodeURIComponent(url.pathname.slice(BASE.length)) || 'index.html';
    const file = path.join(DIST, rel);
    if (!file.startsWith(DIST + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      return res.end('not found');
    }
    // Like GitHub Pages: a short max-age on everything, so only the service worker can help
    // once the server is gone.
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'max-age=0' });
    fs.createReadStream(file).pipe(res);
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const close = () =>
    new Promise((resolve) => {
      server.close(resolve);
      for (const s of sockets) s.destroy();
    });
  return { origin, hits, close };
}

const chips = (page) => page.locator('[data-testid=task-chip][data-status=RUNNING]');

test('dist/ runs from a sub-path, then offline from the service worker after one visit', async ({ browser }) => {
  expect(fs.existsSync(path.join(DIST, 'sw.js')), `${DIST}/sw.js (the release build's service worker)`).toBe(true);
  const srv = await serveSubPath();
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  try {
    const page = await context.newPage();
    const requests = [];
    const errors = [];
    context.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    // First visit, online, from the sub-path.
    await page.goto(`${srv.origin}/berth/`);
    await expect(chips(page)).toHaveCount(6);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${srv.origin}/berth/`);
    // The worker took control of this page (clients.claim) and cached the whole build.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names.find((n) => n.startsWith('berth-')));
      return (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
    });
    const built = fs.readdirSync(DIST).filter((f) => f !== 'sw.js' && !f.startsWith('.'));
    expect(cached).toEqual(built.map((f) => `/berth/${f}`).sort());
    expect(cached.some((p) => /\/berth\/berth-web-[0-9a-f]+_bg\.wasm$/.test(p))).toBe(true);
    // Every path the server saw was under /berth/ (relative URLs, no absolute /asset paths).
    expect(srv.hits.filter((p) => !p.startsWith(BASE))).toEqual([]);
    expect(srv.hits).toContain('/berth/sw.js');

    // Offline: the server is gone and the browser has no network.
    await srv.close();
    await context.setOffline(true);
    const before = srv.hits.length;
    await page.reload();
    await expect(chips(page)).toHaveCount(6);
    expect(srv.hits.length).toBe(before);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    // ... and it still works: a new revision is deployed and its tasks start.
    const editor = page.getByTestId('taskdef-editor');
    const original = await editor.inputValue();
    await editor.fill(original.replace('"cpu": 256,', '"cpu": 512,'));
    await page.getByTestId('deploy').click();
    await expect(page.getByTestId('deployed')).toContainText('Registered web:2; service web now runs it.');
    await expect(page.locator('[data-testid=task-chip][data-revision="2"][data-status=RUNNING]')).toHaveCount(6, { timeout: 20_000 });
    await page.screenshot({ path: test.info().outputPath('offline.png') });

    // Nothing ever left the origin (page, worker, preloads).
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((u) => !u.startsWith(`${srv.origin}/`))).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await srv.close();
  }
});
