"""A GCP program: analytics datasets and a topic."""
import pulumi
import pulumi_gcp as gcp

events = gcp.bigquery.Dataset("events", dataset_id="events", location="EU", labels={"team": "data"})
archive = gcp.bigquery.Dataset("archive", dataset_id="archive", location="EU")
topic = gcp.pubsub.Topic("ingest", name="ingest")
gcp.storage.Bucket("exports", location="EU", uniform_bucket_level_access=True)
pulumi.export("dataset", events.dataset_id)
