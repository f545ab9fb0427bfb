"""Python IaC as people write it (#20): construct classes across modules, loops, helpers, stack
instances; the CDK logical-ID algorithm against published IDs; the reader never raises.

Behaviour on whole changes lives in case folders (tests/cases/IAC103/cdk-custom-construct-renamed-multi-module,
cdk-shared-construct-child-renamed, cdk-stack-deployed-twice-construct-renamed,
IAC301/pulumi-queue-dropped-from-loop, IAC001/pulumi-loop-unknown-bounds and their benign twins).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import lint_trees

from iaclint.languages.python.cdk import make_unique_id, parse_cdk
from iaclint.languages.python.interpreter import MAX_ITEMS, Project
from iaclint.languages.python.pulumi import parse_pulumi

# (construct path below the stack, logical ID) as synthesized by aws-cdk-lib. Provenance:
# - MyFirstBucket: the AWS CDK Developer Guide's "Hello CDK" tutorial (cdk synth output, with
#   `aws:cdk:path: HelloCdkStack/MyFirstBucket/Resource`).
# - MyLambda*: the templates of aws-cdk's aws-lambda unit tests (a `lambda.Function(stack, 'MyLambda')`),
#   reproduced in many public CDK test suites.
# - Custom::S3AutoDeleteObjectsCustomResourceProvider/*: what every `auto_delete_objects=True` bucket
#   synthesizes (seen in `cdk diff` output and assertion snapshots of public CDK projects).
# - LogRetention/Resource, log-retention/Resource: a public re-implementation's test of makeUniqueId
#   that checks 337 IDs of deployed templates.
PUBLISHED_IDS = [
    ("MyFirstBucket/Resource", "MyFirstBucketB8884501"),
    ("MyLambda/Resource", "MyLambdaCCE802FB"),
    ("MyLambda/ServiceRole/Resource", "MyLambdaServiceRole4539ECB6"),
    ("MyLambda/ServiceRole/DefaultPolicy/Resource", "MyLambdaServiceRoleDefaultPolicy5BBC6F68"),
    ("Custom::S3AutoDeleteObjectsCustomResourceProvider/Role", "CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1BD092"),
    ("Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler",
     "CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F"),
    ("LogRetention/Resource", "LogRetentionDD0A1FA1"),
    ("log-retention/Resource", "logretentionB69DFB48"),
]


@pytest.mark.parametrize(("path", "logical_id"), PUBLISHED_IDS)
def test_make_unique_id_reproduces_published_ids(path: str, logical_id: str) -> None:
    assert make_unique_id(path.split("/")) == logical_id


def test_make_unique_id_long_paths_keep_the_hash() -> None:
    long = make_unique_id(["a" * 300, "b"])
    assert len(long) == 240 + 8 and long.startswith("a" * 240)


class _Files:
    """A tree of files in memory, as the loaders read them."""

    def __init__(self, files: dict[str, str]) -> None:
        self.f = {k: v.encode() for k, v in files.items()}

    def exists(self, path: str) -> bool:
        return path in self.f

    def read(self, path: str) -> bytes:
        return self.f[path]

    def files(self) -> list[str]:
        return sorted(self.f)


PIPELINE = (
    "from aws_cdk import aws_sqs as sqs\nfrom constructs import Construct\n\n\n"
    "class Pipeline(Construct):\n"
    "    def __init__(self, scope, construct_id, *, names):\n"
    "        super().__init__(scope, construct_id)\n"
    "        self.queues = [sqs.Queue(self, n) for n in names]\n"
)
STACK = (
    "from aws_cdk import Stack\nfrom orders.constructs import Pipeline\n\n\n"
    "class Data(Stack):\n"
    "    def __init__(self, scope, construct_id, **kwargs):\n"
    "        super().__init__(scope, construct_id, **kwargs)\n"
    "        Pipeline(self, 'Ingest', names=['Raw', 'Clean'])\n"
)
APP = "import aws_cdk as cdk\nfrom orders.stacks import Data\n\napp = cdk.App()\nData(app, 'Prod')\nData(app, 'Staging')\n"


def test_a_program_across_modules_gets_full_construct_paths_per_stack_instance() -> None:
    files = {"app.py": APP, "orders/__init__.py": "", "orders/constructs/__init__.py": "from .pipeline import Pipeline\n",
             "orders/constructs/pipeline.py": PIPELINE, "orders/stacks/__init__.py": "from .data import Data\n",
             "orders/stacks/data.py": STACK}
    program = parse_cdk(APP, "app.py", "app.py", Project(_Files(files), "after"))
    assert [(s.instance, s.path, s.app) for s in program.stacks] == [("Prod", "orders/stacks/data.py", "app.py"),
                                                                     ("Staging", "orders/stacks/data.py", "app.py")]
    for stack in program.stacks:
        assert sorted(r.meta["construct_path"] for r in stack.resources.values()) == ["Ingest/Clean/Resource", "Ingest/Raw/Resource"]
        assert {r.path for r in stack.resources.values()} == {"orders/constructs/pipeline.py"}
        assert sorted(stack.resources) == sorted(make_unique_id(["Ingest", n, "Resource"]) for n in ("Clean", "Raw"))
    assert {"orders/constructs/pipeline.py", "orders/stacks/data.py"} <= program.modules


def test_a_library_name_is_not_taken_for_a_local_package() -> None:
    # a `constructs/` package of the program that does not define Construct leaves the library's
    files = {"constructs/__init__.py": "X = 1\n"}
    src = ("import aws_cdk as cdk\nfrom aws_cdk import aws_s3 as s3\nfrom constructs import Construct\n\n\n"
           "class Site(cdk.Stack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n"
           "        c = Construct(self, 'Web')\n        s3.Bucket(c, 'Assets')\n")
    [stack] = parse_cdk(src, "app.py", "app.py", Project(_Files(files), "after")).stacks
    assert [r.meta["construct_path"] for r in stack.resources.values()] == ["Web/Assets/Resource"]


def test_loops_bind_each_item_and_cap_expansion() -> None:
    src = ("import pulumi_aws as aws\n\n"
           "for kind, cfg in {'a': {'t': 1}, 'b': {'t': 2}}.items():\n"
           "    aws.sqs.Queue(f'q-{kind}', visibility_timeout_seconds=cfg['t'])\n"
           "for i, n in enumerate(['x', 'y']):\n    aws.sqs.Queue(n + str(i))\n"
           f"big = [aws.sqs.Queue(f'n{{i}}') for i in range({MAX_ITEMS + 1})]\n")
    program = parse_pulumi(src, "__main__.py", "__main__.py")
    assert program.resources["aws.sqs.Queue.q-b"].body == {"visibility_timeout_seconds": 2}
    assert "aws.sqs.Queue.n0" not in program.resources  # not expanded past the cap ...
    assert any("cannot expand" in p.message for p in program.problems)  # ... and said so
    assert program.opaque and "pulumi_aws.sqs.Queue" in program.opaque[-1][1]


def test_a_loop_iaclint_cannot_expand_is_never_a_mass_deletion(tmp_path: Path) -> None:
    before = "import pulumi_aws as aws\n\n" + "".join(f"aws.sqs.Queue('q{i}')\n" for i in range(20)) + "aws.s3.Bucket('logs')\n"
    after = "import os\nimport pulumi_aws as aws\n\nfor n in os.environ['QUEUES'].split(','):\n    aws.sqs.Queue(n)\n"
    for side, text in (("before", before), ("after", after)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "__main__.py").write_text(text)
    findings = lint_trees(tmp_path / "before", tmp_path / "after")
    # the bucket is no queue: its deletion is reported; the queues are notes, never deletions
    assert sorted((f.rule, f.severity.value) for f in findings if f.rule != "IAC001") == [("IAC301", "error")]
    notes = [f for f in findings if f.rule == "IAC001"]
    assert len(notes) == 21 and all(f.severity.value == "note" for f in notes)


# ------------------------------------------------------------- the reader never raises

_names = st.sampled_from(["a", "b", "name", "env", "Queue", "self", "scope", "items", "x"])
_lits = st.one_of(st.integers(-3, 70).map(str), st.text("ab-_ {}%", max_size=6).map(repr), st.sampled_from(["None", "True", "[]", "{}"]))


def _expr(depth: int = 2):
    base = st.one_of(_names, _lits)
    if depth == 0:
        return base
    sub = _expr(depth - 1)
    return st.one_of(
        base,
        st.lists(sub, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(_lits, sub), max_size=3).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
        st.tuples(sub, sub).map(lambda t: f"{t[0]} + {t[1]}"),
        st.tuples(sub, _names, sub).map(lambda t: f"[{t[0]} for {t[1]} in {t[2]}]"),
        st.tuples(_names, sub, sub).map(lambda t: f"{{{t[0]}: {t[1]} for {t[0]} in {t[2]}}}"),
        st.tuples(sub, sub).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(sub).map(lambda t: f"range({t[0]})"),
        st.tuples(sub).map(lambda t: f"{t[0]}.items()"),
        st.tuples(sub, sub).map(lambda t: f"aws.sqs.Queue({t[0]}, tags={t[1]})"),
        st.tuples(sub, sub).map(lambda t: f"s3.Bucket(self, {t[0]}, bucket_name={t[1]})"),
        st.tuples(_names, sub).map(lambda t: f"helper({t[1]}, {t[0]})"),
        st.tuples(sub).map(lambda t: f"Part(self, {t[0]})"),
        st.tuples(sub).map(lambda t: f"f'{{{t[0]}}}-x'"),
        st.tuples(sub).map(lambda t: f"Service(app, {t[0]}, env_name={t[0]})"),
    )


def _stmt(depth: int = 2):
    e = _expr(2)
    simple = st.one_of(
        st.tuples(_names, e).map(lambda t: f"{t[0]} = {t[1]}"),
        e,
        st.tuples(_names, _names, e).map(lambda t: f"{t[0]}, {t[1]} = {t[2]}"),
        st.tuples(_names).map(lambda t: f"self.{t[0]} = {t[0]}"),
        st.just("super().__init__(scope, id)"),
        st.just("return x"),
    )
    if depth == 0:
        return simple.map(lambda s: [s])
    body = st.lists(_stmt(depth - 1), min_size=1, max_size=3).map(lambda bs: [ln for b in bs for ln in b])
    return st.one_of(
        simple.map(lambda s: [s]),
        st.tuples(_names, e, body).map(lambda t: [f"for {t[0]} in {t[1]}:"] + ["    " + ln for ln in t[2]]),
        st.tuples(e, body, body).map(lambda t: [f"if {t[0]}:"] + ["    " + ln for ln in t[1]] + ["else:"] + ["    " + ln for ln in t[2]]),
    )


_block = st.lists(_stmt(), min_size=1, max_size=4).map(lambda bs: [ln for b in bs for ln in b])


def _indent(lines: list[str], n: int) -> str:
    return "".join(" " * n + ln + "\n" for ln in lines)


@st.composite
def _program(draw) -> str:
    head = draw(st.sampled_from([
        "import aws_cdk as cdk\nfrom aws_cdk import Stack\nfrom aws_cdk import aws_s3 as s3\nfrom constructs import Construct\n",
        "import pulumi\nimport pulumi_aws as aws\n",
    ]))
    base = draw(st.sampled_from(["Construct", "Stack", "Part", "pulumi.ComponentResource", "object"]))
    return (head + "\n\ndef helper(a, b=1, *rest, **kw):\n" + _indent(draw(_block), 4)
            + f"\n\nclass Part({draw(st.sampled_from(['Construct', 'Part', 'object']))}):\n"
            + "    def __init__(self, scope, id, *args, **kwargs):\n" + _indent(draw(_block), 8)
            + f"\n\nclass Service({base}):\n    def __init__(self, scope, id, **kwargs):\n" + _indent(draw(_block), 8)
            + "\n\napp = cdk.App() if True else None\n" + _indent(draw(_block), 0))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_program())
def test_the_python_reader_never_raises(program: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(program, "p.py", "exec", dont_inherit=True)
    except SyntaxError:
        return  # the generator may write `return` at module level: not a program
    files = _Files({"app.py": program, "pkg/__init__.py": program})
    parse_cdk(program, "app.py", "app.py", Project(files, "after"))
    parse_pulumi(program, "__main__.py", "__main__.py")
    # and the loader, over a change from a small program to this one, in a program of two modules
    from iaclint.languages.base import Loaded
    from iaclint.languages.python.loader import analyze_python

    start = program.split("\n\n", 1)[0] + "\n"
    before = _Files({"app.py": start, "__main__.py": start, "pkg/__init__.py": start})
    after = _Files({"app.py": program, "__main__.py": program, "pkg/__init__.py": program})
    analyze_python(before, after, ["app.py", "__main__.py", "pkg/__init__.py"], {}, Loaded())


COMPONENT = (
    "import pulumi\nimport pulumi_aws as aws\n\n\n"
    "class Storage(pulumi.ComponentResource):\n"
    "    def __init__(self, name, opts=None):\n"
    "        super().__init__({token!r}, name, None, opts)\n"
    "        aws.sqs.Queue(f'{{name}}-jobs', opts=pulumi.ResourceOptions(parent=self))\n"
    "        aws.s3.Bucket(f'{{name}}-logs')\n"
)


def test_pulumi_component_children_carry_the_type_chain_and_inherit_protect() -> None:
    main = ("import pulumi\nfrom components.storage import Storage\n\n"
            "outer = Storage('orders', opts=pulumi.ResourceOptions(protect=True))\n")
    files = {"__main__.py": main, "components/__init__.py": "",
             "components/storage.py": COMPONENT.format(token="orders:index:Storage")}
    program = parse_pulumi(main, "__main__.py", "__main__.py", Project(_Files(files), "after"))
    assert sorted(program.resources) == ["aws.s3.Bucket.orders-logs", "orders:index:Storage$aws.sqs.Queue.orders-jobs"]
    child = program.resources["orders:index:Storage$aws.sqs.Queue.orders-jobs"]
    assert child.meta["prevent_destroy"] is True and child.path == "components/storage.py"
    assert "prevent_destroy" not in program.resources["aws.s3.Bucket.orders-logs"].meta  # no parent: nothing inherited


def test_pulumi_component_type_alias_moves_its_children() -> None:
    main = ("import pulumi\nfrom components.storage import Storage\n\n"
            "Storage('orders', opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(type_='orders:index:Store')]))\n")
    files = {"__main__.py": main, "components/storage.py": COMPONENT.format(token="orders:storage:Storage")}
    program = parse_pulumi(main, "__main__.py", "__main__.py", Project(_Files(files), "after"))
    assert program.moved == {"orders:index:Store$aws.sqs.Queue.orders-jobs": "orders:storage:Storage$aws.sqs.Queue.orders-jobs"}


def test_a_changed_component_module_is_read_through_the_program(tmp_path: Path) -> None:
    main = "import pulumi\nfrom components.storage import Storage\n\nStorage('orders')\n"
    for side, token in (("before", "orders:index:Storage"), ("after", "orders:storage:Storage")):
        (tmp_path / side / "components").mkdir(parents=True)
        (tmp_path / side / "__main__.py").write_text(main)
        (tmp_path / side / "components" / "storage.py").write_text(COMPONENT.format(token=token))
    findings = lint_trees(tmp_path / "before", tmp_path / "after")
    # the component's type changed without an alias: its child gets a new URN, the unparented bucket does not
    assert [(f.rule, f.resource, f.path) for f in findings] == [
        ("IAC103", "orders:index:Storage$aws.sqs.Queue.orders-jobs", "components/storage.py")]


def test_recursion_is_bounded_and_said() -> None:
    src = "import pulumi_aws as aws\n\n\ndef make(n):\n    aws.sqs.Queue(f'q{n}')\n    return make(n + 1)\n\n\nmake(0)\n"
    program = parse_pulumi(src, "__main__.py", "__main__.py")
    assert 1 < len(program.resources) <= 13
    assert [p.message for p in program.problems] == [
        "calls nested more than 12 deep are not followed; resources created there are not checked"]
    assert program.opaque and program.opaque[0][1] is None  # so nothing is reported deleted for it


def test_a_problem_in_another_module_is_reported_there() -> None:
    files = {"components/queues.py": "import os\nimport pulumi_aws as aws\n\n\ndef queues():\n"
                                     "    return [aws.sqs.Queue(n) for n in os.environ['Q'].split()]\n"}
    main = "import pulumi\nfrom components.queues import queues\n\nqueues()\n"
    program = parse_pulumi(main, "__main__.py", "__main__.py", Project(_Files(files), "after"))
    assert [(p.path, p.line) for p in program.problems] == [("components/queues.py", 6)]
    assert program.opaque[0][0].path == "components/queues.py"


def test_the_app_of_a_changed_module_is_found_through_cdk_json() -> None:
    from iaclint.languages.python.loader import _cdk_entries

    files = _Files({"infra/cdk.json": '{"app": "python3 main.py", "context": {}}', "infra/main.py": "", "infra/app.py": "",
                    "infra/orders/constructs/pipeline.py": ""})
    assert _cdk_entries(files, ["infra/orders/constructs/pipeline.py"]) == ["infra/main.py", "infra/app.py"]
    assert _cdk_entries(_Files({"cdk.json": "not json"}), ["x/y.py"]) == []


def test_stacks_of_a_stage_deployed_twice_are_read_per_stage() -> None:
    src = ("import aws_cdk as cdk\nfrom aws_cdk import aws_sqs as sqs\n\n\n"
           "class Service(cdk.Stack):\n    def __init__(self, scope, id, *, retention, **kwargs):\n"
           "        super().__init__(scope, id, **kwargs)\n        sqs.Queue(self, 'Jobs', retention_period=retention)\n\n\n"
           "class AppStage(cdk.Stage):\n    def __init__(self, scope, id, *, retention, **kwargs):\n"
           "        super().__init__(scope, id, **kwargs)\n        Service(self, 'Service', retention=retention)\n\n\n"
           "app = cdk.App()\nAppStage(app, 'Prod', retention=14)\nAppStage(app, 'Staging', retention=4)\n")
    program = parse_cdk(src, "app.py", "app.py")
    assert [(s.instance, [r.body for r in s.resources.values()]) for s in program.stacks] == [
        ("Prod/Service", [{"retention_period": 14}]), ("Staging/Service", [{"retention_period": 4}])]


def test_override_logical_id_inside_a_construct_of_another_module_is_honoured() -> None:
    files = {"lib/site.py": ("from aws_cdk import aws_s3 as s3\nfrom constructs import Construct\n\n\n"
                             "class Site(Construct):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n"
                             "        self.bucket = s3.Bucket(self, 'Assets')\n"
                             "        self.bucket.node.default_child.override_logical_id('SiteAssets')\n"
                             "        s3.Bucket(self, 'Logs')\n")}
    src = ("import aws_cdk as cdk\nfrom lib.site import Site\n\n\n"
           "class Web(cdk.Stack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n"
           "        Site(self, 'Renamed')\n")
    [stack] = parse_cdk(src, "app.py", "app.py", Project(_Files(files), "after")).stacks
    assert sorted(stack.resources) == sorted(["SiteAssets", make_unique_id(["Renamed", "Logs", "Resource"])])
