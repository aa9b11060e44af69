"""What pages and the API read, within the user's scope, without changing anything."""
