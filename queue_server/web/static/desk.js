/* The guide desk (咨询引导): a ticket for a citizen (priority, 代办), a lost ticket again, check-in, feedback. */
"use strict";
(() => {
  const me = Hall.requireLogin(["guide", "manager", "admin"]);
  if (!me) return;
  const $ = (id) => document.getElementById(id);
  const el = Hall.el;
  const t = Hall.t;
  const blank = (v) => (v.trim() === "" ? null : v.trim());
  let requestSeq = 0;

  $("proxy-on").addEventListener("change", () => { $("proxy-fields").hidden = !$("proxy-on").checked; });

  function showTicket(out) {
    const tk = out.ticket;
    $("desk-ticket").hidden = false;
    $("dt-queue").textContent = tk.item_name || Hall.queueName(tk.queue);
    $("dt-number").textContent = tk.number;
    $("dt-priority").textContent = t("prio_" + tk.priority);
    $("dt-ahead").textContent = `${Hall.stateName(tk.state)} · ${t("desk_ahead", { n: tk.ahead })} · ` +
      t("about_minutes", { m: Math.round((tk.predicted_wait_s || 0) / 60) });
    $("dt-holder").textContent = tk.holder || out.holder_id
      ? `${t("desk_holder")} ${tk.holder || ""} ${out.holder_id || ""}` : "";
    const p = out.proxy;
    $("dt-proxy").textContent = p ? t("desk_proxy_line", { name: p.name, relation: t("rel_" + p.relation), id: p.id }) : "";
  }

  $("issue-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    Hall.clearError();
    const [kind, code] = $("target").value.split(":");
    const body = { priority: document.querySelector("input[name=priority]:checked").value,
                   id_number: blank($("id-number").value), name: blank($("name").value),
                   request_id: `desk-${me.username}-${Date.now()}-${++requestSeq}` };
    body[kind] = code;
    if ($("proxy-on").checked) {
      body.proxy = { name: $("proxy-name").value.trim(), id_number: $("proxy-id").value.trim(),
                     relation: $("proxy-relation").value };
    }
    try {
      const out = await Hall.api("POST", "/api/desk/tickets", body);
      showTicket(out);
      Hall.showInfo(t("desk_issued", { number: out.ticket.number }));
      $("issue-form").reset();  // the typed ID numbers leave the screen; the card shows them masked
      $("proxy-fields").hidden = true;
    } catch (e) { Hall.showError(e); }
  });

  $("reprint-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    Hall.clearError();
    try { showTicket(await Hall.api("GET", "/api/desk/tickets/" + encodeURIComponent($("reprint-number").value.trim().toUpperCase()))); }
    catch (e) { Hall.showError(e); }
  });

  $("checkin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    Hall.clearError();
    const code = blank($("checkin-code").value), id = blank($("checkin-id").value);
    try {
      const out = code ? await Hall.api("POST", "/api/appointments/checkin", { code })
        : await Hall.api("POST", "/api/appointments/checkin/id", { id_number: id || "" });
      showTicket({ ticket: out.ticket });
      $("checkin-message").textContent = Hall.localMessage(out.message);
      $("checkin-form").reset();
      loadBookings();
    } catch (e) { Hall.showError(e); }
  });

  function feedbackRow(f) {
    return el("tr", { class: f.kind === "complaint" ? "over" : null }, el("td", {}, Hall.clock(f.at)),
      el("td", {}, t("kind_" + f.kind)), el("td", {}, t("cat_" + f.category)),
      el("td", {}, f.window ? (Hall.DATA.window_names[String(f.window)] || f.window) : "—"),
      el("td", {}, f.number || "—"), el("td", {}, f.contact || "—"), el("td", {}, f.text));
  }

  async function loadBookings() {
    try {
      const day = await Hall.api("GET", "/api/appointments");
      $("booking-figures").textContent = t("desk_booking_figures", day.figures);
      $("booking-table").tBodies[0].replaceChildren(...day.bookings.map((b) => el("tr", { "data-code": b.code },
        el("td", {}, b.start), el("td", {}, b.item || Hall.queueName(b.queue)), el("td", {}, b.holder || "—"),
        el("td", {}, b.holder_id || "—"), el("td", {}, t("src_" + b.source)), el("td", { class: "state" }, t("bk_" + b.state)),
        el("td", {}, b.ticket || "—"))));
    } catch (e) { Hall.showError(e); }
  }

  async function loadFeedback() {
    try {
      const day = await Hall.api("GET", "/api/desk/feedback");
      $("feedback-table").tBodies[0].replaceChildren(...day.items.map(feedbackRow));
    } catch (e) { Hall.showError(e); }
  }

  $("feedback-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    Hall.clearError();
    const body = { kind: $("fb-kind").value, category: $("fb-category").value, text: $("fb-text").value,
                   contact: blank($("fb-contact").value), number: blank($("fb-number").value.toUpperCase()),
                   window: $("fb-window").value ? Number($("fb-window").value) : null };
    try {
      const f = await Hall.api("POST", "/api/desk/feedback", body);
      Hall.showInfo(t("desk_registered", { contact: f.contact || "—" }));
      $("feedback-form").reset();
      loadFeedback();
    } catch (e) { Hall.showError(e); }
  });

  loadFeedback();
  loadBookings();
})();
