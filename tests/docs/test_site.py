"""What the published site shows: no internal notes, the site hooks (local Mermaid, break
opportunities in dotted code, the configuration pages in the navigation), real command output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from reference import configuration, site_hooks
from reference.pages import REFERENCE_DIR, SNIPPETS, stale_pages
from settings.stack_files import PROJECT_DIR

DOCS = PROJECT_DIR / "docs"
PUBLISHED = sorted(
    [PROJECT_DIR / "README.md", PROJECT_DIR / "CONTRIBUTING.md", *DOCS.rglob("*.md")]
)
# Notes written for the people building the project, not for its readers.
INTERNAL_NOTE = re.compile(
    r"\b(?:TODO|FIXME|XXX|TBD|PLACEHOLDER)\b|(?i:named in issue|\bissues? #\d+)"
)


def _name(path: Path) -> str:
    return str(path.relative_to(PROJECT_DIR))


@pytest.mark.parametrize("page", PUBLISHED, ids=_name)
def test_no_internal_notes_in_published_text(page: Path) -> None:
    found = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(page.read_text().splitlines(), start=1)
        if INTERNAL_NOTE.search(line)
    ]
    assert found == []


def test_the_note_check_catches_the_notes_it_names() -> None:
    caught = [
        "at most 10 hooks (PLACEHOLDER: named in issue #20, not found in AWS docs)",
        "TODO: draw this",
        "FIXME later",
        "as Issue #12 says",
        "see issue #35",
    ]
    for line in caught:
        assert INTERNAL_NOTE.search(line), line
    for line in ["hashicorp/terraform-provider-aws#19519", "a placeholder price is null"]:
        assert not INTERNAL_NOTE.search(line), line


def test_dotted_inline_code_breaks_only_after_a_dot_or_slash() -> None:
    html = (
        "<p><code>services.&lt;name&gt;.deployment</code> and <code>minHealthyPercent</code></p>"
        "<pre><span></span><code>a.b</code></pre><pre><code>c.d</code></pre>"
    )
    assert site_hooks.break_opportunities(html) == (
        "<p><code>services.<wbr>&lt;name&gt;.<wbr>deployment</code> and"
        " <code>minHealthyPercent</code></p>"
        "<pre><span></span><code>a.b</code></pre><pre><code>c.d</code></pre>"
    )
    assert site_hooks.break_opportunities("<code>0.5 s</code>") == "<code>0.5 s</code>"
    assert site_hooks.break_opportunities("<code>a/b</code>") == "<code>a/<wbr>b</code>"


def test_only_pages_with_a_diagram_load_the_sites_own_mermaid() -> None:
    page = '<body><pre class="mermaid"><code>flowchart LR</code></pre></body>'
    with_script = site_hooks.with_mermaid_script(page, "reference/configuration/network/")
    assert '<script src="../../../assets/javascripts/mermaid.min.js"></script>' in with_script
    assert site_hooks.with_mermaid_script("<body><p>text</p></body>", "") == (
        "<body><p>text</p></body>"
    )


def test_the_mermaid_script_comes_from_the_pinned_npm_package() -> None:
    package = yaml.safe_load((PROJECT_DIR / "package.json").read_text())
    assert re.fullmatch(r"\d+\.\d+\.\d+", package["devDependencies"]["mermaid"])
    assert site_hooks.MERMAID_SOURCE.relative_to(PROJECT_DIR).parts[:2] == (
        "node_modules",
        "mermaid",
    )
    mkdocs = (PROJECT_DIR / "mkdocs.yml").read_text()
    assert "reference/site_hooks.py" in mkdocs and "format: !!python/name:pymdownx" in mkdocs
    assert "unpkg" not in mkdocs and "cdn" not in mkdocs.lower()


def test_the_configuration_pages_join_the_navigation_after_the_overview() -> None:
    nav = [
        {"Home": "index.md"},
        {"Reference": [{"Configuration": configuration.OVERVIEW}, {"Policies": "p.md"}]},
    ]
    children = [(s, configuration.page_of(s)) for s in configuration.sections()]
    expanded = site_hooks.expand_nav(nav, configuration.OVERVIEW, children)
    section = expanded[1]["Reference"][0]["Configuration"]
    assert section[0] == configuration.OVERVIEW
    assert section[1:] == [{name: page} for name, page in children]
    assert expanded[1]["Reference"][1] == {"Policies": "p.md"}


def test_the_refusal_shown_is_what_the_loader_says() -> None:
    shown = (REFERENCE_DIR / "output" / "settings-refusal.md").read_text()
    assert shown == SNIPPETS["output/settings-refusal.md"]()
    assert "Pulumi.prod.yaml: network.cidrr: unknown key (did you mean 'cidr'?" in shown
    assert "Pulumi.prod.yaml: network.natGateways: tier production" in shown


def test_a_file_left_in_the_reference_folder_is_stale(tmp_path: Path) -> None:
    (tmp_path / "configuration").mkdir()
    (tmp_path / "configuration" / "gone.md").write_text("# gone\n")
    assert "configuration/gone.md" in stale_pages(tmp_path, pages={})
