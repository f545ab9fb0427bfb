"""Orders storage (Pulumi)."""
import pulumi

from components.storage import Storage

storage = Storage("orders", env="prod")

pulumi.export("bucket", storage.assets.id)
