"""Print a file with its ${NAME} settings filled in from the environment (deploy/cluster.sh uses it
for haproxy.cfg). A setting that is not set is an error."""

import os
import re
import sys

print(re.sub(r"\$\{([A-Z_]+)\}", lambda m: os.environ[m[1]], open(sys.argv[1], encoding="utf-8").read()), end="")
