// serialtrack's service worker: keeps the app shell (HTML, JS, WebAssembly, CSS) so the app opens offline.
// Data never comes from here: the app reads it from IndexedDB. API calls always go to the network.
const SHELL_CACHE = 'serialtrack-shell-v1';

// On install, fetch the page and every asset it names (Trunk gives them hashed names), so the shell is complete
// even though the first page load happened before this worker was in control.
self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    const response = await fetch('/', { cache: 'no-store' });
    const html = await response.clone().text();
    await cache.put('/', response);
    const assets = [...html.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((match) => match[1]);
    await cache.addAll([...new Set(assets)]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  // Administration is online only and a bundle of its own: neither its page nor its assets are the shell.
  if (url.pathname.startsWith('/admin/')) return;
  if (request.mode === 'navigate') {
    // Pages: the network first (a new release), the cached shell when offline.
    event.respondWith((async () => {
      try {
        const response = await fetch(request);
        if (response.ok) (await caches.open(SHELL_CACHE)).put('/', response.clone());
        return response;
      } catch {
        return (await caches.match('/')) ?? Response.error();
      }
    })());
    return;
  }
  // Hashed assets never change: the cache first, then the network (and keep what it gives).
  event.respondWith((async () => {
    const cached = await caches.match(request);
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok) (await caches.open(SHELL_CACHE)).put(request, response.clone());
    return response;
  })());
});
