"""Reports across domains: the community health dashboard, its charts and its file."""
