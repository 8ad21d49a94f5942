// The booking form's client picker: results appear while typing. Without this file the
// "Find" button searches on the server and the matches are listed to pick from.
(function () {
  "use strict";

  function init(picker) {
    var input = picker.querySelector("input[type=search]");
    var hidden = picker.querySelector("input[type=hidden][name=client]");
    var chosen = picker.querySelector("[data-chosen]");
    var list = picker.querySelector("[data-results]");
    if (!input || !hidden || !chosen || !list) return;
    var timer = null;
    var latest = 0;

    function show(results) {
      list.textContent = "";
      results.forEach(function (result) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "client-result";
        button.dataset.id = result.id;
        button.textContent = result.label;
        item.appendChild(button);
        list.appendChild(item);
      });
      if (!results.length) {
        var none = document.createElement("li");
        none.textContent = "No active client matches.";
        list.appendChild(none);
      }
      list.hidden = false;
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { list.hidden = true; return; }
      timer = window.setTimeout(function () {
        var mine = ++latest;
        fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" }, credentials: "same-origin"
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { if (mine === latest) show(data.results); });
      }, 200);
    });

    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-id]");
      if (!button) return;
      hidden.value = button.dataset.id;
      chosen.textContent = button.textContent;
      list.hidden = true;
      input.value = "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-client-picker]").forEach(init);
  });
})();
