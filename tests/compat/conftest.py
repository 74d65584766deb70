# The frozen plugin's own tests import it as an installed package; test_frozen_plugins.py
# runs them in a subprocess with its source on the path, so they are not collected here.
collect_ignore = ["language_plugin_0_1"]
