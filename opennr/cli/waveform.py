"""``opennr waveform``: placeholder until its issue lands (nothing registered yet)."""
