"""Time `iaclint diff` on generated CloudFormation templates (~50 resources each).

Prints, as whole processes (interpreter start-up included), the median of several runs of
`python -m iaclint diff BEFORE AFTER`:
  - one template changed: one ~50-resource YAML template, one property edited
  - 100 templates changed: 100 such templates (half YAML, half JSON), each one edited

Run: python benchmarks/bench_cloudformation.py [--resources 50] [--templates 100] [--runs 7]
Targets on a 2-core machine: one template < 0.3 s, 100 templates < 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _resources(n: int, seed: int, edited: bool) -> dict:
    """A plausible service template: buckets, tables, queues, topics, roles, functions, alarms."""
    out: dict = {}
    for i in range(n):
        kind = i % 7
        name = f"R{seed}x{i}"
        if kind == 0:
            out[name + "Bucket"] = {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "Properties": {
                    "BucketName": {"Fn::Sub": "svc%d-data-%d-${Environment}" % (seed, i)},
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "Tags": [{"Key": "team", "Value": "edited" if edited and i == 0 else f"team{seed}"}],
                },
            }
        elif kind == 1:
            out[name + "Table"] = {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "DeletionProtectionEnabled": True,
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                },
            }
        elif kind == 2:
            out[name + "Queue"] = {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30 + i}}
        elif kind == 3:
            out[name + "Topic"] = {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": f"topic {i}"}}
        elif kind == 4:
            out[name + "Role"] = {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                       "Action": "sts:AssumeRole"}],
                    },
                    "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
                },
            }
        elif kind == 5:
            out[name + "Function"] = {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "MemorySize": 256,
                    "Role": {"Fn::GetAtt": [f"R{seed}x{i - 1}Role", "Arn"]},
                    "Code": {"S3Bucket": "artifacts", "S3Key": f"fn-{i}.zip"},
                    "Environment": {"Variables": {"TABLE": {"Ref": f"R{seed}x{i - 4}Table"}}},
                },
            }
        else:
            out[name + "Alarm"] = {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "MetricName": "Errors", "Namespace": "AWS/Lambda", "Statistic": "Sum", "Period": 60,
                    "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "AlarmActions": [{"Ref": f"R{seed}x{i - 3}Topic"}],
                },
            }
    return out


def template(n: int, seed: int, edited: bool) -> dict:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"service {seed}",
        "Parameters": {"Environment": {"Type": "String", "Default": "prod"}},
        "Resources": _resources(n, seed, edited),
    }


def write(path: Path, data: dict, as_yaml: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if as_yaml:
        import yaml

        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def generate(root: Path, resources: int, templates: int) -> None:
    for side, edited in (("before", False), ("after", True)):
        for t in range(templates):
            as_yaml = t % 2 == 0
            write(root / side / f"stack{t:03d}.{'yaml' if as_yaml else 'json'}", template(resources, t, edited), as_yaml)


def time_run(before: Path, after: Path, runs: int) -> float:
    cmd = [sys.executable, "-m", "iaclint", "diff", str(before), str(after)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"iaclint failed ({proc.returncode}):\n{proc.stderr}")
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=int, default=50)
    ap.add_argument("--templates", type=int, default=100)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp, "one"), Path(tmp, "many")
        generate(one, args.resources, 1)
        generate(many, args.resources, args.templates)
        t_one = time_run(one / "before", one / "after", args.runs)
        t_many = time_run(many / "before", many / "after", args.runs)
    print(f"one template changed ({args.resources} resources): {t_one:.3f} s  (target < 0.3 s)")
    print(f"{args.templates} templates changed ({args.resources * args.templates} resources): "
          f"{t_many:.3f} s  (target < 2 s)")


if __name__ == "__main__":
    main()
