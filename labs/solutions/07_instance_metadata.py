"""Reference solutions for lab 07."""


def require_imdsv2(ec2, instance_id):
    ec2.modify_instance_metadata_options(InstanceId=instance_id, HttpTokens="required", HttpEndpoint="enabled")


def allow_containers(ec2, instance_id):
    # Every field we mean: HttpTokens left out would take its default (optional) and reopen IMDSv1.
    ec2.modify_instance_metadata_options(InstanceId=instance_id, HttpTokens="required", HttpPutResponseHopLimit=2,
                                         HttpEndpoint="enabled")


def launch_v2_only(launch, subnet_id):
    return launch("api-1", MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 2})
