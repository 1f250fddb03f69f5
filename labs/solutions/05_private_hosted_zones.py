"""Reference solutions for lab 05."""


def enable_vpc_dns(ec2, vpc_id):
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})


def share_zone(r53, zone_id, vpc_id, region):
    r53.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC={"VPCRegion": region, "VPCId": vpc_id})


def name_the_alb(r53, zone_id, alb_dns):
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {"Name": "web.my-app.internal", "Type": "CNAME", "TTL": 60,
                                                  "ResourceRecords": [{"Value": alb_dns}]}}]})
