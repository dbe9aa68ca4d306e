"""Help Desk Simulator."""
