"""Where the series lives, and every link made from it (README, setup cells, classroom guide).

The repository's address and branch are set here and nowhere else. A fork, or the project moving
house, changes :data:`REPOSITORY` (and :data:`BRANCH`), then runs ``python tools/project_links.py``,
which rewrites every Colab, Binder, nbgitpuller and ``pip install git+`` link in the tracked files
(notebook setup cells included) from these two values; ``tests/test_project_links.py`` fails on a
link that does not use them.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from rmsviz.i18n import _

__all__ = ["BRANCH", "REPOSITORY", "binder_url", "colab_url", "github_slug", "nbgitpuller_url",
           "pip_requirement"]

#: The series' home on GitHub (Colab and Binder open notebooks from GitHub by owner/name).
REPOSITORY = "https://github.com/rmsviz/rmsviz"
#: The branch students get.
BRANCH = "main"
#: The branch GitHub (and so ``pip install git+...``) gives when none is named.
DEFAULT_BRANCH = "main"

NOTEBOOKS_DIR = "notebooks"
FIRST_NOTEBOOK = "00_start_here.ipynb"


def github_slug(repository: str | None = None) -> str:
    """``owner/name`` of a ``https://github.com/owner/name`` address (ValueError otherwise)."""
    repository = REPOSITORY if repository is None else repository
    if not isinstance(repository, str):
        raise TypeError(_("the repository must be a https://github.com/owner/name address, "
                          "got {kind}").format(kind=type(repository).__name__))
    prefix = "https://github.com/"
    parts = repository[len(prefix):].removesuffix(".git").strip("/").split("/")
    if not repository.startswith(prefix) or len(parts) != 2 or not all(parts):
        raise ValueError(_("the repository must be a https://github.com/owner/name address "
                           "(Colab and Binder open notebooks from GitHub), got {value}")
                         .format(value=repr(repository)))
    return "/".join(parts)


def repository_name(repository: str | None = None) -> str:
    """The folder a clone (and nbgitpuller) puts the series in: the repository's name."""
    repository = repository or REPOSITORY
    if repository.startswith("https://github.com/"):
        return github_slug(repository).split("/")[1]
    return repository.rstrip("/").removesuffix(".git").split("/")[-1]


def pip_requirement(repository: str | None = None, branch: str | None = None) -> str:
    """What Colab's setup cell installs: ``rmsviz @ git+<repository>``, plus ``@<branch>`` when
    the branch is not the repository's default branch (``main``)."""
    repository, branch = repository or REPOSITORY, branch or BRANCH
    github_slug(repository)
    return f"rmsviz @ git+{repository}" + (f"@{branch}" if branch != DEFAULT_BRANCH else "")


def colab_url(notebook: str = FIRST_NOTEBOOK, repository: str | None = None,
              branch: str | None = None) -> str:
    """Open ``notebooks/<notebook>`` from GitHub in Colab."""
    repository, branch = repository or REPOSITORY, branch or BRANCH
    return (f"https://colab.research.google.com/github/{github_slug(repository)}/blob/{branch}/"
            f"{NOTEBOOKS_DIR}/{notebook}")


def binder_url(notebook: str | None = None, repository: str | None = None,
               branch: str | None = None) -> str:
    """Build the repository on mybinder.org; open JupyterLab on the notebooks (or one of them)."""
    repository, branch = repository or REPOSITORY, branch or BRANCH
    path = f"{NOTEBOOKS_DIR}/{notebook}" if notebook else NOTEBOOKS_DIR
    return f"https://mybinder.org/v2/gh/{github_slug(repository)}/{branch}?urlpath=lab/tree/{path}"


def nbgitpuller_url(hub: str, notebook: str = FIRST_NOTEBOOK, repository: str | None = None,
                    branch: str | None = None) -> str:
    """The one link a teacher sends: log in to ``hub``, pull the series into the student's home
    (``~/<repository name>``, updated on every later click without losing the student's edits),
    then open ``notebook`` in JupyterLab."""
    repository, branch = repository or REPOSITORY, branch or BRANCH
    if not isinstance(hub, str) or not hub.startswith(("http://", "https://")):
        raise ValueError(_("the hub must be an http(s):// address, got {value}")
                         .format(value=repr(hub)))
    folder = repository_name(repository)
    query = urlencode({"repo": repository, "branch": branch,
                       "urlpath": f"lab/tree/{folder}/{NOTEBOOKS_DIR}/{notebook}"},
                      quote_via=quote, safe="")
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"
