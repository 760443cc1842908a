// The desk's one script (no library): the source panel's tabs, marks lit from the form and back,
// rows added to the form, and the source panel loaded while the server reads a file.
(function () {
  "use strict";

  function marksFor(key) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-keys]"), function (el) {
      return el.getAttribute("data-keys").split(" ").indexOf(key) >= 0;
    });
  }

  function light(key, on, scroll) {
    var found = marksFor(key);
    found.forEach(function (el) { el.classList.toggle("hl", on); });
    if (on && scroll && found.length) {
      var visible = found.filter(function (el) { return el.offsetParent !== null; });
      (visible[0] || found[0]).scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  function bindForm(root) {
    root.querySelectorAll("[data-key]").forEach(function (row) {
      var key = row.getAttribute("data-key");
      if (!key) { return; }
      row.addEventListener("focusin", function () { row.classList.add("hl"); light(key, true, true); });
      row.addEventListener("focusout", function () { row.classList.remove("hl"); light(key, false, false); });
      row.addEventListener("mouseenter", function () { light(key, true, false); });
      row.addEventListener("mouseleave", function () { if (!row.contains(document.activeElement)) { light(key, false, false); } });
    });
  }

  function bindSource(root) {
    root.querySelectorAll(".tabs [data-tab]").forEach(function (button) {
      button.addEventListener("click", function () {
        var panel = button.closest(".panel");
        panel.querySelectorAll(".tabs [data-tab]").forEach(function (b) { b.setAttribute("aria-selected", b === button ? "true" : "false"); });
        panel.querySelectorAll("div.tab").forEach(function (tab) { tab.hidden = tab.getAttribute("data-tab") !== button.getAttribute("data-tab"); });
      });
    });
    root.querySelectorAll("[data-keys]").forEach(function (mark) {
      mark.addEventListener("click", function (event) {
        event.stopPropagation();
        var key = mark.getAttribute("data-keys").split(" ").pop();
        var row = document.querySelector('.record [data-key="' + key.replace(/"/g, '\\"') + '"]');
        if (row) {
          row.scrollIntoView({ block: "center", behavior: "smooth" });
          var input = row.querySelector("input:not([type=hidden]), textarea, select");
          if (input) { input.focus({ preventScroll: true }); }
        }
      });
    });
  }

  function bindAdd() {
    document.querySelectorAll("button[data-add]").forEach(function (button) {
      button.addEventListener("click", function () {
        var kind = button.getAttribute("data-add");
        var body = document.querySelector('[data-rows="' + kind + '"]');
        var template = document.getElementById(kind + "-template");
        var used = Array.prototype.map.call(body.querySelectorAll("[name^='" + kind + "-']"), function (el) {
          return parseInt(el.name.split("-")[1], 10);
        });
        var next = used.length ? Math.max.apply(null, used) + 1 : 0;
        var html = template.innerHTML.replace(/__N__/g, String(next));
        body.insertAdjacentHTML("beforeend", html);
        var added = body.lastElementChild.querySelector("input:not([type=hidden]), textarea");
        if (added) { added.focus(); }
      });
    });
  }

  function loadSource() {
    var holder = document.querySelector(".panel.loading[data-src]");
    if (!holder) { return; }
    fetch(holder.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var box = document.createElement("div");
        box.innerHTML = html;
        var panel = box.querySelector(".panel");
        if (!panel) { holder.textContent = "Không hiển thị được tệp nguồn."; return; }
        holder.replaceWith(panel);
        bindSource(panel);
        markMissing(panel);
      })
      .catch(function () { holder.textContent = "Không tải được tệp nguồn; tải lại trang."; });
  }

  function markMissing(panel) {
    var found = {};
    panel.querySelectorAll("[data-keys]").forEach(function (el) {
      el.getAttribute("data-keys").split(" ").forEach(function (k) { found[k] = true; });
    });
    document.querySelectorAll(".record tr[data-key], .record .task-row[data-key]").forEach(function (row) {
      var key = row.getAttribute("data-key");
      row.classList.toggle("notfound", !!key && !found[key]);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".record");
    if (form) { bindForm(form); }
    bindSource(document);
    bindAdd();
    loadSource();
  });
})();
