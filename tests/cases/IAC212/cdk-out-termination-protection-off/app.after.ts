import * as cdk from 'aws-cdk-lib';
import { Construct } from 'constructs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

class Ingest extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new sqs.Queue(this, 'Buffer', { retentionPeriod: cdk.Duration.days(4) });
    new dynamodb.Table(this, 'Events', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });
  }
}

class StorageStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new s3.Bucket(this, 'Assets', { versioned: true });
    new s3.Bucket(this, 'Scratch', { removalPolicy: cdk.RemovalPolicy.DESTROY });
    cdk.Tags.of(this).add('team', 'data');
  }
}

class ServiceStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new Ingest(this, 'Ingest');
  }
}

class AppStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new ServiceStack(this, 'Service');
  }
}

const app = new cdk.App();
new StorageStack(app, 'Storage');
new AppStage(app, 'Prod');
app.synth();
