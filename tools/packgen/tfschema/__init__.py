"""Terraform provider schemas read statically from Go source (no Go toolchain, no checkout).

    python tools/packgen/tfschema [--provider NAME ...] [--sources DIR] [--check]

writes rules/terraform/<provider>/{force_new,attributes[,disagreements]}.tsv for the providers
pinned in generate.PROVIDERS; --sources holds their git directories (`<owner>+<name>/repo`,
`<name>.git` or `<name>`), default $TFSCHEMA_SOURCES.

As a library (standard library only; iaclint never imports it):

    sys.path.insert(0, "tools/packgen/tfschema")
    from extract import extract
    result = extract(gitdir, rev, provider=None, extra=(), modules=())

`gitdir` is any git directory (bare is fine) and `rev` any revision: files are listed with
`git ls-tree -r REV` and read through one `git cat-file --batch`. `result.rows` holds one Row per
(resource type, attribute path): flags (R O C D S), default (JSON literal or ""), kind
(force_new | conditional | ""), source (file#function), in_schema (False for a path only a
CustomizeDiff/ModifyPlan names). `result.resources` maps each type to how it was registered;
`result.unresolved` counts what could not be followed, `result.unresolved_types` per type.

Layouts understood: SDKv2 `ResourcesMap` (aws 2.x/3.x `aws/provider.go`, google <= 6,
azurerm untyped), aws `@SDKResource`/`@FrameworkResource` annotations and
`service_package_gen.go` (4.x and later; `Region: ResourceRegionDefault()` gives v6's
`region` row), google's `registry.Schema{...}.Register()`, azurerm typed resources
(`ResourceType()`, `Arguments()`, `Attributes()`), Plugin Framework `Metadata`/`Schema`
methods, and the function-per-file republication of aws v6 (`index/resources/*.json`; pass
`extra=((older_aws_gitdir, rev, "names"),)` for its missing `names` package, otherwise
`names.Attr*` constants are derived from their identifiers and counted). azurerm >= 3 needs
`modules=(("github.com/hashicorp/go-azure-helpers", helpers_gitdir),)` for commonschema.
"""
