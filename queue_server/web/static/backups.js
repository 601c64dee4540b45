/* 第五十九条 on the console: the last backup and its copy, the restore drills' history. */
"use strict";
(() => {
  const table = document.getElementById("drill-table");
  if (!table || !Hall.session.get()) return;
  const el = Hall.el;
  const when = (iso) => (iso ? String(iso).slice(0, 16).replace("T", " ") : "—");  /* the hall's time, as sent */
  const base = (p) => String(p || "").split("/").pop();

  async function load() {
    let r;
    try { r = await Hall.api("GET", "/api/backups"); } catch (e) { Hall.showError(e); return; }
    const b = r.last_backup;
    document.getElementById("backup-last").textContent = b ? Hall.t("backup_last", {
      at: when(b.at), file: base(b.file), size: Math.round(b.bytes / 1024),
      copy: b.copy_error ? Hall.t("backup_copy_failed", { error: b.copy_error })
        : b.copied_to ? Hall.t("backup_copied", { to: b.copied_to }) : "" }) : Hall.t("backup_none");
    const rows = r.drills.slice(0, 10).map((d) => el("tr", { "data-drill": d.at },
      el("td", {}, when(d.at)),
      el("td", {}, el("span", { class: "badge " + (d.ok ? "ok" : "neg") }, Hall.t(d.ok ? "drill_ok" : "drill_failed"))),
      el("td", {}, base(d.backup) || "—"),
      el("td", {}, d.ok ? Object.entries(d.counts || {}).map(([k, v]) => `${k} ${v}`).join(" · ") : (d.error || "")),
      el("td", { class: "num" }, d.seconds)));
    table.tBodies[0].replaceChildren(...(rows.length ? rows
      : [el("tr", {}, el("td", { colspan: 5, class: "empty" }, Hall.t("drill_none")))]));
  }

  load();
  setInterval(load, 300000);
})();
