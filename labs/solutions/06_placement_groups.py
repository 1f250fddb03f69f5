"""Reference solutions for lab 06."""


def build_cassandra(ec2, launch_node, subnet_id):
    ec2.create_placement_group(GroupName="cassandra", Strategy="partition", PartitionCount=3)
    return [launch_node(f"cassandra-{n}", {"GroupName": "cassandra", "PartitionNumber": n}) for n in (1, 2, 3)]


def choose_strategies():
    return {"weather_simulation": "cluster", "kafka_cluster": "partition", "etcd_quorum": "spread"}
