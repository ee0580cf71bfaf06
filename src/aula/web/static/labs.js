// The weights lab without uploading the weights. Loaded only on lab pages; the form works
// without it (the whole file is then uploaded, up to the server's limit).
//
// A .safetensors file starts with N, a little-endian u64, then N bytes of JSON header. This
// reads the first 8 bytes of the chosen file in the browser (File.slice), then sends only
// bytes [0, 8 + N) to POST /api/labs/weights, and draws the report from the JSON it returns:
// the same structure as templates/labs/_weights_report.html. No framework, no CDN.
"use strict";

(() => {
  const form = document.getElementById("weights-form");
  if (!form) return;
  const input = form.querySelector('input[type="file"]');
  const status = document.getElementById("weights-status");
  const problem = document.getElementById("weights-error");
  const out = document.getElementById("weights-report");
  const limit = BigInt(form.dataset.headerLimit || "16777216");
  const SNIFF = 1024 * 1024; // not safetensors: enough for the server to say what it is
  const lang = document.documentElement.lang || "en";
  const en = (n) => Number(n).toLocaleString(lang);
  // The page's messages in its language (templates/_js_messages.html).
  const MESSAGES = (() => {
    try { return JSON.parse(document.getElementById("aula-messages")?.textContent || "{}"); } catch { return {}; }
  })();
  const t = (key, values = {}) => (MESSAGES[key] ?? key).replace(/\{(\w+)\}/g, (all, k) => (k in values ? String(values[k]) : all));

  // The numbers as aula/web/labs/format.py prints them.
  function scaled(n, units, small) {
    for (const [size, unit] of units) if (n >= size) return `${(n / size).toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${unit}`;
    return small(n);
  }
  const count = (n) => scaled(n, [[1e9, "B"], [1e6, "M"], [1e3, "K"]], (v) => en(Math.round(v)));
  const size = (n) => scaled(n, [[1e9, "GB"], [1e6, "MB"], [1e3, "KB"]], (v) => t("bytes", { count: en(Math.round(v)) }));

  async function headerSlice(file) {
    if (file.size < 8) return file; // the server explains why that cannot be safetensors
    const view = new DataView(await file.slice(0, 8).arrayBuffer());
    const n = view.getBigUint64(0, true);
    const wanted = n <= limit ? 8 + Number(n) : SNIFF;
    return file.slice(0, Math.min(wanted, file.size));
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    for (const child of children) node.append(child);
    return node;
  }

  function table(label, head, rows) {
    const headRow = el("tr", {}, ...head.map(([text, cls]) => el("th", cls ? { scope: "col", class: cls } : { scope: "col" }, text)));
    const body = el("tbody");
    for (const row of rows) {
      const tr = el("tr", {}, el("th", { scope: "row" }, row[0]));
      row.slice(1).forEach((cell, i) => tr.append(el("td", head[i + 1][1] ? { class: head[i + 1][1] } : {}, cell)));
      body.append(tr);
    }
    const region = { class: "table-scroll", role: "region", "aria-label": label, tabindex: "0" };
    return el("div", region, el("table", { class: "lab-table" }, el("thead", {}, headRow), body));
  }

  function facts(report) {
    const arch = report.architecture;
    const file = report.files[0];
    const read = file ? file.header_bytes + 8 : 0;
    const ofFile = file && file.file_size ? t("of_file", { size: size(file.file_size) }) : "";
    const rows = [
      [t("architecture"), "architecture", arch.label + (arch.variant ? ` (${arch.variant})` : "")],
      [t("evidence"), "evidence", arch.evidence.join("; ")],
      [t("tensors"), "tensors", en(report.tensors)],
      [t("parameters"), "parameters", `${count(report.parameters)} (${en(report.parameters)})`],
      [t("tensor_data"), "data", `${size(report.bytes)} (${t("bytes", { count: en(report.bytes) })})`],
      [t("read"), "read", t("read_bytes", { read: en(read), header: en(read - 8), of_file: ofFile })],
      [t("layout"), "layout", report.layout],
    ];
    return el("dl", { class: "lab-facts" }, ...rows.map(([dt, key, dd]) => el("div", {}, el("dt", {}, dt), el("dd", { "data-key": key }, dd))));
  }

  function render(report) {
    const share = (b) => (report.bytes ? (b / report.bytes).toLocaleString(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }) : "–");
    const dtypes = Object.entries(report.bytes_by_dtype).map(([d, b]) => [d, size(b), share(b)]);
    const parts = report.components.map((c) => [c.name, c.role, en(c.tensors), count(c.parameters), size(c.bytes)]);
    const meta = Object.entries(report.metadata).map(([k, v]) => [k, v.length <= 300 ? v : `${v.slice(0, 300)}…`]);
    const title = el("h2", { id: "report-title", tabindex: "-1" }, report.source);
    const nodes = [title, facts(report), el("h3", {}, t("bytes_by_dtype"))];
    nodes.push(table(t("bytes_by_dtype"), [["dtype"], [t("size"), "num"], [t("share"), "num"]], dtypes));
    nodes.push(el("h3", {}, t("components")));
    const partHead = [[t("component")], [t("role")], [t("tensors"), "num"], [t("parameters"), "num"], [t("size"), "num"]];
    nodes.push(table(t("components"), partHead, parts));
    nodes.push(el("h3", {}, el("code", {}, "__metadata__")));
    nodes.push(meta.length ? table(t("metadata"), [[t("key")], [t("value"), "wrap"]], meta) : el("p", { class: "muted" }, t("none_in_file")));
    if (report.notes.length) {
      nodes.push(el("h3", {}, t("notes")), el("ul", { class: "lab-notes" }, ...report.notes.map((n) => el("li", {}, n))));
    }
    out.replaceChildren(...nodes);
    out.hidden = false;
    title.focus();
  }

  function fail(message) {
    problem.replaceChildren(el("p", {}, el("strong", {}, message)));
    problem.hidden = false;
    out.hidden = true;
  }

  form.addEventListener("submit", async (event) => {
    const file = input.files && input.files[0];
    if (!file) return; // the browser says the field is required
    event.preventDefault();
    problem.hidden = true;
    status.textContent = t("reading", { name: file.name });
    try {
      const body = await (await headerSlice(file)).arrayBuffer();
      const response = await fetch(form.dataset.api, {
        method: "POST",
        headers: {
          "Content-Type": "application/octet-stream",
          "X-CSRF-Token": form.elements.csrf_token.value,
          "X-File-Name": encodeURIComponent(file.name),
          "X-File-Size": String(file.size),
          Accept: "application/json",
        },
        body,
        credentials: "same-origin",
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(data?.error?.message ?? t("server_answered", { status: response.status }));
      status.textContent = t("sent", { sent: en(body.byteLength), total: en(file.size) });
      render(data);
    } catch (error) {
      status.textContent = "";
      fail(error.message);
    }
  });
})();
