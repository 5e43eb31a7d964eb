/* The self-scheduling page, enhanced (it works without this file): the first visit shows the times
   in the browser's own time zone; changing the zone shows the times again at once. Served from this
   origin (the page allows no inline script). */
(function () {
  "use strict";
  var select = document.getElementById("tz");
  if (!select) return;
  var params = new URLSearchParams(window.location.search);
  if (!params.get("tz")) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
    if (zone && known && zone !== select.getAttribute("data-current")) {
      params.set("tz", zone);
      window.location.replace(window.location.pathname + "?" + params.toString());
      return;
    }
  }
  select.addEventListener("change", function () { select.form.submit(); });
})();
