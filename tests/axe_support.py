"""axe-core (from the npm registry, installed by `make setup` into .tools/axe) injected into a page."""

from __future__ import annotations

from .e2e_server import ROOT

AXE = ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def violations(page) -> list[str]:
    """Every axe-core violation of the page as it is now (critical to minor: a missing landmark is
    only "moderate", yet it is how screen-reader users find the content), one line each."""
    # Evaluated through the browser's DevTools protocol, which no page's CSP blocks: the careers
    # site's pages allow no inline script, so a <script> tag with axe would be refused there.
    # A dialog still fading in has its colours part-transparent: axe would measure the contrast
    # of a frame of the animation. Wait until every running animation has finished (at most 3 s).
    page.evaluate(
        "() => Promise.race([Promise.all(document.getAnimations()"
        ".filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)"
        ".map(a => a.finished.catch(() => null))), new Promise(done => setTimeout(done, 3000))])"
    )
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in found]
