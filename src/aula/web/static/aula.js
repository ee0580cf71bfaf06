// Aula's progressive enhancement. Every page works without this file. With it: arrow keys and
// swipes move between slides, the Code/Terminal toggle switches in place, the dark-mode toggle
// switches at once, and forms or links marked data-swap fetch their result as HTML rendered by
// the server (the same templates as the page) and swap it in: one renderer per result.
"use strict";

(() => {
  const FRAGMENT_HEADER = "X-Aula-Fragment";
  // The page's messages in its language (templates/_js_messages.html): t("key", {name: value}).
  const MESSAGES = (() => {
    try { return JSON.parse(document.getElementById("aula-messages")?.textContent || "{}"); } catch { return {}; }
  })();
  const t = (key, values = {}, count = null) => {
    const name = count === null ? key : `${key}_${count === 1 ? "one" : "other"}`;
    return (MESSAGES[name] ?? name).replace(/\{(\w+)\}/g, (all, k) => (k in values ? String(values[k]) : all));
  };

  // ← and → move between slides, unless the learner is typing or choosing.
  function slideKeys(player) {
    document.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (event.target.closest("input, textarea, select, [contenteditable]")) return;
      const href = event.key === "ArrowRight" ? player.dataset.next : event.key === "ArrowLeft" ? player.dataset.prev : "";
      if (href) {
        event.preventDefault();
        window.location.assign(href);
      }
    });
  }

  // A horizontal swipe on the slide moves to the next or previous one.
  function slideSwipe(player) {
    let start = null;
    player.addEventListener("touchstart", (event) => {
      if (event.touches.length === 1) start = { x: event.touches[0].clientX, y: event.touches[0].clientY };
    }, { passive: true });
    player.addEventListener("touchend", (event) => {
      if (!start || event.changedTouches.length !== 1) return;
      const dx = event.changedTouches[0].clientX - start.x;
      const dy = event.changedTouches[0].clientY - start.y;
      start = null;
      if (event.target.closest("pre, .editor")) return; // code panes scroll sideways
      if (Math.abs(dx) < 60 || Math.abs(dy) > Math.abs(dx) / 2) return;
      const href = dx < 0 ? player.dataset.next : player.dataset.prev;
      if (href) window.location.assign(href);
    }, { passive: true });
  }

  // Code / Terminal: switch panes in place and remember the learner's choice for this slide.
  function showView(editor, view) {
    editor.dataset.view = view;
    editor.querySelector(".pane-code").hidden = view !== "code";
    editor.querySelector(".pane-terminal").hidden = view !== "terminal";
    for (const link of editor.querySelectorAll(".view-toggle [data-show]")) {
      if (link.dataset.show === view) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    }
  }

  function viewToggles() {
    for (const editor of document.querySelectorAll(".editor")) {
      editor.querySelector(".view-toggle")?.addEventListener("click", (event) => {
        const link = event.target.closest("[data-show]");
        if (!link) return;
        event.preventDefault();
        showView(editor, link.dataset.show);
        const url = new URL(window.location.href);
        url.searchParams.set("view", link.dataset.show);
        history.replaceState(null, "", url);
        link.focus();
      });
    }
  }

  // Server-rendered fragments: every top-level element of the answer that has an id replaces
  // the element with that id on the page; anything else fills the form's data-into box.
  async function swap(url, init, into, fallback = null) {
    const response = await fetch(url, { credentials: "same-origin", ...init, headers: { [FRAGMENT_HEADER]: "1", ...(init.headers || {}) } });
    const html = await response.text();
    const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
    let replaced = null;
    if (!response.ok) {
      const box = into || fallback;
      if (box) {
        box.replaceChildren(...doc.body.children);
        replaced = box;
      }
      return { response, replaced };
    }
    for (const fresh of [...doc.body.children]) {
      const old = fresh.id && document.getElementById(fresh.id);
      if (old) {
        old.replaceWith(fresh);
        replaced ??= fresh;
      } else if (into) {
        into.replaceChildren(fresh);
        replaced ??= fresh;
      }
    }
    enhance(document);
    return { response, replaced };
  }

  function afterSwap(response, replaced) {
    if (!replaced) return;
    const url = new URL(response.url);
    if (response.ok && replaced.id && url.pathname === window.location.pathname) history.replaceState(null, "", url.pathname + url.search + `#${replaced.id}`);
    const focus = replaced.querySelector(".moment, .result, .problem") || replaced;
    if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
    focus.focus({ preventScroll: true });
    replaced.scrollIntoView({ block: "nearest" });
  }

  function problem(box, message) {
    const p = document.createElement("p");
    p.className = "problem";
    p.setAttribute("role", "alert");
    p.textContent = message;
    box?.replaceChildren(p);
  }

  function enhance(root) {
    for (const form of root.querySelectorAll("form[data-swap]:not([data-enhanced])")) {
      form.dataset.enhanced = "1";
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const into = form.dataset.into ? form.parentElement.querySelector(form.dataset.into) : null;
        if (into) into.textContent = t("thinking");
        try {
          const { response, replaced } = await swap(form.action, { method: "POST", body: new FormData(form) }, into, form.querySelector(".feedback"));
          afterSwap(response, replaced);
        } catch {
          if (await offlineAnswer(form)) return;
          if (await offlineAsk(form, into)) return;
          problem(into || form.querySelector(".feedback"), "The server could not be reached. Check your connection and try again.");
        }
      });
    }
    for (const link of root.querySelectorAll("a[data-swap]:not([data-enhanced])")) {
      link.dataset.enhanced = "1";
      link.addEventListener("click", async (event) => {
        event.preventDefault();
        try {
          const { response, replaced } = await swap(link.href, { method: "GET" }, null);
          afterSwap(response, replaced);
        } catch {
          window.location.assign(link.href);
        }
      });
    }
  }

  // Slide views are a write, so the page reports them (a GET never writes). Offline, the view
  // is queued and synced later; "Next" and the next answer posted from this slide record it too.
  function slideView() {
    const player = document.querySelector(".player[data-view-url]");
    const csrf = meta("csrf-token");
    if (!player || !csrf) return;
    const view = { lesson_id: player.dataset.lesson, slide: Number(player.dataset.slide) };
    if (!navigator.onLine) {
      queueWrite({ kind: "view", ...view }).catch(() => {});
      return;
    }
    fetch(player.dataset.viewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(view),
    }).catch(() => queueWrite({ kind: "view", ...view }).catch(() => {}));
  }

  // Offline (aula-offline.js, docs/offline.md): a service worker keeps the lesson once it has
  // been opened; answers, slide views and term reviews made offline are queued with an
  // idempotency key and synced when the connection is back. Offline answers are not graded in
  // the browser: the server grades them when they arrive.
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content || "";
  const RATINGS = { again: 1, hard: 2, good: 3, easy: 4 };

  // A message from #sync-status's data attributes (translated by the server), {names} filled.
  function say(name, values = {}) {
    const text = document.getElementById("sync-status")?.dataset[name] || "";
    return text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  function syncStatus(text, state) {
    const box = document.getElementById("sync-status");
    if (!box) return;
    box.textContent = text;
    box.dataset.state = state;
    box.hidden = !text;
  }

  async function queueWrite(write) {
    const queue = window.AulaQueue;
    if (!queue) throw new Error("no offline queue");
    const queued = await queue.add({ ...write, version: meta("aula-version"), token: meta("csrf-token") });
    const waiting = await queue.size();
    syncStatus(say("queued", { count: waiting }), "queued");
    try {
      const registration = await navigator.serviceWorker?.getRegistration();
      await registration?.sync?.register(queue.SYNC_TAG); // Background Sync, where supported
    } catch {
      // Elsewhere the page syncs when it is back online, or on the next load.
    }
    return queued;
  }

  function showSynced(message) {
    const results = message?.results || [];
    if (!results.length) return;
    const done = results.filter((r) => r.status !== "rejected");
    const refused = results.filter((r) => r.status === "rejected");
    for (const result of results) {
      if (!result.question_id) continue;
      const box = document.querySelector(`#question-${CSS.escape(result.question_id)} .feedback .offline-note`);
      if (!box) continue;
      if (result.status === "rejected") box.textContent = say("refusedOne", { reason: result.reason });
      else if (result.correct === null || result.correct === undefined) box.textContent = say("syncedOne");
      else box.textContent = say(result.correct ? "syncedRight" : "syncedWrong");
    }
    const parts = [];
    if (done.length) parts.push(say("synced", { count: done.length }));
    if (refused.length) parts.push(say("refused", { count: refused.length, reason: [...new Set(refused.map((r) => r.reason))].join(" ") }));
    syncStatus(parts.join(" "), refused.length ? "rejected" : "synced");
  }

  async function syncNow() {
    const queue = window.AulaQueue;
    if (!queue || !navigator.onLine) return;
    try {
      if (!(await queue.size())) return;
      syncStatus(say("syncing"), "syncing");
      showSynced(await queue.sync(meta("aula-session"), meta("aula-sync")));
    } catch {
      syncStatus(say("unreachable"), "queued");
    }
  }

  function offlineNote(form, text) {
    const p = document.createElement("p");
    p.className = "offline-note";
    p.setAttribute("role", "status");
    p.textContent = text;
    form.querySelector(".feedback")?.replaceChildren(p);
  }

  // An answer to a knowledge check, queued (with the slide it was given on) instead of sent.
  async function offlineAnswer(form) {
    if (!form.matches("form.check[data-question][data-lesson]") || !window.AulaQueue) return false;
    const data = new FormData(form);
    const choices = data.getAll("choice").filter((c) => typeof c === "string");
    if (!choices.length) return false;
    const slide = Number(data.get("slide") || 0);
    if (slide) await queueWrite({ kind: "view", lesson_id: form.dataset.lesson, slide });
    await queueWrite({ kind: "answer", lesson_id: form.dataset.lesson, question_id: form.dataset.question, choice_ids: choices });
    offlineNote(form, say("queuedAnswer"));
    return true;
  }

  // The instructor offline: the passages of the cached course that share the question's words.
  async function offlineAsk(form, into) {
    if (!form.dataset.offlineIndex || !window.AulaQueue) return false;
    const box = into || form.parentElement.querySelector(".ask-answer");
    const question = new FormData(form).get("q");
    if (!box || typeof question !== "string") return false;
    let index;
    try {
      index = await (await fetch(form.dataset.offlineIndex, { credentials: "same-origin" })).json();
    } catch {
      return false;
    }
    const found = window.AulaQueue.search(index, question);
    const note = document.createElement("p");
    note.className = "offline-note";
    note.textContent = say("simpler");
    const list = document.createElement("ol");
    list.className = "offline-answers";
    for (const doc of found) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = doc.url;
      link.textContent = doc.title;
      const text = document.createElement("p");
      text.textContent = doc.text;
      item.append(link, text);
      list.append(item);
    }
    const none = document.createElement("p");
    none.textContent = say("noMatch");
    box.replaceChildren(note, found.length ? list : none);
    return true;
  }

  // Forms that post without data-swap, when offline: "Next"/"Continue" (a slide view) and term
  // reviews are queued; any other write says it needs the connection.
  async function offlineSubmit(event) {
    const form = event.target;
    if (navigator.onLine || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.dataset.swap || form.matches(".theme-form")) return; // their own handlers cope
    event.preventDefault();
    event.stopImmediatePropagation();
    const player = document.querySelector(".player[data-lesson]");
    try {
      if (form.dataset.offline === "view" && player) {
        await queueWrite({ kind: "view", lesson_id: player.dataset.lesson, slide: Number(player.dataset.slide) });
        if (player.dataset.next) window.location.assign(player.dataset.next);
        return;
      }
      if (form.dataset.offline === "review" && RATINGS[event.submitter?.value]) {
        await queueWrite({ kind: "review", term_id: form.dataset.term, rating: RATINGS[event.submitter.value] });
        form.querySelector("fieldset")?.setAttribute("disabled", "");
        return;
      }
      if (form.dataset.offlineIndex && (await offlineAsk(form, null))) return;
    } catch {
      // fall through to the message below
    }
    syncStatus(say("needsServer"), "offline");
  }

  async function serviceWorker() {
    const script = meta("aula-sw");
    if (!("serviceWorker" in navigator) || !script) return;
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data?.type !== "cached") return;
      document.documentElement.dataset.offlineReady = event.data.version;
    });
    try {
      await navigator.serviceWorker.register(script);
    } catch {
      return;
    }
    const player = document.querySelector(".player[data-offline]");
    if (!player) return;
    const registration = await navigator.serviceWorker.ready;
    registration.active?.postMessage({ type: "cache-lesson", url: player.dataset.offline });
  }

  function offline() {
    if (typeof BroadcastChannel !== "undefined" && window.AulaQueue) {
      new BroadcastChannel(window.AulaQueue.CHANNEL).addEventListener("message", (event) => showSynced(event.data));
    }
    document.addEventListener("submit", offlineSubmit, true);
    window.addEventListener("online", syncNow);
    window.addEventListener("offline", () => syncStatus(say("offline"), "offline"));
    if (!navigator.onLine) syncStatus(say("offline"), "offline");
    serviceWorker().catch(() => {});
    syncNow();
  }

  // Dark mode: switch at once, remember it in a cookie (the form still works without JS).
  function themeToggle() {
    const button = document.querySelector(".theme-toggle");
    if (!button) return;
    const root = document.documentElement;
    const dark = () => (root.dataset.theme || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light")) === "dark";
    const sync = () => {
      button.setAttribute("aria-pressed", String(dark()));
      button.value = dark() ? "light" : "dark";
    };
    sync();
    button.form.addEventListener("submit", (event) => {
      event.preventDefault();
      root.dataset.theme = dark() ? "light" : "dark";
      document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", root.dataset.theme);
      const body = new FormData(button.form);
      body.set("theme", root.dataset.theme);
      fetch(button.form.action, { method: "POST", body, credentials: "same-origin", headers: { [FRAGMENT_HEADER]: "1" } });
      sync();
    });
  }

  // The learner's time zone, so a streak's days are their days.
  function timeZone() {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && !document.cookie.split("; ").includes(`aula_tz=${encodeURIComponent(zone)}`)) {
      document.cookie = `aula_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    }
  }

  // Glossary: filter terms as the learner types (the form still works without JS).
  function glossaryFilter() {
    const input = document.querySelector("input[data-filter]");
    if (!input) return;
    const count = document.getElementById("glossary-count");
    const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    const apply = () => {
      const words = fold(input.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const term of document.querySelectorAll(input.dataset.filter)) {
        const match = words.every((w) => term.dataset.search.includes(w));
        term.hidden = !match;
        if (match) shown += 1;
      }
      if (count) count.textContent = words.length ? t("terms_match", { count: shown, q: input.value }, shown) : t("terms", { count: shown }, shown);
    };
    input.addEventListener("input", apply);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const player = document.querySelector(".player[data-prev], .player[data-next]");
    if (player) {
      slideKeys(player);
      slideSwipe(player);
    }
    offline();
    slideView();
    viewToggles();
    enhance(document);
    themeToggle();
    timeZone();
    glossaryFilter();
  });
})();
