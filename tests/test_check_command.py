"""`iaclint check-command`: a table of commands an agent may run, each judged as written.

Every destructive command has a read-only twin that must pass, and the tricks an agent (or a
shell) uses to wrap a command (`bash -c`, `env X=1`, `sudo`, `&&` chains, pipes, here-documents)
are seen through. Nothing is ever run: the table holds commands no test may execute.
"""

from __future__ import annotations

import json

import pytest

from iaclint.guard import judge
from iaclint.pipeline import RunOptions
from tests.conftest import run_cli

# (command line, the rules it must raise: empty means it passes)
TABLE: list[tuple[str, list[str]]] = [
    # terraform / tofu / terragrunt
    ("terraform destroy", ["IAC401"]),
    ("terraform plan -destroy", []),
    ("tofu destroy -auto-approve", ["IAC401"]),
    ("tofu plan", []),
    ("terraform apply -destroy", ["IAC401"]),
    ("terraform apply -destroy=false plan.tfplan", []),
    ("terraform -chdir=infra destroy", ["IAC401"]),
    ("terraform -chdir=infra plan", []),
    ("terraform destroy -target=aws_s3_bucket.logs", ["IAC401"]),
    ("terragrunt destroy", ["IAC401"]),
    ("terragrunt run-all destroy", ["IAC401"]),
    ("terragrunt run --all destroy", ["IAC401"]),
    ("terragrunt run-all plan", []),
    ("terragrunt apply --terragrunt-working-dir live/prod -auto-approve", ["IAC407"]),
    ("terraform apply -replace=aws_db_instance.orders", ["IAC402"]),
    ("terraform plan -replace=aws_db_instance.orders", []),
    ("terraform apply -replace aws_db_instance.orders plan.tfplan", ["IAC402"]),
    ("terraform taint aws_db_instance.orders", ["IAC402"]),
    ("terraform untaint aws_db_instance.orders", []),
    ("terraform state rm aws_db_instance.orders", ["IAC403"]),
    ("terraform state list", []),
    ("terraform state show aws_db_instance.orders", []),
    ("terraform workspace delete staging", ["IAC403"]),
    ("terraform workspace list", []),
    ("rm -f terraform.tfstate terraform.tfstate.backup", ["IAC403"]),
    ("rm -rf .terraform/providers", []),
    ("terraform apply -auto-approve", ["IAC407"]),
    ("terraform apply plan.tfplan", []),
    ("terraform apply -auto-approve plan.tfplan", []),
    ("terraform apply -var 'env=prod' -auto-approve", ["IAC407"]),
    ("terraform validate && terraform fmt -check && terraform output", []),
    ("terraform show -json plan.tfplan", []),
    # CDK, Pulumi
    ("cdk destroy --force", ["IAC401"]),
    ("npx aws-cdk@2 destroy AppStack", ["IAC401"]),
    ("cdk diff", []),
    ("cdk --app 'python3 app.py' --profile prod destroy AppStack", ["IAC401"]),
    ("cdk --app 'python3 app.py' synth", []),
    ("pulumi destroy --yes", ["IAC401"]),
    ("pulumi preview", []),
    ("pulumi stack rm prod --force", ["IAC401"]),
    ("pulumi stack ls", []),
    ("pulumi up --replace urn:pulumi:prod::app::aws:rds/instance:Instance::db", ["IAC402"]),
    ("pulumi state delete urn:pulumi:prod::app::aws:s3/bucket:Bucket::b", ["IAC403"]),
    # AWS
    ("aws cloudformation delete-stack --stack-name app", ["IAC401"]),
    ("aws cloudformation describe-stacks --stack-name app", []),
    ("aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot", ["IAC404"]),
    ("aws rds delete-db-instance --db-instance-identifier orders --final-db-snapshot-identifier orders-final", ["IAC404"]),
    ("aws rds describe-db-instances --db-instance-identifier orders", []),
    ("aws rds delete-db-cluster --db-cluster-identifier orders --skip-final-snapshot", ["IAC404"]),
    ("aws rds modify-db-instance --db-instance-identifier orders --no-deletion-protection", ["IAC406"]),
    ("aws rds modify-db-instance --db-instance-identifier orders --deletion-protection", []),
    ("aws rds modify-db-cluster --db-cluster-identifier orders --no-deletion-protection --apply-immediately", ["IAC406"]),
    ("aws dynamodb delete-table --table-name sessions", ["IAC404"]),
    ("aws dynamodb list-tables", []),
    ("aws dynamodb get-item --table-name sessions --key '{}'", []),
    ("aws s3 rb s3://invoices --force", ["IAC404"]),
    ("aws s3 rb s3://invoices", ["IAC404"]),
    ("aws s3 ls s3://invoices", []),
    ("aws s3 rm s3://invoices/2024 --recursive", ["IAC404"]),
    ("aws s3 rm s3://invoices/2024/report.pdf", []),
    ("aws s3 rb --force s3://invoices", ["IAC404"]),
    ("aws s3 rm --recursive s3://invoices/2024", ["IAC404"]),
    ("aws s3 sync --delete ./site s3://www", []),
    ("aws s3api delete-bucket --bucket invoices", ["IAC404"]),
    ("aws s3api get-bucket-versioning --bucket invoices", []),
    ("aws s3api put-bucket-versioning --bucket invoices --versioning-configuration Status=Suspended", ["IAC406"]),
    ("aws --profile prod --region eu-west-1 rds delete-db-instance --db-instance-identifier x --skip-final-snapshot", ["IAC404"]),
    ("aws cloudformation update-termination-protection --stack-name app --no-enable-termination-protection", ["IAC406"]),
    # Google Cloud, Azure
    ("gcloud sql instances delete orders", ["IAC404"]),
    ("gcloud sql instances list", []),
    ("gcloud sql instances describe orders", []),
    ("gcloud projects delete acme-prod", ["IAC401"]),
    ("gcloud projects list", []),
    ("gcloud beta sql instances patch orders --no-deletion-protection", ["IAC406"]),
    ("az group delete --name rg-prod --yes", ["IAC401"]),
    ("az group list", []),
    ("az lock delete --name keep --resource-group rg-prod", ["IAC406"]),
    # Kubernetes
    ("kubectl delete namespace payments", ["IAC404"]),
    ("kubectl delete ns payments", ["IAC404"]),
    ("kubectl delete pvc data-postgres-0 -n db", ["IAC404"]),
    ("kubectl delete persistentvolumeclaim/data-postgres-0", ["IAC404"]),
    ("kubectl delete pv pv-1", ["IAC404"]),
    ("kubectl delete pod web-1", []),
    ("kubectl get pvc -n db", []),
    ("kubectl describe namespace payments", []),
    # SQL
    ("psql -c 'DROP DATABASE orders'", ["IAC405"]),
    ("psql --command='drop table orders;'", ["IAC405"]),
    ("psql -h db -U app -c 'TRUNCATE orders'", ["IAC405"]),
    ("psql -c 'SELECT count(*) FROM orders'", []),
    ("psql -c \"SELECT 'DROP TABLE orders' AS hint\"", []),
    ("mysql -e 'drop schema shop'", ["IAC405"]),
    ("mysql --execute='DROP TABLE IF EXISTS orders'", ["IAC405"]),
    ("mysql -e 'SHOW TABLES'", []),
    ("mariadb -e 'DELETE FROM orders'", ["IAC405"]),
    ("mysql -e 'DELETE FROM orders WHERE id = 1'", []),
    ("psql <<'SQL'\nDROP TABLE orders;\nSQL", ["IAC405"]),
    ("psql <<< 'drop table orders'", ["IAC405"]),
    ("echo 'DROP TABLE orders;' | psql", ["IAC405"]),
    ("sqlite3 app.db 'DROP TABLE orders'", ["IAC405"]),
    # wrappers, chains, quoting
    ('bash -c "terraform destroy"', ["IAC401"]),
    ("sh -c 'cd infra && terraform destroy -auto-approve'", ["IAC401"]),
    ("bash -lc 'terraform plan'", []),
    ("env X=1 terraform destroy", ["IAC401"]),
    ("env -u AWS_PROFILE AWS_REGION=eu-west-1 terraform destroy", ["IAC401"]),
    ("TF_LOG=debug terraform destroy", ["IAC401"]),
    ("sudo -u ops terraform destroy", ["IAC401"]),
    ("time terraform destroy", ["IAC401"]),
    ("nohup terraform destroy > destroy.log 2>&1 &", ["IAC401"]),
    ("timeout 600 terraform destroy", ["IAC401"]),
    ("aws-vault exec prod -- aws dynamodb delete-table --table-name sessions", ["IAC404"]),
    ("/usr/local/bin/terraform destroy", ["IAC401"]),
    ("cd infra && terraform destroy -auto-approve", ["IAC401"]),
    ("terraform init && terraform plan || echo failed", []),
    ("terraform fmt; terraform destroy", ["IAC401"]),
    ("terraform plan\nterraform destroy", ["IAC401"]),
    ("(cd infra; terraform destroy)", ["IAC401"]),
    ("echo $(terraform destroy)", ["IAC401"]),
    ("echo `tofu destroy`", ["IAC401"]),
    ('echo "$(aws s3 rb s3://x --force)"', ["IAC404"]),
    ("cat <<'EOF' | bash\nterraform destroy -auto-approve\nEOF", ["IAC401"]),
    ("echo terraform destroy | sh", ["IAC401"]),
    ("eval 'terraform destroy'", ["IAC401"]),
    ("ssh bastion terraform destroy", ["IAC401"]),
    ("kubectl exec -it db-0 -- psql -c 'DROP DATABASE app'", ["IAC405"]),
    ("xargs -n1 terraform destroy -target < targets.txt", ["IAC401"]),
    ("echo terraform destroy", []),
    ("echo 'terraform destroy' # not run", []),
    ("grep destroy main.tf", []),
    ("grep -rn 'terraform destroy' docs/", []),
    ("git commit -m 'terraform destroy is forbidden'", []),
    ("cat <<'EOF' > notes.md\nterraform destroy\nEOF", []),
    ("command -v terraform", []),
    ("ls -la # terraform destroy", []),
    ("printf '%s' 'aws s3 rb s3://x --force'", []),
    ("bash deploy.sh", []),
    ("aws s3 rm s3://invoices/2024 --recursive --dryrun", []),
    ("kubectl delete namespace payments --dry-run=client", []),
    ("kubectl delete namespace payments --dry-run=none", ["IAC404"]),
    ("pulumi destroy --preview-only", []),
    ("terraform destroy -help", []),
    ("aws rds delete-db-instance help", []),
    ("find . -name '*.tf' -execdir terraform destroy -auto-approve \\;", ["IAC401"]),
    ("find . -name '*.tf' -print", []),
    ("env -S 'terraform destroy'", ["IAC401"]),
    ("", []),
]


@pytest.mark.parametrize("line, rules", TABLE, ids=[f"{i:03d}" for i in range(len(TABLE))])
def test_command_table(line, rules):
    result = judge(RunOptions(no_config=True), line)
    assert sorted(f.rule for f in result.findings) == sorted(rules), (line, [f.message for f in result.findings])
    for f in result.findings:
        assert (f.path, f.line) == ("<command>", 1)
        assert f.message.startswith("`") and f.help


def test_every_command_rule_fires_in_the_table():
    from iaclint.core.model import Category
    from iaclint.engine.registry import RULES

    fired = {code for _, rules in TABLE for code in rules}
    assert {r.code for r in RULES if r.category is Category.COMMAND} <= fired


def test_the_table_is_large_and_pairs_destructive_commands_with_read_only_ones():
    assert len(TABLE) >= 60
    passing = sum(1 for _, rules in TABLE if not rules)
    assert passing >= 40 and len(TABLE) - passing >= 60


@pytest.mark.parametrize("line, severity", [
    ("terraform destroy", "error"),
    ("aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot", "error"),
    ("aws rds delete-db-instance --db-instance-identifier orders --final-db-snapshot-identifier f", "warning"),
    ("aws dynamodb delete-table --table-name t", "error"),
    ("aws s3 rb s3://b --force", "error"),
    ("aws s3 rb s3://b", "warning"),
    ("psql -c 'DROP DATABASE x'", "error"),
    ("aws rds modify-db-instance --db-instance-identifier x --no-deletion-protection", "error"),
    ("terraform apply -auto-approve", "warning"),
    ("terraform state rm aws_s3_bucket.b", "warning"),
    ("terraform workspace delete -force staging", "error"),
])
def test_severities(line, severity):
    (finding,) = judge(RunOptions(no_config=True), line).findings
    assert finding.severity.value == severity


def test_a_comment_is_not_quoted():
    (f,) = judge(RunOptions(no_config=True), "terraform destroy # token=abc").findings
    assert f.message.startswith("`terraform destroy`") and "abc" not in f.message


def test_messages_name_the_target_and_the_directory():
    (f,) = judge(RunOptions(no_config=True), "terraform apply -replace=aws_db_instance.orders -auto-approve").findings
    assert f.resource == "aws_db_instance.orders" and "aws_db_instance.orders" in f.message
    (f,) = judge(RunOptions(no_config=True), "cd infra/prod && terraform destroy").findings
    assert "infra/prod" in f.message
    (f,) = judge(RunOptions(no_config=True), "terraform -chdir=stacks/db destroy").findings
    assert "stacks/db" in f.message and f.resource == "stacks/db"
    (f,) = judge(RunOptions(no_config=True), "aws dynamodb delete-table --table-name sessions").findings
    assert f.resource == "sessions"
    (f,) = judge(RunOptions(no_config=True), "aws s3 rb --force s3://invoices").findings
    assert f.resource == "s3://invoices" and f.severity.value == "error"
    (f,) = judge(RunOptions(no_config=True), "terragrunt apply --terragrunt-working-dir live/prod -auto-approve").findings
    assert "live/prod" in f.message
    (f,) = judge(RunOptions(no_config=True), "aws cloudformation delete-stack").findings
    assert "  " not in f.message


@pytest.mark.parametrize("line, secret", [
    ("PGPASSWORD=hunter2 psql -h db -c 'DROP TABLE orders'", "hunter2"),
    ("psql postgres://app:hunter2@db/app -c 'DROP TABLE orders'", "hunter2"),
    ("mysql -uroot -phunter2 -e 'DROP DATABASE shop'", "hunter2"),
    ("mysql --password=hunter2 -e 'DROP DATABASE shop'", "hunter2"),
    ("TF_VAR_db_password=hunter2 terraform destroy", "hunter2"),
    ("terraform apply -var 'db_password=hunter2' -auto-approve", "hunter2"),
    ("aws rds delete-db-cluster --db-cluster-identifier c --skip-final-snapshot --master-user-password hunter2", "hunter2"),
])
def test_secrets_in_the_command_are_never_printed(line, secret):
    result = judge(RunOptions(no_config=True), line)
    assert result.findings
    for fmt in ("text", "json", "agent", "sarif", "markdown", "github", "gitlab"):
        from iaclint.output import render

        assert secret not in render(result, fmt), fmt


def test_argv_mode_and_exit_codes(tmp_path):
    bad = run_cli(["check-command", "--", "terraform", "destroy", "-auto-approve"], cwd=tmp_path)
    assert bad.exit_code == 1 and "IAC401" in bad.stdout
    good = run_cli(["check-command", "--", "terraform", "plan"], cwd=tmp_path)
    assert good.exit_code == 0 and "IAC4" not in good.stdout
    # the argument vector is one program, as exec runs it: `&&` is an argument, not a chain
    literal = run_cli(["check-command", "--", "echo", "x", "&&", "terraform", "destroy"], cwd=tmp_path)
    assert literal.exit_code == 0
    # the same options as `diff`
    warn = run_cli(["check-command", "--fail-on", "error", "--shell", "terraform apply -auto-approve"], cwd=tmp_path)
    assert warn.exit_code == 0 and "IAC407" in warn.stdout
    ignored = run_cli(["check-command", "--ignore", "destructive-command", "--shell", "terraform destroy"], cwd=tmp_path)
    assert ignored.exit_code == 0
    doc = json.loads(run_cli(["check-command", "--format", "json", "--shell", "terraform destroy"], cwd=tmp_path).stdout)
    (finding,) = doc["findings"]
    assert finding["category"] == "destructive-command" and finding["path"] == "<command>"
    assert doc["summary"]["commands"] == 1
    chain = run_cli(["check-command", "--shell", "terraform fmt && terraform plan | tee plan.txt"], cwd=tmp_path)
    assert chain.stdout.strip().endswith("in 3 commands")


def test_usage_errors_are_one_line(tmp_path):
    for args in (["check-command"], ["check-command", "--shell", "ls", "--", "ls"],
                 ["check-command", "--select", "IAC999", "--shell", "ls"]):
        result = run_cli(args, cwd=tmp_path)
        assert result.exit_code == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr


def test_a_line_no_shell_can_read_fails_closed(tmp_path):
    result = run_cli(["check-command", "--shell", "psql -c 'DROP TABLE orders"], cwd=tmp_path)
    assert result.exit_code == 1 and "IAC001" in result.stdout and "quote" in result.stdout


def test_the_configuration_applies(tmp_path):
    (tmp_path / ".iaclint.toml").write_text('fail_on = "error"\nignore = ["IAC403"]\n', encoding="utf-8")
    assert run_cli(["check-command", "--shell", "terraform apply -auto-approve"], cwd=tmp_path).exit_code == 0
    assert run_cli(["check-command", "--shell", "terraform state rm a.b"], cwd=tmp_path).stdout.count("IAC403") == 0


def test_the_users_packs_are_not_read(tmp_path):
    # packs are facts about resource types; a command is judged without them, and a pack that
    # does not parse must not stop the hook
    (tmp_path / ".iaclint.toml").write_text('packs = ["broken.yaml"]\n', encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("{{{ not yaml", encoding="utf-8")
    result = run_cli(["check-command", "--shell", "terraform destroy"], cwd=tmp_path)
    assert result.exit_code == 1 and "IAC401" in result.stdout, result.output
