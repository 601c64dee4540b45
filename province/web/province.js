"use strict";
// 全省服务大厅运行监测: every hall on one screen, refreshed every 5 s; Chinese, English available.
const WORDS = {
  zh: {
    title: "全省服务大厅运行监测", date: "日期", tab_halls: "各大厅", tab_ratings: "好差评与整改",
    tab_clerks: "窗口人员绩效", tab_parked: "异常事件", csv: "导出CSV", hall: "大厅", waiting: "等候人数",
    longest: "最长等候", windows_open: "开放窗口", issued: "取号", served: "办结", no_show: "过号", transferred: "转办",
    mean_wait: "平均等候", p95_wait: "95%等候", within_target: "等候达标率", satisfied: "满意率",
    negative_open: "差评待整改", lag: "上传延迟", state: "数据", close: "关闭", by_queue: "分队列", queue: "队列",
    mean_service: "平均办理", windows: "窗口", window: "窗口", kind: "类型", status: "状态", queues: "队列",
    clerk: "工作人员", ratings: "评价(1-5)", negative_only: "只看差评", number: "号码", level: "评价",
    reason: "原因", rated_at: "评价时间", follow_up: "整改", received: "接收时间", subject: "主题",
    complete: "完整", gap: "缺{n}条", silent: "{s}未上报", summary: "{n}个大厅 · 等候{w}人 · 今日取号{i}",
    updated: "更新于 {t}", open: "开放", paused: "暂停", closed: "关闭", f_open: "待整改", f_done: "已整改",
    min: "分", sec: "秒", lang: "English", drill: "{h} · {d}", token: "访问令牌", login: "登录",
    wrong_token: "令牌不正确",
    levels: ["", "非常不满意", "不满意", "基本满意", "满意", "非常满意"],
    kinds: { accept: "综合受理", query: "查询出件", bulk: "大宗业务", elastic: "弹性" },
    reasons: { long_wait: "等候时间长", attitude: "服务态度不好", slow: "办理效率低", unclear: "政策解释不清",
      come_again: "需要多次跑", other: "其他" },
  },
  en: {
    title: "Province hall monitor", date: "Date", tab_halls: "Halls", tab_ratings: "Ratings and follow-up",
    tab_clerks: "Clerks", tab_parked: "Parked events", csv: "CSV", hall: "Hall", waiting: "Waiting",
    longest: "Longest wait", windows_open: "Windows open", issued: "Issued", served: "Served", no_show: "No-show",
    transferred: "Transferred", mean_wait: "Mean wait", p95_wait: "p95 wait", within_target: "Within target",
    satisfied: "Satisfied", negative_open: "Complaints open", lag: "Uplink lag", state: "Data", close: "Close",
    by_queue: "By queue", queue: "Queue", mean_service: "Mean service", windows: "Windows", window: "Window",
    kind: "Kind", status: "Status", queues: "Queues", clerk: "Clerk", ratings: "Ratings (1-5)",
    negative_only: "Complaints only", number: "Number", level: "Rating", reason: "Reason", rated_at: "Rated at",
    follow_up: "Follow-up", received: "Received", subject: "Subject", complete: "complete", gap: "{n} missing",
    silent: "silent {s}", summary: "{n} halls · {w} waiting · {i} issued today", updated: "updated {t}",
    open: "open", paused: "paused", closed: "closed", f_open: "open", f_done: "done", min: " min", sec: " s",
    lang: "中文", drill: "{h} · {d}", token: "Access token", login: "Log in", wrong_token: "Wrong token",
    levels: ["", "very dissatisfied", "dissatisfied", "fair", "satisfied", "very satisfied"],
    kinds: { accept: "accept", query: "query", bulk: "bulk", elastic: "elastic" },
    reasons: { long_wait: "Waited too long", attitude: "Unfriendly service", slow: "Slow handling",
      unclear: "Unclear explanation", come_again: "Had to come back again", other: "Other" },
  },
};
let lang = localStorage.getItem("province-lang") || (new URLSearchParams(location.search).get("lang") === "en" ? "en" : "zh");
let tab = "halls";
let drillHall = null;
const $ = (sel) => document.querySelector(sel);
const t = (key, vars) => {
  let s = WORDS[lang][key] ?? key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replace(`{${k}}`, v);
  return s;
};
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const dur = (s) => (s == null ? "–" : s >= 60 ? `${Math.round(s / 60)}${t("min")}` : `${Math.round(s)}${t("sec")}`);
const pct = (v) => (v == null ? "–" : `${(v * 100).toFixed(1)}%`);
const day = () => $("#day").value;

function translate() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = t("title");
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("#lang").textContent = t("lang");
}

async function get(path) {
  const r = await fetch(path, { credentials: "same-origin" });
  if (r.status === 401) {
    $("#login").hidden = false;
    throw new Error(t("login"));
  }
  if (!r.ok) throw new Error(`${r.status} ${path}`);
  $("#login").hidden = true;
  return r.json();
}

function rows(sel, items, render) {
  $(sel + " tbody").innerHTML = items.map(render).join("");
}

function dataState(h) {
  if (h.silent_s != null && h.silent_s > 600) return `<span class="warn">${t("silent", { s: dur(h.silent_s) })}</span>`;
  if (!h.complete) return `<span class="bad">${t("gap", { n: h.last_seq - h.events })}</span>`;
  return `<span class="ok">${t("complete")}</span>`;
}

async function loadHalls() {
  const o = await get(`/api/province/overview?date=${day()}`);
  let w = 0, i = 0;
  rows("#hall-table", o.halls, (h) => {
    w += h.waiting || 0; i += h.issued || 0;
    const neg = h.negative_open ? `<span class="bad">${h.negative_open}</span>` : "0";
    return `<tr class="hall-row" data-hall="${esc(h.hall)}"><td>${esc(h.hall)}</td><td class="waiting">${h.waiting ?? 0}</td>` +
      `<td>${dur(h.longest_wait_s)}</td><td>${h.windows_open}/${h.windows}</td><td class="issued">${h.issued ?? 0}</td>` +
      `<td>${h.served ?? 0}</td><td>${h.no_show ?? 0}</td><td>${h.transferred ?? 0}</td><td>${dur(h.mean_wait_s)}</td>` +
      `<td>${dur(h.p95_wait_s)}</td><td>${pct(h.within_target)}</td><td>${pct(h.satisfied)}</td><td>${neg}</td>` +
      `<td>${h.lag_s == null || h.lag_s < 0 ? "–" : dur(h.lag_s)}</td><td>${dataState(h)}</td></tr>`;
  });
  $("#summary").textContent = t("summary", { n: o.halls.length, w, i });
  document.querySelectorAll(".hall-row").forEach((tr) => tr.addEventListener("click", () => openDrill(tr.dataset.hall)));
  if (drillHall) await loadDrill();
}

async function openDrill(hall) {
  drillHall = hall;
  $("#drill").hidden = false;
  await loadDrill();
}

async function loadDrill() {
  const d = await get(`/api/province/halls/${encodeURIComponent(drillHall)}?date=${day()}`);
  $("#drill-title").textContent = t("drill", { h: d.hall, d: d.date });
  rows("#queue-table", d.queues, (q) => `<tr><td>${esc(q.queue)}</td><td>${q.issued}</td><td>${q.served}</td>` +
    `<td>${q.no_show}</td><td>${q.transferred}</td><td>${q.waiting}</td><td>${dur(q.mean_wait_s)}</td>` +
    `<td>${dur(q.p95_wait_s)}</td><td>${pct(q.within_target)}</td><td>${dur(q.mean_service_s)}</td></tr>`);
  rows("#window-table", d.windows, (w) => `<tr><td>${esc(w.name || w.window)}</td><td>${esc(WORDS[lang].kinds[w.kind] || w.kind)}</td>` +
    `<td>${esc(t(w.status))}</td><td>${esc((w.queues || []).join(" "))}</td><td>${esc(w.clerk || "")}</td></tr>`);
  rows("#drill-clerks", d.clerks, clerkCells(false));
}

const clerkCells = (withHall) => (c) => `<tr>${withHall ? `<td>${esc(c.hall)}</td>` : ""}<td>${esc(c.clerk)}</td>` +
  `<td>${c.served}</td><td>${c.no_show}</td><td>${c.transferred}</td><td>${dur(c.mean_service_s)}</td>` +
  `<td>${[1, 2, 3, 4, 5].map((k) => c.ratings[k]).join(" / ")}</td>` +
  (withHall ? `<td>${c.negative_open ? `<span class="bad">${c.negative_open}</span>` : 0}</td>` : "") + "</tr>";

async function loadRatings() {
  const neg = $("#negative-only").checked;
  const r = await get(`/api/province/ratings?date=${day()}&negative=${neg}`);
  rows("#rating-table", r.ratings, (x) => `<tr><td>${esc(x.hall)}</td><td>${esc(x.number)}</td><td>${x.window}</td>` +
    `<td>${esc(x.clerk || "")}</td><td class="${x.level <= 2 ? "bad" : ""}">${x.level} ${esc(WORDS[lang].levels[x.level])}</td>` +
    `<td>${esc(WORDS[lang].reasons[x.reason] || x.reason || "")}</td><td>${esc((x.rated_at || "").slice(11, 19))}</td>` +
    `<td>${x.follow_up ? esc(t("f_" + x.follow_up)) : ""}</td></tr>`);
  $("#csv-ratings").href = `/api/province/ratings.csv?date=${day()}&negative=${neg}`;
}

async function loadClerks() {
  const c = await get(`/api/province/clerks?date=${day()}`);
  rows("#clerk-table", c.clerks, clerkCells(true));
  $("#csv-clerks").href = `/api/province/clerks.csv?date=${day()}`;
}

async function loadParked() {
  const p = await get("/api/province/parked");
  rows("#parked-table", p.parked, (x) => `<tr><td>${esc(x.received_at.slice(0, 19))}</td><td>${esc(x.subject)}</td>` +
    `<td>${esc(x.hall_id || "")}</td><td>${esc(x.reason)}</td></tr>`);
}

async function refresh() {
  $("#csv-daily").href = `/api/province/daily.csv?date=${day()}`;
  try {
    await { halls: loadHalls, ratings: loadRatings, clerks: loadClerks, parked: loadParked }[tab]();
    $("#updated").textContent = t("updated", { t: new Date().toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB") });
  } catch (err) {
    $("#updated").textContent = String(err);
  }
}

function today() {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  return parts;
}

$("#login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const r = await fetch("/api/province/login", {
    method: "POST", headers: { "content-type": "application/json" }, credentials: "same-origin",
    body: JSON.stringify({ token: $("#token").value }),
  });
  $("#login-error").textContent = r.ok ? "" : t("wrong_token");
  if (r.ok) refresh();
});

$("#day").value = new URLSearchParams(location.search).get("date") || today();
$("#day").addEventListener("change", refresh);
$("#negative-only").addEventListener("change", refresh);
$("#drill-close").addEventListener("click", () => { drillHall = null; $("#drill").hidden = true; });
$("#lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("province-lang", lang);
  translate();
  refresh();
});
document.querySelectorAll(".tab").forEach((b) => b.addEventListener("click", () => {
  tab = b.dataset.tab;
  document.querySelectorAll(".tab").forEach((x) => x.classList.toggle("active", x === b));
  document.querySelectorAll(".panel").forEach((p) => { p.hidden = p.id !== tab; });
  refresh();
}));
translate();
refresh();
setInterval(refresh, 5000);
