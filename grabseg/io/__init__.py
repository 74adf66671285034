"""Reading files: images (``grabseg.io.images``) and dataset importers."""
