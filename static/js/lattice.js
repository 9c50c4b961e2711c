// Lattice: small enhancements only. Every page works without this file.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    // On a phone, fold the list filters away until asked for (they are open without JS).
    var narrow = window.matchMedia("(max-width: 47.99rem)").matches;
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (details) {
      if (narrow && !details.hasAttribute("data-keep-open")) {
        details.open = false;
      }
    });

    // Leave empty fields out of filter URLs, so that shared addresses stay short.
    document.querySelectorAll("form[data-drop-empty]").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("input, select").forEach(function (field) {
          var choice = field.type === "checkbox" || field.type === "radio";
          if (field.name && field.value === "" && (!choice || field.checked)) {
            field.disabled = true;
            field.setAttribute("data-dropped", "");
          }
        });
      });
    });
  });

  // A link to a part of the page folded in a <details> (the typology glossary) opens it:
  // not every browser does on its own.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
    if (target) {
      target.scrollIntoView();
    }
  }
  document.addEventListener("DOMContentLoaded", openTarget);
  window.addEventListener("hashchange", openTarget);

  // Coming back with the Back button: the fields must be usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-dropped]").forEach(function (field) {
      field.disabled = false;
      field.removeAttribute("data-dropped");
    });
  });
})();
