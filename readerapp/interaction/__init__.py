"""What the user does, without Qt: the command registry, the keymap and key tokens, the views, the undo
history and the list controller. ``readerapp.ui`` draws widgets over these and turns Qt's events into
their words; everything here is tested without a window and held to strict mypy."""
