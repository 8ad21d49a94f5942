// Calendar enhancements; every page works without this file.
// Served from 'self' (no inline script) and styles only through the CSSOM, so the CSP holds.
(function () {
  "use strict";
  var HEX = /^#[0-9a-fA-F]{6}$/;

  function colourAppointments(root) {
    // Each appointment type has its own colour (set in admin); the kind-* class is the fallback.
    root.querySelectorAll(".appt[data-colour]").forEach(function (el) {
      var colour = el.dataset.colour;
      if (HEX.test(colour)) el.style.setProperty("--type-colour", colour);
    });
  }

  function autoSubmit(root) {
    root.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.querySelectorAll("select, input[type=date]").forEach(function (input) {
        input.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
      });
    });
  }

  function keyboardNavigation() {
    // Left / right arrows go to the previous / next day or week (not while typing).
    document.addEventListener("keydown", function (event) {
      if (event.target.closest("input, select, textarea") || event.altKey || event.ctrlKey || event.metaKey) return;
      var link = null;
      if (event.key === "ArrowLeft") link = document.querySelector(".cal-nav a[rel=prev]");
      if (event.key === "ArrowRight") link = document.querySelector(".cal-nav a[rel=next]");
      if (link) window.location.assign(link.href);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    colourAppointments(document);
    autoSubmit(document);
    keyboardNavigation();
  });
})();
