/* The one-step apply form, enhanced (it works without this file): a picked résumé is checked for
   size and type at once, then read by the server (POST /api/apply/resume-fields, nothing stored) to
   fill in the name, email, phone and LinkedIn fields that are still empty. Served from this origin
   (the careers pages allow no inline script). */
(function () {
  "use strict";
  var form = document.getElementById("apply-form");
  if (!form || !window.fetch || !window.FormData) return;
  var input = document.getElementById("resume");
  var status = document.getElementById("resume-status");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 10 * 1024 * 1024;
  var prefillUrl = form.getAttribute("data-prefill-url");
  var FIELDS = ["full_name", "email", "phone", "linkedin_url"];
  var TYPES = ["application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"];

  var summary = document.getElementById("apply-errors");
  if (summary) summary.focus();

  function describedBy(el, id, on) {
    var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    ids = ids.filter(function (x) { return x !== id; });
    if (on) ids.push(id);
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
  }

  function showError(message) {
    var error = document.getElementById("resume-error");
    if (!message) {
      if (error) error.remove();
      input.removeAttribute("aria-invalid");
      describedBy(input, "resume-error", false);
      input.setCustomValidity("");
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.id = "resume-error";
      error.className = "field-error";
      error.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", error);
    }
    error.textContent = message;
    input.setAttribute("aria-invalid", "true");
    describedBy(input, "resume-error", true);
    input.setCustomValidity(message);  // the browser will not send the form with this file
  }

  function say(message) {
    if (status) status.textContent = message;
  }

  function mib(bytes) {
    return (bytes / 1048576).toFixed(1);
  }

  function looksAccepted(file) {
    var name = (file.name || "").toLowerCase();
    return TYPES.indexOf(file.type) !== -1 || /\.(pdf|docx)$/.test(name);
  }

  function fill(found) {
    var filled = [];
    FIELDS.forEach(function (name) {
      var el = document.getElementById(name);
      var value = found && typeof found[name] === "string" ? found[name].trim() : "";
      if (el && value && !el.value.trim()) {
        el.value = value;
        filled.push(el.labels && el.labels[0] ? el.labels[0].textContent.replace(/[*(].*$/, "").trim() : name);
      }
    });
    return filled;
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    showError("");
    say("");
    if (!file) return;
    if (file.size > maxBytes) {
      showError("The résumé is " + mib(file.size) + " MiB; at most " + mib(maxBytes).replace(/\.0$/, "") +
        " MiB is accepted. Please choose a smaller file.");
      return;
    }
    if (!looksAccepted(file)) {
      showError("A résumé must be a PDF or a Word (DOCX) document; this file is neither.");
      return;
    }
    if (!prefillUrl) return;
    say("Reading your résumé…");
    var body = new FormData();
    body.append("file", file, file.name);
    fetch(prefillUrl, { method: "POST", body: body, credentials: "omit" })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          return { ok: res.ok, status: res.status, data: data };
        });
      })
      .then(function (answer) {
        if (input.files[0] !== file) return;  // another file was picked meanwhile
        if (answer.status === 413 || answer.status === 415) {
          say("");
          showError(typeof answer.data.detail === "string" ? answer.data.detail : "This file cannot be sent.");
          return;
        }
        if (!answer.ok) {
          say("We could not read your résumé here; please fill in the fields yourself.");
          return;
        }
        var filled = fill(answer.data);
        say(filled.length
          ? "Filled in from your résumé: " + filled.join(", ") + ". Please check them."
          : "Your résumé is attached. Please fill in the fields below.");
      })
      .catch(function () {
        say("We could not read your résumé here; please fill in the fields yourself.");
      });
  });

  window.addEventListener("pageshow", function () {  // back to this page: it may be sent again
    var button = form.querySelector("button[type=submit]");
    if (button && button.disabled) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = "Send application";
    }
  });

  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.setAttribute("aria-busy", "true");
      button.textContent = "Sending…";
      window.setTimeout(function () { button.disabled = true; }, 0);  // after the form is on its way
    }
  });
})();
