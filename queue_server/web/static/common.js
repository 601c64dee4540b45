/* Shared by every page: words, the session (token in sessionStorage), the API, live updates. */
"use strict";

const Hall = (() => {
  const WORDS = JSON.parse(document.getElementById("i18n").textContent);
  const DATA = JSON.parse(document.getElementById("page-data").textContent);
  const KEY = "hall.session";

  function t(key, vars) {
    let s = WORDS[key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split("{" + k + "}").join(String(v));
    return s;
  }

  /* Server messages read "中文 (English)": show the half of the page's language. */
  function localMessage(msg) {
    const m = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(msg || "");
    if (!m || !/[\u4e00-\u9fff]/.test(m[1])) return msg || "";
    return DATA.lang === "en" ? m[2] : m[1];
  }

  const session = {
    get() { try { return JSON.parse(sessionStorage.getItem(KEY)) || null; } catch (e) { return null; } },
    set(s) { sessionStorage.setItem(KEY, JSON.stringify(s)); },
    clear() { sessionStorage.removeItem(KEY); },
  };

  class ApiError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }

  function toLogin() {
    const next = location.pathname + location.search;
    location.href = "/login?next=" + encodeURIComponent(next);
  }

  async function api(method, path, body) {
    const headers = { "content-type": "application/json" };
    const s = session.get();
    if (s && s.token) headers.authorization = "Bearer " + s.token;
    let r;
    try {
      r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(0, "network", t("live_off"));
    }
    if (r.status === 204) return null;
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
    if (!r.ok) {
      const err = (data && data.error) || { code: "http_" + r.status, message: String(text).slice(0, 200) };
      if (r.status === 401 && s && s.token && path !== "/api/auth/login") { session.clear(); toLogin(); }
      throw new ApiError(r.status, err.code, localMessage(err.message));
    }
    return data;
  }

  function banner(id, msg) {
    const box = document.getElementById(id);
    if (!box) return;
    box.textContent = msg || "";
    box.hidden = !msg;
  }
  const showError = (e) => banner("error", e && e.message !== undefined ? e.message : String(e));
  const clearError = () => banner("error", "");
  const clearInfo = () => banner("info", "");
  let infoTimer = null;
  function showInfo(msg) {
    banner("info", msg);
    clearTimeout(infoTimer);
    infoTimer = setTimeout(() => banner("info", ""), 4000);
  }

  /* The signed-in staff member, or null after sending them to the login page / saying no. */
  function requireLogin(roles) {
    const s = session.get();
    if (!s || !s.token) { toLogin(); return null; }
    setupHeader(s);
    if (roles && !roles.includes(s.role)) {
      const main = document.getElementById("main");
      main.replaceChildren(el("section", { class: "card refused", id: "refused" },
        el("h1", {}, t("refused")),
        el("p", {}, t("refused_detail", { user: s.username, role: t("role_" + s.role),
                                          roles: roles.map((r) => t("role_" + r)).join(" / ") })),
        el("p", {}, el("a", { href: "/login?next=" + encodeURIComponent(location.pathname) }, t("login_other")))));
      return null;
    }
    return s;
  }

  function setupHeader(s) {
    const who = document.getElementById("who");
    if (who) who.textContent = s.username + " · " + t("role_" + s.role) + (s.window ? " · " + s.window : "");
    const out = document.getElementById("logout");
    if (out) {
      out.hidden = false;
      out.onclick = async () => {  // the token stops working on the server too
        try { await fetch("/api/auth/logout", { method: "POST", headers: { authorization: "Bearer " + s.token } }); }
        catch (e) { /* offline: the token is forgotten here all the same */ }
        session.clear(); location.href = "/login";
      };
    }
    const nav = document.getElementById("nav");
    if (nav) {
      nav.hidden = false;
      for (const a of nav.querySelectorAll("a")) {
        a.hidden = !a.dataset.roles.split(" ").includes(s.role);
        if (a.id === "nav-window" && s.window) a.href = "/window/" + s.window;
      }
    }
  }

  /* Live updates: one WebSocket, re-subscribed after every reconnect. The header's dot and the
     page's #live-lost banner (where it has one) say whether the page itself is live. */
  function live(subscription, onMessage) {
    const dot = document.getElementById("live");
    const lost = document.getElementById("live-lost");
    let ws = null;
    let wait = 500;
    function state(on) {
      if (dot) {
        dot.dataset.state = on ? "on" : "off";
        dot.title = on ? t("live_on") : t("live_off");
        dot.textContent = "● " + (on ? t("live_on") : t("live_off"));
      }
      if (lost) lost.hidden = on;
      document.body.dataset.live = on ? "on" : "off";
    }
    function connect() {
      const s = session.get();
      const sub = Object.assign({}, subscription, s && s.token ? { token: s.token } : {});
      ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/live");
      ws.onopen = () => { wait = 500; state(true); ws.send(JSON.stringify(sub)); };
      ws.onmessage = (ev) => {
        let msg;
        try { msg = JSON.parse(ev.data); } catch (e) { return; }
        try { onMessage(msg); } catch (e) { console.error(e); }
      };
      ws.onclose = () => { state(false); setTimeout(connect, wait); wait = Math.min(wait * 2, 5000); };
    }
    connect();
    return { resubscribe(sub) { subscription = sub; if (ws && ws.readyState === 1) ws.onopen(); } };
  }

  /* DOM building with text only (never innerHTML with data). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function mmss(s) {
    if (s === null || s === undefined) return "—";
    s = Math.max(0, Math.round(s));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    const pad = (x) => String(x).padStart(2, "0");
    return h ? `${h}:${pad(m)}:${pad(sec)}` : `${pad(m)}:${pad(sec)}`;
  }
  const minutes = (s) => (s === null || s === undefined ? "—" : t("minutes", { m: Math.round(s / 60) }));
  const clock = (iso) => (iso ? String(iso).slice(11, 19) : "—");
  /* Now as HH:MM:SS in the hall's time zone, taken from the offset of one of its ISO times. */
  function hallNow(refIso) {
    const m = /([+-])(\d\d):(\d\d)$/.exec(refIso || "");
    const off = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : -new Date().getTimezoneOffset();
    return new Date(Date.now() + off * 60000).toISOString().slice(11, 19);
  }
  const stateName = (st) => t("state_" + st);
  const ratingName = (r) => (r ? t("r" + r) : "—");
  const reasonName = (r) => (r ? (WORDS["reason_" + r] || r) : "");
  /* A device fault code as a person reads it (the contract's catalog, handed to every page). */
  function faultName(code) {
    if (WORDS["fault_" + code]) return WORDS["fault_" + code];
    const m = /^(screen|keypad|evaluator)_(\d+)_([a-z_]+)$/.exec(code);
    if (m && WORDS["line_" + m[1]] && WORDS["linefault_" + m[3]]) {
      return t("line_" + m[1], { window: m[2] }) + (DATA.lang === "en" ? " " : "") + t("linefault_" + m[3]);
    }
    return code;
  }
  const queueName = (code) => { const q = DATA.queues.find((x) => x.code === code); return q ? q.name : code; };

  return { t, DATA, session, api, ApiError, showError, clearError, clearInfo, showInfo, requireLogin, live, el, mmss, minutes,
           clock, hallNow, stateName, ratingName, reasonName, queueName, localMessage, toLogin, faultName };
})();
