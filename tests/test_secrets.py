"""A value any source marks sensitive is never printed, in any format.

Terraform variables with `sensitive = true` (their defaults, tfvars and module arguments) and
CloudFormation parameters with `NoEcho: true` (their defaults).
"""

from __future__ import annotations

import pytest

from iaclint.cli.options import FORMAT_NAMES
from tests.conftest import run_cli

TF = '''variable "queue_name" {
  default   = "%s"
  sensitive = true
}

resource "aws_sqs_queue" "q" {
  name = "${var.queue_name}-jobs"
}
'''
TFVARS_TF = '''variable "queue_name" {
  sensitive = true
}

resource "aws_sqs_queue" "q" {
  name = var.queue_name
}
'''
CFN = '''Parameters:
  QueueName:
    Type: String
    NoEcho: true
    Default: %s
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Ref QueueName
'''
OLD, NEW = "Hunter2-before-secret", "Tr0ub4dor-after-secret"


def _write(root, files):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


CHANGES = {
    "terraform-default": ({"main.tf": TF % OLD}, {"main.tf": TF % NEW}),
    "terraform-tfvars": ({"main.tf": TFVARS_TF, "terraform.tfvars": f'queue_name = "{OLD}"\n'},
                         {"main.tf": TFVARS_TF, "terraform.tfvars": f'queue_name = "{NEW}"\n'}),
    "cloudformation-noecho": ({"stack.yaml": CFN % OLD}, {"stack.yaml": CFN % NEW}),
}


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_sensitive_values_never_reach_the_output(tmp_path, change, fmt):
    before, after = CHANGES[change]
    _write(tmp_path / "b", before)
    _write(tmp_path / "a", after)
    result = run_cli(["diff", "b", "a", "--format", fmt], cwd=tmp_path)
    assert result.exit_code == 1, result.output  # the replacement is still reported
    assert OLD not in result.output and NEW not in result.output


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_values_the_plan_marks_sensitive_never_reach_diff_plan_output(tmp_path, fmt):
    import json

    tf = 'resource "aws_sqs_queue" "q" {\n  name = "%s"\n}\n'
    _write(tmp_path / "b", {"main.tf": tf % OLD})
    _write(tmp_path / "a", {"main.tf": tf % NEW})
    plan = {
        "format_version": "1.2",
        "resource_changes": [{
            "address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
            "change": {"actions": ["delete", "create"], "before": {"name": OLD}, "after": {"name": NEW},
                       "before_sensitive": {"name": True}, "after_sensitive": {"name": True}, "after_unknown": {},
                       "replace_paths": [["name"]]},
        }],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    result = run_cli(["diff", "b", "a", "--plan", "plan.json", "--format", fmt], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert OLD not in result.output and NEW not in result.output
