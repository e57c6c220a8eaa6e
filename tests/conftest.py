import os
import sys

# Test helpers live next to the tests that use them.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "boot"))
