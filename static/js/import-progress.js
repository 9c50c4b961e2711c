// A list applied in the background (admin, curation/admin.py ImportJobAdmin): follow its
// progress on the job's page, and show the result when it ends. Without this file the
// page says where the job stands and offers a Refresh link.
(function () {
  "use strict";

  var POLL_MS = 1000;
  var RETRY_MS = 5000;

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("import-progress");
    if (!box || box.getAttribute("data-finished") === "1") {
      return;
    }
    var bar = document.getElementById("import-bar");
    var status = document.getElementById("import-status");
    var text = document.getElementById("import-text");

    function show(progress) {
      status.textContent = progress.status_display;
      text.textContent = progress.text;
      if (progress.known) {
        bar.value = progress.percent;
      } else {
        bar.removeAttribute("value"); // indeterminate until the rows are checked
      }
      bar.textContent = progress.percent + " %";
    }

    function poll() {
      fetch(box.getAttribute("data-progress-url"), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (progress) {
          show(progress);
          if (progress.finished) {
            window.location.reload(); // the result: what changed, or why not
          } else {
            window.setTimeout(poll, POLL_MS);
          }
        })
        .catch(function () {
          window.setTimeout(poll, RETRY_MS);
        });
    }

    window.setTimeout(poll, POLL_MS);
  });
})();
