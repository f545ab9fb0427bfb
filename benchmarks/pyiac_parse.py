"""Time the static reading of a large generated CDK app and Pulumi program (prints numbers only).

    python benchmarks/pyiac_parse.py
"""

from __future__ import annotations

import time

from iaclint.languages.python.cdk import parse_cdk
from iaclint.languages.python.pulumi import parse_pulumi


def cdk_app(stacks: int, per_stack: int) -> str:
    out = ["import aws_cdk as cdk", "from aws_cdk import RemovalPolicy, Stack", "from aws_cdk import aws_s3 as s3",
           "from aws_cdk import aws_dynamodb as dynamodb", "from constructs import Construct", "", "ENV = 'prod'", "", "",
           "def bucket(scope, name):", "    return s3.Bucket(scope, f'{name}Bucket', removal_policy=RemovalPolicy.RETAIN)", ""]
    for s in range(stacks):
        out += [f"class Stack{s}(Stack):", "    def __init__(self, scope: Construct, id: str, **kwargs) -> None:",
                "        super().__init__(scope, id, **kwargs)"]
        for i in range(per_stack):
            out += [f"        group{i} = Construct(self, 'Group{i}')",
                    f"        bucket(group{i}, 'Assets{i}')",
                    "        dynamodb.Table(",
                    f"            group{i},",
                    f"            'Table{i}',",
                    f"            table_name=f'orders-{i}-{{ENV}}',",
                    "            partition_key=dynamodb.Attribute(name='pk', type=dynamodb.AttributeType.STRING),",
                    "        )"]
        out.append("")
    return "\n".join(out) + "\n"


def pulumi_program(n: int) -> str:
    out = ["import pulumi", "import pulumi_aws as aws", "", "PREFIX = 'orders'", ""]
    for i in range(n):
        out += [f"b{i} = aws.s3.Bucket(", f"    f'{{PREFIX}}-{i}',", "    force_destroy=False,",
                "    opts=pulumi.ResourceOptions(protect=True),", ")"]
    return "\n".join(out) + "\n"


def bench(label: str, fn, text: str, runs: int = 5) -> None:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(text, "app.py", "app.py")
        best = min(best, time.perf_counter() - t0)
    print(f"{label}: {len(text.splitlines())} lines, best of {runs}: {best * 1000:.1f} ms")


if __name__ == "__main__":
    bench("cdk", parse_cdk, cdk_app(10, 24))
    bench("pulumi", parse_pulumi, pulumi_program(380))
