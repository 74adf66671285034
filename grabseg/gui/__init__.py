"""The PySide6 annotation window (the only package that imports Qt).

Widgets are views of Qt-free objects (``AnnotationSession``, ``ToolSettings``,
``Preferences``, ``ImageNavigator``); the main window only wires them together.
"""
