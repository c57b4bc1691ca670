"""Measure every slide of a static deck in a real browser: what overflows, and the smallest
text. Used by tests/test_slides_browser.py; also a command for a report:

    python tests/slide_fit.py slides/*.slides.html          # per deck, at 1366x768 and 1920x1080

A slide is measured with every fragment laid out (reveal.js hides fragments with opacity, so
they take their place anyway). Coordinates are the deck's logical ones (reveal.js scales the
canvas to the window): a slide overflows at the bottom or the right when an element of it ends
past the canvas, and a `pre` or output area clips its text when it scrolls sideways or down.
"""
import sys
from pathlib import Path

SIZES = [(1366, 768), (1920, 1080)]
# rnnlib.plotting.STYLE: figures are stored at 100 dpi and their smallest text is 11 pt
# (legends, annotations), i.e. 11 * 100 / 72 = 15.3 px of the stored PNG
FIGURE_TEXT_PX = 11 * 100 / 72

WALK = r"""async () => {
  const R = window.Reveal || require('_assets/reveal.js/dist/reveal.js');
  R.configure({transition: 'none', backgroundTransition: 'none'});
  const W = R.getConfig().width, H = R.getConfig().height;
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const slides = [];
  const tops = [...document.querySelectorAll('.reveal .slides > section')];
  let order = 0;
  for (let h = 0; h < tops.length; h++) {
    const subs = tops[h].querySelectorAll(':scope > section');
    for (let v = 0; v < Math.max(subs.length, 1); v++) {
      R.slide(h, v);
      await frame();
      const s = R.getCurrentSlide();
      const box = document.querySelector('.reveal .slides').getBoundingClientRect();
      const k = box.width / W;                  // screen px per logical px
      let bottom = 0, right = 0;
      for (const el of s.querySelectorAll('*')) {
        if (el.closest('.MJX_Assistive_MathML, aside.notes')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        bottom = Math.max(bottom, (r.bottom - box.top) / k);
        right = Math.max(right, (r.right - box.left) / k);
      }
      const clipped = [...s.querySelectorAll('pre, .jp-OutputArea-output, .jp-RenderedText')]
        .filter(el => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
        .length;
      const font = sel => {
        let m = Infinity;
        for (const el of s.querySelectorAll(sel)) {
          if (!el.textContent.trim() || el.getBoundingClientRect().width === 0) continue;
          m = Math.min(m, parseFloat(getComputedStyle(el).fontSize) * k);
        }
        return m;
      };
      let figure = Infinity;
      for (const img of s.querySelectorAll('.jp-OutputArea-output img')) {
        const r = img.getBoundingClientRect();
        // object-fit: contain draws the picture inside its box at the smaller of the two ratios
        if (r.width && img.naturalWidth) figure = Math.min(figure, %(FIG)s *
            Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight));
      }
      const text = s.textContent;
      slides.push({at: `${h}.${v}`, order: order++, bottom: bottom - H, right: right - W, clipped,
                   prose: font('.jp-RenderedMarkdown, .jp-RenderedMarkdown *'),
                   code: font('.jp-InputArea pre, .jp-InputArea pre *'),
                   output: font('.jp-OutputArea pre, .jp-OutputArea pre *'),
                   figure,
                   leftover: /not attempted|Run this cell/.test(text)});
    }
  }
  // reveal's own order: → from the first slide reaches every slide, ← comes back
  R.slide(0, 0);
  await frame();
  const seen = [];
  for (let i = 0; i < 5000; i++) {
    const ix = R.getIndices();
    seen.push(`${ix.h}.${ix.v || 0}`);
    if (R.isLastSlide() && !R.availableFragments().next) break;
    R.triggerKey(39);                           // the → key, fragments included
    await frame();
  }
  // ← from the last slide goes back to the one before it
  const last = R.getCurrentSlide();
  for (let i = 0; i < 100 && R.getCurrentSlide() === last; i++) { R.triggerKey(37); await frame(); }
  const ix = R.getIndices();
  return {width: W, height: H, slides, seen: [...new Set(seen)], back: `${ix.h}.${ix.v || 0}`};
}""".replace("%(FIG)s", repr(FIGURE_TEXT_PX))


def open_deck(browser, path, size):
    """A page of `path` at `size`, reveal.js ready and MathJax done; nothing from the network."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(("file://", "data:", "blob:"))
                  else route.abort())
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(Path(path).resolve().as_uri(), wait_until="load")
    page.wait_for_selector(".reveal.ready")
    page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                           " && MathJax.Hub.queue.running === 0")
    return context, page


def measure(browser, path, size):
    """{width, height, slides: [{at, bottom, right, clipped, prose, code, output, figure}], seen}."""
    context, page = open_deck(browser, path, size)
    try:
        return page.evaluate(WALK)
    finally:
        context.close()


def overflowing(result, tolerance=1.0):
    return [s for s in result["slides"]
            if s["bottom"] > tolerance or s["right"] > tolerance or s["clipped"]]


def main(paths):
    from playwright.sync_api import sync_playwright
    sys.path.insert(0, str(Path(__file__).parent))
    from test_browser import CHROMIUM, CHROMIUM_ARGS
    totals = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in SIZES:
            for path in paths:
                r = measure(browser, path, size)
                bad = overflowing(r)
                n = len(r["slides"])
                fonts = {key: min(s[key] for s in r["slides"]) for key in
                         ("prose", "code", "output", "figure")}
                totals.setdefault(size, [0, 0, 0, 0])
                t = totals[size]
                t[0] += n
                t[1] += sum(s["bottom"] > 1 for s in r["slides"])
                t[2] += sum(s["right"] > 1 or s["clipped"] > 0 for s in r["slides"])
                t[3] += len(bad)
                print(f"{size[0]}x{size[1]} {Path(path).name}: {n} slides, {len(bad)} overflow "
                      f"(bottom {sum(s['bottom'] > 1 for s in r['slides'])}, right/clipped "
                      f"{sum(s['right'] > 1 or s['clipped'] > 0 for s in r['slides'])}); "
                      f"→ reaches {len(set(r['seen']))}; leftovers "
                      f"{sum(s['leftover'] for s in r['slides'])}; min px "
                      + ", ".join(f"{k} {v:.1f}" for k, v in fonts.items()), flush=True)
                for s in bad:
                    print(f"    {s['at']}: bottom {s['bottom']:+.0f} right {s['right']:+.0f} "
                          f"clipped {s['clipped']}")
        browser.close()
    for size, (n, b, r, o) in totals.items():
        print(f"TOTAL {size[0]}x{size[1]}: {o} of {n} slides overflow (bottom {b}, right/clipped {r})")


if __name__ == "__main__":
    main(sys.argv[1:])
