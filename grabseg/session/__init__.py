"""Qt-free annotation state for one image (``AnnotationSession``) and gesture tools.

The GUI subscribes to a session and renders it; the session never knows the widget.
"""
