"""Teaching aids: exercise checks, progress, reference solutions, lab building blocks, and every picture and
widget (the only layer that imports matplotlib or ipywidgets)."""
