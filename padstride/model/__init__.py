"""Keras models read layer call by layer call: the graph (``graph``), what each layer kind does
(``kinds``), one record per call (``explain``), receptive fields (``receptive``) and which
pixels each map reads and carries (``coverage``)."""
