"""Running SummitCMS beyond one machine: the cluster on this one (cluster.py), HAProxy's configuration."""
