"""In Chromium: boards of 300 and 2,000 applications until their cards can be dragged, then real
mouse drags (Applied → Screening).

For each drag, on one clock (epoch milliseconds): the mouse release, the move event leaving the
browser, the card drawn in its new column (sampled every animation frame from the release), and
the move committed (a thread polling the database). Every frame in which the card is visible in
its old column after the release counts as a flicker frame.
"""

from __future__ import annotations

import threading
import time

from common import PASSWORD, Site, bulk_job, each_engine, median, percentile
from playwright.sync_api import sync_playwright
from sqlalchemy import text

CHROMIUM = "/usr/bin/chromium"
BOARD_SIZES = (300, 2000)
LOADS = 2
DRAGS = 25  # per board
DRAGGABLE = '[data-testid="column-Applied"] [data-testid=card][aria-roledescription]'

# Installed before each drop: from the mouse release, every animation frame records the columns in
# which the card is visible (not the dragged copy); done after 600 ms.
WATCH_JS = """([id, target, source]) => {
  window.__released = null;
  window.__shown = null;
  window.__flicker = 0;
  window.__done = false;
  const now = () => performance.timeOrigin + performance.now();
  const where = () => [...document.querySelectorAll(`[data-card-id="${id}"]`)]
    .filter((el) => el.dataset.dragging !== "true" && getComputedStyle(el).visibility !== "hidden")
    .map((el) => (el.closest("[data-column-stage]") || {dataset: {}}).dataset.columnStage);
  // pointerup comes before the mouseup the board acts on: the clock starts at the release itself.
  window.addEventListener("pointerup", () => {
    window.__released = now();
    const sample = () => {
      const columns = where();
      if (window.__shown === null && columns.includes(target)) window.__shown = now();
      if (columns.includes(source)) window.__flicker += 1;
      if (now() - window.__released < 600 || window.__shown === null) requestAnimationFrame(sample);
      else window.__done = true;
    };
    sample();
  }, {capture: true, once: true});
}"""


# Timestamps of the frames the page sends over the event websocket (the move leaving the browser).
SENT_JS = """(() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    window.__sent.push([performance.timeOrigin + performance.now(), String(data).slice(0, 400)]);
    return send.call(this, data);
  };
})()"""


class CommitWatcher(threading.Thread):
    """Polls one application's stage every millisecond; records when the move is committed."""

    def __init__(self, s: Site, app_id: int, stage: str):
        super().__init__(daemon=True)
        self.s, self.app_id, self.stage = s, app_id, stage
        self.committed_at: float | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        with self.s.db.engine.connect() as conn:
            while not self.stop.is_set():
                found = conn.execute(
                    text(
                        "SELECT st.name FROM application a JOIN job_stage st ON st.id = a.stage_id "
                        "WHERE a.id = :i"
                    ),
                    {"i": self.app_id},
                ).scalar()
                conn.rollback()
                if found == self.stage:
                    self.committed_at = time.time() * 1000
                    return
                time.sleep(0.001)


def sign_in(page, s: Site) -> None:
    page.goto(s.server.url + "/login")
    page.fill("#email", s.recruiter.email)
    page.fill("#password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=sign-out]")


def time_to_draggable(page, board_url: str) -> list[float]:
    """Milliseconds from navigation start until the first card can be picked up."""
    times = []
    for _ in range(LOADS):
        page.goto(board_url)
        page.wait_for_function(
            f"document.querySelector('{DRAGGABLE}') !== null", polling="raf", timeout=30000
        )
        times.append(page.evaluate("performance.now()"))
    return times


def one_drag(page, s: Site) -> tuple[float, float, float, int]:
    """Milliseconds from the mouse release to the move event leaving, committed, drawn in its new
    column; and the flicker frames (the card seen in its old column after the release)."""
    card = page.locator(DRAGGABLE).first
    app_id = int(card.get_attribute("data-card-id"))
    page.evaluate(WATCH_JS, [app_id, "Screening", "Applied"])
    watcher = CommitWatcher(s, app_id, "Screening")
    src = card.bounding_box()
    dst = page.locator('[data-testid="column-Screening"]').bounding_box()
    page.mouse.move(src["x"] + src["width"] / 2, src["y"] + 15)
    page.mouse.down()
    page.mouse.move(src["x"] + src["width"] / 2, src["y"] + 30, steps=3)
    page.mouse.move(dst["x"] + dst["width"] / 2, dst["y"] + 70, steps=10)
    page.wait_for_timeout(120)
    watcher.start()
    page.mouse.up()
    page.wait_for_function("window.__done", polling="raf", timeout=10000)
    watcher.join(10)
    watcher.stop.set()
    released, shown, flicker = page.evaluate("[window.__released, window.__shown, window.__flicker]")
    sent = page.evaluate(
        "(window.__sent.find(x => x[0] >= window.__released && x[1].includes('board_state.move'))"
        " || [null])[0]"
    )
    if watcher.committed_at is None:
        raise RuntimeError(f"application {app_id} never reached Screening")
    page.wait_for_timeout(50)  # let the success toast's re-render settle before the next drag
    return sent - released, watcher.committed_at - released, shown - released, flicker


def measure(s: Site) -> list[dict]:
    rows = []
    for size in BOARD_SIZES:
        job_id, _ = bulk_job(s.db, s.recruiter, size, spread=True, title=f"Bench board {size}")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.add_init_script(SENT_JS)
            sign_in(page, s)
            board_url = f"{s.server.url}/board?job={job_id}"
            loads = time_to_draggable(page, board_url)
            sent, committed, shown, flicker = [], [], [], 0
            for _ in range(DRAGS):
                a, b, c, f = one_drag(page, s)
                sent.append(a)
                committed.append(b)
                shown.append(c)
                flicker += f
            browser.close()
        row = {
            "engine": s.engine,
            "workers": s.workers,
            "size": size,
            "draggable_first_ms": loads[0],
            "draggable_median_ms": median(loads),
            "sent_p50_ms": percentile(sent, 50),
            "sent_p95_ms": percentile(sent, 95),
            "shown_p50_ms": percentile(shown, 50),
            "shown_p95_ms": percentile(shown, 95),
            "flicker_frames": flicker,
            "server_p50_ms": percentile([c - t for c, t in zip(committed, sent, strict=True)], 50),
            "server_p95_ms": percentile([c - t for c, t in zip(committed, sent, strict=True)], 95),
            "committed_p50_ms": percentile(committed, 50),
            "committed_p95_ms": percentile(committed, 95),
        }
        print(
            f"[browser] {s.label}: {size}-application board draggable after {loads[0]:.0f} ms "
            f"(first load), {row['draggable_median_ms']:.0f} ms (median of {LOADS}); {DRAGS} drags, "
            f"release → drawn in the new column p50 {row['shown_p50_ms']:.0f} ms / "
            f"p95 {row['shown_p95_ms']:.0f} ms, flicker frames {flicker}; release → event sent "
            f"p50 {row['sent_p50_ms']:.0f} ms / p95 {row['sent_p95_ms']:.0f} ms; release → committed "
            f"p50 {row['committed_p50_ms']:.0f} ms / p95 {row['committed_p95_ms']:.0f} ms",
            flush=True,
        )
        rows.append(row)
    return rows


def run() -> list[dict]:
    return each_engine(measure)


if __name__ == "__main__":
    run()
