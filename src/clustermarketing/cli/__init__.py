"""Command-line interface: ``clustermarketing validate | new | examples | models | run | game``.

A thin layer over the library: it parses options, calls the scenario loader and the simulation
engine, and renders their plain-data results. User errors print one ``error:`` line and exit 2.
"""
