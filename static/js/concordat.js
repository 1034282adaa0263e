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
  if (!supported) {
    return;
  }
  document.body.classList.add("govuk-frontend-supported");
  import(script.getAttribute("data-govuk-frontend")).then(function (govuk) {
    govuk.initAll();
  });
})();
