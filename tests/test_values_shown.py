"""Values in messages are shown as the source writes them, with what they evaluate to when that
is known: a reviewer reads `"${var.env}-queue"` = "prod-queue", never the parser's tokens
(`" ${ var . env } -queue "`) or "a changed value"."""

from __future__ import annotations

from conftest import write
from helpers import lint_trees


def _messages(tmp_path, before: dict, after: dict, rule: str = "IAC101") -> list[str]:
    write(tmp_path / "before", before)
    write(tmp_path / "after", after)
    return [f.message for f in lint_trees(tmp_path / "before", tmp_path / "after") if f.rule == rule]


TF = """
variable "env" {
  default = "prod"
}
variable "region" {}
resource "aws_sqs_queue" "q" {
  name = %s
}
"""


def test_terraform_template_is_shown_as_written_with_its_value(tmp_path):
    (message,) = _messages(tmp_path, {"main.tf": TF % '"${var.env}-queue"'}, {"main.tf": TF % '"${var.env}-orders"'})
    assert '(`"${var.env}-queue"` = "prod-queue" → `"${var.env}-orders"` = "prod-orders")' in message


def test_terraform_function_call_is_shown_as_written(tmp_path):
    (message,) = _messages(tmp_path, {"main.tf": TF % 'format("%s-queue", var.env)'},
                           {"main.tf": TF % 'format( "%s-orders" ,var.env )'})
    assert '`format("%s-queue", var.env)` = "prod-queue"' in message
    assert '`format( "%s-orders" ,var.env )` = "prod-orders"' in message
    assert "format (" not in message


def test_terraform_unknown_value_is_shown_as_written_alone(tmp_path):
    (message,) = _messages(tmp_path, {"main.tf": TF % '"${var.region}-queue"'}, {"main.tf": TF % '"${var.region}-orders"'})
    assert '(`"${var.region}-queue"` → `"${var.region}-orders"`)' in message
    assert "${ var" not in message


def test_terraform_literal_is_shown_once(tmp_path):
    (message,) = _messages(tmp_path, {"main.tf": TF % '"a"'}, {"main.tf": TF % '"b"'})
    assert '("a" → "b")' in message


def test_terraform_long_expression_is_one_line_and_cut(tmp_path):
    long = "join(\"-\", [\n    var.env,\n    " + ",\n    ".join(f'"part{i}"' for i in range(30)) + ",\n  ])"
    (message,) = _messages(tmp_path, {"main.tf": TF % '"a"'}, {"main.tf": TF % long})
    assert "\n" not in message
    assert '`join("-", [ var.env, "part0",' in message and '..."' not in message.split("→")[0]


def test_terraform_sensitive_value_is_not_shown_through_its_source(tmp_path):
    secret = """
variable "pw" {
  default   = "hunter2-secret"
  sensitive = true
}
resource "aws_sqs_queue" "q" {
  name = "%s-${var.pw}"
}
"""
    (message,) = _messages(tmp_path, {"main.tf": secret % "a"}, {"main.tf": secret % "b"})
    assert "hunter2" not in message
    assert "var.pw" in message


CFN = """
Parameters:
  Env:
    Type: String
  Stage:
    Type: String
    Default: prod
  Pw:
    Type: String
    NoEcho: true
    Default: %s
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: %s
"""


def _cfn(tmp_path, before: str, after: str, secret: str = "s3cr3t-default") -> str:
    (message,) = _messages(tmp_path, {"t.yaml": CFN % (secret, before)}, {"t.yaml": CFN % (secret, after)})
    return message


def test_cloudformation_sub_is_shown_in_its_short_form(tmp_path):
    message = _cfn(tmp_path, '!Sub "${Env}-table"', '!Sub "${Env}-orders"')
    assert '(`!Sub "${Env}-table"` → `!Sub "${Env}-orders"`)' in message
    assert "a changed value" not in message


def test_cloudformation_sub_is_resolved_from_parameter_defaults(tmp_path):
    message = _cfn(tmp_path, '!Sub "${Stage}-table"', '!Sub "${Stage}-orders"')
    assert '(`!Sub "${Stage}-table"` = "prod-table" → `!Sub "${Stage}-orders"` = "prod-orders")' in message


def test_cloudformation_nested_intrinsics_and_refs(tmp_path):
    message = _cfn(tmp_path, '!Join ["-", [!Ref Stage, "t"]]', "!Ref Env")
    assert '(`!Join ["-", [!Ref Stage, "t"]]` = "prod-t" → `!Ref Env`)' in message


def test_cloudformation_json_template_shows_its_json(tmp_path):
    import json

    def template(name):
        return json.dumps({"Parameters": {"Stage": {"Type": "String", "Default": "prod"}},
                           "Resources": {"Table": {"Type": "AWS::DynamoDB::Table",
                                                   "Properties": {"TableName": {"Fn::Sub": name}}}}}, indent=1)

    (message,) = _messages(tmp_path, {"t.json": template("${Stage}-table")}, {"t.json": template("${Stage}-orders")})
    assert '(`{"Fn::Sub": "${Stage}-table"}` = "prod-table" → `{"Fn::Sub": "${Stage}-orders"}` = "prod-orders")' in message


def test_a_noecho_default_is_never_resolved_into_a_message(tmp_path):
    from conftest import run_cli

    # two characters: too short for the pipeline's redaction of secret texts, so only the
    # resolver's own refusal keeps it out
    for secret in ("s3cr3t-default", "zq"):
        message = _cfn(tmp_path / secret, '!Sub "${Pw}x-${Stage}-table"', '!Sub "${Pw}x-${Stage}-orders"', secret)
        assert f"{secret}x" not in message and f'"{secret}' not in message, message
        assert "`!Sub \"${Pw}x-${Stage}-table\"`" in message
        result = run_cli(["diff", str(tmp_path / secret / "before"), str(tmp_path / secret / "after"), "--format", "json"])
        assert f"{secret}x" not in result.stdout
    from iaclint.languages.cloudformation.shown import resolve

    sub = {"Fn::Sub": "${Pw}-t", "Defaults": {"Pw": "zq"}}
    assert resolve(sub, {"Pw"}) is not None and not isinstance(resolve(sub, {"Pw"}), str)
    assert resolve({"Ref": "Pw", "Default": "zq"}, {"Pw"}) != "zq"
    assert resolve({"Fn::Sub": ["${X}-t", {"X": {"Ref": "Pw", "Default": "zq"}}]}, {"Pw"}) != "zq-t"
