// Berth's service worker: after the first visit the app works offline.
//
// Release builds only. scripts/offline.py (a Trunk post-build hook, run by scripts/csp.py) fills
// in the two placeholders below with the build's files and a hash of their contents, and adds
// the small script to index.html that registers this worker. Debug builds (`make serve`,
// `trunk serve` with its live reload) keep the placeholders and never register it.
//
// - install: cache index.html and every hashed asset (JS, Wasm, CSS) of this build;
// - activate: delete the caches of older builds;
// - navigations: network first (a new deploy is picked up at once), the cached index.html when
//   the network fails;
// - the hashed assets: cache first (their names change whenever their content does).
// Every URL is relative to this file, so the app works from any sub-path (e.g. /berth/).
'use strict';

const VERSION = '__BERTH_VERSION__';
const PRECACHE = /* __BERTH_PRECACHE__ */ [];
const CACHE = 'berth-' + VERSION;
const INDEX = new URL('./index.html', self.location).href;
const ASSETS = new Set(PRECACHE.map((p) => new URL(p, self.location).href));

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // `reload`: never fill the cache from the browser's HTTP cache.
      .then((cache) => cache.addAll(PRECACHE.map((p) => new Request(new URL(p, self.location), { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('berth-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      fetch(req).catch(() =>
        caches.match(INDEX, { cacheName: CACHE }).then((hit) => hit || Response.error()),
      ),
    );
    return;
  }
  url.search = '';
  url.hash = '';
  if (!ASSETS.has(url.href)) return;
  event.respondWith(caches.match(url.href, { cacheName: CACHE }).then((hit) => hit || fetch(req)));
});
