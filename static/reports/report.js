// Report page: while the report is being generated or its email is on its way, ask the API for
// its state and reload the page when it changes. Plain script, served as a file (strict CSP).
(function () {
  "use strict";
  const root = document.getElementById("report");
  if (!root) return;
  const settled = { status: ["done", "failed"], delivery: ["not_sent", "sent", "failed"] };
  function waiting(status, delivery) {
    return settled.status.indexOf(status) < 0 || settled.delivery.indexOf(delivery) < 0;
  }
  if (!waiting(root.dataset.status, root.dataset.delivery)) return;
  function poll() {
    fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && (body.status !== root.dataset.status || body.delivery.code !== root.dataset.delivery)) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
