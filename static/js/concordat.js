// Concordat's page script, a file rather than inline so the content security
// policy allows no inline script. Loaded with "defer" from <head>, so it never
// holds up reading the page: once the page is read it marks <body> as having
// JavaScript (GOV.UK Frontend's js-enabled and, in browsers with ES modules,
// govuk-frontend-supported classes) and starts GOV.UK Frontend's components.
// The module's address comes from the script's data-govuk-frontend attribute,
// so it is the hashed static name.
(function () {
  "use strict";
  var script = document.currentScript;
  var supported = "noModule" in HTMLScriptElement.prototype;
  document.body.classList.add("js-enabled");
  // A register's filters fold into a <details>, closed so that on a small screen the results
  // come first; on a wide screen (GOV.UK's desktop breakpoint) they open beside the results.
  if (window.matchMedia && window.matchMedia("(min-width: 48.0625em)").matches) {
    document.querySelectorAll("details[data-app-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }
  if (!supported) {
    return;
  }
  document.body.classList.add("govuk-frontend-supported");
  import(script.getAttribute("data-govuk-frontend")).then(function (govuk) {
    govuk.initAll();
  });
})();
