/* The manager console: the hall at a glance, advice, windows, notice, issuing, devices (整改 in rectify.js). */
"use strict";
(() => {
  const me = Hall.requireLogin(["manager", "admin"]);
  if (!me) return;
  const $ = (id) => document.getElementById(id);
  const el = Hall.el;
  const en = Hall.DATA.lang === "en";
  const S = { hall: null, editing: {}, noticeDirty: false };

  async function act(fn, okMsg) {
    Hall.clearError();
    try {
      const r = await fn();
      if (okMsg) Hall.showInfo(okMsg(r));
      return r;
    } catch (e) {
      Hall.showError(e);
      return undefined;
    }
  }

  /* -- toolbar: issuing and notice -- */
  const stopped = () => S.hall.issuing.reason === "stopped";
  $("issuing-toggle").addEventListener("click", () => {
    if (stopped()) { act(() => Hall.api("PUT", "/api/hall/issuing", { issuing: true })); return; }
    $("stop-reason").value = "";
    $("stop-dialog").showModal();
  });
  $("stop-dialog").addEventListener("close", () => {
    const reason = $("stop-reason").value.trim();
    if ($("stop-dialog").returnValue === "ok" && reason)
      act(() => Hall.api("PUT", "/api/hall/issuing", { issuing: false, reason }));
  });
  $("notice-text").addEventListener("input", () => { S.noticeDirty = true; });
  $("notice-publish").addEventListener("click", () => act(async () => {
    const r = await Hall.api("PUT", "/api/hall/notice", { text: $("notice-text").value.trim() || null });
    S.noticeDirty = false;
    return r;
  }, (r) => Hall.t("notice_sent", { n: r.displays.length })));
  $("notice-clear").addEventListener("click", () => act(async () => {
    $("notice-text").value = "";
    S.noticeDirty = false;
    return Hall.api("PUT", "/api/hall/notice", { text: null });
  }));

  function renderToolbar(h) {
    const st = $("issuing-state");
    const g = h.issuing, byManager = g.reason === "stopped";
    st.textContent = Hall.t(g.open ? "issuing_open" : "issuing_stopped");
    st.className = "badge " + (g.open ? "s-open" : "s-offline");
    $("issuing-why").textContent = g.open ? "" : (en ? g.message_en : g.message) || "";
    $("issuing-toggle").textContent = Hall.t(byManager ? "resume_issuing" : "stop_issuing");
    $("issuing-toggle").className = byManager ? "primary" : "warn";
    if (!S.noticeDirty && document.activeElement !== $("notice-text")) $("notice-text").value = h.notice || "";
  }

  /* -- advice (static/advice.js) -- */
  function renderAdvice(a) {
    HallAdvice.render($("advice-list"), a, act);
  }

  /* -- windows -- */
  function queueCell(w) {
    if (w.kind !== "elastic") return el("td", {}, w.queues.join(" "));
    const chosen = S.editing[w.number] || new Set(w.queues);
    const boxes = Hall.DATA.queues.map((q) => el("label", { class: "qbox" },
      el("input", { type: "checkbox", "data-window": w.number, value: q.code, checked: chosen.has(q.code),
                    onchange: (ev) => {
                      const set = S.editing[w.number] || new Set(w.queues);
                      if (ev.target.checked) set.add(q.code); else set.delete(q.code);
                      S.editing[w.number] = set;
                    } }), q.code));
    const save = el("button", { type: "button", "data-save-queues": w.number, onclick: () => act(async () => {
      const set = S.editing[w.number] || new Set(w.queues);
      const r = await Hall.api("PUT", `/api/windows/${w.number}/queues`, { queues: [...set].sort() });
      delete S.editing[w.number];
      return r;
    }) }, Hall.t("save"));
    return el("td", {}, boxes, save);
  }

  function windowRow(w) {
    const post = (what) => () => act(() => Hall.api("POST", `/api/windows/${w.number}/${what}`));
    return el("tr", { "data-window": w.number },
      el("td", {}, Hall.DATA.window_names[w.number] || w.name),
      el("td", {}, Hall.t("kind_" + w.kind)),
      el("td", {}, el("span", { class: "badge s-" + w.status }, Hall.t("status_" + w.status))),
      el("td", {}, w.clerk || "—"),
      el("td", {}, w.current ? `${w.current} · ${Hall.stateName(w.current_state)}` : "—"),
      el("td", { class: "num" }, w.served_today),
      queueCell(w),
      el("td", {}, el("div", { class: "row-actions" },
        el("button", { type: "button", "data-open": w.number, disabled: w.status === "open", onclick: post("open") },
           Hall.t("btn_open")),
        el("button", { type: "button", disabled: w.status !== "open", onclick: post("pause") }, Hall.t("act_pause")),
        el("button", { type: "button", class: "warn", disabled: w.status === "closed" || !!w.current,
                       onclick: post("close") }, Hall.t("btn_close")))));
  }

  function renderHall(h) {
    S.hall = h;
    renderToolbar(h);
    renderAdvice(h.advice);
    $("windows").tBodies[0].replaceChildren(...h.windows.map(windowRow));
    HallAdvice.markWindows($("windows"), h.advice);
    $("queues").tBodies[0].replaceChildren(...h.queues.map((q) =>
      el("tr", { class: q.longest_wait_s > q.target_wait_s ? "over" : null, "data-queue": q.code },
        el("td", {}, `${q.code} ${Hall.queueName(q.code)}`),
        el("td", { class: "num" }, q.waiting),
        el("td", { class: "num" }, Hall.minutes(q.predicted_wait_s)),
        el("td", { class: "num" }, Hall.mmss(q.longest_wait_s)),
        el("td", { class: "num" }, Hall.minutes(q.target_wait_s)))));
  }

  /* -- devices -- */
  function renderDevices(d) {
    const rows = d.devices.map((x) => el("tr", { class: x.faults.length ? "fault" : null, "data-device": x.id },
      el("td", {}, x.id),
      el("td", {}, x.kind),
      el("td", {}, el("span", { class: "badge s-" + x.state }, Hall.t(x.state))),
      el("td", {}, x.faults.length ? x.faults.map((f) => el("span", { class: "badge fault", title:
        Hall.t("fault_since", { time: Hall.clock(x.fault_since[f]) }) }, Hall.faultName(f))) : "—"),
      el("td", {}, Hall.clock(x.seen_at))));
    $("device-table").tBodies[0].replaceChildren(...(rows.length ? rows
      : [el("tr", {}, el("td", { colspan: 5, class: "empty" }, Hall.t("no_devices")))]));
    $("fault-log").replaceChildren(...d.log.slice(0, 20).map((e) => el("li", {},
      `${Hall.clock(e.at)} ${e.device} ${Hall.faultName(e.fault)} ${Hall.t("fault_" + e.event)}`)));
    const b = d.broker || {};
    $("broker-down").hidden = b.connected !== false;
    $("broker-down").textContent = b.connected === false ? Hall.t("broker_down_console", { time: Hall.clock(b.since) }) : "";
  }

  /* -- the day's chart -- */
  async function loadChart() {
    try {
      const s = await Hall.api("GET", "/api/stats/series");
      const codes = Object.keys(s.queues);
      const names = Object.fromEntries(Hall.DATA.queues.map((q) => [q.code, q.name]));
      HallChart.legend($("chart-legend"), codes, names);
      if (!s.at.length) { $("chart-waiting").replaceChildren(el("p", { class: "empty" }, Hall.t("chart_empty"))); return; }
      HallChart.lines($("chart-waiting"), s.at, codes.map((c) => ({ code: c, values: s.queues[c].waiting })),
                      Hall.t("chart_waiting"));
      HallChart.lines($("chart-longest"), s.at, codes.map((c) => ({
        code: c, values: s.queues[c].longest_wait_s.map((v) => Math.round(v / 6) / 10),
        target: s.targets[c] / 60 })), Hall.t("chart_longest"));
    } catch (e) { Hall.showError(e); }
  }

  Hall.live({ hall: true, devices: true }, (msg) => {
    if (msg.type === "hall") renderHall(msg.data);
    else if (msg.type === "devices") renderDevices(msg.data);
    else if (msg.type === "ratings" && window.HallRectify) window.HallRectify.load();
  });
  loadChart();
  setInterval(loadChart, 60000);
})();
