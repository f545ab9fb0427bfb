"""Sign-in: a Cognito user pool and its client."""
import aws_cdk as cdk
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct


class AuthStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        pool = cognito.UserPool(self, "Users", self_sign_up_enabled=False)
        pool.add_client("Web")


app = cdk.App()
AuthStack(app, "Auth")
app.synth()
