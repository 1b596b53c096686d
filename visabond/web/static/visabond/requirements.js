// The visa classes offered follow the chosen destination: each state names its own.
(function () {
  "use strict";
  var data = document.getElementById("visa-classes");
  var issuer = document.getElementById("id_issuer");
  var visaClass = document.getElementById("id_visa_class");
  if (!data || !issuer || !visaClass) { return; }
  var classes = JSON.parse(data.textContent);
  var anyClass = visaClass.querySelector('option[value="*"]');
  var anyLabel = anyClass ? anyClass.textContent : "—";
  issuer.addEventListener("change", function () {
    var options = classes[issuer.value] || [["*", anyLabel]];
    visaClass.replaceChildren.apply(visaClass, options.map(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      return option;
    }));
  });
}());

// A question half filled in goes with the language link: the other language's page shows
// the same choices, not yet answered ("draft").
(function () {
  "use strict";
  var form = document.getElementById("requirements-form");
  if (!form) { return; }
  var links = document.querySelectorAll(".lang a[hreflang]");
  function carry() {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value) { query.append(name, value); }
    });
    links.forEach(function (link) {
      var target = new URL(link.href, window.location.href);
      var asked = new URLSearchParams(window.location.search);
      if (asked.has("issuer") && !asked.has("draft") && form.dataset.changed !== "yes") {
        return;  // the answer shown: its link already carries the question
      }
      query.set("draft", "1");
      target.search = query.toString();
      link.href = target.toString();
    });
  }
  form.addEventListener("input", function () { form.dataset.changed = "yes"; carry(); });
  form.addEventListener("change", function () { form.dataset.changed = "yes"; carry(); });
  carry();
}());
