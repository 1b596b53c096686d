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
