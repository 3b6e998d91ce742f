"""The page cache's content version lives here once it moves from the kernel."""
