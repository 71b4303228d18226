"""MkDocs hooks of the docs site (mkdocs.yml `hooks:`): what the theme alone does not do.

- The diagrams' script comes from the site itself: Mermaid from the npm package pinned in
  package.json (`npm ci`), added to the build as `assets/javascripts/mermaid.min.js` and loaded
  only by the pages that have a diagram. mkdocs-material renders `pre.mermaid` blocks with a
  global `mermaid` when one is defined and fetches it from unpkg.com otherwise (its bundle's
  mermaid component), which a machine without internet cannot.
- The configuration reference's pages (one per section of the stack file, generated) join the
  navigation under the overview page `reference/configuration.md`, in the settings' order, so a
  new section needs no edit of mkdocs.yml.
- Dotted key names and paths in inline code get a line-break opportunity (`<wbr>`) after each
  `.` and `/`, so a narrow column or screen breaks `services.<name>.deployment` between its parts
  and never inside a word (the stylesheet turns off breaking anywhere else).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
MERMAID_SOURCE = PROJECT_DIR / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
MERMAID_URI = "assets/javascripts/mermaid.min.js"
DIAGRAM = '<pre class="mermaid">'
LOG = logging.getLogger("mkdocs.hooks.ecs_platform")

# Inline code only: a <code> not opened right after <pre> or a highlight span (code blocks).
INLINE_CODE = re.compile(r"(?<!<pre>)(?<!</span>)<code>([^<]*)</code>")
BREAK_AFTER = re.compile(r"([./])(?=[A-Za-z_&])")  # before a name or &lt;, not a digit


def break_opportunities(html: str) -> str:
    """`<code>a.b/c</code>` -> `<code>a.<wbr>b/<wbr>c</code>` in inline code; code blocks, and
    inline code with markup inside, are left as they are."""

    def one(match: re.Match[str]) -> str:
        return "<code>" + BREAK_AFTER.sub(r"\1<wbr>", match.group(1)) + "</code>"

    return INLINE_CODE.sub(one, html)


def with_mermaid_script(html: str, page_url: str) -> str:
    """The page with the site's Mermaid script before `</body>` when it has a diagram. A plain
    script at the end of the body runs before DOMContentLoaded, so the global `mermaid` exists
    when the theme looks for it."""
    if DIAGRAM not in html:
        return html
    source = get_relative_url(MERMAID_URI, page_url)
    return html.replace("</body>", f'<script src="{source}"></script>\n</body>', 1)


def expand_nav(nav: list[Any], overview: str, children: list[tuple[str, str]]) -> list[Any]:
    """The nav with the entry whose page is `overview` turned into a section: the overview page
    first, then `children` as (title, page)."""
    expanded: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            (title, value), *_ = item.items()
            if value == overview:
                value = [overview, *({name: page} for name, page in children)]
            elif isinstance(value, list):
                value = expand_nav(value, overview, children)
            expanded.append({title: value})
        else:
            expanded.append(item)
    return expanded


def on_config(config: Any, **_: Any) -> Any:
    from reference.configuration import OVERVIEW, page_of, sections

    children = [(section, page_of(section)) for section in sections()]
    config.nav = expand_nav(config.nav or [], OVERVIEW, children)
    return config


def on_files(files: Files, config: Any, **_: Any) -> Files:
    if MERMAID_SOURCE.is_file():
        files.append(File.generated(config, MERMAID_URI, abs_src_path=str(MERMAID_SOURCE)))
    else:
        # Info, not a warning: `make docs` (strict) still builds on a machine without Node.js;
        # `make docs-check` fails on every diagram that then does not render.
        LOG.info("%s is missing (npm ci): diagrams will not render", MERMAID_SOURCE)
    return files


def on_page_content(html: str, **_: Any) -> str:
    return break_opportunities(html)


def on_post_page(output: str, page: Any, **_: Any) -> str:
    return with_mermaid_script(output, page.url)
