// Gait session page: drag-and-drop upload of several videos with a progress bar each, then live
// analysis progress by polling the API. Plain script, served as a file (strict CSP).
(function () {
  "use strict";
  const root = document.getElementById("gait-session");
  if (!root) return;
  const sessionId = root.dataset.session;
  const limit = Number(root.dataset.limit);
  const videosUrl = root.dataset.videosUrl;
  const csrf = root.querySelector("[name=csrfmiddlewaretoken]").value;
  let uploading = 0;

  function megabytes(bytes) { return Math.round(bytes / 1e6).toLocaleString() + " MB"; }

  function addRow(list, file) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = file.name + " ";
    const bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    const state = document.createElement("span");
    state.className = "state";
    li.append(name, bar, " ", state);
    list.append(li);
    return { li, bar, state };
  }

  function fail(row, message, link) {
    row.bar.remove();
    row.state.textContent = message;
    row.state.className = "state error";
    row.state.setAttribute("role", "alert");
    if (link) {
      const a = document.createElement("a");
      a.href = link; a.textContent = " See the first upload";
      row.state.append(a);
    }
  }

  function upload(zone, file) {
    const row = addRow(zone.querySelector(".uploads"), file);
    if (file.size > limit) {
      fail(row, "Too big: " + megabytes(file.size) + "; the limit is " + megabytes(limit) + ".");
      return;
    }
    const form = new FormData();
    form.append("trial", zone.dataset.trial);
    form.append("view", zone.querySelector("[data-view]").value);
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", videosUrl);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) row.bar.value = Math.round(100 * event.loaded / event.total);
    });
    xhr.addEventListener("load", function () {
      uploading -= 1;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status === 201) {
        row.bar.value = 100;
        row.state.textContent = "Uploaded; queued for analysis.";
        poll();
      } else {
        fail(row, body.message || ("Upload failed (" + xhr.status + ")."), body.session_url);
      }
    });
    xhr.addEventListener("error", function () {
      uploading -= 1;
      fail(row, "The connection failed; nothing was saved. Try again.");
    });
    uploading += 1;
    xhr.send(form);
  }

  document.querySelectorAll(".dropzone").forEach(function (zone) {
    const input = zone.querySelector("[data-files]");
    input.addEventListener("change", function () {
      Array.from(input.files).forEach(function (file) { upload(zone, file); });
      input.value = "";
    });
    zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("over");
      Array.from(event.dataTransfer.files).forEach(function (file) { upload(zone, file); });
    });
  });

  const busy = new Set(["QUEUED", "PROCESSING"]);
  let timer = null;

  function update(video) {
    const article = document.querySelector('[data-video="' + video.id + '"]');
    if (!article) return true; // a new video: reload to show it
    const changed = article.dataset.status !== video.status;
    article.querySelector('[data-field="stage"]').textContent = video.stage;
    const bar = article.querySelector('[data-field="percent"]');
    bar.value = video.percent;
    bar.textContent = video.percent + "%";
    article.querySelector('[data-field="status"]').textContent = video.status.charAt(0) + video.status.slice(1).toLowerCase();
    return changed && !busy.has(video.status);
  }

  function poll() {
    if (timer) return;
    timer = window.setTimeout(function () {
      timer = null;
      fetch(videosUrl + "?session=" + sessionId + "&page_size=200", { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          let reload = false, running = false;
          (body.results || []).forEach(function (video) {
            if (update(video)) reload = true;
            if (busy.has(video.status)) running = true;
          });
          if (reload && uploading === 0) { window.location.reload(); return; }
          if (running || uploading > 0) poll();
        })
        .catch(function () { poll(); });
    }, 1500);
  }

  if (document.querySelector('[data-video][data-status="QUEUED"], [data-video][data-status="PROCESSING"]')) poll();
})();
