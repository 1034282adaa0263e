// Suggestions as a record is typed (GOV.UK's accessible-autocomplete), for text boxes
// marked data-app-autocomplete="<search address>". Without this script the box is a plain
// text box and the form finds the record by what was typed, so nothing depends on it.
(function () {
  "use strict";
  function enhance(input) {
    var url = input.getAttribute("data-app-autocomplete");
    var describedBy = input.getAttribute("aria-describedby");
    var wrapper = document.createElement("div");
    input.parentNode.insertBefore(wrapper, input);
    input.parentNode.removeChild(input);
    window.accessibleAutocomplete({
      element: wrapper,
      id: input.id,
      name: input.name,
      defaultValue: input.value,
      minLength: 2,
      showNoOptionsFound: true,
      confirmOnBlur: false,
      inputClasses: input.className,
      tNoResults: function () { return "Nothing found: check the reference"; },
      source: function (query, populateResults) {
        var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
        fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { populateResults(data.results); })
          .catch(function () { populateResults([]); });
      }
    });
    var created = document.getElementById(input.id);
    if (created && describedBy) {
      created.setAttribute("aria-describedby", describedBy);
    }
  }
  document.querySelectorAll("input[data-app-autocomplete]").forEach(enhance);
})();
