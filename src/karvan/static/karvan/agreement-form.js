// The agreement form asks for each placeholder value once per language of the agreement: only
// the inputs of the languages ticked are shown (without JavaScript all of them are).
(function () {
  "use strict";
  function update(form) {
    var chosen = {};
    form.querySelectorAll("input[name=languages]").forEach(function (box) {
      chosen[box.value] = box.checked;
    });
    form.querySelectorAll("[data-language]").forEach(function (input) {
      var wrapper = input.closest(".mb-3") || input;
      wrapper.hidden = !chosen[input.getAttribute("data-language")];
    });
  }
  document.querySelectorAll("form[data-agreement-form]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "languages") update(form);
    });
    update(form);
  });
})();
