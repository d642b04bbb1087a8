"""Thin MkDocs glue: load + validate before anything renders, add fiches and generated views,
fix edit links, and run the post-build exports and checks. The work itself lives in the core."""
from __future__ import annotations

import logging
import re
from pathlib import Path

from markupsafe import Markup
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from .analyser import browser_script
from .catalogue import load_catalogue
from .problems import WARNING_LABEL, format_problems, problems_page
from .project import source_paths
from .search_index import page_entries, write_site_index
from .settings import SiteSettings
from .views import Renderer, TemplateMistake

log = logging.getLogger("mkdocs.plugins.commons_wiki")

ANALYSER_SCRIPT = "assets/javascripts/analyse-fr.js"   # listed in mkdocs.yml extra_javascript
# Material's search worker, in the page's __config (a Material internal: README, theme coupling)
_MATERIAL_WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")


def use_our_search_worker(config_block: str) -> str:
    """Material's page settings with our search worker (prebuilt index, French analyser) in
    place of Material's, which builds its index in the browser (overrides/main.html)."""
    swapped, count = _MATERIAL_WORKER.subn("assets/javascripts/search-worker.js", str(config_block))
    if count != 1:
        raise PluginError("Le réglage du moteur de recherche de Material a changé : "
                          "overrides/main.html ne trouve plus son adresse (voir README, dépendances à Material).")
    return Markup(swapped)


class CommonsWikiConfig(Config):
    schema_dir = opt.Type(str, default="schema")
    templates_dir = opt.Type(str, default="templates")
    exports = opt.Type(bool, default=True)
    checks = opt.Type(bool, default=True)


class CommonsWikiPlugin(BasePlugin[CommonsWikiConfig]):
    serving = False    # `mkdocs serve`: a broken source shows its problems instead of stopping
    broken: list = []  # the problems of the sources, while serving

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_serve(self, server, config, builder):
        """Rebuild on a change to any source the plugin reads, not only to docs_dir."""
        for path in source_paths(self.catalogue.project, self.root / self.config.templates_dir):
            server.watch(str(path))
        return server

    def on_config(self, config):
        self.root = Path(config.config_file_path).resolve().parent
        self.catalogue = load_catalogue(self.root, self.config.schema_dir)
        self.broken = []
        if self.catalogue.problems and self.serving:
            self.broken = self.catalogue.problems
            # info, not error: --strict would stop the build, and `mkdocs serve` would hang
            log.info("Le contenu comporte des erreurs ; les pages servies les affichent :\n"
                     + format_problems(self.broken))
        elif self.catalogue.problems:
            raise PluginError("Le contenu comporte des erreurs ; rien n'a été publié.\n"
                              + format_problems(self.catalogue.problems, warnings=self.catalogue.warnings))
        for warning in self.catalogue.warnings:   # info, not warning: --strict would stop the build
            log.info(warning.text(WARNING_LABEL))
        settings = SiteSettings.from_config(config)
        self.settings = settings
        self.renderer = Renderer(self.catalogue, self.root / self.config.templates_dir, settings)
        self.sources = {}   # docs path -> project file behind it (for edit links)
        self.search_collection = (self.catalogue.project.config.get("search") or {}).get("collection")
        self.search_pages = {}   # page location -> record, for the search index
        self.search_entries: list = []   # the record pages' sections (search_index.page_entries)
        from .catalogue import link_references
        self.references = link_references(self.catalogue.project)
        self.scripts = self._script_audit(config)
        return config

    @staticmethod
    def _script_audit(config):
        """Scripts a page may load: the theme's files, extra_javascript and polyfills, and the
        search index that Material's offline plugin writes as a script (a Material internal)."""
        from urllib.parse import urlparse

        from .checks import ScriptAudit, theme_script_files
        extra = [str(s) for s in config.extra_javascript] + list(config.extra.get("polyfills") or [])
        extra.append("search/search_index.js")
        return ScriptAudit(theme_script_files(config.theme.dirs, extra), urlparse(config.site_url or "/").path)

    def on_files(self, files, config):
        try:
            return self._add_pages(files, config)
        except TemplateMistake as mistake:
            raise PluginError(f"Un gabarit comporte une erreur ; rien n'a été publié.\n{mistake}") from None

    def _add_pages(self, files, config):
        project = self.catalogue.project
        if self.broken:   # every page the visitor may be on shows the problems (problems_page)
            for page in self.renderer.planned_pages():
                if files.get_file_from_path(page) is None:
                    files.append(File.generated(config, page, content=""))
            return files
        for name, col in project.collections.items():
            if not col.published or col.in_docs_dir:
                continue
            for record in self.catalogue[name].values():
                page = self.renderer.record_page(record)
                file = File.generated(config, page, content=self.renderer.render_record(record))
                files.append(file)
                self.sources[page] = record.file
                if name == self.search_collection:
                    self.search_pages[file.url] = record
        files.append(File.generated(config, ANALYSER_SCRIPT, content=browser_script()))
        for page, content in self.renderer.views().items():
            existing = files.get_file_from_path(page)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, page, content=content))
        self.sources.update(self.renderer.term_sources())
        return files

    def on_env(self, env, config, files):
        self.worker_used = False
        env.filters["commons_search_worker"] = self._search_worker
        return env

    def _search_worker(self, config_block):
        self.worker_used = True
        return use_our_search_worker(config_block)

    def on_page_context(self, context, page, config, nav):
        source = self.sources.get(page.file.src_uri)
        repo = self.settings.repo_url
        if repo:
            branch = self.settings.edit_branch
            if source:
                page.edit_url = f"{repo}/edit/{branch}/{source}"
            elif page.file.generated_by:
                page.edit_url = None   # generated views have no single source file
            else:
                docs = Path(config.docs_dir).resolve().relative_to(self.root).as_posix()
                page.edit_url = f"{repo}/edit/{branch}/{docs}/{page.file.src_uri}"
        return context

    def on_page_markdown(self, markdown, page, config, files):
        if self.broken:
            return problems_page(self.broken)
        # the shared external-link definitions, for the pages written by contributors
        if self.references and not page.file.generated_by:
            return markdown + "\n\n" + self.references
        return markdown

    def on_page_content(self, html, page, config, files):
        html = self.renderer.restore_raw(html)
        if page.url in self.search_pages:
            # our index reads a record page's sections here; the theme's search plugin, which
            # would parse its HTML again, skips it
            page.meta["search"] = dict(page.meta.get("search") or {}, exclude=True)
            self.search_entries += page_entries(page.url, html)
        return html

    def on_post_page(self, output, page, config):
        # after Material's search plugin has indexed the page (on_page_context)
        output = self.renderer.restore_deferred(output)
        if self.config.checks:
            self.scripts.add_page(page.url, output)
        return output

    def on_post_build(self, config):
        if self.broken:
            return   # nothing to export or check: the pages show the problems
        site = Path(config.site_dir)
        if self.search_collection and (site / "search" / "search_index.json").exists():
            if not getattr(self, "worker_used", False):
                raise PluginError("schema/wiki.yml déclare « search » mais les pages utilisent encore le moteur de "
                                  "recherche de Material : ajoutez à overrides/main.html "
                                  "{% block config %}{{ super() | commons_search_worker }}{% endblock %} "
                                  "(voir README, la recherche).")
            write_site_index(site, self.catalogue, self.renderer, self.search_pages, self.search_entries)
        if self.config.exports:
            from .export import write_site_exports
            write_site_exports(self.catalogue, site, self.settings)
        if self.config.checks:
            from .checks import check_site
            problems = check_site(self.catalogue, site, self.renderer, exports=self.config.exports)
            theme_page = site / "404.html"   # written by the theme alone: its inline scripts are the theme's
            problems += self.scripts.problems(theme_page.read_text(encoding="utf-8") if theme_page.exists() else "")
            if problems:
                raise PluginError("Vérification après construction en échec :\n" + "\n".join(problems))
