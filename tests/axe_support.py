"""axe-core (from the npm registry, installed by `make setup` into .tools/axe) injected into a page."""

from __future__ import annotations

from .e2e_server import ROOT

AXE = ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def violations(page) -> list[str]:
    """Every axe-core violation of the page as it is now (critical to minor: a missing landmark is
    only "moderate", yet it is how screen-reader users find the content), one line each."""
    # Evaluated through the browser's DevTools protocol, which no page's CSP blocks: the careers
    # site's pages allow no inline script, so a <script> tag with axe would be refused there.
    # A dialog or toast still fading in or out has its colours part-transparent: axe would measure
    # the contrast of a frame of the animation. So wait until every running animation has finished
    # (at most 3 s), and take axe's answer only if no transition or animation started while it ran
    # (a toast that expires mid-run, say); otherwise settle and run it again.
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        """async () => {
          const running = () => document.getAnimations()
            .filter(a => a.playState === 'running' && a.effect
              && a.effect.getTiming().iterations !== Infinity);
          const settle = () => Promise.race([
            Promise.all(running().map(a => a.finished.catch(() => null))),
            new Promise(done => setTimeout(done, 3000))]);
          let result = null;
          for (let attempt = 0; attempt < 5; attempt++) {
            await settle();
            let moved = false;
            const mark = () => { moved = true; };
            document.addEventListener('transitionrun', mark, true);
            document.addEventListener('animationstart', mark, true);
            try {
              result = await axe.run(document, {resultTypes: ['violations']});
            } finally {
              document.removeEventListener('transitionrun', mark, true);
              document.removeEventListener('animationstart', mark, true);
            }
            if (!moved && running().length === 0) break;
          }
          return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in found]


SIZES = ((1440, 900), (1280, 720), (390, 844))


def shots_and_axe(
    page, name: str, *, settle_toasts: bool = True, pause_ms: int = 200, full_page: bool = True
) -> None:
    """Screenshots of the page at every size into test-artifacts/, and axe-core at the laptop and
    phone sizes (1440 is only looked at); the page is left at 1440×900.

    ``settle_toasts`` first moves the pointer aside (a hovered link is drawn lighter) and waits until
    every toast has faded out (axe would read its half-transparent text)."""
    from playwright.sync_api import expect

    from .e2e_support import ARTIFACTS

    if settle_toasts:
        page.mouse.move(1, 300)
        expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(pause_ms)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=full_page)
        if width != 1440:
            found = violations(page)
            assert found == [], f"{name} at {width}px: {found}"
    page.set_viewport_size({"width": 1440, "height": 900})
