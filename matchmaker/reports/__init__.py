"""The board's report: figures per quarter and field of action, the funnel and trends, regional retention,
and the plan of measures."""
