# Builds the account, container and object rings of a one-node, one-replica Swift for tests:
#   python3 make_rings.py SWIFT_DIR ACCOUNT_PORT CONTAINER_PORT OBJECT_PORT
# One device ("d1") on 127.0.0.1 per ring; the ports are the three storage servers'.
import sys

from swift.common.ring import RingBuilder

swift_dir = sys.argv[1]
ports = dict(zip(("account", "container", "object"), map(int, sys.argv[2:5])))
for name, port in ports.items():
    # 2^6 partitions are plenty for a test's few objects; min_part_hours 0: no rebalance wait.
    builder = RingBuilder(6, 1, 0)
    builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port, "device": "d1", "weight": 1.0})
    builder.rebalance()
    builder.get_ring().save(f"{swift_dir}/{name}.ring.gz")
