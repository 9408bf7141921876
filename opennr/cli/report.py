"""``opennr report``: placeholder until its issue lands."""
