"""Where the published site and its repository are: page addresses for QR codes and feedback links."""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

_GITHUB = re.compile(r"^https://github\.com/[^/\s]+/[^/\s]+?/?$", re.IGNORECASE)
_GITLAB = re.compile(r"^https://gitlab\.[^/\s]+/.+$", re.IGNORECASE)


@dataclass(frozen=True)
class SiteAddress:
    """``site_url``, ``repo_url`` and ``use_directory_urls`` of mkdocs.yml, as pages need them."""

    site_url: str | None = None
    repo_url: str | None = None
    directory_urls: bool = True

    def page_url(self, path: str) -> str | None:
        """The published address of a page (``procedures/総務部/GA-001.md``), percent-encoded; None without
        ``site_url``."""
        if not self.site_url:
            return None
        stem = path[:-3] if path.endswith(".md") else path
        if stem == "index" or stem.endswith("/index"):
            stem = stem[:-5]
            tail = ""
        else:
            tail = "/" if self.directory_urls else ".html"
        return self.site_url.rstrip("/") + "/" + quote(stem + tail if stem else "", safe="/")

    def url_path(self, path: str) -> str:
        """Where MkDocs writes a page (``procedures/x/GA-1.md``): ``procedures/x/GA-1/`` or ``….html``."""
        stem = path[:-3] if path.endswith(".md") else path
        if stem == "index" or stem.endswith("/index"):
            return stem[:-5]
        return stem + ("/" if self.directory_urls else ".html")

    def relative_url(self, from_page: str, to_page: str) -> str:
        """A link from one page to another as the browser follows it (for raw HTML, which MkDocs leaves as is)."""
        source, target = self.url_path(from_page), self.url_path(to_page)
        base = source if source.endswith("/") or not source else posixpath.dirname(source) + "/"
        relative = posixpath.relpath(target or ".", base or ".")
        if target.endswith("/") and not relative.endswith("/"):
            relative += "/"
        return quote(relative, safe="/.")

    def new_issue_url(self, title: str, body: str) -> str | None:
        """A link that opens a new issue on ``repo_url`` with title and text filled in (GitHub, GitLab)."""
        if not self.repo_url:
            return None
        repo = self.repo_url.rstrip("/")
        if repo.endswith(".git"):
            repo = repo[:-4]
        if _GITHUB.match(repo):
            return f"{repo}/issues/new?{urlencode({'title': title, 'body': body})}"
        if _GITLAB.match(repo):
            return f"{repo}/-/issues/new?{urlencode({'issue[title]': title, 'issue[description]': body})}"
        return None
