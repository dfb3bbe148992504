"""The instructor guide (docs/instructor/) points at things that exist and keeps its answer keys current."""

import re

import nbformat
import pytest

from kit import answer_key
from tests.conftest import NOTEBOOKS, ROOT

GUIDE = ROOT / "docs" / "instructor"
PAGES = sorted(GUIDE.glob("*.md"))
LAB_PAGES = [p for p in PAGES if re.fullmatch(r"\d\d_.+", p.stem)]
LINK = re.compile(r"\]\(((?!https?:|mailto:)[^)\s]+)\)")


def _links(page):
    return LINK.findall(page.read_text())


def test_the_guide_has_its_index_and_pages():
    names = {p.name for p in PAGES}
    assert {"README.md", "workshops.md", "rooms.md"} <= names
    assert LAB_PAGES, "no lab page"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    """A renamed notebook, page or benchmark breaks a link here."""
    for link in _links(page):
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.name} links to missing {link}"
        if anchor and path.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", path.read_text(), re.M)
            slugs = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}
            assert anchor in slugs, f"{page.name} links to a missing heading {link}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_cell_reference_names_a_cell_of_that_notebook(page):
    """A link notebooks/NN_x.ipynb#id must name a cell id of that notebook (nbformat ids)."""
    for link in _links(page):
        target, _, anchor = link.partition("#")
        if not target.endswith(".ipynb"):
            continue
        nb = nbformat.read(page.parent / target, as_version=4)
        if anchor:
            ids = {c.id for c in nb.cells}
            assert anchor in ids, f"{page.name}: {target} has no cell {anchor!r}"


@pytest.mark.parametrize("page", LAB_PAGES, ids=lambda p: p.name)
def test_a_lab_page_names_a_built_notebook_and_references_its_cells(page):
    notebook = ROOT / "notebooks" / f"{page.stem}.ipynb"
    assert notebook.exists(), f"{page.name} is named after no notebook"
    own = [link for link in _links(page) if f"notebooks/{notebook.name}#" in link]
    assert own, f"{page.name} references none of its notebook's cells"


@pytest.mark.parametrize("page", LAB_PAGES, ids=lambda p: p.name)
def test_the_answer_key_is_what_the_kit_computes_now(page):
    """A model change that changes an answer fails here until `python -m kit.answer_key` is rerun."""
    text = page.read_text()
    assert text.count(answer_key.START) == 1 and text.count(answer_key.END) == 1, page.name
    committed = text[text.index(answer_key.START) : text.index(answer_key.END) + len(answer_key.END)]
    assert committed == answer_key.answer_key(page.stem), (
        f"{page.name}'s answer key is out of date: run `python -m kit.answer_key`"
    )


def test_every_built_lab_has_a_page_or_is_listed_as_to_come():
    index = (GUIDE / "README.md").read_text()
    to_come = index[index.index("## To come") :]
    for nb in NOTEBOOKS:
        page = GUIDE / f"{nb.stem}.md"
        if page.exists():
            assert f"]({page.name})" in index, f"the index does not link {page.name}"
        else:
            assert f"`{nb.stem}`" in to_come, f"{nb.stem} has no page and is not listed under 'To come'"


def test_readme_links_the_guide():
    assert "(docs/instructor/README.md)" in (ROOT / "README.md").read_text()
