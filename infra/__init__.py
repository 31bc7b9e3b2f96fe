"""The CDK app: one stack composed of constructs, built from shared/topology.py."""
