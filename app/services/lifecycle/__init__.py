"""What participants do on applications, and what the timer worker does when deadlines pass."""
