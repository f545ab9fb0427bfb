"""The languages iaclint reads, each a folder behind the one `Loader` protocol (`base.py`).

`LANGUAGES` says which changed files each loader claims, by name alone, so that a change
imports only the loaders (and parsers: tree-sitter, PyYAML) that it needs.
"""

from __future__ import annotations

import importlib

from iaclint.core.record import FrozenRecord


class Language(FrozenRecord):
    """A language and the file names it claims."""

    name: str  # also the folder: iaclint/languages/<name>/loader.py, imported only when a file is claimed
    suffixes: tuple[str, ...]  # file endings claimed
    any_case: bool = False  # templates are found as main.YAML too; Terraform reads only `.tf`
    excludes: tuple[str, ...] = ()  # endings another language claims (`main.tf.json` is not a template)

    def __init__(
        self,
        name: str,
        suffixes: tuple[str, ...],
        any_case: bool = False,
        excludes: tuple[str, ...] = (),
    ) -> None:
        d = self.__dict__
        d["name"] = name
        d["suffixes"] = suffixes
        d["any_case"] = any_case
        d["excludes"] = excludes

    def claims(self, path: str) -> bool:
        name = path.lower() if self.any_case else path
        return name.endswith(self.suffixes) and not name.endswith(self.excludes)

    def loader(self):
        return importlib.import_module(f"iaclint.languages.{self.name}.loader").LOADER


# Terraform's JSON syntax (CDK for Terraform writes it), also OpenTofu's form
TERRAFORM_JSON_SUFFIXES = (".tf.json", ".tofu.json", ".tfvars.json")
# native and JSON syntax
TERRAFORM_SUFFIXES = (".tf", ".tfvars", ".tofu", *TERRAFORM_JSON_SUFFIXES)
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".cfn", ".cform")
PYTHON_SUFFIXES = (".py",)

# Order is the order loaders run in; findings are sorted afterwards, so it changes no output.
LANGUAGES: tuple[Language, ...] = (
    Language("python", PYTHON_SUFFIXES),
    Language("terraform", TERRAFORM_SUFFIXES),
    Language("cloudformation", TEMPLATE_SUFFIXES, any_case=True, excludes=TERRAFORM_JSON_SUFFIXES),
)



def is_relevant(path: str) -> bool:
    return any(lang.claims(path) for lang in LANGUAGES)


def claimed(paths) -> list[tuple[Language, list[str]]]:
    """(language, its paths, sorted) for every language that claims a changed path."""
    out = []
    for lang in LANGUAGES:
        mine = sorted(p for p in paths if lang.claims(p))
        if mine:
            out.append((lang, mine))
    return out
