"""Terraform provider schemas read statically from Go source (see extract.py, generate.py).

Usage from other tools: `sys.path.insert(0, "tools/packgen/tfschema"); from extract import extract`,
then `extract(gitdir, rev)` -> Result(rows, resources, unresolved, unresolved_types).
"""
