// Aula's progressive enhancement. Every page works without this file; with it, slides move
// with the arrow keys, the Code/Terminal toggle switches in place, knowledge checks answer
// without a page load, and the glossary filters as you type. No framework, no CDN.
"use strict";

(() => {
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

  async function postJSON(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data?.error?.message ?? `The server answered ${response.status}.`);
    return data;
  }

  // ← and → move between slides, unless the learner is typing or choosing.
  function slideKeys() {
    const player = document.querySelector(".player[data-prev], .player[data-next]");
    if (!player) return;
    document.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const target = event.target;
      if (target.closest("input, textarea, select, [contenteditable]")) return;
      const href = event.key === "ArrowRight" ? player.dataset.next : event.key === "ArrowLeft" ? player.dataset.prev : "";
      if (href) {
        event.preventDefault();
        window.location.assign(href);
      }
    });
  }

  // Code / Terminal: switch panes in place and remember the learner's choice.
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
    const wanted = new URLSearchParams(window.location.search).get("view") ?? localStorage.getItem("aula.view");
    for (const editor of document.querySelectorAll(".editor")) {
      if (wanted === "code" || wanted === "terminal") showView(editor, wanted);
      editor.querySelector(".view-toggle")?.addEventListener("click", (event) => {
        const link = event.target.closest("[data-show]");
        if (!link) return;
        event.preventDefault();
        const view = link.dataset.show;
        localStorage.setItem("aula.view", view);
        for (const other of document.querySelectorAll(".editor")) showView(other, view);
        const url = new URL(window.location.href);
        url.searchParams.set("view", view);
        history.replaceState(null, "", url);
        link.focus();
      });
    }
  }

  // Knowledge checks: grade through the JSON API and show the feedback in place.
  function el(tag, className, html) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (html !== undefined) node.innerHTML = html; // server-sanitised course HTML only
    return node;
  }

  function renderResult(form, data) {
    const box = form.querySelector(".feedback");
    const result = el("div", `result ${data.correct ? "right" : "wrong"}`);
    result.setAttribute("role", "status");
    const verdict = el("p", "verdict");
    verdict.textContent = data.correct ? "✅ Correct!" : "❌ Not quite.";
    result.append(verdict);
    for (const item of data.feedback) {
      const line = el("p", `choice-feedback verdict-${item.verdict}`);
      const label = el("strong", "", item.verdict === "missed" ? "You missed: " + item.text.html : item.text.html);
      line.append(label);
      if (item.feedback) line.append(" — ", el("span", "", item.feedback.html));
      result.append(line);
    }
    const why = el("div", "explanation", data.explanation.html);
    why.prepend(el("strong", "", "Why: "));
    result.append(why);
    box.replaceChildren(result);
    form.querySelector("button[type=submit]").textContent = data.correct ? "Check answer" : "Try again";
    for (const label of form.querySelectorAll(".choice")) {
      label.classList.toggle("chosen", data.chosen.includes(label.querySelector("input").value));
    }
    document.dispatchEvent(new CustomEvent("aula:answered", { detail: { form, data } }));
  }

  function checks() {
    for (const form of document.querySelectorAll("form.check")) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const chosen = [...form.querySelectorAll("input[name=choice]:checked")].map((i) => i.value);
        const box = form.querySelector(".feedback");
        try {
          const data = await postJSON("/api/answers", { question_id: form.dataset.question, choice_ids: chosen });
          renderResult(form, data);
        } catch (error) {
          const problem = el("p", "result wrong");
          problem.textContent = error.message;
          box.replaceChildren(problem);
        }
      });
    }
  }

  // The instructor: answers in place, with sources and who answered from where.
  function renderAnswer(box, data) {
    const answer = el("div", `answer${data.sources.length ? "" : " not-covered"}`);
    const text = el("p", "answer-text");
    text.textContent = data.answer;
    answer.append(text);
    if (data.sources.length) {
      const title = el("p", "answer-sources-title");
      title.textContent = "From the course:";
      const list = el("ul", "answer-sources");
      for (const source of data.sources) {
        const link = el("a");
        if (source.url.startsWith("/")) link.href = source.url;
        link.textContent = source.title;
        const item = el("li");
        item.append(link);
        list.append(item);
      }
      answer.append(title, list);
    }
    const b = data.backend;
    const badge = el("p", "backend-badge");
    const fell = b.fell_back ? ` (after ${b.model} failed: ${b.error})` : "";
    const where = b.left_machine ? "your question left this machine" : "your question stayed on this machine";
    badge.textContent = `Answered by ${b.name}${fell} · ${where}`;
    answer.append(badge);
    box.replaceChildren(answer);
  }

  async function askInto(box, url, body) {
    const waiting = el("p", "muted");
    waiting.textContent = "Thinking…";
    box.replaceChildren(waiting);
    try {
      renderAnswer(box, await postJSON(url, body));
    } catch (error) {
      const problem = el("p", "result wrong");
      problem.textContent = error.message;
      box.replaceChildren(problem);
    }
  }

  function explainButton(form, chosen) {
    const holder = el("div", "explain-form");
    const button = el("button", "button");
    button.type = "button";
    button.textContent = "🤖 Ask the instructor to explain";
    const box = el("div", "ask-answer");
    box.setAttribute("aria-live", "polite");
    button.addEventListener("click", () =>
      askInto(box, "/api/instructor/explain", { question_id: form.dataset.question, choice_ids: chosen }),
    );
    holder.append(button, box);
    return holder;
  }

  function instructor() {
    for (const form of document.querySelectorAll("form.ask-form")) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const question = form.querySelector("input[name=q]").value.trim();
        const lesson = form.querySelector("input[name=lesson_id]")?.value || null;
        const box = form.parentElement.querySelector(".ask-answer");
        if (question) askInto(box, "/api/instructor/ask", { question, lesson_id: lesson });
      });
    }
    for (const form of document.querySelectorAll("form.explain-form")) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const chosen = [...form.querySelectorAll("input[name=choice]")].map((i) => i.value);
        askInto(form.querySelector(".ask-answer"), "/api/instructor/explain", { question_id: form.dataset.question, choice_ids: chosen });
      });
    }
    document.addEventListener("aula:answered", (event) => {
      const { form, data } = event.detail;
      const next = form.nextElementSibling;
      if (next?.classList.contains("explain-form")) next.remove();
      if (!data.correct) form.after(explainButton(form, data.chosen));
    });
  }

  // Slide views are a write, so the page reports them (a GET never writes). Failures are
  // harmless: the next answer posted from this slide records it too.
  function slideView() {
    const player = document.querySelector(".player[data-view-url]");
    if (!player || !csrf()) return;
    postJSON(player.dataset.viewUrl, { lesson_id: player.dataset.lesson, slide: Number(player.dataset.slide) }).catch(() => {});
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
      if (count) count.textContent = words.length ? `${shown} term${shown === 1 ? "" : "s"} match “${input.value}”.` : `${shown} terms.`;
    };
    input.addEventListener("input", apply);
  }

  document.addEventListener("DOMContentLoaded", () => {
    slideKeys();
    slideView();
    viewToggles();
    checks();
    glossaryFilter();
    instructor();
  });
})();
