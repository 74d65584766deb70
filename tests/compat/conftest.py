# The frozen plugins' own tests import them as installed packages; test_frozen_plugins.py
# runs them in a subprocess with their source first on the path, so they are not collected here.
collect_ignore = ["language_plugin_0_1", "law_plugin_0_1", "pakistan_0_1"]
