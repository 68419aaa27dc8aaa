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

  // Pickers with chips (HS and ISIC codes, countries, partners, participants): the vendored
  // Tom Select on every <select data-picker>; the option's data-data carries the words it is also
  // found by (a code's names in four languages, a country's English name). Without the script the
  // plain list stays usable.
  if (window.TomSelect) {
    document.querySelectorAll("select[data-picker]").forEach(function (select) {
      var removeLabel = select.getAttribute("data-remove-label") || "×";
      var noResults = select.getAttribute("data-no-results") || "";
      new window.TomSelect(select, {
        plugins: { remove_button: { title: removeLabel, label: "×" } },
        dataAttr: "data-data",
        searchField: ["text", "search"],
        maxOptions: null,
        // A chip hides its option from the list; a single choice keeps it there, so typing the
        // chosen name still finds it instead of "nothing matches".
        hideSelected: select.multiple,
        closeAfterSelect: select.multiple ? false : true,
        placeholder: select.getAttribute("data-placeholder") || "",
        render: {
          no_results: function (_data, escape) {
            return '<div class="no-results">' + escape(noResults) + "</div>";
          }
        }
      });
    });
  }

  // Confirmation before destructive actions.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
