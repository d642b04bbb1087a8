"""commons_wiki: turn a folder of Markdown + YAML records into a validated, cross-linked catalogue.

The core (project, frontmatter, validate, catalogue, views, export) imports nothing from MkDocs;
``mkdocs_plugin`` is the thin glue that hands the catalogue to a MkDocs build.
"""

__version__ = "0.1.0"
