"""The explorer's state, Qt-free: the session, its edit rules and problems, the settings
codec and the render jobs. Tested without a QApplication; the widgets bind to it."""
