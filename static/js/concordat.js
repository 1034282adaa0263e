// Concordat's page script, a file rather than inline so the content security
// policy allows no inline script. Loaded at the top of <body>: it marks the page
// as having JavaScript (GOV.UK Frontend's js-enabled and, in browsers with ES
// modules, govuk-frontend-supported classes) and starts GOV.UK Frontend's
// components once the page has been read. The module's address comes from the
// script's data-govuk-frontend attribute, so it is the hashed static name.
(function () {
  "use strict";
  var script = document.currentScript;
  var supported = "noModule" in HTMLScriptElement.prototype;
  document.body.classList.add("js-enabled");
  if (!supported) {
    return;
  }
  document.body.classList.add("govuk-frontend-supported");
  var govukFrontend = import(script.getAttribute("data-govuk-frontend"));
  document.addEventListener("DOMContentLoaded", function () {
    govukFrontend.then(function (govuk) {
      govuk.initAll();
    });
  });
})();
