/* The manager console's advice panel: each recommendation with who goes and the wait with and
   without it, the people on their way to an elastic window, and what happened after 采纳. */
"use strict";
const HallAdvice = (() => {
  const el = Hall.el;
  const en = Hall.DATA.lang === "en";
  const hhmm = (iso) => (iso ? String(iso).slice(11, 16) : "—");
  const mins = (s) => (s === null || s === undefined ? "—" : s < 60 ? Hall.t("advice_seconds", { s: Math.round(s) })
    : Hall.t("advice_minutes", { m: s < 600 ? Math.round(s / 6) / 10 : Math.round(s / 60) }));

  function who(r) {
    if (r.action !== "open") return null;
    if (r.staffing === "named") {
      return el("span", { class: "badge s-open", "data-person": r.person },
        Hall.t("advice_goes", { who: en ? r.person_label_en : r.person_label, time: hhmm(r.ready_at) }));
    }
    if (r.staffing === "nobody") return el("span", { class: "badge s-offline" }, Hall.t("advice_nobody"));
    return null;
  }

  function item(a, r, act) {
    const wait = r.wait_now_s !== null && r.wait_now_s !== undefined
      ? el("span", { class: "meta", "data-wait": r.id },
        Hall.t(r.action === "open" ? "advice_wait_open" : "advice_wait_close",
               { now: mins(r.wait_now_s), after: mins(r.wait_after_s) }))
      : null;
    return el("div", { class: "advice-item", "data-advice": r.id },
      el("div", { class: "advice-body" }, el("p", {}, en ? r.reason_en : r.reason),
        el("div", { class: "advice-meta" }, who(r), wait)),
      a.auto_apply ? el("span", { class: "badge" }, Hall.t("auto_apply")) : null,
      el("button", { type: "button", class: "primary", "data-accept": r.id,
                     onclick: () => act(() => Hall.api("POST", `/api/advice/${encodeURIComponent(r.id)}/accept`)) },
         Hall.t("accept")),
      el("button", { type: "button", "data-dismiss": r.id,
                     onclick: () => act(() => Hall.api("POST", `/api/advice/${encodeURIComponent(r.id)}/dismiss`)) },
         Hall.t("dismiss")));
  }

  function onTheWay(d) {
    const name = Hall.DATA.window_names[d.window] || d.window_name;
    const person = (en ? d.person_label_en : d.person_label) || Hall.t("advice_someone");
    return el("li", { "data-on-the-way": d.window },
      el("span", { class: "badge s-paused" }, Hall.t("advice_on_the_way")), " ",
      Hall.t("advice_dispatch", { window: name, who: person, time: hhmm(d.ready_at), accepted: hhmm(d.accepted_at),
                                   queues: d.queues.join(" ") }));
  }

  function render(box, a, act) {
    const recs = a.recommendations || [];
    const parts = [];
    if (!recs.length) {
      parts.push(el("p", { class: a.within_target === false ? "advice-over" : "advice-none", id: "advice-status" },
        en ? a.reason_en : a.reason));
    } else {
      parts.push(...recs.map((r) => item(a, r, act)));
    }
    const way = a.on_the_way || [];
    if (way.length) parts.push(el("ul", { class: "advice-way", id: "advice-way" }, ...way.map(onTheWay)));
    const log = a.log || [];
    if (log.length) {
      parts.push(el("ul", { class: "advice-log", id: "advice-log" }, ...log.map((l) =>
        el("li", {}, el("time", {}, hhmm(l.at)), " ", en ? l.text_en : l.text))));
    }
    box.replaceChildren(...parts);
  }

  /* the windows table: a window someone is on the way to says so beside its status */
  function markWindows(table, a) {
    for (const d of a.on_the_way || []) {
      const cell = table.querySelector(`tr[data-window='${d.window}'] td:nth-child(3)`);
      if (cell) cell.append(" ", el("span", { class: "badge s-paused", "data-way": d.window }, Hall.t("advice_on_the_way")));
    }
  }

  return { render, markWindows };
})();
