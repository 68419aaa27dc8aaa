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

  // Confirmation before destructive actions.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
