"""Reference solutions for lab 00."""


def create_first_subnet(ec2, vpc_id):
    return ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
