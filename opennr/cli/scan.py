"""``opennr scan``: placeholder until its issue lands (nothing registered yet)."""
