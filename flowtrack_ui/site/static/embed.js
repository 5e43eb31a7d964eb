/* FlowTrack's embeddable job list. A company pastes
     <div id="flowtrack-jobs"></div>
     <script src="https://…/careers/{slug}/embed.js" async></script>
   on its own site; this draws its open jobs there (or just before this script when the element is
   missing). It reads the list from jobs.json beside its own address, writes text only (never HTML),
   and its links open the job pages in the top window. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var own = new URL(script.src, document.baseURI);
  var base = own.origin + own.pathname.replace(/\/embed\.js$/, "");
  var box = document.getElementById("flowtrack-jobs");
  if (!box) {
    box = document.createElement("div");
    box.id = "flowtrack-jobs";
    script.parentNode.insertBefore(box, script);
  }
  box.classList.add("flowtrack-jobs");
  box.setAttribute("aria-busy", "true");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(href, text, className) {
    var a = el("a", className, text);
    a.href = href;
    a.target = "_top";
    return a;
  }

  function draw(data) {
    box.textContent = "";
    var list = el("ul", "flowtrack-jobs__list");
    list.style.listStyle = "none";
    list.style.padding = "0";
    list.style.margin = "0";
    data.jobs.forEach(function (job) {
      var item = el("li", "flowtrack-jobs__job");
      item.style.padding = "10px 0";
      item.style.borderBottom = "1px solid rgba(0,0,0,.12)";
      var title = link(job.url, job.title, "flowtrack-jobs__title");
      title.style.fontWeight = "600";
      item.appendChild(title);
      var meta = [job.department, job.location].filter(Boolean).join(" · ");
      if (meta) {
        var line = el("div", "flowtrack-jobs__meta", meta);
        line.style.opacity = "0.8";
        item.appendChild(line);
      }
      list.appendChild(item);
    });
    if (data.jobs.length) {
      box.appendChild(list);
    } else {
      box.appendChild(el("p", "flowtrack-jobs__empty", "No open jobs right now."));
    }
    var more = el("p", "flowtrack-jobs__more");
    more.appendChild(link(data.company.url, "All jobs at " + data.company.name));
    box.appendChild(more);
    box.removeAttribute("aria-busy");
  }

  function fail() {
    box.textContent = "";
    var p = el("p", "flowtrack-jobs__error", "The job list could not be loaded. ");
    p.appendChild(link(base + "?source=embed", "See the open jobs"));
    box.appendChild(p);
    box.removeAttribute("aria-busy");
  }

  fetch(base + "/jobs.json", { credentials: "omit" })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then(draw, fail);
})();
