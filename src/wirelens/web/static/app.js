// wirelens dashboard: tooltips, inline SVG charts and the actor network. No dependencies.
// Data comes from <script type="application/json" id="wl-data"> and is only ever inserted with
// textContent or as SVG attribute values, never as HTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

function data() {
  const node = document.getElementById("wl-data");
  return node ? JSON.parse(node.textContent) : null;
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// --- article view: tooltips on hover and focus ------------------------------------------------

function articleTooltips() {
  const details = data();
  const tip = document.getElementById("tooltip");
  const text = document.getElementById("article-text");
  if (!details || !tip || !text) return;

  function show(target) {
    const ids = (target.getAttribute("data-ann") || "").split(" ").filter(Boolean);
    const seen = new Set();
    tip.replaceChildren();
    for (const id of ids) {
      const d = details[id];
      if (!d) continue;
      const key = d.title + JSON.stringify(d.details);
      if (seen.has(key)) continue;  // a quote's content spans share their details
      seen.add(key);
      tip.appendChild(el("div", { class: "tip-title" }, d.title));
      const dl = el("dl");
      for (const [label, value] of d.details) {
        dl.appendChild(el("dt", {}, label));
        dl.appendChild(el("dd", {}, value));
      }
      tip.appendChild(dl);
    }
    if (!tip.childElementCount) return hide();
    tip.hidden = false;
    const box = target.getBoundingClientRect();
    const left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 12);
    tip.style.left = `${Math.max(8, left)}px`;
    tip.style.top = `${window.scrollY + box.bottom + 6}px`;
  }
  function hide() { tip.hidden = true; }

  text.addEventListener("mouseover", (e) => { const t = e.target.closest(".hl"); if (t) show(t); });
  text.addEventListener("mouseout", (e) => { if (!e.relatedTarget || !e.relatedTarget.closest || !e.relatedTarget.closest(".hl")) hide(); });
  text.addEventListener("focusin", (e) => { const t = e.target.closest(".hl"); if (t) show(t); });
  text.addEventListener("focusout", hide);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
}

// --- timeline view -------------------------------------------------------------------------------

function scale(d0, d1, r0, r1) {
  return (v) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0));
}

function dayAxis(root, days, x, y0, height) {
  const every = Math.max(1, Math.ceil(days.length / 10));
  days.forEach((day, i) => {
    if (i % every === 0 || i === days.length - 1) {
      root.appendChild(svg("text", { x: x(i), y: y0 + 16, class: "tick", "text-anchor": "middle" }, day.slice(5)));
    }
  });
  root.appendChild(svg("line", { x1: x(0) - 10, x2: x(days.length - 1) + 10, y1: y0, y2: y0, class: "axis" }));
}

function listDay(day, info) {
  const list = document.getElementById("day-events");
  const title = document.getElementById("day-title");
  if (!list || !title) return;
  const events = (info.events && info.events[day]) || [];
  title.textContent = `Events on ${day} (${events.length})`;
  list.replaceChildren();
  if (!events.length) list.appendChild(el("li", { class: "muted" }, "No events listed for this day."));
  for (const e of events) {
    const li = el("li", { class: "day-event" });
    li.appendChild(el("span", { class: `pill quad-${e.quad}` }, e.type));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("strong", {}, e.actor || "?"));
    li.appendChild(el("span", { class: "muted" }, ` ${e.trigger || ""} `));
    if (e.target) { li.appendChild(document.createTextNode("→ ")); li.appendChild(el("strong", {}, e.target)); }
    const where = [e.modality, e.place, e.outlet].filter(Boolean).join(" · ");
    li.appendChild(el("span", { class: "muted" }, `  ${where}`));
    const link = el("a", { href: `/ui/articles/${encodeURIComponent(e.article_id)}` }, " article");
    li.appendChild(link);
    list.appendChild(li);
  }
}

function escalationChart(info) {
  const host = document.getElementById("escalation-chart");
  if (!host) return;
  const rows = info.days || [];
  if (!rows.length) { host.appendChild(el("p", { class: "empty" }, "No dated events for this selection.")); return; }
  const W = 900, H = 260, L = 44, R = 16, T = 14, B = 28;
  const days = rows.map((r) => r.day);
  const values = rows.map((r) => r.index);
  const lo = Math.min(0, ...values), hi = Math.max(0, ...values);
  const x = scale(0, Math.max(1, days.length - 1), L + 10, W - R - 10);
  const y = scale(lo, hi === lo ? lo + 1 : hi, H - B, T);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Escalation index by day" });
  for (const v of [lo, (lo + hi) / 2, hi]) {
    root.appendChild(svg("text", { x: L - 6, y: y(v) + 3, class: "tick", "text-anchor": "end" }, v.toFixed(1)));
  }
  root.appendChild(svg("line", { x1: L, x2: W - R, y1: y(0), y2: y(0), class: "zero" }));
  dayAxis(root, days, x, H - B, H);
  const path = values.map((v, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  root.appendChild(svg("path", { d: `${path} L${x(values.length - 1)},${y(0)} L${x(0)},${y(0)} Z`, class: "area" }));
  root.appendChild(svg("path", { d: path, class: "line" }));
  const colWidth = (W - L - R) / Math.max(1, days.length);
  rows.forEach((r, i) => {
    const col = svg("rect", { x: x(i) - colWidth / 2, y: T, width: colWidth, height: H - B - T, class: "daycol", "data-day": r.day });
    col.appendChild(svg("title", {}, `${r.day}: index ${r.index}, ${r.events} events`));
    root.appendChild(col);
    const point = svg("circle", { cx: x(i), cy: y(r.index), r: 4.5, class: "point", "data-day": r.day, tabindex: 0, role: "button", "aria-label": `${r.day}: index ${r.index}` });
    point.appendChild(svg("title", {}, `${r.day}: index ${r.index}, ${r.events} events`));
    root.appendChild(point);
  });
  function select(day) {
    root.querySelectorAll(".point").forEach((p) => p.classList.toggle("selected", p.getAttribute("data-day") === day));
    listDay(day, info);
  }
  root.addEventListener("click", (e) => { const d = e.target.getAttribute && e.target.getAttribute("data-day"); if (d) select(d); });
  root.addEventListener("keydown", (e) => {
    if ((e.key === "Enter" || e.key === " ") && e.target.getAttribute("data-day")) { e.preventDefault(); select(e.target.getAttribute("data-day")); }
  });
  host.appendChild(root);
}

function wordsDeedsChart(info) {
  const host = document.getElementById("words-deeds-chart");
  if (!host) return;
  const rows = info.words_deeds || [];
  if (!rows.length) { host.appendChild(el("p", { class: "empty" }, "No words or deeds of this actor in range.")); return; }
  const W = 900, H = 220, L = 44, R = 16, T = 14, B = 28;
  const days = rows.map((r) => r.day);
  const all = rows.flatMap((r) => [r.words, r.deeds]);
  const lo = Math.min(0, ...all), hi = Math.max(0, ...all);
  const x = scale(0, Math.max(1, days.length - 1), L + 14, W - R - 14);
  const y = scale(lo, hi === lo ? lo + 1 : hi, H - B, T);
  const bw = Math.max(3, Math.min(14, (W - L - R) / Math.max(1, days.length) / 2.5));
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Words versus deeds by day" });
  for (const v of [lo, hi]) root.appendChild(svg("text", { x: L - 6, y: y(v) + 3, class: "tick", "text-anchor": "end" }, v.toFixed(1)));
  root.appendChild(svg("line", { x1: L, x2: W - R, y1: y(0), y2: y(0), class: "zero" }));
  dayAxis(root, days, x, H - B, H);
  rows.forEach((r, i) => {
    for (const [kind, value, dx, said] of [["words", r.words, -bw, r.said], ["deeds", r.deeds, 0, r.did]]) {
      const top = Math.min(y(0), y(value));
      const bar = svg("rect", { x: x(i) + dx, y: top, width: bw, height: Math.max(1, Math.abs(y(value) - y(0))), class: `bar ${kind}`, "data-day": r.day });
      bar.appendChild(svg("title", {}, `${r.day} ${kind}: ${value} — ${(said || []).join("; ")}`));
      root.appendChild(bar);
    }
  });
  root.addEventListener("click", (e) => { const d = e.target.getAttribute && e.target.getAttribute("data-day"); if (d) listDay(d, info); });
  const legend = el("div", { class: "legend" });
  legend.appendChild(el("span", { class: "swatch words-swatch" }, "words (what it said)"));
  legend.appendChild(el("span", { class: "swatch deeds-swatch" }, "deeds (what it did)"));
  host.appendChild(root);
  host.appendChild(legend);
}

// --- actors view: network with a small force layout -------------------------------------------

const QUAD_COLOUR = {
  verbal_cooperation: "#22c55e", material_cooperation: "#15803d",
  verbal_conflict: "#f87171", material_conflict: "#b91c1c",
};

function network(info) {
  const host = document.getElementById("network");
  if (!host) return;
  const edges = (info.edges || []).filter((e) => e.source && e.target && e.source !== e.target);
  if (!edges.length) { host.appendChild(el("p", { class: "empty" }, "No actor–target events in range.")); return; }
  const W = 760, H = 560;
  const degree = new Map();
  for (const e of edges) for (const n of [e.source, e.target]) degree.set(n, (degree.get(n) || 0) + e.n);
  const names = [...degree.keys()].sort((a, b) => degree.get(b) - degree.get(a)).slice(0, 40);
  const keep = new Set(names);
  const links = edges.filter((e) => keep.has(e.source) && keep.has(e.target));
  // Start on a circle (deterministic), then relax with a few hundred force steps.
  const nodes = names.map((name, i) => {
    const a = (2 * Math.PI * i) / names.length;
    return { name, x: W / 2 + 0.38 * W * Math.cos(a), y: H / 2 + 0.38 * H * Math.sin(a), vx: 0, vy: 0 };
  });
  const index = new Map(nodes.map((n, i) => [n.name, i]));
  for (let step = 0; step < 300; step++) {
    const cool = 1 - step / 300;
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i], b = nodes[j];
        let dx = a.x - b.x, dy = a.y - b.y;
        const d2 = Math.max(dx * dx + dy * dy, 25);
        const f = 5200 / d2;
        const d = Math.sqrt(d2);
        dx /= d; dy /= d;
        a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
      }
    }
    for (const l of links) {
      const a = nodes[index.get(l.source)], b = nodes[index.get(l.target)];
      const dx = b.x - a.x, dy = b.y - a.y;
      const d = Math.max(1, Math.hypot(dx, dy));
      const f = (d - 150) * 0.012;
      a.vx += (dx / d) * f; a.vy += (dy / d) * f; b.vx -= (dx / d) * f; b.vy -= (dy / d) * f;
    }
    for (const n of nodes) {
      n.vx += (W / 2 - n.x) * 0.004; n.vy += (H / 2 - n.y) * 0.004;
      n.x = Math.min(W - 60, Math.max(60, n.x + Math.max(-12, Math.min(12, n.vx)) * cool));
      n.y = Math.min(H - 24, Math.max(24, n.y + Math.max(-12, Math.min(12, n.vy)) * cool));
      n.vx *= 0.5; n.vy *= 0.5;
    }
  }
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Network of actors and targets" });
  const defs = svg("defs");
  for (const [quad, colour] of Object.entries(QUAD_COLOUR)) {
    const marker = svg("marker", { id: `arrow-${quad}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
    defs.appendChild(marker);
  }
  root.appendChild(defs);
  const radius = (name) => 6 + Math.min(14, Math.sqrt(degree.get(name)) * 2.5);
  const seen = new Map();
  for (const l of links) {
    const a = nodes[index.get(l.source)], b = nodes[index.get(l.target)];
    const key = `${l.source}\u0000${l.target}`;
    const k = seen.get(key) || 0;  // several event types between one pair: fan the curves out
    seen.set(key, k + 1);
    const dx = b.x - a.x, dy = b.y - a.y, d = Math.max(1, Math.hypot(dx, dy));
    const rb = radius(l.target) + 3;
    const ex = b.x - (dx / d) * rb, ey = b.y - (dy / d) * rb;
    const bend = 18 + 16 * k;
    const cx = (a.x + ex) / 2 - (dy / d) * bend, cy = (a.y + ey) / 2 + (dx / d) * bend;
    const verbal = l.quad && l.quad.startsWith("verbal");
    const path = svg("path", {
      d: `M${a.x.toFixed(1)},${a.y.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`,
      class: `edge${verbal ? " verbal" : ""}`, stroke: QUAD_COLOUR[l.quad] || "#94a3b8",
      "stroke-width": Math.min(5, 1.2 + Math.log2(1 + l.n)), "marker-end": `url(#arrow-${l.quad})`,
      "data-source": l.source, "data-target": l.target, "data-type": l.type,
    });
    path.appendChild(svg("title", {}, `${l.source} → ${l.target}: ${l.type} ×${l.n}`));
    root.appendChild(path);
  }
  for (const n of nodes) {
    const g = svg("g", { class: "node", tabindex: 0, transform: `translate(${n.x.toFixed(1)},${n.y.toFixed(1)})`, "data-name": n.name });
    g.appendChild(svg("circle", { r: radius(n.name), fill: "#334155" }));
    g.appendChild(svg("text", { x: radius(n.name) + 4, y: 4 }, n.name));
    g.appendChild(svg("title", {}, `${n.name}: ${degree.get(n.name)} events`));
    root.appendChild(g);
  }
  function focus(name) {
    host.classList.toggle("focused", Boolean(name));
    root.querySelectorAll(".edge").forEach((p) => p.classList.toggle("on", p.getAttribute("data-source") === name || p.getAttribute("data-target") === name));
  }
  root.addEventListener("mouseover", (e) => { const g = e.target.closest(".node"); if (g) focus(g.getAttribute("data-name")); });
  root.addEventListener("mouseout", (e) => { if (e.target.closest(".node")) focus(null); });
  root.addEventListener("focusin", (e) => { const g = e.target.closest(".node"); if (g) focus(g.getAttribute("data-name")); });
  root.addEventListener("focusout", () => focus(null));
  host.appendChild(root);
}

document.addEventListener("DOMContentLoaded", () => {
  const view = document.body.getAttribute("data-view");
  if (view === "articles") articleTooltips();
  if (view === "timeline") { const info = data() || {}; escalationChart(info); wordsDeedsChart(info); }
  if (view === "actors") network(data() || {});
});
