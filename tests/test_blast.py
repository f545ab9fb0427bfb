"""iaclint.core.blast: references and cascades (the end-to-end cases are tests/cases/IAC107/)."""

from __future__ import annotations

from iaclint.core.blast import cascades, chain, references
from iaclint.core.model import Expr, Pos, Resource


def tf(address, body):
    return Resource(address, address.split(".")[0], "", "main.tf", Pos(1), body=body)


def cfn(address, rtype, body):
    return Resource(address, rtype, "t.yaml", "t.yaml", Pos(1), body=body, language="cloudformation")


def test_terraform_references_skip_data_sources_and_variables():
    r = tf("aws_instance.web", {
        "subnet_id": Expr("aws_subnet . a . id"),
        "ami": Expr("data . aws_ami . a . id"),
        "tags": {"Name": Expr('" ${ var . x } - ${ aws_vpc . main . id } "')},
    })
    refs = references(r, {"aws_subnet.a", "aws_ami.a", "aws_vpc.main"})
    assert {(x.attr, x.target, x.target_attr) for x in refs} == {("subnet_id", "aws_subnet.a", "id"),
                                                                   ("tags.Name", "aws_vpc.main", "id")}


def test_cloudformation_ref_getatt_sub():
    r = cfn("Web", "AWS::EC2::Instance", {
        "SubnetId": {"Ref": "Subnet"},
        "IamInstanceProfile": {"Fn::GetAtt": ["Profile", "Arn"]},
        "UserData": {"Fn::Base64": {"Fn::Sub": "echo ${Vpc} ${AWS::Region} ${!Literal}"}},
    })
    refs = references(r, {"Subnet", "Profile", "Vpc", "Literal"})
    assert {(x.attr, x.target, x.target_attr) for x in refs} == {
        ("SubnetId", "Subnet", None), ("IamInstanceProfile", "Profile", "Arn"), ("UserData", "Vpc", None)}


def test_fixed_point_and_known_configured_attributes():
    resources = {
        "aws_vpc.main": tf("aws_vpc.main", {"cidr_block": "10.1.0.0/16"}),
        "aws_subnet.a": tf("aws_subnet.a", {"vpc_id": Expr("aws_vpc . main . id"), "cidr_block": "10.0.1.0/24"}),
        "aws_instance.web": tf("aws_instance.web", {"subnet_id": Expr("aws_subnet . a . id")}),
        # reads a configured, unchanged attribute: its value survives the replacement
        "aws_instance.known": tf("aws_instance.known", {"availability_zone": Expr("aws_subnet . a . cidr_block")}),
        # refers in an attribute that updates in place
        "aws_route53_record.web": tf("aws_route53_record.web", {"records": [Expr("aws_instance . web . private_ip")]}),
    }
    force = {"aws_subnet": {"vpc_id"}, "aws_instance": {"subnet_id", "availability_zone"}}
    [c] = cascades({"aws_vpc.main": False}, resources, lambda t: force.get(t, set()), {"aws_vpc.main": {"cidr_block"}})
    assert set(c.dependents) == {"aws_subnet.a", "aws_instance.web"}
    assert chain(c, "aws_instance.web") == ["aws_vpc.main", "aws_subnet.a", "aws_instance.web"]


def test_deleted_root_takes_every_referrer():
    resources = {"aws_instance.web": tf("aws_instance.web", {"tags": {"Subnet": Expr("aws_subnet . a . id")}})}
    [c] = cascades({"aws_subnet.a": True}, resources, lambda t: set())
    assert c.deleted and set(c.dependents) == {"aws_instance.web"}
