/* Small inline-SVG charts (no library, no network): lines over the day, grouped bars. */
"use strict";
const HallChart = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const COLORS = { A: "#0b5cad", B: "#1b7f3b", C: "#b86e00", D: "#7b3fa0", E: "#00838f" };
  const color = (code, i) => COLORS[code] || ["#0b5cad", "#1b7f3b", "#b86e00", "#7b3fa0"][i % 4];

  function node(tag, attrs, text) {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  }

  /* The axis top: four equal steps of 1, 2 or 5 × 10^k (whole numbers from 1 up). */
  function niceMax(v) {
    const raw = Math.max(1, v / 4);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return 4 * m * p;
    return 40 * p;
  }

  function frame(width, height, m, ymax, yLabel) {
    const svg = node("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": yLabel });
    const ax = node("g", { class: "axis" });
    for (let i = 0; i <= 4; i++) {
      const y = m.t + (height - m.t - m.b) * (1 - i / 4);
      ax.append(node("line", { x1: m.l, x2: width - m.r, y1: y, y2: y, class: i ? "gridline" : "" }));
      ax.append(node("text", { x: m.l - 6, y: y + 4, "text-anchor": "end" }, String(Math.round(ymax * i / 4 * 10) / 10)));
    }
    ax.append(node("text", { x: m.l, y: m.t - 2 }, yLabel));
    svg.append(ax);
    return svg;
  }

  /* x: ISO times; series: [{code, values, target?}] */
  function lines(box, x, series, yLabel, opts) {
    const o = Object.assign({ width: 1200, height: 210 }, opts || {});
    const m = { l: 44, r: 14, t: 18, b: 24 };
    const all = series.flatMap((s) => s.values.concat(s.target !== undefined ? [s.target] : []));
    const ymax = niceMax(Math.max(0, ...all));
    const svg = frame(o.width, o.height, m, ymax, yLabel);
    const w = o.width - m.l - m.r, h = o.height - m.t - m.b;
    const X = (i) => m.l + (x.length > 1 ? (w * i) / (x.length - 1) : 0);
    const Y = (v) => m.t + h * (1 - v / ymax);
    const ax = svg.querySelector(".axis");
    let lastLabel = -1e9;
    x.forEach((iso, i) => {
      if (iso.slice(14, 16) === "00" && X(i) - lastLabel > 40) {
        ax.append(node("text", { x: X(i), y: o.height - 6, "text-anchor": "middle" }, iso.slice(11, 16)));
        ax.append(node("line", { x1: X(i), x2: X(i), y1: m.t, y2: m.t + h, class: "gridline" }));
        lastLabel = X(i);
      }
    });
    series.forEach((s, k) => {
      const c = color(s.code, k);
      if (s.target !== undefined) {
        svg.append(node("line", { x1: m.l, x2: m.l + w, y1: Y(s.target), y2: Y(s.target), stroke: c,
                                  "stroke-dasharray": "4 4", "stroke-width": 1, opacity: 0.6 }));
      }
      if (!s.values.length) return;
      const pts = s.values.map((v, i) => `${X(i).toFixed(1)},${Y(v).toFixed(1)}`).join(" ");
      svg.append(node("polyline", { points: pts, fill: "none", stroke: c, "stroke-width": 2,
                                    "stroke-linejoin": "round", "data-queue": s.code }));
    });
    box.replaceChildren(svg);
  }

  /* labels: slot names; series: [{code, values}] drawn as grouped bars */
  function bars(box, labels, series, yLabel, opts) {
    const o = Object.assign({ width: 1200, height: 220 }, opts || {});
    const m = { l: 44, r: 14, t: 18, b: 24 };
    const ymax = niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v || 0))));
    const svg = frame(o.width, o.height, m, ymax, yLabel);
    const w = o.width - m.l - m.r, h = o.height - m.t - m.b;
    const slot = w / Math.max(1, labels.length);
    const bw = Math.max(2, (slot * 0.8) / Math.max(1, series.length));
    const ax = svg.querySelector(".axis");
    labels.forEach((lab, i) => {
      if (labels.length <= 24 || i % 2 === 0) {
        ax.append(node("text", { x: m.l + slot * (i + 0.5), y: o.height - 6, "text-anchor": "middle" }, lab));
      }
      series.forEach((s, k) => {
        const v = s.values[i] || 0;
        if (!v) return;
        const y = m.t + h * (1 - v / ymax);
        svg.append(node("rect", { x: m.l + slot * i + slot * 0.1 + bw * k, y, width: bw - 1, height: m.t + h - y,
                                  fill: color(s.code, k) }, undefined));
      });
    });
    box.replaceChildren(svg);
  }

  function legend(box, codes, names) {
    box.replaceChildren(...codes.map((c, k) => {
      const span = document.createElement("span");
      const i = document.createElement("i");
      i.style.background = color(c, k);
      span.append(i, `${c} ${names[c] || ""}`);
      return span;
    }));
  }

  return { lines, bars, legend, color };
})();
