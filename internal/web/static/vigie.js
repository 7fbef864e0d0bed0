// Vigie console: progressive enhancements only; every action works as a
// plain form without this file.
"use strict";
document.addEventListener("submit", function (ev) {
  var msg = ev.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { ev.preventDefault(); }
});
document.addEventListener("click", function (ev) {
  var a = ev.target.closest("a[data-back]");
  if (a && window.history.length > 1) { ev.preventDefault(); window.history.back(); }
});
// The CNIL countdown ticks every minute.
function tick() {
  document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
    var left = Number(el.getAttribute("data-deadline")) - Math.floor(Date.now() / 1000);
    var neg = left < 0; if (neg) { left = -left; }
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60);
    el.textContent = (neg ? "−" : "") + h + " h " + (m < 10 ? "0" : "") + m + " min";
  });
}
document.addEventListener("DOMContentLoaded", function () { tick(); window.setInterval(tick, 60000); });
// Quarantine list: tick a whole page, count what is ticked.
function countSelected() {
  var el = document.getElementById("selected-count");
  if (!el) { return; }
  var n = document.querySelectorAll('#quarantine-list input[name="ids"]:checked').length;
  el.textContent = n === 0 ? el.getAttribute("data-none") : el.getAttribute("data-some").replace("%d", n);
}
document.addEventListener("change", function (ev) {
  if (ev.target.hasAttribute && ev.target.hasAttribute("data-select-all")) {
    document.querySelectorAll('#quarantine-list input[name="ids"]').forEach(function (c) { c.checked = ev.target.checked; });
  }
  countSelected();
});
