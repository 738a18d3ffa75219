"""One address for the repository: every Colab, Binder, nbgitpuller and pip link uses
``rmsviz.project`` (REPOSITORY, BRANCH), and ``tools/project_links.py`` rewrites them all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rmsviz import project

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import project_links  # noqa: E402

# What a fork would set (written so the repository scan does not take it for a stale link).
FORK, FORK_BRANCH = "https://github.com/" + "teacher/rmsviz-fork", "spring-term"
SETTING = (project.REPOSITORY, project.BRANCH)
HUB = "https://hub.example.edu"


@pytest.fixture
def fork(monkeypatch):
    """The setting as a fork would change it."""
    monkeypatch.setattr(project, "REPOSITORY", FORK)
    monkeypatch.setattr(project, "BRANCH", FORK_BRANCH)


def every_kind_of_link() -> str:
    """A document with one link of every kind, made from the current setting."""
    return "\n".join([
        f"[Open in Colab]({project.colab_url('01_rms_step_by_step.ipynb')})",
        f"Binder: <{project.binder_url()}>",
        f"Class link: {project.nbgitpuller_url(HUB, '04_gradients.ipynb')}",
        f'    %pip install -q "{project.pip_requirement()}"',
        f"Source: {project.REPOSITORY}/blob/{project.BRANCH}/rmsviz/norms.py#L10",
        "The authors' code: https://github.com/bzhangGo/rmsnorm (not ours: left alone).",
    ])


def test_every_link_in_the_repository_uses_the_setting():
    files = project_links.tracked_text_files()
    names = {f.relative_to(ROOT).as_posix() for f in files}
    assert {"README.md", "classroom/README.md", "rmsviz/project.py"} <= names
    assert any(n.startswith("notebooks/") and n.endswith(".ipynb") for n in names)
    if (ROOT / "docs" / "teaching-guide.md").exists():
        assert "docs/teaching-guide.md" in names
    stale = [f"{f.relative_to(ROOT)}:{line}: {link} (should be {wanted})"
             for f in files for line, link, wanted in project_links.project_links(f.read_text())
             if link != wanted]
    assert stale == []
    found = [link for f in files for _, link, _ in project_links.project_links(f.read_text())]
    assert any("colab.research.google.com" in link for link in found)  # the scan sees links
    assert any("git-pull?" in link for link in found)


def test_a_fork_rewrites_every_kind_of_link(fork):
    with pytest.MonkeyPatch.context() as original:
        original.setattr(project, "REPOSITORY", SETTING[0])
        original.setattr(project, "BRANCH", SETTING[1])
        before = every_kind_of_link()
    stale = project_links.project_links(before)
    assert len(stale) == 5 and all(link != wanted for _, link, wanted in stale)
    after = project_links.rewrite_text(before)
    assert after == every_kind_of_link()
    assert "https://github.com/bzhangGo/rmsnorm" in after
    assert f"rmsviz @ git+{FORK}@{FORK_BRANCH}" in after
    assert "lab%2Ftree%2Frmsviz-fork%2Fnotebooks%2F04_gradients.ipynb" in after
    assert project_links.project_links(after) and all(
        link == wanted for _, link, wanted in project_links.project_links(after))


def test_a_fork_rewrites_a_notebooks_setup_cell_and_nothing_else(fork):
    path = ROOT / "notebooks" / "01_rms_step_by_step.ipynb"
    text = path.read_text(encoding="utf-8")
    rewritten = project_links.rewrite_text(text)
    changed = [(a, b) for a, b in zip(text.splitlines(), rewritten.splitlines()) if a != b]
    assert len(text.splitlines()) == len(rewritten.splitlines())
    assert changed and all("git+" in a for a, _ in changed)
    sources = ["".join(cell["source"]) for cell in json.loads(rewritten)["cells"]]
    assert any(f'%pip install -q "rmsviz @ git+{FORK}@{FORK_BRANCH}"' in s for s in sources)


def test_links_from_the_setting():
    assert project.github_slug() == project.REPOSITORY.removeprefix("https://github.com/")
    assert project.colab_url("x.ipynb").endswith(f"/blob/{project.BRANCH}/notebooks/x.ipynb")
    assert project.pip_requirement(branch="main") == f"rmsviz @ git+{project.REPOSITORY}"
    link = project.nbgitpuller_url(HUB + "/", "01_rms_step_by_step.ipynb")
    assert link.startswith(HUB + "/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2F")
    assert project.repository_name("file:///tmp/x/rmsviz") == "rmsviz"


@pytest.mark.parametrize("bad", ["https://gitlab.com/a/b", "github.com/a/b",
                                 "https://github.com/only-owner", "https://github.com/a/b/c"])
def test_a_repository_that_is_not_on_github_is_refused(bad):
    with pytest.raises(ValueError, match="github.com/owner/name"):
        project.colab_url(repository=bad)


def test_a_hub_that_is_not_an_address_is_refused():
    with pytest.raises(ValueError, match="http"):
        project.nbgitpuller_url("hub.example.edu")
