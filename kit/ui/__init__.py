"""Widget and plotly plumbing shared by every app; it knows no topic.

``app`` (the App base), ``controls`` (slider and menu builders, typed values),
``theme`` (template, colours), ``figures`` (axes with units, log ticks,
highlighting, label thinning) and ``rules`` (the figure rule checker).
See CONTRIBUTING, "Apps and figures".
"""
