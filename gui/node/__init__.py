"""The Node tab: the node's summary, its settings and its log."""
