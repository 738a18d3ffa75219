"""Rewrite every link to the series from the one setting in ``rmsviz/project.py``.

    python tools/project_links.py                    # rewrite links in every tracked text file
    python tools/project_links.py README.md docs/    # only these files (or folders)
    python tools/project_links.py --check            # list links that do not use the setting
    python tools/project_links.py --hub https://hub.example.edu   # print the links for a class
    python tools/project_links.py --hub https://hub.example.edu --edition ko   # ... in Korean

The links it knows (found in Markdown, Python, YAML, notebooks' JSON alike) and rebuilds from
``rmsviz.project.REPOSITORY`` and ``BRANCH``:

* Colab: ``https://colab.research.google.com/github/<owner>/<name>/blob/<branch>/<path>``;
* Binder: ``https://mybinder.org/v2/gh/<owner>/<name>/<ref>`` (then its query);
* nbgitpuller: ``<hub>/hub/user-redirect/git-pull?repo=...`` (hub and notebook kept);
* the setup cells' ``rmsviz @ git+https://github.com/<owner>/<name>[@<ref>]``;
* plain GitHub links to the project: ``https://github.com/<owner>/<name>...`` whose name starts
  with "rmsviz" or whose owner/name is the setting's (links to other projects are left alone).

Notebooks are edited as text, so only the link's characters change (no re-serialisation).
Exit status with ``--check``: 1 when a link does not use the setting.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rmsviz import project  # noqa: E402

SLUG = r"(?P<{0}>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)"
REF = r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*?"
URL_CHARS = r"[^\s\"'<>()\[\]`\\]"
LINK = re.compile("|".join([
    r"(?P<colab>https://colab\.research\.google\.com/github/" + SLUG.format("colab_slug")
    + r"/blob/(?P<colab_ref>[A-Za-z0-9_.-]+)/(?P<colab_path>" + URL_CHARS + r"+))",
    r"(?P<binder>https://mybinder\.org/v2/gh/" + SLUG.format("binder_slug")
    + r"/(?P<binder_ref>[A-Za-z0-9_.-]+))(?=[?\s\"'<>()\[\]`\\]|$)",
    r"(?P<puller>https?://" + URL_CHARS + r"+?/hub/user-redirect/git-pull\?" + URL_CHARS + r"+)",
    r"(?P<pip>rmsviz @ git\+https://github\.com/" + SLUG.format("pip_slug")
    + r"(?:\.git)?(?:@(?P<pip_ref>" + REF + r"))?)(?=[\s\"'`\\]|$)",
    r"(?P<github>https://github\.com/" + SLUG.format("github_slug") + r")(?=[/\s\"'<>()\[\]`\\#?]|$)",
]))
PUSH_LINK = re.compile(r"(?P<rest>/(?:blob|tree)/)(?P<ref>[A-Za-z0-9_.-]+)")


def is_project_slug(slug: str) -> bool:
    name = slug.split("/")[1].removesuffix(".git")
    return name.lower().startswith("rmsviz") or slug == project.github_slug()


def rewrite_link(match: re.Match) -> str:
    """The link ``match`` found, rebuilt from the setting (or unchanged if not the project's)."""
    kind = match.lastgroup
    text = match.group(kind)
    if kind == "colab":
        path = match.group("colab_path")
        if path.startswith(project.NOTEBOOKS_DIR + "/"):
            return project.colab_url(path[len(project.NOTEBOOKS_DIR) + 1:])
        return (f"https://colab.research.google.com/github/{project.github_slug()}/blob/"
                f"{project.BRANCH}/{path}")
    if kind == "binder":
        return f"https://mybinder.org/v2/gh/{project.github_slug()}/{project.BRANCH}"
    if kind == "puller":
        hub = text.split("/hub/user-redirect/git-pull?", 1)[0]
        query = dict(parse_qsl(urlsplit(text).query))
        notebook = unquote(query.get("urlpath", "")).rsplit("/", 1)[-1]
        return project.nbgitpuller_url(hub, notebook if notebook.endswith(".ipynb")
                                       else project.FIRST_NOTEBOOK)
    if kind == "pip":
        return project.pip_requirement()
    slug = match.group("github_slug")
    if not is_project_slug(slug):
        return text
    return project.REPOSITORY


def rewrite_text(text: str) -> str:
    """``text`` with every project link rebuilt from the setting."""
    out, last = [], 0
    for match in LINK.finditer(text):
        out.append(text[last:match.start()])
        out.append(rewrite_link(match))
        last = match.end()
        if match.lastgroup == "github" and is_project_slug(match.group("github_slug")):
            # .../blob/<branch>/... or .../tree/<branch>/...: the branch follows the setting too
            push = PUSH_LINK.match(text, last)
            if push:
                out.append(push.group("rest") + project.BRANCH)
                last = push.end()
    out.append(text[last:])
    return "".join(out)


def project_links(text: str) -> list[tuple[int, str, str]]:
    """(line, link, link as the setting makes it) for every project link in ``text``."""
    found = []
    for match in LINK.finditer(text):
        kind = match.lastgroup
        if kind == "github" and not is_project_slug(match.group("github_slug")):
            continue
        end = match.end()
        push = PUSH_LINK.match(text, end) if kind == "github" else None
        original = text[match.start():push.end() if push else end]
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, original, rewrite_text(original)))
    return found


def tracked_text_files(paths: list[Path] | None = None) -> list[Path]:
    """Tracked (and new, not ignored) files under ``paths`` (default: the whole repository) that
    read as UTF-8 text."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    files = [ROOT / name for name in listed if name]
    if paths:
        roots = [p.resolve() for p in paths]
        files = [f for f in files if any(f == r or r in f.parents for r in roots)]
    text_files = []
    for f in sorted(set(files)):
        try:
            f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        text_files.append(f)
    return text_files


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="only list links that differ")
    parser.add_argument("--hub", help="print the links a teacher sends for this hub and stop")
    parser.add_argument("--edition", default="", help="with --hub: the edition's notebooks "
                        "(a folder under notebooks/, such as ko); default: English")
    args = parser.parse_args(argv)
    if args.hub:
        folder = ROOT / project.NOTEBOOKS_DIR / args.edition
        prefix = f"{args.edition}/" if args.edition else ""
        for notebook in sorted(prefix + p.name for p in folder.glob("[0-9]*.ipynb")):
            print(f"{notebook}: {project.nbgitpuller_url(args.hub, notebook)}")
        return 0
    stale = changed = 0
    for path in tracked_text_files(args.paths or None):
        text = path.read_text(encoding="utf-8")
        for line, link, wanted in project_links(text):
            if link != wanted:
                stale += 1
                print(f"{path.relative_to(ROOT)}:{line}: {link}\n    should be {wanted}")
        if not args.check:
            new = rewrite_text(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
                changed += 1
    if args.check:
        print(f"project links: {stale} not from rmsviz/project.py")
        return 1 if stale else 0
    print(f"project links: rewrote {changed} file(s) from {project.REPOSITORY} ({project.BRANCH})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
