// Karvan's page script: no inline scripts (the content security policy forbids them).
(function () {
  "use strict";
  // Tell the server the browser's time zone, so visitors see times in their own zone and the
  // sign-up form can offer it.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      document.cookie = "karvan_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
      document.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
        if (select.dataset.browserZone === "fill" && !select.dataset.touched) {
          var option = select.querySelector('option[value="' + zone + '"]');
          if (option && select.value === "UTC") { select.value = zone; }
        }
      });
    }
  } catch (error) { /* an old browser without Intl: the server's default zone stays */ }

  // Language switcher: submit on change.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Code pickers (HS, ISIC): a filter box above the list that matches the code or its name in any
  // of the four languages, and the chosen codes listed beneath.
  document.querySelectorAll("select[data-code-picker]").forEach(function (select) {
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "form-control form-control-sm mb-1";
    filter.placeholder = select.getAttribute("data-filter-placeholder") || "…";
    filter.setAttribute("aria-label", filter.placeholder);
    select.parentNode.insertBefore(filter, select);
    var chosen = document.createElement("div");
    chosen.className = "small text-body-secondary mt-1";
    select.parentNode.insertBefore(chosen, select.nextSibling);
    function fold(text) { return text.toLowerCase().replace(/ي/g, "ی").replace(/ك/g, "ک"); }
    function showChosen() {
      chosen.textContent = Array.prototype.filter.call(select.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; }).join(" · ");
    }
    filter.addEventListener("input", function () {
      var needle = fold(filter.value.trim());
      Array.prototype.forEach.call(select.options, function (option) {
        var haystack = fold((option.getAttribute("data-search") || "") + " " + option.text);
        option.hidden = needle !== "" && haystack.indexOf(needle) === -1 && !option.selected;
      });
    });
    select.addEventListener("change", showChosen);
    showChosen();
  });

  // Confirmation before destructive actions.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
