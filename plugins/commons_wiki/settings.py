"""The site's settings the core needs (addresses, version, offline or not): one typed object,
read from MkDocs' loaded configuration by the plugin, or from mkdocs.yml by the command line and
the release, so that site_url is read one way everywhere."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

MKDOCS_CONFIG = "mkdocs.yml"
NO_SITE_URL = "https://example.invalid/"   # feeds and JSON-LD need an absolute address


@dataclass(frozen=True)
class SiteSettings:
    site_url: str = ""              # https://…/wiki/ (empty: relative links only)
    repo_url: str = ""              # the repository, for edit and « report an error » links
    edit_branch: str = "main"
    version: str = "dev"            # written in the data, the booklet, the news page
    offline: bool = False           # the offline copy (mkdocs.offline.yml: extra.offline)
    site_name: str = ""
    use_directory_urls: bool = True

    @classmethod
    def from_config(cls, config) -> SiteSettings:
        """From a configuration mapping: MkDocs' loaded config or mkdocs.yml read as YAML."""
        extra = config.get("extra") or {}
        return cls(site_url=str(config.get("site_url") or ""),
                   repo_url=str(extra.get("repository") or config.get("repo_url") or "").rstrip("/"),
                   version=str(extra.get("version_wiki", "dev")),
                   offline=bool(extra.get("offline")),
                   site_name=str(config.get("site_name") or ""),
                   use_directory_urls=config.get("use_directory_urls", True) is not False)

    @classmethod
    def read(cls, root: Path, config_file: str = MKDOCS_CONFIG) -> SiteSettings:
        """mkdocs.yml of a project, read without MkDocs (its !ENV or !relative tags as nothing)."""
        path = Path(root) / config_file
        if not path.exists():
            return cls()
        return cls.from_config(yaml.load(path.read_text(encoding="utf-8"), Loader=_LenientLoader) or {})

    @property
    def absolute_site_url(self) -> str:
        return self.site_url or NO_SITE_URL


class _LenientLoader(yaml.SafeLoader):
    """mkdocs.yml may hold !ENV or !relative tags: read them as plain values."""


_LenientLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
