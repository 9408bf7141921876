"""Propagation channel models (TR 38.901 §7.5, §7.7; TS 38.101-4 / 38.104 fading profiles).

Modules: :mod:`opennr.propagation.tdl` (TDL-A..E and the conformance profiles),
:mod:`opennr.propagation.cdl` (CDL-A..E with antenna arrays), :mod:`opennr.propagation.apply`
(time-domain filtering and OFDM frequency responses shared by both).
"""
