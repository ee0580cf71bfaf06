// Aula's service worker (served from /sw.js, scope /). `AULA`, on the line above this comment,
// holds the course version and this server's addresses; a new course version changes this
// file, so the browser installs a new worker, which deletes the old version's caches when it
// takes over. Hand-written (about a hundred lines) rather than Workbox: see docs/offline.md.
//
// - Static assets (content-hashed URLs): cache first.
// - Pages and JSON twins: network first; offline, the copy kept when the lesson was opened.
// - Writes never go through the cache: the page queues them offline (aula-offline.js) and
//   this worker sends the queue on Background Sync, where the browser has it.
"use strict";

importScripts(AULA.queueScript);

const CACHE = `aula-${AULA.version}`;
const FRAGMENT_HEADER = "X-Aula-Fragment";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(AULA.shell);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("aula-") && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

// A copy that is not marked as redirected, so it may answer a navigation.
async function plain(response) {
  if (!response.redirected) return response;
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function keep(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) return false;
  const cache = await caches.open(CACHE);
  await cache.put(url, await plain(response));
  return true;
}

// The page asks for its lesson to be kept: fetch every address of the lesson's pack.
async function cacheLesson(packUrl, client) {
  const response = await fetch(packUrl, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) return;
  const pack = await response.json();
  if (pack.version !== AULA.version) return; // the server has a newer course: a new worker comes
  // Only what is not kept yet: pages already kept are refreshed whenever they are visited.
  const cache = await caches.open(CACHE);
  const missing = [];
  for (const url of pack.urls) if (!(await cache.match(url, { ignoreVary: true }))) missing.push(url);
  // Two at a time: keeping a lesson must not crowd out what the learner is doing meanwhile.
  let fetched = 0;
  const queue = [...missing];
  const worker = async () => {
    while (queue.length) if (await keep(queue.shift()).catch(() => false)) fetched += 1;
  };
  await Promise.all([worker(), worker()]);
  client?.postMessage({ type: "cached", lesson: pack.lesson, version: pack.version, fetched, missing: missing.length });
}

self.addEventListener("message", (event) => {
  if (event.data?.type === "cache-lesson") event.waitUntil(cacheLesson(event.data.url, event.source));
});

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request, { ignoreVary: true })) || (await cache.match(request, { ignoreVary: true, ignoreSearch: true }));
}

async function cacheFirst(request) {
  const hit = await fromCache(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).searchParams.has("v")) (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    const cache = await caches.open(CACHE);
    // Refresh what was kept, so the offline copy is the latest seen (never add new entries:
    // pages with one-off query strings would pile up).
    if (response.ok && (await cache.match(request, { ignoreVary: true }))) await cache.put(request, (await plain(response.clone())));
    return response;
  } catch (error) {
    const hit = await fromCache(request);
    if (hit) return hit;
    if (request.mode === "navigate") {
      const home = await fromCache(new Request(AULA.offlinePage));
      if (home) return home;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === self.location.pathname) return;
  if (request.headers.has(FRAGMENT_HEADER)) return; // a fragment to swap in: the network or nothing
  event.respondWith(url.pathname.startsWith(AULA.staticPrefix) ? cacheFirst(request) : networkFirst(request));
});

self.addEventListener("sync", (event) => {
  if (event.tag === AulaQueue.SYNC_TAG) event.waitUntil(AulaQueue.sync(AULA.sessionUrl, AULA.syncUrl));
});
