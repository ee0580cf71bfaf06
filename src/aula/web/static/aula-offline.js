// Aula offline: the queue of writes made without a connection, its sync, and the instructor's
// offline search. Loaded by pages (before aula.js) and by the service worker (importScripts),
// so both use one queue and one way to send it. See docs/offline.md.
//
// A queued write is an answer, a slide view or a term review. Each gets an idempotency key
// when queued, the course version it was made for, and the learner's token (the CSRF token,
// which is per learner): the server applies each key once, in order, and refuses writes made
// for another learner or for a course version it no longer has, with a reason.
"use strict";

self.AulaQueue = (() => {
  const DB = "aula-offline";
  const STORE = "queue";
  const SYNC_TAG = "aula-sync";
  const CHANNEL = "aula-sync";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, work) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  function newKey() {
    if (self.crypto?.randomUUID) return self.crypto.randomUUID();
    return Array.from(self.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Queue a write; returns it with its key. `write` holds kind, version, token and its fields.
  async function add(write) {
    const queued = { ...write, key: newKey() };
    await run("readwrite", (store) => store.add(queued));
    return queued;
  }

  const all = () => run("readonly", (store) => store.getAll());
  const size = () => run("readonly", (store) => store.count());

  async function removeAll(seqs) {
    await run("readwrite", (store) => {
      let last = null;
      for (const seq of seqs) last = store.delete(seq);
      return last || { result: undefined };
    });
  }

  function announce(message) {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
    channel.close();
  }

  // Send the whole queue, oldest first, BATCH writes per request (a request body is capped at
  // 64 KiB by default); every write that got a result leaves the queue. One sync at a time
  // across tabs and the worker (Web Locks where the browser has them): a second one finds the
  // queue empty, and the server's keys make a repeat harmless anyway.
  const BATCH = 100;

  async function sendBatch(writes, token, syncUrl) {
    const body = JSON.stringify({ writes: writes.map(({ seq, ...write }) => write) });
    const response = await fetch(syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body,
    });
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (response.ok && Array.isArray(data?.results) && data.results.length === writes.length) {
      await removeAll(writes.map((w) => w.seq));
      return data.results;
    }
    const reason = data?.error?.message || `The server refused the offline queue (${response.status}).`;
    if (response.status >= 500 || response.status === 0) throw new Error(reason);
    // A refused batch would be refused again: drop it, and say why.
    await removeAll(writes.map((w) => w.seq));
    return writes.map((w) => ({ key: w.key, status: "rejected", reason, question_id: w.question_id || null }));
  }

  async function send(sessionUrl, syncUrl) {
    if (!(await size())) return null;
    const session = await fetch(sessionUrl, { credentials: "same-origin", cache: "no-store" });
    if (!session.ok) throw new Error(`session: ${session.status}`);
    const { csrf_token: token } = await session.json();
    const results = [];
    for (let round = 0; round < 1000; round++) {
      const writes = (await all()).slice(0, BATCH);
      if (!writes.length) break;
      results.push(...(await sendBatch(writes, token, syncUrl)));
    }
    if (!results.length) return null;
    const message = { type: "synced", results };
    announce(message);
    return message;
  }

  function sync(sessionUrl, syncUrl) {
    if (self.navigator?.locks) return self.navigator.locks.request(SYNC_TAG, () => send(sessionUrl, syncUrl));
    return send(sessionUrl, syncUrl);
  }

  // The instructor offline: BM25 over the index the server exported (aula.instructor.browserindex),
  // with the same tokenizer.
  const STOP = new Set(`a an and are as at be by can do does for from how i in is it its me my of on or so
    that the this to was what when where which who why will with you your
    el la los las un una unos unas y o de del en que es por para con se su sus como al lo
    mi me te tu que como cual`.split(/\s+/));
  const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

  function tokens(text) {
    const out = [];
    for (const word of fold(text).match(/[a-z0-9]+/g) || []) {
      if (word.length < 2 || STOP.has(word)) continue;
      out.push(word.length > 4 && word.endsWith("s") ? word.slice(0, -1) : word);
    }
    return out;
  }

  function search(index, question, limit = 3) {
    const docs = index.documents;
    const scores = new Map();
    for (const word of new Set(tokens(question))) {
      const posting = index.postings[word];
      if (!posting) continue;
      const idf = Math.log(1 + (docs.length - posting.length + 0.5) / (posting.length + 0.5));
      for (const [n, count] of posting) {
        const norm = 1 - index.b + (index.b * docs[n].length) / index.average_length;
        scores.set(n, (scores.get(n) || 0) + (idf * count * (index.k1 + 1)) / (count + index.k1 * norm));
      }
    }
    const ranked = [...scores.keys()].sort((x, y) => scores.get(y) - scores.get(x) || x - y);
    const seen = new Set();
    const out = [];
    for (const n of ranked) {
      if (seen.has(docs[n].url)) continue;
      seen.add(docs[n].url);
      out.push({ ...docs[n], score: scores.get(n) });
      if (out.length === limit) break;
    }
    return out;
  }

  return { SYNC_TAG, CHANNEL, add, all, size, sync, search, tokens };
})();
