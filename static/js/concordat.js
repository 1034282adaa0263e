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
  // A region showing work under way (a PDF being made) asks its address again every few
  // seconds and shows the answer in place: the page never reloads itself (a timed refresh is
  // not allowed, WCAG 2.2.1), and without JavaScript its "Check again" link does the same.
  // An address that answers the PDF itself leaves a link to it in the region.
  document.querySelectorAll("[data-app-poll]").forEach(function (region) {
    var wait = (Number(region.getAttribute("data-app-poll")) || 3) * 1000;
    var address = window.location.href.split("#")[0];
    function showLink() {
      var paragraph = document.createElement("p");
      var link = document.createElement("a");
      paragraph.className = "govuk-body";
      link.className = "govuk-link";
      link.href = address;
      link.textContent = region.getAttribute("data-app-poll-ready") || "Ready: open it";
      paragraph.appendChild(link);
      region.replaceChildren(paragraph);
    }
    function ask() {
      fetch(address, { credentials: "same-origin" })
        .then(function (answer) {
          if ((answer.headers.get("Content-Type") || "").indexOf("application/pdf") === 0) {
            showLink();
            return;
          }
          return answer.text().then(function (html) {
            var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
            if (!fresh) {
              return;
            }
            region.innerHTML = fresh.innerHTML;
            if (fresh.hasAttribute("data-app-poll")) {
              window.setTimeout(ask, wait);
            }
          });
        })
        .catch(function () {
          window.setTimeout(ask, wait * 2);
        });
    }
    window.setTimeout(ask, wait);
  });
  if (!supported) {
    return;
  }
  document.body.classList.add("govuk-frontend-supported");
  import(script.getAttribute("data-govuk-frontend")).then(function (govuk) {
    govuk.initAll();
  });
})();
